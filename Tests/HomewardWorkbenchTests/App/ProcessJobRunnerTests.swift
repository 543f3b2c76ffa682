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
            arguments: [
                "-c",
                "trap 'echo stopped >&2; exit 143' TERM; i=0; while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done",
            ], output: output, events: recorder.record)
        Thread.sleep(forTimeInterval: 0.5)
        job.cancel()
        #expect(recorder.ended.wait(timeout: .now() + 20) == .success)
        #expect(Date().timeIntervalSince(began) < 20)
        // As `homeward` does on SIGTERM: a message, then exit 143.
        #expect(recorder.events.suffix(2) == [.message("stopped"), .finished(status: 143)])
    }
}
