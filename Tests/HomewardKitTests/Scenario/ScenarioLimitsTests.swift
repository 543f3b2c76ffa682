import Foundation
import HomewardKit
import Testing

/// Scenario files are read within stated bounds: the size is checked before reading, and
/// `extends` reads only inside the scenario's folder.
@Suite struct ScenarioLimitsTests {
    static func issues(_ path: String) -> [String] {
        do {
            _ = try ScenarioLoader.load(path: path)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    @Test func aHugeScenarioFileIsRefusedBeforeItIsRead() throws {
        let dir = Fixtures.temporaryDirectory()
        let big = dir + "/big.json5"
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        #expect(truncate(big, 2 << 30) == 0)  // sparse: 2 GB that take no disk space
        #expect(Self.issues(big) == ["\(big): is larger than 64 MB (2147483648 bytes); not a scenario file"])

        // Under 100 MB of address space (so of memory): refused with its message, not a crash.
        let outcome = try Subprocess.run(["validate", big], stdout: .file("/dev/null"), memoryLimit: 100 << 20)
        #expect(outcome.status == 2)
        #expect(outcome.stderr == "\(big): is larger than 64 MB (2147483648 bytes); not a scenario file\n")
    }

    @Test func aPipeIsReadOnlyUpToTheLimit() throws {
        // /dev/zero gives no size and never ends: the read stops one byte past the limit.
        #expect(
            Self.issues("/dev/zero") == ["/dev/zero: is larger than 64 MB; not a scenario file"])
        let dir = Fixtures.temporaryDirectory()
        #expect(Self.issues(dir) == ["\(dir): cannot be read (it is a directory)"])
    }

    @Test func extendsStaysInsideTheScenarioFolder() throws {
        let top = Fixtures.temporaryDirectory()
        let dir = top + "/a/b"
        try FileManager.default.createDirectory(atPath: dir + "/bases", withIntermediateDirectories: true)
        // A JSON5 file outside the folder, whose content must never appear in a message.
        try "{ secret: 'do not show' ".write(toFile: top + "/x.json5", atomically: true, encoding: .utf8)
        try Fixtures.small.write(toFile: dir + "/bases/base.json5", atomically: true, encoding: .utf8)

        try "{ extends: 'bases/base.json5' }".write(toFile: dir + "/ok.json5", atomically: true, encoding: .utf8)
        #expect(Self.issues(dir + "/ok.json5") == [])

        for target in ["/etc/passwd", "../../x.json5", top + "/x.json5", "bases/../../../x.json5"] {
            try "{ extends: '\(target)' }".write(toFile: dir + "/v.json5", atomically: true, encoding: .utf8)
            let found = Self.issues(dir + "/v.json5")
            let resolved = try #require(realpath(dir, nil))
            defer { free(resolved) }
            #expect(
                found == [
                    "\(dir)/v.json5: extends: base scenario '\(target)' is outside the folder '\(String(cString: resolved))' (a base must be in the folder of the scenario being read, or below it)"
                ], "\(target)")
        }

        // A symbolic link inside the folder that leads out of it is followed before the check.
        #expect(symlink(top + "/x.json5", dir + "/link.json5") == 0)
        try "{ extends: 'link.json5' }".write(toFile: dir + "/l.json5", atomically: true, encoding: .utf8)
        let linked = Self.issues(dir + "/l.json5")
        #expect(linked.count == 1 && linked[0].contains("is outside the folder"), "\(linked)")
        #expect(!linked.joined().contains("secret"))

        // A base in a sub-folder extends only within the top-level scenario's folder.
        try "{ extends: '../../../x.json5' }".write(
            toFile: dir + "/bases/up.json5", atomically: true, encoding: .utf8)
        try "{ extends: 'bases/up.json5' }".write(toFile: dir + "/chain.json5", atomically: true, encoding: .utf8)
        let chained = Self.issues(dir + "/chain.json5")
        #expect(chained.count == 1 && chained[0].contains("is outside the folder"), "\(chained)")
    }

