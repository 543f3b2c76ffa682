import Foundation
import Testing

@testable import HomewardCLI
@testable import HomewardKit

/// SIGINT and SIGTERM, sent to the `homeward` executable in the middle of a run with an event
/// log: every temporary and part file is removed, the results committed before are kept whole,
/// stderr says what was kept and discarded, and the exit status is 128 + the signal.
@Suite(.serialized) struct InterruptTests {
    static var executable: String { Fixtures.repositoryRoot + "/.build/debug/homeward" }

    static func temporaries(_ dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).filter {
            $0.hasSuffix(".tmp") || $0.contains(".homeward-results.journal")
        }
    }

    @Test(arguments: [SIGINT, SIGTERM]) func anInterruptRemovesUnfinishedFilesAndKeepsFinishedResults(_ signal: Int32)
        throws
    {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the executable first")
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let small = try OutputSafetyTests.scenario(in: dir)
        let c = CapturedConsole()
        #expect(
            HomewardCLI.main(
                ["run", small, "--replications", "2", "--out", dir + "/out", "--quiet"], console: c.console)
                == 0)
        let before = try String(contentsOfFile: dir + "/out/summary.json", encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = [
            "run", small, "--replications", "1000", "--threads", "2", "--events", dir + "/log.hwlog", "--out",
            dir + "/out", "--quiet",
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait until the run has unfinished files to discard (at most 20 s).
        let deadline = Date().addingTimeInterval(20)
        while Self.temporaries(dir).isEmpty && Date() < deadline && process.isRunning { usleep(20_000) }
        #expect(!Self.temporaries(dir).isEmpty)
        usleep(200_000)
        kill(process.processIdentifier, signal)
        let stop = Date().addingTimeInterval(20)
        while process.isRunning && Date() < stop { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            Issue.record("the run did not stop within 20 s of the signal")
        }
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .exit, "\(message)")
        #expect(process.terminationStatus == 128 + signal, "\(message)")
        #expect(message.contains("interrupted by \(signal == SIGINT ? "SIGINT" : "SIGTERM")"), "\(message)")
        #expect(message.contains("Discarded"), "\(message)")
        #expect(Self.temporaries(dir).isEmpty, "\(Self.temporaries(dir))")
        #expect(!FileManager.default.fileExists(atPath: dir + "/log.hwlog"))
        #expect(try ResultSet.verify(dir + "/out") == .verified(files: ["summary.json", "summary.csv", "monthly.csv"]))
        #expect(try String(contentsOfFile: dir + "/out/summary.json", encoding: .utf8) == before)
    }
}
