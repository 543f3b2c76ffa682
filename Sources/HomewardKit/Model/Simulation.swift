import Foundation

/// One replication of a scenario: the patient-flow model driven by the event calendar.
///
/// The simulation keeps only the state it needs to decide what happens next (who is where,
/// which places are taken, who waits for what); it keeps no statistics. Everything it does is
/// appended to `sink` as `Event`s, and metrics are folds over those events (`Projection`).
///
/// A replication is a pure function of (scenario, master seed, replication number): each
/// cohort's arrivals and each patient's own decisions come from their own random streams,
/// derived from names rather than positions, so two scenarios that share structure share
/// streams (common random numbers).
public struct Simulation<Sink: EventSink> {
    public let scenario: Scenario
    public let replication: Int
    public var sink: Sink

    let clock: WorkingClock
    var calendar = EventCalendar<Action>(reservingCapacity: 4096)
    var now: Double = 0
    var sequence: UInt64 = 0
    /// Patients waiting in ED/escalation for an acute bed now.
    var inED = 0
    let horizon: Double

    // Patients: a slab of records reused through a free list; ids are never reused.
    var patients = RunBuffer<PatientRecord>()
    var freeSlots: [Int32] = []
    var nextPatientID: UInt32 = 0

    // Services.
    var occupied: RunBuffer<Int>
    var capacity: RunBuffer<Int>
    var queues: [FIFOQueue<Waiting>]
    /// Present residents by resident cohort (for picking whose crisis it is).
    var residents: [[Int32]]

    // Cohorts.
    var arrivalStreams: RunBuffer<RandomStream>
    var patientOrdinal: RunBuffer<UInt64>
    /// Community admissions so far, per care home (their streams are named by home and ordinal).
    var referralOrdinal: [UInt64]
    let referralStreamIDs: [UInt64]
    var lambdaMax: [Double]
    let crisisResponseServices: [Int]
    let cohortStreamIDs: [UInt64]
    var referralStreams: [RandomStream]
    /// Per care home, the draws of whether each new permanent resident is self-funded
    /// (`selfFunding/NAME`): a stream of its own, so that the draws move no other stream, and
    /// used only when the home's `selfFunderShare` is above 0.
    var fundingStreams: [RandomStream]
    let dischargeHours: Hours
    let assessmentHours: Hours
    let equipmentHours: Hours
    let acute: Int
    /// The scenario's schemes, indexed for use at each decision.
    let effects: SchemeEffects
    /// Capacity calendars with the schemes' capacity changes applied.
    let capacitySchedules: [CapacitySchedule]
    /// The scenario's per-event parameters as plain values (no reference counting to read them).
    let parameters: ModelParameters
    /// This replication's demand factor for each day (`DemandVariation`); empty without one.
    let demandFactor: [Double]
    /// The largest of `demandFactor` (1 without it), for the thinning bound.
    let maximumDemandFactor: Double

