import Foundation

/// Replications saved to a file so that they can be combined or reused: a shard of a run
/// (`run --shard`, combined by `merge`), a sweep point or a checked scenario (reused by
/// `--resume`). Merged shards give exactly the result one machine would have produced.
///
/// The file carries the identity of what it holds: the Homeward version that wrote it, the
/// scenario's hash, the seed, the number of replications in the whole run and the options that
/// change its content (``Options``), with a SHA-256 checksum over its content. Metrics are stored
/// and matched by name. Numbers are written in shortest round-trip form, so every value reads
/// back bit for bit.
public struct PartialResult: Sendable {
    /// The file's `format` member.
    public static let format = "homeward-partial"
    /// The file format's version. 2: metrics by name, options and a checksum (1 had neither).
    public static let version = 2

    /// The options of a run that change what its file holds (besides scenario, seed and size).
    public struct Options: Sendable, Equatable {
        /// One varied field of a sweep and its value at this point.
        public struct Setting: Sendable, Equatable {
            /// The scenario field (`services.beds.capacity`).
            public var field: String
            /// Its value at this point.
            public var value: Double

            /// Creates a setting.
            public init(field: String, value: Double) {
                self.field = field
                self.value = value
            }
        }

        /// Whether per-day series were kept (`--daily`, or `--html`, whose fan charts need them).
        public var daily: Bool
        /// For a sweep point, the varied fields and their values; empty otherwise.
        public var point: [Setting]

        /// Creates options.
        public init(daily: Bool = false, point: [Setting] = []) {
            self.daily = daily
            self.point = point
        }

        var json: JSONValue {
            .object(
                JSONObject([
                    ("daily", .bool(daily)),
                    ("point", .object(JSONObject(point.map { ($0.field, .number($0.value)) }))),
                ]))
        }

        var label: String {
            point.isEmpty
                ? "no sweep point"
                : point.map { "\($0.field)=\(TableRenderer.plain($0.value))" }.joined(
                    separator: ", ")
        }
    }

    /// The Homeward version that wrote the file.
    public var homewardVersion: String
    /// The scenario's name (for a sweep point, the point's label).
    public var scenarioName: String
    /// The scenario file, as given on the command line.
    public var scenarioFile: String
    /// The hash of the scenario's merged content (``ScenarioLoader/hash(_:)``).
    public var scenarioHash: String
    /// The master seed.
    public var seed: UInt64
    /// Replications of the whole run (all shards).
    public var totalReplications: Int
    /// This file's replications, by replication number.
    public var replications: [(index: Int, metrics: ReplicationMetrics)]
    /// The scenario's first day.
    public var start: CivilDate
    /// The scenario's length in days.
    public var horizonDays: Int
    /// The scenario's warm-up in days.
    public var warmupDays: Int
    /// The options that change the content.
    public var options: Options
    /// When the merged results are flagged as overload (the scenario's `warnings`), and the
    /// acute hospital's name; optional in the file (absent: the defaults, acute not known).
    public var warnings = WarningThresholds()
    public var acute: String?

    /// Creates a partial result (written by this version of Homeward unless told otherwise).
    public init(
        scenarioName: String, scenarioFile: String, scenarioHash: String, seed: UInt64, totalReplications: Int,
        replications: [(index: Int, metrics: ReplicationMetrics)], start: CivilDate, horizonDays: Int, warmupDays: Int,
        options: Options = Options(), homewardVersion: String = Homeward.version
    ) {
        self.homewardVersion = homewardVersion
        self.scenarioName = scenarioName
        self.scenarioFile = scenarioFile
        self.scenarioHash = scenarioHash
        self.seed = seed
        self.totalReplications = totalReplications
        self.replications = replications
        self.start = start
        self.horizonDays = horizonDays
        self.warmupDays = warmupDays
        self.options = options
    }

