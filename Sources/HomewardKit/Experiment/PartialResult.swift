import Foundation

/// A slice of a run's replications (a shard), saved so that partial results from several
/// machines can be merged into exactly the result one machine would have produced.
///
/// Numbers are written in shortest round-trip form, so every value reads back bit for bit.
public struct PartialResult: Sendable {
    public static let format = "homeward-partial"
    public static let version = 1

    public var scenarioName: String
    public var scenarioFile: String
    public var scenarioHash: String
    public var seed: UInt64
    /// Replications of the whole run (all shards).
    public var totalReplications: Int
    /// This shard's replications, by replication number.
    public var replications: [(index: Int, metrics: ReplicationMetrics)]
    public var start: CivilDate
    public var horizonDays: Int
    public var warmupDays: Int

    public init(
        scenarioName: String, scenarioFile: String, scenarioHash: String, seed: UInt64, totalReplications: Int,
        replications: [(index: Int, metrics: ReplicationMetrics)], start: CivilDate, horizonDays: Int, warmupDays: Int
    ) {
        self.scenarioName = scenarioName
        self.scenarioFile = scenarioFile
        self.scenarioHash = scenarioHash
        self.seed = seed
        self.totalReplications = totalReplications
        self.replications = replications
        self.start = start
        self.horizonDays = horizonDays
        self.warmupDays = warmupDays
    }

    public var json: JSONValue {
        .object(
            JSONObject([
                ("format", .string(PartialResult.format)), ("version", .number(Double(PartialResult.version))),
                ("homewardVersion", .string(Homeward.version)), ("scenario", .string(scenarioName)),
                ("scenarioFile", .string(scenarioFile)), ("scenarioHash", .string(scenarioHash)),
                ("seed", .number(Double(seed))), ("totalReplications", .number(Double(totalReplications))),
                ("start", .string(start.description)), ("horizonDays", .number(Double(horizonDays))),
                ("warmupDays", .number(Double(warmupDays))),
                (
                    "replications",
                    .array(
                        replications.map {
                            .object(JSONObject([("index", .number(Double($0.index))), ("metrics", $0.metrics.json)]))
                        })
                ),
            ]))
    }

    public init(json: JSONValue, file: String) throws(CommandFailure) {
        func bad(_ m: String) -> CommandFailure { .usage("\(file): not a valid partial result: \(m)") }
        guard let o = json.objectValue, o["format"]?.stringValue == PartialResult.format else {
            throw bad("no \"format\": \"\(PartialResult.format)\"")
        }
        guard o["version"]?.numberValue == Double(PartialResult.version) else { throw bad("unsupported version") }
        guard let name = o["scenario"]?.stringValue, let hash = o["scenarioHash"]?.stringValue,
            let seed = o["seed"]?.numberValue,
            let total = o["totalReplications"]?.numberValue, let reps = o["replications"]?.arrayValue,
            let startText = o["start"]?.stringValue, let start = CivilDate(iso: startText),
            let horizon = o["horizonDays"]?.numberValue, let warmup = o["warmupDays"]?.numberValue
        else { throw bad("missing fields") }
        var list: [(index: Int, metrics: ReplicationMetrics)] = []
        for item in reps {
            guard let index = item.objectValue?["index"]?.numberValue, let m = item.objectValue?["metrics"],
                let metrics = ReplicationMetrics(json: m)
            else { throw bad("bad replication entry") }
            list.append((Int(index), metrics))
        }
        self.init(
            scenarioName: name, scenarioFile: o["scenarioFile"]?.stringValue ?? "", scenarioHash: hash,
            seed: UInt64(seed),
            totalReplications: Int(total), replications: list, start: start, horizonDays: Int(horizon),
            warmupDays: Int(warmup))
    }

    /// Combines shards into the complete, ordered list of replications.
    ///
    /// - Throws: when shards come from different scenarios or seeds, overlap, or leave gaps.
    public static func merge(_ parts: [(file: String, part: PartialResult)]) throws(CommandFailure) -> (
        PartialResult, [ReplicationMetrics]
    ) {
        guard let first = parts.first?.part else { throw .usage("merge needs at least one partial result") }
        var byIndex: [Int: ReplicationMetrics] = [:]
        for (file, p) in parts {
            guard p.scenarioHash == first.scenarioHash, p.seed == first.seed,
                p.totalReplications == first.totalReplications
            else {
                throw .usage(
                    "\(file): comes from a different run (scenario hash \(p.scenarioHash), seed \(p.seed), \(p.totalReplications) replications) than \(parts[0].file)"
                )
            }
            for (index, metrics) in p.replications {
                guard index >= 0 && index < first.totalReplications else {
                    throw .usage("\(file): replication \(index) is out of range")
                }
                guard byIndex[index] == nil else {
                    throw .usage("\(file): replication \(index) appears in more than one partial result")
                }
                byIndex[index] = metrics
            }
        }
        let missing = (0..<first.totalReplications).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            let list = missing.prefix(10).map(String.init).joined(separator: ", ")
            throw .usage(
                "replications missing from the partial results: \(list)\(missing.count > 10 ? ", ..." : "") (\(missing.count) of \(first.totalReplications))"
            )
        }
        var whole = first
        whole.replications = (0..<first.totalReplications).map { ($0, byIndex[$0]!) }
        return (whole, whole.replications.map(\.metrics))
    }
}

