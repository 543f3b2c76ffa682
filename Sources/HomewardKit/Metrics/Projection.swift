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
    /// The simulated time at which each measured month ends (the last one at the horizon).
    let monthEnd: [Double]

    // Demand and front door.
    var crises = 0.0
    var notConveyed = 0.0
    var nel = 0.0
    var nelByCohort: [Double]
    var avoided = 0.0
    var readmissions30 = 0.0
    var readmissions91 = 0.0
    var diversions = 0.0
    /// Days diverted patients spend out of area (each diversion's stay, counted when it happens).
    var outOfAreaDays = 0.0
    /// How long a diverted patient of each cohort stays out of area (see `ServiceCosts`).
    let outOfAreaStay: [Double]
    var edWaitSum = 0.0
    var edWaitCount = 0.0
    var edWaitsOver4h = 0.0
    /// Admitted patients whose ED wait was longer than zero.
    var edWaitsAny = 0.0
    var deaths = 0.0
    /// What the projection remembers about individual patients in the system (conveyed,
    /// waiting, in a service, delayed), in one table keyed by patient id, and their last
    /// discharges from the acute hospital (for readmissions) in another.
    var patients = PatientTable()
    var lastAcuteDischarge = OpenTable<DischargeEntry>()
    /// When discharges were last pruned (every 30 days of event time), how many prunes there
    /// have been, and the oldest discharge the last one kept (see `prune(at:)`).
    var lastPrune = 0.0
    var prunes: UInt64 = 0
    var keepDischargesFrom = -Double.infinity

    // Occupancy per service: `perService` holds each service's running totals (occupancy,
    // capacity, occupied days, admissions, waits, stays, midnight censuses, downstream delay).
    var perService: ServiceTotalsBuffer
    var censusCount = 0.0  // measured midnights (the same for all services)
    var acuteCensusHistogram: [Double] = []
    var acuteDaysAbove92 = 0.0
    var acuteDaysAbove95 = 0.0

    // Delays.
    var delayExact = 0.0
    var delayMidnight = 0.0
    var delayExactByReason = [Double](repeating: 0, count: DelayReason.allCases.count)
    var delayMidnightByReason = [Double](repeating: 0, count: DelayReason.allCases.count)
    var delayExactByResponsible = [Double](repeating: 0, count: Responsible.allCases.count)
    var delayMidnightByResponsible = [Double](repeating: 0, count: Responsible.allCases.count)
    var delayExactByPathway: [Double]
    var delayedPatients = 0.0
    var delayedPatientDays = 0.0

    // Outcomes.
    var followUps65 = 0.0
    var atHome65 = 0.0
    var careHomeAdmissions = 0.0
    var careHomeAdmissions65 = 0.0
    var selfFundedAdmissions65 = 0.0
    /// Care-home admissions by `AdmissionSource` (hospital, community, intermediate care).
    var careHomeAdmissionsBySource = [0.0, 0.0, 0.0]

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

    // Monthly quantities the costs are taken from, by service: `[service * months + month]`.
    var monthlyOccupiedDays: [Double]
    var monthlyFundedPlaceDays: [Double]
    var monthlyEntries: [Double]
    var monthlyDiversions: [Double]
    var monthlyOutOfAreaDays: [Double]

    /// Per-day midnight censuses, kept only when asked for (warm-up analysis, fan charts):
    /// `dailyCensus[service][day]` and `dailyDelayed[day]` (acute patients delayed), for the
    /// measured days.
    public private(set) var dailyCensus: [[Double]] = []
    public private(set) var dailyDelayed: [Double] = []
    public private(set) var dailyCapacity: [[Double]] = []
    let recordsDaily: Bool
    /// The days at each end of the measured period whose queues are compared (`queueGrowth`):
    /// four weeks, or a quarter of a period shorter than 16 weeks. Four weeks smooth the
    /// day-of-week pattern of discharges; in a period of whole years the two blocks sit at the
    /// same point of the seasons, so seasonal demand alone does not make a queue look growing.
    public let queueBlockDays: Int

    public init(context: ProjectionContext, recordingDaily: Bool = false) {
        recordsDaily = recordingDaily
        self.context = context
        queueBlockDays = min(28, context.days / 4)
        warmup = context.warmup
        horizon = context.horizon
        let calendar = Self.measuredCalendar(context)
        monthOfDay = calendar.monthOfDay
        monthLabels = calendar.labels
        isMonthEnd = calendar.isMonthEnd
        var ends = [Double](repeating: context.horizon, count: calendar.labels.count)
        for (day, m) in calendar.monthOfDay.enumerated() { ends[m] = context.warmup + Double(day + 1) }
        monthEnd = ends
        let n = context.services.count
        let acuteCosts = context.services[context.acute].costs
        outOfAreaStay = context.cohorts.map { acuteCosts.daysOutOfArea ?? $0.meanAcuteStayDays }
        perService = ServiceTotalsBuffer(count: n)
        nelByCohort = Array(repeating: 0, count: context.cohorts.count)
        delayExactByPathway = Array(repeating: 0, count: context.pathways.count)
        let m = monthLabels.count
        monthlyNEL = Array(repeating: 0, count: m)
        monthlyAvoided = Array(repeating: 0, count: m)
        monthlyDelayExact = Array(repeating: 0, count: m)
        monthlyDelayMidnight = Array(repeating: 0, count: m)
        monthlyDelayMidnightByReason = Array(
            repeating: Array(repeating: 0, count: DelayReason.allCases.count), count: m)
        monthlySnapshot = Array(repeating: 0, count: m)
        monthlyAcuteCensus = Array(repeating: 0, count: m)
        monthlyMidnights = Array(repeating: 0, count: m)
        monthlyCareHome65 = Array(repeating: 0, count: m)
        monthlyOccupiedDays = Array(repeating: 0, count: n * m)
        monthlyFundedPlaceDays = monthlyOccupiedDays
        monthlyEntries = monthlyOccupiedDays
        monthlyDiversions = monthlyCareHome65
        monthlyOutOfAreaDays = monthlyCareHome65
        if recordingDaily {
            dailyCensus = Array(repeating: Array(repeating: 0, count: context.days), count: n)
            dailyDelayed = Array(repeating: 0, count: context.days)
            dailyCapacity = dailyCensus
        }
    }

    /// `context.measuredMonths()` and, for each measured day, whether it ends its calendar
    /// month. The same values, built without formatting a label for every day: a label is made
    /// only when the (year, month) changes (within one month the label is the same), and is
    /// appended, as there, only when it differs from the last one. Formatting a label for
    /// every day would cost a string per day of every replication for nothing.
    static func measuredCalendar(_ context: ProjectionContext) -> (
        labels: [String], monthOfDay: [Int], isMonthEnd: [Bool]
    ) {
        var labels: [String] = []
        var monthOfDay: [Int] = []
        var isMonthEnd: [Bool] = []
        monthOfDay.reserveCapacity(max(context.days, 0))
        isMonthEnd.reserveCapacity(max(context.days, 0))
        var date = context.start
        var month = (year: Int.min, month: Int.min)
        for _ in 0..<context.days {
            if date.year != month.year || date.month != month.month {
                month = (date.year, date.month)
                let label = date.monthLabel
                if labels.last != label { labels.append(label) }
            }
            monthOfDay.append(labels.count - 1)
            isMonthEnd.append(date.day == CivilDate.daysInMonth(year: date.year, month: date.month))
            date = date.adding(days: 1)
        }
        return (labels, monthOfDay, isMonthEnd)
    }

    // The per-service totals as arrays, for `metrics()`.
    var occupancyIntegral: [Double] { perService.map(\.occupancyIntegral) }
    var capacityIntegral: [Double] { perService.map(\.capacityIntegral) }
    var entries: [Double] { perService.map(\.entries) }
    var censusSum: [Double] { perService.map(\.censusSum) }
    var staySum: [Double] { perService.map(\.staySum) }
    var departures: [Double] { perService.map(\.departures) }
    var waitSum: [Double] { perService.map(\.waitSum) }
    var waitCount: [Double] { perService.map(\.waitCount) }
    var downstreamDelay: [Double] { perService.map(\.downstreamDelay) }

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
            let i = patients.slot(for: e.patient)
            let p = patients.state(i)
            p.pointee.conveyedAt = e.time
            p.pointee.flags.insert(.conveyed)
            changeWaiting(context.acute, by: 1, at: e.time)
            if measured(e.time) {
                perService.element(context.acute).pointee.requests += 1
                nel += 1
                if e.cohort >= 0 { nelByCohort[Int(e.cohort)] += 1 }
                monthlyNEL[month(e.time)] += 1
                if let last = lastDischarge(e.patient) {
                    if e.time - last <= 30 { readmissions30 += 1 }
                    if e.time - last <= 91 { readmissions91 += 1 }
                }
            }
        case .edWait:
            break
        case .diversion where e.service >= 0 && Int(e.service) != context.acute:
            // Placed out of area by a downstream service whose waiting list was full: a request
            // for a place there (the place they waited in is left by the `leave` that follows).
            if measured(e.time) {
                let service = perService.element(Int(e.service))
                service.pointee.requests += 1
                service.pointee.placedOutOfArea += 1
            }
        case .diversion:
            let i = patients.findForUpdate(e.patient)
            if i >= 0 {
                if patients.state(i).pointee.flags.contains(.conveyed) {
                    changeWaiting(context.acute, by: -1, at: e.time)
                }
                patients.state(i).pointee.flags.remove(.conveyed)
                patients.removeIfEmpty(at: i)
            }
            if measured(e.time) {
                diversions += 1
                let m = month(e.time)
                monthlyDiversions[m] += 1
                let stay =
                    e.cohort >= 0 && Int(e.cohort) < outOfAreaStay.count
                    ? outOfAreaStay[Int(e.cohort)] : context.services[context.acute].costs.daysOutOfArea ?? 0
                outOfAreaDays += stay
                monthlyOutOfAreaDays[m] += stay
            }
        case .enter:
            enter(e)
        case .leave:
            leave(e)
        case .medicallyOptimised:
            let i = patients.slot(for: e.patient)
            let p = patients.state(i)
            p.pointee.pathway = e.detail
            p.pointee.flags.insert(.onPathway)
        case .assessmentStart, .assessmentEnd:
            break
        case .delay:
            let i = patients.slot(for: e.patient)
            closeDelay(i, at: e.time)
            if let code = DelayCode(packed: e.detail) {
                let p = patients.state(i)
                p.pointee.delayStart = e.time
                p.pointee.delayCode = code
                p.pointee.delayService = e.service
                p.pointee.delayPathway = p.pointee.flags.contains(.onPathway) ? p.pointee.pathway : -1
                p.pointee.flags.insert(.delayed)
            }
            patients.removeIfEmpty(at: i)
        case .transferWait:
            let i = patients.slot(for: e.patient)
            if patients.state(i).pointee.flags.contains(.waiting) {
                changeWaiting(Int(patients.state(i).pointee.waitService), by: -1, at: e.time)
            }
            changeWaiting(Int(e.service), by: 1, at: e.time)
            if measured(e.time) { perService.element(Int(e.service)).pointee.requests += 1 }
            let p = patients.state(i)
            p.pointee.waitService = e.service
            p.pointee.waitTime = e.time
            p.pointee.flags.insert(.waiting)
        case .serviceEnd:
            if e.detail == Outcome.avoided.rawValue && measured(e.time) {
                avoided += 1
                monthlyAvoided[month(e.time)] += 1
            }
        case .careHomeAdmission:
            // A detail that is not a known packing counts as an admission, council-supported.
            let admission = CareHomeAdmission(packed: e.detail)
            if admission?.source != .initialResident && measured(e.time) {
                careHomeAdmissions += 1
                if let source = admission?.source, source != .initialResident {
                    careHomeAdmissionsBySource[Int(source.rawValue)] += 1
                }
                if is65(e.cohort) {
                    careHomeAdmissions65 += 1
                    if admission?.selfFunded == true { selfFundedAdmissions65 += 1 }
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
            let service = perService.element(Int(e.service))
            advance(service, Int(e.service), to: e.time)
            service.pointee.capacity = Int(e.detail)
            service.pointee.capacityKnown = true
        case .end:
            finishAll(at: e.time)
        }
        if e.time - lastPrune > 30 { prune(at: e.time) }
    }

    mutating func enter(_ e: Event) {
        let s = Int(e.service)
        let service = perService.element(s)
        advance(service, s, to: e.time)
        service.pointee.occupancy += 1
        let i = patients.slot(for: e.patient)
        let p = patients.state(i)
        p.pointee.enteredAt = e.time
        p.pointee.flags.insert(.entered)
        let wait: Double
        // Whether the patient asked for this place now (rather than after waiting in its queue).
        var asksNow = false
        if s == context.acute {
            if p.pointee.flags.contains(.conveyed) {
                p.pointee.flags.remove(.conveyed)
                advanceQueue(service, to: e.time)
                service.pointee.waiting -= 1
                wait = e.time - p.pointee.conveyedAt
            } else {
                wait = 0
            }
        } else if p.pointee.flags.contains(.waiting), Int(p.pointee.waitService) == s {
            p.pointee.flags.remove(.waiting)
            advanceQueue(service, to: e.time)
            service.pointee.waiting -= 1
            wait = e.time - p.pointee.waitTime
        } else {
            wait = 0
            asksNow = true
        }
        guard measured(e.time) else { return }
        if asksNow { service.pointee.requests += 1 }
        service.pointee.entries += 1
        countEntry(service, s, at: e.time)
        service.pointee.waitSum += wait
        service.pointee.waitCount += 1
        if s == context.acute {
            edWaitSum += wait
            edWaitCount += 1
            if wait > 4.0 / 24 { edWaitsOver4h += 1 }
            if wait > 0 { edWaitsAny += 1 }
        }
    }

    mutating func leave(_ e: Event) {
        let s = Int(e.service)
        let service = perService.element(s)
        advance(service, s, to: e.time)
        service.pointee.occupancy -= 1
        let i = patients.slot(for: e.patient)
        closeDelay(i, at: e.time)
        let p = patients.state(i)
        if p.pointee.flags.contains(.entered) {
            p.pointee.flags.remove(.entered)
            if measured(e.time) {
                service.pointee.staySum += e.time - p.pointee.enteredAt
                service.pointee.departures += 1
            }
        }
        if s == context.acute {
            p.pointee.flags.remove(.onPathway)
            if p.pointee.flags.contains(.delayTotal) {
                p.pointee.flags.remove(.delayTotal)
                let total = p.pointee.delayedTotal
                if total > 0, measured(e.time) {
                    delayedPatients += 1
                    delayedPatientDays += total
                }
            }
            if e.detail != Destination.died {
                let j = lastAcuteDischarge.slot(for: e.patient)
                lastAcuteDischarge.state(j).pointee.time = e.time
                lastAcuteDischarge.state(j).pointee.prunesBefore = prunes
            }
        }
        if e.detail == Destination.died {
            if p.pointee.flags.contains(.waiting) { changeWaiting(Int(p.pointee.waitService), by: -1, at: e.time) }
            p.pointee.flags.remove(.waiting)
            let j = lastAcuteDischarge.findForUpdate(e.patient)
            if j >= 0 { lastAcuteDischarge.remove(at: j) }
        }
        patients.removeIfEmpty(at: i)
    }

    /// Integrates occupancy of service `s` up to `t` and takes the midnight census before `t`.
    /// `service` is `perService.element(s)`, taken in the same event.
    mutating func advance(
        _ service: UnsafeMutablePointer<ServiceTotals>, _ s: Int, to t: Double, includingMidnightAtT: Bool = false
    ) {
        let a = max(service.pointee.lastChange, warmup)
        let b = min(t, horizon)
        if b > a {
            let occupancy = Double(service.pointee.occupancy)
            let capacity = Double(service.pointee.capacity)
            service.pointee.occupancyIntegral += occupancy * (b - a)
            service.pointee.occupancySquaredIntegral += occupancy * occupancy * (b - a)
            service.pointee.capacityIntegral += capacity * (b - a)
            addByMonth(service, s, from: a, to: b, occupancy: occupancy, capacity: capacity)
            if service.pointee.capacityKnown { service.pointee.overCapacity(for: b - a) }
        }
        service.pointee.lastChange = t
        let last = Int(horizon)
        while service.pointee.nextMidnight <= last
            && (Double(service.pointee.nextMidnight) < t
                || (includingMidnightAtT && Double(service.pointee.nextMidnight) == t))
        {
            let k = service.pointee.nextMidnight
            service.pointee.nextMidnight += 1
            guard Double(k) >= warmup + 1 else { continue }
            let occupancy = service.pointee.occupancy
            let capacity = service.pointee.capacity
            let census = Double(occupancy)
            service.pointee.censusSum += census
            if recordsDaily { recordDaily(s, day: k - 1 - Int(warmup), census: census, capacity: capacity) }
            if s == context.acute {
                let m = monthOfDay[k - 1 - Int(warmup)]
                monthlyAcuteCensus[m] += census
                monthlyMidnights[m] += 1
                censusCount += 1
                let o = max(occupancy, 0)
                if o >= acuteCensusHistogram.count {
                    acuteCensusHistogram.append(contentsOf: repeatElement(0, count: o + 1 - acuteCensusHistogram.count))
                }
                acuteCensusHistogram[o] += 1
                if capacity > 0 {
                    if census > 0.92 * Double(capacity) { acuteDaysAbove92 += 1 }
                    if census > 0.95 * Double(capacity) { acuteDaysAbove95 += 1 }
                }
            }
        }
    }

    /// Adds `occupancy` and `capacity` over [a, b) (inside the measured window) to service
    /// `s`'s monthly occupied and funded place days, split at month ends.
    ///
    /// The days of the month in progress are summed in the service's own totals (`month*`),
    /// reached through the pointer the event already holds, and moved to the monthly arrays
    /// when a later month begins (`closeMonth`; the month still open is added by `costs()`).
    /// Adding to an array at every occupancy change checked the array's uniqueness each time:
    /// a runtime call, about a tenth of the projection's cost. The pieces and their order are
    /// the same as when they were added to the arrays directly, so the sums are the same bits.
    @inline(__always)
    mutating func addByMonth(
        _ service: UnsafeMutablePointer<ServiceTotals>, _ s: Int, from a: Double, to b: Double,
        occupancy: Double, capacity: Double
    ) {
        var from = a
        while from < b {
            let m = month(from)
            if m != service.pointee.month { closeMonth(service, s, openingMonth: m) }
            let end = min(monthEnd[m], b)
            guard end > from else { break }
            service.pointee.monthOccupiedDays += occupancy * (end - from)
            service.pointee.monthFundedPlaceDays += capacity * (end - from)
            from = end
        }
    }

    /// Counts an admission to service `s` at measured time `t` in its month.
    @inline(__always)
    mutating func countEntry(_ service: UnsafeMutablePointer<ServiceTotals>, _ s: Int, at t: Double) {
        let m = month(t)
        if m == service.pointee.month {
            service.pointee.monthEntries += 1
        } else if m > service.pointee.month {
            closeMonth(service, s, openingMonth: m)
            service.pointee.monthEntries += 1
        } else {
            // Only in a log out of time order: the month is already closed.
            monthlyEntries[s * monthLabels.count + m] += 1
        }
    }

    /// Moves service `s`'s sums for the month in progress to the monthly arrays and starts
    /// month `m`.
    @inline(never)
    mutating func closeMonth(_ service: UnsafeMutablePointer<ServiceTotals>, _ s: Int, openingMonth m: Int) {
        let i = s * monthLabels.count + service.pointee.month
        monthlyOccupiedDays[i] += service.pointee.monthOccupiedDays
        monthlyFundedPlaceDays[i] += service.pointee.monthFundedPlaceDays
        monthlyEntries[i] += service.pointee.monthEntries
        service.pointee.monthOccupiedDays = 0
        service.pointee.monthFundedPlaceDays = 0
        service.pointee.monthEntries = 0
        service.pointee.month = m
    }

    /// `monthlyOccupiedDays`, `monthlyFundedPlaceDays` and `monthlyEntries` with each
    /// service's month in progress added.
    func monthlyServiceDays() -> (occupied: [Double], funded: [Double], entries: [Double]) {
        var (occupied, funded, entries) = (monthlyOccupiedDays, monthlyFundedPlaceDays, monthlyEntries)
        guard !monthLabels.isEmpty else { return (occupied, funded, entries) }
        for s in 0..<perService.count {
            let totals = perService[s]
            let i = s * monthLabels.count + totals.month
            occupied[i] += totals.monthOccupiedDays
            funded[i] += totals.monthFundedPlaceDays
            entries[i] += totals.monthEntries
        }
        return (occupied, funded, entries)
    }

    /// Adds `change` to the number waiting for service `s` at `t`, after taking the censuses of
    /// the midnights before `t` with the old number.
    mutating func changeWaiting(_ s: Int, by change: Int, at t: Double) {
        let service = perService.element(s)
        advanceQueue(service, to: t)
        service.pointee.waiting += change
    }

    /// Takes the queue's census at the midnights before `t` (and at `t` when asked), as
    /// `advance` does for occupancy. Kept apart from `advance` so that occupancy is integrated
    /// over exactly the same pieces whether or not anyone waits (the same bits as before queues
    /// were counted).
    mutating func advanceQueue(
        _ service: UnsafeMutablePointer<ServiceTotals>, to t: Double, includingMidnightAtT: Bool = false
    ) {
        let last = Int(horizon)
        while service.pointee.queueNextMidnight <= last
            && (Double(service.pointee.queueNextMidnight) < t
                || (includingMidnightAtT && Double(service.pointee.queueNextMidnight) == t))
        {
            let k = service.pointee.queueNextMidnight
            service.pointee.queueNextMidnight += 1
            guard Double(k) >= warmup + 1 else { continue }
            service.pointee.queueAtMidnight(
                day: k - 1 - Int(warmup), of: context.days, block: queueBlockDays,
                waiting: Double(service.pointee.waiting))
        }
    }

    /// Keeps the midnight census of one day (`recordingDaily`). Out of line on purpose: inlined,
    /// the optimiser hoists the copy-on-write check of `dailyCensus` and `dailyCapacity` out of
    /// `advance`'s loop, where, on the empty arrays of a projection not recording, it made a new
    /// (empty) buffer on every call.
    @inline(never)
    mutating func recordDaily(_ s: Int, day: Int, census: Double, capacity: Int) {
        dailyCensus[s][day] = census
        dailyCapacity[s][day] = Double(capacity)
    }

    /// Ends the open delay interval (if any) of the patient in table slot `i` at `t`, adding it
    /// to the totals. The slot must come from a mutating look-up in the same event.
    mutating func closeDelay(_ i: Int, at t: Double) {
        let p = patients.state(i)
        guard p.pointee.flags.contains(.delayed) else { return }
        p.pointee.flags.remove(.delayed)
        let d = (
            start: p.pointee.delayStart, code: p.pointee.delayCode,
            service: Int(p.pointee.delayService), pathway: Int(p.pointee.delayPathway)
        )
        let a = max(d.start, warmup)
        let b = min(t, horizon)
        if d.service != context.acute {
            if b > a { perService.element(d.service).pointee.downstreamDelay += b - a }
            return
        }
        let previous = p.pointee.flags.contains(.delayTotal) ? p.pointee.delayedTotal : 0
        p.pointee.delayedTotal = previous + max(t - d.start, 0)
        p.pointee.flags.insert(.delayTotal)
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
            delayMidnightByResponsible[Int(d.code.responsible.rawValue)] += 1
            monthlyDelayMidnight[m] += 1
            monthlyDelayMidnightByReason[m][Int(d.code.reason.rawValue)] += 1
            if isMonthEnd[day] { monthlySnapshot[m] += 1 }
            k += 1
        }
    }

    mutating func finishAll(at t: Double) {
        for s in 0..<perService.count {
            advance(perService.element(s), s, to: t, includingMidnightAtT: true)
            advanceQueue(perService.element(s), to: t, includingMidnightAtT: true)
        }
        // In patient order, so that the sums are added in the same order whatever the table's.
        for patient in patients.keys(where: { $0.flags.contains(.delayed) }).sorted() {
            let i = patients.findForUpdate(patient)
            closeDelay(i, at: t)
            patients.removeIfEmpty(at: i)
        }
    }

    /// Forgets discharges older than 91 days (they can no longer make a readmission count):
    /// those before `t - 92`, as of the prune at `t`.
    ///
    /// The forgetting is logical: a discharge written before the latest prune and earlier than
    /// the time that prune kept is forgotten (`isPruned`). Prune times increase, so the latest
    /// prune is the strictest of all those since a discharge was written, and this is exactly
    /// the set a sweep at every prune would have removed, even in a log out of time order.
    /// The table itself is swept every `sweepEvery` prunes, so that its memory still follows
    /// the discharges remembered (about 92 + 30 x `sweepEvery` days of them). Sweeping it at
    /// every prune was a tenth of a replication's time (perf, reference model): one branch per
    /// slot, unpredictable, and a backward shift per discharge removed.
    mutating func prune(at t: Double) {
        lastPrune = t
        prunes &+= 1
        keepDischargesFrom = t - 92
        if prunes % Self.sweepEvery == 0 { sweepDischarges() }
    }

    /// Prunes (of 30 days) between sweeps of the discharge table. Every 4th halves the time
    /// spent sweeping; the table then holds up to 212 days of discharges instead of 122.
    static var sweepEvery: UInt64 { 4 }

    /// Whether a prune since the discharge was written has forgotten it (see `prune(at:)`):
    /// `prunes` have been made, the latest keeping discharges from `keepFrom`.
    @inline(__always)
    static func isPruned(_ entry: DischargeEntry, prunes: UInt64, keepFrom: Double) -> Bool {
        entry.prunesBefore < prunes && !(entry.time >= keepFrom)
    }

    /// The time of the patient's last discharge from acute alive, unless pruned.
    func lastDischarge(_ patient: UInt32) -> Double? {
        let j = lastAcuteDischarge.find(patient)
        guard j >= 0 else { return nil }
        let entry = lastAcuteDischarge.entry(j)
        return Self.isPruned(entry, prunes: prunes, keepFrom: keepDischargesFrom) ? nil : entry.time
    }

    /// Removes the pruned discharges from the table (and shrinks it if mostly empty).
    mutating func sweepDischarges() {
        let (prunes, keepFrom) = (prunes, keepDischargesFrom)
        lastAcuteDischarge.removeAll { Self.isPruned($0, prunes: prunes, keepFrom: keepFrom) }
    }
}

