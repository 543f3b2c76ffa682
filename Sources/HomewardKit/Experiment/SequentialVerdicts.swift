import Foundation

/// Verdicts that do not flip with the seed: replications are added in batches until every
/// target is clearly met or clearly missed, or a cap is reached.
///
/// The rule. The procedure looks at the first n₀ replications (the run's `--replications`),
/// then at n₁ = n₀ + max(2, ⌊n₀/4⌋) and so on (each batch a quarter of those done, as
/// ``SequentialReplications`` does), up to the cap. The looks depend only on n₀ and the cap,
/// never on the results, so they are fixed before anything runs; with K looks, each is judged
/// at the two-sided level 1 − α/K (α = ``errorRate``): a Bonferroni split of α over the looks,
/// the simplest alpha-spending rule. By the union bound, every look's intervals hold the truth
/// at once with probability at least 1 − α (they form a confidence sequence), so a verdict
/// (met or missed) is wrong with probability at most α, however many looks were taken. A
/// target's verdict is final at the first look that decides it; the procedure stops when every
/// target is decided, or says "undecided" for those still open at the cap.
///
/// Replication r always uses replication r's random streams (common random numbers), batches
/// run replications n..<n + batch with the same seed, and the looks depend only on counts, so
/// the outcome does not depend on threads, on shards, or on being stopped and resumed.
public enum SequentialVerdicts {
    /// The chance of a wrong verdict the procedure allows (5%, matching the 95% intervals shown
    /// everywhere else): met when the truth misses the target, or missed when it meets it.
    public static let errorRate = 0.05

    /// The default cap on replications. At 1,000 the exact interval of a share near 90% is about
    /// ±2.8 points wide at the per-look level (15 looks from 50), so a setting is called
    /// undecided only when its true share is within about 3 points of the target; 1,000
    /// replications of the baseline take about 40 s on 2 cores (100 take 3.7 s), which keeps a
    /// borderline point of a sweep affordable.
    public static let defaultMaximum = 1000

    /// When to look: the replications at each look and the level each is judged at.
    public struct Plan: Sendable, Equatable {
        /// Replications at the first look.
        public var initial: Int
        /// The cap: the last look (at least `initial`).
        public var maximum: Int
        /// The chance of a wrong verdict allowed over all looks.
        public var errorRate: Double

        /// A plan starting at `initial` (at least 1) replications and stopping at `maximum` (raised
        /// to `initial` when smaller).
        public init(initial: Int, maximum: Int, errorRate: Double = SequentialVerdicts.errorRate) {
            self.initial = max(1, initial)
            self.maximum = max(self.initial, maximum)
            self.errorRate = errorRate
        }

        /// The replications at each look, from `initial` to `maximum`.
        public var looks: [Int] {
            var n = initial
            var looks = [n]
            while n < maximum {
                n += min(max(2, n / 4), maximum - n)
                looks.append(n)
            }
            return looks
        }

        /// The two-sided confidence level of each look: 1 − errorRate / (number of looks).
        public var level: Double { 1 - errorRate / Double(looks.count) }

        /// The plan and its rule, for manifests and result files.
        public var json: JSONValue {
            .object(
                JSONObject([
                    ("initialReplications", .number(Double(initial))),
                    ("maximumReplications", .number(Double(maximum))),
                    ("looks", .array(looks.map { .number(Double($0)) })),
                    ("errorRate", .number(errorRate)), ("levelPerLook", .number(level)),
                    ("rule", .string(SequentialVerdicts.rule)),
                ]))
        }
    }

    /// The rule in one sentence, written into manifests and result files.
    public static let rule =
        "replications added in batches of a quarter of those done (at least 2) until every target is met or missed or the cap is reached; each of the K looks judged at level 1 - errorRate/K (Bonferroni), shares on exact Clopper-Pearson intervals, means on Student t intervals; a verdict is final at the first look that decides it"

    /// What the procedure concluded.
    public struct Outcome: Sendable {
        /// Each target's verdict, from the look that decided it (or the last look).
        public var verdicts: [Target.Verdict]
        /// Replications at the last look taken.
        public var replications: Int
        /// The plan followed.
        public var plan: Plan

        /// Whether every target was decided (met or missed) before or at the cap.
        public var decided: Bool { verdicts.allSatisfy { $0.outcome != .undecided } }

