import Foundation

/// The three forms of an event log. They hold exactly the same information (the header and
/// every event, bit for bit), and `homeward events convert` turns any one into any other.
public enum EventLogFormat: String, Sendable, CaseIterable {
    /// `.hwlog`: checksummed blocks of 32-byte records; the default, and the one to use for
    /// large logs and for integrity.
    case binary
    /// `.jsonl`: one JSON object per line (the original format).
    case jsonLines
    /// `.csv`: a `# ` header comment, a column row, then one event per row.
    case csv

    /// The usual file extension (without the dot).
    public var fileExtension: String {
        switch self {
        case .binary: "hwlog"
        case .jsonLines: "jsonl"
        case .csv: "csv"
        }
    }

    /// The name used in messages and by `--to`.
    public var label: String {
        switch self {
        case .binary: "binary (.hwlog)"
        case .jsonLines: "JSON Lines (.jsonl)"
        case .csv: "CSV (.csv)"
        }
    }

    /// The format for a file name being written: `.jsonl` is JSON Lines, `.csv` is CSV, any
    /// other name is binary.
    public static func forPath(_ path: String) -> EventLogFormat {
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonl") { return .jsonLines }
        if lower.hasSuffix(".csv") { return .csv }
        return .binary
    }

    /// Parses `hwlog`/`binary`, `jsonl`/`jsonlines`, `csv`.
    public init?(name: String) {
        switch name.lowercased() {
        case "hwlog", "binary", ".hwlog": self = .binary
        case "jsonl", "jsonlines", "json-lines", ".jsonl": self = .jsonLines
        case "csv", ".csv": self = .csv
        default: return nil
        }
    }

    /// The format of a log, from its first bytes (never from its name).
    ///
    /// - Throws: `LogError.io` when the file cannot be read, `.truncated` when it is empty,
    ///   `.corrupt` when it starts like none of the formats.
    public static func detect(path: String) throws(LogError) -> EventLogFormat {
        let input = try EventLogInput(path: path, bufferSize: 64 << 10)
        let n = try input.ensure(BinaryLayout.magic.count)
        return try detect(prefix: Array(input.available.prefix(n)), path: path)
    }

    static func detect(prefix: [UInt8], path: String) throws(LogError) -> EventLogFormat {
        if prefix.isEmpty { throw LogError.truncated("\(path): the log is empty (no header)") }
        if prefix.starts(with: BinaryLayout.magic) { return .binary }
        if prefix[0] == BinaryLayout.magic[0] && BinaryLayout.magic.starts(with: prefix) {
            throw LogError.truncated(
                "\(path): the file ends inside the binary log's magic number (byte offset \(prefix.count))")
        }
        if prefix[0] == UInt8(ascii: "{") { return .jsonLines }
        if prefix[0] == UInt8(ascii: "#") { return .csv }
        let shown = prefix.prefix(8).map { String($0, radix: 16).leftPadded(to: 2, with: "0") }.joined(separator: " ")
        throw LogError.corrupt(
            "\(path): byte offset 0: not a Homeward event log (it starts with bytes \(shown); a binary log starts with 89 48 57 4c 4f 47 0d 0a, a JSON Lines log with '{', a CSV log with '#')"
        )
    }

    /// The bytes before the first event: the binary file header, the JSON Lines header line,
    /// or the CSV header comment and column row.
    public func prologue(_ header: EventLogHeader) -> [UInt8] {
        switch self {
        case .binary: BinaryLayout.fileHeader(header)
        case .jsonLines: Array((header.json.jsonText() + "\n").utf8)
        case .csv: CSVEventLogWriter.prologue(header)
        }
    }

    /// The bytes after the last event: the binary trailer; nothing for the text formats.
    public func epilogue(replications: Int, events: UInt64, blocks: UInt64) -> [UInt8] {
        switch self {
        case .binary: BinaryLayout.trailer(replications: replications, events: events, blocks: blocks)
        case .jsonLines, .csv: []
        }
    }

    /// A writer of this format appending to `output`, for the log whose header is `header`.
    public func writer(output: EventLogOutput, header: EventLogHeader, replication: Int) -> any EventLogWriter {
        switch self {
        case .binary: BinaryEventLogWriter(output: output, header: header, replication: replication)
        case .jsonLines: JSONLinesWriter(output: output, header: header, replication: replication)
        case .csv: CSVEventLogWriter(output: output, header: header, replication: replication)
        }
    }
}

