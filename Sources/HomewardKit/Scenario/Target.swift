import Foundation

/// A target a plan must meet, checked by `homeward check` (and `sweep --target`).
///
/// Met when the mean across replications is within the bound; with `confidence` p, met when
/// at least a share p of replications are within it ("9 winters in 10" is `confidence: 0.9`).
public struct Target: Sendable, Equatable, CustomStringConvertible {
    public enum Bound: String, Sendable {
        case atMost = "<="
        case atLeast = ">="
    }

    public var name: String
    public var metric: String
    public var bound: Bound
    public var value: Double
    public var confidence: Double?

    public init(name: String, metric: String, bound: Bound, value: Double, confidence: Double? = nil) {
        self.name = name
        self.metric = metric
        self.bound = bound
        self.value = value
        self.confidence = confidence
    }

    public func holds(_ x: Double) -> Bool { !x.isNaN && (bound == .atMost ? x <= value : x >= value) }

    public var description: String {
        "\(metric) \(bound.rawValue) \(TableRenderer.compact(value))"
            + (confidence.map { " in \(TableRenderer.percent($0)) of replications" } ?? " (mean)")
    }

    /// Parses `"METRIC <= VALUE"` or `"METRIC >= VALUE"` (the `--target` option).
    public static func parse(_ text: String, confidence: Double?) -> Target? {
        for bound in [Bound.atMost, .atLeast] {
            let parts = text.components(separatedBy: bound.rawValue)
            if parts.count == 2 {
                let metric = parts[0].trimmingCharacters(in: .whitespaces)
                guard !metric.isEmpty, let value = Double(parts[1].trimmingCharacters(in: .whitespaces)), value.isFinite
                else { return nil }
                return Target(name: text, metric: metric, bound: bound, value: value, confidence: confidence)
            }
        }
        return nil
    }

    /// The outcome of a target over a set of replications.
    public struct Verdict: Sendable {
        public var target: Target
        public var interval: ConfidenceInterval
        /// Share of replications within the bound.
        public var share: Double
        public var met: Bool
    }

    public func judge(_ values: [Double]) -> Verdict {
        let defined = values.filter { !$0.isNaN }
        let interval = ConfidenceInterval(values: defined)
        let share = values.isEmpty ? 0 : Double(values.filter(holds).count) / Double(values.count)
        let met = confidence.map { share >= $0 - 1e-12 } ?? holds(interval.mean)
        return Verdict(target: self, interval: interval, share: share, met: met)
    }
}

extension ScenarioReader {
    /// `targets: [{ metric, atMost | atLeast, confidence?, name? }]`
    static func readTargets(_ value: JSONValue?, _ r: inout FieldReader) -> [Target] {
        guard let value else { return [] }
        guard case .array(let items) = value else {
            r.fail("targets", "must be a list of {metric, atMost or atLeast, confidence}")
            return []
        }
        var targets: [Target] = []
        for (i, item) in items.enumerated() {
            let p = "targets[\(i)]"
            let o = r.object(item, p, allowed: ["name", "metric", "atMost", "atLeast", "confidence"])
            guard let metric = r.string(o, "metric", p) else { continue }
            let hasMost = o?["atMost"] != nil
            let hasLeast = o?["atLeast"] != nil
            guard hasMost != hasLeast else {
                r.fail(p, "give exactly one of atMost and atLeast")
                continue
            }
            guard let v = r.number(o, hasMost ? "atMost" : "atLeast", p) else { continue }
            var confidence: Double?
            if o?["confidence"] != nil { confidence = r.probability(o, "confidence", p) }
            let bound: Target.Bound = hasMost ? .atMost : .atLeast
            let name = r.string(o, "name", p, default: "") ?? ""
            targets.append(
                Target(
                    name: name.isEmpty ? "\(metric) \(bound.rawValue) \(r.format(v))" : name, metric: metric,
                    bound: bound, value: v, confidence: confidence))
        }
        return targets
    }

    /// Every metric key a run of this scenario reports.
    public static func metricKeys(_ scenario: Scenario) -> [String] {
        Projection(context: ProjectionContext(scenario: scenario)).metrics().values.map(\.key)
    }

    /// What is wrong with `metric` as a target of `scenario` ("unknown metric 'nelAdmision'; did
    /// you mean 'nelAdmissions'?"), or nil when the scenario emits it.
    public static func unknownMetric(_ metric: String, in scenario: Scenario) -> String? {
        let keys = metricKeys(scenario)
        return keys.contains(metric) ? nil : Metric.unknownMessage(metric, among: keys)
    }
}
