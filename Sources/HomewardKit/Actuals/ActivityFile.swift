import Foundation

/// One spell of real activity: a stay of one patient in one service (a hospital admission, an
/// episode of reablement, a care-home placement...). The documented CSV format is in
/// `docs/actuals.md`; `ActivityFile` reads it.
///
/// A file may hold millions of spells, so a spell is stored in 64 bytes: small integers for
/// indexes and a sentinel (NaN, or an impossible index) for each absent value, behind the
/// optional-valued properties below. The patient's pseudonym is kept once per patient, in
/// `ActivityFile.patients`.
public struct Spell: Sendable, Equatable {
    private var arrivalTime: Double
    /// Entry to the service; for a patient still waiting in ED at the end of the data (no
    /// admission yet), equal to `arrival` with `waiting` set.
    public var admitted: Double
    private var optimisedTime: Double
    private var dischargedTime: Double
    private var delayedFromTime: Double
    private var lineNumber: Int32
    /// Index of the patient's pseudonym in `ActivityFile.patients`.
    public var patient: Int32
    private var destinationCode: Int32
    private var delayCode: Int32
    private var cohortIndex: Int16
    private var serviceIndex: Int16
    private var pathwayIndex: Int16
    private var flags: UInt8

    private static let noDestination = Int32.min
    private static let waitingFlag: UInt8 = 1
    private static let readmissionFlag: UInt8 = 2

    public init(
        line: Int, patient: Int32, cohort: Int, service: Int, arrival: Double, admitted: Double, waiting: Bool = false,
        optimised: Double?, discharged: Double?, pathway: Int?, destination: Int32?, delayedFrom: Double?,
        delay: DelayCode?, readmission: Bool
    ) {
        arrivalTime = arrival
        self.admitted = admitted
        optimisedTime = optimised ?? .nan
        dischargedTime = discharged ?? .nan
        delayedFromTime = delayedFrom ?? .nan
        lineNumber = Int32(clamping: line)
        self.patient = patient
        destinationCode = destination ?? Self.noDestination
        delayCode = delay?.packed ?? -1
        cohortIndex = Int16(clamping: cohort)
        serviceIndex = Int16(clamping: service)
        pathwayIndex = pathway.map { Int16(clamping: $0) } ?? -1
        flags = (waiting ? Self.waitingFlag : 0) | (readmission ? Self.readmissionFlag : 0)
    }

    /// The row's line number in its file (1 is the header), for messages.
    public var line: Int { Int(lineNumber) }
    public var cohort: Int { Int(cohortIndex) }
    public var service: Int { Int(serviceIndex) }
    /// Arrival at the front door (ED) for acute spells; equal to `admitted` when not given.
    public var arrival: Double { arrivalTime }
    public var waiting: Bool { flags & Self.waitingFlag != 0 }
    /// Medically optimised (acute) or ready to leave (other services), if recorded.
    public var optimised: Double? { optimisedTime.isNaN ? nil : optimisedTime }
    /// Discharge; nil while the spell is open at the end of the data.
    public var discharged: Double? { dischargedTime.isNaN ? nil : dischargedTime }
    public var pathway: Int? { pathwayIndex < 0 ? nil : Int(pathwayIndex) }
    /// `Destination.home`, `Destination.died` or a service index; nil for open spells.
    public var destination: Int32? { destinationCode == Self.noDestination ? nil : destinationCode }
    /// When the recorded delay started (`delayed_from`, or `optimised` when the file has no
    /// such column); it lasts to `discharged` or, in an open spell, to the end of the data.
    public var delayedFrom: Double? { delayedFromTime.isNaN ? nil : delayedFromTime }
    public var delay: DelayCode? { DelayCode(packed: delayCode) }
    public var readmission: Bool { flags & Self.readmissionFlag != 0 }

    public static func == (a: Spell, b: Spell) -> Bool {
        a.line == b.line && a.patient == b.patient && a.cohort == b.cohort && a.service == b.service
            && a.arrival == b.arrival && a.admitted == b.admitted && a.waiting == b.waiting
            && a.optimised == b.optimised
            && a.discharged == b.discharged && a.pathway == b.pathway && a.destination == b.destination
            && a.delayedFrom == b.delayedFrom && a.delay == b.delay && a.readmission == b.readmission
    }
}

