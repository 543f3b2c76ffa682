import Foundation

/// A file being written with large writes (one per buffer flush). The first failure is kept
/// and reported by `close()`, so the per-event path never has to handle errors.
///
/// Threads: a replication's part of a log is written and closed by the worker thread running
/// that replication; the joined log is written by whichever worker is appending finished parts
/// (one at a time, see `EventLogAssembler.deliver`) and finished by the thread that started
/// the run. Each call holds `lock` throughout, so calls from different threads never overlap
/// and each sees the state the last one left; the lock is taken once per buffer flush, not
/// per event.
public final class EventLogOutput: @unchecked Sendable {  // mutable state only under `lock`
    public let path: String
    let fd: Int32
    private let lock = NSLock()
    private var written: Int64 = 0
    private var firstFailure: String?
    private var closed = false

    /// Bytes written so far.
    public var bytesWritten: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return written
    }

    /// The first failure to write, if any.
    var failure: String? {
        lock.lock()
        defer { lock.unlock() }
        return firstFailure
    }

    /// Creates (or truncates) the file at `path`.
    public init(creating path: String) throws(LogError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw LogError.io("cannot create event log '\(path)': \(String(cString: strerror(errno)))")
        }
    }

    /// Takes over `descriptor`, open for writing (named `path` in messages); see `SafeFile`.
    init(descriptor: Int32, path: String) {
        self.path = path
        fd = descriptor
    }

    deinit { if !closed { _ = Foundation.close(fd) } }

    public func write(_ bytes: UnsafeRawBufferPointer) {
        lock.lock()
        defer { lock.unlock() }
        writeLocked(bytes)
    }

    /// `write(_:)` with `lock` held.
    private func writeLocked(_ bytes: UnsafeRawBufferPointer) {
        guard firstFailure == nil, var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Foundation.write(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                firstFailure = "cannot write event log '\(path)': \(String(cString: strerror(errno)))"
                return
            }
            p += n
            left -= n
            written += Int64(n)
        }
    }

    public func write(_ bytes: [UInt8]) { bytes.withUnsafeBytes { write($0) } }

    /// Appends the whole file at `source` (in the kernel where it can, else through a buffer).
    func append(contentsOf source: String) {
        lock.lock()
        defer { lock.unlock() }
        guard firstFailure == nil else { return }
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            firstFailure = "cannot read '\(source)': \(String(cString: strerror(errno)))"
            return
        }
        defer { _ = Foundation.close(input) }
        #if os(Linux)
            // In the kernel, from page cache to page cache: no copy through user space.
            var copied = false
            while true {
                let n = sendfile(fd, input, nil, 1 << 30)
                if n > 0 {
                    copied = true
                    written += Int64(n)
                    continue
                }
                if n == 0 { return }
                if errno == EINTR { continue }
                if copied || (errno != EINVAL && errno != ENOSYS) {
                    firstFailure = "cannot write event log '\(path)': \(String(cString: strerror(errno)))"
                    return
                }
                break  // not supported here: copy through a buffer
            }
        #endif
        let chunk = 4 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(input, buffer, chunk)
            if n < 0 {
                if errno == EINTR { continue }
                firstFailure = "cannot read '\(source)': \(String(cString: strerror(errno)))"
                return
            }
            if n == 0 { return }
            writeLocked(UnsafeRawBufferPointer(start: buffer, count: n))
            if firstFailure != nil { return }
        }
    }

    /// Closes the file; throws the first failure of any write.
    public func close() throws(LogError) {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else {
            if let firstFailure { throw LogError.io(firstFailure) }
            return
        }
        closed = true
        if Foundation.close(fd) != 0 && firstFailure == nil {
            firstFailure = "cannot write event log '\(path)': \(String(cString: strerror(errno)))"
        }
        if let firstFailure { throw LogError.io(firstFailure) }
    }
}

