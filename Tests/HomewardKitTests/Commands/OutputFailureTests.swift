import Foundation
import Testing

/// Standard output that cannot be written (a full disk, a closed pipe, a closed descriptor)
/// ends the command with exit 3 and a message on standard error, never a signal.
@Suite struct OutputFailureTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var output: Subprocess.Output
        var reason: String
        var testDescription: String { name }
    }

    static let cases = [
        Case(name: "/dev/full", output: .file("/dev/full"), reason: "No space left on device"),
        Case(name: "a closed pipe", output: .closedPipe, reason: "Broken pipe"),
        Case(name: "a closed descriptor", output: .closed, reason: "Bad file descriptor"),
    ]

    @Test(arguments: cases)
    func aFailedWriteEndsWithExit3AndAMessage(_ c: Case) throws {
        let dir = Fixtures.temporaryDirectory()
        try Fixtures.small.write(toFile: dir + "/small.json5", atomically: true, encoding: .utf8)
        for args in [["--version"], ["help"], ["validate", dir + "/small.json5"]] {
            let outcome = try Subprocess.run(args, stdout: c.output)
            #expect(outcome.signal == nil, "\(args): ended by signal \(outcome.signal ?? 0)")
            #expect(outcome.status == 3, "\(args)")
            // Warnings about the scenario (the small one's home care starts empty) come first.
            let lines = outcome.stderr.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(
                lines.suffix(2) == ["homeward: cannot write to standard output: \(c.reason)", ""]
                    && lines.dropLast(2).allSatisfy { $0.hasPrefix("warning: ") },
                "\(args): \(outcome.stderr)")
        }
    }
}
