import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One field of a CSV record: its text (quotes removed, doubled quotes undone) and whether it
/// was quoted (a quoted field keeps its spaces; an unquoted one may be trimmed by its reader).
struct CSVField: Sendable, Equatable {
    var text: String
    var quoted: Bool
}

extension CSV {
    /// `text` without leading and trailing whitespace, as `trimmingCharacters(in: .whitespaces)`
    /// gives it (Unicode's space separators and tab), looking at the two ends first: nearly
    /// every cell has none, and Foundation's trimming, which copies through `NSString`, took
    /// 40% of the time of reading an activity file.
    static func trimmed(_ text: String) -> String {
        guard let first = text.utf8.first, let last = text.utf8.last else { return text }
        // An ASCII byte other than space and tab is not whitespace; anything else is checked
        // by Foundation.
        func plain(_ byte: UInt8) -> Bool { byte < 0x80 && byte != 0x20 && byte != 0x09 }
        return plain(first) && plain(last) ? text : text.trimmingCharacters(in: .whitespaces)
    }
}

/// Why a CSV record could not be read.
enum CSVReadError: Error, Equatable {
    /// The record starting on `line` is longer than the reader's limit.
    case recordTooLong(line: Int, limit: Int)
    /// The record starting on `line` is not UTF-8 text.
    case notUTF8(line: Int)
    /// The quoted field opened in the record starting on `line` is never closed.
    case unterminatedQuote(line: Int)
    /// Reading the file failed (the system's message).
    case io(String)
}

/// Reads RFC 4180 CSV one record at a time, holding at most one record (of at most
/// `maximumRecordBytes`) and one 64 KB buffer: fields separated by commas, optionally quoted
/// with doubled quotes inside (a quoted field may hold commas, CR and LF); CRLF or LF line
/// ends; a UTF-8 byte-order mark at the start is skipped.
final class CSVRecordReader {
    let maximumRecordBytes: Int
    private var fd: Int32 = -1
    private var buffer: [UInt8]
    private var position = 0
    private var filled = 0
    private var atEnd = false
    private var started = false
    /// The physical line on which the next record starts (1 is the first).
    private(set) var line = 1

    /// Reads `bytes` (already in memory).
    init(bytes: [UInt8], maximumRecordBytes: Int) {
        self.maximumRecordBytes = maximumRecordBytes
        buffer = bytes
        filled = bytes.count
        atEnd = true
    }

    /// Reads the file at `path` as a stream.
    /// - Throws: `BoundedReadError` when it cannot be opened or is a directory.
    init(path: String, maximumRecordBytes: Int) throws(BoundedReadError) {
        self.maximumRecordBytes = maximumRecordBytes
        buffer = [UInt8](repeating: 0, count: 1 << 16)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BoundedReadError(path: path, reason: BoundedFile.openFailure(errno)) }
        var info = stat()
        if fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR {
            close(fd)
            throw BoundedReadError(path: path, reason: .directory)
        }
        self.fd = fd
    }

    deinit { if fd >= 0 { close(fd) } }

    private func refill() throws(CSVReadError) -> Bool {
        guard !atEnd else { return false }
        while true {
            let n = buffer.withUnsafeMutableBytes { readBytes(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(String(cString: strerror(errno)))
            }
            position = 0
            filled = n
            if n == 0 { atEnd = true }
            return n > 0
        }
    }

    /// The next record and the line it starts on; nil at the end of the input.
    /// - Throws: `CSVReadError` for a record that is too long, not UTF-8 or never closes a quote.
    /// - Complexity: O(length of the record).
    func next() throws(CSVReadError) -> (line: Int, fields: [CSVField])? {
        if !started {
            started = true
            if filled == 0 { _ = try refill() }
            if filled - position >= 3 && buffer[position] == 0xEF && buffer[position + 1] == 0xBB
                && buffer[position + 2] == 0xBF
            {
                position += 3
            }
        }
        let first = line
        var fields: [CSVField] = []
        var field: [UInt8] = []
        var quoted = false
        var inQuotes = false
        var quoteSeen = false
        var afterQuote = false
        var size = 0
        func finish() throws(CSVReadError) {
            guard let text = String(validating: field, as: UTF8.self) else { throw .notUTF8(line: first) }
            fields.append(CSVField(text: text, quoted: quoted))
            field.removeAll(keepingCapacity: true)
            quoted = false
            afterQuote = false
        }
        while true {
            if position == filled {
                guard try refill() else { break }
            }
            let b = buffer[position]
            position += 1
            size += 1
            if size > maximumRecordBytes { throw .recordTooLong(line: first, limit: maximumRecordBytes) }
            if b == 0x0A { line += 1 }
            if inQuotes {
                if quoteSeen {
                    quoteSeen = false
                    if b == 0x22 {
                        field.append(0x22)
                        continue
                    }
                    inQuotes = false
                    afterQuote = true
                } else if b == 0x22 {
                    quoteSeen = true
                    continue
                } else {
                    field.append(b)
                    continue
                }
            }
            switch b {
            case 0x22 where field.isEmpty && !afterQuote:
                inQuotes = true
                quoted = true
            case 0x2C:
                try finish()
            case 0x0D:
                break
            case 0x0A:
                try finish()
                return (first, fields)
            default:
                field.append(b)
            }
        }
        if inQuotes && !quoteSeen { throw .unterminatedQuote(line: first) }
        guard !field.isEmpty || !fields.isEmpty || quoted else { return nil }
        try finish()
        return (first, fields)
    }
}

/// `read(2)`, under a name that no method here hides.
private func readBytes(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// CSV text split into rows of fields (quotes removed; no neutralisation undone), for
/// reading Homeward's own small CSV outputs.
enum CSVText {
    static func rows(_ text: String) -> [[String]] {
        let reader = CSVRecordReader(bytes: Array(text.utf8), maximumRecordBytes: .max)
        var rows: [[String]] = []
        while let record = try? reader.next() { rows.append(record.fields.map(\.text)) }
        return rows
    }
}