    @Test func problemsBeyondAHundredAreCounted() throws {
        // 9,000 unknown fields at the top, and 9,000 unknown cohorts referred to (an object holds
        // at most 10,000 members: ScenarioLoader.parseLimits).
        let unknown = (0..<9_000).map { "k\($0): 1" }.joined(separator: ", ")
        let references = (0..<9_000).map { "c\($0): 0.1" }.joined(separator: ", ")
        let text = Fixtures.small
            .replacingOccurrences(of: "name: \"small\",", with: "name: \"small\", \(unknown),")
            .replacingOccurrences(of: "eligibility: { older: 0.3,", with: "eligibility: { \(references), older: 0.3,")
        do {
            _ = try ScenarioLoader.load(text: text, file: "f.json5")
            Issue.record("expected errors")
        } catch {
            #expect(error.issues.count == 100)
            #expect(error.more == 18_000 - 100)
            let lines = error.description.split(separator: "\n")
            #expect(lines.count == 101)
            #expect(
                lines.first
                    == "f.json5: k0: unknown field (expected one of: name, description, extends, start, horizonDays, warmupDays, replications, seed, population, cohorts, services, pathways, working, census, targets, schemes, demandVariation, warnings)"
            )
            #expect(lines.last == "f.json5: ... and 17900 more problems")
        }
        // Duplicate keys are capped the same way.
        let twice = (0..<1_000).map { _ in "seed: 1" }.joined(separator: ", ")
        do {
            _ = try ScenarioLoader.load(
                text: Fixtures.small.replacingOccurrences(of: "seed: 11,", with: "seed: 11, \(twice),"), file: "f.json5"
            )
            Issue.record("expected errors")
        } catch {
            #expect(error.issues.count == 100)
            #expect(error.issues.first?.description == "f.json5: seed: is given more than once")
            #expect(error.more == 900)
        }
    }

    @Test func aHugeResultsFileIsRefusedBeforeItIsRead() throws {
        let dir = Fixtures.temporaryDirectory()
        let summary = dir + "/summary.json"
        #expect(FileManager.default.createFile(atPath: summary, contents: nil))
        #expect(truncate(summary, 2 << 30) == 0)
        let outcome = try Subprocess.run(
            ["report", dir, "--html", dir + "/r.html"], stdout: .file("/dev/null"), memoryLimit: 200 << 20)
        #expect(outcome.status == 2)
        // (A folder without a manifest is read with a warning first: docs/reliability.md.)
        #expect(
            outcome.stderr.hasSuffix("homeward: \(summary): is larger than 1 GB (2147483648 bytes)\n"),
            "\(outcome.stderr)")
    }

    /// A scenario's parse is bounded by values and members, not only by the file's 64 MB: 200,000
    /// unknown keys over an `extends` base took 128 MB before, and 64 MB of them several GB.
    @Test func aScenarioHoldsAtMostAMillionValuesAndTenThousandMembersAnObject() throws {
        let dir = Fixtures.temporaryDirectory()
        try Fixtures.small.write(toFile: dir + "/base.json5", atomically: true, encoding: .utf8)
        let keys = dir + "/keys.json5"
        let members = (0..<200_000).map { "k\($0): 0" }.joined(separator: ", ")
        try "{ extends: \"base.json5\", \(members) }".write(toFile: keys, atomically: true, encoding: .utf8)
        let outcome = try Subprocess.run(["validate", keys], stdout: .file("/dev/null"), memoryLimit: 100 << 20)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.hasPrefix("\(keys): not valid JSON5: line 1, column "), "\(outcome.stderr)")
        #expect(outcome.stderr.hasSuffix(": more than 10000 members in one object\n"), "\(outcome.stderr)")

        let limits = ScenarioLoader.parseLimits
        // The values inside the document are counted (the top-level value itself is not).
        let wide = "[" + Array(repeating: "0", count: limits.maximumValues + 1).joined(separator: ",") + "]"
        #expect(throws: JSON5ParseError.self) { try JSON5.parse(wide, limits: limits) }
        let fits = "[" + Array(repeating: "0", count: limits.maximumValues).joined(separator: ",") + "]"
        #expect(try JSON5.parse(fits, limits: limits).arrayValue?.count == limits.maximumValues)
        #expect(try JSON5.parse(wide).arrayValue?.count == limits.maximumValues + 1)  // other files: no such limit
    }
}