    /// The file's content: every member, then `checksum` (see ``checksum(_:)``).
    public var json: JSONValue {
        var o = JSONObject([
            ("format", .string(PartialResult.format)), ("version", .number(Double(PartialResult.version))),
            ("homewardVersion", .string(homewardVersion)), ("scenario", .string(scenarioName)),
            ("scenarioFile", .string(scenarioFile)), ("scenarioHash", .string(scenarioHash)),
            ("seed", .number(Double(seed))), ("totalReplications", .number(Double(totalReplications))),
            ("start", .string(start.description)), ("horizonDays", .number(Double(horizonDays))),
            ("warmupDays", .number(Double(warmupDays))), ("options", options.json),
            ("warnings", warningsJSON),
            (
                "replications",
                .array(
                    replications.map {
                        .object(JSONObject([("index", .number(Double($0.index))), ("metrics", $0.metrics.json)]))
                    })
            ),
        ])
        o["checksum"] = .string(PartialResult.checksum(o))
        return .object(o)
    }

    /// `warnings`: the thresholds by their scenario field names, and `acute` (null if not known).
    var warningsJSON: JSONValue {
        var o = JSONObject(WarningThresholds.fields.map { ($0.name, JSONValue.number(warnings[keyPath: $0.path])) })
        o["acute"] = acute.map { .string($0) } ?? .null
        return .object(o)
    }

    /// Reads `warnings` (absent: the defaults).
    static func readWarnings(_ value: JSONValue?) throws(Problem) -> (WarningThresholds, String?) {
        var thresholds = WarningThresholds()
        guard let value else { return (thresholds, nil) }
        guard let o = value.objectValue else { throw Problem("warnings: not an object") }
        for field in WarningThresholds.fields {
            guard let v = o[field.name] else { continue }
            guard let x = v.numberValue, x.isFinite, x >= 0 else {
                throw Problem("warnings.\(field.name): must be a number >= 0")
            }
            thresholds[keyPath: field.path] = x
        }
        return (thresholds, o["acute"]?.stringValue)
    }

    /// The checksum of a partial result's content: SHA-256, in lowercase hex, of the compact JSON
    /// text (``JSONValue/jsonText(pretty:indent:)``) of the object without its `checksum` member.
    ///
    /// - Complexity: O(n) in the size of the content.
    public static func checksum(_ content: JSONObject) -> String {
        SHA256.hex(JSONValue.object(content).jsonText().utf8)
    }

    /// Reads a partial result, checking its format version, checksum and every field.
    ///
    /// - Throws: `ExperimentError.badInput` naming `file`, the field and the problem.
    public init(json: JSONValue, file: String) throws(ExperimentError) {
        do { self = try PartialResult.read(json) } catch { throw .badInput("\(file): \(error.message)") }
    }

    /// What is wrong with a partial file, in words that follow its name.
    struct Problem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    static func read(_ json: JSONValue) throws(Problem) -> PartialResult {
        guard let o = json.objectValue, o["format"]?.stringValue == format else {
            throw Problem("not a partial result (no \"format\": \"\(format)\")")
        }
        guard let v = o["version"]?.numberValue else { throw Problem("version: missing or not a number") }
        guard v == Double(version) else {
            throw Problem(
                "partial result format version \(v.isFinite ? JSONValue.number(v).jsonText() : "\(v)"); this homeward reads version \(version) (write it again with this homeward)"
            )
        }
        guard let sum = o["checksum"]?.stringValue else { throw Problem("checksum: missing or not a text") }
        guard o.duplicateKeys.isEmpty, checksum(JSONObject(o.filter { $0.key != "checksum" }.map { ($0, $1) })) == sum
        else { throw Problem("checksum does not match its content (edited or damaged)") }

