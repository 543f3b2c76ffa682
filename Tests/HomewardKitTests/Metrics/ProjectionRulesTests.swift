import Foundation
import Testing

@testable import HomewardKit

/// The projection's rules on a short story worked out by hand: the warm-up window, the midnight
/// census, calendar months and month ends, ED waits, delays by reason, responsible organisation
/// and pathway, stays, readmissions and costs (docs/metrics.md states each rule).
@Suite struct ProjectionRulesTests {
    /// Origin 2021-01-29 with 2 days of warm-up: the measured days are 2021-01-31 (day 0) and
    /// 2021-02-01 to 02-09 (days 1-9); day d ends at midnight d + 3; the run ends at time 12.
    static func context() throws -> ProjectionContext {
        var c = ProjectionContext(scenario: try Fixtures.smallScenario())
        c.origin = CivilDate(year: 2021, month: 1, day: 29)
        c.warmupDays = 2
        c.days = 10
        return c
    }

    /// Three patients (A = 1, B = 2, C = 3); acute is service 0 with 2 beds, beds service 3.
    ///
    /// - A (older): conveyed and admitted at 1.5 (warm-up), home at 4.25, conveyed and admitted
    ///   again at 10 (a readmission 5.75 days later), still in at the end.
    /// - B (adults): conveyed at 3, admitted at 3.25 (6 hours in ED), medically optimised on
    ///   pathway "2" at 5 and delayed (C, NHS) until leaving for beds at 7.5.
    /// - C (older): conveyed and admitted at 2.2, delayed (D(i), social care) from 2.5 (noon on
    ///   31 January) until going home at 4 (midnight 1-2 February).
    static func story() throws -> ReplicationMetrics {
        let c = try context()
        let acute: Int16 = 0
        let beds: Int16 = 3
        let bNHS = DelayCode(reason: .c, responsible: .nhs).packed
        let dSocial = DelayCode(reason: .di, responsible: .socialCare).packed
        let lines: [ProjectionStory.Line] = [
            (0, .capacity, Event.noPatient, -1, acute, 2),
            (1.5, .conveyance, 1, 1, acute, 0), (1.5, .enter, 1, 1, acute, -1),
            (2.2, .conveyance, 3, 1, acute, 0), (2.2, .enter, 3, 1, acute, -1),
            (2.5, .delay, 3, 1, acute, dSocial),
            (3, .conveyance, 2, 0, acute, 0), (3, .edWait, 2, 0, acute, 0), (3.25, .enter, 2, 0, acute, -1),
            (4, .leave, 3, 1, acute, Destination.home),
            (4.25, .leave, 1, 1, acute, Destination.home),
            (5, .medicallyOptimised, 2, 0, acute, 1), (5, .delay, 2, 0, acute, bNHS),
            (7.5, .leave, 2, 0, acute, Int32(beds)), (7.5, .enter, 2, 0, beds, -1),
            (10, .conveyance, 1, 1, acute, 0), (10, .enter, 1, 1, acute, -1),
        ]
        return ProjectionStory.metrics(lines, context: c, recordingDaily: true)
    }

