import Foundation
import Testing

@testable import HomewardKit

/// The three log formats: layout, detection, lossless conversion, and replay to the last digit.
@Suite struct EventLogFormatTests {
    @Test(arguments: EventLogFormat.allCases)
    func eachFormatReplaysToTheRunsMetricsBitForBit(_ format: EventLogFormat) throws {
        let logs = EventLogFixtures.small
        let replay = try EventLogReader.replay(path: logs.path(format), salvage: false)
        #expect(replay.format == format)
        #expect(replay.salvage == nil)
        #expect(replay.replications == logs.run.replications)
        let manifest = JSONValue.object(JSONObject())
        #expect(
            SummaryFiles.summaryJSON(Summary(replay.replications), manifest: manifest)
                == SummaryFiles.summaryJSON(logs.run.summary, manifest: manifest))
        #expect(SummaryFiles.monthlyCSV(Summary(replay.replications)) == SummaryFiles.monthlyCSV(logs.run.summary))
    }

    @Test func theThreeFormatsHoldTheSameEventsToTheBit() throws {
        let logs = EventLogFixtures.small
        let binary = try EventLogFixtures.events(logs.binary)
        let jsonLines = try EventLogFixtures.events(logs.jsonLines)
        let csv = try EventLogFixtures.events(logs.csv)
        #expect(binary.count > 30_000)
        #expect(binary.count == jsonLines.count && binary.count == csv.count)
        #expect(zip(binary, jsonLines).allSatisfy { $0.same($1) })
        #expect(zip(binary, csv).allSatisfy { $0.same($1) })
        // And the headers are the same.
        let headers = try EventLogFormat.allCases.map { try EventLogStream(path: logs.path($0)).header }
        #expect(headers[0] == headers[1] && headers[0] == headers[2])
    }

    @Test func binaryToJSONLinesToCSVToBinaryIsTheIdentity() throws {
        let logs = EventLogFixtures.small
        let dir = Fixtures.temporaryDirectory()
        let a = try EventLogConversion.convert(input: logs.binary, output: dir + "/a.jsonl")
        #expect(a.from == .binary && a.to == .jsonLines && a.replications == 3)
        _ = try EventLogConversion.convert(input: dir + "/a.jsonl", output: dir + "/b.csv")
        let c = try EventLogConversion.convert(input: dir + "/b.csv", output: dir + "/c.hwlog")
        #expect(c.from == .csv && c.to == .binary)
        // The binary log at the end of the round is the one the run wrote, byte for byte; the
        // text logs equal the run's text logs byte for byte.
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: dir + "/c.hwlog"))
                == Data(contentsOf: URL(fileURLWithPath: logs.binary)))
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: dir + "/a.jsonl"))
                == Data(contentsOf: URL(fileURLWithPath: logs.jsonLines)))
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: dir + "/b.csv"))
                == Data(contentsOf: URL(fileURLWithPath: logs.csv)))
        // Same events, same metrics.
        let original = try EventLogFixtures.events(logs.binary)
        let round = try EventLogFixtures.events(dir + "/c.hwlog")
        #expect(original.count == round.count && zip(original, round).allSatisfy { $0.same($1) })
        #expect(try EventLogReader.replay(path: dir + "/c.hwlog").replications == logs.run.replications)
        #expect(try EventLogReader.replay(path: dir + "/b.csv").replications == logs.run.replications)
        #expect(!FileManager.default.fileExists(atPath: dir + "/c.hwlog.tmp"))
    }

    @Test func theFormatIsDetectedFromTheFirstBytesNotTheName() throws {
        let logs = EventLogFixtures.small
        let dir = Fixtures.temporaryDirectory()
        for format in EventLogFormat.allCases {
            let misnamed = dir + "/log-\(format.rawValue).txt.jsonl"
            try FileManager.default.copyItem(atPath: logs.path(format), toPath: misnamed)
            #expect(try EventLogFormat.detect(path: misnamed) == format)
            #expect(try EventLogReader.replay(path: misnamed).replications == logs.run.replications)
        }
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: dir + "/hello"))
        #expect(throws: LogError.self) { try EventLogFormat.detect(path: dir + "/hello") }
        do {
            _ = try EventLogReader.replay(path: dir + "/hello")
        } catch {
            #expect(
                error.description.contains("corrupt event log")
                    && error.description.contains("not a Homeward event log"))
        }
    }

    @Test func writingChoosesTheFormatFromTheExtension() {
        #expect(EventLogFormat.forPath("a/run.jsonl") == .jsonLines)
        #expect(EventLogFormat.forPath("run.CSV") == .csv)
        #expect(EventLogFormat.forPath("run.hwlog") == .binary)
        #expect(EventLogFormat.forPath("run.log") == .binary)
        #expect(EventLogFormat.forPath("run") == .binary)
    }

    @Test func theBinaryLayoutIsTheDocumentedOne() throws {
        let logs = EventLogFixtures.small
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: logs.binary)))
        func u16(_ o: Int) -> UInt16 { UInt16(bytes[o]) | UInt16(bytes[o + 1]) << 8 }
        func u32(_ o: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[o + $1]) << (8 * $1) } }
        func u64(_ o: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[o + $1]) << (8 * $1) } }
        #expect(Array(bytes[0..<8]) == [0x89, 0x48, 0x57, 0x4C, 0x4F, 0x47, 0x0D, 0x0A])
        #expect(u16(8) == 2)  // container version
        #expect(u16(10) == 32)  // record size
        let n = Int(u32(12))
        let headerText = String(decoding: bytes[16..<(16 + n)], as: UTF8.self)
        let jsonLinesHeader = try String(contentsOfFile: logs.jsonLines, encoding: .utf8).prefix { $0 != "\n" }
        #expect(headerText == String(jsonLinesHeader))
        #expect(u32(16 + n) == CRC32C.checksum(bytes[0..<(16 + n)]))
        // The file id: the first 16 bytes of the SHA-256 of the header before its checksum.
        let id = Array(SHA256.digest(bytes[0..<(16 + n)]).prefix(16))
        // The first block: magic, replication 0, block 0 of it, 8192 events, payload length, file
        // tag, checksums (the header's bound to the file id).
        let b = 16 + n + 4
        #expect(Array(bytes[b..<(b + 4)]) == Array("HWBK".utf8))
        #expect(u32(b + 4) == 0)
        #expect(u32(b + 8) == 0)
        #expect(u32(b + 12) == 8192)
        #expect(u32(b + 16) == 8192 * 32)
        #expect(Array(bytes[(b + 20)..<(b + 24)]) == Array(id[0..<4]))
        #expect(u32(b + 24) == CRC32C.checksum(bytes[(b + 32)..<(b + 32 + 8192 * 32)]))
        #expect(u32(b + 28) == CRC32C.checksum(id + bytes[b..<(b + 28)]))
        // The second block is block 1 of replication 0.
        let b2 = b + 32 + 8192 * 32
        #expect(u32(b2 + 4) == 0 && u32(b2 + 8) == 1)
        // The first record is the first event: capacity of service 0 (acute) at time 0.
        let first = try EventLogFixtures.events(logs.binary)[0].event
        let r = b + 32
        #expect(u64(r) == first.time.bitPattern && u64(r + 8) == 0)
        #expect(u32(r + 16) == UInt32.max)  // no patient
        #expect(Int32(bitPattern: u32(r + 20)) == first.detail)
        #expect(Int16(bitPattern: u16(r + 24)) == -1 && Int16(bitPattern: u16(r + 26)) == 0)
        #expect(bytes[r + 28] == EventKind.capacity.rawValue && bytes[(r + 29)..<(r + 32)].allSatisfy { $0 == 0 })
        // The trailer: magic, replications, events, blocks, checksum.
        let t = bytes.count - 32
        let events = try EventLogFixtures.events(logs.binary)
        #expect(Array(bytes[t..<(t + 4)]) == Array("HWEN".utf8))
        #expect(u32(t + 4) == 3)
        #expect(u64(t + 8) == UInt64(events.count))
        #expect(u64(t + 16) > 3)
        #expect(u32(t + 24) == 0)
        #expect(u32(t + 28) == CRC32C.checksum(bytes[t..<(t + 28)]))
        // 32 bytes an event, plus headers.
        #expect(bytes.count < events.count * 32 + 40_000)
    }

    @Test func blocksNeverSpanReplications() throws {
        // Each replication's last block is short; every block header names one replication.
        let logs = EventLogFixtures.small
        let info = try EventLogInfo(path: logs.binary)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: logs.binary)))
        func u32(_ o: Int) -> Int { Int((0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[o + $1]) << (8 * $1) }) }
        var o = 16 + u32(12) + 4
        var perReplication = [Int](repeating: 0, count: 3)
        var blocks = 0
        var numbers: [[Int]] = [[], [], []]
        while Array(bytes[o..<(o + 4)]) == Array("HWBK".utf8) {
            perReplication[u32(o + 4)] += u32(o + 12)
            numbers[u32(o + 4)].append(u32(o + 8))
            blocks += 1
            o += 32 + u32(o + 16)
        }
        // Blocks are numbered from 0 within each replication.
        #expect(numbers.allSatisfy { $0 == Array(0..<$0.count) && !$0.isEmpty })
        #expect(perReplication.map(UInt64.init) == info.eventsPerReplication)
        #expect(blocks == perReplication.reduce(0) { $0 + ($1 + 8191) / 8192 })
        #expect(o == bytes.count - 32)
    }

    /// Awkward names and extreme values survive every format, bit for bit.
    @Test(arguments: EventLogFormat.allCases)
    func awkwardNamesAndExtremeValuesSurvive(_ format: EventLogFormat) throws {
        var context = ProjectionContext(scenario: try Fixtures.smallScenario())
        context.cohorts[0].name = "a,b"
        context.cohorts[1].name = "say \"hi\""
        context.cohorts[2].name = "line\nbreak é"
        context.services[1].name = ""
        context.services[2].name = " spaced , \"quoted\"\r\n"
        let header = EventLogHeader(context: context, scenarioHash: "00ff", seed: 1 << 53, replications: 2)
        // Times never decrease and never pass the end of the run (150 days here).
        let horizon = context.horizon
        let times: [Double] = [
            0, -0.0, Double.leastNonzeroMagnitude, 1e-300, 0.1, 1.0 / 3.0, 0.375, 57.606456762923486, 149.5,
            horizon.nextDown,
        ]
        var expected: [ReplicatedEvent] = []
        for rep in 0..<2 {
            var seq: UInt64 = 0
            func add(
                _ t: Double, _ patient: UInt32, _ kind: EventKind, _ cohort: Int16, _ service: Int16, _ detail: Int32
            ) {
                expected.append(
                    ReplicatedEvent(
                        replication: rep,
                        event: Event(
                            time: t, sequence: seq, patient: patient, kind: kind, cohort: cohort, service: service,
                            detail: detail)))
                seq += 1
            }
            for (i, t) in times.enumerated() {
                add(t, UInt32(i), .enter, Int16(i % 3), Int16(i % 6), -1)
            }
            add(horizon.nextDown, 0, .edWait, 0, 2, Int32.min)
            add(horizon.nextDown, UInt32.max - 1, .delay, 2, 1, Int32.max)
            add(horizon, Event.noPatient, .capacity, -1, 5, 0)
            add(horizon, 7, .crisis, 1, -1, 1)
            add(horizon, Event.noPatient, .end, -1, -1, 0)
        }
        let dir = Fixtures.temporaryDirectory()
        let path = dir + "/awkward." + format.fileExtension
        let writer = try EventLogFileWriter(path: path, header: header)
        #expect(writer.format == format)
        for e in expected { writer.append(replication: e.replication, e.event) }
        try writer.finish()
        let stream = try EventLogStream(path: path)
        #expect(stream.header == header)
        var read: [ReplicatedEvent] = []
        while let (r, e) = try stream.next() { read.append(ReplicatedEvent(replication: r, event: e)) }
        #expect(read.count == expected.count)
        for (a, b) in zip(read, expected) { #expect(a.same(b), "\(a) != \(b)") }
        // Through the other two formats and back.
        for other in EventLogFormat.allCases where other != format {
            let there = dir + "/there." + other.fileExtension
            let back = dir + "/back-\(other.rawValue)." + format.fileExtension
            _ = try EventLogConversion.convert(input: path, output: there)
            _ = try EventLogConversion.convert(input: there, output: back)
            #expect(try Data(contentsOf: URL(fileURLWithPath: back)) == Data(contentsOf: URL(fileURLWithPath: path)))
        }
    }

    @Test func smallBlocksReadTheSameAsLargeOnes() throws {
        // A reader must not depend on the writer's block size.
        let logs = EventLogFixtures.small
        let events = try EventLogFixtures.events(logs.binary)
        let header = try EventLogStream(path: logs.binary).header
        let path = Fixtures.temporaryDirectory() + "/small-blocks.hwlog"
        let output = try EventLogOutput(creating: path)
        output.write(EventLogFormat.binary.prologue(header))
        var writer = BinaryEventLogWriter(output: output, header: header, replication: 0, eventsPerBlock: 7)
        var rep = 0
        for e in events {
            if e.replication != rep {
                writer.begin(replication: e.replication)
                rep = e.replication
            }
            writer.append(e.event)
        }
        writer.flush()
        output.write(
            EventLogFormat.binary.epilogue(replications: 3, events: writer.eventsWritten, blocks: writer.blocksWritten))
        try output.close()
        #expect(writer.blocksWritten > UInt64(events.count / 7))
        #expect(try EventLogReader.replay(path: path).replications == logs.run.replications)
    }

    @Test func runsWithAnyThreadCountWriteIdenticalLogs() throws {
        let loaded = try ScenarioLoader.load(text: Fixtures.small, file: "small.json5")
        let dir = Fixtures.temporaryDirectory()
        for threads in [1, 3] {
            _ = try Runner.run(
                loaded,
                options: RunOptions(replications: 3, seed: 5, threads: threads, eventsPath: "\(dir)/t\(threads).hwlog"))
        }
        let one = try Data(contentsOf: URL(fileURLWithPath: dir + "/t1.hwlog"))
        #expect(one == (try Data(contentsOf: URL(fileURLWithPath: dir + "/t3.hwlog"))))
        #expect(one == (try Data(contentsOf: URL(fileURLWithPath: EventLogFixtures.small.binary))))
        // No part or temporary file is left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".tmp") }
        #expect(left.isEmpty)
    }

    @Test func aLogThatCannotBeWrittenLeavesNothingBehind() throws {
        let loaded = try ScenarioLoader.load(text: Fixtures.small, file: "small.json5")
        let dir = Fixtures.temporaryDirectory()
        try "x".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        #expect(throws: LogError.self) {
            try Runner.run(loaded, options: RunOptions(replications: 2, seed: 5, eventsPath: dir + "/file/run.hwlog"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["file"])
        // A folder that does not exist yet is created.
        _ = try Runner.run(
            loaded, options: RunOptions(replications: 1, seed: 5, eventsPath: dir + "/new/deeper/run.hwlog"))
        #expect(FileManager.default.fileExists(atPath: dir + "/new/deeper/run.hwlog"))
    }

    @Test func infoDescribesTheLog() throws {
        let info = try EventLogInfo(path: EventLogFixtures.small.binary)
        #expect(info.format == .binary)
        #expect(info.eventsPerReplication.count == 3)
        #expect(info.events == info.eventsPerReplication.reduce(0, +))
        #expect(info.description.contains("binary (.hwlog), container version 2"))
        #expect(info.description.contains("intact        yes"))
    }
}
