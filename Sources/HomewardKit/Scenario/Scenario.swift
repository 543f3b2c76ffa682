import Foundation

/// A validated scenario, resolved to indices: what the engine runs.
///
/// Produced by `ScenarioReader` from a JSON5 file (see `Scenarios/README.md` for the file
/// format). Everything here is already checked: capacities are whole and non-negative,
/// probabilities lie in [0, 1] and sum to one where they must, and every reference to a
/// service, pathway or cohort names one that exists.
public struct Scenario: Sendable {
    public var name: String
    public var description: String
    /// First day of the measured period.
    public var start: CivilDate
    /// Length of the measured period in days.
    public var days: Int
    /// Days simulated before `start` and left out of every metric.
    public var warmupDays: Int
    public var replications: Int
    public var seed: UInt64
    public var population: [PopulationBand]
    public var cohorts: [Cohort]
    /// All services; `acute` is the index of the acute hospital.
    public var services: [Service]
    public var acute: Int
    public var pathways: [Pathway]
    public var working: WorkingRules
    public var census: [CensusEntry]
    /// Targets the plan must meet (`homeward check`).
    public var targets: [Target]
    /// Better Care Fund schemes (see `Scheme`).
    public var schemes: [Scheme] = []
    /// Year-to-year variation of demand beyond chance (`demandVariation`); nil for none.
    public var demandVariation: DemandVariation? = nil
    /// When results are flagged as overload (`warnings`; the defaults when absent).
    public var warnings = WarningThresholds()
    /// `field.path: source` for every `source` note in the file, in file order.
    public var sources: [(path: String, text: String)]

    /// Total simulated days (warm-up plus the measured period).
    public var horizon: Double { Double(warmupDays + days) }
    /// The calendar date at simulated time 0.
    public var origin: CivilDate { start.adding(days: -warmupDays) }

    public func serviceIndex(named name: String) -> Int? { services.firstIndex { $0.name == name } }
    public func cohortIndex(named name: String) -> Int? { cohorts.firstIndex { $0.name == name } }
    public func pathwayIndex(named name: String) -> Int? { pathways.firstIndex { $0.name == name } }
}

/// An age band of the population.
public struct PopulationBand: Sendable {
    public var name: String
    /// People in the band on the scenario's `start` date.
    public var people: Double
    /// Annual growth as a fraction (0.05 = 5% a year): people(t) = people x (1 + growth)^years.
    public var annualGrowth: Double
    /// Lowest age in the band (for "aged 65+" and "adult" metrics).
    public var minimumAge: Int

    public func people(atYears years: Double) -> Double {
        people * pow(1 + annualGrowth, years)
    }
}

/// A group of people who generate crises.
public struct Cohort: Sendable {
    public var name: String
    /// Index into `Scenario.population`.
    public var band: Int
    public var rate: CrisisRate
    /// Relative day-of-week weights, Monday first, normalised to mean 1.
    public var dayOfWeek: [Double]
    /// Relative hour-of-day weights, 00:00 first, normalised to mean 1.
    public var hourOfDay: [Double]
    /// Relative month weights, January first, normalised to mean 1.
    public var month: [Double]
    /// A smooth yearly cycle on top of the other profiles, nil for none.
    public var sinusoid: Sinusoid? = nil
    /// Annual trend in the crisis rate (0.02 = 2% more a year), on top of population growth.
    public var trendPerYear: Double
    /// Probability that a crisis not taken on by crisis response ends in conveyance.
    public var conveyance: Double
    /// Acute length of stay until medically optimised, in days.
    public var lengthOfStay: Distribution
    public var inHospitalMortality: Double
    /// Probability of each pathway (indexed like `Scenario.pathways`), summing to one.
    public var pathwayMix: [Double]
    /// Cumulative probability of readmission within 30 and within 91 days of going home.
    public var readmissionWithin30: Double
    public var readmissionWithin91: Double
}

