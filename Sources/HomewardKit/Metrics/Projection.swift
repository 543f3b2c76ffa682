/// Every metric of one replication, as a streaming fold over its events.
///
/// The projection holds per-patient state only while a patient is in the system (waiting,
/// delayed, or within 91 days of a discharge), so its memory follows the number of patients
/// present, not the length of the run. Feeding it the same events in the same order always
/// gives bit-identical metrics, which is what makes a saved log replayable.
///
/// Conventions (see docs/metrics.md):
/// - The measured window is [warm-up, horizon). Counts include events inside it; durations
///   are the overlap of intervals with it.
/// - The midnight census at midnight k counts intervals [start, end) that contain k, after all
///   events at time k; it is attributed to the day that ends at that midnight (day k - 1).
public struct Projection: EventSink {
    public let context: ProjectionContext
    let warmup: Double
    let horizon: Double
    let monthOfDay: [Int]
    let monthLabels: [String]
    /// Day indexes (measured) that are the last day of a calendar month.
    let isMonthEnd: [Bool]

    // Demand and front door.
    var crises = 0.0
    var notConveyed = 0.0
    var nel = 0.0
    var nelByCohort: [Double]
    var avoided = 0.0
    var readmissions30 = 0.0
    var readmissions91 = 0.0
    var diversions = 0.0
    var edWaitSum = 0.0
    var edWaitCount = 0.0
    var edWaitsOver4h = 0.0
    var deaths = 0.0
    var conveyedAt: [UInt32: Double] = [:]
    var lastAcuteDischarge: [UInt32: Double] = [:]
    var lastPrune = 0.0

    // Occupancy per service.
    var occupancy: [Int]
    var capacity: [Int]
    var lastChange: [Double]
    var occupancyIntegral: [Double]
    var nextMidnight: [Int]
    var entries: [Double]
    var censusSum: [Double]
    var censusCount = 0.0  // measured midnights (the same for all services)
    var acuteCensusHistogram: [Double] = []
    var acuteDaysAbove92 = 0.0
    var acuteDaysAbove95 = 0.0
    var waitStart: [UInt32: (service: Int16, time: Double)] = [:]
    var enteredAt: [UInt32: Double] = [:]
    var staySum: [Double]
    var departures: [Double]
    var waitSum: [Double]
    var waitCount: [Double]

    // Delays.
    struct OpenDelay {
        var start: Double
        var code: DelayCode
        var service: Int
        var pathway: Int
    }
    var openDelays: [UInt32: OpenDelay] = [:]
    var pathwayOf: [UInt32: Int] = [:]
    var delayedTotalOf: [UInt32: Double] = [:]
    var delayExact = 0.0
    var delayMidnight = 0.0
    var delayExactByReason = [Double](repeating: 0, count: DelayReason.allCases.count)
    var delayMidnightByReason = [Double](repeating: 0, count: DelayReason.allCases.count)
    var delayExactByResponsible = [Double](repeating: 0, count: Responsible.allCases.count)
    var delayExactByPathway: [Double]
    var downstreamDelay: [Double]
    var delayedPatients = 0.0
    var delayedPatientDays = 0.0

    // Outcomes.
    var followUps65 = 0.0
    var atHome65 = 0.0
    var careHomeAdmissions = 0.0
    var careHomeAdmissions65 = 0.0
    var careHomeAdmissionsFromHospital = 0.0

    // Monthly series.
    var monthlyNEL: [Double]
    var monthlyAvoided: [Double]
    var monthlyDelayExact: [Double]
    var monthlyDelayMidnight: [Double]
    var monthlyDelayMidnightByReason: [[Double]]
    var monthlySnapshot: [Double]
    var monthlyAcuteCensus: [Double]
    var monthlyMidnights: [Double]
    var monthlyCareHome65: [Double]

    /// Per-day midnight censuses, kept only when asked for (warm-up analysis, fan charts):
    /// `dailyCensus[service][day]` and `dailyDelayed[day]` (acute patients delayed), for the
    /// measured days.
    public private(set) var dailyCensus: [[Double]] = []
    public private(set) var dailyDelayed: [Double] = []
    public private(set) var dailyCapacity: [[Double]] = []
    let recordsDaily: Bool

