import Foundation

/// Calendar arithmetic on simulated time: weekdays, bank holidays, months and working windows.
///
/// Simulated time `t` is in days since the origin date; day `floor(t)` is a calendar date and
/// `(t - floor(t)) * 24` the hour. Everything is precomputed per day for the horizon plus a
/// margin, so the per-event look-ups are array reads.
public struct WorkingClock: Sendable {
    /// ISO weekday (1 = Monday) of each day from the origin.
    public let weekday: [UInt8]
    /// Month of the year (1-12) of each day.
    public let monthOfYear: [UInt8]
    /// Whether each day is a bank holiday.
    public let holiday: [Bool]
    public let origin: CivilDate

    /// Days past the horizon that still have a calendar (windows that open after the end).
    public static let margin = 400

    public init(origin: CivilDate, horizonDays: Int, bankHolidays: [Int]) {
        self.origin = origin
        let n = max(horizonDays, 0) + WorkingClock.margin
        var wd = [UInt8](repeating: 0, count: n)
        var mo = [UInt8](repeating: 0, count: n)
        var date = origin
        for d in 0..<n {
            wd[d] = UInt8(date.isoWeekday)
            mo[d] = UInt8(date.month)
            date = date.adding(days: 1)
        }
        var hol = [Bool](repeating: false, count: n)
        for day in bankHolidays where day >= 0 && day < n { hol[day] = true }
        weekday = wd
        monthOfYear = mo
        holiday = hol
    }

    @inline(__always)
    func dayIndex(_ t: Double) -> Int {
        guard t < Double(weekday.count) else { return weekday.count - 1 }
        return max(Int(t), 0)
    }

    /// Times this far out are past every horizon: no calendar arithmetic is needed there.
    var farFuture: Double { Double(weekday.count) }

    /// Whether `day` is a working day (Monday-Friday and not a bank holiday).
    @inline(__always)
    public func isWorkingDay(_ day: Int) -> Bool {
        if day >= 0 && day < weekday.count { return weekday[day] <= 5 && !holiday[day] }
        // Outside the precomputed calendar: weekdays by arithmetic, no bank holidays.
        let w = ((Int(weekday[0]) - 1 + day) % 7 + 7) % 7 + 1
        return w <= 5
    }

    @inline(__always)
    func dayAllowed(_ day: Int, _ hours: Hours) -> Bool { hours.allDays || isWorkingDay(day) }

    /// Whether a service with these hours is open at time `t` (windows may run past midnight).
    public func isOpen(_ t: Double, hours: Hours) -> Bool {
        guard t < farFuture else { return hours.allDays }
        let day = Int(t.rounded(.down))
        let h = (t - Double(day)) * 24
        if hours.from < hours.to {
            return dayAllowed(day, hours) && h >= hours.from && h < hours.to
        }
        // Overnight window: the evening part belongs to `day`, the morning part to `day - 1`.
        return (h >= hours.from && dayAllowed(day, hours)) || (h < hours.to && dayAllowed(day - 1, hours))
    }

    /// The earliest time >= `t` inside a working window (`hours.from < hours.to`).
    ///
    /// - Complexity: O(days until the next open day); at most a few iterations in practice.
    public func nextOpen(_ t: Double, hours: Hours) -> Double {
        guard t < farFuture else { return t }
        var day = Int(t.rounded(.down))
        for _ in 0..<(weekday.count + 7) {
            if dayAllowed(day, hours) {
                let open = Double(day) + hours.from / 24
                let close = Double(day) + hours.to / 24
                if t < close { return max(t, open) }
            }
            day += 1
        }
        return t  // No open day within the calendar (impossible for validated scenarios).
    }

    /// The time at which `workHours` of working time, counted only inside the windows, have
    /// passed after `t`.
    public func addingWorkingTime(_ workHours: Double, to t: Double, hours: Hours) -> Double {
        var remaining = max(workHours, 0) / 24
        var current = nextOpen(t, hours: hours)
        for _ in 0..<1_000_000 {
            // Beyond the calendar the end is past the horizon anyway; at least `remaining` away.
            if current >= farFuture || remaining > farFuture { return max(current, farFuture) + remaining }
            let day = Int(current.rounded(.down))
            let close = Double(day) + hours.to / 24
            let available = close - current
            if remaining <= available { return current + remaining }
            remaining -= available
            current = nextOpen(close, hours: hours)
        }
        return current
    }
}
