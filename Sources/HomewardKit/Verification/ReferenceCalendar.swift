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
        // One delay of a patient: its reason from `from` to `to`, weighted by its branch's
        // probability; the part inside the measured period counts.
        func add(_ reason: DelayReason?, _ from: Double, _ to: Double, _ weight: Double) {
            guard let reason, to > from else { return }
            expected[reason, default: 0] += weight * max(0, min(to, end) - min(from, end))
        }
        for minute in 0..<(s.days * 1440) {
            // The middle of each minute: every break in the delays falls on a whole hour, and
            // between breaks they are linear in t, so the midpoint rule is exact.
            let optimised = (Double(minute) + 0.5) / 1440 + stay
            guard optimised < end else { break }
            for (k, share) in cohort.pathwayMix.enumerated() where share > 0 {
                let pathway = s.pathways[k]
                var ready = optimised
                var current: DelayReason? = nil
                if pathway.needsAssessment {
                    var window = working
                    window.allDays = w.sevenDayAssessment || s.schemes.contains { $0.isOn(at: optimised) }
                    ready = calendar.addingWork(pathway.assessmentHours.mean, to: optimised, window)
                    add(.a, optimised, ready, share)
                    current = .a
                }
                let q = pathway.equipmentProbability
                let equipped = calendar.nextOpen(ready + pathway.equipmentDays.mean, equipmentWindow)
                for (needs, p) in [(true, q), (false, 1 - q)] where p > 0 {
                    let start = needs ? equipped : ready
                    if needs { add(.f, ready, equipped, share * p) }
                    let reason = needs ? .f : current
                    if pathway.destinations.isEmpty {
                        var window = pathway.needsAssessment ? working : s.working.simpleDischargeHours.window
                        window.allDays = pathway.needsAssessment ? w.sevenDayDischarge : window.allDays
                        let leave = calendar.nextOpen(start, window)
                        add(pathway.dischargeDelay?.reason ?? reason, start, leave, share * p)
                        continue
                    }
                    for (service, destinationShare) in pathway.destinations {
                        var window = working
                        window.allDays = s.services[service].acceptsAllDays ?? w.sevenDayDischarge
                        let leave = calendar.nextOpen(start, window)
                        add(s.services[service].delay.reason, start, leave, share * p * destinationShare)
                    }
                }
            }
        }
        let runs = replicate(s, replications, threads)
        return expected.keys.sorted { $0.rawValue < $1.rawValue }.map { reason in
            check(
                s.name, "delayed bed days, reason \(reason.code)", perMinute * (expected[reason] ?? 0),
                runs.map { $0.metrics[.delayedBedDaysByReason, reason.code] ?? 0 }, margin: exactMargin)
        }
    }
}

extension Distribution {
    fileprivate var isFixed: Bool { if case .fixed = self { true } else { false } }
}
