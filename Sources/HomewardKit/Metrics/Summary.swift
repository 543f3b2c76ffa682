/// Metrics across replications: each metric's mean with the 95% confidence interval of that
/// mean, and its planning range (P10, median, P90 of single replications).
public struct Summary: Sendable {
    public struct Entry: Sendable {
        public var key: String
        /// The mean and its 95% interval (by the method the metric's bounds call for, see
        /// ``ConfidenceInterval/init(values:bounds:level:)``): where the long-run mean lies.
        public var interval: ConfidenceInterval
        public var values: [Double]
        /// P10, median and P90 across replications: where single years fall.
        public var planning = PlanningRange(values: [])
    }

    public struct Series: Sendable {
        public var key: String
        /// Per month: mean and 95% interval across replications.
        public var intervals: [ConfidenceInterval]
        /// Per month: the planning range across replications (P10 and P90 NaN with fewer than
        /// ``PlanningRange/minimumReplications`` replications).
        public var planning: [PlanningRange] = []
    }

    /// A per-day series across replications: quantiles for fan charts (where single years
    /// fall), and the mean with its 95% interval (where the long-run mean of the day lies).
    public struct Band: Sendable {
        public var key: String
        public var p5: [Double], p25: [Double], median: [Double], p75: [Double], p95: [Double]
        /// Per day: the mean across replications and its 95% interval, by the method the
        /// series' bounds call for (``ConfidenceInterval/init(values:bounds:level:)``).
        public var mean: [Double] = [], low: [Double] = [], high: [Double] = []
    }

    public var entries: [Entry]
    public var monthLabels: [String]
    public var monthly: [Series]
    /// Per-day quantile bands, when the run kept daily series.
    public var daily: [Band] = []

    /// Summarises replications (all from the same scenario, in replication order).
    ///
    /// Metrics are matched by name: each replication's value for each of the first replication's
    /// metrics. This never traps; a metric or series value a replication lacks counts as NaN (left
    /// out of intervals). Use ``init(checking:)`` for replications read from files.
    public init(_ replications: [ReplicationMetrics]) {
        guard let first = replications.first else {
            entries = []
            monthLabels = []
            monthly = []
            return
        }
        entries = first.values.indices.map { i in
            let key = first.values[i].key
            let values = replications.map { $0.value(at: i, key: key) }
            let defined = values.filter { !$0.isNaN }
            let interval = ConfidenceInterval(values: defined, bounds: Metric.bounds(of: key))
            return Entry(key: key, interval: interval, values: values, planning: PlanningRange(values: defined))
        }
        monthLabels = first.monthLabels
        monthly = first.monthly.indices.map { i in
            let key = first.monthly[i].key
            let bounds = Metric.bounds(of: key, in: .monthly)
            let columns = first.monthLabels.indices.map { m in
                replications.map { ReplicationMetrics.seriesValue($0.monthly, at: i, key: key, index: m) }
                    .filter { !$0.isNaN }
            }
            return Series(
                key: key, intervals: columns.map { ConfidenceInterval(values: $0, bounds: bounds) },
                planning: columns.map { PlanningRange(values: $0) })
        }
        daily = first.daily.indices.map { i in
            let key = first.daily[i].key
            let days = first.daily[i].values.count
            var bands = Band(key: key, p5: [], p25: [], median: [], p75: [], p95: [])
            let bounds = Metric.bounds(of: key, in: .daily)
            for d in 0..<days {
                let xs = replications.map { ReplicationMetrics.seriesValue($0.daily, at: i, key: key, index: d) }
                let interval = ConfidenceInterval(values: xs.filter { !$0.isNaN }, bounds: bounds)
                bands.mean.append(interval.mean)
                bands.low.append(interval.low)
                bands.high.append(interval.high)
                bands.p5.append(Statistics.quantile(xs, 0.05))
                bands.p25.append(Statistics.quantile(xs, 0.25))
                bands.median.append(Statistics.quantile(xs, 0.5))
                bands.p75.append(Statistics.quantile(xs, 0.75))
                bands.p95.append(Statistics.quantile(xs, 0.95))
            }
            return bands
        }
    }