// MARK: - Per-service totals

/// The projection's running totals for one service.
struct ServiceTotals {
    var occupancy = 0
    var capacity = 0
    /// The next midnight (day number) whose census is still to be taken.
    var nextMidnight = 1
    /// When occupancy last changed (the integral is up to date to here).
    var lastChange = 0.0
    var occupancyIntegral = 0.0
    /// The square of occupancy integrated over the measured window (for its variance).
    var occupancySquaredIntegral = 0.0
    /// Funded place days: the capacity integrated over the measured window.
    var capacityIntegral = 0.0
    var entries = 0.0
    var censusSum = 0.0
    var staySum = 0.0
    var departures = 0.0
    var waitSum = 0.0
    var waitCount = 0.0
    /// Delayed days of patients waiting in this (non-acute) service for another.
    var downstreamDelay = 0.0
    /// Whether a capacity event has been seen (before it, nothing counts as over capacity).
    var capacityKnown = false
    /// Days with more occupants than places, the integral of the excess, and its largest value.
    var overCapacityDays = 0.0
    var excessIntegral = 0.0
    var excessMax = 0
    /// Patients waiting for a place (in ED for the acute hospital, in the queue otherwise).
    var waiting = 0
    /// Patients who asked for a place in the measured window: admitted at once, joined the
    /// queue or placed out of area (for the acute hospital, every conveyance, diverted or not).
    var requests = 0.0
    /// Patients placed out of area in the measured window because the waiting list was full
    /// (downstream services with a `waitingList`).
    var placedOutOfArea = 0.0
    /// The number waiting at each measured midnight: summed over all, over the first block of
    /// days and over the last (see `Projection.queueBlockDays`).
    var queueN = 0.0
    /// The next midnight (day number) whose queue census is still to be taken.
    var queueNextMidnight = 1
    var queueSum = 0.0
    var queueFirst = 0.0
    var queueLast = 0.0
    /// The month in progress (an index of the projection's months) and this service's
    /// occupied place days, funded place days and admissions in it so far (see
    /// `Projection.addByMonth`).
    var month = 0
    var monthOccupiedDays = 0.0
    var monthFundedPlaceDays = 0.0
    var monthEntries = 0.0

