import Foundation

/// The scenario's parameters that the simulation reads on every event, copied once (at
/// `Simulation.init`) into arrays of plain values.
///
/// `Cohort`, `Service` and `Pathway` hold strings and arrays, so binding one
/// (`let cohort = scenario.cohorts[c]`) copies it field by field, retaining and later
/// releasing every array and string inside, on every event that reads one (measurements
/// are in Benchmarks/README.md). Here every per-entity record is
/// trivial (no reference-counted field), lists are flattened into one array per kind with a
/// start and count per entity, and distributions sit in arrays of their own, so the
/// per-event path reads numbers and does no reference counting.
///
/// Every value is the scenario's own, unchanged, and every computation that uses them keeps
/// its order of operations, so results are bit-identical to reading the scenario directly.
struct ModelParameters {
    struct CohortParameters {
        enum RateKind: UInt8 { case perYear, perThousandPerYear, perResidentPerYear }
        var rateKind: RateKind
        /// The value of the cohort's `CrisisRate`, whatever its kind.
        var rate: Double
        var band: Int
        var trendPerYear: Double
        var conveyance: Double
        var inHospitalMortality: Double
        var readmissionWithin30: Double
        var readmissionWithin91: Double
        /// The cohort's yearly cycle: its amplitude (0 for none) and the days to add to a time
        /// since the origin to get the time since the peak (`Sinusoid.phase`).
        var sinusoidAmplitude: Double
        var sinusoidPhase: Double
        /// Where the cohort's crisis-response services start in `cohortServices`, and how many.
        var servicesStart: Int
        var servicesCount: Int
        /// Where the cohort's lists start in `pathwayMix`, `dayOfWeek`, `hourOfDay` and
        /// `month`, and their lengths (those of the scenario's arrays, so that an index out of
        /// range traps as it did there; see `profile`).
        var mixStart: Int
        var mixCount: Int
        var dayOfWeekStart: Int
        var dayOfWeekCount: Int
        var hourOfDayStart: Int
        var hourOfDayCount: Int
        var monthStart: Int
        var monthCount: Int
    }

    struct ServiceParameters {
        var kind: ServiceKind
        var delay: DelayCode
        var countsAsReablement: Bool
        var acceptsAllDays: Bool?
        var hours: Hours
        var successRate: Double
        var divertAfterHours: Double?
        var edWaitingRoom: Int?
        /// `Service.waitingList`: the most who may wait for a place (nil: no limit).
        var waitingList: Int?
        var annualMortality: Double
        var communityAdmissionsPerYear: Double
        var residentCohort: Int?
        /// Share of permanent admissions that are self-funded (care homes; 0 draws nothing).
        var selfFunderShare: Double
        /// Whether `Service.duration` is set (its value is `serviceDuration[s]`).
        var hasDuration: Bool
        /// Where the service's outcome rules start in the `outcome…` arrays, and how many.
        var outcomesStart: Int
        var outcomesCount: Int
    }

    struct PathwayParameters {
        var needsAssessment: Bool
        var assessmentResponsible: Responsible
        var equipmentProbability: Double
        var dischargeDelay: DelayCode?
        /// Where the pathway's destinations start in the `destination…` arrays, and how many.
        var destinationsStart: Int
        var destinationsCount: Int
    }

    let cohorts: [CohortParameters]
    let services: [ServiceParameters]
    let pathways: [PathwayParameters]

    /// The cohorts' pathway mixes and profiles, cohort after cohort (see `CohortParameters`).
    let pathwayMix: [Double]
    let dayOfWeek: [Double]
    let hourOfDay: [Double]
    let month: [Double]
    /// The crisis-response services each cohort is eligible for, cohort after cohort, and the
    /// cohort's share in each (`Service.eligibility`).
    let cohortServices: [Int]
    let cohortServiceShare: [Double]
    let outcomeProbability: [Double]
    let outcome: [Outcome]
    /// The service that follows an outcome, -1 for none.
    let outcomeNext: [Int]
    let destinationService: [Int]
    let destinationShare: [Double]

    let lengthOfStay: [Distribution]
    /// `Service.duration`, or `.fixed(0)` where it is nil (see `hasDuration`).
    let serviceDuration: [Distribution]
    let assessmentHours: [Distribution]
    let equipmentDays: [Distribution]

    /// Population bands: people at the start date and annual growth.
    let bandPeople: [Double]
    let bandGrowth: [Double]
    /// `Double(scenario.warmupDays) / 365.25`.
    let warmupYears: Double

    let workingHours: Hours
    let simpleDischargeHours: Hours
    let sevenDayDischarge: Bool

