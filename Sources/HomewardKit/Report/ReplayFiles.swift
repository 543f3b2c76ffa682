/// The manifest of the result files of `replay`: the log replayed and, when salvaged, what
/// was kept and what was lost.
extension EventLogReplay {
    /// The manifest of the replay of the log at `path`.
    public func manifest(path: String) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("homewardVersion", .string(Homeward.version)), ("replayOf", .string(path)),
            ("scenarioHash", .string(header.scenarioHash)), ("seed", .number(Double(header.seed))),
            ("replications", .number(Double(replications.count))),
        ]
        if let r = salvage {
            pairs.append(
                (
                    "salvaged",
                    .object(
                        JSONObject([
                            ("replicationsKept", .number(Double(r.replicationsKept))),
                            ("replicationsInHeader", .number(Double(r.replicationsExpected))),
                            ("eventsKept", .number(Double(r.eventsKept))),
                            ("eventsLost", .number(Double(r.eventsLost))),
                            ("eventsLostExact", .bool(r.eventsLostExact)), ("bytesKept", .number(Double(r.bytesKept))),
                            ("bytesLost", .number(Double(r.bytesLost))), ("damage", .string(r.damage.description)),
                        ]))
                ))
        }
        return .object(JSONObject(pairs))
    }
}

/// The manifest of the result files of `merge`.
extension PartialResult {
    /// The manifest of this whole (merged) result, read from the partial results in `files`.
    public func mergedManifest(from files: [String]) -> JSONValue {
        .object(
            JSONObject([
                ("homewardVersion", .string(Homeward.version)), ("scenario", .string(scenarioName)),
                ("scenarioFile", .string(scenarioFile)), ("scenarioHash", .string(scenarioHash)),
                ("seed", .number(Double(seed))), ("replications", .number(Double(totalReplications))),
                ("start", .string(start.description)), ("horizonDays", .number(Double(horizonDays))),
                ("warmupDays", .number(Double(warmupDays))), ("generator", .string(Homeward.generator)),
                ("mergedFrom", .array(files.map { .string($0) })),
            ]))
    }
}