    /// Creates replication `replication` of `scenario`, with streams derived from `seed`.
    public init(scenario: Scenario, seed: UInt64, replication: Int, sink: Sink) {
        self.scenario = scenario
        self.replication = replication
        self.sink = sink
        self.horizon = scenario.horizon
        self.acute = scenario.acute
        let bankHolidays = scenario.working.bankHolidays
        clock = WorkingClock(
            origin: scenario.origin, horizonDays: scenario.warmupDays + scenario.days,
            bankHolidays: bankHolidays)
        let n = scenario.services.count
        let effects = SchemeEffects(scenario)
        self.effects = effects
        let totalDays = scenario.warmupDays + scenario.days
        let schedules = (0..<n).map { effects.capacity(scenario, service: $0, horizon: totalDays) }
        capacitySchedules = schedules
        occupied = RunBuffer(repeating: 0, count: n)
        capacity = RunBuffer(schedules.map(\.initial))
        queues = (0..<n).map { _ in FIFOQueue<Waiting>() }
        residents = Array(repeating: [], count: scenario.cohorts.count)
        let rep = UInt64(replication)
        cohortStreamIDs = scenario.cohorts.map { StreamID.named("cohort/" + $0.name) }
        arrivalStreams = RunBuffer(
            scenario.cohorts.map {
                RandomStream(master: seed, replication: rep, stream: StreamID.named("arrivals/" + $0.name))
            })
        referralStreams = scenario.services.map {
            RandomStream(master: seed, replication: rep, stream: StreamID.named("referrals/" + $0.name))
        }
        fundingStreams = scenario.services.map {
            RandomStream(master: seed, replication: rep, stream: StreamID.named("selfFunding/" + $0.name))
        }
        patientOrdinal = RunBuffer(repeating: 0, count: scenario.cohorts.count)
        referralOrdinal = Array(repeating: 0, count: scenario.services.count)
        referralStreamIDs = scenario.services.map { StreamID.named("referral/" + $0.name) }
        lambdaMax = Array(repeating: 0, count: scenario.cohorts.count)
        crisisResponseServices = scenario.services.indices.filter {
            scenario.services[$0].kind == .crisisResponse
        }
        let eligible = scenario.cohorts.indices.map { c in
            scenario.services.indices.filter { s in
                scenario.services[s].kind == .crisisResponse
                    && (scenario.services[s].eligibility[c] > 0
                        || effects.eligibility[s].contains { $0.cohort == c && $0.share > 0 })
            }
        }
        parameters = ModelParameters(scenario, cohortServices: eligible)
        let w = scenario.working
        dischargeHours = Hours(from: w.hours.from, to: w.hours.to, allDays: w.sevenDayDischarge)
        assessmentHours = Hours(from: w.hours.from, to: w.hours.to, allDays: w.sevenDayAssessment)
        equipmentHours = Hours(from: w.hours.from, to: w.hours.to, allDays: w.sevenDayEquipment)
        let factors = DailyDemandFactors(
            scenario: scenario, seed: seed, replication: replication, days: WorkingClock.margin)
        demandFactor = factors?.perDay ?? []
        maximumDemandFactor = factors?.maximum ?? 1
        self.seed = seed
    }

    let seed: UInt64

    /// Runs the replication to the horizon, appending every event to `sink`.
    public mutating func run() {
        // The per-event state changes in place from here on (see `RunBuffer`).
        patients.makeUnique()
        occupied.makeUnique()
        capacity.makeUnique()
        arrivalStreams.makeUnique()
        patientOrdinal.makeUnique()
        start()
        var sameInstant = 0
        while let next = calendar.popNext() {
            if next.time >= horizon { break }
            sameInstant = next.time == now ? sameInstant + 1 : 0
            now = next.time
            perform(next.payload)
            if sameInstant > Self.maximumEventsAtOneInstant {
                runaway =
                    "stopped at day \(Int(now)): more than \(Self.maximumEventsAtOneInstant) events at one instant without time passing "
                    + "(stays of zero length in a loop, e.g. an outcome 'readmitted' with zero durations): give the durations a positive length."
                break
            }
            if patients.count - freeSlots.count > patientLimit {
                runaway = runawayExplanation()
                break
            }
            if runaway != nil { break }
        }
        now = horizon
        emit(.end, patient: nil, service: -1, detail: 0)
    }

    /// More patients than this in the system at once means a queue growing without limit (a
    /// service whose demand exceeds its capacity for good), not a real system: the run stops.
    public static var maximumPatientsInSystem: Int { 2_000_000 }

    /// Events at a single instant beyond which the run cannot be advancing (a zero-time loop).
    public static var maximumEventsAtOneInstant: Int { 10_000_000 }

    /// Hospital admissions of one patient beyond which the run cannot be describing people: a
    /// cycle that sends every patient straight back to hospital (for example a service whose
    /// only outcome is 'readmitted', with short stays). Nobody is admitted 1,000 times even in
    /// the longest horizon allowed (100 years): that would be one admission every 36 days for
    /// life, while a readmission chain of probability p reaches 1,000 links with p^1000.
    public static var maximumAdmissionsPerPatient: UInt32 { 1_000 }

    /// The limit for this run (`maximumPatientsInSystem` unless a test sets a smaller one).
    public var patientLimit = Simulation.maximumPatientsInSystem

    /// Why the run stopped early, when it did (see `maximumPatientsInSystem`).
    public internal(set) var runaway: String?

