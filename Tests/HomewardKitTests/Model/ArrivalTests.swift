import Foundation
import HomewardKit
import Testing

/// Crisis arrivals: a non-homogeneous Poisson process sampled exactly by thinning, whose
/// day-of-week, hour-of-day, month, growth and trend shapes match the scenario.
@Suite struct ArrivalTests {
    /// A scenario with one cohort whose profiles are given, long enough for tight counts.
    func crises(
        dayOfWeek: String = "", hourOfDay: String = "", month: String = "", rate: String = "perYear: 20000",
        growth: Double = 0, trend: Double = 0, years: Int = 4, seed: UInt64 = 1
    ) throws -> (Scenario, [Double]) {
        var profiles = ""
        if !dayOfWeek.isEmpty { profiles += "dayOfWeek: \(dayOfWeek), " }
        if !hourOfDay.isEmpty { profiles += "hourOfDay: \(hourOfDay), " }
        if !month.isEmpty { profiles += "month: \(month), " }
        let text = """
            { name: "arrivals", start: "2019-01-07", horizonDays: \(years * 364), replications: 1, seed: \(seed),
              population: { bands: { "65-84": { people: 50000, annualGrowth: \(growth) } } },
              working: { simpleDischargeHours: { from: 0, to: 24, days: "all" } },
              cohorts: { c: { band: "65-84", crises: { \(rate) }, \(profiles) trendPerYear: \(trend),
                              lengthOfStayDays: { fixed: 0.01 }, pathways: { "1": 1 } } },
              services: { acute: { kind: "acute", capacity: 1000 } },
              pathways: { "1": { service: null } } }
            """
        let scenario = try ScenarioLoader.load(text: text, file: "arrivals.json5").scenario
        var sim = Simulation(scenario: scenario, seed: seed, replication: 0, sink: EventCollector())
        sim.run()
        return (scenario, sim.sink.events.filter { $0.kind == .crisis }.map(\.time))
    }

    /// Pearson's chi-square statistic of observed counts against expected shares.
    func chiSquare(_ observed: [Int], _ shares: [Double]) -> Double {
        let n = Double(observed.reduce(0, +))
        let total = shares.reduce(0, +)
        return zip(observed, shares).reduce(0) { acc, pair in
            let expected = n * pair.1 / total
            return acc + (Double(pair.0) - expected) * (Double(pair.0) - expected) / expected
        }
    }

    /// The chi-square quantile at 0.999 (a false alarm in 1 run in 1,000), by the
    /// Wilson-Hilferty approximation, accurate to about 1% for these degrees of freedom.
    func chiSquareCritical(degreesOfFreedom k: Double) -> Double {
        let z = Statistics.normalQuantile(0.999)
        let a = 2 / (9 * k)
        return k * pow(1 - a + z * a.squareRoot(), 3)
    }

    @Test func dayOfWeekProfile() throws {
        let weights = [2.0, 1, 1, 1, 1, 0.5, 0.5]
        let (scenario, times) = try crises(dayOfWeek: "[2, 1, 1, 1, 1, 0.5, 0.5]")
        var counts = [Int](repeating: 0, count: 7)
        for t in times { counts[scenario.origin.adding(days: Int(t)).isoWeekday - 1] += 1 }
        // Whole weeks only (horizon is a multiple of 7), so each weekday has the same number of days.
        #expect(chiSquare(counts, weights) < chiSquareCritical(degreesOfFreedom: 6), "\(counts)")
        // And the profile is normalised: the yearly total is the base rate.
        let years = Double(scenario.days) / 365.25
        let perYear = Double(times.count) / years
        // Poisson count: standard deviation sqrt(N); per year sqrt(N) / years. Allow 4 of them.
        #expect(abs(perYear - 20000) < 4 * Double(times.count).squareRoot() / years, "\(perYear)")
    }

    @Test func hourOfDayProfileIsSampledWithinTheDay() throws {
        let weights = (0..<24).map { Double($0 >= 8 && $0 < 20 ? 3 : 1) }
        let (_, times) = try crises(hourOfDay: "[\(weights.map { String($0) }.joined(separator: ","))]")
        var counts = [Int](repeating: 0, count: 24)
        for t in times { counts[min(Int((t - t.rounded(.down)) * 24), 23)] += 1 }
        #expect(chiSquare(counts, weights) < chiSquareCritical(degreesOfFreedom: 23), "\(counts)")
        // Arrivals fall at all sorts of times, not in daily batches.
        #expect(Set(times.map { ($0 * 1440).rounded() }).count > times.count * 9 / 10)
    }

    @Test func monthlySeasonality() throws {
        let weights = [1.4, 1.2, 1, 0.9, 0.8, 0.8, 0.8, 0.8, 0.9, 1, 1.2, 1.4]
        let (scenario, times) = try crises(month: "[\(weights.map { String($0) }.joined(separator: ","))]", years: 4)
        var counts = [Int](repeating: 0, count: 12)
        var days = [Double](repeating: 0, count: 12)
        for d in 0..<scenario.days { days[scenario.origin.adding(days: d).month - 1] += 1 }
        for t in times { counts[scenario.origin.adding(days: Int(t)).month - 1] += 1 }
        let shares = zip(weights, days).map { $0 * $1 }
        #expect(chiSquare(counts, shares) < chiSquareCritical(degreesOfFreedom: 11), "\(counts)")
    }

