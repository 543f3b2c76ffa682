/// Why replications' metrics cannot be read back or summarised together.
public struct MetricsError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the metric (for example `replication 3 lacks metric 'deaths'`).
    public var message: String

    /// Creates an error with its message.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension ReplicationMetrics {
    /// The first way in which this replication's metrics differ in shape from `reference`'s: a
    /// metric, monthly or daily series that one has and the other lacks, a key given twice, other
    /// months, or a series of another length. Values are not compared.
    ///
    /// The text completes a sentence about this replication, for example
    /// `lacks metric 'deaths'` or `has metric 'bedsOnMars', which the other replication lacks`.
    ///
    /// - Complexity: O(n) in the number of keys and series values.
    public func shapeDifference(from reference: ReplicationMetrics) -> String? {
        if let d = Self.keyDifference(values.map(\.key), reference.values.map(\.key), kind: "metric") { return d }
        guard monthLabels == reference.monthLabels else {
            return "covers months \(Self.span(monthLabels)), not \(Self.span(reference.monthLabels))"
        }
        if let d = Self.keyDifference(monthly.map(\.key), reference.monthly.map(\.key), kind: "monthly series") {
            return d
        }
        if let bad = monthly.first(where: { $0.values.count != monthLabels.count }) {
            return "has \(bad.values.count) values in monthly series '\(bad.key)' for \(monthLabels.count) months"
        }
        if daily.isEmpty != reference.daily.isEmpty {
            return daily.isEmpty ? "has no daily series" : "has daily series, which the other replication lacks"
        }
        if let d = Self.keyDifference(daily.map(\.key), reference.daily.map(\.key), kind: "daily series") { return d }
        let days = reference.daily.first?.values.count ?? 0
        if let bad = daily.first(where: { $0.values.count != days }) {
            return "has \(bad.values.count) days in daily series '\(bad.key)', not \(days)"
        }
        return nil
    }

    static func keyDifference(
        _ keys: [String], _ reference: [String], kind: String, other: String = "the other replication lacks"
    ) -> String? {
        if keys == reference { return nil }
        if let twice = duplicate(keys) { return "has \(kind) '\(twice)' twice" }
        let mine = Set(keys)
        if let missing = reference.first(where: { !mine.contains($0) }) { return "lacks \(kind) '\(missing)'" }
        let theirs = Set(reference)
        if let extra = keys.first(where: { !theirs.contains($0) }) {
            return "has \(kind) '\(extra)', which \(other)"
        }
        return nil  // the same keys in another order: matched by name
    }

    /// The first way in which this replication's names differ from those this build computes
    /// for the scenario: `template` is the metrics of an empty projection of it
    /// (`Projection(context:recordingDaily:).metrics()`), which has every key a run of that
    /// scenario emits. A metric or series missing or unknown, or other months. Values and
    /// series lengths are not compared (``shapeDifference(from:)`` does that between replications).
    ///
    /// A saved file whose checksum was recomputed after a metric was renamed or dropped passes
    /// every check within the file; this one catches it.
    ///
    /// - Complexity: O(n) in the number of keys.
    public func nameDifference(from template: ReplicationMetrics) -> String? {
        let other = "this homeward does not compute for the scenario"
        if let d = Self.keyDifference(values.map(\.key), template.values.map(\.key), kind: "metric", other: other) {
            return d
        }
        guard monthLabels == template.monthLabels else {
            return "covers months \(Self.span(monthLabels)), not \(Self.span(template.monthLabels))"
        }
        if let d = Self.keyDifference(
            monthly.map(\.key), template.monthly.map(\.key), kind: "monthly series", other: other)
        {
            return d
        }
        if daily.isEmpty != template.daily.isEmpty {
            return daily.isEmpty ? "has no daily series" : "has daily series, which were not asked for"
        }
        return Self.keyDifference(daily.map(\.key), template.daily.map(\.key), kind: "daily series", other: other)
    }

    /// The first key that appears a second time.
    static func duplicate(_ keys: [String]) -> String? {
        var seen: Set<String> = []
        return keys.first { !seen.insert($0).inserted }
    }

    static func span(_ months: [String]) -> String {
        guard let first = months.first, let last = months.last else { return "none" }
        return first == last ? first : "\(first) to \(last)"
    }

    /// Checks that every replication has the same metrics, series and months as the first.
    ///
    /// - Throws: `MetricsError` naming the first replication (by position) that differs and how.
    public static func checkSameShape(_ replications: [ReplicationMetrics]) throws(MetricsError) {
        guard let first = replications.first else { return }
        for (kind, keys) in [
            ("metric", first.values.map(\.key)), ("monthly series", first.monthly.map(\.key)),
            ("daily series", first.daily.map(\.key)),
        ] {
            if let twice = duplicate(keys) { throw MetricsError("replication 0 has \(kind) '\(twice)' twice") }
        }
        for (i, r) in replications.enumerated() {
            if let d = r.shapeDifference(from: first) {
                throw MetricsError("replication \(i) \(d) (compared with replication 0)")
            }
        }
    }

    /// The value of `key`, looked up by name when it is not at `position` (where each replication
    /// of one run has it); NaN when the replication lacks it.
    func value(at position: Int, key: String) -> Double {
        if position < values.count && values[position].key == key { return values[position].value }
        return self[key] ?? .nan
    }

    /// Value `index` of the series `key` of `list`, found by name when not at `position`.
    static func seriesValue(
        _ list: [(key: String, values: [Double])], at position: Int, key: String, index: Int
    ) -> Double {
        let series =
            position < list.count && list[position].key == key
            ? list[position].values : list.first { $0.key == key }?.values
        guard let series, index < series.count else { return .nan }
        return series[index]
    }
}