    func runawayExplanation() -> String {
        let longest = queues.indices.max { queues[$0].count < queues[$1].count } ?? acute
        return "stopped at day \(Int(now)) of \(Int(horizon)): more than \(patientLimit) patients in the system; "
            + "\(queues[longest].count) are waiting for \(scenario.services[longest].name) (capacity \(capacity[longest])). "
            + "Demand exceeds capacity for good, so the queue grows without limit: add capacity or reduce demand."
    }

    func admissionCycleExplanation(_ p: Int32) -> String {
        let cohort = scenario.cohorts[Int(patients[Int(p)].cohort)].name
        let readmitting = scenario.services.filter {
            ($0.outcomes.first { $0.outcome == .readmitted }?.probability ?? 0) > 0
        }.map(\.name)
        return
            "stopped at day \(Int(now)) of \(Int(horizon)): a patient of cohort '\(cohort)' has been admitted to hospital more than "
            + "\(Self.maximumAdmissionsPerPatient) times, so patients are cycling between hospital and other services without end"
            + (readmitting.isEmpty
                ? "" : " (services with a 'readmitted' outcome: \(readmitting.joined(separator: ", ")))")
            + ". Check the readmission probabilities and outcomes, and that stays are not close to zero."
    }

    // MARK: - Set-up

    mutating func start() {
        for s in scenario.services.indices {
            emit(.capacity, patient: nil, service: s, detail: Int32(capacity[s]))
            for change in capacitySchedules[s].changes where Double(change.day) < horizon {
                calendar.schedule(
                    at: Double(change.day),
                    Action(capacityOf: Int32(s), becomes: change.capacity))
            }
        }
        for c in scenario.cohorts.indices { lambdaMax[c] = maximumRate(cohort: c) }
        placeInitialResidents()
        placeCensus()
        for c in scenario.cohorts.indices where lambdaMax[c] > 0 {
            scheduleNextArrival(cohort: c)
        }
        for s in scenario.services.indices where scenario.services[s].communityAdmissionsPerYear > 0 {
            scheduleNextReferral(careHome: s)
        }
    }

    mutating func placeInitialResidents() {
        for s in scenario.services.indices where scenario.services[s].kind == .careHome {
            let service = scenario.services[s]
            guard let cohort = service.residentCohort else { continue }
            let home = StreamID.named("resident/\(service.name)")
            for k in 0..<service.initialResidents {
                let p = newPatient(cohort: cohort, stream: StreamID.combine(home, UInt64(k)))
                occupied[s] += 1
                moveIntoCareHome(p, home: s, source: .initialResident)
            }
        }
    }

    mutating func placeCensus() {
        // Everyone is placed first; only then do acute patients already delayed seek places,
        // so that they cannot take places that the census says are already occupied.
        var delayed: [Int32] = []
        defer { for p in delayed { seekPlace(p) } }
        for (k, entry) in scenario.census.enumerated() {
            let s = entry.service
            let group = StreamID.named("census/\(k)")
            for j in 0..<entry.patients {
                let p = newPatient(cohort: entry.cohort, stream: StreamID.combine(group, UInt64(j)))
                occupied[s] += 1
                setLocation(p, .inService, place: s)
                emit(.enter, patient: p, service: s, detail: -1)
                if s == acute {
                    if let pathway = entry.delayedOnPathway {
                        patients[Int(p)].pathway = Int16(pathway)
                        emit(.medicallyOptimised, patient: p, service: s, detail: Int32(pathway))
                        delayed.append(p)
                    } else {
                        let cohort = scenario.cohorts[entry.cohort]
                        let stay = remainingTime(cohort.lengthOfStay, p)
                        let dies = patients[Int(p)].rng.uniform() < cohort.inHospitalMortality
                        calendar.schedule(
                            at: now + stay,
                            Action(kind: .acuteEnd, flag: dies, patient: p, token: patients[Int(p)].token))
                    }
                } else {
                    startServiceClock(p, service: s, residualFraction: true)
                }
            }
        }
    }

    // MARK: - Dispatch

