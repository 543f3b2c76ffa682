import Foundation
import Testing

@testable import HomewardKit

/// Damage is found, never absorbed: logs cut short or with bytes flipped are reported as
/// truncated or corrupt, saying where; `--salvage` keeps the whole replications before the
/// damage and says what was lost.
@Suite struct EventLogDamageTests {
    func damage(_ path: String) -> LogError? { EventLogFixtures.damage(path) }
    func damage(_ bytes: [UInt8], _ name: String) -> LogError? { EventLogFixtures.damage(bytes, name: name) }

    /// Offsets where the binary log's structures start (container version 2, 32-byte block
    /// headers): header end, blocks and their fields, trailer.
    func binaryBoundaries(_ bytes: [UInt8]) -> [Int] {
        func u32(_ o: Int) -> Int { Int((0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[o + $1]) << (8 * $1) }) }
        var o = 16 + u32(12) + 4
        var boundaries = [0, 8, 12, 16, o - 4, o]
        while o + 4 <= bytes.count, Array(bytes[o..<(o + 4)]) == Array("HWBK".utf8) {
            boundaries += [o, o + 4, o + 8, o + 20, o + 24, o + 28, o + 32, o + 32 + 32]
            o += 32 + u32(o + 16)
        }
        boundaries += [o, o + 4, o + 28, bytes.count]
        return boundaries
    }

    /// Offsets where the text log's lines start, near the start and around each replication's end.
    func lineBoundaries(_ bytes: [UInt8]) -> [Int] {
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
        var picked = Array(starts.prefix(6))
        let text = String(decoding: bytes, as: UTF8.self)
        var searchFrom = text.startIndex
        while let r = text.range(of: "end", range: searchFrom..<text.endIndex) {
            let offset = text.utf8.distance(from: text.startIndex, to: r.lowerBound)
            if let next = starts.first(where: { $0 > offset }) { picked += [next - 1, next, next + 1] }
            searchFrom = r.upperBound
            if picked.count > 200 { break }
        }
        return picked.filter { $0 <= bytes.count }
    }

    func cutOffsets(_ format: EventLogFormat, _ bytes: [UInt8]) -> [Int] {
        let structural = format == .binary ? binaryBoundaries(bytes) : lineBoundaries(bytes)
        let spread = (0..<80).map { bytes.count * $0 / 80 + $0 }
        let all = Set((structural + spread + [1, 2, bytes.count - 1]).flatMap { [$0 - 1, $0, $0 + 1] })
        return all.filter { $0 >= 0 && $0 < bytes.count }.sorted()
    }

    @Test(arguments: EventLogFormat.allCases)
    func aLogCutAnywhereIsReportedAsTruncatedWithWhere(_ format: EventLogFormat) throws {
        let original = try EventLogFixtures.micro.bytes(format)
        let offsets = cutOffsets(format, original)
        #expect(offsets.count > 100)
        for (i, offset) in offsets.enumerated() {
            let name = "cut\(i).\(format.fileExtension)"
            // Replay reads through the same checks as any reader (`EventLogStream`) and folds
            // what it reads, so one pass shows both that the cut is found and that no metrics
            // come out of the cut log.
            let error: LogError
            do throws(LogError) {
                _ = try EventLogReader.replay(
                    EventLogStream(bytes: Array(original[0..<offset]), name: name), salvage: false)
                // A JSON Lines log whose last line lacks only its final "\n" has lost nothing:
                // the line is complete JSON, and it is accepted as it always has been.
                if format == .jsonLines && offset == original.count - 1 { continue }
                Issue.record("\(format) cut at byte \(offset) of \(original.count) was not noticed")
                continue
            } catch let e {
                error = e
            }
            #expect(error.description.hasPrefix("truncated event log: "), "cut at \(offset): \(error.description)")
            if offset > 0 {
                #expect(
                    error.description.contains("byte offset") || error.description.contains("line "),
                    "cut at \(offset): \(error.description)")
            }
        }
    }

    /// The tests above and below read damaged logs from memory; the same bytes in a file read
    /// the same: the same damage, message for message, and the same salvage (which reads past
    /// the damage a second time, through `reopened(at:)` and, for binary logs, `survey`).
    @Test(arguments: EventLogFormat.allCases)
    func aLogInMemoryReadsExactlyAsTheSameBytesInAFile(_ format: EventLogFormat) throws {
        let original = try EventLogFixtures.micro.bytes(format)
        let path = Fixtures.temporaryDirectory() + "/log." + format.fileExtension
        let offsets = cutOffsets(format, original)
        var variants = stride(from: 0, to: offsets.count, by: 20).map { Array(original[0..<offsets[$0]]) }
        for offset in stride(from: original.count / 3, to: original.count, by: original.count / 5) {
            var flipped = original
            flipped[offset] ^= 0x04
            variants.append(flipped)
        }
        variants.append(original)
        if format == .binary {
            // Replication 1's block header damaged and no trailer: salvage scans on for the
            // next intact block to say what was lost.
            let blocks = Set(binaryBoundaries(original)).sorted().filter {
                original.count > $0 + 4 && Array(original[$0..<($0 + 4)]) == Array("HWBK".utf8)
            }
            var scanned = Array(original.dropLast(BinaryLayout.trailerSize))
            scanned[blocks[1] + 8] ^= 0x01
            variants.append(scanned)
        }
        var salvaged = 0
        for bytes in variants {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(damage(path) == damage(bytes, path), "\(bytes.count) bytes")
            let fromFile = Result { () throws(LogError) in try EventLogReader.replay(path: path, salvage: true) }
            let fromMemory = Result { () throws(LogError) in
                try EventLogReader.replay(EventLogStream(bytes: bytes, name: path), salvage: true)
            }
            switch (fromFile, fromMemory) {
            case (.success(let a), .success(let b)):
                #expect(a.replications == b.replications && a.salvage == b.salvage, "\(bytes.count) bytes")
                if a.salvage != nil { salvaged += 1 }
            case (.failure(let a), .failure(let b)):
                #expect(a == b)
            default:
                Issue.record("\(bytes.count) bytes: from a file \(fromFile), from memory \(fromMemory)")
            }
        }
        #expect(salvaged >= 3)
    }

    @Test func everyByteFlipInABinaryLogIsFound() throws {
        let original = try EventLogFixtures.micro.bytes(.binary)
        // Every byte of the header, every byte of every block header, bytes through the payloads,
        // every byte of the trailer; several masks.
        var offsets = Set(binaryBoundaries(original).flatMap { b in (0..<32).map { b + $0 } })
        // Through the payloads every 71 bytes: about 2,100 flips in all, as many as on the
        // longer log this test once read every 331 bytes.
        for i in stride(from: 0, to: original.count, by: 71) { offsets.insert(i) }
        for i in 0..<(16 + 1200) { offsets.insert(i) }
        let masks: [UInt8] = [0x01, 0x80, 0xFF, 0x10, 0x5A]
        var tried = 0
        for (n, offset) in offsets.filter({ $0 < original.count }).sorted().enumerated() {
            var bytes = original
            bytes[offset] ^= masks[n % masks.count]
            tried += 1
            guard let error = damage(bytes, "flip.hwlog") else {
                Issue.record("a flip at byte \(offset) was not noticed")
                continue
            }
            let text = error.description
            #expect(
                text.hasPrefix("corrupt event log: ") || text.hasPrefix("truncated event log: "),
                "flip at \(offset): \(text)")
            #expect(text.contains("byte offset") || text.contains("bytes 0 to"), "flip at \(offset): \(text)")
        }
        #expect(tried > 2000)
    }

    @Test func aFlipInABinaryPayloadNamesTheBlockAndItsBytes() throws {
        let logs = EventLogFixtures.tiny
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: logs.binary)))
        let blockStarts = binaryBoundaries(original).filter {
            original.count > $0 + 4 && Array(original[$0..<($0 + 4)]) == Array("HWBK".utf8)
        }
        let third = Set(blockStarts).sorted()[2]
        let path = try EventLogFixtures.damaged(logs.binary, name: "flip.hwlog") { $0[third + 32 + 1000] ^= 0x04 }
        let error = try #require(damage(path))
        #expect(
            error.description.contains(
                "corrupt event log: \(path): block 3 at byte offset \(third): payload checksum mismatch"))
        #expect(error.description.contains("bytes \(third + 32) to"))
    }

    /// Text formats carry no checksum. A flipped byte is found when it breaks the syntax, a
    /// name, a field's range, the sequence numbers or the replication structure; but a flipped
    /// digit that gives another valid number (a time 57.61 read as 57.21, a patient 6908 as
    /// 6948, a capacity 40 as 44) or a header number (population 64000 as 64001) is a valid,
    /// different log, and no reader can tell. Text formats cannot detect every flip: use the
    /// binary format for integrity (its CRC-32C finds every one, as tested above).
    @Test(arguments: [EventLogFormat.jsonLines, .csv])
    func byteFlipsInTextLogsAreFoundWhenTheyBreakTheStructureAndOnlyThen(_ format: EventLogFormat) throws {
        let logs = EventLogFixtures.micro
        let original = try logs.bytes(format)
        let originalEvents = try EventLogFixtures.events(logs.path(format))
        let originalHeader = try EventLogStream(path: logs.path(format)).header
        var offsets = Set(stride(from: 0, to: original.count, by: max(1, original.count / 250)))
        for i in 0..<300 { offsets.insert(i) }
        var found = 0
        var silent: [String] = []
        for (n, offset) in offsets.sorted().enumerated() {
            var bytes = original
            bytes[offset] ^= [0x01, 0x02, 0x04, 0x20][n % 4]
            let name = "flip.\(format.fileExtension)"
            if let error = damage(bytes, name) {
                found += 1
                let text = error.description
                #expect(text.hasPrefix("corrupt event log: ") || text.hasPrefix("truncated event log: "), "\(text)")
                #expect(text.contains("line ") || text.contains("byte offset"), "\(text)")
            } else {
                // Not found: then the log is a valid log of different events or header, changed
                // only in a value, never in its structure.
                let stream = try EventLogStream(bytes: bytes, name: name)
                let header = stream.header
                let events = try EventLogFixtures.events(stream)
                let differs =
                    header != originalHeader || events.count != originalEvents.count
                    || !zip(events, originalEvents).allSatisfy { $0.same($1) }
                let flippedTo = UnicodeScalar(bytes[offset])
                #expect(
                    differs || "0123456789.eE-+".unicodeScalars.contains(flippedTo) || offset < 400,
                    "flip at \(offset) silently changed nothing?")
                silent.append("\(offset): '\(UnicodeScalar(original[offset]))' -> '\(flippedTo)'")
            }
        }
        // Most flips are found; the rest changed a digit or a letter into another valid value.
        #expect(found > 0)
        #expect(found + silent.count == offsets.count)
        #expect(
            Double(found) / Double(offsets.count) > 0.6,
            "found \(found) of \(offsets.count); silent: \(silent.prefix(20))")
    }

    // MARK: - Salvage

    /// Byte offset just after the `end` event of replication 0, found independently of the reader.
    func endOfReplicationZero(_ format: EventLogFormat) throws -> Int {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: EventLogFixtures.tiny.path(format))))
        switch format {
        case .binary:
            func u32(_ o: Int) -> Int { Int((0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[o + $1]) << (8 * $1) }) }
            var o = 16 + u32(12) + 4
            while u32(o + 4) == 0 { o += 32 + u32(o + 16) }
            return o
        case .jsonLines, .csv:
            let marker = Array((format == .csv ? ",end," : "\"kind\":\"end\"").utf8)
            var i = 0
            while !bytes[i..<(i + marker.count)].elementsEqual(marker) { i += 1 }
            while bytes[i] != 0x0A { i += 1 }
            return i + 1
        }
    }

    @Test(arguments: EventLogFormat.allCases)
    func salvageKeepsTheWholeReplicationsBeforeACut(_ format: EventLogFormat) throws {
        let logs = EventLogFixtures.tiny
        let info = try EventLogInfo(path: logs.path(format))
        let endOfZero = try endOfReplicationZero(format)
        // Cut in the middle of replication 1.
        let size = Int(info.bytes)
        let cut = endOfZero + (size - endOfZero) / 5
        let path = try EventLogFixtures.damaged(logs.path(format), name: "cut." + format.fileExtension) {
            $0.removeSubrange(cut...)
        }
        #expect(throws: LogError.self) { try EventLogReader.replay(path: path) }
        let replay = try EventLogReader.replay(path: path, salvage: true)
        #expect(replay.replications == [logs.run.replications[0]])
        let report = try #require(replay.salvage)
        #expect(report.replicationsKept == 1 && report.replicationsExpected == 3 && report.replicationsLost == 2)
        #expect(report.eventsKept == info.eventsPerReplication[0])
        #expect(report.bytesKept == Int64(endOfZero))
        #expect(report.bytesLost == Int64(cut - endOfZero))
        #expect(report.damage.description.hasPrefix("truncated event log"))
        #expect(!report.eventsLostExact)
        #expect(
            report.eventsLost > 0 && report.eventsLost <= info.eventsPerReplication[1] + info.eventsPerReplication[2])
        let text = report.description
        #expect(text.contains("kept replications 0 to 0 (1 of 3): \(grouped(info.eventsPerReplication[0])) events"))
        #expect(text.contains("lost replications 1 to 2 (2 of 3)"))
        #expect(text.contains("\(grouped(UInt64(cut - endOfZero))) bytes"))
        if format == .binary { #expect(text.contains("blocks")) }
    }

    @Test(arguments: EventLogFormat.allCases)
    func salvageKeepsTheWholeReplicationsBeforeCorruption(_ format: EventLogFormat) throws {
        let logs = EventLogFixtures.tiny
        let info = try EventLogInfo(path: logs.path(format))
        let endOfZero = try endOfReplicationZero(format)
        // Damage a byte in replication 2: an event kind's name in the text formats (so that it
        // is found), any payload byte in the binary one.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: logs.path(format))))
        let target = endOfZero + (bytes.count - endOfZero) * 3 / 4
        let marker = Array((format == .csv ? ",enter," : "\"enter\"").utf8)
        var at = target
        if format != .binary { while !bytes[at..<(at + marker.count)].elementsEqual(marker) { at += 1 } }
        let path = try EventLogFixtures.damaged(logs.path(format), name: "flip." + format.fileExtension) {
            $0[at + 2] ^= 0x01
        }
        let replay = try EventLogReader.replay(path: path, salvage: true)
        #expect(replay.replications == Array(logs.run.replications[0...1]))
        let report = try #require(replay.salvage)
        #expect(report.replicationsKept == 2)
        #expect(report.eventsKept == info.eventsPerReplication[0] + info.eventsPerReplication[1])
        #expect(report.damage.description.hasPrefix("corrupt event log"))
        #expect(report.bytesLost == info.bytes - report.bytesKept)
        switch format {
        case .binary:
            // The trailer is intact: what was lost is known exactly.
            #expect(report.eventsLostExact)
            #expect(report.eventsLost == info.eventsPerReplication[2])
            let blocks = (Int(info.eventsPerReplication[2]) + 8191) / 8192
            #expect(report.blocksLost == blocks)
            #expect(
                report.description.contains(
                    "lost replication 2 (1 of 3): \(grouped(info.eventsPerReplication[2])) events, \(blocks) blocks"))
        case .jsonLines, .csv:
            // One line an event: the estimate is exact here.
            #expect(report.eventsLost == info.eventsPerReplication[2])
            #expect(report.description.contains("about \(grouped(info.eventsPerReplication[2])) events"))
        }
    }

    @Test(arguments: EventLogFormat.allCases)
    func nothingToSalvageWhenTheFirstReplicationIsDamaged(_ format: EventLogFormat) throws {
        let logs = EventLogFixtures.tiny
        let endOfZero = try endOfReplicationZero(format)
        let path = try EventLogFixtures.damaged(logs.path(format), name: "cut." + format.fileExtension) {
            $0.removeSubrange((endOfZero - 100)...)
        }
        do {
            _ = try EventLogReader.replay(path: path, salvage: true)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("truncated"))
            #expect(error.description.contains("nothing can be salvaged"))
        }
    }

    @Test func salvageOfAWholeLogChangesNothing() throws {
        let logs = EventLogFixtures.tiny
        for format in EventLogFormat.allCases {
            let replay = try EventLogReader.replay(path: logs.path(format), salvage: true)
            #expect(replay.salvage == nil)
            #expect(replay.replications == logs.run.replications)
        }
    }

    @Test func convertWithSalvageWritesAWholeLogOfTheReplicationsKept() throws {
        let logs = EventLogFixtures.tiny
        let endOfZero = try endOfReplicationZero(.binary)
        let path = try EventLogFixtures.damaged(logs.binary, name: "cut.hwlog") {
            $0.removeSubrange((endOfZero + 5000)...)
        }
        let dir = Fixtures.temporaryDirectory()
        #expect(throws: LogError.self) { try EventLogConversion.convert(input: path, output: dir + "/out.jsonl") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        let result = try EventLogConversion.convert(input: path, output: dir + "/out.jsonl", salvage: true)
        #expect(result.replications == 1)
        #expect(result.salvage?.replicationsKept == 1)
        let replay = try EventLogReader.replay(path: dir + "/out.jsonl")
        #expect(replay.header.replications == 1)
        #expect(replay.replications == [logs.run.replications[0]])
    }
}
