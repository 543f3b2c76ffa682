import Foundation

/// One format's decoder: the header, then records in file order. The checks every format
/// shares (replication order, sequence numbers, `end`) are made by `EventLogStream`.
protocol EventRecordSource: AnyObject {
    var header: EventLogHeader { get }
    /// Bytes of the file before the first event.
    var headerBytes: Int64 { get }
    /// The next record, or nil at the end of the data.
    func next() throws(LogError) -> (replication: Int, event: Event)?
    /// Where the last record returned was, for messages ("line 12", "block 3 at byte offset
    /// 786456, event 17 of 8192").
    var location: String { get }
    /// The byte offset just after the last record returned.
    var offsetAfterRecord: Int64 { get }
    /// Blocks whose every record has been returned (binary logs; 0 for text).
    var blocksThroughRecord: Int { get }
    /// The byte offset where the last record asked for starts (returned or not).
    var recordStart: Int64 { get }
    /// Where the data ended ("at line 1234 (byte offset 56789)").
    var endLocation: String { get }
    /// Called at the end of the data: checks what must come last (the binary trailer).
    func finish() throws(LogError)
    var input: EventLogInput { get }
}

/// Reads a log of any format as a stream of `(replication, event)` in order, in constant
/// memory, checking as it goes that the log is whole: every checksum (binary), every field,
/// replications in order 0, 1, 2, ... each finished by its `end` at the end of the run,
/// sequence numbers 0, 1, 2, ... with no gap, times that never decrease and never pass the end
/// of the run, pathways and destinations that are the header's, a patient and cohort on every
/// event but `capacity` and `end`, as many replications as the header says, and nothing missing
/// at the end.
///
/// The format is detected from the file's first bytes, not its name.
public final class EventLogStream {
    public let path: String
    public let format: EventLogFormat
    public var header: EventLogHeader { source.header }
    let source: any EventRecordSource

    private var currentReplication = -1
    private var sawEnd = true
    private var expectedSequence: UInt64 = 0
    private var previousTime = 0.0
    private var ended = false
    /// The end of the run (warm-up included) and the numbers of pathways and services, from the
    /// header.
    private let horizon: Double
    private let pathwayCount: Int
    private let serviceCount: Int

    /// Replications read to their `end` so far.
    public private(set) var completeReplications = 0
    /// Events read so far.
    public private(set) var eventsRead: UInt64 = 0
    /// Events, bytes (from the start of the file) and blocks up to the end of the last
    /// complete replication: what salvage keeps.
    public private(set) var eventsInCompleteReplications: UInt64 = 0
    public private(set) var bytesThroughCompleteReplications: Int64
    public private(set) var blocksThroughCompleteReplications = 0
    /// Size of the file.
    public var fileBytes: Int64 { source.input.size }

    /// Opens the log at `path` and reads its header.
    public convenience init(path: String) throws(LogError) {
        try self.init(input: EventLogInput(path: path))
    }

    /// Reads a log held in memory, as the same bytes would read from a file at `name` (which
    /// messages name in place of a path).
    convenience init(bytes: [UInt8], name: String) throws(LogError) {
        try self.init(input: EventLogInput(bytes: bytes, name: name))
    }

    init(input: EventLogInput) throws(LogError) {
        let path = input.path
        self.path = path
        let n = try input.ensure(BinaryLayout.magic.count)
        let format = try EventLogFormat.detect(prefix: Array(input.available.prefix(n)), path: path)
        self.format = format
        switch format {
        case .binary: source = try BinaryEventSource(input: input)
        case .jsonLines: source = try JSONLinesEventSource(input: input)
        case .csv: source = try CSVEventSource(input: input)
        }
        bytesThroughCompleteReplications = source.headerBytes
        horizon = source.header.context.horizon
        pathwayCount = source.header.context.pathways.count
        serviceCount = source.header.context.services.count
    }

