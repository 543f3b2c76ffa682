import Foundation
import HomewardKit
import Testing

/// Where the spread comes from: the regression split and the tornado ranking.
@Suite struct SensitivityTests {
    /// Replications whose one metric is `f(inputs) + noise`, with the inputs drawn uniformly.
    func synthetic(n: Int, seed: UInt64, noiseSD: Double, f: ([Double]) -> Double, inputs: Int)
        -> (draws: [[Double]], runs: [ReplicationMetrics])
    {
        var stream = RandomStream(seed: seed)
        var draws: [[Double]] = []
        var runs: [ReplicationMetrics] = []
        for _ in 0..<n {
            let x = (0..<inputs).map { _ in stream.uniform() }
            draws.append(x)
            let y = f(x) + noiseSD * stream.standardNormal()
            runs.append(ReplicationMetrics(values: [("y", y)], monthLabels: [], monthly: []))
        }
        return (draws, runs)
    }

    @Test func theSplitMatchesAnExactCase() throws {
        // y = 3 x1 + x2 + e with x1, x2 ~ U(0,1) and e ~ N(0, 0.5^2): the inputs' variance is
        // 9/12 + 1/12 = 0.8333 of 0.8333 + 0.25, an input share of 0.7692; x1's effect from its
        // P10 to its P90 is 3 x 0.8 = 2.4, x2's 0.8, x3's (no effect) 0.
        let (draws, runs) = synthetic(n: 4_000, seed: 7, noiseSD: 0.5, f: { 3 * $0[0] + $0[1] }, inputs: 3)
        let analysis = SensitivityAnalysis(
            inputs: [("x1", "uniform 0 to 1"), ("x2", "uniform 0 to 1"), ("x3", "uniform 0 to 1")],
            replications: Array(0..<4_000), draws: draws, runs: runs, keys: ["y"])
        let split = try #require(analysis.splits.first)
        #expect(abs(split.inputShare - 0.7692) < 0.015)
        #expect(split.drivers.map(\.input).prefix(2) == [0, 1])
        #expect(abs(split.drivers[0].effect - 2.4) < 0.06)
        #expect(abs(split.drivers[1].effect - 0.8) < 0.06)
        #expect(abs(split.drivers[2].effect) < 0.06)
        // Each effect's 95% interval holds the true effect; x1 and x2 stand out from chance,
        // x3 (no effect) does not.
        #expect(split.drivers[0].effectLow < 2.4 && 2.4 < split.drivers[0].effectHigh)
        #expect(split.drivers[1].effectLow < 0.8 && 0.8 < split.drivers[1].effectHigh)
        #expect(split.drivers.map(\.isClear) == [true, true, false])
        #expect(abs(split.drivers[0].standardized - (3 / 12.0.squareRoot()) / (1.0833).squareRoot()) < 0.02)
    }

    @Test func pureChanceIsChance() throws {
        let (draws, runs) = synthetic(n: 400, seed: 8, noiseSD: 1, f: { _ in 10 }, inputs: 4)
        let analysis = SensitivityAnalysis(
            inputs: (1...4).map { ("x\($0)", "uniform 0 to 1") }, replications: Array(0..<400), draws: draws,
            runs: runs, keys: ["y"])
        let split = try #require(analysis.splits.first)
        #expect(split.inputShare < 0.03)
        #expect(split.chanceShare > 0.97)
    }

    @Test func effectIntervalsCoverTheTruth() {
        // Over 400 small experiments (40 replications, 4 inputs, one real effect of 1 from P10
        // to P90, noise sd 1), the 95% interval of that effect holds it about 95% of the time.
        var covered = 0
        let trials = 400
        for t in 0..<trials {
            let (draws, runs) = synthetic(n: 40, seed: 100 + UInt64(t), noiseSD: 1, f: { $0[0] / 0.8 }, inputs: 4)
            let analysis = SensitivityAnalysis(
                inputs: (1...4).map { ("x\($0)", "uniform 0 to 1") }, replications: Array(0..<40), draws: draws,
                runs: runs, keys: ["y"])
            guard let d = analysis.splits.first?.drivers.first(where: { $0.input == 0 }) else { continue }
            // The true effect over the drawn P10-P90 width: the slope is 1/0.8.
            let width = analysis.inputs[0].p90 - analysis.inputs[0].p10
            let truth = width / 0.8
            if d.effectLow <= truth && truth <= d.effectHigh { covered += 1 }
        }
        let share = Double(covered) / Double(trials)
        #expect(share > 0.91 && share < 0.985, "coverage \(share)")
    }

    @Test func tooFewReplicationsSaySo() {
        let (draws, runs) = synthetic(n: 11, seed: 9, noiseSD: 1, f: { $0[0] }, inputs: 1)
        let analysis = SensitivityAnalysis(
            inputs: [("x", "uniform 0 to 1")], replications: Array(0..<11), draws: draws, runs: runs, keys: ["y"])
        #expect(analysis.splits.isEmpty)
        #expect(analysis.note?.contains("at least 12 replications") == true)
    }

    @Test func aRunNamesTheInputThatDrivesCost() throws {
        // The small scenario with a wide range on the acute bed day's cost: it drives total
        // cost (the largest effect, most of the spread), and the draws in inputs.csv are the
        // ones the run used.
        let text = Fixtures.small.replacingOccurrences(
            of: "costPerDay: 400", with: "costPerDay: { uncertain: 'uniform', min: 200, max: 600 }"
        )
        .replacingOccurrences(
            of: "successRate: 0.7", with: "successRate: { uncertain: 'uniform', min: 0.69, max: 0.71 }")
        let loaded = try ScenarioLoader.load(text: text, file: "s.json5")
        let result = try Runner.run(loaded, options: RunOptions(replications: 16, seed: 2, threads: 2))
        let analysis = try #require(
            SensitivityAnalysis.of(loaded, seed: 2, replications: result.indices, runs: result.replications))
        let cost = try #require(analysis.splits.first { $0.key == Metric.totalCost.key })
        #expect(analysis.inputs[cost.drivers[0].input].name == "services.acute.costPerDay")
        #expect(cost.inputShare > 0.8)
        let rows = analysis.inputsCSV.split(whereSeparator: \.isNewline)
        #expect(rows.count == 1 + 16 * 2)
        let first = loaded.uncertain.draw(seed: 2, replication: 0)[0].numberValue!
        #expect(
            rows[1] == "0,services.acute.costPerDay,\(CSV.row([CSV.number(first)]).trimmingCharacters(in: .newlines))")
    }
}