/// An error in an activity file: the file, the line and the column, and what is wrong.
public struct ActivityError: Error, Sendable, CustomStringConvertible, Equatable {
    public var messages: [String]
    public var description: String { messages.joined(separator: "\n") }
}

/// Reads the activity CSV format against a scenario (whose names of cohorts, services and
/// pathways the file uses). Times are read as days since `origin` (midnight).
public struct ActivityFile: Sendable {
    public var file: String
    /// The spells, in the order of their lines.
    public var spells: [Spell]
    /// Each patient's pseudonym, as given, in the order patients first appear (`Spell.patient`
    /// indexes it).
    public var patients: [String]
    /// Rows whose delay had no `delay_reason` (counted as O, "other") or no `responsible`
    /// (counted as NHS): reported, never hidden.
    public var delaysWithoutReason = 0
    public var delaysWithoutResponsible = 0

    /// The columns, in the order `homeward events activity` writes them.
    public static let columns = [
        "patient", "age_band", "cohort", "service", "arrival", "admitted", "optimised", "delayed_from", "discharged",
        "pathway", "destination",
        "delay_reason", "responsible", "readmission",
    ]
    static let required = ["patient", "cohort", "admitted"]
    /// Whether the file has the `delayed_from` column (else delays run from `optimised`).
    public var hasDelayedFrom = false
    /// Errors listed before reading stops (a wrong file would otherwise list every row).
    static let maximumErrors = 20
    /// Rows beyond this are refused (about 10 years of a large trust's spells, and a memory bound).
    public static let maximumRows = 20_000_000
    /// The longest line (record) accepted, in bytes: a row of the documented columns takes
    /// about 150; anything near this is not an activity file. The file is read as a stream, one
    /// line at a time, so memory grows with the spells kept, never with a line.
    public static let maximumLineBytes = 65_536

    /// Parses `text` (the content of `file`).
    /// - Parameters:
    ///   - text: the CSV.
    ///   - file: the file's name, for messages.
    ///   - scenario: the scenario whose service, cohort and pathway names the rows must use.
    ///   - origin: the date whose midnight is time 0.
    /// - Throws: `ActivityError` naming the file, line and column of every problem found.
    public init(text: String, file: String, scenario: Scenario, origin: CivilDate) throws(ActivityError) {
        let reader = CSVRecordReader(bytes: Array(text.utf8), maximumRecordBytes: Self.maximumLineBytes)
        try self.init(reader: reader, file: file, scenario: scenario, origin: origin)
    }

    /// A record of the file, or an error naming the file and line.
    static func next(_ reader: CSVRecordReader, file: String) throws(ActivityError) -> (
        line: Int, fields: [CSVField]
    )? {
        do {
            return try reader.next()
        } catch {
            let message: String
            switch error {
            case .recordTooLong(let line, let limit):
                message =
                    "\(file): line \(line): longer than \(limit) bytes, the limit for a line of an activity file (see docs/actuals.md)"
            case .notUTF8(let line): message = "\(file): line \(line): not UTF-8 text"
            case .unterminatedQuote(let line):
                message = "\(file): line \(line): a quoted field is never closed (a '\"' is missing)"
            case .io(let why): message = "\(file): cannot be read (\(why))"
            }
            throw ActivityError(messages: [message])
        }
    }

    /// A field's value: unquoted fields are trimmed of spaces; a `'` that `CSV.field` put in
    /// front of a formula-like name is removed. Empty is nil.
    static func value(_ field: CSVField) -> String? {
        let text = field.quoted ? field.text : CSV.trimmed(field.text)
        return text.isEmpty ? nil : CSV.decodeText(text)
    }

