import Foundation
import Testing

@testable import HomewardKit

/// Issue 16: with the shipped baseline's sourced costs, cutting pathway-3 beds from 80 to 60
/// must not look like a saving: the block contract saves 20 places, but the delays and
/// diversions the cut causes cost more.
@Suite struct CapacityCutCostTests {
    /// The baseline, shortened (60 days of warm-up from its census, 180 measured days), and the
    /// same with 60 pathway-3 beds (its census of 77 in those beds cut to 60, so that the
    /// start is valid whatever the rules for a census above capacity).
    static func scenarios() throws -> (base: LoadedScenario, cut: LoadedScenario) {
        var text = try String(contentsOfFile: Fixtures.baselinePath, encoding: .utf8)
        for (old, new) in [("horizonDays: 365,", "horizonDays: 180,"), ("warmupDays: 280,", "warmupDays: 60,")] {
            #expect(text.components(separatedBy: old).count == 2, "'\(old)' must occur once in the baseline")
            text = text.replacingOccurrences(of: old, with: new)
        }
        let census = #"pathway3Beds: [{ cohort: "older", patients: 40 }, { cohort: "frail", patients: 37 }]"#
        let bedsLine = "      capacity: 80,\n      durationDays: { lognormal: { mean: 21, sd: 12 } },"
        for needle in [census, bedsLine] {
            #expect(text.components(separatedBy: needle).count == 2, "'\(needle)' must occur once in the baseline")
        }
        let cut =
            text
            .replacingOccurrences(of: bedsLine, with: bedsLine.replacingOccurrences(of: "80", with: "60"))
            .replacingOccurrences(
                of: census,
                with: #"pathway3Beds: [{ cohort: "older", patients: 30 }, { cohort: "frail", patients: 30 }]"#)
        return (
            try ScenarioLoader.load(text: text, file: "baseline.json5"),
            try ScenarioLoader.load(text: cut, file: "cut.json5")
        )
    }

    @Test func cuttingPathway3BedsRaisesTotalCostWhenItCausesDelays() throws {
        let (base, cut) = try Self.scenarios()
        // Common random numbers: the same seed and replications for both.
        let options = RunOptions(replications: 2, seed: 2016, threads: 2)
        let a = try Runner.run(base, options: options).replications
        let b = try Runner.run(cut, options: options).replications
        for (x, y) in zip(a, b) {
            let blockSaving =
                try #require(x[.costByLine, "fundedPlaces"]) - (try #require(y[.costByLine, "fundedPlaces"]))
            // The block contract saves 20 places x 180 days at the pathway-3 bed rate.
            let rate = try #require(base.scenario.services.first { $0.name == "pathway3Beds" }).costs
                .perFundedPlacePerDay
            #expect(rate > 0, "the baseline's pathway-3 beds are block-contracted")
            #expect(abs(blockSaving - 20 * 180 * rate) < 1e-6 * blockSaving)
            let delays = try #require(y[.delayedBedDays]) - (try #require(x[.delayedBedDays]))
            #expect(delays > 0, "the cut causes delays")
            let total = try #require(y[.totalCost]) - (try #require(x[.totalCost]))
            #expect(total > 0, "the cut saves \(blockSaving) on funded places but adds \(delays) delayed days")
        }
    }
}
