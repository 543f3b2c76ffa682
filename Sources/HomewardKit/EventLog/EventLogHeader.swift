/// The first record of every event log: what produced it and how to read it.
public struct EventLogHeader: Sendable, Equatable {
    public static let format = "homeward-events"
    public static let formatVersion = 1

    public var homewardVersion: String = Homeward.version
    public var context: ProjectionContext
    public var scenarioHash: String
    public var seed: UInt64
    public var replications: Int

    /// The longest `scenarioHash` or `homeward` version text a reader accepts.
    public static let maximumTextLength = 200

    public init(context: ProjectionContext, scenarioHash: String, seed: UInt64, replications: Int) {
        self.context = context
        self.scenarioHash = scenarioHash
        self.seed = seed
        self.replications = replications
    }

    public var json: JSONValue {
        .object(
            JSONObject([
                ("format", .string(EventLogHeader.format)),
                ("version", .number(Double(EventLogHeader.formatVersion))),
                ("homeward", .string(homewardVersion)),
                ("scenarioHash", .string(scenarioHash)),
                ("seed", .number(Double(seed))),
                ("replications", .number(Double(replications))),
                ("context", context.json),
            ]))
    }

    /// Reads the header back. `location` says where it was, for messages ("line 1" in a JSON
    /// Lines log, "header" in a binary one).
    public init(json: JSONValue, location: String = "line 1") throws(LogError) {
        guard let o = json.objectValue, o["format"]?.stringValue == EventLogHeader.format else {
            throw LogError.corrupt(
                "\(location): not a Homeward event log (no \"format\": \"\(EventLogHeader.format)\" header)")
        }
        guard let v = o["version"]?.numberValue, v == Double(EventLogHeader.formatVersion) else {
            throw LogError.corrupt("\(location): unsupported log format version \(o["version"]?.jsonText() ?? "none")")
        }
        func bad(_ m: String) -> LogError { LogError.corrupt("\(location): \(m)") }
        func shown(_ v: JSONValue?) -> String { v.map { String($0.jsonText().prefix(40)) } ?? "nothing" }
        guard let seed = o["seed"]?.numberValue, seed >= 0, seed < 0x1p64, seed == seed.rounded() else {
            throw bad("'seed' must be a whole number from 0 to 2^64 - 1, got \(shown(o["seed"]))")
        }
        let most = ScenarioReader.maximumReplications
        guard let reps = o["replications"]?.numberValue, reps >= 1, reps <= Double(most), reps == reps.rounded() else {
            throw bad("'replications' must be a whole number from 1 to \(most), got \(shown(o["replications"]))")
        }
        guard let hash = o["scenarioHash"]?.stringValue, hash.utf8.count <= Self.maximumTextLength else {
            throw bad("'scenarioHash' must be text of at most \(Self.maximumTextLength) bytes")
        }
        let homeward = o["homeward"]?.stringValue ?? "unknown"
        guard homeward.utf8.count <= Self.maximumTextLength else {
            throw bad("'homeward' must be text of at most \(Self.maximumTextLength) bytes")
        }
        guard let ctx = o["context"] else { throw bad("header lacks 'context'") }
        self.context = try ProjectionContext(json: ctx)
        self.scenarioHash = hash
        self.seed = UInt64(seed)
        self.replications = Int(reps)
        self.homewardVersion = homeward
    }
}

extension EventKind {
    /// The name used in text logs.
    public var name: String { String(describing: self) }

    public init?(name: String) {
        guard let k = EventKind.allCases.first(where: { $0.name == name }) else { return nil }
        self = k
    }
}
