import Foundation

/// One patient's story, told from a log in plain words with calendar dates and times.
///
/// Dates come from the header's context (`origin` + time); the durations of stays, delays,
/// waits and assessments are computed from the patient's own events.
public struct PatientTrace: Sendable {
    /// A trace that cannot be told: the replication or the patient is not in the log.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case unknownReplication(String)
        case unknownPatient(String)

        public var description: String {
            switch self {
            case .unknownReplication(let m), .unknownPatient(let m): m
            }
        }
    }

    public var header: EventLogHeader
    public var patient: UInt32
    public var replication: Int
    /// The patient's events, in order.
    public var events: [Event]
    /// Time of the replication's `end`.
    public var endTime: Double

    public init(header: EventLogHeader, patient: UInt32, replication: Int, events: [Event], endTime: Double) {
        self.header = header
        self.patient = patient
        self.replication = replication
        self.events = events
        self.endTime = endTime
    }

    /// Reads the events of `patient` in `replication` from the log at `path` (any format). Only
    /// the log up to that replication's `end` is read (and checked).
    ///
    /// - Throws: `Problem` for an unknown replication or patient; `LogError` for a damaged log.
    public static func read(path: String, patient: UInt32, replication: Int) throws -> PatientTrace {
        let stream = try EventLogStream(path: path)
        let header = stream.header
        guard replication >= 0, replication < header.replications else {
            throw Problem.unknownReplication(
                "\(path): no replication \(replication): the log holds replications 0 to \(header.replications - 1)")
        }
        var events: [Event] = []
        var highest: Int64 = -1
        var endTime = header.context.horizon
        while let (rep, event) = try stream.next() {
            guard rep == replication else {
                if rep > replication { break }
                continue
            }
            if event.patient != Event.noPatient {
                highest = max(highest, Int64(event.patient))
                if event.patient == patient { events.append(event) }
            }
            if event.kind == .end {
                endTime = event.time
                break
            }
        }
        guard !events.isEmpty else {
            let range = highest >= 0 ? "its patients are numbered 0 to \(highest)" : "it has no patients"
            throw Problem.unknownPatient("\(path): no patient \(patient) in replication \(replication) (\(range))")
        }
        return PatientTrace(
            header: header, patient: patient, replication: replication, events: events, endTime: endTime)
    }

    /// The story: a title line, then one line per event ("2016-11-03 14:20  crisis (cohort
    /// frail)"), then what is still open at the end of the run.
    public func story(logName: String? = nil) -> String {
        let c = header.context
        var lines: [String] = []
        let first = events.first.map { PatientTrace.clock($0.time, origin: c.origin) } ?? ""
        let last = events.last.map { PatientTrace.clock($0.time, origin: c.origin) } ?? ""
        let of = logName.map { " of \($0)" } ?? ""
        lines.append(
            "Patient \(patient), replication \(replication)\(of): \(events.count) events from \(first) to \(last) "
                + "(measured period \(c.start) to \(c.start.adding(days: c.days - 1)); simulated clock times)")
        lines += PatientTrace.lines(events, context: c, endTime: endTime)
        return lines.joined(separator: "\n") + "\n"
    }

    /// `YYYY-MM-DD HH:MM` of simulated time `t` (days since `origin`), to the nearest minute.
    public static func clock(_ t: Double, origin: CivilDate) -> String {
        var day = Int(t.rounded(.down))
        var minute = Int(((t - Double(day)) * 1440).rounded())
        if minute >= 1440 {
            day += 1
            minute -= 1440
        }
        let hh = String(minute / 60).leftPadded(to: 2, with: "0")
        let mm = String(minute % 60).leftPadded(to: 2, with: "0")
        return "\(origin.adding(days: day)) \(hh):\(mm)"
    }

    /// A duration in days, as "4.2 days", or under a day as "5.5 hours" (to a tenth).
    public static func duration(_ days: Double) -> String {
        (days * 240).rounded() < 240 ? String(format: "%.1f hours", days * 24) : String(format: "%.1f days", days)
    }

    /// One line per event of one patient, and a last line for anything open at `endTime`.
    public static func lines(_ events: [Event], context c: ProjectionContext, endTime: Double) -> [String] {
        func service(_ i: Int16) -> String {
            i >= 0 && Int(i) < c.services.count ? c.services[Int(i)].name : "service \(i)"
        }
        func cohort(_ i: Int16) -> String { i >= 0 && Int(i) < c.cohorts.count ? c.cohorts[Int(i)].name : "none" }
        func pathway(_ i: Int32) -> String { i >= 0 && Int(i) < c.pathways.count ? c.pathways[Int(i)] : "\(i)" }
        let acute = Int16(c.acute)

        var stayStart: [Int16: Double] = [:]
        var delayStart: [Int16: Double] = [:]
        var delayed: [Int16: Double] = [:]
        var waitStart: [Int16: Double] = [:]
        var placeAwaited: Int16?
        var edWaitStart: Double?
        var assessmentStart: Double?
        var lines: [String] = []

        func closeDelay(_ s: Int16, at t: Double) {
            if let d = delayStart.removeValue(forKey: s) { delayed[s, default: 0] += t - d }
        }
        func stayText(_ s: Int16, until t: Double, soFar: Bool = false) -> String {
            guard let start = stayStart[s] else { return "" }
            var text = "stay \(duration(t - start))\(soFar ? " so far" : "")"
            if let d = delayed[s], d > 0 { text += ", delayed \(duration(d))" }
            return text
        }

        for e in events {
            let t = e.time
            let s = e.service
            let text: String
            switch e.kind {
            case .crisis:
                text =
                    e.detail == 1
                    ? "crisis, a readmission (cohort \(cohort(e.cohort)))" : "crisis (cohort \(cohort(e.cohort)))"
            case .notConveyed:
                text = "not conveyed to hospital: stays where they are"
            case .conveyance:
                text = "conveyed to hospital: non-elective admission"
            case .edWait:
                edWaitStart = t
                text = "no \(service(s)) bed free: waiting in ED"
            case .diversion where s >= 0 && s != acute:
                text = "no \(service(s)) place free and its waiting list full: placed out of area"
            case .diversion:
                let waited = edWaitStart.map { " after waiting \(duration(t - $0)) in ED" } ?? ""
                edWaitStart = nil
                text = "diverted out of area\(waited): leaves the modelled system"
            case .enter:
                var t2: String
                if s == acute {
                    t2 = "admitted to \(service(s))"
                    if let w = edWaitStart { t2 += " after waiting \(duration(t - w)) in ED" }
                    edWaitStart = nil
                } else {
                    t2 = "entered \(service(s))"
                    if let w = waitStart.removeValue(forKey: s) { t2 += " (waited \(duration(t - w)) for the place)" }
                }
                if placeAwaited == s { placeAwaited = nil }
                stayStart[s] = t
                delayed[s] = 0
                delayStart[s] = nil
                text = t2
            case .leave:
                closeDelay(s, at: t)
                let stay = stayText(s, until: t)
                let to: String
                switch e.detail {
                case Destination.home: to = "left \(service(s)) for home"
                case Destination.died: to = "left \(service(s)) (died)"
                default: to = "left \(service(s)) for \(service(Int16(truncatingIfNeeded: e.detail)))"
                }
                text = stay.isEmpty ? to : "\(to): \(stay)"
                stayStart[s] = nil
                delayed[s] = nil
            case .medicallyOptimised:
                let after = stayStart[s].map { " (after \(duration(t - $0)) in \(service(s)))" } ?? ""
                text = "medically optimised, pathway \(pathway(e.detail))\(after)"
            case .assessmentStart:
                assessmentStart = t
                text = "assessment started"
            case .assessmentEnd:
                let took = assessmentStart.map { " (took \(duration(t - $0)))" } ?? ""
                assessmentStart = nil
                text = "assessment complete\(took)"
            case .delay:
                closeDelay(s, at: t)
                delayStart[s] = t
                if let code = DelayCode(packed: e.detail) {
                    let why = "reason \(code.reason.code), \(code.responsible.label)"
                    if let place = placeAwaited, code.reason != .a {
                        text = "delayed in \(service(s)) awaiting a \(service(place)) place (\(why))"
                    } else {
                        text = "delayed in \(service(s)): \(code.reason.meaning) (\(why))"
                    }
                } else {
                    text = "delayed in \(service(s)) (code \(e.detail))"
                }
            case .transferWait:
                waitStart[s] = t
                placeAwaited = s
                text = "waiting for a \(service(s)) place"
            case .serviceEnd:
                let outcome = Outcome(rawValue: e.detail)?.label ?? "outcome \(e.detail)"
                let after = stayStart[s].map { " (after \(duration(t - $0)))" } ?? ""
                text = "\(service(s)) ended: \(outcome)\(after)"
            case .careHomeAdmission:
                let admission = CareHomeAdmission(packed: e.detail)
                let funded = admission?.selfFunded == true ? ", self-funded" : ""
                switch admission?.source {
                case .hospital: text = "permanent admission to \(service(s)) (from hospital\(funded))"
                case .community: text = "permanent admission to \(service(s)) (from the community\(funded))"
                case .intermediateCare:
                    text = "permanent admission to \(service(s)) (from intermediate care\(funded))"
                case .initialResident: text = "resident of \(service(s)) when the run starts"
                case nil: text = "admission to \(service(s)) (source \(e.detail))"
                }
            case .death:
                text = s >= 0 ? "died in \(service(s))" : "died"
            case .followUp91:
                text =
                    "91-day follow-up after leaving hospital for reablement: \(FollowUpStatus(rawValue: e.detail)?.label ?? "status \(e.detail)")"
            case .capacity:
                text = "capacity of \(service(s)) set to \(e.detail)"
            case .end:
                text = "end of the run"
            }
            lines.append("\(clock(t, origin: c.origin))  \(text)")
        }
        // What is still open when the run ends.
        for s in stayStart.keys.sorted() {
            closeDelay(s, at: endTime)
            lines.append(
                "\(clock(endTime, origin: c.origin))  end of the run: still in \(service(s)) (\(stayText(s, until: endTime, soFar: true)))"
            )
        }
        if let w = edWaitStart {
            lines.append(
                "\(clock(endTime, origin: c.origin))  end of the run: still waiting in ED (\(duration(endTime - w)) so far)"
            )
        }
        return lines
    }
}
