import Foundation
import Testing

@testable import HomewardKit

/// Issue 16: with the shipped baseline's sourced costs, cutting pathway-3 beds by a third must
/// not look like a saving: the block contract saves the places, but the delays and diversions
/// the cut causes cost more.
@Suite struct CapacityCutCostTests {
    /// The baseline, shortened (60 days of warm-up from its census, 180 measured days), and the
    /// same with 60 pathway-3 beds. The census in those beds is left as it is: a census above
    /// capacity is allowed (the service takes nobody new until it is below).
    static let cutBeds = 60

    static func scenarios() throws -> (base: LoadedScenario, cut: LoadedScenario) {
        var text = try String(contentsOfFile: Fixtures.baselinePath, encoding: .utf8)
        for (old, new) in [("horizonDays: 365,", "horizonDays: 180,"), ("warmupDays: 280,", "warmupDays: 60,")] {
            #expect(text.components(separatedBy: old).count == 2, "'\(old)' must occur once in the baseline")
            text = text.replacingOccurrences(of: old, with: new)
        }
        let base = try ScenarioLoader.load(text: text, file: "baseline.json5")
        let beds = try #require(base.scenario.services.first { $0.name == "pathway3Beds" }).capacity.initial
        #expect(beds >= 80, "the cut is of at least 20 beds")
        let bedsLine = "      capacity: \(beds),\n      durationDays: { lognormal: { mean: 21, sd: 12 } },"
        #expect(text.components(separatedBy: bedsLine).count == 2, "'\(bedsLine)' must occur once in the baseline")
        let cut = text.replacingOccurrences(
            of: bedsLine, with: bedsLine.replacingOccurrences(of: "\(beds)", with: "\(cutBeds)"))
        return (base, try ScenarioLoader.load(text: cut, file: "cut.json5"))
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
            // The block contract saves the places cut x 180 days at the pathway-3 bed rate.
            let service = try #require(base.scenario.services.first { $0.name == "pathway3Beds" })
            let rate = service.costs.perFundedPlacePerDay
            #expect(rate > 0, "the baseline's pathway-3 beds are block-contracted")
            let placesCut = Double(service.capacity.initial - Self.cutBeds)
            #expect(abs(blockSaving - placesCut * 180 * rate) < 1e-6 * blockSaving)
            let delays = try #require(y[.delayedBedDays]) - (try #require(x[.delayedBedDays]))
            #expect(delays > 0, "the cut causes delays")
            let total = try #require(y[.totalCost]) - (try #require(x[.totalCost]))
            #expect(total > 0, "the cut saves \(blockSaving) on funded places but adds \(delays) delayed days")
        }
    }
}