/// A file read in order through a reusable buffer: constant memory whatever its size.
final class EventLogInput {
    let path: String
    /// The file's descriptor; -1 for a log read from memory.
    let fd: Int32
    /// The whole log when it is read from memory (`init(bytes:name:offset:)`); nil for a file.
    private let bytes: [UInt8]?
    /// Size of the file when opened.
    let size: Int64
    /// Bytes handed out so far (the offset of the next byte).
    private(set) var offset: Int64 = 0

    private var buffer: UnsafeMutableRawPointer
    /// Bytes of the buffer: it grows only to hold what `ensure` or `nextLine` asks for.
    private(set) var capacity: Int
    private var start = 0
    private var end = 0
    private var atEOF = false

    /// Opens `path` for reading from byte `offset`.
    convenience init(path: String, offset: Int64) throws(LogError) {
        try self.init(path: path)
        guard lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else {
            throw LogError.io("\(path): cannot read the event log: \(String(cString: strerror(errno)))")
        }
        self.offset = offset
    }

    init(path: String, bufferSize: Int = 1 << 20) throws(LogError) {
        self.path = path
        bytes = nil
        fd = open(path, O_RDONLY | O_CLOEXEC)
        var info = stat()
        guard fd >= 0, fstat(fd, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR else {
            if fd >= 0 { _ = Foundation.close(fd) }
            throw LogError.io("\(path): cannot read the event log (no such file or not readable)")
        }
        size = Int64(info.st_size)
        capacity = bufferSize
        buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 16)
    }

    /// Reads `bytes` from byte `offset` as if they were the file `name` (which messages name):
    /// a log held in memory reads exactly as the same bytes in a file.
    init(bytes: [UInt8], name: String, offset: Int64 = 0) {
        path = name
        fd = -1
        self.bytes = bytes
        size = Int64(bytes.count)
        let from = Int(min(max(offset, 0), size))
        capacity = max(bytes.count - from, 1)
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        bytes.withUnsafeBytes { b in
            if let base = b.baseAddress { buffer.copyMemory(from: base + from, byteCount: b.count - from) }
        }
        end = bytes.count - from
        atEOF = true
        self.offset = Int64(from)
    }

    deinit {
        buffer.deallocate()
        if fd >= 0 { _ = Foundation.close(fd) }
    }

    /// Another reader of the same log, from byte `offset`.
    func reopened(at offset: Int64) throws(LogError) -> EventLogInput {
        if let bytes { return EventLogInput(bytes: bytes, name: path, offset: offset) }
        return try EventLogInput(path: path, offset: offset)
    }