    @Test func populationGrowthAndTrendCompound() throws {
        // 1,000 crises per 1,000 people a year, population +10% a year, trend +5% a year:
        // the rate in year k is 50,000 x 1.1^k x 1.05^k a year.
        let (scenario, times) = try crises(rate: "perThousandPerYear: 400", growth: 0.10, trend: 0.05, years: 3)
        let yearLength = 364.0
        for k in 0..<3 {
            let a = Double(k) * yearLength
            let b = a + yearLength
            let observed = Double(times.filter { $0 >= a && $0 < b }.count)
            // Integral of the rate over [a, b): r0 * (g^b - g^a) / ln g, with g the daily factor.
            let r0 = 400.0 * 50_000 / 1000 / 365.25
            let g = pow(1.10 * 1.05, 1 / 365.25)
            let expected = r0 * (pow(g, b) - pow(g, a)) / log(g)
            #expect(abs(observed - expected) < 4 * expected.squareRoot(), "year \(k): \(observed) vs \(expected)")
        }
        #expect(scenario.population[0].annualGrowth == 0.10)
    }
}

/// A run can start from a census of the hospital and services.
@Suite struct CensusTests {
    @Test func censusPatientsArePresentAtTheStart() throws {
        var text = Fixtures.small
        text = text.replacingOccurrences(
            of: "pathways: {\n    \"1\": { service: null },",
            with:
                "census: { acute: [{ cohort: \"older\", patients: 30 }, { cohort: \"older\", patients: 5, delayedOnPathway: \"3\" }], reablement: [{ cohort: \"older\", patients: 6 }] },\n  pathways: {\n    \"1\": { service: null },"
        )
        let scenario = try ScenarioLoader.load(text: text, file: "census.json5").scenario
        #expect(scenario.census.count == 3)
        var sim = Simulation(scenario: scenario, seed: 1, replication: 0, sink: EventCollector())
        sim.run()
        let atStart = sim.sink.events.filter { $0.time == 0 && $0.kind == .enter }
        let acute = scenario.acute
        let reablement = try #require(scenario.serviceIndex(named: "reablement"))
        #expect(atStart.filter { Int($0.service) == acute }.count == 35)
        #expect(atStart.filter { Int($0.service) == reablement }.count == 6)
        let delayedAtStart = sim.sink.events.filter { $0.time == 0 && $0.kind == .medicallyOptimised }
        #expect(delayedAtStart.count == 5)
        #expect(delayedAtStart.allSatisfy { Int($0.detail) == scenario.pathwayIndex(named: "3") })
    }

    @Test func aCensusAboveCapacityIsAllowedAndNoted() throws {
        let text = Fixtures.small.replacingOccurrences(
            of: "pathways: {\n    \"1\": { service: null },",
            with:
                "census: { beds: [{ cohort: \"older\", patients: 9 }] },\n  pathways: {\n    \"1\": { service: null },")
        let scenario = try ScenarioLoader.load(text: text, file: "census.json5").scenario
        #expect(
            scenario.overCapacityAtStart(file: "census.json5").map(\.description) == [
                "census.json5: census.beds: has 9 patients but the capacity at the start is 4: the service runs 5 over capacity and takes nobody new until enough leave"
            ])
    }
}

/// The census's remaining times follow the forward-recurrence law of renewal theory.
@Suite struct ResidualTimeTests {
    @Test func censusRemainingTimeHasTheForwardRecurrenceMean() throws {
        // Home care with exponential(60) packages: the remaining time is exponential(60) again
        // (memoryless), mean 60 - not 30, which a uniform fraction of a fresh draw would give.
        // Gamma(shape 4, mean 20): mean remaining time E[S^2] / 2E[S] = (var + mean^2) / (2 mean) = 12.5.
        for (dist, expected) in [("{ exponential: { mean: 60 } }", 60.0), ("{ gamma: { shape: 4, scale: 5 } }", 12.5)] {
            var text = Fixtures.small.replacingOccurrences(
                of: "homeCare: { kind: \"homeCare\", capacity: 20, durationDays: { exponential: { mean: 60 } }",
                with: "homeCare: { kind: \"homeCare\", capacity: 3000, durationDays: \(dist)")
            text = text.replacingOccurrences(
                of: "pathways: {\n    \"1\": { service: null },",
                with:
                    "census: { homeCare: [{ cohort: \"older\", patients: 2000 }] },\n  pathways: {\n    \"1\": { service: null },"
            )
            let scenario = try ScenarioLoader.load(text: text, file: "residual.json5").scenario
            #expect(scenario.census.count == 1)
            var sim = Simulation(scenario: scenario, seed: 5, replication: 0, sink: EventCollector())
            sim.run()
            let s = try #require(scenario.serviceIndex(named: "homeCare"))
            let atStart = Set(
                sim.sink.events.filter { $0.time == 0 && $0.kind == .enter && Int($0.service) == s }.map(\.patient))
            let leaves = sim.sink.events.filter {
                $0.kind == .leave && Int($0.service) == s && atStart.contains($0.patient)
            }.map(\.time)
            // Those still there at the horizon (150 days) are censored; compare the share gone by
            // day 20 with theory instead of the mean where censoring would bias it.
            let goneBy20 = Double(leaves.filter { $0 <= 20 }.count) / Double(atStart.count)
            let theory: Double
            if expected == 60 {
                theory = 1 - exp(-20.0 / 60)
            } else {
                // Forward recurrence of gamma(4, 5): density P(S > x) / E[S]; integrate numerically.
                let g = Distribution.gamma(shape: 4, scale: 5)
                theory = stride(from: 0.0, to: 20, by: 0.001).reduce(0) { $0 + g.survival($1 + 0.0005) * 0.001 } / 20
            }
            // 2,000 patients: standard error of a share is at most 0.011; allow 4 of them.
            #expect(abs(goneBy20 - theory) < 0.045, "\(dist): \(goneBy20) gone by day 20, theory \(theory)")
        }
    }
}
