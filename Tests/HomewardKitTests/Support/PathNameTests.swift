import Foundation
import Testing

@testable import HomewardKit

/// `PathName.parent(of:)` answers as `NSString.deletingLastPathComponent` does, including on the
/// one-character paths where that traps, and every command writes to one-character paths.
@Suite struct PathNameTests {
    @Test func parentIsNSStringsWhereThatDoesNotTrap() {
        let paths = [
            "", "ab", "/", "/ab", "ab/", "ab//", "a/b", "a//b", "a/b/", "/a/b", "//a", "./r", "../r", "a/./b",
            "results/run-1/summary.json", "/tmp/x/", "é/ü", "a b/c d", ".hidden", "a/.b",
        ]
        for path in paths {
            #expect(
                PathName.parent(of: path) == (path as NSString).deletingLastPathComponent, "\(path.debugDescription)")
        }
    }

    @Test func oneCharacterPaths() {
        #expect(PathName.parent(of: "r") == "")
        #expect(PathName.parent(of: ".") == "")
        #expect(PathName.parent(of: "é") == "")
        #expect(PathName.parent(of: "a/r") == "a")
        #expect(PathName.parent(of: "/r") == "/")
        #expect(PathName.parent(of: "//") == "/", "the root spelt twice is the root (NSString says \"\")")
    }

    /// `--out r`, `--events e`, `--html h` and `check --junit j` in the working folder: each
    /// of these crashed (SIGILL) before.
    @Test func commandsWriteToOneCharacterPaths() throws {
        let dir = NSTemporaryDirectory() + "homeward-onechar-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = Fixtures.small.replacingOccurrences(
            of: "name: \"small\",", with: "name: \"small\", targets: [{ metric: 'nelAdmissions', atLeast: 1 }],")
        try text.write(toFile: dir + "/s.json5", atomically: true, encoding: .utf8)
        let cases: [(args: [String], files: [String])] = [
            (
                ["run", "s.json5", "--replications", "1", "--out", "r", "--events", "e", "--html", "h"],
                ["r", "e", "h"]
            ),
            (["check", "s.json5", "--replications", "2", "--out", "c", "--junit", "j"], ["c", "j"]),
        ]
        for (args, files) in cases {
            let outcome = try Subprocess.run(args, stdout: .file("/dev/null"), directory: dir)
            #expect(outcome.status == 0, "\(args.joined(separator: " ")): \(outcome.stderr)")
            for f in files { #expect(FileManager.default.fileExists(atPath: dir + "/" + f), "\(f) written") }
        }
    }
}