/// How often a cohort has crises.
public enum CrisisRate: Sendable {
    /// A fixed number a year (scaled by the trend only).
    case perYear(Double)
    /// Per 1,000 people of the cohort's band a year (scaled by the band's growth and the trend).
    case perThousandPerYear(Double)
    /// Per current resident of the care homes whose `residentCohort` is this cohort, a year.
    case perResidentPerYear(Double)
}

/// What kind of service a `Service` is; decides its behaviour.
public enum ServiceKind: String, Sendable, CaseIterable {
    case acute
    case crisisResponse
    case homeReablement
    case bedBased
    case careHome
    case homeCare
}

/// A capacity that may change on given days (a capacity calendar).
public struct CapacitySchedule: Sendable, Equatable {
    /// Capacity from time 0.
    public var initial: Int
    /// Changes in time order: from day `day` (simulated days since origin) the capacity is `capacity`.
    public var changes: [(day: Int, capacity: Int)]

    public init(initial: Int, changes: [(day: Int, capacity: Int)] = []) {
        self.initial = initial
        self.changes = changes
    }

    public var maximum: Int { changes.reduce(initial) { max($0, $1.capacity) } }

    public static func == (a: CapacitySchedule, b: CapacitySchedule) -> Bool {
        a.initial == b.initial && a.changes.elementsEqual(b.changes, by: { $0 == $1 })
    }
}

/// Operating hours (crisis response) or working hours (assessments, discharges).
public struct Hours: Sendable, Equatable {
    /// Opening hour in [0, 24).
    public var from: Double
    /// Closing hour in (0, 24]; `to < from` means the window runs past midnight.
    public var to: Double
    /// Open at weekends and on bank holidays too.
    public var allDays: Bool

    public static let always = Hours(from: 0, to: 24, allDays: true)

    public init(from: Double, to: Double, allDays: Bool) {
        self.from = from
        self.to = to
        self.allDays = allDays
    }
}

/// One possible outcome at the end of a service.
public struct OutcomeRule: Sendable {
    public var outcome: Outcome
    public var probability: Double
    /// The service that follows (home care or care home), when the outcome needs one.
    public var next: Int?
}

/// A service: acute beds, crisis response, reablement, beds, care homes, home care.
public struct Service: Sendable {
    public var name: String
    public var kind: ServiceKind
    public var capacity: CapacitySchedule
    /// Duration of the service (days), for crisis response, reablement, beds and home care.
    public var duration: Distribution?
    /// Outcomes at the end of the service (reablement and beds), probabilities summing to one.
    public var outcomes: [OutcomeRule]
    /// The DTOC reason recorded while a patient waits for a place here.
    public var delay: DelayCode
    /// Downstream services only (reablement, beds, home care, care homes): the most patients
    /// who can wait for a place here at once. A patient who asks for a place when none is free
    /// and this many already wait is placed out of area at once (M/M/c/K with K = places +
    /// list); 0 is a pure loss system (Erlang B). Nil (the default): no limit.
    public var waitingList: Int? = nil
    /// Whether a discharge into this service counts for the 91-day reablement metric.
    public var countsAsReablement: Bool
    /// Whether this service accepts transfers at weekends and on bank holidays (overrides
    /// the scenario's 7-day discharge switch when set).
    public var acceptsAllDays: Bool?
    /// The service's cost lines and who pays each (GBP).
    public var costs: ServiceCosts

    // Crisis response only.
    public var hours: Hours
    /// Share of each cohort's crises suitable for this service (indexed like cohorts).
    public var eligibility: [Double]
    public var successRate: Double

    // Acute only.
    /// ED/escalation waits longer than this (hours) end in diversion; nil means never divert.
    public var divertAfterHours: Double?
    /// The most patients who can wait in ED/escalation for a bed at once: a patient conveyed
    /// when they are all taken is diverted at once (M/M/c/K with K = beds + room). Nil: no
    /// limit.
    public var edWaitingRoom: Int? = nil

