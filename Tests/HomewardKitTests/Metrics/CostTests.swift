import Foundation
import Testing

@testable import HomewardKit

/// The cost lines against sums worked out by hand: funded places over a capacity calendar,
/// occupied days with delayed days priced apart, episodes, diversions and their days out of
/// area, schemes, each paid by its payer, in total and month by month.
@Suite struct CostTests {
    /// The window of `ProjectionRulesTests`: origin 2021-01-29, 2 days of warm-up, 10 measured
    /// days (31 January = [2, 3), 1-9 February = [3, 12)).
    ///
    /// Acute (service 0): 2 funded places at 100 a day, 400 an occupied day, 50 an episode,
    /// 313 a delayed day instead of 400, 250 a diversion and 300 a day out of area; delayed
    /// days paid by the council, the rest by the NHS. Beds (service 3): 150 a funded place a
    /// day, paid from the BCF pool. A scheme paid by the council. Other services cost nothing.
    static func context() throws -> ProjectionContext {
        var c = try ProjectionRulesTests.context()
        for s in c.services.indices {
            c.services[s].costs = ServiceCosts(payer: .default(for: c.services[s].kind))
        }
        var acute = ServiceCosts(payer: .nhs)
        acute.perFundedPlacePerDay = 100
        acute.perOccupiedDay = 400
        acute.perEpisode = 50
        acute.perDelayedDay = 313
        acute.perDiversion = 250
        acute.perDayOutOfArea = 300
        acute.setPayer(.council, for: .delayedDays)
        c.services[0].costs = acute
        var beds = ServiceCosts(payer: .bcf)
        beds.perFundedPlacePerDay = 150
        c.services[3].costs = beds
        c.cohorts[0].meanAcuteStayDays = 3
        c.schemes = [
            ProjectionContext.SchemeInfo(
                name: "s", startDay: 5, endDay: nil, oneOffCost: 1000, costPerYear: 365.25 * 10, payer: .council)
        ]
        return c
    }

    /// - capacity: acute 2 places from 0; beds 4 places from 0, 6 from day 6 (a mid-run change);
    /// - patient 3 (cohort 1) is diverted at 1, in the warm-up (not counted);
    /// - patient 1 (cohort 1) is admitted at 2.5, delayed from 4 and goes home at 8;
    /// - patient 2 (cohort 0, mean acute stay 3 days) is conveyed at 5 and diverted at 5.5;
    /// - patient 4 is in beds from 3.5 to 9.
    static func story(_ c: ProjectionContext) -> ReplicationMetrics {
        let acute: Int16 = 0
        let beds: Int16 = 3
        let delay = DelayCode(reason: .di, responsible: .socialCare).packed
        let lines: [ProjectionStory.Line] = [
            (0, .capacity, Event.noPatient, -1, acute, 2), (0, .capacity, Event.noPatient, -1, beds, 4),
            (1, .conveyance, 3, 1, acute, 0), (1, .diversion, 3, 1, acute, 0),
            (2.5, .conveyance, 1, 1, acute, 0), (2.5, .enter, 1, 1, acute, -1),
            (3.5, .enter, 4, 1, beds, -1),
            (4, .delay, 1, 1, acute, delay),
            (5, .conveyance, 2, 0, acute, 0), (5.5, .diversion, 2, 0, acute, 0),
            (6, .capacity, Event.noPatient, -1, beds, 6),
            (8, .leave, 1, 1, acute, Destination.home),
            (9, .leave, 4, 1, beds, Destination.home),
        ]
        return ProjectionStory.metrics(lines, context: c)
    }

    func expectClose(_ m: ReplicationMetrics, _ expected: [(String, Double)]) {
        for (key, value) in expected {
            let got = m[key] ?? .infinity
            #expect(abs(got - value) <= 1e-9 * max(1, abs(value)), "\(key): \(got), worked out \(value)")
        }
    }

    @Test func eachCostLineIsItsQuantityTimesItsRate() throws {
        let m = Self.story(try Self.context())
        // Funded place days: acute 2 x 10; beds 4 x (6 - 2) + 6 x (12 - 6) = 52.
        let funded = 100.0 * 20 + 150 * 52
        // Acute: occupied 2.5 to 8 (5.5 days), of which 4 delayed (4 to 8) at their own rate.
        let occupied = 400.0 * (5.5 - 4)
        let delayed = 313.0 * 4
        let episodes = 50.0  // one measured admission to acute
        // One measured diversion (cohort 0): 250 + 3 days x 300.
        let diversions = 250.0 + 3 * 300
        // The scheme: its one-off cost (it starts in the window) and 7 days of 10 a day.
        let scheme = 1000.0 + 7 * 10
        expectClose(
            m,
            [
                ("costByLine.fundedPlaces", funded), ("costByLine.occupiedDays", occupied),
                ("costByLine.episodes", episodes), ("costByLine.diversions", diversions),
                ("costByLine.delayedDays", delayed), ("costByLine.schemes", scheme),
                ("costByService.acute", 100 * 20 + occupied + episodes + diversions + delayed),
                ("costByService.beds", 150 * 52), ("schemeCost", scheme),
                ("costByPayer.nhs", 100 * 20 + occupied + episodes + diversions),
                ("costByPayer.council", delayed + scheme), ("costByPayer.bcf", 150 * 52),
                ("totalCost", funded + occupied + episodes + diversions + delayed + scheme),
            ])
    }

