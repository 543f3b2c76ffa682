import Foundation
import Testing

@testable import HomewardCLI
@testable import HomewardKit

/// A second run on an output folder or event log that another run is writing fails at once,
/// naming the holder, instead of both reporting success.
@Suite struct OutputLockTests {
    @Test func twoLocksOnOneFolderConflictUntilTheFirstIsReleased() throws {
        let dir = Fixtures.temporaryDirectory()
        let first = try OutputLock(dir, isFolder: true)
        #expect {
            try OutputLock(dir, isFolder: true)
        } throws: {
            ($0 as? OutputError)?.message.hasPrefix("\(dir) is in use by another homeward run (pid \(getpid()))")
                == true
        }
        first.release()
        let second = try OutputLock(dir, isFolder: true)
        second.release()
    }

    @Test func aRunOnAFolderInUseFailsWithExitTwo() throws {
        let dir = Fixtures.temporaryDirectory()
        let small = try OutputSafetyTests.scenario(in: dir)
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        let held = try OutputLock(dir + "/out", isFolder: true)
        let c = CapturedConsole()
        let status = HomewardCLI.main(
            ["run", small, "--replications", "1", "--out", dir + "/out", "--quiet"], console: c.console)
        #expect(status == 2)
        #expect(c.err.contains("\(dir)/out is in use by another homeward run (pid \(getpid()))"), "\(c.err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out/summary.json"))
        held.release()
        let again = CapturedConsole()
        #expect(
            HomewardCLI.main(
                ["run", small, "--replications", "1", "--out", dir + "/out", "--quiet"], console: again.console) == 0)
    }

    @Test func aRunOnAnEventLogInUseFailsWithExitTwo() throws {
        let dir = Fixtures.temporaryDirectory()
        let small = try OutputSafetyTests.scenario(in: dir)
        let held = try OutputLock(dir + "/log.hwlog", isFolder: false)
        defer { held.release() }
        let c = CapturedConsole()
        let status = HomewardCLI.main(
            ["run", small, "--replications", "1", "--events", dir + "/log.hwlog", "--out", dir + "/o", "--quiet"],
            console: c.console)
        #expect(status == 2)
        #expect(c.err.contains("\(dir)/log.hwlog is in use by another homeward run (pid \(getpid()))"), "\(c.err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/log.hwlog"))
    }
}
