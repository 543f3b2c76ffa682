import Dispatch
import Foundation

/// Homeward's version, written into every manifest and log header.
public enum Homeward {
    public static let version = "0.1.0"
    public static let generator =
        "xoshiro256** (Blackman & Vigna); each stream seeded through SplitMix64 from (master seed, replication, FNV-1a hash of the stream's name)"
}

/// How to run a scenario's replications.
public struct RunOptions: Sendable {
    public var replications: Int
    public var seed: UInt64
    public var threads: Int
    /// Write the event log here: JSON Lines for `.jsonl`, CSV for `.csv`, else binary (`.hwlog`).
    public var eventsPath: String?
    /// Run only this slice of the replications (numbers keep their place in the whole run).
    public var shard: Shard?

    public init(replications: Int, seed: UInt64, threads: Int = 1, eventsPath: String? = nil, shard: Shard? = nil) {
        self.replications = replications
        self.seed = seed
        self.threads = threads
        self.eventsPath = eventsPath
        self.shard = shard
    }

    /// Run only these replication numbers (for adding replications to an earlier run).
    public var only: Range<Int>?
    /// Keep per-day series (for fan charts); memory grows with the run's length.
    public var recordDaily = false
    /// Patients in the system at once beyond which a run is stopped as runaway.
    public var patientLimit = Simulation<Projection>.maximumPatientsInSystem

    /// The replication numbers this run computes, in order.
    public var indices: [Int] { Array(only ?? 0..<replications).filter { shard?.contains($0) ?? true } }
}

/// The result of running a scenario.
public struct RunResult: Sendable {
    public var replications: [ReplicationMetrics]
    /// The replication number of each entry of `replications`.
    public var indices: [Int]
    public var manifest: RunManifest
    public var summary: Summary { Summary(replications) }
}

/// What was run, for reproducibility (in the spirit of the STRESS-DES guideline).
public struct RunManifest: Sendable {
    public var scenarioName: String
    public var scenarioFile: String
    public var scenarioHash: String
    public var seed: UInt64
    public var replications: Int
    public var start: CivilDate
    public var horizonDays: Int
    public var warmupDays: Int
    public var threads: Int
    public var wallSeconds: Double
    public var eventsFile: String?
    /// The outcome of `--precision`, when used.
    public var precision: JSONValue?
    /// The scenario's uncertain values (path, law, source), when it has any.
    public var uncertainInputs: JSONValue?

    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("homewardVersion", .string(Homeward.version)),
            ("scenario", .string(scenarioName)),
            ("scenarioFile", .string(scenarioFile)),
            ("scenarioHash", .string(scenarioHash)),
            ("seed", .number(Double(seed))),
            ("replications", .number(Double(replications))),
            ("start", .string(start.description)),
            ("horizonDays", .number(Double(horizonDays))),
            ("warmupDays", .number(Double(warmupDays))),
            ("generator", .string(Homeward.generator)),
            ("threads", .number(Double(threads))),
            ("wallSeconds", .number((wallSeconds * 1000).rounded() / 1000)),
        ]
        if let eventsFile { pairs.append(("eventsFile", .string(eventsFile))) }
        if let precision { pairs.append(("precision", precision)) }
        if let uncertainInputs { pairs.append(("uncertainInputs", uncertainInputs)) }
        return .object(JSONObject(pairs))
    }
}

/// Runs replications, in parallel when asked, with results in replication order so that the
/// outcome does not depend on the number of threads.
public enum Runner {
    /// One replication folded straight into its metrics (no log kept).
    public static func replicate(_ scenario: Scenario, seed: UInt64, replication: Int, recordDaily: Bool = false)
        -> ReplicationMetrics
    {
        var simulation = Simulation(
            scenario: scenario, seed: seed, replication: replication,
            sink: Projection(context: ProjectionContext(scenario: scenario), recordingDaily: recordDaily))
        simulation.run()
        return simulation.sink.metrics()
    }

    /// Runs several scenarios one after another with the same options, so on common random
    /// numbers (the same seed and streams for each): what `compare` and `schemes` measure.
    /// `progress` counts replications across all of them.
    public static func runEach(
        _ scenarios: [LoadedScenario], options: RunOptions, progress: (@Sendable (Int) -> Void)? = nil
    ) throws -> [[ReplicationMetrics]] {
        var runs: [[ReplicationMetrics]] = []
        for (i, loaded) in scenarios.enumerated() {
            let done = i * options.indices.count
            runs.append(try run(loaded, options: options) { progress?(done + $0) }.replications)
        }
        return runs
    }