    /// Adds `length` days at the current occupancy and capacity to the over-capacity totals.
    @inline(__always)
    mutating func overCapacity(for length: Double) {
        let excess = occupancy - capacity
        guard excess > 0 else { return }
        overCapacityDays += length
        excessIntegral += Double(excess) * length
        excessMax = max(excessMax, excess)
    }

    /// Adds the number waiting at the midnight that ends measured day `day` (of `days`) to
    /// the queue's sums, with blocks of `block` days at each end.
    @inline(__always)
    mutating func queueAtMidnight(day: Int, of days: Int, block: Int, waiting y: Double) {
        queueN += 1
        queueSum += y
        if day < block { queueFirst += y }
        if day >= days - block { queueLast += y }
    }

    /// The mean number waiting in the last block of days minus that in the first (NaN when the
    /// period has no days).
    func queueGrowth(block: Int) -> Double {
        block > 0 ? (queueLast - queueFirst) / Double(block) : .nan
    }
}

/// A fixed number of `ServiceTotals`, with copy on write, changed in place through pointers.
///
/// With a plain array per total, every `occupancy[s] += 1` did its own uniqueness check (a
/// runtime call), several per event. Here `element(_:)` does one check per event and hands
/// out a pointer to the service's totals; the pointer is valid until the projection is
/// copied or the event ends.
struct ServiceTotalsBuffer {
    private var buffer: CopyOnWriteBuffer<ServiceTotals>

