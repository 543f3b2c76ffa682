/// One entry of the event log: the simulation's only output.
///
/// Events are small values (32 bytes) appended in time order; every metric Homeward reports is
/// a fold over them (see `Projection`). The meaning of `service` and `detail` depends on
/// `kind` and is documented on each `EventKind` case and in `docs/event-log.md`.
public struct Event: Sendable, Equatable {
    /// Simulated time in days since the run's origin (the start of warm-up).
    public var time: Double
    /// Position in the replication's log (0, 1, 2, ...): ties in time keep this order.
    public var sequence: UInt64
    /// Patient identifier, stable across readmissions; `Event.noPatient` for system events.
    public var patient: UInt32
    public var kind: EventKind
    /// Cohort index of the patient at the time of the event, or -1.
    public var cohort: Int16
    /// Service index (into the scenario's services), or -1.
    public var service: Int16
    /// Kind-specific detail (pathway, reason, outcome, destination, capacity...).
    public var detail: Int32

    public static let noPatient: UInt32 = .max

    @inlinable
    public init(
        time: Double, sequence: UInt64, patient: UInt32, kind: EventKind, cohort: Int16,
        service: Int16, detail: Int32
    ) {
        self.time = time
        self.sequence = sequence
        self.patient = patient
        self.kind = kind
        self.cohort = cohort
        self.service = service
        self.detail = detail
    }
}

/// What happened. Raw values are part of the log format: append, never renumber.
public enum EventKind: UInt8, Sendable, CaseIterable {
    /// A crisis: a patient needs urgent care. `detail` 1 if it is a readmission, else 0.
    case crisis = 1
    /// The crisis was managed without conveyance (the cohort's conveyance probability).
    case notConveyed = 2
    /// The patient is conveyed to hospital: a non-elective admission (NEL).
    case conveyance = 3
    /// No acute bed was free: the patient starts to wait in ED/escalation.
    case edWait = 4
    /// Out of area: with `service` the acute hospital, the patient was diverted from ED (after
    /// waiting the scenario's limit, or at once when the ED waiting room was full); with a
    /// downstream service, no place there was free and its waiting list was full, so the
    /// patient was placed out of area (a `leave` from the place they waited in follows).
    case diversion = 5
    /// The patient enters `service` (acute admission, crisis response, downstream service,
    /// care home). Occupancy rises by one.
    case enter = 6
    /// The patient leaves `service`; `detail` is the destination (`Destination`).
    case leave = 7
    /// Acute treatment is over: medically optimised; `detail` is the chosen pathway index.
    case medicallyOptimised = 8
    /// Assessment for discharge starts (in `service`, the acute hospital).
    case assessmentStart = 9
    /// Assessment for discharge is complete.
    case assessmentEnd = 10
    /// The patient is (now) delayed in `service` for a reason: `detail` = `DelayCode.packed`.
    /// The delay lasts until the next `delay` or the `leave` from that service.
    case delay = 11
    /// The patient joins the queue for `service` (the place they are waiting for).
    case transferWait = 12
    /// A service's activity ends with an outcome (`detail`: `Outcome` raw value).
    case serviceEnd = 13
    /// A permanent admission to the care home `service`; `detail` is `CareHomeAdmission.packed`
    /// (the `AdmissionSource`, and whether the new resident is self-funded).
    case careHomeAdmission = 14
    /// The patient dies in `service` (or -1 in the community).
    case death = 15
    /// The 91-day follow-up after discharge from hospital into reablement; `detail` is
    /// `FollowUpStatus`.
    case followUp91 = 16
    /// `service`'s capacity becomes `detail`.
    case capacity = 17
    /// End of the replication (the horizon). Open intervals close here.
    case end = 18
}

/// Where a patient goes when leaving a service (the `detail` of `.leave`).
public enum Destination {
    public static let home: Int32 = -1
    public static let died: Int32 = -2
    /// Any value >= 0 is the index of the service the patient moves to.
}

/// The end of a service's activity for one patient.
public enum Outcome: Int32, Sendable, CaseIterable {
    case independent = 0
    case homeCare = 1
    case careHome = 2
    case readmitted = 3
    case died = 4
    /// Crisis response succeeded: the admission was avoided.
    case avoided = 5
    /// Crisis response failed: the patient is conveyed.
    case conveyed = 6

    public var label: String {
        switch self {
        case .independent: "independent"
        case .homeCare: "home care"
        case .careHome: "care home"
        case .readmitted: "readmitted"
        case .died: "died"
        case .avoided: "admission avoided"
        case .conveyed: "conveyed to hospital"
        }
    }
}