    mutating func perform(_ action: Action) {
        if action.kind.isPatientMove {
            // Every patient action is scheduled by the place the patient is in; if the patient
            // has moved since (the token changed), the action would act on the wrong state.
            let current = patients[Int(action.subject)].token
            assert(current == action.patientToken, "stale \(action.kind) for patient slot \(action.subject)")
            guard current == action.patientToken else { return }
        }
        switch action.kind {
        case .arrival: arrival(cohort: Int(action.subject))
        case .referral: referral(careHome: Int(action.subject))
        case .capacityChange: capacityChange(service: Int(action.subject), to: action.newCapacity)
        case .crisisResponseEnd: crisisResponseEnd(action.subject, succeeded: action.flag)
        case .edTimeout: edTimeout(action.subject, token: action.patientToken)
        case .acuteEnd: acuteEnd(action.subject, dies: action.flag)
        case .assessmentEnd: assessmentEnd(action.subject)
        case .equipmentEnd: equipmentEnd(action.subject)
        case .depart: depart(action.subject)
        case .serviceEnd: serviceEnd(action.subject)
        case .residentDeath: residentDeath(action.subject, token: action.patientToken)
        case .readmission: readmission(action.subject)
        case .followUp: followUp(action.subject, dischargeCohort: action.dischargeCohort)
        }
    }

    // MARK: - Events and patients

    @inline(__always)
    mutating func emit(_ kind: EventKind, patient p: Int32?, service: Int, detail: Int32) {
        let id: UInt32
        let cohort: Int16
        if let p {
            id = patients[Int(p)].id
            cohort = patients[Int(p)].cohort
        } else {
            id = Event.noPatient
            cohort = -1
        }
        sink.append(
            Event(
                time: now, sequence: sequence, patient: id, kind: kind, cohort: cohort,
                service: Int16(service), detail: detail))
        sequence &+= 1
    }

    mutating func newPatient(cohort: Int, stream: UInt64) -> Int32 {
        let rng = RandomStream(master: seed, replication: UInt64(replication), stream: stream)
        var record = PatientRecord(id: nextPatientID, cohort: Int16(cohort), rng: rng)
        nextPatientID &+= 1
        if let slot = freeSlots.popLast() {
            // Tokens keep increasing across reuse of a slot, so that queue entries and actions
            // left behind by the slot's previous patient can never match the new one.
            record.token = patients[Int(slot)].token &+ 1
            patients[Int(slot)] = record
            return slot
        }
        patients.append(record)
        return Int32(patients.count - 1)
    }

    /// A new patient of a community cohort, with a stream named by cohort and ordinal.
    mutating func newCohortPatient(cohort c: Int) -> Int32 {
        let ordinal = patientOrdinal[c]
        patientOrdinal[c] += 1
        return newPatient(cohort: c, stream: StreamID.combine(cohortStreamIDs[c], ordinal))
    }

    @inline(__always)
    mutating func setLocation(_ p: Int32, _ location: Location, place: Int) {
        if patients[Int(p)].location == .inED { inED -= 1 }
        if location == .inED { inED += 1 }
        patients[Int(p)].location = location
        patients[Int(p)].place = Int16(place)
        patients[Int(p)].token &+= 1
    }

    /// Frees the record of a patient nothing refers to any more.
    mutating func releaseIfIdle(_ p: Int32) {
        let r = patients[Int(p)]
        guard r.location == .atHome || r.location == .dead, r.pending == 0 else { return }
        patients[Int(p)].location = .free
        freeSlots.append(p)
    }

    @inline(__always)
    mutating func uniform(_ p: Int32) -> Double { patients[Int(p)].rng.uniform() }

    /// Remaining time of someone found part-way through a stay with distribution `d`: the
    /// equilibrium residual (forward recurrence) time, a uniform fraction of a length-biased
    /// stay (long stays are over-represented among those present), drawn exactly
    /// (`Distribution.sampleLengthBiased`). Used for the starting census and for patients
    /// placed part-way through a stay.
    mutating func remainingTime(_ d: Distribution, _ p: Int32) -> Double {
        let stay = max(d.sampleLengthBiased(&patients[Int(p)].rng), 0)
        return stay * uniform(p)
    }

    @inline(__always)
    mutating func sample(_ d: Distribution, _ p: Int32) -> Double {
        max(d.sample(&patients[Int(p)].rng), 0)
    }
}

/// Where a patient is.
enum Location: UInt8 {
    case free  // record not in use
    case atHome
    case waitingAtHome  // in the community, queued for a care-home place
    case inCrisisResponse
    case inED
    case inService  // acute or any downstream service, care homes included
    case dead
}