    public init(context: ProjectionContext, recordingDaily: Bool = false) {
        recordsDaily = recordingDaily
        self.context = context
        warmup = context.warmup
        horizon = context.horizon
        let months = context.measuredMonths()
        monthOfDay = months.monthOfDay
        monthLabels = months.labels
        var ends = [Bool](repeating: false, count: context.days)
        for d in 0..<context.days {
            let date = context.start.adding(days: d)
            ends[d] = date.day == CivilDate.daysInMonth(year: date.year, month: date.month)
        }
        isMonthEnd = ends
        let n = context.services.count
        occupancy = Array(repeating: 0, count: n)
        capacity = Array(repeating: 0, count: n)
        lastChange = Array(repeating: 0, count: n)
        occupancyIntegral = Array(repeating: 0, count: n)
        nextMidnight = Array(repeating: 1, count: n)
        entries = Array(repeating: 0, count: n)
        censusSum = Array(repeating: 0, count: n)
        waitSum = Array(repeating: 0, count: n)
        staySum = Array(repeating: 0, count: n)
        departures = Array(repeating: 0, count: n)
        waitCount = Array(repeating: 0, count: n)
        downstreamDelay = Array(repeating: 0, count: n)
        nelByCohort = Array(repeating: 0, count: context.cohorts.count)
        delayExactByPathway = Array(repeating: 0, count: context.pathways.count)
        let m = monthLabels.count
        monthlyNEL = Array(repeating: 0, count: m)
        monthlyAvoided = Array(repeating: 0, count: m)
        monthlyDelayExact = Array(repeating: 0, count: m)
        monthlyDelayMidnight = Array(repeating: 0, count: m)
        monthlyDelayMidnightByReason = Array(repeating: Array(repeating: 0, count: DelayReason.allCases.count), count: m)
        monthlySnapshot = Array(repeating: 0, count: m)
        monthlyAcuteCensus = Array(repeating: 0, count: m)
        monthlyMidnights = Array(repeating: 0, count: m)
        monthlyCareHome65 = Array(repeating: 0, count: m)
        if recordingDaily {
            dailyCensus = Array(repeating: Array(repeating: 0, count: context.days), count: n)
            dailyDelayed = Array(repeating: 0, count: context.days)
            dailyCapacity = dailyCensus
        }
    }

    @inline(__always) func measured(_ t: Double) -> Bool { t >= warmup && t < horizon }

    /// Month index of a measured time.
    @inline(__always) func month(_ t: Double) -> Int {
        monthOfDay[min(max(Int(t - warmup), 0), monthOfDay.count - 1)]
    }

    func is65(_ cohort: Int16) -> Bool { cohort >= 0 && context.cohorts[Int(cohort)].minimumAge >= 65 }

    // MARK: - The fold

    public mutating func append(_ e: Event) {
        switch e.kind {
        case .crisis:
            if measured(e.time) { crises += 1 }
        case .notConveyed:
            if measured(e.time) { notConveyed += 1 }
        case .conveyance:
            conveyedAt[e.patient] = e.time
            if measured(e.time) {
                nel += 1
                if e.cohort >= 0 { nelByCohort[Int(e.cohort)] += 1 }
                monthlyNEL[month(e.time)] += 1
                if let last = lastAcuteDischarge[e.patient] {
                    if e.time - last <= 30 { readmissions30 += 1 }
                    if e.time - last <= 91 { readmissions91 += 1 }
                }
            }
        case .edWait:
            break
        case .diversion:
            conveyedAt[e.patient] = nil
            if measured(e.time) { diversions += 1 }
        case .enter:
            enter(e)
        case .leave:
            leave(e)
        case .medicallyOptimised:
            pathwayOf[e.patient] = Int(e.detail)
        case .assessmentStart, .assessmentEnd:
            break
        case .delay:
            closeDelay(e.patient, at: e.time)
            if let code = DelayCode(packed: e.detail) {
                openDelays[e.patient] = OpenDelay(
                    start: e.time, code: code, service: Int(e.service), pathway: pathwayOf[e.patient] ?? -1)
            }
        case .transferWait:
            waitStart[e.patient] = (e.service, e.time)
        case .serviceEnd:
            if e.detail == Outcome.avoided.rawValue && measured(e.time) {
                avoided += 1
                monthlyAvoided[month(e.time)] += 1
            }
        case .careHomeAdmission:
            if e.detail != AdmissionSource.initialResident.rawValue && measured(e.time) {
                careHomeAdmissions += 1
                if e.detail == AdmissionSource.hospital.rawValue { careHomeAdmissionsFromHospital += 1 }
                if is65(e.cohort) {
                    careHomeAdmissions65 += 1
                    monthlyCareHome65[month(e.time)] += 1
                }
            }
        case .death:
            if measured(e.time) { deaths += 1 }
        case .followUp91:
            // The event carries the patient's cohort at the discharge it follows up.
            if e.time - 91 >= warmup && e.time < horizon && is65(e.cohort) {
                followUps65 += 1
                if e.detail == FollowUpStatus.atHome.rawValue { atHome65 += 1 }
            }
        case .capacity:
            let s = Int(e.service)
            advance(s, to: e.time)
            capacity[s] = Int(e.detail)
        case .end:
            finishAll(at: e.time)
        }
        if e.time - lastPrune > 30 { prune(at: e.time) }
    }

    mutating func enter(_ e: Event) {
        let s = Int(e.service)
        advance(s, to: e.time)
        occupancy[s] += 1
        enteredAt[e.patient] = e.time
        let wait: Double
        if s == context.acute {
            wait = conveyedAt.removeValue(forKey: e.patient).map { e.time - $0 } ?? 0
        } else if let w = waitStart[e.patient], Int(w.service) == s {
            waitStart[e.patient] = nil
            wait = e.time - w.time
        } else {
            wait = 0
        }
        guard measured(e.time) else { return }
        entries[s] += 1
        waitSum[s] += wait
        waitCount[s] += 1
        if s == context.acute {
            edWaitSum += wait
            edWaitCount += 1
            if wait > 4.0 / 24 { edWaitsOver4h += 1 }
        }
    }

