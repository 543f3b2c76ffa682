import Foundation

@testable import HomewardKit

/// Logs of the small scenario in the three formats, written once for the event-log tests.
enum EventLogFixtures {
    /// Reads a whole log (every check, no projection); the error if it is damaged.
    static func damage(_ path: String) -> LogError? { damage { () throws(LogError) in try EventLogStream(path: path) } }

    /// The same for a log held in memory (named `name` in messages): damage tests read
    /// thousands of variants of one log without writing a file for each.
    static func damage(_ bytes: [UInt8], name: String) -> LogError? {
        damage { () throws(LogError) in try EventLogStream(bytes: bytes, name: name) }
    }

    private static func damage(_ open: () throws(LogError) -> EventLogStream) -> LogError? {
        do {
            let stream = try open()
            while try stream.next() != nil {}
            return nil
        } catch {
            return error
        }
    }

    struct Logs: Sendable {
        let directory: String
        let run: RunResult
        let binary: String
        let jsonLines: String
        let csv: String

        func path(_ format: EventLogFormat) -> String {
            switch format {
            case .binary: binary
            case .jsonLines: jsonLines
            case .csv: csv
            }
        }

        /// The bytes of the log in `format`.
        func bytes(_ format: EventLogFormat) throws -> [UInt8] {
            [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(format))))
        }
    }

    /// Three replications of the small scenario (seed 5), each format written by `Runner`.
    static let small: Logs = {
        let loaded = try! ScenarioLoader.load(text: Fixtures.small, file: "small.json5")
        let directory = Fixtures.temporaryDirectory()
        var run: RunResult?
        for ext in ["hwlog", "jsonl", "csv"] {
            let options = RunOptions(replications: 3, seed: 5, threads: 2, eventsPath: "\(directory)/run.\(ext)")
            run = try! Runner.run(loaded, options: options)
        }
        return Logs(
            directory: directory, run: run!, binary: directory + "/run.hwlog", jsonLines: directory + "/run.jsonl",
            csv: directory + "/run.csv")
    }()

    /// The same for a short run (5 days of warm-up, 20 measured; about 2,000 events a
    /// replication), for the damage tests that read a log hundreds of times.
    static let tiny = shortRun(horizonDays: 20, warmupDays: 5)

    /// Shorter still (1 day of warm-up, 4 measured; a few hundred events a replication, every
    /// structure of a log still there: header, a block or more a replication, `end`s, trailer),
    /// for the tests that read a damaged copy of a log thousands of times.
    static let micro = shortRun(horizonDays: 4, warmupDays: 1)

    static func shortRun(horizonDays: Int, warmupDays: Int) -> Logs {
        let text = Fixtures.small.replacingOccurrences(
            of: "horizonDays: 120, warmupDays: 30", with: "horizonDays: \(horizonDays), warmupDays: \(warmupDays)")
        precondition(text != Fixtures.small)
        let loaded = try! ScenarioLoader.load(text: text, file: "short.json5")
        let directory = Fixtures.temporaryDirectory()
        var run: RunResult?
        for ext in ["hwlog", "jsonl", "csv"] {
            let options = RunOptions(replications: 3, seed: 5, threads: 2, eventsPath: "\(directory)/run.\(ext)")
            run = try! Runner.run(loaded, options: options)
        }
        return Logs(
            directory: directory, run: run!, binary: directory + "/run.hwlog", jsonLines: directory + "/run.jsonl",
            csv: directory + "/run.csv")
    }

    /// Every (replication, event) of a log, in order.
    static func events(_ path: String) throws -> [ReplicatedEvent] { try events(EventLogStream(path: path)) }

    static func events(_ stream: EventLogStream) throws -> [ReplicatedEvent] {
        var all: [ReplicatedEvent] = []
        while let (r, e) = try stream.next() { all.append(ReplicatedEvent(replication: r, event: e)) }
        return all
    }

    /// A copy of `path` with `transform` applied to its bytes.
    static func damaged(_ path: String, name: String, _ transform: (inout [UInt8]) -> Void) throws -> String {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        transform(&bytes)
        let out = Fixtures.temporaryDirectory() + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: out))
        return out
    }
}

struct ReplicatedEvent: Equatable {
    var replication: Int
    var event: Event

    /// Equal to the bit, times included (-0.0 is not 0.0).
    func same(_ other: ReplicatedEvent) -> Bool {
        self == other && event.time.bitPattern == other.event.time.bitPattern
    }
}
