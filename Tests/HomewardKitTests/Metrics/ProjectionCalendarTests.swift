import Testing

@testable import HomewardKit

/// `Projection.measuredCalendar` gives what `ProjectionContext.measuredMonths()` and the
/// day-by-day month-end test it replaced gave, for any start and length.
@Suite struct ProjectionCalendarTests {
    @Test func sameMonthsAndMonthEndsAsTheContext() throws {
        var context = ProjectionContext(scenario: try Fixtures.smallScenario())
        let origins = [
            CivilDate(year: 2016, month: 1, day: 1), CivilDate(year: 2019, month: 12, day: 31),
            CivilDate(year: 2000, month: 2, day: 28),
            CivilDate(year: 1999, month: 2, day: 27), CivilDate(year: 9_999, month: 11, day: 15),
            CivilDate(year: 2024, month: 3, day: 31),
        ]
        for origin in origins {
            for (warmup, days) in [(0, 0), (0, 1), (30, 31), (280, 365), (7, 1_500), (0, 3_650)] {
                context.origin = origin
                context.warmupDays = warmup
                context.days = days
                let expected = context.measuredMonths()
                var ends: [Bool] = []
                for d in 0..<days {
                    let date = context.start.adding(days: d)
                    ends.append(date.day == CivilDate.daysInMonth(year: date.year, month: date.month))
                }
                let got = Projection.measuredCalendar(context)
                #expect(got.labels == expected.labels, "\(origin) +\(warmup), \(days) days")
                #expect(got.monthOfDay == expected.monthOfDay, "\(origin) +\(warmup), \(days) days")
                #expect(got.isMonthEnd == ends, "\(origin) +\(warmup), \(days) days")
            }
        }
    }
}
