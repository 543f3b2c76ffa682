import Foundation
import Testing

@testable import HomewardCLI
@testable import HomewardKit

/// A result set is committed as a whole: stopped at any step of its commit, the folder holds
/// the complete old set or the complete new set, or readers refuse it; a later commit rolls an
/// interrupted one forward; readers refuse a set whose files were changed or mixed.
@Suite struct ResultSetTests {
    static func set(_ dir: String, _ files: [(String, String)]) -> ResultSet {
        var set = ResultSet(directory: dir)
        for (name, text) in files { set.add(name, text) }
        return set
    }

    static let old = [
        ("summary.json", "{\"run\": \"old\"}\n"), ("daily.csv", "old daily\r\n"), ("summary.csv", "old,summary\r\n"),
        ("monthly.csv", "old,monthly\r\n"), ("base/summary.json", "{\"base\": \"old\"}\n"),
    ]
    static let new = [
        ("summary.json", "{\"run\": \"new\"}\n"), ("summary.csv", "new,summary\r\n"),
        ("monthly.csv", "new,monthly\r\n"),
        ("base/summary.json", "{\"base\": \"new\"}\n"),
    ]

    /// The files of `files` as they are in `dir` (nil when any is missing or differs).
    static func matches(_ dir: String, _ files: [(String, String)]) -> Bool {
        files.allSatisfy { (try? String(contentsOfFile: dir + "/" + $0.0, encoding: .utf8)) == $0.1 }
    }

    @Test func aCommitWritesTheManifestLastWithEverySizeAndChecksum() throws {
        let dir = Fixtures.temporaryDirectory() + "/out"
        try Self.set(dir, Self.old).commit()
        let manifest = try JSON5.parse(String(contentsOfFile: dir + "/homeward-results.json", encoding: .utf8))
        let files = try #require(manifest.objectValue?["files"]?.arrayValue)
        #expect(files.count == Self.old.count)
        let first = try #require(files.first?.objectValue)
        #expect(first["name"]?.stringValue == "summary.json")
        #expect(first["bytes"]?.numberValue == Double(Self.old[0].1.utf8.count))
        #expect(first["sha256"]?.stringValue == SHA256.hex(Self.old[0].1))
        #expect(manifest.objectValue?["format"]?.stringValue == "homeward-results")
        #expect(try ResultSet.verify(dir) == .verified(files: Self.old.map(\.0)))
        // A new set replaces the old one and removes the old files it does not have.
        try Self.set(dir, Self.new).commit()
        #expect(Self.matches(dir, Self.new))
        #expect(!FileManager.default.fileExists(atPath: dir + "/daily.csv"))
        let left = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(
            Set(left) == [
                "summary.json", "summary.csv", "monthly.csv", "base", "homeward-results.json", ".homeward.lock",
            ])
    }

    @Test func stoppedAtAnyStepTheFolderHoldsTheOldSetOrTheNewOrIsRefused() throws {
        var stops = 0
        for stop in 1...40 {
            let dir = Fixtures.temporaryDirectory() + "/out"
            try Self.set(dir, Self.old).commit()
            do {
                try Self.set(dir, Self.new).commit(stoppingAt: stop)
                break  // the commit had fewer steps than `stop`: every step has been tried
            } catch {
                #expect(error.message == ResultSet.KillPoints.message)
            }
            stops += 1
            do {
                let verified = try ResultSet.verify(dir)
                let names = Set(Self.new.map(\.0))
                if verified == .verified(files: Self.old.map(\.0)) {
                    #expect(Self.matches(dir, Self.old), "stop \(stop): the old set is not whole")
                } else {
                    #expect(verified == .verified(files: Self.new.map(\.0)), "stop \(stop)")
                    #expect(Self.matches(dir, Self.new), "stop \(stop): the new set is not whole")
                    #expect(names.count == Self.new.count)
                }
            } catch {
                #expect(error.message.contains("the results are incomplete"), "stop \(stop): \(error.message)")
                // The next writer rolls the interrupted commit forward: the new set, whole.
                try ResultSet.recover(dir)
                #expect(try ResultSet.verify(dir) == .verified(files: Self.new.map(\.0)), "stop \(stop)")
                #expect(Self.matches(dir, Self.new), "stop \(stop)")
            }
            for path in OutputRegistry.shared.pending where path.hasPrefix(dir) { OutputRegistry.shared.remove(path) }
        }
        #expect(stops >= Self.new.count + 4)
    }

    @Test func aChangedOrMissingFileIsRefusedNamingTheFolderAndTheFile() throws {
        let dir = Fixtures.temporaryDirectory() + "/out"
        try Self.set(dir, Self.old).commit()
        try "changed,summary\r\n".write(toFile: dir + "/summary.csv", atomically: false, encoding: .utf8)
        #expect {
            try ResultSet.verify(dir)
        } throws: {
            ($0 as? OutputError)?.message
                == "\(dir): summary.csv has 17 bytes, homeward-results.json says 13: it was changed or cut short since it was written; run the command that wrote it again"
        }
        try "new,summary\r\n".write(toFile: dir + "/summary.csv", atomically: false, encoding: .utf8)
        #expect {
            try ResultSet.verify(dir)
        } throws: { ($0 as? OutputError)?.message.contains("summary.csv does not match its SHA-256") == true }
        unlink(dir + "/summary.csv")
        #expect {
            try ResultSet.verify(dir)
        } throws: {
            ($0 as? OutputError)?.message.contains("summary.csv is listed in homeward-results.json but is missing")
                == true
        }
    }

    @Test func aFolderWithoutAManifestIsReadWithAWarning() throws {
        let dir = Fixtures.temporaryDirectory()
        try "{}".write(toFile: dir + "/summary.json", atomically: false, encoding: .utf8)
        #expect(try ResultSet.verify(dir) == .unmanaged)
    }

    /// The mixed folder a kill between two renames used to leave (a new summary.json beside
    /// another run's summary.csv) is refused by the readers of results.
    @Test func readersRefuseAMixedSet() throws {
        let dir = Fixtures.temporaryDirectory()
        let small = try OutputSafetyTests.scenario(in: dir)
        for (out, seed) in [("a", "1"), ("b", "2")] {
            let c = CapturedConsole()
            let status = HomewardCLI.main(
                ["run", small, "--replications", "2", "--seed", seed, "--out", dir + "/" + out, "--quiet"],
                console: c.console)
            #expect(status == 0, "\(c.err)")
        }
        unlink(dir + "/a/summary.json")
        try FileManager.default.copyItem(atPath: dir + "/b/summary.json", toPath: dir + "/a/summary.json")
        let c = CapturedConsole()
        let status = HomewardCLI.main(["report", dir + "/a", "--html", dir + "/report.html"], console: c.console)
        #expect(status == 2)
        #expect(c.err.contains("\(dir)/a: summary.json"), "\(c.err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/report.html"))
        let actuals = CapturedConsole()
        let compared = HomewardCLI.main(
            ["compare-actuals", dir + "/a", CalibrationTests.activityPath, "--population", CalibrationTests.known],
            console: actuals.console)
        #expect(compared == 2)
        #expect(actuals.err.contains("\(dir)/a: summary.json"), "\(actuals.err)")
    }
}