    init(count: Int) { buffer = CopyOnWriteBuffer(repeating: ServiceTotals(), count: count) }

    var count: Int { buffer.count }

    /// The totals of service `s`, to change in place (traps when `s` is out of range, as an
    /// array index would).
    @inline(__always)
    mutating func element(_ s: Int) -> UnsafeMutablePointer<ServiceTotals> {
        precondition(s >= 0 && s < buffer.count, "Index out of range")
        return buffer.mutableElements() + s
    }

    /// The totals of service `s`, to read.
    subscript(s: Int) -> ServiceTotals { buffer.elements[s] }

    func map<T>(_ transform: (ServiceTotals) -> T) -> [T] {
        (0..<buffer.count).map { transform(buffer.elements[$0]) }
    }
}

// MARK: - Per-patient state

/// The projection's state of one patient while in the system (conveyed, waiting, in a
/// service, delayed), kept while any part of it is set (see `flags`); an `OpenTable` entry.
struct PatientState: TableEntry {
    /// Which fields hold a value (the rest are meaningless).
    struct Flags: OptionSet {
        let rawValue: UInt8
        /// Conveyed at `conveyedAt`, not yet admitted or diverted.
        static let conveyed = Flags(rawValue: 1 << 0)
        /// Waiting for service `waitService` since `waitTime`.
        static let waiting = Flags(rawValue: 1 << 2)
        /// In a service since `enteredAt`.
        static let entered = Flags(rawValue: 1 << 3)
        /// Delayed since `delayStart` (`delayCode`, `delayService`, `delayPathway`).
        static let delayed = Flags(rawValue: 1 << 4)
        /// Medically optimised on `pathway`, still in the acute hospital.
        static let onPathway = Flags(rawValue: 1 << 5)
        /// Delayed for `delayedTotal` days in all during the current acute stay.
        static let delayTotal = Flags(rawValue: 1 << 6)
        /// The table slot holds `key` (set even while no field is).
        static let present = Flags(rawValue: 1 << 7)
        /// Every field flag (all but `present`).
        static let fields = Flags(rawValue: 0x7F)
    }

