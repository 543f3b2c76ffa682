import Foundation

/// The calendar the verification cases compute their theory with: written apart from the
/// simulator's `WorkingClock` and `CivilDate`, so that a fault in the simulator's calendar shows
/// as a difference instead of moving theory and simulation together. Weekdays and months come
/// from Foundation's Gregorian calendar; a day is a working day when it is Monday to Friday and
/// not one of the scenario's bank holidays; a window is open on `[from, to)` hours, and one that
/// runs past midnight belongs to the day it opens; a task of h working hours runs through open
/// time only.
struct ReferenceCalendar {
    /// Weekday (1 = Monday ... 7 = Sunday) and month (1 ... 12) of each day from the origin.
    let weekday: [Int]
    let month: [Int]
    /// Bank holidays, as days from the origin.
    let holidays: Set<Int>

    struct Window {
        var from: Double
        var to: Double
        var allDays: Bool
    }

    /// The calendar of `days` days (and a week more, for tasks that run past the end) from
    /// `origin`.
    init(origin: CivilDate, days: Int, bankHolidays: [Int] = []) {
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = TimeZone(identifier: "UTC")!
        let start = gregorian.date(from: DateComponents(year: origin.year, month: origin.month, day: origin.day))!
        var weekday: [Int] = []
        var month: [Int] = []
        for k in 0..<(days + 8) {
            let date = gregorian.date(byAdding: .day, value: k, to: start)!
            // Foundation counts Sunday as 1.
            weekday.append((gregorian.component(.weekday, from: date) + 5) % 7 + 1)
            month.append(gregorian.component(.month, from: date))
        }
        self.weekday = weekday
        self.month = month
        holidays = Set(bankHolidays)
    }

    func isWorkingDay(_ day: Int) -> Bool { weekday[day] <= 5 && !holidays.contains(day) }

    func allowed(_ day: Int, _ w: Window) -> Bool { w.allDays || (day >= 0 && isWorkingDay(day)) }

    /// Whether the window is open at t.
    func isOpen(_ t: Double, _ w: Window) -> Bool {
        let day = Int(t.rounded(.down))
        let h = (t - Double(day)) * 24
        if w.from < w.to { return allowed(day, w) && h >= w.from && h < w.to }
        return (h >= w.from && allowed(day, w)) || (h < w.to && allowed(day - 1, w))
    }

    /// The first time at or after t inside the window (`from < to`).
    func nextOpen(_ t: Double, _ w: Window) -> Double {
        var day = Int(t.rounded(.down))
        while true {
            if allowed(day, w) {
                let open = Double(day) + w.from / 24
                let close = Double(day) + w.to / 24
                if t < close { return max(t, open) }
            }
            day += 1
        }
    }

    /// When `hours` of work started at t end, working only inside the window.
    func addingWork(_ hours: Double, to t: Double, _ w: Window) -> Double {
        var left = hours / 24
        var now = nextOpen(t, w)
        while true {
            let close = Double(Int(now.rounded(.down))) + w.to / 24
            if left <= close - now { return now + left }
            left -= close - now
            now = nextOpen(close, w)
        }
    }
}

extension Hours {
    var window: ReferenceCalendar.Window { .init(from: from, to: to, allDays: allDays) }
}