    /// The next event and its replication; nil once the whole log has been read and found
    /// complete.
    ///
    /// - Throws: `LogError.corrupt` or `.truncated` naming the place (line, or block and byte
    ///   offset) and the problem; `.io` when the file cannot be read.
    public func next() throws(LogError) -> (replication: Int, event: Event)? {
        if ended { return nil }
        guard let (rep, event) = try source.next() else {
            try source.finish()
            guard sawEnd, completeReplications == header.replications else {
                var message =
                    "\(path): the log ends after \(completeReplications) complete replications of \(header.replications), \(source.endLocation)"
                if !sawEnd { message += " (replication \(currentReplication) has no 'end' event)" }
                throw LogError.truncated(message)
            }
            ended = true
            return nil
        }
        func bad(_ m: String) -> LogError { LogError.corrupt("\(path): \(source.location): \(m)") }
        if rep == currentReplication && sawEnd {
            throw bad("event after the end of replication \(rep)")
        }
        if rep != currentReplication {
            guard sawEnd else {
                throw bad("replication \(rep) follows replication \(currentReplication) before its end")
            }
            guard rep == currentReplication + 1 else {
                throw bad(
                    "replication \(rep) follows replication \(currentReplication) (replications come in order 0, 1, 2, ...)"
                )
            }
            guard rep < header.replications else {
                throw bad("replication \(rep), but the header says the log holds \(header.replications)")
            }
            currentReplication = rep
            expectedSequence = 0
            previousTime = 0
            sawEnd = false
        }
        guard event.sequence == expectedSequence else {
            throw bad("sequence \(event.sequence), expected \(expectedSequence) (an event is missing or out of order)")
        }
        guard event.time >= previousTime else {
            throw bad(
                "time \(event.time) is before the previous event's \(previousTime) (times never decrease within a replication)"
            )
        }
        guard event.time <= horizon else {
            throw bad("time \(event.time) is after the end of the run (day \(horizon), warm-up included)")
        }
        if event.kind == .end && event.time != horizon {
            throw bad("the 'end' event is at time \(event.time), not at the end of the run (day \(horizon))")
        }
        if event.kind == .medicallyOptimised && (event.detail < -1 || Int(event.detail) >= pathwayCount) {
            throw bad("pathway \(event.detail) of 'medicallyOptimised' is not in the header (it has \(pathwayCount))")
        }
        if event.kind == .leave && (event.detail < Destination.died || Int(event.detail) >= serviceCount) {
            throw bad(
                "destination \(event.detail) of 'leave' is neither home (-1), died (-2) nor a service of the header (it has \(serviceCount))"
            )
        }
        // Capacity and end are the system's; every other event is a patient's, with a cohort.
        let system = event.kind == .capacity || event.kind == .end
        if system != (event.patient == Event.noPatient) {
            throw bad("event '\(event.kind.name)' \(system ? "has a patient" : "has no patient")")
        }
        if !system && event.cohort < 0 {
            throw bad("event '\(event.kind.name)' of patient \(event.patient) has no cohort")
        }
        previousTime = event.time
        expectedSequence += 1
        eventsRead += 1
        if event.kind == .end {
            sawEnd = true
            completeReplications += 1
            eventsInCompleteReplications = eventsRead
            bytesThroughCompleteReplications = source.offsetAfterRecord
            blocksThroughCompleteReplications = source.blocksThroughRecord
        }
        return (rep, event)
    }

    /// Where the last event returned was ("line 12", "block 3 at byte offset ..., event 17 of 8192").
    public var location: String { source.location }

    /// The container version of a binary log (1 or 2); nil for the text formats.
    public var containerVersion: Int? { (source as? BinaryEventSource).map { Int($0.version) } }

    /// The file id a binary log's blocks are bound to, in hex (version 2); nil otherwise.
    public var fileID: String? {
        guard let binary = source as? BinaryEventSource, binary.version >= 2 else { return nil }
        return binary.identity.hex
    }
}