        /// The run manifest of `loaded` judged this way: the replications of the last look, and
        /// `sequentialVerdicts` (``json``); `resumedFrom` names the file replications were reused from.
        public func manifest(
            _ loaded: LoadedScenario, seed: UInt64, threads: Int, seconds: Double, resumedFrom: String?
        ) -> JSONValue {
            let s = loaded.scenario
            let run = RunManifest(
                scenarioName: s.name, scenarioFile: loaded.file, scenarioHash: loaded.hash, seed: seed,
                replications: replications, start: s.start, horizonDays: s.days, warmupDays: s.warmupDays,
                threads: threads, wallSeconds: seconds, eventsFile: nil)
            guard case .object(var o) = run.json else { return run.json }
            if let resumedFrom { o["resumedFrom"] = .string(resumedFrom) }
            o["sequentialVerdicts"] = json
            return .object(o)
        }

        /// The plan, the replications used and whether every target was decided, for manifests.
        public var json: JSONValue {
            var plan = self.plan.json.objectValue ?? JSONObject()
            plan["replications"] = .number(Double(replications))
            plan["decided"] = .bool(decided)
            return .object(plan)
        }
    }

    /// Judges `targets` by the plan's looks.
    ///
    /// - Parameters:
    ///   - targets: the targets, each judged at every look until decided.
    ///   - plan: when to look.
    ///   - values: each target's values in replications 0..<n, for a look at n (called with
    ///     increasing n; the caller runs the replications it does not have yet). Returns nil when
    ///     they cannot be had (a sweep assembling points saved by other shards), which ends the
    ///     procedure with nil.
    /// - Throws: what `values` throws.
    /// - Complexity: one call of `values` per look taken (at most `plan.looks.count`).
    public static func decide<E: Error>(
        _ targets: [Target], plan: Plan, values: (Int) throws(E) -> [[Double]]?
    ) throws(E) -> Outcome? {
        let level = plan.level
        var verdicts: [Target.Verdict?] = Array(repeating: nil, count: targets.count)
        var last: [Target.Verdict] = []
        var taken = 0
        for n in plan.looks {
            guard let columns = try values(n) else { return nil }
            precondition(columns.count == targets.count, "SequentialVerdicts: one list of values per target")
            last = zip(targets, columns).map { $0.judge($1, level: level) }
            taken = n
            for (i, v) in last.enumerated() where verdicts[i] == nil && v.outcome != .undecided { verdicts[i] = v }
            if verdicts.allSatisfy({ $0 != nil }) { break }
        }
        return Outcome(
            verdicts: zip(verdicts, last).map { $0 ?? $1 }, replications: taken, plan: plan)
    }

    /// Runs `loaded` until its targets are decided or the plan's cap is reached.
    ///
    /// - Parameters:
    ///   - loaded: the scenario.
    ///   - targets: what to judge.
    ///   - plan: when to look.
    ///   - options: seed and threads (`replications`, `only` and `shard` are set here).
    ///   - saved: replications 0..<saved.count already run (from `--resume`); only those a look
    ///     needs are used, so a resumed run ends exactly as an uninterrupted one.
    ///   - save: called with every replication run so far after each batch (to keep them for
    ///     `--resume`).
    ///   - progress: called with the number of replications done.
    /// - Returns: the replications of the last look, in order, and the outcome.
    /// - Throws: what ``Runner/run(_:options:progress:)`` or `save` throws.
    public static func run(
        _ loaded: LoadedScenario, targets: [Target], plan: Plan, options: RunOptions,
        saved: [ReplicationMetrics] = [], save: ([ReplicationMetrics]) throws -> Void = { _ in },
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws -> (runs: [ReplicationMetrics], outcome: Outcome) {
        var runs = saved
        func values(_ n: Int) throws -> [[Double]]? {
            if runs.count < n {
                var more = options
                more.shard = nil
                more.replications = n
                more.only = runs.count..<n
                let done = runs.count
                runs += try Runner.run(loaded, options: more) { progress?(done + $0) }.replications
                try save(runs)
            }
            return columns(runs.prefix(n), targets)
        }
        guard let outcome = try decide(targets, plan: plan, values: values) else {
            preconditionFailure("SequentialVerdicts.run: values are always available")
        }
        return (Array(runs.prefix(outcome.replications)), outcome)
    }

    /// Judges saved replications alone: the outcome if they hold every replication the plan's
    /// looks need, nil if more would have to be run.
    public static func replay(_ runs: [ReplicationMetrics], targets: [Target], plan: Plan) -> Outcome? {
        decide(targets, plan: plan) { (n: Int) -> [[Double]]? in
            runs.count >= n ? columns(runs.prefix(n), targets) : nil
        }
    }

    /// Each target's metric in each replication (NaN where a replication lacks it).
    static func columns(_ runs: ArraySlice<ReplicationMetrics>, _ targets: [Target]) -> [[Double]] {
        targets.map { t in runs.map { $0[t.metric] ?? .nan } }
    }
}