    /// Runs `options.replications` replications of a loaded scenario.
    ///
    /// - Parameters:
    ///   - loaded: the scenario, as loaded from its file (its hash goes into the manifest).
    ///   - options: replications, seed, threads, event log, shard.
    ///   - progress: called (from any thread) after each replication with the number done.
    /// - Throws: `LogError.io` when the event log cannot be written; `RunError.runaway` when a
    ///   queue grows without limit (no results are returned).
    public static func run(
        _ loaded: LoadedScenario, options: RunOptions, progress: (@Sendable (Int) -> Void)? = nil
    ) throws -> RunResult {
        let began = Date()
        let scenario = loaded.scenario
        let indices = options.indices
        let n = indices.count
        let context = ProjectionContext(scenario: scenario)
        let results = ResultSlots<ReplicationMetrics>(count: n)
        let failures = ResultSlots<any Error>(count: n)
        // The event log: each replication writes its own part, joined in replication order
        // behind the header as soon as the replications before it are done (see EventLog/).
        let log = try options.eventsPath.map { (path: String) throws(LogError) -> EventLogAssembler in
            let directory = PathName.parent(of: path)
            if !directory.isEmpty {
                do throws(OutputError) { try SafeFile.makeDirectory(directory) } catch { throw .io(error.message) }
            }
            let header = EventLogHeader(
                context: context, scenarioHash: loaded.hash, seed: options.seed, replications: n)
            return try EventLogAssembler(path: path, header: header, format: EventLogFormat.forPath(path), parts: n)
        }
        parallelFor(count: n, threads: options.threads) { slot in
            let rep = indices[slot]
            // With uncertain values, each replication runs its own draw of the scenario.
            var scenario = scenario
            var context = context
            if !loaded.uncertain.isEmpty {
                do {
                    scenario = try loaded.scenario(seed: options.seed, replication: rep)
                } catch {
                    failures.set(slot, error)
                    return
                }
                context = ProjectionContext(scenario: scenario)
                if log != nil && context != log!.header.context {
                    failures.set(slot, RunError.logNeedsFixedContext(file: loaded.file))
                    return
                }
            }
            if log == nil {
                var simulation = Simulation(
                    scenario: scenario, seed: options.seed, replication: rep,
                    sink: Projection(context: context, recordingDaily: options.recordDaily))
                simulation.patientLimit = options.patientLimit
                simulation.run()
                if let runaway = simulation.runaway {
                    failures.set(slot, RunError.runaway(file: loaded.file, replication: rep, explanation: runaway))
                }
                results.set(slot, simulation.sink.metrics())
            } else {
                do {
                    let projection = Projection(context: context, recordingDaily: options.recordDaily)
                    let (metrics, runaway) =
                        switch log!.format {
                        case .binary:
                            try replicateLogging(
                                BinaryEventLogWriter.self, scenario, options, rep, slot, projection, log!)
                        case .jsonLines:
                            try replicateLogging(JSONLinesWriter.self, scenario, options, rep, slot, projection, log!)
                        case .csv:
                            try replicateLogging(CSVEventLogWriter.self, scenario, options, rep, slot, projection, log!)
                        }
                    if let runaway {
                        failures.set(slot, RunError.runaway(file: loaded.file, replication: rep, explanation: runaway))
                    }
                    results.set(slot, metrics)
                } catch {
                    failures.set(slot, error)
                }
            }
            progress?(results.filled)
        }
        let problems = failures.values.compactMap { $0 }
        if let error = problems.first(where: { $0 is ScenarioError }) ?? problems.first(where: { $0 is RunError })
            ?? problems.first
        {
            log?.abandon()
            throw error
        }
        try log?.finish()
        let manifest = RunManifest(
            scenarioName: scenario.name, scenarioFile: loaded.file, scenarioHash: loaded.hash, seed: options.seed,
            replications: n, start: scenario.start, horizonDays: scenario.days, warmupDays: scenario.warmupDays,
            threads: options.threads, wallSeconds: Date().timeIntervalSince(began), eventsFile: options.eventsPath,
            uncertainInputs: loaded.uncertain.isEmpty ? nil : loaded.uncertain.json)
        return RunResult(
            replications: results.allValues, indices: indices, manifest: manifest)
    }

    /// One replication folded into `projection` while its events are written, in the format of
    /// `W`, to part `slot` of `log`. Returns the metrics and the simulation's runaway message.
    static func replicateLogging<W: EventLogWriter>(
        _: W.Type, _ scenario: Scenario, _ options: RunOptions, _ rep: Int, _ slot: Int, _ projection: Projection,
        _ log: EventLogAssembler
    ) throws(LogError) -> (ReplicationMetrics, String?) {
        let output = try log.makePart(slot)
        var simulation = Simulation(
            scenario: scenario, seed: options.seed, replication: rep,
            sink: Tee(projection, W(output: output, header: log.header, replication: rep)))
        simulation.patientLimit = options.patientLimit
        simulation.run()
        simulation.sink.second.flush()
        try output.close()
        log.deliver(
            slot: slot, events: simulation.sink.second.eventsWritten, blocks: simulation.sink.second.blocksWritten)
        return (simulation.sink.first.metrics(), simulation.runaway)
    }

    /// Calls `body(i)` for i in 0..<count on up to `threads` threads; each index once.
    public static func parallelFor(count: Int, threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let workers = max(1, min(threads, count))
        if workers == 1 {
            for i in 0..<count { body(i) }
            return
        }
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.take()
                if i >= count { return }
                body(i)
            }
        }
    }
}