/// The state of one patient that the model needs to decide what happens next.
struct PatientRecord {
    var id: UInt32
    var cohort: Int16
    var location: Location = .atHome
    /// Service index when in a service or crisis response.
    var place: Int16 = -1
    var pathway: Int16 = -1
    /// The service a place has been reserved in or is awaited, -1 for none.
    var target: Int16 = -1
    /// The care home whose bed is held while the resident is away, -1 for none.
    var heldHome: Int16 = -1
    /// Position in `Simulation.residents[cohort]` while present in a care home.
    var residentIndex: Int32 = -1
    /// Changes whenever the patient moves, so events scheduled before the move can be ignored.
    var token: UInt32 = 0
    /// Scheduled readmissions and follow-ups that still refer to this record.
    var pending: UInt32 = 0
    /// Current delay code (`DelayCode.packed`), -1 when not delayed.
    var delay: Int32 = -1
    /// Hospital admissions so far (see `Simulation.maximumAdmissionsPerPatient`).
    var admissions: UInt32 = 0
    var rng: RandomStream

    init(id: UInt32, cohort: Int16, rng: RandomStream) {
        self.id = id
        self.cohort = cohort
        self.rng = rng
    }
}

/// A patient waiting for a place; stale entries (the patient moved on) are skipped.
struct Waiting: Sendable {
    var patient: Int32
    var token: UInt32
}

/// Something scheduled on the event calendar.
///
/// One word (`detail`) holds what a kind needs besides its subject, read under the name of
/// what it means for that kind: `patientToken`, `newCapacity` or `dischargeCohort` (debug
/// builds check the kind). A field per meaning, or an enum, would make every calendar entry
/// larger.
struct Action: Sendable {
    var kind: ActionKind
    /// A yes/no detail (crisis response succeeded, the patient dies).
    var flag: Bool = false
    /// Patient slot, cohort or service, depending on `kind`.
    var subject: Int32
    private var detail: UInt32 = 0

    /// An action with nothing besides its subject (arrival, referral, readmission).
    init(kind: ActionKind, subject: Int32) {
        assert(!kind.carriesPatientToken && kind != .capacityChange && kind != .followUp)
        self.kind = kind
        self.subject = subject
    }

    /// An action on patient slot `patient`, valid while the patient's token is `token`.
    init(kind: ActionKind, flag: Bool = false, patient: Int32, token: UInt32) {
        assert(kind.carriesPatientToken)
        self.kind = kind
        self.flag = flag
        subject = patient
        detail = token
    }

    /// Service `service`'s capacity becomes `capacity`.
    init(capacityOf service: Int32, becomes capacity: Int) {
        kind = .capacityChange
        subject = service
        detail = UInt32(capacity)
    }

    /// The follow-up of patient slot `patient`, 91 days after a discharge while in cohort `cohort`.
    init(followUpOf patient: Int32, dischargeCohort cohort: Int16) {
        kind = .followUp
        subject = patient
        detail = UInt32(cohort)
    }

    /// The patient's token when the action was scheduled.
    var patientToken: UInt32 {
        assert(kind.carriesPatientToken)
        return detail
    }

    /// The capacity a `capacityChange` sets.
    var newCapacity: Int {
        assert(kind == .capacityChange)
        return Int(detail)
    }

    /// The cohort the patient was in when discharged, for a `followUp`.
    var dischargeCohort: Int16 {
        assert(kind == .followUp)
        return Int16(detail)
    }
}

enum ActionKind: UInt8, Sendable {
    case arrival, referral, capacityChange, crisisResponseEnd, edTimeout, acuteEnd
    case assessmentEnd, equipmentEnd, depart, serviceEnd, residentDeath, readmission, followUp

    /// Actions that continue what a patient is doing where they are (invalid once they move).
    var isPatientMove: Bool {
        switch self {
        case .crisisResponseEnd, .acuteEnd, .assessmentEnd, .equipmentEnd, .depart, .serviceEnd: true
        default: false
        }
    }

    /// Actions that act on a patient only while the patient's token is unchanged.
    var carriesPatientToken: Bool { isPatientMove || self == .edTimeout || self == .residentDeath }
}