    /// - Parameter cohortServices: the crisis-response services each cohort is eligible for.
    init(_ scenario: Scenario, cohortServices: [[Int]]) {
        var flatServices: [Int] = []
        var shares: [Double] = []
        var mix: [Double] = []
        var dayOfWeek: [Double] = []
        var hourOfDay: [Double] = []
        var month: [Double] = []
        cohorts = scenario.cohorts.enumerated().map { c, cohort in
            let kind: CohortParameters.RateKind
            let rate: Double
            switch cohort.rate {
            case .perYear(let r): (kind, rate) = (.perYear, r)
            case .perThousandPerYear(let r): (kind, rate) = (.perThousandPerYear, r)
            case .perResidentPerYear(let r): (kind, rate) = (.perResidentPerYear, r)
            }
            let start = flatServices.count
            flatServices += cohortServices[c]
            shares += cohortServices[c].map { scenario.services[$0].eligibility[c] }
            let parameters = CohortParameters(
                rateKind: kind, rate: rate, band: cohort.band, trendPerYear: cohort.trendPerYear,
                conveyance: cohort.conveyance, inHospitalMortality: cohort.inHospitalMortality,
                readmissionWithin30: cohort.readmissionWithin30, readmissionWithin91: cohort.readmissionWithin91,
                sinusoidAmplitude: cohort.sinusoid?.amplitude ?? 0,
                sinusoidPhase: cohort.sinusoid?.phase(origin: scenario.origin) ?? 0,
                servicesStart: start, servicesCount: cohortServices[c].count,
                mixStart: mix.count, mixCount: cohort.pathwayMix.count,
                dayOfWeekStart: dayOfWeek.count, dayOfWeekCount: cohort.dayOfWeek.count,
                hourOfDayStart: hourOfDay.count, hourOfDayCount: cohort.hourOfDay.count,
                monthStart: month.count, monthCount: cohort.month.count)
            mix += cohort.pathwayMix
            dayOfWeek += cohort.dayOfWeek
            hourOfDay += cohort.hourOfDay
            month += cohort.month
            return parameters
        }
        self.cohortServices = flatServices
        cohortServiceShare = shares
        pathwayMix = mix
        self.dayOfWeek = dayOfWeek
        self.hourOfDay = hourOfDay
        self.month = month

        var probabilities: [Double] = []
        var outcomes: [Outcome] = []
        var next: [Int] = []
        services = scenario.services.map { service in
            let start = probabilities.count
            for rule in service.outcomes {
                probabilities.append(rule.probability)
                outcomes.append(rule.outcome)
                next.append(rule.next ?? -1)
            }
            return ServiceParameters(
                kind: service.kind, delay: service.delay, countsAsReablement: service.countsAsReablement,
                acceptsAllDays: service.acceptsAllDays, hours: service.hours, successRate: service.successRate,
                divertAfterHours: service.divertAfterHours, edWaitingRoom: service.edWaitingRoom,
                waitingList: service.waitingList,
                annualMortality: service.annualMortality,
                communityAdmissionsPerYear: service.communityAdmissionsPerYear, residentCohort: service.residentCohort,
                selfFunderShare: service.selfFunderShare, hasDuration: service.duration != nil, outcomesStart: start,
                outcomesCount: service.outcomes.count)
        }
        outcomeProbability = probabilities
        outcome = outcomes
        outcomeNext = next

        var destinationService: [Int] = []
        var destinationShare: [Double] = []
        pathways = scenario.pathways.map { pathway in
            let start = destinationService.count
            for d in pathway.destinations {
                destinationService.append(d.service)
                destinationShare.append(d.share)
            }
            return PathwayParameters(
                needsAssessment: pathway.needsAssessment, assessmentResponsible: pathway.assessmentResponsible,
                equipmentProbability: pathway.equipmentProbability, dischargeDelay: pathway.dischargeDelay,
                destinationsStart: start, destinationsCount: pathway.destinations.count)
        }
        self.destinationService = destinationService
        self.destinationShare = destinationShare

        lengthOfStay = scenario.cohorts.map(\.lengthOfStay)
        serviceDuration = scenario.services.map { $0.duration ?? .fixed(0) }
        assessmentHours = scenario.pathways.map(\.assessmentHours)
        equipmentDays = scenario.pathways.map(\.equipmentDays)
        bandPeople = scenario.population.map(\.people)
        bandGrowth = scenario.population.map(\.annualGrowth)
        warmupYears = Double(scenario.warmupDays) / 365.25
        workingHours = scenario.working.hours
        simpleDischargeHours = scenario.working.simpleDischargeHours
        sevenDayDischarge = scenario.working.sevenDayDischarge
    }

    /// `scenario.cohorts[c].dayOfWeek[i]`, `.hourOfDay[i]` and `.month[i]`; they trap when `i` is
    /// out of range, as indexing the scenario's own arrays would. (The hot path reads records
    /// field by field like this: binding a whole record to a local copies it with memcpy.)
    @inline(__always)
    func dayOfWeek(cohort c: Int, _ i: Int) -> Double {
        precondition(i >= 0 && i < cohorts[c].dayOfWeekCount, "Index out of range")
        return dayOfWeek[cohorts[c].dayOfWeekStart &+ i]
    }

    @inline(__always)
    func hourOfDay(cohort c: Int, _ i: Int) -> Double {
        precondition(i >= 0 && i < cohorts[c].hourOfDayCount, "Index out of range")
        return hourOfDay[cohorts[c].hourOfDayStart &+ i]
    }

    @inline(__always)
    func month(cohort c: Int, _ i: Int) -> Double {
        precondition(i >= 0 && i < cohorts[c].monthCount, "Index out of range")
        return month[cohorts[c].monthStart &+ i]
    }

    /// People in band `b` at `years` after the start date: `PopulationBand.people(atYears:)`,
    /// with `pow` skipped when the base is exactly 1 (pow(1, y) is exactly 1 for every y, so
    /// the result is the same to the bit).
    @inline(__always)
    func people(band b: Int, atYears years: Double) -> Double {
        let base = 1 + bandGrowth[b]
        return base == 1 ? bandPeople[b] : bandPeople[b] * pow(base, years)
    }

    /// `pow(1 + trendPerYear, years)`, skipping `pow` when the base is exactly 1 (as above).
    @inline(__always)
    func trend(cohort c: Int, years: Double) -> Double {
        let base = 1 + cohorts[c].trendPerYear
        return base == 1 ? 1 : pow(base, years)
    }
}
