import Foundation
import Testing

@testable import HomewardKit

/// Binary container versions: version 2 is written, version 1 (no block numbers, no file id)
/// is still read with every check it allows; and text lines are read within their limits.
@Suite struct EventLogVersionTests {
    /// A version 1 log written before version 2 existed: the small scenario over 3 days (1 of
    /// warm-up), 2 replications, seed 5.
    static let versionOne = Fixtures.repositoryRoot + "/Tests/HomewardKitTests/Fixtures/eventlog/small-3days-v1.hwlog"

    static func threeDays() throws -> LoadedScenario {
        let text = Fixtures.small.replacingOccurrences(
            of: "horizonDays: 120, warmupDays: 30", with: "horizonDays: 3, warmupDays: 1")
        return try ScenarioLoader.load(text: text, file: "small-3days.json5")
    }

    @Test func aVersionOneLogIsStillReadAndReplaysAsTheRun() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.versionOne)))
        #expect(bytes[8] == 1 && bytes[9] == 0)
        let info = try EventLogInfo(path: Self.versionOne)
        #expect(info.containerVersion == 1)
        #expect(info.fileID == nil)
        #expect(info.description.contains("binary (.hwlog), container version 1\n"))
        let run = try Runner.run(try Self.threeDays(), options: RunOptions(replications: 2, seed: 5))
        #expect(try EventLogReader.replay(path: Self.versionOne).replications == run.replications)
    }

    @Test func convertingAVersionOneLogWritesVersionTwoWithTheSameEvents() throws {
        let dir = Fixtures.temporaryDirectory()
        let out = dir + "/v2.hwlog"
        _ = try EventLogConversion.convert(input: Self.versionOne, output: out)
        let info = try EventLogInfo(path: out)
        #expect(info.containerVersion == 2)
        #expect(info.fileID?.count == 32)
        let before = try EventLogFixtures.events(Self.versionOne)
        let after = try EventLogFixtures.events(out)
        #expect(before.count == after.count && zip(before, after).allSatisfy { $0.same($1) })
        // And it is what a run writes today, byte for byte.
        _ = try Runner.run(
            try Self.threeDays(), options: RunOptions(replications: 2, seed: 5, eventsPath: dir + "/run.hwlog"))
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: out))
                == Data(contentsOf: URL(fileURLWithPath: dir + "/run.hwlog")))
    }

    @Test func damageInAVersionOneLogIsStillFound() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.versionOne)))
        let n = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24
        let block = 16 + n + 4
        // A payload byte, and a block header byte (its replication).
        for (offset, says) in [
            (block + 24 + 100, "payload checksum mismatch"), (block + 4, "block header checksum mismatch"),
        ] {
            let path = try EventLogFixtures.damaged(Self.versionOne, name: "flip.hwlog") { $0[offset] ^= 0x01 }
            do {
                _ = try EventLogInfo(path: path)
                Issue.record("a flip at \(offset) was not found")
            } catch {
                #expect(error.description.contains("block 1 at byte offset \(block): \(says)"), "\(error)")
            }
        }
    }

    @Test func aVersionBeyondTheKnownOnesIsRefused() throws {
        let path = try EventLogFixtures.damaged(EventLogFixtures.tiny.binary, name: "v3.hwlog") { $0[8] = 3 }
        #expect(
            throws: LogError.corrupt(
                "\(path): byte offset 8: unsupported binary log version 3 (this program reads versions 1 to 2)")
        ) {
            try EventLogInfo(path: path)
        }
    }

    @Test func anOverLongLineIsNotBufferedWhole() throws {
        // A JSON Lines log whose line 3 is 40 MB without a line end: the reader stops after
        // the limit, its buffer never grows past its first megabyte.
        let lines = try String(contentsOfFile: EventLogFixtures.tiny.jsonLines, encoding: .utf8).split(separator: "\n")
        let path = Fixtures.temporaryDirectory() + "/long.jsonl"
        var data = Data((lines[0] + "\n" + lines[1] + "\n").utf8)
        data.append(Data(repeating: UInt8(ascii: "x"), count: 40 << 20))
        try data.write(to: URL(fileURLWithPath: path))
        let stream = try EventLogStream(path: path)
        #expect(try stream.next() != nil)
        do {
            _ = try stream.next()
            Issue.record("a 40 MB line was read")
        } catch {
            #expect(error.description.hasPrefix("corrupt event log: \(path): line 3 is longer than"), "\(error)")
        }
        #expect(stream.source.input.capacity <= 1 << 20)
    }

    @Test func theHeaderLineHasItsOwnLimit() throws {
        let path = Fixtures.temporaryDirectory() + "/long-header.csv"
        var data = Data("# {".utf8)
        data.append(Data(repeating: UInt8(ascii: " "), count: TextLogLimits.maximumHeaderLineLength))
        try data.write(to: URL(fileURLWithPath: path))
        #expect(
            throws: LogError.corrupt(
                "\(path): line 1 is longer than \(TextLogLimits.maximumHeaderLineLength) bytes (the header line's limit)"
            )
        ) { try EventLogInfo(path: path) }
    }
}
