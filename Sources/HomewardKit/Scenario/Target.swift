import Foundation

/// A target a plan must meet, checked by `homeward check` (and `sweep --target`).
///
/// On the mean across replications by default; with `confidence` p, on the share of replications
/// within the bound, which must be at least p ("9 winters in 10" is `confidence: 0.9`). Each is
/// judged met, missed or undecided on a confidence interval (see ``judge(_:level:)``).
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

    /// What a set of replications says about a target.
    public enum Outcome: String, Sendable {
        /// The target holds, at the stated confidence.
        case met
        /// The target does not hold, at the stated confidence.
        case missed
        /// The replications cannot tell at the stated confidence: the interval straddles the target.
        case undecided
    }

    /// The outcome of a target over a set of replications.
    ///
    /// A target with a `confidence` P is judged on the share of replications within the bound
    /// and its exact (Clopper-Pearson) interval at `level`: met when the whole interval is at or
    /// above P, missed when it is wholly below P, undecided otherwise. A target on the mean is
    /// judged on the Student t interval of the mean at `level`: met when the whole interval is
    /// within the bound, missed when it is wholly outside, undecided otherwise.
    public struct Verdict: Sendable {
        public var target: Target
        /// The mean across the replications judged, with its 95% confidence interval (shown beside
        /// every verdict; the verdict itself is judged at `level`).
        public var interval: ConfidenceInterval
        /// Share of replications within the bound.
        public var share: Double
        /// The share with its interval at `level` (what a target with a confidence is judged on).
        public var shareInterval: ShareInterval
        /// The interval of the mean at `level` (what a target on the mean is judged on).
        public var meanInterval: ConfidenceInterval
        /// Met, missed or undecided.
        public var outcome: Outcome
        /// Replications the verdict was judged on.
        public var replications: Int
        /// The two-sided confidence level of the intervals the verdict was judged on.
        public var level: Double

        /// Whether the target is met (an undecided target is not).
        public var met: Bool { outcome == .met }

        /// The interval the verdict was judged on: of the share, or of the mean.
        public var decisive: (low: Double, high: Double) {
            target.confidence == nil
                ? (meanInterval.low, meanInterval.high) : (shareInterval.low, shareInterval.high)
        }

        /// "met", "missed" or "undecided (share 88.0%, interval 85.1% to 90.6%)" (for a target
        /// on the mean, "undecided (mean 2,512, interval 2,431 to 2,593)").
        public var statement: String {
            guard outcome == .undecided else { return outcome.rawValue }
            let (low, high) = decisive
            if target.confidence != nil {
                return
                    "undecided (share \(TableRenderer.percent(share)), interval \(TableRenderer.percent(low)) to \(TableRenderer.percent(high)))"
            }
            return
                "undecided (mean \(TableRenderer.format(interval.mean)), interval \(TableRenderer.format(low)) to \(TableRenderer.format(high)))"
        }
    }

    /// Judges the target on one replication's values each (NaN where the metric is undefined,
    /// which is never within the bound).
    ///
    /// - Parameters:
    ///   - values: the target's metric in each replication.
    ///   - level: the two-sided confidence level of the intervals judged on; 0.95 for a single
    ///     look, higher for each look of a sequential procedure (see ``SequentialVerdicts``).
    /// - Complexity: O(n).
    public func judge(_ values: [Double], level: Double = 0.95) -> Verdict {
        let defined = values.filter { !$0.isNaN }
        let within = values.filter(holds).count
        let shares = ShareInterval(successes: within, count: values.count, level: level)
        let mean = ConfidenceInterval(values: defined, level: level)
        let outcome: Outcome
        if let p = confidence {
            // A share exactly at P meets the target (at least P of replications); the tolerance
            // absorbs the rounding of P as written (0.9 is not exactly representable).
            outcome =
                shares.low >= p - 1e-12 ? .met : shares.high < p - 1e-12 ? .missed : .undecided
        } else {
            let inside = bound == .atMost ? mean.high <= value : mean.low >= value
            let outside = bound == .atMost ? mean.low > value : mean.high < value
            outcome = inside ? .met : outside ? .missed : .undecided
        }
        return Verdict(
            target: self, interval: ConfidenceInterval(values: defined), share: shares.share, shareInterval: shares,
            meanInterval: mean, outcome: outcome, replications: values.count, level: level)
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