/// Writes events in one format, buffered: the body of a log, without its prologue and epilogue
/// (see `EventLogFormat`), so that replications can be written in parallel into parts and
/// joined. Generic use (`W: EventLogWriter`) keeps the per-event path free of dynamic dispatch.
public protocol EventLogWriter: EventSink {
    static var format: EventLogFormat { get }
    /// A writer appending events of `replication` to `output`, for the log whose header is
    /// `header` (names come from its context; a binary log's blocks are bound to it).
    init(output: EventLogOutput, header: EventLogHeader, replication: Int)
    var output: EventLogOutput { get }
    /// Later events belong to `replication` (ends the current block of a binary log).
    mutating func begin(replication: Int)
    /// Writes out everything buffered (ends the current block of a binary log).
    mutating func flush()
    /// Events appended so far.
    var eventsWritten: UInt64 { get }
    /// Blocks written so far (binary logs; 0 for the text formats).
    var blocksWritten: UInt64 { get }
}

extension EventLogWriter {
    /// A writer of one replication's events into a new file at `path` (no header).
    public init(path: String, header: EventLogHeader, replication: Int) throws(LogError) {
        self.init(output: try EventLogOutput(creating: path), header: header, replication: replication)
    }

    /// Flushes and closes the file; throws the first write failure, if any.
    public mutating func close() throws(LogError) {
        flush()
        try output.close()
    }
}

/// Where a log is written while it is being written: an exclusive temporary beside the target
/// (renamed over it at the end), or the target itself when it is a character device or a named
/// pipe (streamed in place; the node is never replaced). See `SafeFile`.
struct EventLogDestination {
    let path: String
    /// The temporary file, or nil when the target is written in place.
    let temporary: String?
    let output: EventLogOutput

    /// Opens the destination of a log at `path`.
    ///
    /// - Throws: `LogError.io` when `path` is a symbolic link, a folder, a socket or a block
    ///   device, or cannot be written. (Commands refuse the first kinds earlier, with exit 2.)
    init(path: String) throws(LogError) {
        self.path = path
        do throws(OutputError) {
            try OutputTarget.check(path)
            if OutputTarget.of(path).writtenInPlace {
                temporary = nil
                output = EventLogOutput(descriptor: try SafeFile.openInPlace(path), path: path)
            } else {
                try OutputSession.current?.hold(path, isFolder: false)
                let (fd, temporary) = try SafeFile.createTemporary(for: path)
                self.temporary = temporary
                output = EventLogOutput(descriptor: fd, path: temporary)
            }
        } catch {
            throw LogError.io(error.message)
        }
    }

    /// Closes the output and, for a temporary, `fsync`s it and renames it over the target.
    func commit() throws(LogError) {
        if temporary != nil, output.failure == nil, fsync(output.fd) != 0, errno != EINVAL {
            let reason = SafeFile.reason(errno)
            try? output.close()
            throw LogError.io("cannot write event log '\(path)': \(reason)")
        }
        try output.close()
        guard let temporary else {
            OutputRegistry.shared.finished(path)
            return
        }
        do throws(OutputError) {
            try SafeFile.rename(temporary, over: path)
        } catch {
            throw LogError.io(error.message)
        }
        OutputRegistry.shared.finished(path)
    }

    /// Closes the output and removes the temporary (a device or pipe keeps what it was sent).
    func abandon() {
        try? output.close()
        if let temporary { OutputRegistry.shared.remove(temporary) }
    }
}

/// Writes a whole log (prologue, events of each replication in order, epilogue) to an exclusive
/// temporary beside `PATH` (`.NAME.RANDOM.tmp`), and renames it to `PATH` when finished: a
/// failed write leaves nothing under the final name. A character device or named pipe at
/// `PATH` is written in place instead.
public final class EventLogFileWriter {
    public let path: String
    public let format: EventLogFormat
    let destination: EventLogDestination
    let header: EventLogHeader
    var writer: any EventLogWriter
    var replication = -1
    private var done = false

    /// Starts a log of `format` at `path` (in the format `path`'s extension implies when nil).
    public init(path: String, header: EventLogHeader, format: EventLogFormat? = nil) throws(LogError) {
        self.path = path
        self.header = header
        let format = format ?? EventLogFormat.forPath(path)
        self.format = format
        destination = try EventLogDestination(path: path)
        destination.output.write(format.prologue(header))
        writer = format.writer(output: destination.output, header: header, replication: 0)
    }