/// What `--salvage` kept of a damaged log and what it lost.
public struct SalvageReport: Sendable, Equatable {
    public var format: EventLogFormat
    /// The damage that stopped the reading.
    public var damage: LogError
    public var replicationsKept: Int
    public var replicationsExpected: Int
    public var eventsKept: UInt64
    /// Bytes from the start of the file to the end of the last complete replication.
    public var bytesKept: Int64
    public var fileBytes: Int64
    /// Events lost: those read of the incomplete replication plus those in the damaged or
    /// missing part (exact when `eventsLostExact`, else a lower bound or an estimate).
    public var eventsLost: UInt64
    public var eventsLostExact: Bool
    /// Binary logs: blocks kept and lost (lost is a lower bound unless `eventsLostExact`).
    public var blocksKept: Int?
    public var blocksLost: Int?

    public var replicationsLost: Int { replicationsExpected - replicationsKept }
    public var bytesLost: Int64 { fileBytes - bytesKept }

    /// The warning printed by `replay --salvage` and `events convert --salvage`.
    public var description: String {
        let lostReps =
            replicationsLost == 1
            ? "replication \(replicationsKept)" : "replications \(replicationsKept) to \(replicationsExpected - 1)"
        var kept =
            "kept replications 0 to \(replicationsKept - 1) (\(replicationsKept) of \(replicationsExpected)): \(grouped(eventsKept)) events"
        if let blocksKept { kept += " in \(grouped(UInt64(blocksKept))) blocks" }
        kept += ", the first \(grouped(UInt64(bytesKept))) bytes of \(grouped(UInt64(fileBytes)))"
        var lost: String
        if replicationsLost <= 0 {
            // Every replication is whole: the damage lies after the last one.
            lost =
                "lost no replication (all \(replicationsExpected) are whole), only the \(grouped(UInt64(max(0, bytesLost)))) bytes after them"
            if eventsLost > 0 { lost += " (\(grouped(eventsLost)) more records that belong to no replication)" }
        } else {
            lost = "lost \(lostReps) (\(replicationsLost) of \(replicationsExpected)): "
            switch (format, eventsLostExact) {
            case (_, true): lost += "\(grouped(eventsLost)) events"
            case (.binary, false): lost += "at least \(grouped(eventsLost)) events"
            default: lost += "about \(grouped(eventsLost)) events"
            }
            if let blocksLost {
                lost += ", \(eventsLostExact ? "" : "at least ")\(grouped(UInt64(blocksLost))) blocks"
            }
            lost += ", \(grouped(UInt64(max(0, bytesLost)))) bytes"
        }
        if damage.isTruncation { lost += " and the missing end of the file" }
        return "warning: salvaged a damaged event log: \(kept); \(lost). The damage: \(damage.description)"
    }
}

package func grouped(_ n: UInt64) -> String {
    let digits = Array(String(n))
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return out
}

/// The result of replaying a log.
public struct EventLogReplay: Sendable {
    public var header: EventLogHeader
    public var format: EventLogFormat
    /// Metrics of each replication replayed, in order.
    public var replications: [ReplicationMetrics]
    /// Set when `salvage` was asked for and the log was damaged: what was kept and lost.
    public var salvage: SalvageReport?
}

/// Reads event logs of any format and replays them through the projections.
public enum EventLogReader {
    /// Replays every replication of the log at `path` (binary, JSON Lines or CSV, detected from
    /// its first bytes) and returns their metrics in order.
    ///
    /// - Throws: `LogError` naming the place and problem when the log is damaged.
    public static func replay(path: String) throws(LogError) -> (
        header: EventLogHeader, replications: [ReplicationMetrics]
    ) {
        let r = try replay(path: path, salvage: false)
        return (r.header, r.replications)
    }

