import Foundation
import HomewardKit
import Testing

@testable import HomewardCLI

/// `merge` takes partial results by identity and metrics by name: anything from another run,
/// another version or another set of options, or anything edited, is refused with exit 2 and the
/// file named; nothing in a partial file can crash it.
@Suite struct PartialResultTests {
    func cli(_ args: [String]) -> (status: Int32, out: String, err: String) {
        let c = CLITests.Captured()
        let status = HomewardCLI.main(args, console: c.console)
        return (status, c.out, c.err)
    }

    /// Two shards of a 4-replication run of the small scenario, with `--daily` where asked.
    func shards(daily: [Bool] = [false, false]) throws -> (dir: String, files: [String]) {
        let dir = Fixtures.temporaryDirectory()
        for (i, d) in daily.enumerated() {
            let r = cli(
                [
                    "run", CLITests.smallPath, "--replications", "4", "--seed", "3", "--shard", "\(i)/\(daily.count)",
                    "--out", dir + "/s\(i)", "--quiet",
                ] + (d ? ["--daily"] : []))
            try #require(r.status == 0, "\(r.err)")
        }
        return (dir, daily.indices.map { dir + "/s\($0)/partial.json" })
    }

    func merge(_ files: [String], out: String) -> (status: Int32, out: String, err: String) {
        cli(["merge"] + files + ["--out", out, "--quiet"])
    }

    /// Rewrites a partial file; with `reseal`, its checksum is recomputed as documented (SHA-256
    /// of the compact JSON text of the object without its `checksum` member), as a file written
    /// that way by some other build would carry.
    static func edit(_ file: String, reseal: Bool, _ change: (inout JSONObject) -> Void) throws {
        var o = try #require(JSON5.parse(String(contentsOfFile: file, encoding: .utf8)).objectValue)
        change(&o)
        if reseal && o["checksum"] != nil {
            o = JSONObject(o.filter { $0.key != "checksum" }.map { ($0.key, $0.value) })
            o["checksum"] = .string(SHA256.hex(JSONValue.object(o).jsonText()))
        }
        try (JSONValue.object(o).jsonText() + "\n").write(toFile: file, atomically: true, encoding: .utf8)
    }

    /// Applies `change` to the metrics object of every replication (or only of the one at `only`).
    static func editMetrics(
        _ file: String, reseal: Bool, only: Int? = nil, _ change: (inout JSONObject) -> Void
    ) throws {
        try edit(file, reseal: reseal) { o in
            guard let reps = o["replications"]?.arrayValue else { return }
            o["replications"] = .array(
                reps.enumerated().map { k, r in
                    guard only == nil || only == k, var entry = r.objectValue, var m = entry["metrics"]?.objectValue
                    else { return r }
                    change(&m)
                    entry["metrics"] = .object(m)
                    return .object(entry)
                })
        }
    }

    /// The scalar metrics of a replication as (key, value) pairs, whichever way they are stored.
    static func scalars(_ m: JSONObject) -> [(String, JSONValue)] {
        if let keys = m["keys"]?.arrayValue, let values = m["values"]?.arrayValue {
            return zip(keys.compactMap(\.stringValue), values).map { ($0, $1) }
        }
        return (m["values"]?.objectValue).map { Array($0).map { ($0.key, $0.value) } } ?? []
    }

    static func setScalars(_ m: inout JSONObject, _ pairs: [(String, JSONValue)]) {
        if m["keys"] != nil {
            m["keys"] = .array(pairs.map { .string($0.0) })
            m["values"] = .array(pairs.map(\.1))
        } else {
            m["values"] = .object(JSONObject(pairs))
        }
    }

    @Test func aShardWithAnExtraMetricIsRefusedNotMisplaced() throws {
        let (dir, files) = try shards()
        // As a build with one more metric would write it: the new key first in every replication.
        try Self.editMetrics(files[0], reseal: true) { m in
            Self.setScalars(&m, [("bedsOnMars", .number(123))] + Self.scalars(m))
        }
        let r = merge(files, out: dir + "/m")
        #expect(r.status == 2)
        #expect(r.err.contains(files[0]), "\(r.err)")
        #expect(r.err.contains("'bedsOnMars'"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/m/summary.json"))
        // The same edit without a matching checksum is refused as an edit.
        let (dir2, files2) = try shards()
        try Self.editMetrics(files2[0], reseal: false) { m in
            Self.setScalars(&m, [("bedsOnMars", .number(123))] + Self.scalars(m))
        }
        let edited = merge(files2, out: dir2 + "/m")
        #expect(edited.status == 2)
        #expect(edited.err.contains("\(files2[0]): checksum does not match its content (edited or damaged)"))
    }