    var conveyedAt = 0.0
    var waitTime = 0.0
    var enteredAt = 0.0
    var delayStart = 0.0
    var delayedTotal = 0.0
    var pathway: Int32 = 0
    var delayPathway: Int32 = 0
    var waitService: Int16 = 0
    var delayService: Int16 = 0
    var delayCode = DelayCode(reason: .a, responsible: .nhs)
    var flags: Flags = []
    /// The patient id (when `flags` contains `present`).
    var key: UInt32 = 0

    init() {}
    init(key: UInt32) {
        flags = .present
        self.key = key
    }

    var isPresent: Bool { flags.contains(.present) }
    /// Whether no field is set (the patient can be forgotten).
    var isEmpty: Bool { flags.isDisjoint(with: .fields) }
}

/// A patient's last discharge from the acute hospital alive, kept for 91+ days (readmissions):
/// an `OpenTable` entry of 24 bytes. Discharges are most of the patients the projection
/// remembers, so they have a table of their own rather than a field of `PatientState`.
struct DischargeEntry: TableEntry {
    var time = 0.0
    /// How many prunes had been made when the discharge was written (see `Projection.prune`).
    var prunesBefore: UInt64 = 0
    var key: UInt32 = 0
    var isPresent = false

    init() {}
    init(key: UInt32) {
        self.key = key
        isPresent = true
    }
}

typealias PatientTable = OpenTable<PatientState>

extension OpenTable where Entry == PatientState {
    /// Removes the patient in slot `i` if none of its fields is set (after a mutating look-up).
    @inline(__always)
    mutating func removeIfEmpty(at i: Int) {
        if entry(i).isEmpty { remove(at: i) }
    }
}
