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
        guard let seed = o["seed"]?.numberValue, seed >= 0, seed < 0x1p64, seed == seed.rounded(),
            let reps = o["replications"]?.numberValue, reps >= 1, reps < 2e9, reps == reps.rounded(),
            let hash = o["scenarioHash"]?.stringValue, let ctx = o["context"]
        else { throw LogError.corrupt("\(location): header lacks seed, replications, scenarioHash or context") }
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