    func expectClose(_ m: ReplicationMetrics, _ expected: [(String, Double)]) {
        for (key, value) in expected {
            let got = m[key] ?? .infinity
            #expect(
                (got.isNaN && value.isNaN) || abs(got - value) <= 1e-12 * max(1, abs(value)),
                "\(key): \(got), worked out \(value)")
        }
    }

    @Test func admissionsWaitsAndReadmissions() throws {
        let m = try Self.story()
        expectClose(
            m,
            [
                // A's first conveyance is in the warm-up; C's, B's and A's second are measured.
                ("nelAdmissions", 3), ("nelAdmissionsByCohort.adults", 1), ("nelAdmissionsByCohort.older", 2),
                ("nelAdmissionsByCohort.residents", 0), ("readmissions", 1), ("readmissions91", 1),
                // Measured admissions waited 0 (C), 6 hours (B) and 0 (A): 2 hours on average.
                ("services.acute.admissions", 3), ("edWaitHours", 2), ("edWaitsOver4Hours", 1),
                ("services.acute.meanWaitDays", 0.25 / 3),
                // Stays of those who left in the window, from their admission even if before it.
                ("services.acute.departures", 3), ("services.acute.meanStayDays", (1.8 + 2.75 + 4.25) / 3),
                ("services.beds.admissions", 1), ("services.beds.departures", 0), ("services.beds.meanStayDays", .nan),
            ])
        #expect(m.monthLabels == ["2021-01", "2021-02"])
        #expect(m.monthly.first { $0.key == "nelAdmissions" }?.values == [1, 2])
    }

    @Test func occupancyAndTheMidnightCensus() throws {
        let m = try Self.story()
        // Occupied time in [2, 12): A 2.25 + 2, B 4.25, C 1.8.
        let occupied = 2.25 + 2 + 4.25 + 1.8
        // Censuses at midnights 3 to 12 (after the events at each): 2 2 1 1 1 0 0 1 1 1.
        let census: [Double] = [2, 2, 1, 1, 1, 0, 0, 1, 1, 1]
        expectClose(
            m,
            [
                ("services.acute.occupiedDays", occupied), ("services.acute.occupancyMean", occupied / 10),
                ("acuteOccupancyMean", 1), ("services.acute.occupancyMidnightMean", 1),
                ("acuteOccupancyP95", 2), ("acuteDaysAbove92Percent", 2), ("acuteDaysAbove95Percent", 2),
                ("services.beds.occupancyMean", 0.45),
                ("costByService.acute", 400 * occupied), ("totalCost", 400 * occupied),
            ])
        #expect(m.daily.first { $0.key == "occupancy.acute" }?.values == census)
        #expect(m.daily.first { $0.key == "capacity.acute" }?.values == Array(repeating: 2, count: 10))
    }

    /// The acute 95th percentile comes from a histogram of the midnight census; it must be the
    /// same type 7 quantile as `Statistics.quantile` of the censuses themselves, including
    /// when the ranks fall between distinct values (0 ... 9 once each: P95 = 8.55, not 9).
    @Test func histogramQuantileIsTypeSevenOfTheValues() throws {
        let projection = Projection(context: try Self.context())
        let histograms: [[Double]] = [
            Array(repeating: 1, count: 10), [3, 0, 2, 5], [0, 0, 7], [1], [2, 1, 0, 0, 1], [4, 4, 4, 1],
        ]
        for histogram in histograms {
            let values = histogram.enumerated().flatMap { v, count in repeatElement(Double(v), count: Int(count)) }
            for p in [0.05, 0.1, 0.5, 0.9, 0.95] {
                let got = projection.histogramQuantile(histogram, p)
                let expected = Statistics.quantile(sorted: values, p)
                #expect(abs(got - expected) < 1e-12, "\(histogram) at \(p): \(got), type 7 \(expected)")
            }
        }
        #expect(abs(projection.histogramQuantile(Array(repeating: 1, count: 10), 0.95) - 8.55) < 1e-12)
    }

    @Test func delaysByReasonOrganisationPathwayMonthAndMidnight() throws {
        let m = try Self.story()
        expectClose(
            m,
            [
                // C 1.5 days (D(i), social care, no pathway), B 2.5 days (C, NHS, pathway "2").
                ("delayedBedDays", 4), ("delayedBedDaysByReason.C", 2.5), ("delayedBedDaysByReason.D(i)", 1.5),
                ("delayedBedDaysByReason.A", 0), ("delayedBedDaysByResponsible.nhs", 2.5),
                ("delayedBedDaysByResponsible.socialCare", 1.5), ("delayedBedDaysByResponsible.both", 0),
                ("delayedBedDaysByPathway.2", 2.5), ("delayedBedDaysByPathway.1", 0),
                ("services.acute.blockedDays", 4), ("delayedPatients", 2), ("meanDelayDays", 2),
                // Midnights delayed: C at 3; B at 5 (the delay starts at that instant), 6 and 7.
                ("delayedBedDaysMidnight", 4), ("delayedBedDaysMidnightByReason.C", 3),
                ("delayedBedDaysMidnightByReason.D(i)", 1),
                // One month end measured (31 January), when C was delayed.
                ("delayedAtMonthEnd", 1),
                // No calendar month lies wholly inside the window.
                ("delayedBedDaysPerMonth", .nan), ("delayedBedDaysWorstMonth", .nan),
            ])
        func series(_ key: String) -> [Double]? { m.monthly.first { $0.key == key }?.values }
        // C's delay splits at midnight 31 January: half a day in January, a day in February.
        #expect(series("delayedBedDays") == [0.5, 3.5])
        #expect(series("delayedBedDaysMidnight") == [1, 3])
        #expect(series("delayedAtMonthEnd") == [1, 0])
        #expect(series("delayedBedDaysMidnightByReason.D(i)") == [1, 0])
        #expect(m.daily.first { $0.key == "delayedPatients" }?.values == [1, 0, 1, 1, 1, 0, 0, 0, 0, 0])
    }
}
