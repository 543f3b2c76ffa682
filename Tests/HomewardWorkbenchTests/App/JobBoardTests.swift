import Foundation
import Testing

@testable import HomewardWorkbench

/// A runner that records what it was asked to start and lets the test play the job's events.
final class FakeRunner: JobRunner, @unchecked Sendable {  // `started` only under `lock`
    final class Handle: RunningJob, @unchecked Sendable {
        let events: @Sendable (JobEvent) -> Void
        let lock = NSLock()
        var cancelled = false
        init(_ events: @escaping @Sendable (JobEvent) -> Void) { self.events = events }
        func cancel() {
            lock.lock()
            cancelled = true
            lock.unlock()
            // As the CLI does on SIGTERM: exit 143.
            events(.finished(status: 143))
        }
    }

    let lock = NSLock()
    var started: [(arguments: [String], handle: Handle)] = []
    var failure: (any Error)?

    func start(arguments: [String], output: String, events: @escaping @Sendable (JobEvent) -> Void) throws
        -> any RunningJob
    {
        if let failure { throw failure }
        let handle = Handle(events)
        lock.lock()
        started.append((arguments, handle))
        lock.unlock()
        return handle
    }

    var last: Handle? {
        lock.lock()
        defer { lock.unlock() }
        return started.last?.handle
    }
}

@Suite struct JobBoardTests {
    func board(maximum: Int = 1) -> (JobBoard, FakeRunner, String) {
        let runner = FakeRunner()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("jobs-\(UUID().uuidString)").path
        return (JobBoard(runner: runner, root: root, maximumRunning: maximum), runner, root)
    }

    @Test func aJobRunsReportsProgressAndEnds() throws {
        let (board, runner, root) = board()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let job = try board.start(title: "Run", command: "run", scenarios: ["a.json5"]) { [$0 + "/x"] }
        #expect(job.id.count == 32 && job.id.allSatisfy { $0.isHexDigit })
        #expect(runner.started.first?.arguments == ["run", root + "/" + job.id + "/x"])
        #expect(FileManager.default.fileExists(atPath: job.folder))
        let handle = try #require(runner.last)
        handle.events(.progress(done: 3, total: 10))
        handle.events(.message("warning: something"))
        #expect(board.job(job.id)?.done == 3)
        #expect(board.job(job.id)?.total == 10)
        #expect(board.job(job.id)?.messages == ["warning: something"])
        handle.events(.finished(status: 0))
        #expect(board.job(job.id)?.state == .succeeded)
        #expect(board.job(job.id)?.status == 0)
    }

    @Test func runsBeyondTheLimitAreRefusedUntilOneEnds() throws {
        let (board, runner, root) = board(maximum: 2)
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try board.start(title: "1", command: "run", scenarios: []) { _ in [] }
        _ = try board.start(title: "2", command: "run", scenarios: []) { _ in [] }
        #expect(throws: JobRefusal.busy(running: 2)) {
            try board.start(title: "3", command: "run", scenarios: []) { _ in [] }
        }
        runner.started[0].handle.events(.finished(status: 2))
        let third = try board.start(title: "3", command: "run", scenarios: []) { _ in [] }
        #expect(board.job(third.id)?.state == .running)
        #expect(board.all.map(\.title) == ["3", "2", "1"])
        #expect(board.all.last?.state == .failed)
    }

    @Test func cancelStopsARunningJobOnly() throws {
        let (board, runner, root) = board()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let job = try board.start(title: "Run", command: "run", scenarios: []) { _ in [] }
        #expect(board.cancel(job.id))
        #expect(runner.last?.cancelled == true)
        #expect(board.job(job.id)?.state == .cancelled)
        #expect(!board.cancel(job.id), "an ended job cannot be cancelled")
        #expect(!board.cancel("unknown"))
    }

    @Test func aJobThatCannotStartIsRecordedAsFailed() throws {
        let (board, runner, root) = board()
        defer { try? FileManager.default.removeItem(atPath: root) }
        struct Broken: Error {}
        runner.failure = Broken()
        #expect(throws: JobRefusal.self) { try board.start(title: "Run", command: "run", scenarios: []) { _ in [] } }
        #expect(board.all.first?.state == .failed)
        // A failed start does not hold a run's place.
        runner.failure = nil
        _ = try board.start(title: "Again", command: "run", scenarios: []) { _ in [] }
    }

    @Test func messagesAreBounded() throws {
        let (board, runner, root) = board()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let job = try board.start(title: "Run", command: "run", scenarios: []) { _ in [] }
        for i in 0..<100 { runner.last?.events(.message("line \(i)")) }
        #expect(board.job(job.id)?.messages.count == JobBoard.messageLines)
        #expect(board.job(job.id)?.messages.last == "line 99")
    }

    @Test func progressLinesAreParsedStrictly() {
        #expect(ProgressLine.parse("progress 3 10")! == (3, 10))
        for line in ["progress 11 10", "progress -1 10", "progress 3", "progress 3 0", "Progress 3 10", "progress a b"]
        {
            #expect(ProgressLine.parse(line) == nil, "\(line)")
        }
    }
}
