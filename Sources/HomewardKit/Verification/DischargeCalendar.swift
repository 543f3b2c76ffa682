/// The expected delayed bed days, by reason, of patients who become medically optimised at a
/// constant rate when no place is ever short: every delay then comes from the working calendar
/// alone, and for a patient optimised at time t each delay is a fixed interval. The expectation
/// is the rate times the integral over t of each interval's length inside the measured period,
/// summed over the branches (pathway, equipment, destination) with their probabilities.
///
/// The calendar arithmetic is written here again, on purpose apart from `WorkingClock`, so that
/// a fault in the simulator's calendar shows as a difference: a day is a working day when it is
/// Monday to Friday (the case has no bank holidays); a window is open on `[from, to)` hours; a
/// task of h working hours runs through open time only.
struct DischargeCalendar {
    /// ISO weekday of day 0 (1 = Monday).
    var firstWeekday: Int

    struct Window {
        var from: Double
        var to: Double
        var allDays: Bool
    }

    func isWorkingDay(_ day: Int) -> Bool { (firstWeekday - 1 + day) % 7 < 5 }

    /// The first time at or after t inside the window.
    func nextOpen(_ t: Double, _ w: Window) -> Double {
        var day = Int(t.rounded(.down))
        while true {
            if w.allDays || isWorkingDay(day) {
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

extension VerificationSuite {
    /// Delays by reason against the calendar's exact expectation (`discharge-calendar.json5`).
    static func dischargeCalendarChecks(_ s: Scenario, replications: Int, threads: Int) throws -> [Check] {
        let cohort = s.cohorts[0]
        let w = s.working
        guard s.cohorts.count == 1, case .perYear(let perYear) = cohort.rate, s.warmupDays == 0,
            case .fixed(let stay) = cohort.lengthOfStay, cohort.inHospitalMortality == 0, cohort.conveyance == 1,
            w.bankHolidays.isEmpty,
            s.pathways.allSatisfy({ p in
                p.destinations.allSatisfy { s.services[$0.service].capacity.initial >= 10_000 }
                    && (!p.needsAssessment || p.assessmentHours.isFixed) && p.equipmentDays.isFixed
            }),
            s.schemes.allSatisfy({ $0.effects.allSatisfy { if case .sevenDayAssessment = $0 { true } else { false } } })
        else {
            throw VerificationError.unsupported(
                "discharge-calendar: needs one cohort with a perYear rate and fixed stays, no warm-up, no bank "
                    + "holidays, places never short, fixed assessment and equipment times, and schemes that only "
                    + "make assessment seven-day")
        }
        let calendar = DischargeCalendar(firstWeekday: s.origin.isoWeekday)
        let working = DischargeCalendar.Window(from: w.hours.from, to: w.hours.to, allDays: false)
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

extension Hours {
    fileprivate var window: DischargeCalendar.Window { .init(from: from, to: to, allDays: allDays) }
}

extension Distribution {
    fileprivate var isFixed: Bool { if case .fixed = self { true } else { false } }
}
