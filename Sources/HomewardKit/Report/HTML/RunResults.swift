/// One metric as a results file gives it: mean, 95% interval, unit, per-replication values
/// (NaN where undefined) and the planning range (NaN when the file has none or too few
/// replications).
struct MetricValue: Sendable {
    var mean: Double
    var low: Double
    var high: Double
    var unit: String
    var values: [Double]
    var p10: Double = .nan
    var median: Double = .nan
    var p90: Double = .nan
}

/// A monthly series: per month mean, 95% interval and (when the file has it) planning range.
struct MonthlySeries: Sendable {
    var mean: [Double]
    var low: [Double]
    var high: [Double]
    var p10: [Double] = []
    var p90: [Double] = []

    /// Whether every month has a finite P10 and P90 (a planning band can be drawn).
    var hasPlanningRange: Bool {
        p10.count == mean.count && p90.count == mean.count && !p10.isEmpty
            && p10.allSatisfy(\.isFinite) && p90.allSatisfy(\.isFinite)
    }
}

/// A daily series: per day quantiles across replications.
struct DailyBand: Sendable {
    var p5: [Double], p25: [Double], median: [Double], p75: [Double], p95: [Double]
}

/// What the report reads from a `summary.json` (of `run`, `replay`, `merge` or one scenario of
/// `compare`).
struct RunResults: Sendable {
    var manifest: JSONObject
    /// Metrics by dotted key, in file order.
    var keys: [String]
    var metrics: [String: MetricValue]
    var months: [String]
    var monthly: [String: MonthlySeries]
    var dates: [String]
    var daily: [String: DailyBand]
    var dailyKeys: [String]
    var scenarioName: String?
    var scenarioDescription: String?
    var assumptions: [(field: String, source: String)]
    /// The split of the spread and the inputs' effects, when the scenario has uncertain values.
    var uncertainty: JSONObject?
    /// The overload warnings' messages (`warnings`; empty when none or not computed).
    var warnings: [String] = []

    init(_ json: JSONValue, file: String) throws(ReportError) {
        guard let top = json.objectValue, let metricsObject = top["metrics"]?.objectValue else {
            throw .badInput("\(file): not a Homeward summary (no 'metrics' object)")
        }
        manifest = top["manifest"]?.objectValue ?? JSONObject()
        var keys: [String] = []
        var metrics: [String: MetricValue] = [:]
        RunResults.flatten(metricsObject, prefix: "", keys: &keys, into: &metrics)
        self.keys = keys
        self.metrics = metrics
        let monthlyObject = top["monthly"]?.objectValue
        months = monthlyObject?["months"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var monthly: [String: MonthlySeries] = [:]
        for (key, value) in monthlyObject?["series"]?.objectValue ?? JSONObject() {
            guard let o = value.objectValue else { continue }
            monthly[key] = MonthlySeries(
                mean: RunResults.numbers(o["mean"]), low: RunResults.numbers(o["low"]),
                high: RunResults.numbers(o["high"]), p10: RunResults.numbers(o["p10"]),
                p90: RunResults.numbers(o["p90"]))
        }
        self.monthly = monthly
        let dailyObject = top["daily"]?.objectValue
        dates = dailyObject?["dates"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var daily: [String: DailyBand] = [:]
        var dailyKeys: [String] = []
        for (key, value) in dailyObject?["series"]?.objectValue ?? JSONObject() {
            guard let o = value.objectValue else { continue }
            dailyKeys.append(key)
            daily[key] = DailyBand(
                p5: RunResults.numbers(o["p5"]), p25: RunResults.numbers(o["p25"]),
                median: RunResults.numbers(o["median"]),
                p75: RunResults.numbers(o["p75"]), p95: RunResults.numbers(o["p95"]))
        }
        self.daily = daily
        self.dailyKeys = dailyKeys
        let scenario = top["scenario"]?.objectValue
        scenarioName = scenario?["name"]?.stringValue ?? manifest["scenario"]?.stringValue
        scenarioDescription = scenario?["description"]?.stringValue
        uncertainty = top["uncertainty"]?.objectValue
        warnings = (top["warnings"]?.arrayValue ?? []).compactMap { $0.objectValue?["message"]?.stringValue }
        assumptions = (scenario?["assumptions"]?.arrayValue ?? []).compactMap { item in
            guard let o = item.objectValue else { return nil }
            return (o["field"]?.stringValue ?? "", o["source"]?.stringValue ?? "")
        }
    }

    subscript(key: String) -> MetricValue? { metrics[key] }

    /// A metric's value, or a family member's (`r[.costByService, "acute"]`).
    subscript(metric: Metric, member: String? = nil) -> MetricValue? { metrics[Self.key(metric, member)] }

    /// A monthly series by its metric.
    func series(_ metric: Metric, _ member: String? = nil) -> MonthlySeries? { monthly[Self.key(metric, member)] }

    /// A daily band by its metric.
    func band(_ metric: Metric, _ member: String? = nil) -> DailyBand? { daily[Self.key(metric, member)] }

    /// The members of a family present in the results, in file order.
    func members(of metric: Metric) -> [String] {
        var names: [String] = []
        for key in metric.series == .daily ? dailyKeys : keys {
            if let name = metric.member(of: key), !names.contains(name) { names.append(name) }
        }
        return names
    }

    static func key(_ metric: Metric, _ member: String?) -> String {
        member.map { metric.key(member: $0) } ?? metric.key
    }

    /// The service names, in file order.
    var services: [String] { members(of: .serviceOccupancyMean) }

    /// Walks nested metrics; a leaf is an object with `mean` and `ci95`.
    static func flatten(
        _ object: JSONObject, prefix: String, keys: inout [String], into out: inout [String: MetricValue]
    ) {
        for (key, value) in object {
            guard let o = value.objectValue else { continue }
            let path = prefix.isEmpty ? key : prefix + "." + key
            if o["mean"] != nil && o["ci95"] != nil {
                let ci = numbers(o["ci95"])
                keys.append(path)
                out[path] = MetricValue(
                    mean: number(o["mean"]), low: ci.count == 2 ? ci[0] : .nan, high: ci.count == 2 ? ci[1] : .nan,
                    unit: o["unit"]?.stringValue ?? Metric.unit(of: path), values: numbers(o["values"]),
                    p10: number(o["p10"]), median: number(o["median"]), p90: number(o["p90"]))
            } else {
                flatten(o, prefix: path, keys: &keys, into: &out)
            }
        }
    }

    /// A number, NaN for `null` or anything else.
    static func number(_ v: JSONValue?) -> Double { v?.numberValue ?? .nan }

    static func numbers(_ v: JSONValue?) -> [Double] { (v?.arrayValue ?? []).map { $0.numberValue ?? .nan } }
}