        func text(_ key: String) throws(Problem) -> String {
            guard let t = o[key]?.stringValue else { throw Problem("\(key): missing or not a text") }
            return t
        }
        let total = try whole(o["totalReplications"], "totalReplications", 1...ScenarioReader.maximumReplications)
        guard let items = o["replications"]?.arrayValue else { throw Problem("replications: missing or not an array") }
        guard items.count <= total else {
            throw Problem("replications: \(items.count) entries for a run of \(total) replications")
        }
        var list: [(index: Int, metrics: ReplicationMetrics)] = []
        for (k, item) in items.enumerated() {
            guard let entry = item.objectValue else { throw Problem("replications[\(k)]: not an object") }
            let index = try whole(entry["index"], "replications[\(k)].index", 0...(total - 1))
            guard let m = entry["metrics"] else { throw Problem("replications[\(k)].metrics: missing") }
            do { list.append((index, try ReplicationMetrics(json: m))) } catch {
                throw Problem("replications[\(k)].metrics: \(error.message)")
            }
        }
        let startText = try text("start")
        guard let start = CivilDate(iso: startText) else { throw Problem("start: not a date (YYYY-MM-DD)") }
        var partial = PartialResult(
            scenarioName: try text("scenario"), scenarioFile: try text("scenarioFile"),
            scenarioHash: try text("scenarioHash"),
            seed: UInt64(try whole(o["seed"], "seed", 0...Int(Int32.max))), totalReplications: total,
            replications: list, start: start,
            horizonDays: try whole(o["horizonDays"], "horizonDays", 1...ScenarioReader.maximumHorizonDays),
            warmupDays: try whole(o["warmupDays"], "warmupDays", 0...ScenarioReader.maximumHorizonDays),
            options: try readOptions(o["options"]), homewardVersion: try text("homewardVersion"))
        (partial.warnings, partial.acute) = try readWarnings(o["warnings"])
        return partial
    }

    static func whole(_ value: JSONValue?, _ path: String, _ range: ClosedRange<Int>) throws(Problem) -> Int {
        guard let x = value?.numberValue, x.rounded() == x, x >= Double(range.lowerBound),
            x <= Double(range.upperBound)
        else {
            let got = value.map { String($0.jsonText().prefix(40)) } ?? "nothing"
            throw Problem("\(path): must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(got)")
        }
        return Int(x)
    }

    static func readOptions(_ value: JSONValue?) throws(Problem) -> Options {
        guard let o = value?.objectValue, let daily = o["daily"]?.boolValue, let point = o["point"]?.objectValue else {
            throw Problem("options: missing, or without \"daily\" (true or false) and \"point\" (an object)")
        }
        var settings: [Options.Setting] = []
        for (field, v) in point {
            guard let x = v.numberValue, x.isFinite else { throw Problem("options.point.\(field): not a number") }
            settings.append(Options.Setting(field: field, value: x))
        }
        return Options(daily: daily, point: settings)
    }

    /// Why this file cannot be combined with this build's results: written by another version.
    public var versionProblem: String? {
        homewardVersion == Homeward.version
            ? nil : "written by homeward \(homewardVersion); this is homeward \(Homeward.version)"
    }

    /// How this file's run differs from `other`'s: scenario, seed, number of replications,
    /// dates or options (empty when it is the same run).
    public func differences(from other: PartialResult) -> [String] {
        var d: [String] = []
        if scenarioHash != other.scenarioHash { d.append("scenario hash \(scenarioHash), not \(other.scenarioHash)") }
        if seed != other.seed { d.append("seed \(seed), not \(other.seed)") }
        if totalReplications != other.totalReplications {
            d.append("\(totalReplications) replications in all, not \(other.totalReplications)")
        }
        if start != other.start || horizonDays != other.horizonDays || warmupDays != other.warmupDays {
            d.append(
                "\(horizonDays) days from \(start) with \(warmupDays) of warm-up, not \(other.horizonDays) days from \(other.start) with \(other.warmupDays)"
            )
        }
        if options.daily != other.options.daily {
            d.append(
                options.daily
                    ? "with daily series (--daily or --html), not without"
                    : "without daily series, not with (--daily or --html)")
        }
        if options.point != other.options.point { d.append("at \(options.label), not \(other.options.label)") }
        return d
    }

