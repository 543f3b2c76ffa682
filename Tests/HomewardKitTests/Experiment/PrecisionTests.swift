import Foundation
import HomewardKit
import Testing

@testable import HomewardCLI

/// `--precision`: replications are added until the headline intervals are tight enough.
@Suite struct PrecisionTests {
    @Test func addsReplicationsUntilThePrecisionIsReached() throws {
        let loaded = try ScenarioLoader.load(text: Fixtures.small, file: "small.json5")
        let options = RunOptions(replications: 3, seed: 2, threads: 2)
        let result = try SequentialReplications.run(loaded, options: options, precision: 0.05, maximum: 200)
        let reached = SequentialReplications.achieved(result.replications)
        #expect(reached.worst <= 0.05)
        #expect(result.replications.count > 3)
        // The replications are exactly those of a plain run of the same count (same streams).
        let plain = try Runner.run(
            loaded, options: RunOptions(replications: result.replications.count, seed: 2, threads: 1))
        #expect(plain.replications == result.replications)
        // And one batch fewer would not have been precise enough (the loop stops at the first count that is).
        let n = result.replications.count
        var previous = 3
        while true {
            let next = previous + max(2, previous / 4)
            if next >= n { break }
            previous = next
        }
        #expect(SequentialReplications.achieved(Array(result.replications.prefix(previous))).worst > 0.05)
    }

    @Test func stopsAtTheCapAndSaysSo() throws {
        let c = CLITests.Captured()
        let dir = Fixtures.temporaryDirectory()
        let status = HomewardCLI.main(
            ["run", CLITests.smallPath, "--precision", "0.1%", "--max-replications", "6", "--out", dir, "--quiet"],
            console: c.console)
        #expect(status == 0, "\(c.err)")
        #expect(c.out.contains("Precision 0.1% NOT reached (stopped at --max-replications 6)"))
        let summary = try JSON5.parse(String(contentsOfFile: dir + "/summary.json", encoding: .utf8))
        let precision = try #require(summary.objectValue?["manifest"]?.objectValue?["precision"]?.objectValue)
        #expect(precision["reached"] == .bool(false))
        #expect(precision["replications"] == .number(6))
    }
}