    @Test func monthlyCostsByPayerSplitAtTheMonthEndAndAddUpToTheTotals() throws {
        let m = Self.story(try Self.context())
        #expect(m.monthLabels == ["2021-01", "2021-02"])
        func series(_ key: String) -> [Double] { m.monthly.first { $0.key == key }?.values ?? [] }
        // January is [2, 3): acute 2 funded place days (200), half a day occupied (200) and
        // the admission (50); beds 4 funded place days (600); no delay, diversion or scheme.
        let nhs = series("costByPayer.nhs")
        let council = series("costByPayer.council")
        let bcf = series("costByPayer.bcf")
        #expect(nhs.count == 2 && council.count == 2 && bcf.count == 2)
        guard nhs.count == 2, council.count == 2, bcf.count == 2 else { return }
        #expect(abs(nhs[0] - 450) < 1e-9)
        #expect(council[0] == 0)
        #expect(abs(bcf[0] - 600) < 1e-9)
        for (payer, months) in [("nhs", nhs), ("council", council), ("bcf", bcf)] {
            let total = try #require(m["costByPayer.\(payer)"])
            #expect(abs(months.reduce(0, +) - total) < 1e-9, "\(payer)")
        }
        let totals = series("totalCost")
        #expect(abs(totals[0] - 1050) < 1e-9)
        #expect(abs(totals.reduce(0, +) - (m["totalCost"] ?? .nan)) < 1e-9)
    }

    @Test func withoutADelayedDayRateDelayedDaysCostAsOccupiedDays() throws {
        var c = try Self.context()
        c.services[0].costs.perDelayedDay = nil
        let m = Self.story(c)
        expectClose(m, [("costByLine.occupiedDays", 400 * 5.5), ("costByLine.delayedDays", 0)])
    }

    @Test func anOutOfAreaStayGivenInTheScenarioReplacesTheCohortsMeanStay() throws {
        var c = try Self.context()
        c.services[0].costs.daysOutOfArea = 10
        expectClose(Self.story(c), [("costByLine.diversions", 250 + 10 * 300)])
    }

    @Test func everyCostIsAPayersAndEveryPayersCostIsALines() throws {
        let m = Self.story(try Self.context())
        let payers = Payer.allCases.compactMap { m["costByPayer.\($0.rawValue)"] }.reduce(0, +)
        let lines = CostTotals.lines.compactMap { m["costByLine.\($0)"] }.reduce(0, +)
        let total = try #require(m["totalCost"])
        #expect(abs(payers - total) < 1e-9 * total)
        #expect(abs(lines - total) < 1e-9 * total)
    }

    // MARK: - The event-log header

    @Test func theHeaderKeepsEveryCostLineAndPayer() throws {
        let c = try Self.context()
        #expect(try ProjectionContext(json: c.json) == c)
    }

    @Test func aHeaderWrittenBeforeCostLinesReadsAsNoneWithDefaultPayers() throws {
        let c = try Self.context()
        guard case .object(var o) = c.json else {
            Issue.record("not an object")
            return
        }
        func strip(_ key: String, _ fields: [String]) {
            guard case .array(let items) = o[key] else { return }
            o[key] = .array(
                items.map { item in
                    guard case .object(var e) = item else { return item }
                    for f in fields { e[f] = nil }
                    return .object(e)
                })
        }
        strip("services", ["costs"])
        strip("schemes", ["payer"])
        strip("cohorts", ["meanAcuteStayDays"])
        let old = try ProjectionContext(json: .object(o))
        #expect(old.services[0].costs.perFundedPlacePerDay == 0)
        #expect(old.services[0].costs.perDelayedDay == nil)
        #expect(old.services[0].costPerDay == 400)
        #expect(old.services[3].costs.payer(.fundedPlaces) == .nhs)
        #expect(old.services.first { $0.kind == .homeCare }?.costs.payer(.occupiedDays) == .council)
        #expect(old.schemes[0].payer == .bcf)
        #expect(old.cohorts[0].meanAcuteStayDays == 0)
    }
}