extension VerificationSuite {
    /// Delays by reason against the calendar's exact expectation (`discharge-calendar.json5`).
    static func dischargeCalendarChecks(_ s: Scenario, replications: Int, threads: Int) throws -> [Check] {
        let cohort = s.cohorts[0]
        let w = s.working
        guard s.cohorts.count == 1, case .perYear(let perYear) = cohort.rate, s.warmupDays == 0,
            case .fixed(let stay) = cohort.lengthOfStay, cohort.inHospitalMortality == 0, cohort.conveyance == 1,
            s.pathways.allSatisfy({ p in
                p.destinations.allSatisfy { s.services[$0.service].capacity.initial >= 10_000 }
                    && (!p.needsAssessment || p.assessmentHours.isFixed) && p.equipmentDays.isFixed
            }),
            s.schemes.allSatisfy({ $0.effects.allSatisfy { if case .sevenDayAssessment = $0 { true } else { false } } })
        else {
            throw VerificationError.unsupported(
                "discharge-calendar: needs one cohort with a perYear rate and fixed stays, no warm-up, "
                    + "places never short, fixed assessment and equipment times, and schemes that only "
                    + "make assessment seven-day")
        }
        let calendar = ReferenceCalendar(origin: s.origin, days: s.days, bankHolidays: w.bankHolidays)
        let working = ReferenceCalendar.Window(from: w.hours.from, to: w.hours.to, allDays: false)
        var equipmentWindow = working
        equipmentWindow.allDays = w.sevenDayEquipment
        let end = Double(s.days)
        let perMinute = perYear / 365.25 / 1440
        // Every reason the case can record is checked, those it never should at exactly 0.
        var expected: [DelayReason: Double] = [.a: 0, .f: 0]
        for pathway in s.pathways {
            if let code = pathway.dischargeDelay { expected[code.reason] = 0 }
            for (service, _) in pathway.destinations { expected[s.services[service].delay.reason] = 0 }
        }
        // Expected patients delayed, and in hospital, at midnight k (the end of day k - 1), for
        // k = 1 ... days; patients who leave inside the period having been delayed, and their
        // delays in all.
        var delayedAt = [Double](repeating: 0, count: s.days + 1)
        var inHospitalAt = [Double](repeating: 0, count: s.days + 1)
        var delayedPatients = 0.0
        var delayedPatientDays = 0.0
        // Each service's occupied days and admissions inside the period, for the costs.
        var occupied = [Double](repeating: 0, count: s.services.count)
        var admitted = [Double](repeating: 0, count: s.services.count)
        func midnights(from: Double, to: Double, _ weight: Double, into counts: inout [Double]) {
            var k = max(Int(from.rounded(.up)), 1)
            while Double(k) < to && k <= s.days {
                counts[k] += weight
                k += 1
            }
        }
        // One patient's course in one branch, with the branch's probability: admitted at
        // `arrival`, delayed by reason over `delays` (contiguous pieces), leaving at `leave` for
        // `next` (a service whose stay is fixed) or for nowhere the case follows.
        func add(
            arrival: Double, delays: [(DelayReason?, Double, Double)], leave: Double, next: Int? = nil,
            _ weight: Double
        ) throws {
            midnights(from: arrival, to: leave, weight, into: &inHospitalAt)
            occupied[s.acute] += weight * (min(leave, end) - arrival)
            admitted[s.acute] += weight
            if let next, leave < end {
                guard case .fixed(let stay)? = s.services[next].duration else {
                    throw VerificationError.unsupported("discharge-calendar: services need fixed durations")
                }
                admitted[next] += weight
                occupied[next] += weight * (min(leave + stay, end) - leave)
            }
            var total = 0.0
            for (reason, from, to) in delays {
                guard let reason, to > from else { continue }
                expected[reason, default: 0] += weight * max(0, min(to, end) - min(from, end))
                midnights(from: from, to: to, weight, into: &delayedAt)
                total += to - from
            }
            if total > 0, leave < end {
                delayedPatients += weight
                delayedPatientDays += weight * total
            }
        }
        for minute in 0..<(s.days * 1440) {
            // The middle of each minute: every break in the delays falls on a whole hour, and
            // between breaks they are linear in t, so the midpoint rule is exact.
            let arrival = (Double(minute) + 0.5) / 1440
            let optimised = arrival + stay
            guard optimised < end else {
                try add(arrival: arrival, delays: [], leave: .infinity, 1)
                continue
            }
            for (k, share) in cohort.pathwayMix.enumerated() where share > 0 {
                let pathway = s.pathways[k]
                var ready = optimised
                var assessment: [(DelayReason?, Double, Double)] = []
                if pathway.needsAssessment {
                    var window = working
                    window.allDays = w.sevenDayAssessment || s.schemes.contains { $0.isOn(at: optimised) }
                    ready = calendar.addingWork(pathway.assessmentHours.mean, to: optimised, window)
                    assessment = [(.a, optimised, ready)]
                }
                let current: DelayReason? = pathway.needsAssessment ? .a : nil
                let q = pathway.equipmentProbability
                let equipped = calendar.nextOpen(ready + pathway.equipmentDays.mean, equipmentWindow)
                for (needs, p) in [(true, q), (false, 1 - q)] where p > 0 {
                    let start = needs ? equipped : ready
                    let before = assessment + (needs ? [(.f, ready, equipped)] : [])
                    let reason = needs ? .f : current
                    if pathway.destinations.isEmpty {
                        var window = pathway.needsAssessment ? working : s.working.simpleDischargeHours.window
                        window.allDays = pathway.needsAssessment ? w.sevenDayDischarge : window.allDays
                        let leave = calendar.nextOpen(start, window)
                        let last = (pathway.dischargeDelay?.reason ?? reason, start, leave)
                        try add(arrival: arrival, delays: before + [last], leave: leave, share * p)
                        continue
                    }
                    for (service, destinationShare) in pathway.destinations {
                        var window = working
                        window.allDays = s.services[service].acceptsAllDays ?? w.sevenDayDischarge
                        let leave = calendar.nextOpen(start, window)
                        let last = (s.services[service].delay.reason, start, leave)
                        try add(
                            arrival: arrival, delays: before + [last], leave: leave, next: service,
                            share * p * destinationShare)
                    }
                }
            }
        }
        let runs = replicate(s, replications, threads)
        var checks = expected.keys.sorted { $0.rawValue < $1.rawValue }.map { reason in
            check(
                s.name, "delayed bed days, reason \(reason.code)", perMinute * (expected[reason] ?? 0),
                runs.map { $0.metrics[.delayedBedDaysByReason, reason.code] ?? 0 }, margin: exactMargin)
        }
        func exact(_ measure: String, _ theory: Double, _ values: (ReplicationMetrics) -> Double?) {
            checks.append(
                check(s.name, measure, theory, runs.map { values($0.metrics) ?? .nan }, margin: exactMargin))
        }
        // The published measures, from the same courses: midnights delayed (the DTOC count), per
        // 100,000 adults a month, at the month ends, and the acute midnight census by month.
        let midnightTotal = perMinute * delayedAt.reduce(0, +)
        exact("patients delayed at midnight, summed over the midnights", midnightTotal) {
            $0[.delayedBedDaysMidnight]
        }
        let adults = s.population.filter { $0.minimumAge >= 18 }.reduce(0) { $0 + $1.people }
        let months = end / (365.25 / 12)
        exact(
            "delayed at midnight per 100,000 adults (\(format(adults)) of them) a month",
            midnightTotal / (months * adults / 100_000)
        ) {
            $0[.dtocPer100kPerMonth]
        }
        let monthEnds = (1...s.days).filter { calendar.month[$0 - 1] != calendar.month[$0] }
        if !monthEnds.isEmpty {
            exact(
                "delayed at the month-end midnight (\(monthEnds.map { s.origin.adding(days: $0 - 1).description }.joined(separator: ", ")))",
                perMinute * monthEnds.reduce(0) { $0 + delayedAt[$1] } / Double(monthEnds.count)
            ) { $0[.delayedAtMonthEnd] }
        }
        exact("patients delayed, leaving inside the period", perMinute * delayedPatients) { $0[.delayedPatients] }
        exact("mean delay of a delayed patient, days (all delays of the stay)", delayedPatientDays / delayedPatients) {
            $0[.meanDelayDays]
        }
        // The acute census of each calendar month: the midnights that end its days.
        var monthMidnights: [[Int]] = []
        for k in 1...s.days {
            if k == 1 || calendar.month[k - 1] != calendar.month[k - 2] { monthMidnights.append([]) }
            monthMidnights[monthMidnights.count - 1].append(k)
        }
        for (m, ks) in monthMidnights.enumerated() {
            let theory = perMinute * ks.reduce(0) { $0 + inHospitalAt[$1] } / Double(ks.count)
            let month = s.origin.adding(days: ks[0] - 1).description.prefix(7)
            exact("mean acute census at the \(ks.count) midnights ending days of \(month)", theory) {
                $0.series(.monthlyAcuteOccupancyMean)?[m]
            }
        }
        checks += try dischargeCostChecks(
            s, runs, occupied: occupied.map { $0 * perMinute }, admitted: admitted.map { $0 * perMinute },
            delayed: perMinute * expected.values.reduce(0, +))
        return checks
    }