    // Care homes only.
    public var initialResidents: Int
    public var annualMortality: Double
    /// New residents from the community (not from hospital), a year.
    public var communityAdmissionsPerYear: Double
    /// Cohort of the residents (their crises are per resident).
    public var residentCohort: Int?
    /// Share of new permanent residents who pay for their own care (self-funders), drawn per
    /// admission; 0 (the default) counts every admission as council-supported.
    public var selfFunderShare: Double = 0

    /// Cost of one occupied place for one day (GBP): `costs.perOccupiedDay`.
    public var costPerDay: Double {
        get { costs.perOccupiedDay }
        set { costs.perOccupiedDay = newValue }
    }
    /// Cost of one stay or episode (GBP): `costs.perEpisode`.
    public var costPerEpisode: Double {
        get { costs.perEpisode }
        set { costs.perEpisode = newValue }
    }
}

/// A discharge pathway.
public struct Pathway: Sendable {
    public var name: String
    /// National discharge-to-assess pathway label (P0-P3).
    public var national: String
    /// Services the pathway leads to with their shares (empty: home with no new support).
    public var destinations: [(service: Int, share: Double)]
    public var needsAssessment: Bool
    /// Assessment duration, in working hours.
    public var assessmentHours: Distribution
    public var assessmentResponsible: Responsible
    /// Probability that equipment is needed before discharge, and how long it takes (days).
    public var equipmentProbability: Double
    public var equipmentDays: Distribution
    /// Reason recorded for the wait for a discharge slot when nothing else applies; nil (the
    /// default) means that wait is part of the stay, not a delayed transfer.
    public var dischargeDelay: DelayCode?
}

/// When assessments and discharges happen.
public struct WorkingRules: Sendable {
    public var hours: Hours
    /// When patients going home with no new support (no assessment, no service) can leave:
    /// ward-led discharges, by default 08:00-20:00 every day.
    public var simpleDischargeHours: Hours
    public var sevenDayAssessment: Bool
    public var sevenDayDischarge: Bool
    public var sevenDayEquipment: Bool
    /// Bank holidays, as days since the origin.
    public var bankHolidays: [Int]
}

/// Patients already in a service at time 0.
public struct CensusEntry: Sendable {
    public var service: Int
    public var cohort: Int
    public var patients: Int
    /// For acute: the pathway they are already delayed on (assessed, awaiting a place).
    public var delayedOnPathway: Int?
}

/// A smooth yearly cycle of a cohort's crisis rate: the rate is multiplied by
/// 1 + amplitude·cos(2π(τ − τ_peak)/365.25), τ the time of year in days (0 at the start of
/// 1 January) and τ_peak = `peakDay` − 1, so the factor averages 1 over a year and runs from
/// 1 − amplitude to 1 + amplitude.
public struct Sinusoid: Sendable, Equatable {
    /// Half the peak-to-trough swing, as a share of the mean rate (0 to 1).
    public var amplitude: Double
    /// The day of the year (1 = 1 January) at whose start the rate peaks.
    public var peakDay: Int

    public init(amplitude: Double, peakDay: Int) {
        self.amplitude = amplitude
        self.peakDay = peakDay
    }

    /// The factor at `t` days after `origin`.
    public func factor(at t: Double, origin: CivilDate) -> Double {
        Self.factor(amplitude: amplitude, phase: phase(origin: origin), at: t)
    }

    /// The factor of a cycle of `amplitude` at `t`, `phase` being `phase(origin:)` (the
    /// simulation keeps the two numbers rather than the date).
    @inline(__always)
    static func factor(amplitude: Double, phase: Double, at t: Double) -> Double {
        1 + amplitude * cos(2 * Double.pi * (t + phase) / 365.25)
    }

    /// Days to add to a time since `origin` to get the time since the peak of its year.
    public func phase(origin: CivilDate) -> Double {
        let dayOfYear = origin.daysSinceEpoch - CivilDate(year: origin.year, month: 1, day: 1).daysSinceEpoch
        return Double(dayOfYear - (peakDay - 1))
    }
}