    /// Combines shards into the complete, ordered list of replications.
    ///
    /// Every shard must come from this version of Homeward and from the same run as the first
    /// (scenario, seed, number of replications, options), and every replication must have the
    /// same metrics as the first, matched by name.
    ///
    /// - Throws: `ExperimentError.badInput` naming the file and the mismatch, an overlap or the gaps.
    public static func merge(_ parts: [(file: String, part: PartialResult)]) throws(ExperimentError) -> (
        PartialResult, [ReplicationMetrics]
    ) {
        guard let (firstFile, first) = parts.first else { throw .badInput("merge needs at least one partial result") }
        var byIndex: [Int: ReplicationMetrics] = [:]
        var reference: (file: String, index: Int, metrics: ReplicationMetrics)?
        for (file, p) in parts {
            if let problem = p.versionProblem {
                throw .badInput("\(file): \(problem); merge shards written by the same version as merge")
            }
            let differences = p.differences(from: first)
            guard differences.isEmpty else {
                throw .badInput(
                    "\(file): comes from a different run than \(firstFile): \(differences.joined(separator: "; ")); run every shard with the same scenario, seed, replications and options"
                )
            }
            for (index, metrics) in p.replications {
                guard index >= 0 && index < first.totalReplications else {
                    throw .badInput("\(file): replication \(index) is out of range")
                }
                guard byIndex[index] == nil else {
                    throw .badInput("\(file): replication \(index) appears in more than one partial result")
                }
                if let reference {
                    if let d = metrics.shapeDifference(from: reference.metrics) {
                        throw .badInput(
                            "\(file): replication \(index) \(d) (compared with replication \(reference.index) in \(reference.file))"
                        )
                    }
                } else {
                    do { try ReplicationMetrics.checkSameShape([metrics]) } catch {
                        throw .badInput(
                            "\(file): \(error.message.replacingOccurrences(of: "replication 0", with: "replication \(index)"))"
                        )
                    }
                    reference = (file, index, metrics)
                }
                byIndex[index] = metrics
            }
        }
        let missing = (0..<first.totalReplications).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            let list = missing.prefix(10).map(String.init).joined(separator: ", ")
            throw .badInput(
                "replications missing from the partial results: \(list)\(missing.count > 10 ? ", ..." : "") (\(missing.count) of \(first.totalReplications))"
            )
        }
        var whole = first
        whole.replications = (0..<first.totalReplications).compactMap { i in byIndex[i].map { (i, $0) } }
        return (whole, whole.replications.map(\.metrics))
    }

    /// The outcome of reading a partial file.
    enum FileRead {
        case absent
        case unusable(String)
        case data(Data)
    }

    /// Reads the file at `path` if it is a regular file (following symbolic links): a FIFO,
    /// device or folder is refused, not read.
    static func readFile(_ path: String) -> FileRead {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT ? .absent : .unusable("cannot be read (\(String(cString: strerror(errno))))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .unusable("not a regular file") }
        do { return .data(Data(try BoundedFile.read(path: path, limit: maximumFileBytes))) } catch {
            return .unusable(error.message)
        }
    }

    /// The largest partial or point file read (1 GiB): 100,000 replications of every metric,
    /// or a few thousand with daily series, fit well inside it; the size is checked before
    /// anything is read, so a larger file costs no memory.
    public static let maximumFileBytes = 1 << 30

    /// Reads the partial result at `file` for `merge`.
    ///
    /// - Throws: `ExperimentError.badInput` naming the file: missing, not a regular file, not JSON,
    ///   or not a valid partial result (see ``init(json:file:)``).
    public static func load(_ file: String) throws(ExperimentError) -> PartialResult {
        let data: Data
        switch readFile(file) {
        case .absent: throw .badInput("\(file): no such partial result")
        case .unusable(let why): throw .badInput("\(file): \(why)")
        case .data(let bytes): data = bytes
        }
        let json: JSONValue
        do { json = try JSON5.parse(String(decoding: data, as: UTF8.self)) } catch {
            throw .badInput("\(file): not valid JSON: \(error.description)")
        }
        return try PartialResult(json: json, file: file)
    }

    /// What `--resume` may do with a saved file.
    public enum Reuse: Sendable {
        /// No file there: compute.
        case absent
        /// The file holds exactly the expected run: these are its replications, in order.
        case reuse([ReplicationMetrics])
        /// The file cannot be reused, for this reason: compute again (and say why).
        case stale(String)
    }

    /// Whether the file at `path` holds every replication of the run `expected` describes (its
    /// replications aside): written by this version, with a matching checksum, the same scenario
    /// hash, seed, replications and options, and in every replication the same metrics, by name,
    /// as this build computes for the scenario (`template`, the metrics of an empty projection
    /// of it; see ``ReplicationMetrics/nameDifference(from:)``).
    ///
    /// With `prefix`, the file may hold any number of replications from 0 on (its
    /// `totalReplications` aside): what a sequential run (``SequentialVerdicts``) has done so far.
    /// Replication r's results depend only on the scenario, the seed and r, so a prefix of any
    /// earlier run is exactly the start of this one.
    public static func reusable(
        _ path: String, expected: PartialResult, template: ReplicationMetrics, prefix: Bool = false
    ) -> Reuse {
        let data: Data
        switch readFile(path) {
        case .absent: return .absent
        case .unusable(let why): return .stale(why)
        case .data(let bytes): data = bytes
        }
        let json: JSONValue
        do { json = try JSON5.parse(String(decoding: data, as: UTF8.self)) } catch {
            return .stale("not valid JSON: \(error.description)")
        }
        let saved: PartialResult
        do { saved = try read(json) } catch { return .stale(error.message) }
        if let problem = saved.versionProblem { return .stale(problem) }
        var wanted = expected
        if prefix { wanted.totalReplications = saved.totalReplications }
        let differences = saved.differences(from: wanted)
        guard differences.isEmpty else { return .stale("a different run: \(differences.joined(separator: "; "))") }
        let count = prefix ? saved.replications.count : expected.totalReplications
        guard saved.replications.map(\.index) == Array(0..<count) else {
            return .stale("does not hold replications 0 to \(count - 1) in order")
        }
        let metrics = saved.replications.map(\.metrics)
        do { try ReplicationMetrics.checkSameShape(metrics) } catch { return .stale(error.message) }
        if let first = metrics.first, let d = first.nameDifference(from: template) {
            return .stale("replication 0 \(d)")
        }
        return .reuse(metrics)
    }

    /// The run manifest of this run when its replications were reused from `path` by
    /// `--resume` (no wall time; `resumedFrom` names the file).
    public func resumedManifest(threads: Int, from path: String) -> JSONValue {
        let manifest = RunManifest(
            scenarioName: scenarioName, scenarioFile: scenarioFile, scenarioHash: scenarioHash,
            seed: seed, replications: totalReplications, start: start, horizonDays: horizonDays,
            warmupDays: warmupDays, threads: threads, wallSeconds: 0, eventsFile: nil)
        guard case .object(var o) = manifest.json else { return manifest.json }
        o["resumedFrom"] = .string(path)
        return .object(o)
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
    public static func parse(_ text: String, environment: [String: String]) throws(ExperimentError) -> Shard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, let head = parts.first else {
            throw .badInput("--shard must be I/N, auto or auto/N, got '\(text)'")
        }
        var index: Int?
        var count = parts.count == 2 ? Int(parts[1]) : nil
        if parts.count == 2 && count == nil {
            throw .badInput("--shard: the shard count must be a whole number, got '\(parts[1])'")
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
                throw .badInput(
                    "--shard auto: none of JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or HOMEWARD_SHARD_INDEX is set")
            }
            count = count ?? environment["HOMEWARD_SHARD_COUNT"].flatMap(Int.init)
            guard index != nil else {
                throw .badInput("--shard auto: the shard index in the environment is not a whole number")
            }
        } else {
            index = Int(head)
        }
        guard let index, let count else {
            throw .badInput("--shard needs a count: I/N, auto/N, or set HOMEWARD_SHARD_COUNT (got '\(text)')")
        }
        guard count >= 1, index >= 0, index < count else {
            throw .badInput("--shard: index must be from 0 to count - 1, got \(index)/\(count)")
        }
        return Shard(index: index, count: count)
    }
}
