import Foundation

/// Writes events as CSV (RFC 4180 quoting, `\n` line ends). The log starts with the header as a
/// comment line, `# ` followed by exactly the JSON text of line 1 of a JSON Lines log, then the
/// column row; then one event per row:
///
/// ```
/// # {"format":"homeward-events","version":1,...,"context":{...}}
/// rep,seq,t,kind,patient,cohort,service,detail
/// 0,0,0.0,capacity,,,acute,40
/// 0,35748,57.606456762923486,enter,6908,frail,reablement,-1
/// ```
///
/// An empty field is null (`patient`, `cohort`, `service`). Names are written by `CSV.field`
/// (quoted, with `""` for a quote, when they contain a comma, a quote or a line break; a `'` in
/// front when they start like a spreadsheet formula, removed on reading), and `""` when empty.
public struct CSVEventLogWriter: EventLogWriter {
    public static let format = EventLogFormat.csv
    public static let columns = "rep,seq,t,kind,patient,cohort,service,detail"
    public let output: EventLogOutput
    var replication: Int
    var buffer: [UInt8] = []
    let names: EncodedNames
    public private(set) var eventsWritten: UInt64 = 0
    public var blocksWritten: UInt64 { 0 }

    public init(output: EventLogOutput, header: EventLogHeader, replication: Int) {
        let context = header.context
        self.output = output
        self.replication = replication
        names = EncodedNames(context, name: { CSVEventLogWriter.field($0) }, kind: { $0 })
        buffer.reserveCapacity(1 << 20 + 4096)
    }

    /// A name as a CSV field: quoted when it has to be, neutralised when it starts like a
    /// formula (`CSV.field`), and `""` when empty (an empty field is null).
    public static func field(_ name: String) -> String {
        name.isEmpty ? "\"\"" : CSV.field(name)
    }

    static func prologue(_ header: EventLogHeader) -> [UInt8] {
        Array(("# " + header.json.jsonText() + "\n" + columns + "\n").utf8)
    }

