/// One metric of a replication, defined once: its key, unit, meaning and how to read it.
///
/// Every key a replication emits (a value, a monthly series or a daily series) belongs to
/// exactly one `Metric` in ``Metric/all`` (see `MetricRegistry.swift`). A metric is either a
/// single key (`nelAdmissions`) or a family of keys with one member per cohort, service,
/// scheme, DTOC reason, pathway or responsible organisation (`nelAdmissionsByCohort.<cohort>`,
/// `services.<service>.meanWaitDays`).
public struct Metric: Sendable, Hashable, CustomStringConvertible {
    /// Which of a replication's collections the key is emitted in.
    public enum Series: String, Sendable, CaseIterable {
        /// One value for the measured period (`ReplicationMetrics.values`).
        case value
        /// One value per calendar month (`ReplicationMetrics.monthly`).
        case monthly
        /// One value per measured day (`ReplicationMetrics.daily`, with `recordDaily`).
        case daily
    }

    /// Which way a change is an improvement.
    public enum Direction: String, Sendable {
        case lowerIsBetter = "lower is better"
        case higherIsBetter = "higher is better"
        case neither = "neither"
    }

    /// The range a metric's value cannot leave.
    public enum Bounds: String, Sendable {
        /// A whole number >= 0 in each replication.
        case count
        /// Any number >= 0.
        case nonNegative = "non-negative"
        /// A share in [0, 1].
        case proportion
        case unbounded

        /// The lowest and highest values the bounds allow.
        public var range: ClosedRange<Double> {
            switch self {
            case .count, .nonNegative: 0 ... .infinity
            case .proportion: 0...1
            case .unbounded: -.infinity ... .infinity
            }
        }

        /// Whether a replication's value can take `x` (NaN, an undefined ratio, is allowed).
        public func contains(_ x: Double) -> Bool {
            x.isNaN || (range.contains(x) && (self != .count || x == x.rounded()))
        }

        /// `x` moved into the range (NaN stays NaN).
        public func clamp(_ x: Double) -> Double {
            x.isNaN ? x : Swift.min(Swift.max(x, range.lowerBound), range.upperBound)
        }
    }

    /// The member rule of a keyed family: key `name.<member>` or `name.<member>.field`.
    public struct Family: Sendable, Hashable {
        /// What a member names ("cohort", "service", "DTOC reason code").
        public var member: String
        /// The field after the member, for families such as `services.<service>.admissions`.
        public var field: String?
    }

    /// The key of a single metric, or the group of a family (`nelAdmissionsByCohort`).
    public let name: String
    public let family: Family?
    public let series: Series
    public let unit: String
    /// What the metric counts or measures, in a sentence fragment.
    public let meaning: String
    /// A short name for reports ("Non-elective admissions").
    public let label: String
    /// Shown in the terminal table (in registry order).
    public let isHeadline: Bool
    /// A Better Care Fund measure.
    public let isBCF: Bool
    public let direction: Direction
    public let bounds: Bounds
    /// May drive `--precision` (replications are added until its interval is narrow enough).
    public let drivesPrecision: Bool

    init(
        _ name: String, _ series: Series = .value, family: Family? = nil, unit: String, bounds: Bounds,
        direction: Direction, label: String, meaning: String, headline: Bool = false, bcf: Bool = false,
        precision: Bool = false
    ) {
        self.name = name
        self.family = family
        self.series = series
        self.unit = unit
        self.meaning = meaning
        self.label = label
        self.isHeadline = headline
        self.isBCF = bcf
        self.direction = direction
        self.bounds = bounds
        self.drivesPrecision = precision
    }

    /// The key of a single metric; a family's pattern (`services.<service>.admissions`).
    public var key: String {
        guard let family else { return name }
        return key(member: "<\(family.member)>")
    }

    /// The key of one member of a family (`key(member: "older")`).
    public func key(member: String) -> String {
        guard let family else { return name }
        return name + "." + member + (family.field.map { "." + $0 } ?? "")
    }

    /// Whether `key` is this metric's key or one of its family's keys.
    public func matches(_ key: String) -> Bool {
        guard let family else { return key == name }
        guard key.hasPrefix(name + ".") else { return false }
        let rest = key.dropFirst(name.count + 1)
        guard let field = family.field else { return !rest.isEmpty }
        return rest.count > field.count + 1 && rest.hasSuffix("." + field)
    }

    /// The member named in a family's key (`older` in `nelAdmissionsByCohort.older`).
    public func member(of key: String) -> String? {
        guard let family, matches(key) else { return nil }
        let rest = key.dropFirst(name.count + 1)
        return String(rest.dropLast(family.field.map { $0.count + 1 } ?? 0))
    }

