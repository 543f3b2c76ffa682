import Foundation

/// Writes events as JSON Lines, buffered.
///
/// Line format (documented in docs/event-log.md):
/// `{"rep":0,"seq":12,"t":3.25,"kind":"enter","patient":7,"cohort":"frail","service":"acute","detail":-1}`
/// with `patient`, `cohort` and `service` null when not applicable.
public struct JSONLinesWriter: EventLogWriter {
    public static let format = EventLogFormat.jsonLines
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
        names = EncodedNames(context, name: { escapeJSONString($0) }, kind: { "\"\($0)\"" })
        buffer.reserveCapacity(1 << 20 + 4096)
    }

    public mutating func append(_ e: Event) {
        buffer.append(contentsOf: #"{"rep":"#.utf8)
        appendDecimal(UInt64(replication), to: &buffer)
        buffer.append(contentsOf: #","seq":"#.utf8)
        appendDecimal(e.sequence, to: &buffer)
        buffer.append(contentsOf: #","t":"#.utf8)
        buffer.append(contentsOf: e.time.description.utf8)
        buffer.append(contentsOf: #","kind":"#.utf8)
        buffer.append(contentsOf: names.kinds[Int(e.kind.rawValue)])
        buffer.append(contentsOf: #","patient":"#.utf8)
        if e.patient == Event.noPatient {
            buffer.append(contentsOf: "null".utf8)
        } else {
            appendDecimal(UInt64(e.patient), to: &buffer)
        }
        buffer.append(contentsOf: #","cohort":"#.utf8)
        if e.cohort >= 0 {
            buffer.append(contentsOf: names.cohorts[Int(e.cohort)])
        } else {
            buffer.append(contentsOf: "null".utf8)
        }
        buffer.append(contentsOf: #","service":"#.utf8)
        if e.service >= 0 {
            buffer.append(contentsOf: names.services[Int(e.service)])
        } else {
            buffer.append(contentsOf: "null".utf8)
        }
        buffer.append(contentsOf: #","detail":"#.utf8)
        appendDecimal(e.detail, to: &buffer)
        buffer.append(contentsOf: "}\n".utf8)
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

/// Appends the decimal digits of `value` (no allocation).
@inline(__always)
func appendDecimal(_ value: UInt64, to buffer: inout [UInt8]) {
    if value < 10 {
        buffer.append(UInt8(truncatingIfNeeded: value) &+ 48)
        return
    }
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
        var v = value
        var i = 20
        while v > 0 {
            i -= 1
            digits[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
            v /= 10
        }
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: digits[i..<20]))
    }
}

@inline(__always)
func appendDecimal(_ value: Int32, to buffer: inout [UInt8]) {
    if value < 0 {
        buffer.append(UInt8(ascii: "-"))
        appendDecimal(UInt64(-Int64(value)), to: &buffer)
    } else {
        appendDecimal(UInt64(value), to: &buffer)
    }
}

/// Reads a JSON Lines log line by line (constant memory).
final class JSONLinesEventSource: EventRecordSource {
    let input: EventLogInput
    let path: String
    let header: EventLogHeader
    let headerBytes: Int64
    let names: EventNames
    /// The longest event line accepted (`TextLogLimits`).
    let lineLimit: Int
    private var lineNumber = 0

    init(input: EventLogInput) throws(LogError) {
        self.input = input
        path = input.path
        var found: EventLogHeader?
        var number = 0
        while found == nil {
            let path = input.path
            number += 1
            let limit = TextLogLimits.maximumHeaderLineLength
            let tooLong = { [number] in
                LogError.corrupt("\(path): line \(number) is longer than \(limit) bytes (the header line's limit)")
            }
            let line: (text: String, complete: Bool)?? = try input.nextLine(limit: limit, tooLong: tooLong) {
                bytes, complete throws(LogError) in
                bytes.isEmpty ? nil : (String(decoding: bytes, as: UTF8.self), complete)
            }
            guard let line else { throw LogError.truncated("\(path): the log is empty (no header)") }
            guard let (text, complete) = line else { continue }
            let value: JSONValue
            do { value = try JSON5.parse(text) } catch {
                if !complete { throw LogError.truncated("\(path): line \(number) is cut short (\(error.description))") }
                throw LogError.corrupt("\(path): line \(number): \(error.description)")
            }
            do { found = try EventLogHeader(json: value) } catch {
                if case .corrupt(let message) = error {
                    throw LogError.corrupt("\(path): \(message.hasPrefix("line") ? "" : "line 1: ")\(message)")
                }
                throw error
            }
        }
        header = found!
        headerBytes = input.offset
        lineNumber = number
        names = EventNames(header.context)
        lineLimit = TextLogLimits.eventLineLimit(
            EncodedNames(header.context, name: { escapeJSONString($0) }, kind: { "\"\($0)\"" }))
    }

    var location: String { "line \(lineNumber)" }
    var endLocation: String { "after line \(lineNumber) (byte offset \(input.offset))" }
    var offsetAfterRecord: Int64 { input.offset }
    private(set) var recordStart: Int64 = 0
    var blocksThroughRecord: Int { 0 }
    func finish() throws(LogError) {}

    func next() throws(LogError) -> (replication: Int, event: Event)? {
        while true {
            let path = self.path
            recordStart = input.offset
            let number = lineNumber + 1
            let names = self.names
            let limit = lineLimit
            let tooLong = {
                LogError.corrupt(
                    "\(path): line \(number) is longer than \(limit) bytes (the limit for an event line of this log)")
            }
            let result: (Int, Event)?? = try input.nextLine(limit: limit, tooLong: tooLong) {
                (bytes, complete) throws(LogError) -> (Int, Event)? in
                if bytes.isEmpty { return nil }
                if let fast = JSONLinesEventSource.parseCanonical(bytes, names: names) { return fast }
                let value: JSONValue
                do throws(JSON5ParseError) {
                    value = try JSON5.parse(String(decoding: bytes, as: UTF8.self))
                } catch {
                    if !complete {
                        throw LogError.truncated("\(path): line \(number) is cut short (\(error.description))")
                    }
                    throw LogError.corrupt("\(path): line \(number): \(error.description)")
                }
                return try JSONLinesEventSource.decode(value, names: names, line: number, path: path)
            }
            guard let result else { return nil }
            lineNumber = number
            if let record = result { return record }
        }
    }

    /// The fields of an event line, in the order they are written.
    static let fields = ["rep", "seq", "t", "kind", "patient", "cohort", "service", "detail"]

    /// Decodes a parsed line, checking every field (all eight, and no other).
    static func decode(_ value: JSONValue, names: EventNames, line: Int, path: String) throws(LogError) -> (Int, Event)
    {
        func bad(_ m: String) -> LogError { LogError.corrupt("\(path): line \(line): \(m)") }
        guard let o = value.objectValue else { throw bad("not an event object") }
        for key in o.keys where !fields.contains(key) { throw bad("unknown field '\(key)'") }
        if let repeated = o.duplicateKeys.first { throw bad("field '\(repeated)' repeated") }
        for key in fields where o[key] == nil { throw bad("missing field '\(key)'") }
        guard let rep = o["rep"]?.numberValue, rep >= 0, rep == rep.rounded(), rep < 2e9 else { throw bad("bad 'rep'") }
        guard let seq = o["seq"]?.numberValue, seq >= 0, seq == seq.rounded(), seq < 0x1p63 else {
            throw bad("bad 'seq'")
        }
        guard let t = o["t"]?.numberValue, t.isFinite, t >= 0 else { throw bad("bad time 't'") }
        guard let kindName = o["kind"]?.stringValue, let kind = EventKind(name: kindName) else {
            throw bad("unknown event kind")
        }
        guard let detail = o["detail"]?.numberValue, detail == detail.rounded(), detail >= -2_147_483_648,
            detail <= 2_147_483_647
        else {
            throw bad("bad 'detail'")
        }
        var patient = Event.noPatient
        if let p = o["patient"], !p.isNull {
            guard let n = p.numberValue, n >= 0, n < Double(UInt32.max), n == n.rounded() else {
                throw bad("bad 'patient'")
            }
            patient = UInt32(n)
        }
        var cohort: Int16 = -1
        if let c = o["cohort"], !c.isNull {
            guard let name = c.stringValue, let i = names.cohorts[name] else {
                throw bad("unknown cohort \(c.jsonText())")
            }
            cohort = i
        }
        var service: Int16 = -1
        if let s = o["service"], !s.isNull {
            guard let name = s.stringValue, let i = names.services[name] else {
                throw bad("unknown service \(s.jsonText())")
            }
            service = i
        }
        if EventKind.needingService.contains(kind) && service < 0 { throw bad("event '\(kindName)' needs a service") }
        return (
            Int(rep),
            Event(
                time: t, sequence: UInt64(seq), patient: patient, kind: kind, cohort: cohort, service: service,
                detail: Int32(detail))
        )
    }

    /// Decodes a line exactly as `JSONLinesWriter` writes it (fields in order, no spaces, names
    /// without escapes), without building a JSON tree. Nil for anything else, which then goes
    /// through the general parser and its checks: the fast path only ever accepts lines the
    /// general path would decode to the same event.
    static func parseCanonical(_ line: UnsafeRawBufferPointer, names: EventNames) -> (Int, Event)? {
        var i = 0
        let n = line.count
        @inline(__always) func literal(_ s: StaticString) -> Bool {
            let count = s.utf8CodeUnitCount
            guard i + count <= n else { return false }
            let p = s.utf8Start
            for k in 0..<count where line[i + k] != p[k] { return false }
            i += count
            return true
        }
        @inline(__always) func unsigned(max: UInt64) -> UInt64? {
            let start = i
            var v: UInt64 = 0
            while i < n, line[i] >= 48, line[i] <= 57 {
                let d = UInt64(line[i] - 48)
                guard v <= (max - d) / 10 else { return nil }
                v = v * 10 + d
                i += 1
            }
            // No empty numbers and no leading zeros (JSON).
            guard i > start, !(line[start] == 48 && i - start > 1) else { return nil }
            return v
        }
        @inline(__always) func quoted() -> String? {
            guard i < n, line[i] == UInt8(ascii: "\"") else { return nil }
            let start = i + 1
            var j = start
            while j < n, line[j] != UInt8(ascii: "\"") {
                if line[j] == UInt8(ascii: "\\") || line[j] < 0x20 { return nil }
                j += 1
            }
            guard j < n else { return nil }
            i = j + 1
            return String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<j]), as: UTF8.self)
        }
        guard literal(#"{"rep":"#), let rep = unsigned(max: 1_999_999_999) else { return nil }
        guard literal(#","seq":"#), let seq = unsigned(max: 1 << 53) else { return nil }
        guard literal(#","t":"#) else { return nil }
        let tStart = i
        while i < n, line[i] != UInt8(ascii: ",") { i += 1 }
        // Digits, '.', 'e', '-', '+' only: what Double.description writes for finite values.
        for k in tStart..<i {
            let c = line[k]
            guard
                (c >= 48 && c <= 57) || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "-")
                    || c == UInt8(ascii: "+")
            else {
                return nil
            }
        }
        guard i > tStart, line[tStart] >= 48, line[tStart] <= 57,
            let t = Double(String(decoding: UnsafeRawBufferPointer(rebasing: line[tStart..<i]), as: UTF8.self)),
            t.isFinite, t >= 0
        else { return nil }
        guard literal(#","kind":"#), let kindName = quoted(), let kind = names.kinds[kindName] else { return nil }
        guard literal(#","patient":"#) else { return nil }
        var patient = Event.noPatient
        if !literal("null") {
            guard let p = unsigned(max: UInt64(UInt32.max) - 1) else { return nil }
            patient = UInt32(p)
        }
        guard literal(#","cohort":"#) else { return nil }
        var cohort: Int16 = -1
        if !literal("null") {
            guard let name = quoted(), let c = names.cohorts[name] else { return nil }
            cohort = c
        }
        guard literal(#","service":"#) else { return nil }
        var service: Int16 = -1
        if !literal("null") {
            guard let name = quoted(), let s = names.services[name] else { return nil }
            service = s
        }
        guard literal(#","detail":"#) else { return nil }
        let negative = literal("-")
        guard let magnitude = unsigned(max: negative ? 2_147_483_648 : 2_147_483_647), i + 1 == n,
            line[i] == UInt8(ascii: "}")
        else { return nil }
        if negative && magnitude == 0 { return nil }
        if EventKind.needingService.contains(kind) && service < 0 { return nil }
        let detail = negative ? Int32(truncatingIfNeeded: -Int64(magnitude)) : Int32(magnitude)
        return (
            Int(rep),
            Event(
                time: t, sequence: seq, patient: patient, kind: kind, cohort: cohort, service: service, detail: detail)
        )
    }
}

/// Name lookups of a log's context (kinds, cohorts and services by name).
struct EventNames: Sendable {
    let kinds: [String: EventKind]
    let cohorts: [String: Int16]
    let services: [String: Int16]

    init(_ context: ProjectionContext) {
        kinds = Dictionary(EventKind.allCases.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var c: [String: Int16] = [:]
        for (i, cohort) in context.cohorts.enumerated() where c[cohort.name] == nil {
            c[cohort.name] = Int16(truncatingIfNeeded: i)
        }
        cohorts = c
        var s: [String: Int16] = [:]
        for (i, service) in context.services.enumerated() where s[service.name] == nil {
            s[service.name] = Int16(truncatingIfNeeded: i)
        }
        services = s
    }
}