    /// Summarises replications after checking that each has the same metrics, monthly and daily
    /// series and months as the first (in any order: metrics are matched by name).
    ///
    /// - Throws: `MetricsError` naming the first replication that differs and the metric.
    public init(checking replications: [ReplicationMetrics]) throws(MetricsError) {
        try ReplicationMetrics.checkSameShape(replications)
        self.init(replications)
    }

    public subscript(key: String) -> Entry? { entries.first { $0.key == key } }

    /// `summary.json`'s `metrics` object: dotted keys become nested objects. Each metric has its
    /// mean, `ci95` (the interval of the mean), `p10`, `median` and `p90` (the planning range;
    /// P10 and P90 are null with fewer than ``PlanningRange/minimumReplications`` replications),
    /// unit and per-replication values.
    ///
    /// - Complexity: O(n) in the number of metrics (keys are grouped, not re-inserted).
    public var metricsJSON: JSONValue {
        let leaves: [(path: ArraySlice<String>, value: JSONValue)] = entries.map { entry in
            let interval = entry.interval
            let value = JSONValue.object(
                JSONObject([
                    ("mean", .number(interval.mean)),
                    ("ci95", .array([.number(interval.low), .number(interval.high)])),
                    ("p10", .number(entry.planning.p10)), ("median", .number(entry.planning.median)),
                    ("p90", .number(entry.planning.p90)),
                    ("unit", .string(Metric.unit(of: entry.key))),
                    ("values", .array(entry.values.map { .number($0) })),
                ]))
            return (ArraySlice(entry.key.split(separator: ".").map(String.init)), value)
        }
        return Summary.nest(leaves)
    }

    /// Builds nested objects from (path, value) pairs, keeping first-seen key order.
    static func nest(_ leaves: [(path: ArraySlice<String>, value: JSONValue)]) -> JSONValue {
        var order: [String] = []
        var groups: [String: [(path: ArraySlice<String>, value: JSONValue)]] = [:]
        var values: [String: JSONValue] = [:]
        for leaf in leaves {
            guard let head = leaf.path.first else { continue }
            if groups[head] == nil && values[head] == nil { order.append(head) }
            if leaf.path.count == 1 {
                values[head] = leaf.value
            } else {
                groups[head, default: []].append((leaf.path.dropFirst(), leaf.value))
            }
        }
        return .object(JSONObject(order.map { key in (key, values[key] ?? nest(groups[key] ?? [])) }))
    }

    /// `summary.json`'s `monthly` object: per series and month, the mean, the 95% interval of
    /// the mean (`low`, `high`) and the planning range (`p10`, `p90`; null with fewer than
    /// ``PlanningRange/minimumReplications`` replications).
    public var monthlyJSON: JSONValue {
        var series = JSONObject()
        for s in monthly {
            series[s.key] = .object(
                JSONObject([
                    ("mean", .array(s.intervals.map { .number($0.mean) })),
                    ("low", .array(s.intervals.map { .number($0.low) })),
                    ("high", .array(s.intervals.map { .number($0.high) })),
                    ("p10", .array(s.planning.map { .number($0.p10) })),
                    ("p90", .array(s.planning.map { .number($0.p90) })),
                ]))
        }
        return .object(JSONObject([("months", .array(monthLabels.map { .string($0) })), ("series", .object(series))]))
    }

    /// `summary.json`'s `daily` object (present only when daily series were kept): per series,
    /// the 5th, 25th, 50th, 75th and 95th percentiles across replications for each day, and the
    /// mean with the low and high ends of its 95% interval (`mean`, `ci95Low`, `ci95High`).
    public func dailyJSON(start: CivilDate) -> JSONValue? {
        guard let first = daily.first else { return nil }
        var series = JSONObject()
        for b in daily {
            series[b.key] = .object(
                JSONObject([
                    ("p5", .array(b.p5.map { .number($0) })), ("p25", .array(b.p25.map { .number($0) })),
                    ("median", .array(b.median.map { .number($0) })), ("p75", .array(b.p75.map { .number($0) })),
                    ("p95", .array(b.p95.map { .number($0) })), ("mean", .array(b.mean.map { .number($0) })),
                    ("ci95Low", .array(b.low.map { .number($0) })), ("ci95High", .array(b.high.map { .number($0) })),
                ]))
        }
        let dates = (0..<first.median.count).map { JSONValue.string(start.adding(days: $0).description) }
        return .object(JSONObject([("dates", .array(dates)), ("series", .object(series))]))
    }

}