    /// Copies up to `count` bytes from byte `offset` to `destination` without moving the
    /// reading position (`pread`); the number copied, 0 at the end and -1 on a read error.
    func copy(into destination: UnsafeMutableRawPointer, count: Int, at offset: Int64) -> Int {
        guard let bytes else { return pread(fd, destination, count, off_t(offset)) }
        guard offset >= 0, offset < size else { return 0 }
        let n = min(count, bytes.count - Int(offset))
        bytes.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress! + Int(offset), byteCount: n) }
        return n
    }

    /// Reads more bytes after those buffered, growing the buffer if it is full. False at the end.
    private func fill() throws(LogError) -> Bool {
        if atEOF { return false }
        if start > 0 && start == end {
            start = 0
            end = 0
        }
        if end == capacity {
            if start > 0 {
                (buffer + 0).copyMemory(from: buffer + start, byteCount: end - start)
                end -= start
                start = 0
            } else {
                let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
                bigger.copyMemory(from: buffer, byteCount: end)
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
            }
        }
        while true {
            let n = read(fd, buffer + end, capacity - end)
            if n < 0 {
                if errno == EINTR { continue }
                throw LogError.io("\(path): cannot read the event log: \(String(cString: strerror(errno)))")
            }
            if n == 0 {
                atEOF = true
                return false
            }
            end += n
            return true
        }
    }

    /// Makes at least `count` bytes available (fewer only at the end of the file) and returns
    /// how many are available.
    @discardableResult
    func ensure(_ count: Int) throws(LogError) -> Int {
        if end - start < count && capacity - start < count && start > 0 {
            (buffer + 0).copyMemory(from: buffer + start, byteCount: end - start)
            end -= start
            start = 0
        }
        while end - start < count {
            if capacity - start < count {
                let bigger = UnsafeMutableRawPointer.allocate(
                    byteCount: max(capacity * 2, count + start), alignment: 16)
                bigger.copyMemory(from: buffer, byteCount: end)
                buffer.deallocate()
                buffer = bigger
                capacity = max(capacity * 2, count + start)
            }
            if !(try fill()) { break }
        }
        return end - start
    }

    /// The bytes available (after `ensure`), valid until the next call.
    var available: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: buffer + start, count: end - start) }

    /// Consumes `count` available bytes.
    func consume(_ count: Int) {
        precondition(count <= end - start)
        start += count
        offset += Int64(count)
    }

    /// Calls `body` with the next line (without its `\n`) and whether it ended with `\n` (false
    /// only for a last line cut short). Nil at the end of the file.
    ///
    /// A line longer than `limit` bytes is never buffered whole: once `limit + 1` bytes have
    /// been read without a line end, the error `tooLong` gives is thrown.
    func nextLine<R>(
        limit: Int = .max, tooLong: () -> LogError = { LogError.corrupt("a line is too long") },
        _ body: (UnsafeRawBufferPointer, Bool) throws(LogError) -> R
    ) throws(LogError) -> R? {
        var searched = 0
        while true {
            let n = end - start
            if n > searched, let found = memchr(buffer + start + searched, 0x0A, min(n, limit + 1) - searched) {
                let length = buffer.distance(to: found) - start
                let result = try body(UnsafeRawBufferPointer(start: buffer + start, count: length), true)
                consume(length + 1)
                return result
            }
            searched = min(n, limit + 1)
            if searched > limit { throw tooLong() }
            if !(try fill()) {
                guard end > start else { return nil }
                let length = end - start
                let result = try body(UnsafeRawBufferPointer(start: buffer + start, count: length), false)
                consume(length)
                return result
            }
        }
    }

    /// Skips to the end of the file and returns the number of lines passed (a last line without
    /// its `\n` counts), for damage reports.
    func countRemainingLines() throws(LogError) -> Int {
        var lines = 0
        var last: UInt8 = 0x0A
        while true {
            let bytes = available
            for b in bytes where b == 0x0A { lines += 1 }
            if let b = bytes.last { last = b }
            consume(bytes.count)
            if !(try fill()) { break }
        }
        return last == 0x0A ? lines : lines + 1
    }
}

/// The longest lines a text log reader accepts: beyond them a line is reported with its number,
/// never buffered whole (documented in docs/event-log.md).
public enum TextLogLimits {
    /// The longest header line (line 1): the binary header's limit, plus the CSV's `# `.
    public static let maximumHeaderLineLength = BinaryLayout.maximumHeaderLength + 2
    /// The longest event line, beyond its cohort and service names as written (the header's
    /// longest ones are added for each log): every other field of a line Homeward writes fits
    /// in under 300 bytes.
    public static let maximumEventLineLength = 64 << 10

    /// The event-line limit of a log whose names are written as `encoded`.
    static func eventLineLimit(_ encoded: EncodedNames) -> Int {
        maximumEventLineLength + (encoded.cohorts.map(\.count).max() ?? 0)
            + (encoded.services.map(\.count).max() ?? 0)
    }
}

/// Service, cohort and event-kind names as the bytes a text log writes for them (quoted or
/// escaped once, not per event).
struct EncodedNames {
    let services: [[UInt8]]
    let cohorts: [[UInt8]]
    /// Indexed by `EventKind.rawValue`.
    let kinds: [[UInt8]]

    init(_ context: ProjectionContext, name: (String) -> String, kind: (String) -> String) {
        services = context.services.map { Array(name($0.name).utf8) }
        cohorts = context.cohorts.map { Array(name($0.name).utf8) }
        var kinds = [[UInt8]](repeating: [], count: 256)
        for k in EventKind.allCases { kinds[Int(k.rawValue)] = Array(kind(k.name).utf8) }
        self.kinds = kinds
    }
}