    mutating func leave(_ e: Event) {
        let s = Int(e.service)
        advance(s, to: e.time)
        occupancy[s] -= 1
        closeDelay(e.patient, at: e.time)
        if let entered = enteredAt.removeValue(forKey: e.patient), measured(e.time) {
            staySum[s] += e.time - entered
            departures[s] += 1
        }
        if s == context.acute {
            pathwayOf[e.patient] = nil
            if let total = delayedTotalOf.removeValue(forKey: e.patient), total > 0, measured(e.time) {
                delayedPatients += 1
                delayedPatientDays += total
            }
            if e.detail != Destination.died { lastAcuteDischarge[e.patient] = e.time }
        }
        if e.detail == Destination.died {
            lastAcuteDischarge[e.patient] = nil
            waitStart[e.patient] = nil
        }
    }

    /// Integrates occupancy of service `s` up to `t` and takes the midnight census before `t`.
    mutating func advance(_ s: Int, to t: Double, includingMidnightAtT: Bool = false) {
        let a = max(lastChange[s], warmup)
        let b = min(t, horizon)
        if b > a { occupancyIntegral[s] += Double(occupancy[s]) * (b - a) }
        lastChange[s] = t
        let last = Int(horizon)
        while nextMidnight[s] <= last
            && (Double(nextMidnight[s]) < t || (includingMidnightAtT && Double(nextMidnight[s]) == t))
        {
            let k = nextMidnight[s]
            nextMidnight[s] += 1
            guard Double(k) >= warmup + 1 else { continue }
            let census = Double(occupancy[s])
            censusSum[s] += census
            if recordsDaily {
                dailyCensus[s][k - 1 - Int(warmup)] = census
                dailyCapacity[s][k - 1 - Int(warmup)] = Double(capacity[s])
            }
            if s == context.acute {
                let m = monthOfDay[k - 1 - Int(warmup)]
                monthlyAcuteCensus[m] += census
                monthlyMidnights[m] += 1
                censusCount += 1
                let o = max(occupancy[s], 0)
                if o >= acuteCensusHistogram.count {
                    acuteCensusHistogram.append(contentsOf: repeatElement(0, count: o + 1 - acuteCensusHistogram.count))
                }
                acuteCensusHistogram[o] += 1
                if capacity[s] > 0 {
                    if census > 0.92 * Double(capacity[s]) { acuteDaysAbove92 += 1 }
                    if census > 0.95 * Double(capacity[s]) { acuteDaysAbove95 += 1 }
                }
            }
        }
    }

    /// Ends the patient's open delay interval at `t`, adding it to the totals.
    mutating func closeDelay(_ patient: UInt32, at t: Double) {
        guard let d = openDelays.removeValue(forKey: patient) else { return }
        let a = max(d.start, warmup)
        let b = min(t, horizon)
        if d.service != context.acute {
            if b > a { downstreamDelay[d.service] += b - a }
            return
        }
        delayedTotalOf[patient, default: 0] += max(t - d.start, 0)
        if b > a {
            let length = b - a
            delayExact += length
            delayExactByReason[Int(d.code.reason.rawValue)] += length
            delayExactByResponsible[Int(d.code.responsible.rawValue)] += length
            if d.pathway >= 0 { delayExactByPathway[d.pathway] += length }
            // Split across calendar months day by day boundaries.
            var from = a
            while from < b {
                let dayEnd = min(Double(Int(from) + 1), b)
                monthlyDelayExact[month(from)] += dayEnd - from
                from = dayEnd
            }
        }
        // Midnight census: midnights k with start <= k < t inside [warm-up + 1, horizon].
        var k = max(Int(d.start.rounded(.up)), Int(warmup) + 1)
        while (Double(k) < t || (t >= horizon && Double(k) == horizon)) && Double(k) <= horizon {
            let day = k - 1 - Int(warmup)
            let m = monthOfDay[day]
            delayMidnight += 1
            if recordsDaily { dailyDelayed[day] += 1 }
            delayMidnightByReason[Int(d.code.reason.rawValue)] += 1
            monthlyDelayMidnight[m] += 1
            monthlyDelayMidnightByReason[m][Int(d.code.reason.rawValue)] += 1
            if isMonthEnd[day] { monthlySnapshot[m] += 1 }
            k += 1
        }
    }

    mutating func finishAll(at t: Double) {
        for s in occupancy.indices { advance(s, to: t, includingMidnightAtT: true) }
        for patient in openDelays.keys.sorted() { closeDelay(patient, at: t) }
    }

    /// Forgets discharges older than 91 days (they can no longer make a readmission count).
    mutating func prune(at t: Double) {
        lastPrune = t
        lastAcuteDischarge = lastAcuteDischarge.filter { $0.value >= t - 92 }
    }
}