    @Test func metricsAreMatchedByNameNotPosition() throws {
        // The same metrics in another order are the same result: merged by name, bit for bit.
        let (dir, files) = try shards()
        #expect(merge(files, out: dir + "/plain").status == 0)
        try Self.editMetrics(files[1], reseal: true) { m in Self.setScalars(&m, Self.scalars(m).reversed()) }
        let r = merge(files, out: dir + "/reordered")
        #expect(r.status == 0, "\(r.err)")
        #expect(
            try String(contentsOfFile: dir + "/plain/summary.csv", encoding: .utf8)
                == String(contentsOfFile: dir + "/reordered/summary.csv", encoding: .utf8))
    }

    @Test func shardsWithAndWithoutDailySeriesAreRefused() throws {
        let (dir, files) = try shards(daily: [true, false])
        let r = merge(files, out: dir + "/m")
        #expect(r.status == 2)
        #expect(r.err.contains(files[1]), "\(r.err)")
        #expect(r.err.contains("daily series"), "\(r.err)")
    }

    @Test func aReplicationMissingAMetricIsRefused() throws {
        let (dir, files) = try shards()
        try Self.editMetrics(files[1], reseal: true, only: 1) { m in
            Self.setScalars(&m, Self.scalars(m).filter { $0.0 != "deaths" })
        }
        let r = merge(files, out: dir + "/m")
        #expect(r.status == 2)
        #expect(r.err.contains("\(files[1]): replication 3 lacks metric 'deaths'"), "\(r.err)")
    }

    @Test func anEditedValueFailsTheChecksum() throws {
        let (dir, files) = try shards()
        try Self.editMetrics(files[0], reseal: false, only: 0) { m in
            Self.setScalars(&m, Self.scalars(m).map { $0.0 == "nelAdmissions" ? ($0.0, .number(1)) : $0 })
        }
        let r = merge(files, out: dir + "/m")
        #expect(r.status == 2)
        #expect(r.err.contains("\(files[0]): checksum does not match its content (edited or damaged)"), "\(r.err)")
    }

    @Test func anotherHomewardVersionIsRefused() throws {
        let (dir, files) = try shards()
        try Self.edit(files[1], reseal: true) { $0["homewardVersion"] = .string("0.0.9") }
        let r = merge(files, out: dir + "/m")
        #expect(r.status == 2)
        #expect(
            r.err.contains("\(files[1]): written by homeward 0.0.9; this is homeward \(Homeward.version)"), "\(r.err)")
    }

    @Test func anOlderFormatVersionIsRefusedNamingBothVersions() throws {
        let (dir, files) = try shards()
        try Self.edit(files[0], reseal: true) { $0["version"] = .number(1) }
        let r = merge(files, out: dir + "/m")
        #expect(r.status == 2)
        #expect(
            r.err.contains(
                "\(files[0]): partial result format version 1; this homeward reads version \(PartialResult.version)"),
            "\(r.err)")
    }

    @Test func aPartialThatIsNotARegularFileIsRefusedWithoutWaiting() throws {
        let (dir, files) = try shards()
        try FileManager.default.removeItem(atPath: files[0])
        #expect(mkfifo(files[0], 0o600) == 0)
        let r = merge(files, out: dir + "/m")
        #expect(r.status == 2)
        #expect(r.err.contains("\(files[0]): not a regular file"), "\(r.err)")
    }

    struct Hostile: CustomTestStringConvertible, Sendable {
        var name: String
        var expected: String
        var change: @Sendable (inout JSONObject) -> Void
        var testDescription: String { name }
    }

    static func firstReplication(_ o: inout JSONObject, _ change: (inout JSONObject) -> Void) {
        guard var reps = o["replications"]?.arrayValue, var first = reps.first?.objectValue else { return }
        change(&first)
        reps[0] = .object(first)
        o["replications"] = .array(reps)
    }

    static let hostile: [Hostile] = [
        Hostile(name: "negative index", expected: "replications[0].index") {
            firstReplication(&$0) { $0["index"] = .number(-1) }
        },
        Hostile(name: "fractional index", expected: "replications[0].index") {
            firstReplication(&$0) { $0["index"] = .number(0.5) }
        },
        Hostile(name: "huge index", expected: "replications[0].index") {
            firstReplication(&$0) { $0["index"] = .number(1e300) }
        },
        Hostile(name: "index as text", expected: "replications[0].index") {
            firstReplication(&$0) { $0["index"] = .string("0") }
        },
        Hostile(name: "seed NaN", expected: "seed") { $0["seed"] = .string("NaN") },
        Hostile(name: "huge seed", expected: "seed") { $0["seed"] = .number(1e30) },
        Hostile(name: "negative seed", expected: "seed") { $0["seed"] = .number(-1) },
        Hostile(name: "huge total", expected: "totalReplications") { $0["totalReplications"] = .number(1e300) },
        Hostile(name: "no replications", expected: "totalReplications") { $0["totalReplications"] = .number(0) },
        Hostile(name: "replications not an array", expected: "replications") { $0["replications"] = .string("x") },
        Hostile(name: "huge horizon", expected: "horizonDays") { $0["horizonDays"] = .number(1e300) },
        Hostile(name: "metrics not an object", expected: "replications[0].metrics") {
            firstReplication(&$0) { $0["metrics"] = .number(3) }
        },
        Hostile(name: "a value that is text", expected: "replications[0].metrics") {
            firstReplication(&$0) { entry in
                guard var m = entry["metrics"]?.objectValue else { return }
                setScalars(&m, scalars(m).map { $0.0 == "deaths" ? ($0.0, .string("many")) : $0 })
                entry["metrics"] = .object(m)
            }
        },
    ]

    @Test(arguments: hostile)
    func hostileFieldsAreRefusedWithoutACrash(_ c: Hostile) throws {
        let (dir, files) = try shards()
        try Self.edit(files[0], reseal: true, c.change)
        let r = merge(files, out: dir + "/m")
        #expect(r.status == 2, "\(r.err)")
        #expect(r.err.contains(files[0]) && r.err.contains(c.expected), "\(r.err)")
    }

    @Test func summariesOfMismatchedReplicationsThrowInsteadOfTrapping() throws {
        let scenario = try Fixtures.smallScenario()
        let a = Runner.replicate(scenario, seed: 1, replication: 0)
        var b = Runner.replicate(scenario, seed: 1, replication: 1)
        b.values.removeFirst()
        func message(_ replications: [ReplicationMetrics]) -> String? {
            do {
                _ = try Summary(checking: replications)
                return nil
            } catch { return error.message }
        }
        #expect(message([a, b]) == "replication 1 lacks metric 'nelAdmissions' (compared with replication 0)")
        #expect(
            message([b, a])
                == "replication 1 has metric 'nelAdmissions', which the other replication lacks (compared with replication 0)"
        )
        let c = Runner.replicate(scenario, seed: 1, replication: 1, recordDaily: true)
        #expect(
            message([a, c])
                == "replication 1 has daily series, which the other replication lacks (compared with replication 0)")
        #expect(message([a, a]) == nil)
        // Unchecked, mismatched replications are matched by name, never by position, and never trap.
        let unchecked = Summary([b, a, c])
        #expect(unchecked["nelAdmissions"] == nil)
        #expect(unchecked["deaths"]?.values == [b["deaths"], a["deaths"], c["deaths"]].map { $0 ?? -1 })
        #expect(Summary([a, b])["nelAdmissions"]?.values.map(\.isNaN) == [false, true])
    }

    enum Step {
        case key(String)
        case index(Int)
    }

    /// Every path in `value`, depth first.
    static func paths(_ value: JSONValue, _ prefix: [Step] = []) -> [[Step]] {
        var all = [prefix]
        if let o = value.objectValue {
            for (k, v) in o { all += paths(v, prefix + [.key(k)]) }
        } else if let a = value.arrayValue {
            for (i, v) in a.enumerated() { all += paths(v, prefix + [.index(i)]) }
        }
        return all
    }

    /// `value` with the node at `path` replaced by `new` (or removed when `new` is nil).
    static func replacing(_ value: JSONValue, at path: ArraySlice<Step>, with new: JSONValue?) -> JSONValue? {
        guard let step = path.first else { return new }
        switch (step, value) {
        case (.key(let k), .object(let o)):
            var pairs: [(String, JSONValue)] = []
            for (key, v) in o {
                if key != k {
                    pairs.append((key, v))
                } else if let changed = replacing(v, at: path.dropFirst(), with: new) {
                    pairs.append((key, changed))
                }
            }
            return .object(JSONObject(pairs))
        case (.index(let i), .array(var a)):
            if let changed = replacing(a[i], at: path.dropFirst(), with: new) {
                a[i] = changed
            } else {
                a.remove(at: i)
            }
            return .array(a)
        default: return value
        }
    }

    /// Seeded property loop: a sealed partial file with one node replaced or removed, resealed or
    /// not, is either refused with its name in the message or merged; nothing traps.
    @Test func randomChangesToAPartialFileAreRefusedOrMergedNeverTrap() throws {
        let scenario = try Fixtures.smallScenario()
        let replications = (0..<2).map { (index: $0, metrics: Runner.replicate(scenario, seed: 5, replication: $0)) }
        let partial = PartialResult(
            scenarioName: "small", scenarioFile: "small.json5", scenarioHash: "0123456789abcdef", seed: 5,
            totalReplications: 2, replications: replications, start: scenario.start, horizonDays: scenario.days,
            warmupDays: scenario.warmupDays, options: PartialResult.Options(daily: false))
        let original = partial.json
        let back = try PartialResult.merge([("f.json", PartialResult(json: original, file: "f.json"))])
        #expect(back.1 == replications.map(\.metrics))
        let all = Self.paths(original).filter { !$0.isEmpty }
        let replacements: [JSONValue?] = [
            nil, .null, .bool(true), .number(-1), .number(0), .number(0.5), .number(3), .number(1e300),
            .number(.nan), .number(-.infinity), .string("NaN"), .string(""), .array([]), .object(JSONObject()),
        ]
        let originalText = original.jsonText()
        var rng = RandomStream(seed: 2026)
        for _ in 0..<150 {
            let path = all[Int.random(in: 0..<all.count, using: &rng)]
            let new = replacements[Int.random(in: 0..<replacements.count, using: &rng)]
            guard var o = Self.replacing(original, at: path[...], with: new)?.objectValue else { continue }
            let edited = JSONValue.object(o).jsonText() != originalText
            let resealed = Bool.random(using: &rng)
            if resealed, o["checksum"] != nil {
                o = JSONObject(o.filter { $0.key != "checksum" }.map { ($0.key, $0.value) })
                o["checksum"] = .string(PartialResult.checksum(o))
            }
            do {
                let (_, merged) = try PartialResult.merge([("f.json", PartialResult(json: .object(o), file: "f.json"))])
                _ = try Summary(checking: merged)
                // Accepted: unchanged, or a resealed change of one value into another (a checksum is
                // not a signature).
                #expect(!edited || resealed, "an edit was accepted at \(path)")
            } catch let failure as ExperimentError {
                #expect(
                    failure.message.hasPrefix("f.json: ") || failure.message.hasPrefix("replications missing"),
                    "\(failure.message)")
            }
        }
    }

    /// A partial file is sized before it is read: a 2 GB one is refused with the limit, in a
    /// process that may not use more than 200 MB (it was read whole before).
    @Test func aHugePartialFileIsRefusedBeforeItIsRead() throws {
        let dir = Fixtures.temporaryDirectory()
        let big = dir + "/partial.json"
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        #expect(truncate(big, 2 << 30) == 0)  // sparse: 2 GB that take no disk space
        let outcome = try Subprocess.run(
            ["merge", big, "--out", dir + "/out"], stdout: .file("/dev/null"), memoryLimit: 200 << 20)
        #expect(outcome.status == 2)
        #expect(outcome.stderr == "homeward: \(big): is larger than 1 GB (2147483648 bytes)\n")
    }
}