    /// Replays the log at `path`. With `salvage`, a damaged log gives the replications that are
    /// whole before the damage (a replication's metrics need its `end` event) and a report of
    /// what was lost; without it the damage is thrown.
    ///
    /// - Throws: `LogError`; with `salvage` too when the header is damaged or no replication is
    ///   whole.
    public static func replay(path: String, salvage: Bool) throws(LogError) -> EventLogReplay {
        try replay(EventLogStream(path: path), salvage: salvage)
    }

    /// Replays the log `stream` reads (see `replay(path:salvage:)`).
    static func replay(_ stream: EventLogStream, salvage: Bool) throws(LogError) -> EventLogReplay {
        let context = stream.header.context
        var projection = Projection(context: context)
        var results: [ReplicationMetrics] = []
        let report = try read(stream, salvage: salvage) { _, event in
            projection.append(event)
            if event.kind == .end {
                results.append(projection.metrics())
                projection = Projection(context: context)
            }
        }
        return EventLogReplay(header: stream.header, format: stream.format, replications: results, salvage: report)
    }

    /// Calls `body` with every event of the log in order. Without `salvage` damage is thrown;
    /// with it, reading stops at the damage and the report says what was lost (events of a
    /// replication cut short have by then been given to `body`: callers keep only whole
    /// replications, those before `report.replicationsKept`).
    static func read(
        _ stream: EventLogStream, salvage: Bool, _ body: (Int, Event) throws(LogError) -> Void
    ) throws(LogError) -> SalvageReport? {
        do {
            while let (rep, event) = try stream.next() { try body(rep, event) }
            return nil
        } catch {
            guard salvage, error.isDamage else { throw error }
            return try salvageReport(stream, damage: error)
        }
    }

    static func salvageReport(_ stream: EventLogStream, damage: LogError) throws(LogError) -> SalvageReport {
        let kept = stream.completeReplications
        guard kept > 0 else {
            throw damage.appending("; nothing can be salvaged: no replication is complete before the damage")
        }
        var report = SalvageReport(
            format: stream.format, damage: damage, replicationsKept: kept,
            replicationsExpected: stream.header.replications,
            eventsKept: stream.eventsInCompleteReplications, bytesKept: stream.bytesThroughCompleteReplications,
            fileBytes: stream.fileBytes, eventsLost: 0, eventsLostExact: false)
        let readButLost = stream.eventsRead - stream.eventsInCompleteReplications
        switch stream.format {
        case .binary:
            let survey =
                (stream.source as? BinaryEventSource)?.survey(from: stream.bytesThroughCompleteReplications)
                ?? (trailer: nil, events: 0, blocks: 0)
            report.blocksKept = stream.blocksThroughCompleteReplications
            if let trailer = survey.trailer, trailer.events >= report.eventsKept,
                trailer.blocks >= UInt64(report.blocksKept!)
            {
                report.eventsLost = trailer.events - report.eventsKept
                report.blocksLost = Int(trailer.blocks) - report.blocksKept!
                report.eventsLostExact = true
            } else {
                report.eventsLost = max(survey.events, readButLost)
                report.blocksLost = survey.blocks
            }
        case .jsonLines, .csv:
            // Events read of the replication cut short, and one per line from the damaged one on.
            let remaining =
                (try? stream.source.input.reopened(at: stream.source.recordStart).countRemainingLines()) ?? 0
            report.eventsLost = readButLost + UInt64(remaining)
        }
        return report
    }
}

extension LogError {
    /// Corrupt or truncated (not an I/O failure).
    var isDamage: Bool {
        switch self {
        case .corrupt, .truncated: true
        case .io: false
        }
    }

    var isTruncation: Bool {
        if case .truncated = self { return true }
        return false
    }

    func appending(_ text: String) -> LogError {
        switch self {
        case .corrupt(let m): .corrupt(m + text)
        case .truncated(let m): .truncated(m + text)
        case .io(let m): .io(m + text)
        }
    }
}
