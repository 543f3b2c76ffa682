/// The first record of every event log: what produced it and how to read it.
public struct EventLogHeader: Sendable, Equatable {
    public static let format = "homeward-events"
    public static let formatVersion = 1

    public var homewardVersion: String = Homeward.version
    public var context: ProjectionContext
    public var scenarioHash: String
    public var seed: UInt64
    public var replications: Int

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

    public init(json: JSONValue) throws(LogError) {
        guard let o = json.objectValue, o["format"]?.stringValue == EventLogHeader.format else {
            throw LogError.corrupt("line 1: not a Homeward event log (no \"format\": \"\(EventLogHeader.format)\" header)")
        }
        guard let v = o["version"]?.numberValue, Int(v) == EventLogHeader.formatVersion else {
            throw LogError.corrupt("line 1: unsupported log format version \(o["version"]?.jsonText() ?? "none")")
        }
        guard let seed = o["seed"]?.numberValue, seed >= 0, let reps = o["replications"]?.numberValue, reps >= 1,
            let hash = o["scenarioHash"]?.stringValue, let ctx = o["context"]
        else { throw LogError.corrupt("line 1: header lacks seed, replications, scenarioHash or context") }
        self.context = try ProjectionContext(json: ctx)
        self.scenarioHash = hash
        self.seed = UInt64(seed)
        self.replications = Int(reps)
        self.homewardVersion = o["homeward"]?.stringValue ?? "unknown"
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
