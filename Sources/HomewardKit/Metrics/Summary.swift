/// Metrics across replications: each metric's mean and 95% confidence interval.
public struct Summary: Sendable {
    public struct Entry: Sendable {
        public var key: String
        public var interval: ConfidenceInterval
        public var values: [Double]
    }

    public struct Series: Sendable {
        public var key: String
        /// Per month: mean and 95% interval across replications.
        public var intervals: [ConfidenceInterval]
    }

    public var entries: [Entry]
    public var monthLabels: [String]
    public var monthly: [Series]

    /// Summarises replications (all from the same scenario, in replication order).
    public init(_ replications: [ReplicationMetrics]) {
        guard let first = replications.first else {
            entries = []
            monthLabels = []
            monthly = []
            return
        }
        entries = first.values.indices.map { i in
            let values = replications.map { $0.values[i].value }
            return Entry(key: first.values[i].key, interval: ConfidenceInterval(values: values.filter { !$0.isNaN }), values: values)
        }
        monthLabels = first.monthLabels
        monthly = first.monthly.indices.map { i in
            Series(
                key: first.monthly[i].key,
                intervals: first.monthLabels.indices.map { m in
                    ConfidenceInterval(values: replications.map { $0.monthly[i].values[m] }.filter { !$0.isNaN })
                })
        }
    }

    public subscript(key: String) -> Entry? { entries.first { $0.key == key } }

    /// `summary.json`'s `metrics` object: dotted keys become nested objects.
    public var metricsJSON: JSONValue {
        var root = JSONObject()
        for entry in entries {
            let interval = entry.interval
            let value = JSONValue.object(
                JSONObject([
                    ("mean", .number(interval.mean)),
                    ("ci95", .array([.number(interval.low), .number(interval.high)])),
                    ("unit", .string(MetricCatalogue.unit(of: entry.key))),
                    ("values", .array(entry.values.map { .number($0) })),
                ]))
            Summary.insert(value, at: entry.key.split(separator: ".").map(String.init), into: &root)
        }
        return .object(root)
    }

    public var monthlyJSON: JSONValue {
        var series = JSONObject()
        for s in monthly {
            series[s.key] = .object(
                JSONObject([
                    ("mean", .array(s.intervals.map { .number($0.mean) })),
                    ("low", .array(s.intervals.map { .number($0.low) })),
                    ("high", .array(s.intervals.map { .number($0.high) })),
                ]))
        }
        return .object(JSONObject([("months", .array(monthLabels.map { .string($0) })), ("series", .object(series))]))
    }

    static func insert(_ value: JSONValue, at path: [String], into object: inout JSONObject) {
        guard let head = path.first else { return }
        if path.count == 1 {
            object[head] = value
            return
        }
        var child = object[head]?.objectValue ?? JSONObject()
        insert(value, at: Array(path.dropFirst()), into: &child)
        object[head] = .object(child)
    }
}