/// A deterministic slice of replications or sweep points: items i with i % count == index.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public func contains(_ i: Int) -> Bool { i % count == index }

    public var description: String { "\(index)/\(count)" }

    /// Parses `I/N`, `auto` or `auto/N`.
    ///
    /// `auto` takes the index from `JOB_COMPLETION_INDEX` (Kubernetes Indexed Job),
    /// `SLURM_ARRAY_TASK_ID` (minus `SLURM_ARRAY_TASK_MIN`, Slurm job array) or
    /// `HOMEWARD_SHARD_INDEX` (CI matrices), and the count from `N`, `HOMEWARD_SHARD_COUNT` or
    /// `SLURM_ARRAY_TASK_COUNT`.
    public static func parse(_ text: String, environment: [String: String]) throws(CommandFailure) -> Shard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, let head = parts.first else {
            throw .usage("--shard must be I/N, auto or auto/N, got '\(text)'")
        }
        var index: Int?
        var count = parts.count == 2 ? Int(parts[1]) : nil
        if parts.count == 2 && count == nil {
            throw .usage("--shard: the shard count must be a whole number, got '\(parts[1])'")
        }
        if head == "auto" {
            if let k = environment["JOB_COMPLETION_INDEX"] {
                index = Int(k)
            } else if let s = environment["SLURM_ARRAY_TASK_ID"] {
                index = Int(s).map { $0 - (Int(environment["SLURM_ARRAY_TASK_MIN"] ?? "0") ?? 0) }
                count = count ?? environment["SLURM_ARRAY_TASK_COUNT"].flatMap(Int.init)
            } else if let h = environment["HOMEWARD_SHARD_INDEX"] {
                index = Int(h)
            } else {
                throw .usage(
                    "--shard auto: none of JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or HOMEWARD_SHARD_INDEX is set")
            }
            count = count ?? environment["HOMEWARD_SHARD_COUNT"].flatMap(Int.init)
            guard index != nil else {
                throw .usage("--shard auto: the shard index in the environment is not a whole number")
            }
        } else {
            index = Int(head)
        }
        guard let index, let count else {
            throw .usage("--shard needs a count: I/N, auto/N, or set HOMEWARD_SHARD_COUNT (got '\(text)')")
        }
        guard count >= 1, index >= 0, index < count else {
            throw .usage("--shard: index must be from 0 to count - 1, got \(index)/\(count)")
        }
        return Shard(index: index, count: count)
    }
}

extension ReplicationMetrics {
    /// Lossless JSON form (values in order; monthly series by key).
    public var json: JSONValue {
        .object(
            JSONObject([
                ("keys", .array(values.map { .string($0.key) })),
                ("values", .array(values.map { JSONValue.number($0.value).losslessNaN })),
                ("months", .array(monthLabels.map { .string($0) })),
                ("monthlyKeys", .array(monthly.map { .string($0.key) })),
                ("monthly", .array(monthly.map { .array($0.values.map { JSONValue.number($0).losslessNaN }) })),
                ("dailyKeys", .array(daily.map { .string($0.key) })),
                ("daily", .array(daily.map { .array($0.values.map { JSONValue.number($0).losslessNaN }) })),
            ]))
    }

    public init?(json: JSONValue) {
        guard let o = json.objectValue, let keys = o["keys"]?.arrayValue?.compactMap(\.stringValue),
            let values = o["values"]?.arrayValue, keys.count == values.count,
            let months = o["months"]?.arrayValue?.compactMap(\.stringValue),
            let monthlyKeys = o["monthlyKeys"]?.arrayValue?.compactMap(\.stringValue),
            let monthly = o["monthly"]?.arrayValue, monthly.count == monthlyKeys.count
        else { return nil }
        var series: [(key: String, values: [Double])] = []
        for (k, s) in zip(monthlyKeys, monthly) {
            guard let xs = s.arrayValue, xs.count == months.count else { return nil }
            series.append((k, xs.map(JSONValue.decodeLossless)))
        }
        var daily: [(key: String, values: [Double])] = []
        if let dailyKeys = o["dailyKeys"]?.arrayValue?.compactMap(\.stringValue), let d = o["daily"]?.arrayValue,
            d.count == dailyKeys.count
        {
            for (k, s) in zip(dailyKeys, d) { daily.append((k, (s.arrayValue ?? []).map(JSONValue.decodeLossless))) }
        }
        self.init(
            values: zip(keys, values).map { ($0, JSONValue.decodeLossless($1)) }, monthLabels: months, monthly: series,
            daily: daily)
    }
}

extension JSONValue {
    /// NaN (an undefined ratio) written as the string "NaN", since JSON has no NaN.
    var losslessNaN: JSONValue {
        if case .number(let x) = self, x.isNaN { return .string("NaN") }
        return self
    }

    static func decodeLossless(_ v: JSONValue) -> Double {
        if case .number(let x) = v { return x }
        return .nan
    }
}
