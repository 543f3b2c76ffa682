import Foundation
import Testing

@testable import HomewardWorkbench

/// The child-process runner, on `/bin/sh` standing in for `homeward`.
@Suite struct ProcessJobRunnerTests {
    final class Recorder: @unchecked Sendable {  // `events` only under `lock`
        let lock = NSLock()
        var events: [JobEvent] = []
        let ended = DispatchSemaphore(value: 0)
        func record(_ event: JobEvent) {
            lock.lock()
            events.append(event)
            lock.unlock()
            if case .finished = event { ended.signal() }
        }
    }

    @Test func progressMessagesOutputAndStatusArrive() throws {
        let output = NSTemporaryDirectory() + "runner-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let recorder = Recorder()
        _ = try ProcessJobRunner(executable: "/bin/sh").start(
            arguments: [
                "-c", "echo 'progress 1 2' >&2; echo table; echo 'a warning' >&2; echo 'progress 2 2' >&2; exit 3",
            ],
            output: output, events: recorder.record)
        #expect(recorder.ended.wait(timeout: .now() + 20) == .success)
        #expect(
            recorder.events == [
                .progress(done: 1, total: 2), .message("a warning"), .progress(done: 2, total: 2), .finished(status: 3),
            ])
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "table\n")
    }

    @Test func cancelStopsTheChild() throws {
        let output = NSTemporaryDirectory() + "runner-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let recorder = Recorder()
        let began = Date()
        let job = try ProcessJobRunner(executable: "/bin/sh").start(
            arguments: ["-c", "sleep 30"], output: output, events: recorder.record)
        job.cancel()
        #expect(recorder.ended.wait(timeout: .now() + 20) == .success)
        #expect(Date().timeIntervalSince(began) < 20)
        guard case .finished(let status)? = recorder.events.last else {
            Issue.record("no end")
            return
        }
        #expect(status != 0)
    }
}
