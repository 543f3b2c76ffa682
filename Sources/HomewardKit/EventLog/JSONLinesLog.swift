import Foundation

/// Writes one replication's events as JSON Lines, buffered.
///
/// Line format (documented in docs/event-log.md):
/// `{"rep":0,"seq":12,"t":3.25,"kind":"enter","patient":7,"cohort":"frail","service":"acute","detail":-1}`
/// with `patient`, `cohort` and `service` null when not applicable.
public struct JSONLinesWriter: EventSink {
    let handle: FileHandle
    let path: String
    let context: ProjectionContext
    let replication: Int
    var buffer: [UInt8] = []
    var failure: String?
    let serviceNames: [[UInt8]]
    let cohortNames: [[UInt8]]
    let kindNames: [[UInt8]]

    public init(path: String, context: ProjectionContext, replication: Int) throws(LogError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw LogError.io("cannot create event log '\(path)'") }
        self.handle = handle
        self.path = path
        self.context = context
        self.replication = replication
        serviceNames = context.services.map { Array(escapeJSONString($0.name).utf8) }
        cohortNames = context.cohorts.map { Array(escapeJSONString($0.name).utf8) }
        var kinds = [[UInt8]](repeating: [], count: 256)
        for k in EventKind.allCases { kinds[Int(k.rawValue)] = Array("\"\(k.name)\"".utf8) }
        kindNames = kinds
        buffer.reserveCapacity(1 << 20)
    }

    public mutating func append(_ e: Event) {
        buffer.append(contentsOf: #"{"rep":"#.utf8)
        buffer.append(contentsOf: String(replication).utf8)
        buffer.append(contentsOf: #","seq":"#.utf8)
        buffer.append(contentsOf: String(e.sequence).utf8)
        buffer.append(contentsOf: #","t":"#.utf8)
        buffer.append(contentsOf: e.time.description.utf8)
        buffer.append(contentsOf: #","kind":"#.utf8)
        buffer.append(contentsOf: kindNames[Int(e.kind.rawValue)])
        buffer.append(contentsOf: #","patient":"#.utf8)
        if e.patient == Event.noPatient { buffer.append(contentsOf: "null".utf8) } else { buffer.append(contentsOf: String(e.patient).utf8) }
        buffer.append(contentsOf: #","cohort":"#.utf8)
        if e.cohort >= 0 { buffer.append(contentsOf: cohortNames[Int(e.cohort)]) } else { buffer.append(contentsOf: "null".utf8) }
        buffer.append(contentsOf: #","service":"#.utf8)
        if e.service >= 0 { buffer.append(contentsOf: serviceNames[Int(e.service)]) } else { buffer.append(contentsOf: "null".utf8) }
        buffer.append(contentsOf: #","detail":"#.utf8)
        buffer.append(contentsOf: String(e.detail).utf8)
        buffer.append(contentsOf: "}\n".utf8)
        if buffer.count >= 1 << 20 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty, failure == nil else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            failure = "cannot write event log '\(path)': \(error.localizedDescription)"
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes; throws the first write failure, if any.
    public mutating func close() throws(LogError) {
        flush()
        try? handle.close()
        if let failure { throw LogError.io(failure) }
    }

    /// Joins per-replication parts behind a header into `path`, atomically (written to a
    /// temporary file, then renamed), and removes the parts.
    static func concatenate(parts: [String], header: EventLogHeader, into path: String) throws(LogError) {
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data((header.json.jsonText() + "\n").utf8)),
            let out = FileHandle(forWritingAtPath: temporary)
        else { throw LogError.io("cannot create event log '\(path)'") }
        do {
            try out.seekToEnd()
            for part in parts {
                guard let input = FileHandle(forReadingAtPath: part) else { throw LogError.io("cannot read '\(part)'") }
                while let chunk = try input.read(upToCount: 4 << 20), !chunk.isEmpty { try out.write(contentsOf: chunk) }
                try input.close()
                try FileManager.default.removeItem(atPath: part)
            }
            try out.close()
            guard rename(temporary, path) == 0 else {
                throw LogError.io("cannot write event log '\(path)': \(String(cString: strerror(errno)))")
            }
        } catch let error as LogError {
            throw error
        } catch {
            throw LogError.io("cannot write event log '\(path)': \(error.localizedDescription)")
        }
    }
}

/// Reads a JSON Lines event log and replays it through the projections.
public enum EventLogReader {
    /// Replays every replication of the log at `path` and returns their metrics in order.
    ///
    /// - Throws: `LogError` naming the line and problem when the log is damaged.
    public static func replay(path: String) throws(LogError) -> (header: EventLogHeader, replications: [ReplicationMetrics]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LogError.io("\(path): cannot read the event log (no such file or not readable)")
        }
        var header: EventLogHeader?
        var projection: Projection?
        var results: [ReplicationMetrics] = []
        var expectedSeq: UInt64 = 0
        var currentRep = -1
        var lineNumber = 0
        var sawEnd = true
        var start = data.startIndex
        while start < data.endIndex {
            let end = data[start...].firstIndex(of: 0x0A) ?? data.endIndex
            let line = data[start..<end]
            let complete = end < data.endIndex
            start = end < data.endIndex ? data.index(after: end) : end
            lineNumber += 1
            guard !line.isEmpty else { continue }
            let value: JSONValue
            do {
                value = try JSON5.parse(String(decoding: line, as: UTF8.self))
            } catch {
                if !complete { throw LogError.truncated("\(path): line \(lineNumber) is cut short (\(error.description))") }
                throw LogError.corrupt("\(path): line \(lineNumber): \(error.description)")
            }
            guard let h = header else {
                do { header = try EventLogHeader(json: value) } catch {
                    if case .corrupt(let message) = error { throw LogError.corrupt("\(path): \(message)") }
                    throw error
                }
                continue
            }
            let (rep, event) = try decode(value, context: h.context, line: lineNumber, path: path)
            if rep == currentRep && sawEnd {
                throw LogError.corrupt("\(path): line \(lineNumber): event after the end of replication \(rep)")
            }
            if rep != currentRep {
                guard sawEnd, rep == currentRep + 1 else {
                    throw LogError.corrupt("\(path): line \(lineNumber): replication \(rep) follows replication \(currentRep) before its end")
                }
                currentRep = rep
                projection = Projection(context: h.context)
                expectedSeq = 0
                sawEnd = false
            }
            guard event.sequence == expectedSeq else {
                throw LogError.corrupt("\(path): line \(lineNumber): sequence \(event.sequence), expected \(expectedSeq) (an event is missing or out of order)")
            }
            expectedSeq += 1
            projection!.append(event)
            if event.kind == .end {
                results.append(projection!.metrics())
                sawEnd = true
            }
        }
        guard let h = header else { throw LogError.truncated("\(path): the log is empty (no header)") }
        guard sawEnd, results.count == h.replications else {
            throw LogError.truncated("\(path): the log ends after \(results.count) complete replications of \(h.replications)")
        }
        return (h, results)
    }

    static func decode(_ value: JSONValue, context: ProjectionContext, line: Int, path: String) throws(LogError) -> (Int, Event) {
        func bad(_ m: String) -> LogError { LogError.corrupt("\(path): line \(line): \(m)") }
        guard let o = value.objectValue else { throw bad("not an event object") }
        guard let rep = o["rep"]?.numberValue, rep >= 0, rep == rep.rounded() else { throw bad("bad 'rep'") }
        guard let seq = o["seq"]?.numberValue, seq >= 0, seq == seq.rounded() else { throw bad("bad 'seq'") }
        guard let t = o["t"]?.numberValue, t.isFinite, t >= 0 else { throw bad("bad time 't'") }
        guard let kindName = o["kind"]?.stringValue, let kind = EventKind(name: kindName) else { throw bad("unknown event kind") }
        guard let detail = o["detail"]?.numberValue, detail == detail.rounded(), abs(detail) < 2e9 else { throw bad("bad 'detail'") }
        var patient = Event.noPatient
        if let p = o["patient"], !p.isNull {
            guard let n = p.numberValue, n >= 0, n < Double(UInt32.max), n == n.rounded() else { throw bad("bad 'patient'") }
            patient = UInt32(n)
        }
        var cohort: Int16 = -1
        if let c = o["cohort"], !c.isNull {
            guard let name = c.stringValue, let i = context.cohorts.firstIndex(where: { $0.name == name }) else {
                throw bad("unknown cohort \(c.jsonText())")
            }
            cohort = Int16(i)
        }
        var service: Int16 = -1
        if let s = o["service"], !s.isNull {
            guard let name = s.stringValue, let i = context.services.firstIndex(where: { $0.name == name }) else {
                throw bad("unknown service \(s.jsonText())")
            }
            service = Int16(i)
        }
        let needsService: Set<EventKind> = [.enter, .leave, .capacity, .delay, .transferWait, .careHomeAdmission, .serviceEnd]
        if needsService.contains(kind) && service < 0 { throw bad("event '\(kindName)' needs a service") }
        return (Int(rep), Event(time: t, sequence: UInt64(seq), patient: patient, kind: kind, cohort: cohort, service: service, detail: Int32(detail)))
    }
}
