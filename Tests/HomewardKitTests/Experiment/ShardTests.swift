import Foundation
import HomewardKit
import Testing

@testable import HomewardCLI

/// Shards of a run merge into exactly the result of one machine.
@Suite struct ShardTests {
    func cli(_ args: [String]) -> (Int32, String) {
        let c = CLITests.Captured()
        let status = HomewardCLI.main(args, console: c.console)
        return (status, c.err)
    }

    func metricsText(_ dir: String) throws -> String {
        let json = try JSON5.parse(String(contentsOfFile: dir + "/summary.json", encoding: .utf8))
        return try #require(json.objectValue?["metrics"]).jsonText() + (json.objectValue?["monthly"]?.jsonText() ?? "")
    }

    @Test func threeShardsMergeBitForBit() throws {
        let dir = Fixtures.temporaryDirectory()
        let file = CLITests.smallPath
        #expect(cli(["run", file, "--replications", "7", "--seed", "3", "--out", dir + "/whole", "--quiet"]).0 == 0)
        for i in 0..<3 {
            let (status, err) = cli([
                "run", file, "--replications", "7", "--seed", "3", "--shard", "\(i)/3", "--out", dir + "/s\(i)",
                "--quiet",
            ])
            #expect(status == 0, "\(err)")
        }
        let (status, err) = cli(["merge", dir + "/s2", dir + "/s0", dir + "/s1", "--out", dir + "/merged"])
        #expect(status == 0, "\(err)")
        #expect(try metricsText(dir + "/whole") == metricsText(dir + "/merged"))
    }

    @Test func mergeRefusesGapsOverlapsAndForeignShards() throws {
        let dir = Fixtures.temporaryDirectory()
        let file = CLITests.smallPath
        for i in 0..<2 {
            #expect(
                cli(["run", file, "--replications", "4", "--shard", "\(i)/2", "--out", dir + "/s\(i)", "--quiet"]).0
                    == 0)
        }
        #expect(
            cli([
                "run", file, "--replications", "4", "--seed", "77", "--shard", "1/2", "--out", dir + "/other",
                "--quiet",
            ]).0 == 0)
        let gap = cli(["merge", dir + "/s0", "--out", dir + "/m"])
        #expect(gap.0 == 2)
        #expect(gap.1.contains("replications missing from the partial results: 1, 3 (2 of 4)"))
        let overlap = cli(["merge", dir + "/s0", dir + "/s0", dir + "/s1", "--out", dir + "/m"])
        #expect(overlap.0 == 2)
        #expect(overlap.1.contains("appears in more than one partial result"))
        let foreign = cli(["merge", dir + "/s0", dir + "/other", "--out", dir + "/m"])
        #expect(foreign.0 == 2)
        #expect(foreign.1.contains("comes from a different run"))
    }

    struct ShardCase: CustomTestStringConvertible, Sendable {
        var text: String
        var environment: [String: String]
        var expected: Shard?
        var testDescription: String { "\(text) \(environment)" }
    }

    static let shardCases: [ShardCase] = [
        ShardCase(text: "2/5", environment: [:], expected: Shard(index: 2, count: 5)),
        ShardCase(text: "auto/4", environment: ["JOB_COMPLETION_INDEX": "3"], expected: Shard(index: 3, count: 4)),
        ShardCase(
            text: "auto",
            environment: ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "8"],
            expected: Shard(index: 4, count: 8)),
        ShardCase(
            text: "auto", environment: ["HOMEWARD_SHARD_INDEX": "0", "HOMEWARD_SHARD_COUNT": "2"],
            expected: Shard(index: 0, count: 2)),
        ShardCase(text: "auto", environment: [:], expected: nil),
        ShardCase(text: "5/5", environment: [:], expected: nil),
        ShardCase(text: "1/x", environment: [:], expected: nil),
        ShardCase(text: "auto", environment: ["JOB_COMPLETION_INDEX": "1"], expected: nil),
    ]

    @Test(arguments: shardCases)
    func parsesShardSpecifications(_ c: ShardCase) {
        let parsed = try? Shard.parse(c.text, environment: c.environment)
        #expect(parsed == c.expected)
    }

    @Test func partialResultsRoundTripExactly() throws {
        let scenario = try Fixtures.smallScenario()
        let m = Runner.replicate(scenario, seed: 1, replication: 0)
        let back = try ReplicationMetrics(json: JSON5.parse(m.json.jsonText()))
        #expect(back == m)
    }
}
