import Foundation

/// Converts logs between the three formats, losslessly: the header and every event (times to
/// the bit) are the same in the output as in the input.
public enum EventLogConversion {
    public struct Result: Sendable {
        public var from: EventLogFormat
        public var to: EventLogFormat
        public var replications: Int
        public var events: UInt64
        public var bytesRead: Int64
        public var bytesWritten: Int64
        /// Set when `salvage` was asked for and the input was damaged.
        public var salvage: SalvageReport?
    }

    /// Converts the log at `input` into `output`, in `format` (by default the one `output`'s
    /// extension implies). The input is read as a stream and checked throughout; the output is
    /// written to an exclusive temporary beside it (see `SafeFile`) and renamed only when the whole input has been read, so a
    /// damaged input leaves nothing behind.
    ///
    /// With `salvage`, a damaged input gives an output holding the replications that are
    /// whole before the damage (its header says so), and the report of what was lost.
    public static func convert(input: String, output: String, format: EventLogFormat? = nil, salvage: Bool = false)
        throws(LogError) -> Result
    {
        let format = format ?? EventLogFormat.forPath(output)
        if let a = realpath(input, nil) {
            defer { free(a) }
            if let b = realpath(output, nil) {
                defer { free(b) }
                if strcmp(a, b) == 0 { throw LogError.io("\(output): the output must not be the input") }
            }
        }
        var keep: Int?
        var report: SalvageReport?
        if salvage {
            // First pass: where is the damage, if any?
            let probe = try EventLogStream(path: input)
            report = try EventLogReader.read(probe, salvage: true) { _, _ in }
            keep = report?.replicationsKept
        }
        let stream = try EventLogStream(path: input)
        var header = stream.header
        if let keep { header.replications = keep }
        let writer = try EventLogFileWriter(path: output, header: header, format: format)
        do {
            // With salvage, stop at the end of the last whole replication, before the damage.
            while keep.map({ stream.completeReplications < $0 }) ?? true, let (rep, event) = try stream.next() {
                writer.append(replication: rep, event)
            }
            try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
        return Result(
            from: stream.format, to: format, replications: header.replications, events: writer.eventsWritten,
            bytesRead: report?.bytesKept ?? stream.fileBytes, bytesWritten: writer.bytesWritten, salvage: report)
    }
}

/// A log's vital statistics, from reading it whole (every checksum and sequence checked).
public struct EventLogInfo: Sendable {
    public var format: EventLogFormat
    public var header: EventLogHeader
    public var events: UInt64
    public var eventsPerReplication: [UInt64]
    public var patientsPerReplication: [Int]
    public var bytes: Int64
    /// A binary log's container version (1 or 2); nil for the text formats.
    public var containerVersion: Int?
    /// The file id, in hex, a version 2 binary log's blocks are bound to; nil otherwise.
    public var fileID: String?

    /// Reads the whole log at `path`.
    ///
    /// - Throws: `LogError` at the first damage.
    public init(path: String) throws(LogError) {
        try self.init(EventLogStream(path: path))
    }

    /// Reads the whole log `stream` reads.
    init(_ stream: EventLogStream) throws(LogError) {
        var perReplication: [UInt64] = []
        var patients: [Int] = []
        var highest: Int64 = -1
        while let (rep, event) = try stream.next() {
            if rep == perReplication.count {
                perReplication.append(0)
                patients.append(0)
                highest = -1
            }
            perReplication[rep] += 1
            if event.patient != Event.noPatient && Int64(event.patient) > highest {
                highest = Int64(event.patient)
                patients[rep] = Int(highest + 1)
            }
        }
        format = stream.format
        header = stream.header
        events = stream.eventsRead
        eventsPerReplication = perReplication
        patientsPerReplication = patients
        bytes = stream.fileBytes
        containerVersion = stream.containerVersion
        fileID = stream.fileID
    }

    /// The text `homeward events info` prints.
    public var description: String {
        var lines: [String] = []
        lines.append("format        \(format.label)" + (containerVersion.map { ", container version \($0)" } ?? ""))
        if let fileID { lines.append("file id       \(fileID) (every block is bound to it)") }
        lines.append("events schema \(EventLogHeader.format) version \(EventLogHeader.formatVersion)")
        lines.append("written by    homeward \(header.homewardVersion)")
        lines.append("scenario hash \(header.scenarioHash)")
        lines.append("seed          \(header.seed)")
        lines.append("replications  \(header.replications)")
        let c = header.context
        lines.append(
            "calendar      origin \(c.origin), warm-up \(c.warmupDays) days, measured \(c.days) days from \(c.start)")
        lines.append("services      \(c.services.map(\.name).joined(separator: ", "))")
        lines.append("cohorts       \(c.cohorts.map(\.name).joined(separator: ", "))")
        lines.append(
            "events        \(grouped(events)) (\(grouped(UInt64(bytes))) bytes, \(String(format: "%.1f", events == 0 ? 0 : Double(bytes) / Double(events))) bytes per event)"
        )
        for (r, n) in eventsPerReplication.enumerated() {
            lines.append(
                "  replication \(r): \(grouped(n)) events, patients 0 to \(max(0, patientsPerReplication[r] - 1))")
        }
        lines.append(
            "intact        yes: every " + (format == .binary ? "checksum, " : "")
                + (fileID != nil ? "block's place, " : "")
                + "field, sequence number, time order and replication end checked")
        return lines.joined(separator: "\n") + "\n"
    }
}