/// How a care-home resident arrived.
public enum AdmissionSource: Int32, Sendable {
    case hospital = 0
    case community = 1
    case intermediateCare = 2
    case initialResident = 3
}

/// How a care-home resident arrived and who pays: the `detail` of `.careHomeAdmission`.
///
/// Packed as the source's raw value plus `selfFundedFlag` for a self-funder, so that a log
/// without self-funders has exactly the details it had before funding was recorded.
public struct CareHomeAdmission: Sendable, Equatable {
    public var source: AdmissionSource
    /// Whether the resident pays for their own care (not counted by the council-supported measure).
    public var selfFunded: Bool

    /// The bit added to the source for a self-funded admission.
    public static let selfFundedFlag: Int32 = 16

    public init(source: AdmissionSource, selfFunded: Bool) {
        self.source = source
        self.selfFunded = selfFunded
    }

    @inlinable public var packed: Int32 { source.rawValue | (selfFunded ? Self.selfFundedFlag : 0) }

    public init?(packed: Int32) {
        guard packed >= 0, packed & ~(Self.selfFundedFlag | 0xF) == 0,
            let source = AdmissionSource(rawValue: packed & 0xF)
        else { return nil }
        self.init(source: source, selfFunded: packed & Self.selfFundedFlag != 0)
    }
}

/// Where a patient is at the 91-day follow-up.
public enum FollowUpStatus: Int32, Sendable, CaseIterable {
    case atHome = 0
    case inHospital = 1
    case inBedBasedCare = 2
    case inCareHome = 3
    case dead = 4

    public var label: String {
        switch self {
        case .atHome: "at home"
        case .inHospital: "in hospital"
        case .inBedBasedCare: "in bed-based care"
        case .inCareHome: "in a care home"
        case .dead: "dead"
        }
    }
}

/// Delayed-transfers-of-care reason categories (the NHS sitrep codes).
public enum DelayReason: Int32, Sendable, CaseIterable {
    case a = 0
    case b, c, di, dii, e, f, g, h, i, o

    /// Sitrep code as printed: "A", "D(i)", ...
    public var code: String {
        switch self {
        case .a: "A"
        case .b: "B"
        case .c: "C"
        case .di: "D(i)"
        case .dii: "D(ii)"
        case .e: "E"
        case .f: "F"
        case .g: "G"
        case .h: "H"
        case .i: "I"
        case .o: "O"
        }
    }

    public var meaning: String {
        switch self {
        case .a: "completion of assessment"
        case .b: "public funding"
        case .c: "awaiting further non-acute NHS care"
        case .di: "awaiting residential home placement"
        case .dii: "awaiting nursing home placement"
        case .e: "awaiting care package in own home"
        case .f: "awaiting community equipment and adaptations"
        case .g: "patient or family choice"
        case .h: "disputes"
        case .i: "housing"
        case .o: "other (awaiting a discharge slot)"
        }
    }

    public init?(code: String) {
        guard let r = DelayReason.allCases.first(where: { $0.code == code }) else { return nil }
        self = r
    }
}

/// The organisation responsible for a delay.
public enum Responsible: Int32, Sendable, CaseIterable {
    case nhs = 0
    case socialCare = 1
    case both = 2

    public var label: String {
        switch self {
        case .nhs: "NHS"
        case .socialCare: "social care"
        case .both: "both"
        }
    }

    /// The spelling used in scenario files.
    public var key: String {
        switch self {
        case .nhs: "nhs"
        case .socialCare: "socialCare"
        case .both: "both"
        }
    }
}

/// A delay reason and responsible organisation packed into one `Event.detail`.
public struct DelayCode: Sendable, Equatable {
    public var reason: DelayReason
    public var responsible: Responsible

    public init(reason: DelayReason, responsible: Responsible) {
        self.reason = reason
        self.responsible = responsible
    }

    @inlinable public var packed: Int32 { reason.rawValue &* 4 &+ responsible.rawValue }

    public init?(packed: Int32) {
        guard packed >= 0, let r = DelayReason(rawValue: packed / 4),
            let o = Responsible(rawValue: packed % 4)
        else { return nil }
        self.init(reason: r, responsible: o)
    }
}

/// Receives events as the simulation appends them. Generic (not existential) use keeps the
/// per-event path free of dynamic dispatch.
public protocol EventSink {
    mutating func append(_ event: Event)
}
