import Foundation
import HomewardKit
import Testing

@testable import HomewardCLI

/// Common random numbers: the same streams in base and variant make the paired difference
/// far more precise than independent runs.
@Suite struct ComparisonTests {
    @Test func commonRandomNumbersNarrowTheInterval() throws {
        let base = try ScenarioLoader.load(text: Fixtures.small, file: "base.json5")
        let variantText = Fixtures.small.replacingOccurrences(
            of: "reablement: { kind: \"homeReablement\", capacity: 8,",
            with: "reablement: { kind: \"homeReablement\", capacity: 10,")
        #expect(variantText != Fixtures.small)
        let variant = try ScenarioLoader.load(text: variantText, file: "variant.json5")
        let n = 12
        let b = try Runner.run(base, options: RunOptions(replications: n, seed: 21, threads: 2)).replications
        let v = try Runner.run(variant, options: RunOptions(replications: n, seed: 21, threads: 2)).replications
        let independent = try Runner.run(variant, options: RunOptions(replications: n, seed: 9_999, threads: 2))
            .replications
        let crn = Comparison(names: ["base", "variant"], runs: [b, v])
        let indep = Comparison(names: ["base", "variant"], runs: [b, independent])
        // Demand, delays and cost: pairing cancels most of the noise (measured: 4 to 20 times
        // narrower). Acute occupancy of this small, nearly full hospital varies little either
        // way, so for it we only require that pairing helps.
        let occupancy = try #require(crn["acuteOccupancyMean"]).differences[0].halfWidth
        #expect(occupancy < (try #require(indep["acuteOccupancyMean"])).differences[0].halfWidth)
        for key in ["crises", "nelAdmissions", "delayedBedDays", "totalCost"] {
            let paired = try #require(crn[key]).differences[0].halfWidth
            let unpaired = try #require(indep[key]).differences[0].halfWidth
            #expect(paired < 0.5 * unpaired, "\(key): CRN half-width \(paired) vs independent \(unpaired)")
        }
    }

    @Test func aScenarioComparedWithItselfDiffersByExactlyZero() throws {
        let base = try ScenarioLoader.load(text: Fixtures.small, file: "base.json5")
        let run = try Runner.run(base, options: RunOptions(replications: 3, seed: 4)).replications
        let c = Comparison(names: ["a", "a"], runs: [run, run])
        for row in c.rows where !row.base.mean.isNaN {
            #expect(row.differences[0].mean == 0, "\(row.key)")
            #expect(!row.isSignificant(0))
        }
    }

    /// Runs `homeward compare BASE VARIANT` with `replications` into `out`; checks the exit
    /// status and the table's heading, and returns the 95% interval of the first variant's
    /// difference in delayed bed days, from `compare.json`.
    static func compareDelayedBedDays(_ base: String, _ variant: String, replications: Int, out: String) throws
        -> [Double]
    {
        let c = CLITests.Captured()
        let status = HomewardCLI.main(
            ["compare", base, variant, "--replications", "\(replications)", "--out", out, "--quiet"],
            console: c.console)
        #expect(status == 0, "\(c.err)")
        #expect(c.out.contains("95% CI of difference"))
        let json = try JSON5.parse(String(contentsOfFile: out + "/compare.json", encoding: .utf8))
        let delayed = try #require(
            json.objectValue?["comparison"]?.objectValue?["metrics"]?.objectValue?["delayedBedDays"]?.objectValue)
        let ci = try #require(delayed["variants"]?.arrayValue?.first?.objectValue?["differenceCi95"]?.arrayValue)
        return ci.compactMap(\.numberValue)
    }

    /// What `compare` writes, on the small scenario (the statistical claim on the shipped
    /// scenarios is the slow tier's test below).
    @Test func compareWritesTheDifferencesAndEachScenariosResults() throws {
        let dir = Fixtures.temporaryDirectory()
        try Fixtures.small.write(toFile: dir + "/small.json5", atomically: true, encoding: .utf8)
        try #"{ extends: "small.json5", name: "more", services: { reablement: { capacity: 16 } } }"#.write(
            toFile: dir + "/more.json5", atomically: true, encoding: .utf8)
        let ci = try Self.compareDelayedBedDays(
            dir + "/small.json5", dir + "/more.json5", replications: 2, out: dir + "/out")
        #expect(ci.count == 2 && ci[0] <= ci[1])
        for file in ["compare.csv", "small/summary.json", "more/summary.json"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/out/" + file), "\(file)")
        }
    }
}

extension ComparisonTests {
    /// Two full runs of the shipped baseline and its variant: slow tier.
    @Suite(.slowTier, .tags(.slow)) struct SlowTier {
        @Test func moreReablementIsSignificantOnTheBaseline() throws {
            // The shipped variant adds 20 reablement slots and 7-day discharge: delays must fall.
            let dir = Fixtures.temporaryDirectory()
            let ci = try ComparisonTests.compareDelayedBedDays(
                Fixtures.baselinePath, Fixtures.variantPath, replications: 4, out: dir)
            let high = try #require(ci.count == 2 ? ci[1] : nil)
            #expect(high < 0, "delayed bed days should fall with more reablement and 7-day discharge")
            #expect(FileManager.default.fileExists(atPath: dir + "/compare.csv"))
            #expect(FileManager.default.fileExists(atPath: dir + "/baseline/summary.json"))
        }
    }
}
