/// Scenarios compared on common random numbers: each metric's mean per scenario and the
/// paired difference (variant minus base) with its 95% confidence interval.
///
/// Replication r of every scenario uses the same streams (same master seed, replication r,
/// streams named by cohort and purpose), so the difference of each pair has far less
/// variance than the difference of independent runs.
public struct Comparison: Sendable {
    public struct Row: Sendable {
        public var key: String
        public var base: ConfidenceInterval
        public var variants: [ConfidenceInterval]
        /// Paired differences, variant minus base, per variant: the mean difference and its
        /// 95% Student t interval.
        public var differences: [ConfidenceInterval]
        /// The planning range of the per-replication differences, per variant: P10, median and
        /// P90 of variant minus base in the same replication (where single years' differences
        /// fall; it does not shrink with more replications).
        public var differencePlanning: [PlanningRange] = []

        /// The planning range of the differences for `variant` (empty when not computed).
        public func planning(_ variant: Int) -> PlanningRange {
            variant < differencePlanning.count ? differencePlanning[variant] : PlanningRange(values: [])
        }

        /// Whether the interval of the difference for `variant` excludes zero.
        public func isSignificant(_ variant: Int) -> Bool {
            let d = differences[variant]
            return !d.low.isNaN && (d.low > 0 || d.high < 0)
        }

        /// Whether the difference for `variant` is better, worse or no clear change.
        public func change(_ variant: Int) -> Metric.Change {
            Metric.change(of: key, low: differences[variant].low, high: differences[variant].high)
        }
    }

    public var names: [String]
    public var rows: [Row]

    /// - Parameters:
    ///   - names: the scenarios' names, base first.
    ///   - runs: base first, then variants; each with the same replication count.
    public init(names: [String], runs: [[ReplicationMetrics]]) {
        self.names = names
        guard let base = runs.first, let first = base.first else {
            rows = []
            return
        }
        var rows: [Row] = []
        for (i, entry) in first.values.enumerated() {
            let key = entry.key
            func column(_ run: [ReplicationMetrics]) -> [Double]? {
                guard let j = run.first?.values.firstIndex(where: { $0.key == key }) else { return nil }
                return run.map { $0.values[j].value }
            }
            let baseValues = base.map { $0.values[i].value }
            let bounds = Metric.bounds(of: key)
            var variantIntervals: [ConfidenceInterval] = []
            var differences: [ConfidenceInterval] = []
            var planning: [PlanningRange] = []
            var complete = true
            for run in runs.dropFirst() {
                guard let values = column(run) else {
                    complete = false
                    break
                }
                variantIntervals.append(ConfidenceInterval(values: values.filter { !$0.isNaN }, bounds: bounds))
                let paired = zip(values, baseValues).map { $0 - $1 }.filter { !$0.isNaN }
                differences.append(ConfidenceInterval(values: paired))
                planning.append(PlanningRange(values: paired))
            }
            guard complete else { continue }
            rows.append(
                Row(
                    key: key, base: ConfidenceInterval(values: baseValues.filter { !$0.isNaN }, bounds: bounds),
                    variants: variantIntervals, differences: differences, differencePlanning: planning))
        }
        self.rows = rows
    }

    public subscript(key: String) -> Row? { rows.first { $0.key == key } }

    /// `compare.csv`: one row per metric and variant, with the difference's 95% interval and
    /// its planning range (`difference_p10`, `difference_p90`: empty with fewer than
    /// ``PlanningRange/minimumReplications`` replications).
    public var csv: String {
        var out = CSV.row([
            "metric", "unit", "base", "variant", "base_mean", "variant_mean", "difference", "difference_ci95_low",
            "difference_ci95_high", "difference_p10", "difference_p90", "significant", "change",
        ])
        for row in rows {
            for v in row.variants.indices {
                out += CSV.row([
                    .text(row.key), .text(Metric.unit(of: row.key)), .text(names[0]), .text(names[v + 1]),
                    CSV.number(row.base.mean),
                    CSV.number(row.variants[v].mean), CSV.number(row.differences[v].mean),
                    CSV.number(row.differences[v].low),
                    CSV.number(row.differences[v].high), CSV.number(row.planning(v).p10),
                    CSV.number(row.planning(v).p90), row.isSignificant(v) ? "yes" : "no",
                    .text(row.change(v).rawValue),
                ])
            }
        }
        return out
    }

    /// A number, or `null` when it is undefined (as the JSON writer would write it, so that
    /// the document reads back equal).
    static func numberOrNull(_ x: Double) -> JSONValue { x.isNaN ? .null : .number(x) }

    /// `compare.json`'s `comparison` object: per metric the base mean and interval and, per
    /// variant, the mean, the paired difference with its 95% interval and its planning range
    /// (`differenceP10P90`, null ends with fewer than ``PlanningRange/minimumReplications``
    /// replications), whether it is significant and the change.
    public var json: JSONValue {
        var metrics = JSONObject()
        for row in rows {
            var variants: [JSONValue] = []
            for v in row.variants.indices {
                variants.append(
                    .object(
                        JSONObject([
                            ("scenario", .string(names[v + 1])), ("mean", .number(row.variants[v].mean)),
                            ("difference", .number(row.differences[v].mean)),
                            (
                                "differenceCi95",
                                .array([.number(row.differences[v].low), .number(row.differences[v].high)])
                            ),
                            (
                                "differenceP10P90",
                                .array([Self.numberOrNull(row.planning(v).p10), Self.numberOrNull(row.planning(v).p90)])
                            ),
                            ("significant", .bool(row.isSignificant(v))),
                            ("change", .string(row.change(v).rawValue)),
                        ])))
            }
            metrics[row.key] = .object(
                JSONObject([
                    ("unit", .string(Metric.unit(of: row.key))), ("base", .number(row.base.mean)),
                    ("baseCi95", .array([.number(row.base.low), .number(row.base.high)])),
                    ("variants", .array(variants)),
                ]))
        }
        return .object(JSONObject([("scenarios", .array(names.map { .string($0) })), ("metrics", .object(metrics))]))
    }
}

extension Comparison {
    /// One warning per variant that measures a different period from the base (another start,
    /// length or warm-up): its totals then differ from the base's for the period alone, not for
    /// anything the variant changes, so the differences of totals mean little.
    /// - Parameter scenarios: the base first, then the variants, with their files.
    public static func periodWarnings(_ scenarios: [LoadedScenario]) -> [String] {
        guard let base = scenarios.first?.scenario else { return [] }
        func period(_ s: Scenario) -> String {
            "\(s.days) days from \(s.start) after a \(s.warmupDays)-day warm-up"
        }
        return scenarios.dropFirst().compactMap { v in
            let s = v.scenario
            guard s.start != base.start || s.days != base.days || s.warmupDays != base.warmupDays else { return nil }
            return
                "\(v.file): measures \(period(s)), the base \(period(base)): totals differ for the period alone, so compare scenarios over the same period (the same start, horizonDays and warmupDays)"
        }
    }
}
