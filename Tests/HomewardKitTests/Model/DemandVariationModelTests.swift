import Foundation
import Testing

@testable import HomewardKit

/// The demand-variation factors: which years and winters a run touches, their law, their
/// streams (common random numbers) and the rule that zero variation changes nothing.
@Suite struct DemandVariationModelTests {
    static func small(_ block: String) throws -> Scenario {
        var root = try JSON5.parse(Fixtures.small)
        if case .object(var o) = root {
            o["demandVariation"] = try JSON5.parse(block)
            root = .object(o)
        }
        return try ScenarioLoader.load(text: root.jsonText(pretty: true), file: "small.json5").scenario
    }

    @Test func modelYearsCountFromTheStartAndTheWarmupBelongsToTheYearBefore() {
        let start = CivilDate(year: 2016, month: 4, day: 1)
        #expect(DemandVariation.modelYear(of: start, start: start) == 2016)
        #expect(DemandVariation.modelYear(of: CivilDate(year: 2016, month: 3, day: 31), start: start) == 2015)
        #expect(DemandVariation.modelYear(of: CivilDate(year: 2017, month: 3, day: 31), start: start) == 2016)
        #expect(DemandVariation.modelYear(of: CivilDate(year: 2017, month: 4, day: 1), start: start) == 2017)
        #expect(DemandVariation.modelYear(of: CivilDate(year: 2014, month: 12, day: 25), start: start) == 2014)
    }

    @Test func aWinterIsNamedByTheYearOfItsFirstMonth() {
        let v = DemandVariation(annualLevelCV: 0, winterSeverityCV: 0)
        #expect(v.winter(of: CivilDate(year: 2016, month: 12, day: 1)) == 2016)
        #expect(v.winter(of: CivilDate(year: 2017, month: 2, day: 28)) == 2016)
        #expect(v.winter(of: CivilDate(year: 2017, month: 3, day: 1)) == nil)
        let late = DemandVariation(annualLevelCV: 0, winterSeverityCV: 0, winterMonths: [1, 2, 3])
        #expect(late.winter(of: CivilDate(year: 2017, month: 2, day: 1)) == 2017)
        let all = DemandVariation(annualLevelCV: 0, winterSeverityCV: 0, winterMonths: Array(1...12))
        #expect(all.winter(of: CivilDate(year: 2017, month: 7, day: 1)) == 2017)
    }

    @Test func sampledFactorsNameEveryYearAndWinterTheRunTouches() throws {
        // The small fixture: start 2021-03-01 after 30 days of warm-up, 120 days measured, so
        // the warm-up (from 2021-01-30) is in model year 2020 and in the winter of 2020-21.
        let s = try Self.small("{ annualLevelCV: 0.05, winterSeverityCV: 0.1 }")
        let names = DemandVariation.sampledFactors(scenario: s, seed: 11, replication: 0).map(\.name)
        #expect(
            names == [
                "demandVariation.level[2020]", "demandVariation.winterSeverity[2020]", "demandVariation.level[2021]",
            ])
        #expect(
            DemandVariation.sampledFactors(scenario: try Fixtures.smallScenario(), seed: 11, replication: 0).isEmpty)
    }

    @Test func theReportedFactorsAreTheOnesTheRunUses() throws {
        let s = try Self.small("{ annualLevelCV: 0.1, winterSeverityCV: 0.2 }")
        for rep in 0..<3 {
            let named = Dictionary(
                uniqueKeysWithValues: DemandVariation.sampledFactors(scenario: s, seed: 11, replication: rep).map {
                    ($0.name, $0.value)
                })
            let sim = Simulation(scenario: s, seed: 11, replication: rep, sink: EventCollector())
            let variation = try #require(s.demandVariation)
            for d in 0..<Int(s.horizon) {
                let date = s.origin.adding(days: d)
                var expected = try #require(
                    named[DemandVariation.levelName(DemandVariation.modelYear(of: date, start: s.start))])
                if let w = variation.winter(of: date) { expected *= try #require(named[DemandVariation.winterName(w)]) }
                #expect(sim.demandFactor[d] == expected, "day \(d)")
            }
        }
    }

    @Test func factorsHaveMeanOneAndTheGivenCV() {
        // 4,000 draws: the sample mean's standard error is cv / sqrt(n) = 0.0032 at cv = 0.2, and
        // the sample sd's about cv sqrt((kurtosis - 1) / 4n), under 0.003; allow 4 of each.
        let cv = 0.2
        let xs = (0..<4000).map { DemandVariation.draw(kind: "level", year: 2020, cv: cv, seed: 3, replication: $0) }
        let mean = Statistics.mean(xs)
        let sd = Statistics.sampleVariance(xs).squareRoot()
        #expect(abs(mean - 1) < 4 * cv / 4000.0.squareRoot(), "mean \(mean)")
        #expect(abs(sd - cv) < 4 * 0.003, "sd \(sd)")
        #expect(xs.allSatisfy { $0 > 0 })
    }

    @Test func eachFactorHasItsOwnStream() throws {
        // Changing the winter CV moves no level factor, and a larger level CV moves each level
        // factor away from 1 in the same direction (the same normal deviate): common random
        // numbers between scenarios that differ only in their variation.
        let a = try Self.small("{ annualLevelCV: 0.05, winterSeverityCV: 0.1 }")
        let b = try Self.small("{ annualLevelCV: 0.1, winterSeverityCV: 0.3 }")
        let c = try Self.small("{ annualLevelCV: 0.05, winterSeverityCV: 0.3 }")
        for rep in 0..<5 {
            let fa = DemandVariation.sampledFactors(scenario: a, seed: 11, replication: rep)
            let fb = DemandVariation.sampledFactors(scenario: b, seed: 11, replication: rep)
            let fc = DemandVariation.sampledFactors(scenario: c, seed: 11, replication: rep)
            #expect(fa[0].value == fc[0].value && fa[2].value == fc[2].value)
            #expect(fa[1].value != fc[1].value)
            #expect((fa[0].value - 1) * (fb[0].value - 1) > 0)
        }
    }

    @Test func zeroVariationGivesTheSameEventsAsNone() throws {
        let plain = try Fixtures.smallScenario()
        let zero = try Self.small("{ annualLevelCV: 0, winterSeverityCV: 0 }")
        for rep in 0..<2 {
            #expect(
                TheorySupport.events(plain, seed: 11, replication: rep)
                    == TheorySupport.events(zero, seed: 11, replication: rep))
        }
        let varied = try Self.small("{ annualLevelCV: 0.2, winterSeverityCV: 0.2 }")
        #expect(
            TheorySupport.events(plain, seed: 11, replication: 0)
                != TheorySupport.events(varied, seed: 11, replication: 0))
    }

    @Test func theThinningBoundCoversTheLargestFactor() throws {
        let varied = try Self.small("{ annualLevelCV: 0.5, winterSeverityCV: 0.5 }")
        for rep in 0..<5 {
            var sim = Simulation(scenario: varied, seed: 11, replication: rep, sink: EventCollector())
            sim.start()
            for c in varied.cohorts.indices {
                let bound = sim.lambdaMax[c]
                let peak = (0..<Int(varied.horizon) * 24).map { sim.rate(cohort: c, at: Double($0) / 24) }.max() ?? 0
                #expect(peak <= bound, "cohort \(c): peak rate \(peak) above the bound \(bound)")
                #expect(peak > 0)
            }
        }
    }
}
