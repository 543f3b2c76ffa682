import Foundation
import Testing

@testable import HomewardKit

/// A service's `costs` object and a scheme's payer: how they are read, their defaults, and
/// the exact messages for bad values.
@Suite struct ServiceCostsTests {
    /// The small scenario with `replacements` applied (each must match once).
    func small(_ replacements: [(String, String)]) -> String {
        var text = Fixtures.small
        for (old, new) in replacements {
            #expect(text.components(separatedBy: old).count == 2, "'\(old)' must occur once in the small scenario")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    func issues(_ text: String) -> [String] {
        do throws(ScenarioError) {
            _ = try ScenarioLoader.load(text: text, file: "c.json5")
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    static let acuteCosts = (
        "costPerDay: 400, divertAfterHours: 8",
        """
        costPerDay: 400, divertAfterHours: 8,
        costs: { perFundedPlacePerDay: 20, perDelayedDay: 313, perDiversion: 216, perDayOutOfArea: 400,
                 daysOutOfArea: 6, payers: { delayedDays: "council" }, source: "test" }
        """
    )
    static let bedCosts = (
        "beds: { kind: \"bedBased\", capacity: 4,",
        "beds: { kind: \"bedBased\", capacity: 4, costs: { payer: \"bcf\", perFundedPlacePerDay: 264 },"
    )

    @Test func theCostsObjectIsReadWithItsPayers() throws {
        let text = small([Self.acuteCosts, Self.bedCosts])
        let s = try ScenarioLoader.load(text: text, file: "c.json5").scenario
        let acute = s.services[s.acute].costs
        #expect(acute.perOccupiedDay == 400)
        #expect(acute.perFundedPlacePerDay == 20)
        #expect(acute.perDelayedDay == 313)
        #expect(acute.perDiversion == 216)
        #expect(acute.perDayOutOfArea == 400)
        #expect(acute.daysOutOfArea == 6)
        #expect(acute.payer(.delayedDays) == .council)
        #expect(acute.payer(.occupiedDays) == .nhs)
        let beds = try #require(s.services.first { $0.name == "beds" }).costs
        #expect(beds.perFundedPlacePerDay == 264)
        #expect(ServiceCosts.Line.allCases.allSatisfy { beds.payer($0) == .bcf })
        // Without a costs object: the older fields, the kind's payer.
        let homeCare = try #require(s.services.first { $0.name == "homeCare" }).costs
        #expect(homeCare.perOccupiedDay == 150.0 / 7)
        #expect(homeCare.perFundedPlacePerDay == 0 && homeCare.perDelayedDay == nil)
        #expect(homeCare.payer(.occupiedDays) == .council)
    }

    struct Bad: Sendable, CustomStringConvertible {
        var replace: (String, String)
        var says: String
        var description: String { says }
    }

    static let bad: [Bad] = [
        Bad(
            replace: ("costPerWeek: 150 }", "costPerWeek: 150, costs: { payer: \"ccg\" } }"),
            says: "c.json5: services.homeCare.costs.payer: must be one of nhs, council, bcf, got \"ccg\""),
        Bad(
            replace: ("costPerWeek: 150 }", "costPerWeek: 150, costs: { perOccupiedDay: 20 } }"),
            says:
                "c.json5: services.homeCare.costs.perOccupiedDay: give costPerDay (or costPerWeek) or costs.perOccupiedDay, not both"
        ),
        Bad(
            replace: ("costPerWeek: 150 }", "costPerWeek: 150, costs: { perDiversion: 20 } }"),
            says: "c.json5: services.homeCare.costs.perDiversion: unknown field"),
        Bad(
            replace: ("costPerWeek: 150 }", "costPerWeek: 150, costs: { perFundedPlacePerDay: -1 } }"),
            says: "c.json5: services.homeCare.costs.perFundedPlacePerDay: must be >= 0, got -1"),
        Bad(
            replace: ("costPerWeek: 150 }", "costPerWeek: 150, costs: { payers: { delayedDays: \"nhs\" } } }"),
            says: "c.json5: services.homeCare.costs.payers.delayedDays: unknown field"),
        Bad(
            replace: ("costPerDay: 400, divertAfterHours: 8", "costPerDay: 400, divertAfterHours: 8, costs: 5"),
            says: "c.json5: services.acute.costs: must be an object, got 5"),
        Bad(
            replace: (
                "costPerDay: 400, divertAfterHours: 8",
                "costPerDay: 400, divertAfterHours: 8, costs: { daysOutOfArea: 4000 }"
            ),
            says: "c.json5: services.acute.costs.daysOutOfArea: must be <= 3652.5, got 4000"),
    ]

    @Test(arguments: bad)
    func aBadCostNamesItsFileFieldAndProblem(_ bad: Bad) {
        let found = issues(small([bad.replace]))
        #expect(found.contains { $0.hasPrefix(bad.says) }, "\(found)")
    }

    @Test func aSchemePayerIsReadAndDefaultsToThePool() throws {
        let scheme = """
            schemes: { more: { start: "2021-04-01", cost: { perYear: 1000, payer: "council" }, effects: { capacity: { beds: 1 } } },
                       pooled: { start: "2021-04-01", cost: { perYear: 1000 }, effects: { capacity: { beds: 1 } } } },
              pathways: {
            """
        let text = small([("  pathways: {", scheme)])
        let s = try ScenarioLoader.load(text: text, file: "c.json5").scenario
        #expect(s.schemes.map(\.payer) == [.council, .bcf])
        let bad = small([("  pathways: {", scheme.replacingOccurrences(of: "\"council\"", with: "\"me\""))])
        #expect(
            issues(bad).contains { $0.hasPrefix("c.json5: schemes.more.cost.payer: must be one of nhs, council, bcf") })
    }

    @Test func aNewCostMayBeUncertainLikeAnyNumber() throws {
        let text = small([
            (
                "costPerDay: 400, divertAfterHours: 8",
                "costPerDay: 400, divertAfterHours: 8, costs: { perDelayedDay: { uncertain: 'uniform', min: 250, max: 350 } }"
            )
        ])
        let loaded = try ScenarioLoader.load(text: text, file: "c.json5")
        #expect(loaded.uncertain.inputs.map(\.path) == ["services.acute.costs.perDelayedDay"])
        let result = try Runner.run(loaded, options: RunOptions(replications: 2, seed: 3, threads: 1))
        let delayed = result.replications.compactMap { $0[.costByLine, "delayedDays"] }
        let days = result.replications.compactMap { $0[.delayedBedDays] }
        #expect(delayed.count == 2 && days.count == 2)
        for (cost, d) in zip(delayed, days) where d > 0 {
            let rate = cost / d
            #expect(rate >= 250 && rate <= 350, "a drawn rate of \(rate)")
        }
    }
}