/// Results written by worker threads into their own slots, read back in slot order: which
/// thread ran a slot, and when, does not change what `values` returns.
final class ResultSlots<Value: Sendable>: @unchecked Sendable {  // every stored var is read and written under `lock`
    private let lock = NSLock()
    private var slots: [Value?]
    private var filledCount = 0

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// Stores `value` in slot `i` (from any thread).
    func set(_ i: Int, _ value: Value) {
        lock.lock()
        slots[i] = value
        filledCount += 1
        lock.unlock()
    }

    /// How many slots have been set.
    var filled: Int {
        lock.lock()
        defer { lock.unlock() }
        return filledCount
    }

    /// Every slot, in order (`nil` where nothing was set).
    var values: [Value?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }

    /// Every slot's value, in order; traps if a slot was never set (call once every worker
    /// has set its slot, e.g. after `Runner.parallelFor` returns with no failure).
    var allValues: [Value] {
        values.map { value in
            guard let value else { preconditionFailure("ResultSlots: a slot was never set") }
            return value
        }
    }
}

/// The next index to hand out to a worker thread.
final class Counter: @unchecked Sendable {  // `value` is read and written only under `lock`
    private let lock = NSLock()
    private var value = 0

    func take() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}

/// Sends each event to two sinks (the projection and a log writer).
public struct Tee<First: EventSink, Second: EventSink>: EventSink {
    public var first: First
    public var second: Second

    public init(_ first: First, _ second: Second) {
        self.first = first
        self.second = second
    }

    @inline(__always)
    public mutating func append(_ event: Event) {
        first.append(event)
        second.append(event)
    }
}

/// Enough replications: keep adding them until the 95% confidence interval of every headline
/// metric is within a relative precision of its mean (the confidence-interval method, as used
/// by Hoad, Robinson and Davies), up to a cap.
public enum SequentialReplications {
    /// The metrics whose precision is checked (those with a mean of 0 or undefined are skipped).
    public static let keys = Metric.precision.map(\.key)

    /// The worst relative half-width among `keys` (NaN if none can be measured yet).
    public static func achieved(_ runs: [ReplicationMetrics]) -> (worst: Double, metric: String) {
        var worst = (Double.nan, "")
        for key in keys {
            let values = runs.compactMap { $0[key] }.filter { !$0.isNaN }
            guard values.count >= 2 else { continue }
            let ci = ConfidenceInterval(values: values)
            guard ci.mean != 0, !ci.halfWidth.isNaN else { continue }
            let r = ci.halfWidth / abs(ci.mean)
            if worst.0.isNaN || r > worst.0 { worst = (r, key) }
        }
        return worst
    }

    /// Runs at least `options.replications`, then adds batches (a quarter of those done, at least
    /// 2; the sizes depend only on the count, so the result does not depend on threads) until
    /// the target precision or `maximum` is reached.
    public static func run(
        _ loaded: LoadedScenario, options: RunOptions, precision: Double, maximum: Int,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws -> RunResult {
        var first = try Runner.run(loaded, options: options, progress: progress)
        var n = options.replications
        var runs = first.replications
        var reached = achieved(runs)
        while !(reached.worst <= precision) && n < maximum {
            let batch = min(max(2, n / 4), maximum - n)
            var more = options
            more.replications = n + batch
            more.only = n..<(n + batch)
            let done = n
            let extra = try Runner.run(loaded, options: more) { progress?(done + $0) }
            runs += extra.replications
            n += batch
            reached = achieved(runs)
        }
        first.replications = runs
        first.indices = Array(0..<n)
        first.manifest.replications = n
        first.manifest.precision = .object(
            JSONObject([
                ("target", .number(precision)), ("achieved", .number(reached.worst)),
                ("worstMetric", .string(reached.metric)),
                ("metricsChecked", .array(keys.map { .string($0) })), ("replications", .number(Double(n))),
                ("maximumReplications", .number(Double(maximum))), ("reached", .bool(reached.worst <= precision)),
                (
                    "method",
                    .string(
                        "confidence-interval method: 95% half-width within the target share of the mean for every checked metric"
                    )
                ),
            ]))
        return first
    }
}

/// A run that cannot give a meaningful result.
public enum RunError: Error, CustomStringConvertible, Sendable {
    /// A queue grew without limit (see `Simulation.maximumPatientsInSystem`).
    case runaway(file: String, replication: Int, explanation: String)
    /// An event log was asked for, but uncertain values change what its header records once for
    /// the whole run (unit costs, scheme costs, population), so a replay could not match.
    case logNeedsFixedContext(file: String)

    public var description: String {
        switch self {
        case .runaway(let file, let replication, let explanation): "\(file): replication \(replication) \(explanation)"
        case .logNeedsFixedContext(let file):
            "\(file): --events: uncertain values in this scenario change its costs or population from one replication to the next, but an event log records them once for the whole run, so it could not be replayed; run without --events, or make costs and population certain"
        }
    }
}