    /// The costs of the discharge-calendar case, line by line from its exact quantities: each
    /// service's occupied days (acute delayed days at their own rate), admissions and funded
    /// places, and the schemes' one-off and yearly costs pro rata, by service and by payer.
    static func dischargeCostChecks(
        _ s: Scenario, _ runs: [Replication], occupied: [Double], admitted: [Double], delayed: Double
    ) throws -> [Check] {
        let end = Double(s.days)
        var byService = [Double](repeating: 0, count: s.services.count)
        var byPayer: [Payer: Double] = [:]
        for (i, service) in s.services.enumerated() {
            let k = service.costs
            guard service.capacity.changes.isEmpty, k.perDiversion == 0, k.perDayOutOfArea == 0 else {
                throw VerificationError.unsupported("discharge-calendar: costs need fixed capacity and no diversions")
            }
            let separate = i == s.acute ? k.perDelayedDay : nil
            let lines: [(ServiceCosts.Line, Double)] = [
                (.occupiedDays, k.perOccupiedDay * (occupied[i] - (separate == nil ? 0 : delayed))),
                (.delayedDays, (separate ?? 0) * delayed),
                (.episodes, k.perEpisode * admitted[i]),
                (.fundedPlaces, k.perFundedPlacePerDay * Double(service.capacity.initial) * end),
            ]
            for (line, cost) in lines {
                byService[i] += cost
                byPayer[k.payer(line), default: 0] += cost
            }
        }
        var schemes = 0.0
        for scheme in s.schemes {
            let start = Double(scheme.startDay)
            let stop = min(scheme.endDay.map(Double.init) ?? end, end)
            var cost = start >= 0 && start < end ? scheme.oneOffCost : 0
            cost += scheme.costPerYear * max(0, stop - max(start, 0)) / 365.25
            schemes += cost
            byPayer[scheme.payer, default: 0] += cost
        }
        guard byService.contains(where: { $0 > 0 }) || schemes > 0 else { return [] }
        var checks: [Check] = []
        for (i, service) in s.services.enumerated() where byService[i] > 0 {
            checks.append(
                check(
                    s.name, "cost of \(service.name), GBP", byService[i],
                    runs.map { $0.metrics[.costByService, service.name] ?? .nan }, margin: exactMargin))
        }
        checks.append(
            check(
                s.name, "cost of the schemes (one-off, and yearly pro rata by days / 365.25), GBP", schemes,
                runs.map { $0.metrics[.schemeCost] ?? .nan }, margin: exactMargin))
        for payer in Payer.allCases {
            checks.append(
                check(
                    s.name, "cost to the \(payer.label), GBP", byPayer[payer] ?? 0,
                    runs.map { $0.metrics[.costByPayer, payer.rawValue] ?? .nan }, margin: exactMargin))
        }
        return checks
    }
}

extension Distribution {
    fileprivate var isFixed: Bool { if case .fixed = self { true } else { false } }
}