    init(reader: CSVRecordReader, file: String, scenario: Scenario, origin: CivilDate) throws(ActivityError) {
        self.file = file
        var errors: [String] = []
        func fail(_ line: Int, _ column: String?, _ message: String) {
            if errors.count < Self.maximumErrors {
                errors.append("\(file): line \(line)" + (column.map { ", column \($0)" } ?? "") + ": \(message)")
            }
        }
        guard let (_, headerFields) = try Self.next(reader, file: file),
            !(headerFields.count == 1 && headerFields[0].text.isEmpty)
        else {
            throw ActivityError(messages: [
                "\(file): empty file: expected a header line with the columns \(Self.columns.joined(separator: ","))"
            ])
        }
        let header = headerFields.map(\.text)
        var index: [String: Int] = [:]
        for (i, raw) in header.enumerated() {
            let name = CSV.trimmed(raw).lowercased()
            if !Self.columns.contains(name) {
                let hint = Suggestion.closest(to: name, among: Self.columns).map { " (did you mean '\($0)'?)" } ?? ""
                fail(1, name, "unknown column '\(raw)'\(hint); the columns are \(Self.columns.joined(separator: ", "))")
            } else if index[name] != nil {
                fail(1, name, "column '\(name)' appears twice")
            } else {
                index[name] = i
            }
        }
        for name in Self.required where index[name] == nil { fail(1, nil, "missing the required column '\(name)'") }
        hasDelayedFrom = index["delayed_from"] != nil
        if !errors.isEmpty { throw ActivityError(messages: errors) }

        let cohorts = Dictionary(scenario.cohorts.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        let services = Dictionary(scenario.services.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        let pathways = Dictionary(scenario.pathways.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        var spells: [Spell] = []
        var patients: [String] = []
        var patientIndex: [String: Int32] = [:]
        var rowCount = 0
        // Reading stops at the error limit: a wrong file would otherwise be read to its end.
        while errors.count < Self.maximumErrors, let (line, row) = try Self.next(reader, file: file) {
            if row.count == 1 && !row[0].quoted && CSV.trimmed(row[0].text).isEmpty {
                continue  // blank line
            }
            rowCount += 1
            guard rowCount <= Self.maximumRows else {
                throw ActivityError(messages: [
                    "\(file): line \(line): more than the \(Self.maximumRows) rows allowed: split the file by period"
                ])
            }
            if row.count != header.count {
                fail(line, nil, "has \(row.count) fields but the header has \(header.count)")
                continue
            }
            func value(_ column: String) -> String? {
                guard let i = index[column] else { return nil }
                return Self.value(row[i])
            }
            func time(_ column: String) -> Double? {
                guard let text = value(column) else { return nil }
                guard let t = ActivityTime.parse(text, origin: origin) else {
                    fail(
                        line, column,
                        "'\(text)' is not a date and time (use YYYY-MM-DD HH:MM, YYYY-MM-DDTHH:MM[:SS] or YYYY-MM-DD)")
                    return nil
                }
                return t
            }
            func name(_ column: String, in names: [String: Int], what: String) -> Int? {
                guard let text = value(column) else { return nil }
                if let i = names[text] { return i }
                let known = names.keys.sorted()
                let hint = Suggestion.closest(to: text, among: known).map { " (did you mean '\($0)'?)" } ?? ""
                fail(
                    line, column,
                    "unknown \(what) '\(text)'\(hint); the scenario's are \(known.joined(separator: ", "))")
                return nil
            }
            let errorsBefore = errors.count
            guard let patient = value("patient") else {
                fail(line, "patient", "is empty")
                continue
            }
            guard value("cohort") != nil else {
                fail(line, "cohort", "is empty")
                continue
            }
            let cohort = name("cohort", in: cohorts, what: "cohort")
            let service = value("service") == nil ? scenario.acute : name("service", in: services, what: "service")
            let arrival = time("arrival")
            let optimised = time("optimised")
            let delayedFrom = time("delayed_from")
            let discharged = time("discharged")
            // Empty `admitted` with an `arrival`: still waiting in ED at the end of the data.
            let waiting = value("admitted") == nil && arrival != nil && discharged == nil && optimised == nil
            let admitted = waiting ? arrival : time("admitted")
            if value("admitted") == nil && !waiting {
                fail(
                    line, "admitted",
                    "is empty (it may be empty only for a patient still waiting in ED: an arrival with no optimised or discharge time)"
                )
            }
            let pathway = name("pathway", in: pathways, what: "pathway")
            var destination: Int32?
            if let d = value("destination") {
                switch d.lowercased() {
                case "home": destination = Destination.home
                case "died", "death", "dead": destination = Destination.died
                default:
                    destination = name("destination", in: services, what: "destination (home, died or a service)").map(
                        Int32.init)
                }
            }
            var reason: DelayReason?
            if let code = value("delay_reason") {
                reason = Self.delayReason(code)
                if reason == nil {
                    fail(
                        line, "delay_reason",
                        "'\(code)' is not a delay reason (\(DelayReason.allCases.map(\.code).joined(separator: ", ")))")
                }
            }
            var responsible: Responsible?
            if let who = value("responsible") {
                responsible = Responsible.allCases.first {
                    $0.key.lowercased() == who.lowercased() || $0.label.lowercased() == who.lowercased()
                }
                if responsible == nil { fail(line, "responsible", "'\(who)' is not one of nhs, socialCare, both") }
            }
            var readmission = false
            if let flag = value("readmission") {
                switch flag.lowercased() {
                case "1", "true", "yes", "y": readmission = true
                case "0", "false", "no", "n": readmission = false
                default: fail(line, "readmission", "'\(flag)' is not a flag (1/0, true/false, yes/no)")
                }
            }
            guard errors.count == errorsBefore, let cohort, let service, let admitted else { continue }
            // Order of the times.
            let arrive = arrival ?? admitted
            if arrive > admitted { fail(line, "arrival", "is after 'admitted'") }
            if let o = optimised, o < admitted { fail(line, "optimised", "is before 'admitted'") }
            if let f = delayedFrom, f < admitted { fail(line, "delayed_from", "is before 'admitted'") }
            if let f = delayedFrom, let d = discharged, f > d { fail(line, "delayed_from", "is after 'discharged'") }
            if waiting && service != scenario.acute {
                fail(line, "admitted", "is empty, which only a patient waiting for an acute bed may be")
            }
            if let d = discharged {
                if d < admitted { fail(line, "discharged", "is before 'admitted'") }
                if let o = optimised, d < o { fail(line, "discharged", "is before 'optimised'") }
                if destination == nil {
                    fail(line, "destination", "is empty but the spell has a discharge (give home, died or a service)")
                }
            } else if destination != nil {
                fail(line, "destination", "is given but 'discharged' is empty")
            }
            if arrival != nil && service != scenario.acute {
                fail(line, "arrival", "applies only to the acute service (\(scenario.services[scenario.acute].name))")
            }
            if pathway != nil && service != scenario.acute {
                fail(line, "pathway", "applies only to the acute service (\(scenario.services[scenario.acute].name))")
            }
            if destination.map({ $0 >= 0 && Int($0) == service }) == true {
                fail(line, "destination", "is the spell's own service")
            }
            guard errors.count == errorsBefore else { continue }
            var delay: DelayCode?
            let delayStart = hasDelayedFrom ? delayedFrom : optimised
            if let o = delayStart, discharged.map({ $0 > o }) ?? true {
                if reason == nil { delaysWithoutReason += 1 }
                if responsible == nil { delaysWithoutResponsible += 1 }
                delay = DelayCode(reason: reason ?? .o, responsible: responsible ?? .nhs)
            }
            let id: Int32
            if let known = patientIndex[patient] {
                id = known
            } else {
                id = Int32(patients.count)
                patientIndex[patient] = id
                patients.append(patient)
            }
            spells.append(
                Spell(
                    line: line, patient: id, cohort: cohort, service: service, arrival: arrive, admitted: admitted,
                    waiting: waiting, optimised: optimised, discharged: discharged, pathway: pathway,
                    destination: destination,
                    delayedFrom: delay == nil ? nil : delayStart, delay: delay, readmission: readmission))
        }
        if !errors.isEmpty {
            if errors.count >= Self.maximumErrors {
                errors.append("\(file): (stopped after \(Self.maximumErrors) errors)")
            }
            throw ActivityError(messages: errors)
        }
        guard !spells.isEmpty else { throw ActivityError(messages: ["\(file): no spells (only a header)"]) }
        self.spells = spells
        self.patients = patients
        try checkOverlaps()
    }

    /// A sitrep code as extracts spell it: `A`, `d(i)`, `Dii`...
    static func delayReason(_ code: String) -> DelayReason? {
        let bare = code.uppercased().filter { $0 != "(" && $0 != ")" && $0 != " " }
        switch bare {
        case "DI": return .di
        case "DII": return .dii
        default: return DelayReason.allCases.first { $0.code == bare }
        }
    }

    /// The spells grouped by patient, as indexes into `spells`: the patients in the order they
    /// first appear in the file (the order of `patients`), each patient's spells in time order
    /// (admission, then line). `starts[p] ..< starts[p + 1]` are patient `p`'s entries of `order`.
    /// Two arrays of 4 bytes a spell (and a patient), in place of a grouped copy of the spells.
    public func spellOrder() -> (order: [Int32], starts: [Int32]) {
        var starts = [Int32](repeating: 0, count: patients.count + 1)
        for s in spells { starts[Int(s.patient) + 1] += 1 }
        for p in patients.indices { starts[p + 1] += starts[p] }
        var next = starts
        var order = [Int32](repeating: 0, count: spells.count)
        for (i, s) in spells.enumerated() {
            let p = Int(s.patient)
            order[Int(next[p])] = Int32(i)
            next[p] += 1
        }
        // Within a patient the spells are in line order already; sort each by admission.
        for p in patients.indices where starts[p + 1] - starts[p] > 1 {
            order[Int(starts[p])..<Int(starts[p + 1])].sort {
                (spells[Int($0)].admitted, $0) < (spells[Int($1)].admitted, $1)
            }
        }
        return (order, starts)
    }

    /// Calls `body` with each patient's spells in time order (admission, then line in the file),
    /// patients in the order they first appear in the file.
    public func forEachPatient(_ body: (_ patient: Int, _ spells: [Spell]) throws -> Void) rethrows {
        let (order, starts) = spellOrder()
        var list: [Spell] = []
        for p in patients.indices {
            list.removeAll(keepingCapacity: true)
            for k in Int(starts[p])..<Int(starts[p + 1]) { list.append(spells[Int(order[k])]) }
            try body(p, list)
        }
    }

    /// Each patient's spells in time order (admission, then line in the file), patients in the
    /// order they first appear in the file. A grouped copy of every spell: prefer
    /// `forEachPatient`, which holds one patient's at a time.
    public func spellsByPatient() -> [(patient: String, spells: [Spell])] {
        var groups: [(patient: String, spells: [Spell])] = []
        forEachPatient { p, list in groups.append((patients[p], list)) }
        return groups
    }

    /// One patient cannot be in two places at once: spells of a patient must not overlap.
    /// Problems are listed by patient pseudonym (so the first 20 are the same whatever the
    /// order of the rows); the sort by name is done only when there is a problem to list.
    func checkOverlaps() throws(ActivityError) {
        let (order, starts) = spellOrder()
        func problems(of p: Int, into errors: inout [String]) {
            let range = Int(starts[p])..<Int(starts[p + 1])
            for k in range.dropLast() where errors.count < Self.maximumErrors {
                let a = spells[Int(order[k])]
                let b = spells[Int(order[k + 1])]
                let end = a.discharged ?? .infinity
                if end > b.admitted {
                    errors.append(
                        "\(file): line \(b.line), column admitted: patient '\(patients[p])' is admitted here before leaving the spell on line \(a.line) (spells of a patient must not overlap)"
                    )
                }
                if a.destination == Destination.died {
                    errors.append(
                        "\(file): line \(b.line): patient '\(patients[p])' has a spell after dying (line \(a.line))")
                }
            }
        }
        var errors: [String] = []
        for p in patients.indices {
            problems(of: p, into: &errors)
            if !errors.isEmpty { break }
        }
        guard !errors.isEmpty else { return }
        errors.removeAll()
        for p in patients.indices.sorted(by: { patients[$0] < patients[$1] }) where errors.count < Self.maximumErrors {
            problems(of: p, into: &errors)
        }
        throw ActivityError(messages: errors)
    }

    /// Reads a file from disk as a stream (one line of at most `maximumLineBytes` at a time);
    /// unreadable files are errors naming the file.
    public static func load(path: String, scenario: Scenario, origin: CivilDate) throws(ActivityError) -> ActivityFile {
        let reader: CSVRecordReader
        do {
            reader = try CSVRecordReader(path: path, maximumRecordBytes: maximumLineBytes)
        } catch {
            throw ActivityError(messages: [
                error.reason == .notFound ? "\(path): cannot be read (no such file)" : error.description
            ])
        }
        return try ActivityFile(reader: reader, file: path, scenario: scenario, origin: origin)
    }

    /// The earliest date in a file's `arrival` and `admitted` columns, without a scenario
    /// (to place the origin before reading); nil when none can be read. Reads the file as a
    /// stream, stopping at the first line it cannot read.
    public static func earliestDate(path: String) -> CivilDate? {
        guard let reader = try? CSVRecordReader(path: path, maximumRecordBytes: maximumLineBytes),
            let header = (try? reader.next())??.fields.map({ CSV.trimmed($0.text).lowercased() }
            )
        else { return nil }
        let columns = ["arrival", "admitted"].compactMap { header.firstIndex(of: $0) }
        var earliest: CivilDate?
        while let record = try? reader.next() {
            let row = record.fields
            guard row.count == header.count else { continue }
            for c in columns {
                guard let text = value(row[c]), text.count >= 10, let d = CivilDate(iso: String(text.prefix(10)))
                else { continue }
                if earliest.map({ d < $0 }) ?? true { earliest = d }
            }
        }
        return earliest
    }
}

/// Timestamps in activity files.
enum ActivityTime {
    /// Days since `origin` midnight: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM`, `YYYY-MM-DDTHH:MM`, each
    /// optionally with `:SS`.
    static func parse(_ text: String, origin: CivilDate) -> Double? {
        var text = text
        return text.withUTF8 { chars -> Double? in
            guard chars.count >= 10, let date = CivilDate(isoBytes: chars[0..<10]) else { return nil }
            var seconds = 0
            if chars.count > 10 {
                // `HH:MM` or `HH:MM:SS` after a space or a `T`, two ASCII digits each.
                let rest = chars[11...]
                guard chars[10] == UInt8(ascii: " ") || chars[10] == UInt8(ascii: "T"),
                    rest.count == 5 || rest.count == 8
                else { return nil }
                func two(_ at: Int) -> Int? {
                    let hi = rest[rest.startIndex + at]
                    let lo = rest[rest.startIndex + at + 1]
                    guard (48...57).contains(hi), (48...57).contains(lo) else { return nil }
                    return Int(hi - 48) * 10 + Int(lo - 48)
                }
                guard rest[rest.startIndex + 2] == UInt8(ascii: ":"), let h = two(0), let m = two(3), h < 24, m < 60
                else { return nil }
                var s = 0
                if rest.count == 8 {
                    guard rest[rest.startIndex + 5] == UInt8(ascii: ":"), let ss = two(6), ss < 60 else { return nil }
                    s = ss
                }
                seconds = h * 3600 + m * 60 + s
            }
            return Double(date.daysSinceEpoch - origin.daysSinceEpoch) + Double(seconds) / 86_400
        }
    }

    /// `YYYY-MM-DD HH:MM:SS` of a time in days since `origin`, to the nearest second.
    static func format(_ t: Double, origin: CivilDate) -> String {
        let totalSeconds = Int((t * 86_400).rounded())
        let day = Int((Double(totalSeconds) / 86_400).rounded(.down))
        let s = totalSeconds - day * 86_400
        let date = origin.adding(days: day)
        func two(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
        return "\(date) \(two(s / 3600)):\(two(s % 3600 / 60)):\(two(s % 60))"
    }
}