    deinit { if !done { abandon() } }

    /// Appends an event of `replication` (replications in order, each ending with its `end`).
    public func append(replication r: Int, _ event: Event) {
        if r != replication {
            if replication >= 0 || r != 0 { writer.begin(replication: r) }
            replication = r
        }
        writer.append(event)
    }

    /// Writes the epilogue, closes the file and renames it into place.
    public func finish() throws(LogError) {
        writer.flush()
        let output = writer.output
        output.write(
            format.epilogue(
                replications: header.replications, events: writer.eventsWritten, blocks: writer.blocksWritten))
        do {
            try destination.commit()
        } catch {
            abandon()
            throw error
        }
        done = true
    }

    /// Gives up: removes the temporary file.
    public func abandon() {
        done = true
        destination.abandon()
    }

    public var eventsWritten: UInt64 { writer.eventsWritten }
    public var bytesWritten: Int64 { writer.output.bytesWritten }
}

/// Joins per-replication parts written in parallel into one log, in replication order, as soon
/// as each part and all those before it are finished (so the joining overlaps the simulation of
/// later replications). The log is written to an exclusive temporary and renamed to `PATH` at
/// the end (or streamed in place to a device or named pipe); the parts are exclusive
/// temporaries beside `PATH` (in the system's temporary folder when `PATH` is a device or pipe).
final class EventLogAssembler: @unchecked Sendable {  // see the note on `lock`
    let path: String
    let format: EventLogFormat
    let header: EventLogHeader
    let destination: EventLogDestination
    var output: EventLogOutput { destination.output }
    let count: Int
    /// Guards every stored var below; `finish()` reads `next`, `events` and `blocks` without it,
    /// but only after every worker has delivered its part and returned.
    private let lock = NSLock()
    private var finished: [(events: UInt64, blocks: UInt64)?]
    private var parts: [String?]
    private var next = 0
    private var draining = false
    private var events: UInt64 = 0
    private var blocks: UInt64 = 0

    init(path: String, header: EventLogHeader, format: EventLogFormat, parts: Int) throws(LogError) {
        self.path = path
        self.header = header
        self.format = format
        self.count = parts
        destination = try EventLogDestination(path: path)
        destination.output.write(format.prologue(header))
        finished = Array(repeating: nil, count: parts)
        self.parts = Array(repeating: nil, count: parts)
    }

    /// Creates the file of part `slot` (an exclusive temporary, `.NAME.partN.RANDOM.tmp`).
    func makePart(_ slot: Int) throws(LogError) -> EventLogOutput {
        let folder = destination.temporary == nil ? NSTemporaryDirectory() : nil
        do throws(OutputError) {
            let (fd, part) = try SafeFile.createTemporary(for: path, tag: "part\(slot)", in: folder)
            lock.lock()
            parts[slot] = part
            lock.unlock()
            return EventLogOutput(descriptor: fd, path: part)
        } catch {
            throw LogError.io(error.message)
        }
    }

    /// Part `slot` is complete: appends it, and any complete parts after it, if all parts before
    /// it are in. Only one thread appends at a time; the others just leave their part.
    func deliver(slot: Int, events: UInt64, blocks: UInt64) {
        lock.lock()
        finished[slot] = (events, blocks)
        if draining {
            lock.unlock()
            return
        }
        draining = true
        while next < count, let part = finished[next] {
            let slot = next
            next += 1
            self.events += part.events
            self.blocks += part.blocks
            let file = parts[slot]
            lock.unlock()
            if let file {
                output.append(contentsOf: file)
                OutputRegistry.shared.remove(file)
            }
            lock.lock()
        }
        draining = false
        lock.unlock()
    }

    /// All parts delivered: writes the epilogue and renames the log into place.
    func finish() throws(LogError) {
        precondition(next == count, "every part must be delivered before finish")
        output.write(format.epilogue(replications: header.replications, events: events, blocks: blocks))
        do {
            try destination.commit()
        } catch {
            abandon()
            throw error
        }
    }

    /// Removes the temporary log and every part.
    func abandon() {
        destination.abandon()
        lock.lock()
        let files = parts.compactMap { $0 }
        lock.unlock()
        for file in files { OutputRegistry.shared.remove(file) }
    }
}
