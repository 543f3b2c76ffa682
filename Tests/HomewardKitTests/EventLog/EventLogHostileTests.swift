import Foundation
import Testing

@testable import HomewardKit

/// Logs made on purpose to mislead: crafted headers, blocks spliced from another log or moved
/// within one, edited times. Each is refused as corrupt, naming the field or the place, and
/// `events info` refuses what `replay` refuses, with the same message.
@Suite struct EventLogHostileTests {
    func damage(_ path: String) -> LogError? { EventLogFixtures.damage(path) }

    /// `info` and `replay` both refuse the log at `path`, with the same corrupt-log message.
    func bothRefuse(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        var infoError: LogError?
        var replayError: LogError?
        do { _ = try EventLogInfo(path: path) } catch { infoError = error }
        do { _ = try EventLogReader.replay(path: path) } catch { replayError = error }
        #expect(infoError != nil, "events info accepted \(path)", sourceLocation: sourceLocation)
        #expect(
            infoError == replayError,
            "info: \(String(describing: infoError)), replay: \(String(describing: replayError))",
            sourceLocation: sourceLocation)
        guard case .corrupt(let message) = replayError else {
            Issue.record(
                "expected a corrupt log, got \(String(describing: replayError))", sourceLocation: sourceLocation)
            return nil
        }
        return message
    }

    // MARK: - Crafted headers

    /// The tiny logs' header text with `from` replaced by `to`, in each format (the binary
    /// header's length and checksum rewritten, so that only the values are wrong).
    func withHeader(_ format: EventLogFormat, replacing from: String, with to: String) throws -> String {
        let path = EventLogFixtures.tiny.path(format)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        switch format {
        case .binary:
            func u32(_ o: Int) -> Int { Int((0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[o + $1]) << (8 * $1) }) }
            let n = u32(12)
            let text = String(decoding: bytes[16..<(16 + n)], as: UTF8.self)
            #expect(text.contains(from))
            let edited = Array(text.replacingOccurrences(of: from, with: to).utf8)
            var head = Array(bytes[0..<12])
            withUnsafeBytes(of: UInt32(edited.count).littleEndian) { head += $0 }
            head += edited
            withUnsafeBytes(of: CRC32C.checksum(head).littleEndian) { head += $0 }
            bytes.replaceSubrange(0..<(16 + n + 4), with: head)
        case .jsonLines, .csv:
            let end = bytes.firstIndex(of: 0x0A)!
            let line = String(decoding: bytes[0..<end], as: UTF8.self)
            #expect(line.contains(from))
            bytes.replaceSubrange(0..<end, with: Array(line.replacingOccurrences(of: from, with: to).utf8))
        }
        let out = Fixtures.temporaryDirectory() + "/crafted." + format.fileExtension
        try Data(bytes).write(to: URL(fileURLWithPath: out))
        return out
    }

    struct CraftedHeader: Sendable, CustomStringConvertible {
        var from: String
        var to: String
        /// What the message must say.
        var says: String
        var description: String { "\(to)" }
    }

    static let craftedHeaders: [CraftedHeader] = [
        CraftedHeader(from: #""days":20"#, to: #""days":1e8"#, says: "'days' must be a whole number from 1 to 36525"),
        CraftedHeader(from: #""days":20"#, to: #""days":36526"#, says: "'days' must be a whole number from 1 to 36525"),
        CraftedHeader(from: #""days":20"#, to: #""days":-20"#, says: "'days' must be a whole number from 1 to 36525"),
        CraftedHeader(from: #""days":20"#, to: #""days":NaN"#, says: "'days' must be a whole number"),
        CraftedHeader(from: #""days":20"#, to: #""days":20.5"#, says: "'days' must be a whole number"),
        CraftedHeader(
            from: #""warmupDays":5,"days":20"#, to: #""warmupDays":36520,"days":20"#,
            says: "'warmupDays' plus 'days' must be at most 36525"),
        CraftedHeader(
            from: #""warmupDays":5"#, to: #""warmupDays":1e300"#, says: "'warmupDays' must be a whole number"),
        CraftedHeader(
            from: #""replications":3"#, to: #""replications":1e12"#,
            says: "'replications' must be a whole number from 1 to 100000"),
        CraftedHeader(
            from: #""replications":3"#, to: #""replications":100001"#,
            says: "'replications' must be a whole number from 1 to 100000"),
        CraftedHeader(from: #""acute":0"#, to: #""acute":1e300"#, says: "'acute' must be a whole number from 0 to 5"),
        CraftedHeader(from: #""acute":0"#, to: #""acute":6"#, says: "'acute' must be a whole number from 0 to 5"),
        CraftedHeader(
            from: #""minimumAge":18"#, to: #""minimumAge":1e300"#, says: "'minimumAge' must be a whole number"),
        CraftedHeader(
            from: #""population":64000"#, to: #""population":-1"#, says: "'population' must be a finite number >= 0"),
        CraftedHeader(
            from: #""costPerDay":400"#, to: #""costPerDay":Infinity"#, says: "'costPerDay' must be a finite number >= 0"
        ),
        CraftedHeader(
            from: #""costPerDay":400,"costPerEpisode":0}"#,
            to: #""costPerDay":400,"costPerEpisode":0,"costs":{"perDelayedDay":-1}}"#,
            says: "'perDelayedDay' must be a finite number >= 0"),
        CraftedHeader(
            from: #""costPerDay":400,"costPerEpisode":0}"#,
            to: #""costPerDay":400,"costPerEpisode":0,"costs":{"payers":{"diversions":"me"}}}"#,
            says: "'payers.diversions' must be one of nhs, council, bcf"),
        CraftedHeader(
            from: #""costPerDay":400,"costPerEpisode":0}"#,
            to: #""costPerDay":400,"costPerEpisode":0,"costs":{"daysOutOfArea":1e9}}"#,
            says: "'daysOutOfArea' must be a number of days from 0 to 3652.5"),
        CraftedHeader(
            from: #""costPerDay":400,"costPerEpisode":0}"#, to: #""costPerDay":400,"costPerEpisode":0,"costs":[]}"#,
            says: "'costs' must be an object"),
        CraftedHeader(
            from: #""name":"older""#, to: #""name":"adults""#, says: "'cohorts': the name \"adults\" is repeated"),
        CraftedHeader(from: #""pathways":["1","#, to: #""pathways":[1,"#, says: "'pathways': 1 is not a name"),
    ]

    @Test(arguments: craftedHeaders)
    func aCraftedHeaderIsRefusedByInfoAndReplayAlikeNamingTheField(_ crafted: CraftedHeader) throws {
        for format in EventLogFormat.allCases {
            let path = try withHeader(format, replacing: crafted.from, with: crafted.to)
            let message = try #require(bothRefuse(path), "\(format)")
            #expect(message.contains(crafted.says), "\(format): \(message)")
            #expect(message.hasPrefix(path + ": "), "\(message)")
        }
    }

    // MARK: - Binary blocks bound to their file

    /// Start, replication and byte length of every block of a binary log (either version).
    func blocks(_ bytes: [UInt8]) -> [(start: Int, replication: Int, size: Int)] {
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { Int((0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[o + $1]) << (8 * $1) }) }
        let version = u16(8)
        let (headerSize, lengthAt) = version == 1 ? (24, 12) : (32, 16)
        var o = 16 + u32(12) + 4
        var found: [(Int, Int, Int)] = []
        while o + 4 <= bytes.count, Array(bytes[o..<(o + 4)]) == Array("HWBK".utf8) {
            let size = headerSize + u32(o + lengthAt)
            found.append((o, u32(o + 4), size))
            o += size
        }
        return found
    }

    /// Another log of the same scenario: three replications with seed 6.
    static let otherSmall: String = {
        let loaded = try! ScenarioLoader.load(text: Fixtures.small, file: "small.json5")
        let path = Fixtures.temporaryDirectory() + "/seed6.hwlog"
        _ = try! Runner.run(loaded, options: RunOptions(replications: 3, seed: 6, threads: 2, eventsPath: path))
        return path
    }()

    @Test func aBlockSplicedFromAnotherLogOfTheSameScenarioIsCorrupt() throws {
        let mine = [UInt8](try Data(contentsOf: URL(fileURLWithPath: EventLogFixtures.small.binary)))
        let theirs = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.otherSmall)))
        // The first block of replication 1 in each: full blocks of 8,192 events, the same size,
        // sequence numbers 0 to 8191 in both.
        let a = try #require(blocks(mine).first { $0.replication == 1 })
        let b = try #require(blocks(theirs).first { $0.replication == 1 })
        #expect(a.size == b.size)
        let number = try #require(blocks(mine).firstIndex { $0.start == a.start }) + 1
        let path = try EventLogFixtures.damaged(EventLogFixtures.small.binary, name: "spliced.hwlog") {
            $0.replaceSubrange(a.start..<(a.start + a.size), with: theirs[b.start..<(b.start + b.size)])
        }
        let message = try #require(bothRefuse(path))
        #expect(
            message.contains("block \(number) at byte offset \(a.start): block header checksum mismatch"), "\(message)")
        #expect(message.contains("comes from another log"), "\(message)")
    }

    @Test func aBlockMovedWithinItsLogIsCorruptWithItsPlace() throws {
        let mine = [UInt8](try Data(contentsOf: URL(fileURLWithPath: EventLogFixtures.small.binary)))
        let all = blocks(mine)
        // Swap the first blocks of replications 0 and 1 (both full, the same size).
        let a = all[0]
        let b = try #require(all.first { $0.replication == 1 })
        #expect(a.size == b.size)
        let path = try EventLogFixtures.damaged(EventLogFixtures.small.binary, name: "moved.hwlog") {
            let first = Array($0[a.start..<(a.start + a.size)])
            $0.replaceSubrange(a.start..<(a.start + a.size), with: $0[b.start..<(b.start + b.size)])
            $0.replaceSubrange(b.start..<(b.start + b.size), with: first)
        }
        let message = try #require(bothRefuse(path))
        #expect(
            message.contains(
                "block 1 at byte offset \(a.start): this is block 0 of replication 1, expected block 0 of replication 0"
            ),
            "\(message)")
    }

    // MARK: - Text logs: times in order, within the run

    /// Lines of a text log and the time field of each event line (nil for the header lines).
    func lines(_ format: EventLogFormat) throws -> (lines: [String], times: [Double?]) {
        let text = try String(contentsOfFile: EventLogFixtures.tiny.path(format), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let times = lines.map { line -> Double? in timeField(format, line).flatMap { Double(line[$0]) } }
        return (lines, times)
    }

    /// Where the time is in an event line.
    func timeField(_ format: EventLogFormat, _ line: String) -> Range<String.Index>? {
        switch format {
        case .csv:
            guard !line.hasPrefix("#"), !line.hasPrefix("rep,"), !line.isEmpty else { return nil }
            let commas = line.indices.filter { line[$0] == "," }
            guard commas.count >= 3 else { return nil }
            return line.index(after: commas[1])..<commas[2]
        case .jsonLines:
            guard let t = line.range(of: #","t":"#), let end = line[t.upperBound...].firstIndex(of: ",") else {
                return nil
            }
            return t.upperBound..<end
        case .binary:
            return nil
        }
    }

    /// A copy of the tiny log of `format` with line `index` (from 0) changed by `edit`.
    func editing(_ format: EventLogFormat, line index: Int, _ edit: (inout String) -> Void) throws -> String {
        var (lines, _) = try lines(format)
        edit(&lines[index])
        let out = Fixtures.temporaryDirectory() + "/edited." + format.fileExtension
        try lines.joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8)
        return out
    }

    @Test(arguments: [EventLogFormat.csv, .jsonLines])
    func oneDigitOfATimeMadeSmallerIsReportedWithItsLine(_ format: EventLogFormat) throws {
        let (lines, times) = try lines(format)
        // An event after day 20 whose time starts with "2", following one after day 20: its
        // first digit made "1" puts it before the event above it.
        let i = try #require(
            times.indices.first { i in
                i > 100 && (times[i - 1] ?? 0) >= 20 && (times[i] ?? 0) >= 20
                    && lines[i][timeField(format, lines[i])!].hasPrefix("2")
            })
        let path = try editing(format, line: i) { line in
            let field = timeField(format, line)!
            line.replaceSubrange(field.lowerBound..<line.index(after: field.lowerBound), with: "1")
        }
        let message = try #require(bothRefuse(path))
        #expect(message.contains("\(path): line \(i + 1): time 1"), "\(message)")
        #expect(message.contains("is before the previous event's \(times[i - 1]!)"), "\(message)")
    }

    @Test(arguments: [EventLogFormat.csv, .jsonLines])
    func aTimeAfterTheEndOfTheRunIsReportedWithItsLine(_ format: EventLogFormat) throws {
        let (lines, times) = try lines(format)
        // The last event before the end of replication 0, moved 70 days later (one digit added).
        let end = try #require(lines.firstIndex { $0.contains(format == .csv ? ",end," : #""kind":"end""#) })
        let i = end - 1
        #expect(times[i]! < 25)
        let path = try editing(format, line: i) { line in
            line.insert("9", at: timeField(format, line)!.lowerBound)
        }
        let message = try #require(bothRefuse(path))
        #expect(message.contains("\(path): line \(i + 1): time 9"), "\(message)")
        #expect(message.contains("is after the end of the run (day 25.0, warm-up included)"), "\(message)")
    }

    @Test(arguments: [EventLogFormat.csv, .jsonLines])
    func anEndBeforeTheEndOfTheRunIsReportedWithItsLine(_ format: EventLogFormat) throws {
        let (lines, times) = try lines(format)
        let end = try #require(lines.firstIndex { $0.contains(format == .csv ? ",end," : #""kind":"end""#) })
        let previous = try #require(times[end - 1])
        let path = try editing(format, line: end) { line in
            line.replaceSubrange(timeField(format, line)!, with: previous.description)
        }
        let message = try #require(bothRefuse(path))
        #expect(
            message.contains(
                "line \(end + 1): the 'end' event is at time \(previous), not at the end of the run (day 25.0)"),
            "\(message)")
    }

    @Test func aPathwayOutsideTheHeaderIsCorruptNotACrash() throws {
        let (lines, _) = try lines(.csv)
        let i = try #require(lines.firstIndex { $0.contains(",medicallyOptimised,") })
        let path = try editing(.csv, line: i) { line in
            line = String(line[..<line.lastIndex(of: ",")!]) + ",4"
        }
        let message = try #require(bothRefuse(path))
        #expect(
            message.contains("line \(i + 1): pathway 4 of 'medicallyOptimised' is not in the header (it has 4)"),
            "\(message)")
    }

    /// Fields of a CSV event row (names in the tiny log need no quotes).
    func replacingField(_ line: inout String, _ index: Int, with value: String) {
        var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[index] = value
        line = fields.joined(separator: ",")
    }

    @Test func aLeaveToAServiceOutsideTheHeaderIsCorruptForEveryReader() throws {
        let (lines, _) = try lines(.csv)
        let i = try #require(lines.firstIndex { $0.contains(",leave,") })
        let path = try editing(.csv, line: i) { replacingField(&$0, 7, with: "99") }
        let message = try #require(bothRefuse(path))
        #expect(
            message.contains(
                "line \(i + 1): destination 99 of 'leave' is neither home (-1), died (-2) nor a service of the header (it has 6)"
            ), "\(message)")
        // The activity export, which names the destination, refuses it too (it indexed the services).
        #expect(throws: LogError.corrupt(message)) { try ActivityExport.csv(path: path, replication: 0) }
    }

    @Test func aPatientEventWithoutACohortIsCorruptForEveryReader() throws {
        let (lines, _) = try lines(.csv)
        let i = try #require(lines.firstIndex { $0.contains(",enter,") && !$0.contains(",enter,,") })
        let path = try editing(.csv, line: i) { replacingField(&$0, 5, with: "") }
        let message = try #require(bothRefuse(path))
        #expect(message.contains("line \(i + 1): event 'enter' of patient "), "\(message)")
        #expect(message.hasSuffix(" has no cohort"), "\(message)")
        #expect(throws: LogError.corrupt(message)) { try ActivityExport.csv(path: path, replication: 0) }
    }

    @Test func aCapacityWithAPatientIsCorrupt() throws {
        let (lines, _) = try lines(.csv)
        let i = try #require(lines.firstIndex { $0.contains(",capacity,") })
        let path = try editing(.csv, line: i) { replacingField(&$0, 4, with: "12") }
        let message = try #require(bothRefuse(path))
        #expect(message.contains("line \(i + 1): event 'capacity' has a patient"), "\(message)")
    }

    // MARK: - Over-long lines

    @Test(arguments: [EventLogFormat.csv, .jsonLines])
    func anOverLongEventLineIsReportedWithItsNumber(_ format: EventLogFormat) throws {
        let (lines, _) = try lines(format)
        // Line 5 grows by 3 MB (no line end in them): the reader stops long before their end.
        let path = try editing(format, line: 4) { line in line += String(repeating: "x", count: 3 << 20) }
        #expect(lines.count > 10)
        let message = try #require(bothRefuse(path))
        #expect(message.contains("\(path): line 5 is longer than"), "\(message)")
        #expect(message.contains("(the limit for an event"), "\(message)")
    }

    // MARK: - Salvage when nothing was lost

    @Test func salvageOfALogDamagedAfterItsLastReplicationSaysNothingWasLost() throws {
        let logs = EventLogFixtures.tiny
        // The binary trailer cut short; a stray row after the last replication of a CSV log.
        let cut = try EventLogFixtures.damaged(logs.binary, name: "no-trailer.hwlog") { $0.removeLast(10) }
        let extra = try EventLogFixtures.damaged(logs.csv, name: "extra.csv") { $0 += Array("x\n".utf8) }
        for path in [cut, extra] {
            let replay = try EventLogReader.replay(path: path, salvage: true)
            #expect(replay.replications == logs.run.replications)
            let report = try #require(replay.salvage)
            #expect(report.replicationsKept == 3 && report.replicationsLost == 0)
            let text = report.description
            #expect(text.contains("kept replications 0 to 2 (3 of 3)"), "\(text)")
            #expect(text.contains("lost no replication (all 3 are whole), only the "), "\(text)")
            #expect(!text.contains("lost replications 3 to 2"), "\(text)")
            #expect(!text.contains("(0 of 3)"), "\(text)")
        }
    }
}