    public var description: String { key }

    public static func == (a: Metric, b: Metric) -> Bool {
        a.name == b.name && a.family == b.family && a.series == b.series
    }

    public func hash(into h: inout Hasher) {
        h.combine(name)
        h.combine(family)
        h.combine(series)
    }
}

extension Metric {
    /// The metric `key` belongs to in `series`, or nil when no metric has that key.
    public static func lookup(_ key: String, in series: Series = .value) -> Metric? {
        if let exact = index[series]?[key] { return exact }
        // A family's key begins with its name and a dot, and no name has a dot (a test checks),
        // so only the families named by the key's first part can match it: looking there
        // instead of trying every metric made writing a run's results a tenth slower.
        if let dot = key.utf8.firstIndex(of: UInt8(ascii: ".")) {
            return familyIndex[series]?[String(key[..<dot])]?.first { $0.matches(key) }
        }
        return nil
    }

    /// The unit of a value key ("" when unknown).
    public static func unit(of key: String) -> String { lookup(key)?.unit ?? "" }

    /// The natural bounds of a key (unbounded when unknown).
    public static func bounds(of key: String, in series: Series = .value) -> Bounds {
        lookup(key, in: series)?.bounds ?? .unbounded
    }

    /// The metrics of the terminal table, in order.
    public static let headline = all.filter(\.isHeadline)

    /// The metrics `--precision` checks, in order.
    public static let precision = all.filter(\.drivesPrecision)

    /// Every single (non-family) metric of `series` by key.
    static let index: [Series: [String: Metric]] = {
        var index: [Series: [String: Metric]] = [:]
        for m in all where m.family == nil { index[m.series, default: [:]][m.name] = m }
        return index
    }()

    /// The families of `series` by name, each list in the registry's order.
    static let familyIndex: [Series: [String: [Metric]]] = {
        var index: [Series: [String: [Metric]]] = [:]
        for m in all where m.family != nil { index[m.series, default: [:]][m.name, default: []].append(m) }
        return index
    }()

    /// The value keys nearest to a misspelt `key`, best first (at most `limit`).
    public static func suggestions(for key: String, among keys: [String], limit: Int = 3) -> [String] {
        // Metric names are short: a long one is contained in none and near none.
        guard key.utf8.count <= 200, !key.isEmpty else { return [] }
        let wanted = key.lowercased()
        let scored = keys.compactMap { k -> (String, Int)? in
            if Suggestion.isNear(k, key, within: 3) { return (k, Suggestion.editDistance(k, key)) }
            return k.lowercased().contains(wanted) ? (k, 4) : nil
        }
        return scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map(\.0)
    }

    /// "unknown metric 'nelAdmision'; did you mean 'nelAdmissions'?", the text for a metric
    /// name that is not among `keys` (the keys a scenario emits).
    public static func unknownMessage(_ key: String, among keys: [String]) -> String {
        let shown = key.count <= 200 ? key : String(key.prefix(60)) + "... (\(key.count) characters)"
        let near = suggestions(for: key, among: keys)
        return "unknown metric '\(shown)'"
            + (near.isEmpty
                ? " (see docs/metrics.md)" : "; did you mean \(near.map { "'\($0)'" }.joined(separator: " or "))?")
    }
}

extension Metric {
    /// What a difference (variant minus base) means for a metric, judged by its direction.
    public enum Change: String, Sendable {
        case better
        case worse
        /// Clearly higher, for a metric with no better direction.
        case higher
        /// Clearly lower, for a metric with no better direction.
        case lower
        /// The interval of the difference includes zero (or is undefined).
        case noClearChange = "no clear change"
    }

    /// The change of the value metric `key` whose difference has the 95% interval `low` to
    /// `high` (a key the registry lacks has no better direction).
    public static func change(of key: String, low: Double, high: Double) -> Change {
        (lookup(key)?.direction ?? .neither).change(low: low, high: high)
    }
}

extension Metric.Direction {
    /// The change a difference whose 95% interval is `low` to `high` shows.
    public func change(low: Double, high: Double) -> Metric.Change {
        guard !low.isNaN, !high.isNaN, low > 0 || high < 0 else { return .noClearChange }
        let up = low > 0
        switch self {
        case .lowerIsBetter: return up ? .worse : .better
        case .higherIsBetter: return up ? .better : .worse
        case .neither: return up ? .higher : .lower
        }
    }
}

extension ConfidenceInterval {
    /// The interval with its ends moved into `bounds` (a count never shows a negative lower end).
    public func clamped(to bounds: Metric.Bounds) -> ConfidenceInterval {
        var c = self
        c.low = bounds.clamp(low)
        c.high = bounds.clamp(high)
        return c
    }
}
