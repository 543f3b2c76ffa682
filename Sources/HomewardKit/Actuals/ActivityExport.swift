/// A simulated replication written as an activity file: one row per spell, in the documented
/// CSV format that real activity uses (`homeward events activity`). It makes synthetic
/// activity with known parameters (to test calibration) and lets a forecast be handed to
/// anyone who reads hospital extracts.
public enum ActivityExport {
    struct OpenSpell {
        var cohort: Int
        var service: Int
        var arrival: Double?
        var admitted: Double
        var optimised: Double?
        var pathway: Int?
        var delayStart: Double?
        /// Time spent per delay code (packed) in this spell, to name its main reason.
        var delays: [Int32: Double] = [:]
        var currentDelay: (code: Int32, since: Double)?
        var readmission: Bool
        /// Conveyed and still waiting in ED at the end (never admitted).
        var waiting = false
    }

    /// What in `e` the context has no name for (a damaged or crafted log), or nil: the export
    /// names cohorts, services, pathways and destinations by index.
    static func problem(_ e: Event, _ context: ProjectionContext) -> String? {
        if (e.kind == .enter || e.kind == .conveyance) && !(0..<context.cohorts.count).contains(Int(e.cohort)) {
            return "cohort \(e.cohort) is not one of the scenario's"
        }
        if e.kind == .enter && !(0..<context.services.count).contains(Int(e.service)) {
            return "service \(e.service) is not one of the scenario's"
        }
        if e.kind == .medicallyOptimised && Int(e.detail) >= context.pathways.count {
            return "pathway \(e.detail) is not one of the scenario's"
        }
        if e.kind == .leave && (e.detail < Destination.died || Int(e.detail) >= context.services.count) {
            return "destination \(e.detail) is neither home, died nor a service of the scenario"
        }
        return nil
    }

    /// The CSV of replication `replication` of the log at `path`.
    public static func csv(path: String, replication: Int) throws(LogError) -> String {
        let stream = try EventLogStream(path: path)
        let context = stream.header.context
        guard replication >= 0 && replication < stream.header.replications else {
            throw LogError.corrupt(
                "\(path): no replication \(replication) (the log has \(stream.header.replications): 0 to \(stream.header.replications - 1))"
            )
        }
        var rows = CSV.row(ActivityFile.columns.map { .text($0) })
        var open: [UInt32: OpenSpell] = [:]
        var arrivals: [UInt32: (time: Double, readmission: Bool)] = [:]
        var lastCrisis: [UInt32: Bool] = [:]
        let origin = context.origin
        func time(_ t: Double?) -> String { t.map { ActivityTime.format($0, origin: origin) } ?? "" }
        func write(_ patient: UInt32, _ s: OpenSpell, discharged: Double?, destination: Int32?) {
            var reason = ""
            var responsible = ""
            if let main = s.delays.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) }),
                let code = DelayCode(packed: main.key)
            {
                reason = code.reason.code
                responsible = code.responsible.key
            }
            let ready = s.service == context.acute ? s.optimised : s.delayStart
            let admitted = s.waiting ? "" : time(s.admitted)
            let dest: String =
                switch destination {
                case nil: ""
                case Destination.home: "home"
                case Destination.died: "died"
                case let d?: context.services[Int(d)].name
                }
            let cohort = context.cohorts[s.cohort]
            let texts = [
                "P\(patient)", "\(cohort.minimumAge)+", cohort.name, context.services[s.service].name, time(s.arrival),
                admitted, time(ready), time(s.delayStart), time(discharged),
                s.pathway.map { context.pathways[$0] } ?? "", dest, reason, responsible,
            ]
            rows += CSV.row(texts.map { .text($0) } + [.integer(s.readmission ? 1 : 0)])
        }
        var lastCohort: [UInt32: Int] = [:]
        while let (r, e) = try stream.next() {
            if r < replication { continue }
            if r > replication { break }
            let p = e.patient
            if let problem = problem(e, context) {
                throw LogError.corrupt("\(path): replication \(r), event \(e.sequence) (\(e.kind)): \(problem)")
            }
            if e.kind == .conveyance { lastCohort[p] = Int(e.cohort) }
            switch e.kind {
            case .crisis:
                lastCrisis[p] = e.detail == 1
            case .conveyance:
                arrivals[p] = (e.time, lastCrisis[p] ?? false)
            case .diversion:
                // Admitted elsewhere: not part of this area's hospital activity.
                arrivals[p] = nil
            case .enter:
                let s = Int(e.service)
                let arrival = s == context.acute ? arrivals.removeValue(forKey: p) : nil
                open[p] = OpenSpell(
                    cohort: Int(e.cohort), service: s, arrival: arrival?.time, admitted: e.time,
                    readmission: s == context.acute ? (arrival?.readmission ?? false) : (lastCrisis[p] ?? false))
                if s != context.acute && context.services[s].kind == .crisisResponse { lastCrisis[p] = nil }
            case .medicallyOptimised:
                open[p]?.optimised = e.time
                open[p]?.pathway = e.detail >= 0 ? Int(e.detail) : nil
            case .delay:
                guard var s = open[p] else { continue }
                if let d = s.currentDelay { s.delays[d.code, default: 0] += e.time - d.since }
                s.currentDelay = (e.detail, e.time)
                if s.delayStart == nil { s.delayStart = e.time }
                open[p] = s
            case .leave:
                guard var s = open.removeValue(forKey: p) else { continue }
                if let d = s.currentDelay { s.delays[d.code, default: 0] += e.time - d.since }
                if s.service == context.acute && s.optimised == nil { s.optimised = s.delayStart }
                write(p, s, discharged: e.time, destination: e.detail)
            case .end:
                for (patient, var s) in open.sorted(by: { $0.key < $1.key }) {
                    if let d = s.currentDelay { s.delays[d.code, default: 0] += e.time - d.since }
                    write(patient, s, discharged: nil, destination: nil)
                }
                for (patient, arrival) in arrivals.sorted(by: { $0.key < $1.key }) {
                    guard let cohort = lastCohort[patient] else { continue }
                    var s = OpenSpell(
                        cohort: cohort, service: context.acute, arrival: arrival.time, admitted: arrival.time,
                        readmission: arrival.readmission)
                    s.waiting = true
                    write(patient, s, discharged: nil, destination: nil)
                }
                return rows
            default:
                break
            }
        }
        throw LogError.truncated("\(path): replication \(replication) has no end event")
    }
}