    public mutating func append(_ e: Event) {
        appendDecimal(UInt64(replication), to: &buffer)
        buffer.append(UInt8(ascii: ","))
        appendDecimal(e.sequence, to: &buffer)
        buffer.append(UInt8(ascii: ","))
        buffer.append(contentsOf: e.time.description.utf8)
        buffer.append(UInt8(ascii: ","))
        buffer.append(contentsOf: names.kinds[Int(e.kind.rawValue)])
        buffer.append(UInt8(ascii: ","))
        if e.patient != Event.noPatient { appendDecimal(UInt64(e.patient), to: &buffer) }
        buffer.append(UInt8(ascii: ","))
        if e.cohort >= 0 { buffer.append(contentsOf: names.cohorts[Int(e.cohort)]) }
        buffer.append(UInt8(ascii: ","))
        if e.service >= 0 { buffer.append(contentsOf: names.services[Int(e.service)]) }
        buffer.append(UInt8(ascii: ","))
        appendDecimal(e.detail, to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
        eventsWritten += 1
        if buffer.count >= 1 << 20 { flush() }
    }

    public mutating func begin(replication r: Int) {
        replication = r
    }

    public mutating func flush() {
        guard !buffer.isEmpty else { return }
        output.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Reads a CSV log row by row (constant memory).
final class CSVEventSource: EventRecordSource {
    let input: EventLogInput
    let path: String
    let header: EventLogHeader
    let headerBytes: Int64
    let names: EventNames
    /// Physical line of the last row read (a quoted name with a line break spans several).
    private var lineNumber = 0
    private var record: [UInt8] = []
    /// The longest event record accepted (`TextLogLimits`).
    let recordLimit: Int

    init(input: EventLogInput) throws(LogError) {
        self.input = input
        let path = input.path
        self.path = path
        let headerLimit = TextLogLimits.maximumHeaderLineLength
        guard
            let (text, complete) = try input.nextLine(
                limit: headerLimit,
                tooLong: {
                    LogError.corrupt("\(path): line 1 is longer than \(headerLimit) bytes (the header line's limit)")
                },
                { bytes, complete throws(LogError) in (String(decoding: bytes, as: UTF8.self), complete) })
        else { throw LogError.truncated("\(path): the log is empty (no header)") }
        if !complete && "# ".hasPrefix(text) { throw LogError.truncated("\(path): line 1 is cut short (no header)") }
        guard text.hasPrefix("# ") else {
            throw LogError.corrupt(
                "\(path): line 1: not a Homeward event log (a CSV log starts with '# ' and the header)")
        }
        let value: JSONValue
        do { value = try JSON5.parse(String(text.dropFirst(2))) } catch {
            if !complete { throw LogError.truncated("\(path): line 1 is cut short (\(error.description))") }
            throw LogError.corrupt("\(path): line 1: \(error.description)")
        }
        guard complete else { throw LogError.truncated("\(path): line 1 is cut short (no end of line)") }
        do { header = try EventLogHeader(json: value) } catch {
            if case .corrupt(let message) = error {
                throw LogError.corrupt("\(path): \(message.hasPrefix("line") ? "" : "line 1: ")\(message)")
            }
            throw error
        }
        guard
            let columns = try input.nextLine(
                limit: 256,
                tooLong: { LogError.corrupt("\(path): line 2: the column row is not '\(CSVEventLogWriter.columns)'") },
                { bytes, complete throws(LogError) in (String(decoding: bytes, as: UTF8.self), complete) })
        else { throw LogError.truncated("\(path): the log ends after its header line (no column row)") }
        let row = columns.0.hasSuffix("\r") ? String(columns.0.dropLast()) : columns.0
        guard row == CSVEventLogWriter.columns else {
            if !columns.1 && CSVEventLogWriter.columns.hasPrefix(row) {
                throw LogError.truncated("\(path): line 2 is cut short (the column row)")
            }
            throw LogError.corrupt("\(path): line 2: the column row is not '\(CSVEventLogWriter.columns)'")
        }
        guard columns.1 else { throw LogError.truncated("\(path): line 2 is cut short (no end of line)") }
        headerBytes = input.offset
        lineNumber = 2
        names = EventNames(header.context)
        recordLimit = TextLogLimits.eventLineLimit(
            EncodedNames(header.context, name: { CSVEventLogWriter.field($0) }, kind: { $0 }))
    }

    var location: String { "line \(lineNumber)" }
    var endLocation: String { "after line \(lineNumber) (byte offset \(input.offset))" }
    var offsetAfterRecord: Int64 { input.offset }
    private(set) var recordStart: Int64 = 0
    var blocksThroughRecord: Int { 0 }
    func finish() throws(LogError) {}

    func next() throws(LogError) -> (replication: Int, event: Event)? {
        let path = self.path
        while true {
            recordStart = input.offset
            let first = lineNumber + 1
            var lines = 0
            var quotes = 0
            record.removeAll(keepingCapacity: true)
            // A record: one line, or more while a quoted field is open.
            var ended = true
            while true {
                let limit = recordLimit - record.count
                let tooLong = {
                    LogError.corrupt(
                        "\(path): line \(first + lines) is longer than \(self.recordLimit) bytes (the limit for an event row of this log)"
                    )
                }
                let got: Bool? = try input.nextLine(limit: max(limit, 0), tooLong: tooLong) {
                    bytes, complete throws(LogError) in
                    if lines > 0 { record.append(0x0A) }
                    record.append(contentsOf: bytes)
                    for b in bytes where b == UInt8(ascii: "\"") { quotes += 1 }
                    return complete
                }
                guard let complete = got else {
                    if lines == 0 { return nil }
                    ended = false
                    break
                }
                lines += 1
                if !complete {
                    ended = false
                    break
                }
                if quotes % 2 == 0 { break }
            }
            lineNumber = first + lines - 1
            if record.isEmpty && ended { continue }
            if !ended {
                throw LogError.truncated("\(path): line \(lineNumber) is cut short (no end of line)")
            }
            if record.last == UInt8(ascii: "\r") { record.removeLast() }
            return try decode()
        }
    }

    private func decode() throws(LogError) -> (Int, Event) {
        let path = self.path
        let line = lineNumber
        func bad(_ m: String) -> LogError { LogError.corrupt("\(path): line \(line): \(m)") }
        var fields: [String?] = []
        fields.reserveCapacity(8)
        let problem: String? = record.withUnsafeBytes { (p: UnsafeRawBufferPointer) -> String? in
            var i = 0
            let n = p.count
            while true {
                if i < n, p[i] == UInt8(ascii: "\"") {
                    var bytes: [UInt8] = []
                    i += 1
                    while true {
                        guard i < n else { return "unterminated quoted field" }
                        if p[i] == UInt8(ascii: "\"") {
                            if i + 1 < n, p[i + 1] == UInt8(ascii: "\"") {
                                bytes.append(UInt8(ascii: "\""))
                                i += 2
                                continue
                            }
                            i += 1
                            break
                        }
                        bytes.append(p[i])
                        i += 1
                    }
                    fields.append(String(decoding: bytes, as: UTF8.self))
                    guard i == n || p[i] == UInt8(ascii: ",") else { return "text after a quoted field" }
                } else {
                    let start = i
                    while i < n, p[i] != UInt8(ascii: ",") {
                        if p[i] == UInt8(ascii: "\"") { return "a quote inside an unquoted field" }
                        i += 1
                    }
                    fields.append(
                        i == start
                            ? nil : String(decoding: UnsafeRawBufferPointer(rebasing: p[start..<i]), as: UTF8.self))
                }
                if i == n { return nil }
                i += 1  // the comma
            }
        }
        if let problem { throw bad(problem) }
        guard fields.count == 8 else {
            throw bad("expected 8 fields (\(CSVEventLogWriter.columns)), found \(fields.count)")
        }
        func whole(_ text: String?, max: UInt64) -> UInt64? {
            guard let text, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let v = UInt64(text),
                v <= max
            else { return nil }
            return v
        }
        guard let rep = whole(fields[0], max: 1_999_999_999) else { throw bad("bad 'rep'") }
        guard let seq = whole(fields[1], max: .max) else { throw bad("bad 'seq'") }
        guard let tText = fields[2], let t = Double(tText), t.isFinite, t >= 0 else { throw bad("bad time 't'") }
        guard let kindName = fields[3], let kind = names.kinds[kindName] else { throw bad("unknown event kind") }
        var patient = Event.noPatient
        if fields[4] != nil {
            guard let p = whole(fields[4], max: UInt64(UInt32.max) - 1) else { throw bad("bad 'patient'") }
            patient = UInt32(p)
        }
        var cohort: Int16 = -1
        if let name = fields[5] {
            guard let c = names.cohorts[CSV.decodeText(name)] else { throw bad("unknown cohort \"\(name)\"") }
            cohort = c
        }
        var service: Int16 = -1
        if let name = fields[6] {
            guard let s = names.services[CSV.decodeText(name)] else { throw bad("unknown service \"\(name)\"") }
            service = s
        }
        guard var detailText = fields[7] else { throw bad("bad 'detail'") }
        let negative = detailText.hasPrefix("-")
        if negative { detailText.removeFirst() }
        guard let magnitude = whole(detailText, max: negative ? 2_147_483_648 : 2_147_483_647) else {
            throw bad("bad 'detail'")
        }
        let detail = negative ? Int32(truncatingIfNeeded: -Int64(magnitude)) : Int32(magnitude)
        if EventKind.needingService.contains(kind) && service < 0 { throw bad("event '\(kindName)' needs a service") }
        return (
            Int(rep),
            Event(
                time: t, sequence: seq, patient: patient, kind: kind, cohort: cohort, service: service, detail: detail)
        )
    }
}
