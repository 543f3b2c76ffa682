import Foundation
import HomewardKit
import Testing

/// Uncertain scenario values: the laws, their checks, the draws and how a run uses them.
@Suite struct UncertainInputsTests {
    /// The small scenario with `replacements` applied (each must match once).
    func small(_ replacements: [(String, String)]) throws -> String {
        var text = Fixtures.small
        for (old, new) in replacements {
            #expect(text.components(separatedBy: old).count == 2, "'\(old)' must occur once in the small scenario")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    func load(_ text: String) throws(ScenarioError) -> LoadedScenario {
        try ScenarioLoader.load(text: text, file: "u.json5")
    }

    func issues(_ text: String) -> [ScenarioIssue] {
        do throws(ScenarioError) {
            _ = try load(text)
            return []
        } catch {
            return error.issues
        }
    }

    static let uncertainCost = ("costPerDay: 400", "costPerDay: { uncertain: 'uniform', min: 300, max: 500 }")

    // MARK: - The laws

    @Test func eachLawIsInvertedExactly() {
        // Uniform and triangular: the distribution function at the quantile gives u back.
        let triangular = UncertainInputs.Law.triangular(min: 2, mode: 3, max: 7)
        func triangularCDF(_ x: Double) -> Double {
            x <= 3 ? (x - 2) * (x - 2) / (5 * 1) : 1 - (7 - x) * (7 - x) / (5 * 4)
        }
        for u in stride(from: 0.0, through: 1.0, by: 0.05) {
            #expect(abs(UncertainInputs.Law.uniform(min: 10, max: 30).quantile(u).numberValue! - (10 + 20 * u)) < 1e-12)
            #expect(abs(triangularCDF(triangular.quantile(u).numberValue!) - u) < 1e-12)
        }
        #expect(triangular.quantile(0.2).numberValue! == 3)  // F(mode) = (3-2)/(7-2)
        // Truncated normal: Phi((x-mean)/sd) rescaled to the kept mass gives u back.
        let normal = UncertainInputs.Law.normal(mean: 1, sd: 0.1, min: 0.9, max: 1.3)
        let a = Statistics.normalCDF(-1)
        let b = Statistics.normalCDF(3)
        for u in stride(from: 0.01, through: 0.99, by: 0.07) {
            let x = normal.quantile(u).numberValue!
            #expect(x >= 0.9 && x <= 1.3)
            #expect(abs((Statistics.normalCDF((x - 1) / 0.1) - a) / (b - a) - u) < 1e-9)
        }
    }

    @Test func aLognormalHasTheMeanAndSdAsked() {
        // Bounds far out in the tails: the quantiles on a fine grid average to the law's mean
        // and sd (a midpoint rule over u).
        let law = UncertainInputs.Law.lognormal(mean: 20, sd: 6, min: 0, max: 1e6)
        let n = 200_000
        let xs = (0..<n).map { law.quantile((Double($0) + 0.5) / Double(n)).numberValue! }
        #expect(abs(Statistics.mean(xs) - 20) < 0.02)
        #expect(abs(Statistics.standardDeviation(xs) - 6) < 0.05)
        // Tiny values: the coefficient of variation is taken as a ratio, so nothing underflows.
        let tiny = UncertainInputs.Law.lognormal(mean: 1e-300, sd: 1e-300, min: 0, max: 1)
        #expect(tiny.quantile(0.5).numberValue.map { $0 > 0 && $0 < 1e-299 } == true)
    }

    @Test func aChoiceIsDrawnInProportionToItsWeights() {
        let law = UncertainInputs.Law.choice(values: [.string("a"), .string("b"), .number(3)], weights: [1, 2, 1])
        var counts: [String: Int] = [:]
        let n = 4_000
        for i in 0..<n { counts[law.quantile((Double(i) + 0.5) / Double(n)).jsonText(), default: 0] += 1 }
        #expect(counts == ["\"a\"": 1_000, "\"b\"": 2_000, "3": 1_000])
    }

    // MARK: - Reading and checking

    @Test func aScenarioWithoutRangesHasNone() throws {
        let loaded = try load(Fixtures.small)
        #expect(loaded.uncertain.isEmpty)
        #expect(try loaded.scenario(seed: 1, replication: 3).name == loaded.scenario.name)
    }

    @Test func theNominalScenarioHoldsEachValueAtItsMostLikely() throws {
        let loaded = try load(
            try small([
                ("costPerDay: 400", "costPerDay: { uncertain: 'triangular', min: 300, mode: 420, max: 500 }"),
                (
                    "successRate: 0.7",
                    "successRate: { uncertain: 'choice', values: [0.6, 0.7, 0.8], weights: [1, 1, 3] }"
                ),
            ]))
        #expect(
            loaded.uncertain.inputs.map(\.path) == ["services.acute.costPerDay", "services.rapidResponse.successRate"])
        let acute = loaded.scenario.services.first { $0.name == "acute" }!
        #expect(acute.costPerDay == 420)
        let rapid = loaded.scenario.services.first { $0.name == "rapidResponse" }!
        #expect(rapid.successRate == 0.8)
    }

    @Test func aRangeIsCheckedAtBothEndsAndInside() throws {
        // A probability whose range passes 1.
        let high = issues(
            try small([("successRate: 0.7", "successRate: { uncertain: 'uniform', min: 0.6, max: 1.2 }")]))
        #expect(high.count == 1)
        #expect(high.first?.path == "services.rapidResponse.successRate")
        #expect(high.first?.message.contains("high end of its range") == true)
        // A whole-number field given a continuous range: caught inside the range.
        let whole = issues(try small([("capacity: 8,", "capacity: { uncertain: 'uniform', min: 8, max: 12 },")]))
        #expect(whole.first?.path == "services.reablement.capacity")
        #expect(whole.first?.message.contains("whole number") == true)
        #expect(whole.first?.message.contains("37th percentile") == true)
        // ... and accepted with `whole: true`.
        let rounded = try load(
            try small([("capacity: 8,", "capacity: { uncertain: 'uniform', min: 8, max: 12, whole: true },")]))
        let capacities = (0..<50).map {
            rounded.uncertain.draw(seed: 5, replication: $0)[0].numberValue!
        }
        #expect(capacities.allSatisfy { $0 == $0.rounded() && $0 >= 8 && $0 <= 12 })
        #expect(Set(capacities).count >= 4)
    }

    @Test func badUncertainValuesAreNamed() throws {
        let cases: [(String, String, String)] = [
            (
                "costPerDay: { uncertain: 'beta', min: 1, max: 2 }", "services.acute.costPerDay.uncertain",
                "must name a family"
            ),
            ("costPerDay: { uncertain: 'uniform', min: 500, max: 300 }", "services.acute.costPerDay", "min < max"),
            ("costPerDay: { uncertain: 'uniform', min: 300 }", "services.acute.costPerDay.max", "is required"),
            (
                "costPerDay: { uncertain: 'triangular', min: 300, mode: 600, max: 500 }",
                "services.acute.costPerDay.mode", "must lie from min to max"
            ),
            (
                "costPerDay: { uncertain: 'normal', mean: 400, sd: 1, min: 900, max: 1000 }",
                "services.acute.costPerDay", "holds almost none"
            ),
            (
                "costPerDay: { uncertain: 'lognormal', mean: 0, sd: 1, min: 1, max: 2 }",
                "services.acute.costPerDay.mean", "must be >"
            ),
            (
                "costPerDay: { uncertain: 'choice', values: [300, 400], weights: [1] }",
                "services.acute.costPerDay.weights", "one per value"
            ),
            (
                "costPerDay: { uncertain: 'choice', values: [300, 400], whole: true }",
                "services.acute.costPerDay.whole", "numeric families only"
            ),
            (
                "costPerDay: { uncertain: 'choice', values: [300, { uncertain: 'uniform', min: 1, max: 2 }] }",
                "services.acute.costPerDay.values[1]", "cannot themselves be uncertain"
            ),
            (
                "costPerDay: { uncertain: 'uniform', min: 300, max: 500, mode: 3 }", "services.acute.costPerDay.mode",
                "unknown field"
            ),
            // Parameters beyond 10^15 would overflow a range's width or a choice's total weight.
            (
                "costPerDay: { uncertain: 'uniform', min: -1e308, max: 1e308 }", "services.acute.costPerDay.min",
                "must be >="
            ),
            (
                "costPerDay: { uncertain: 'choice', values: [300, 400], weights: [1e308, 1e308] }",
                "services.acute.costPerDay.weights[0]", "must be <="
            ),
        ]
        for (replacement, path, message) in cases {
            let found = issues(try small([("costPerDay: 400", replacement)]))
            #expect(found.contains { $0.path == path && $0.message.contains(message) }, "\(replacement): \(found)")
        }
        let fixed = issues(
            try small([("horizonDays: 120", "horizonDays: { uncertain: 'uniform', min: 100, max: 140 }")]))
        #expect(fixed.first?.path == "horizonDays")
        #expect(fixed.first?.message.contains("cannot be uncertain") == true)
    }

    @Test func choicesAreBoundedInAll() throws {
        // Two choices of 600 values: 1,200 in all, over the limit of 1,000; refused at once.
        let values = (0..<600).map { String(300 + $0) }.joined(separator: ", ")
        let found = issues(
            try small([
                ("costPerDay: 400", "costPerDay: { uncertain: 'choice', values: [\(values)] }"),
                ("costPerWeek: 150", "costPerWeek: { uncertain: 'choice', values: [\(values)] }"),
            ]))
        #expect(found.count == 1)
        #expect(found.first?.path == "services.homeCare.costPerWeek")
        #expect(found.first?.message.contains("more than 1000 values in all") == true)
    }

    @Test func aVariantReplacesAnUncertainValueWhole() {
        let base = JSONValue.object(
            JSONObject([
                ("uncertain", .string("triangular")), ("min", .number(1)), ("mode", .number(2)), ("max", .number(3)),
            ]))
        let top = JSONValue.object(
            JSONObject([("uncertain", .string("uniform")), ("min", .number(1)), ("max", .number(4))]))
        #expect(ScenarioLoader.overlay(base, with: top) == top)
        #expect(ScenarioLoader.overlay(base, with: .number(5)) == .number(5))
        #expect(ScenarioLoader.overlay(.number(5), with: top) == top)
    }

    @Test func aChoiceMayHoldWholeObjects() throws {
        let loaded = try load(
            try small([
                (
                    "pathways: { \"1\": 0.6, \"2\": 0.2, \"3\": 0.1, \"5\": 0.1 }",
                    "pathways: { uncertain: 'choice', values: [{ \"1\": 0.6, \"2\": 0.2, \"3\": 0.1, \"5\": 0.1 }, { \"1\": 0.5, \"2\": 0.3, \"3\": 0.1, \"5\": 0.1 }] }"
                )
            ]))
        let shares = (0..<40).map { r -> Double in
            let s = try! loaded.scenario(seed: 3, replication: r)
            return s.cohorts.first { $0.name == "older" }!.pathwayMix[0]
        }
        #expect(Set(shares) == [0.6, 0.5])
    }

    // MARK: - Draws

    @Test func aDrawDependsOnlyOnSeedReplicationAndPath() throws {
        let one = try load(try small([Self.uncertainCost]))
        let two = try load(
            try small([
                Self.uncertainCost,
                ("successRate: 0.7", "successRate: { uncertain: 'uniform', min: 0.6, max: 0.8 }"),
            ]))
        let a = (0..<20).map { one.uncertain.draw(seed: 9, replication: $0)[0] }
        let b = (0..<20).map { two.uncertain.draw(seed: 9, replication: $0)[0] }
        #expect(a == b, "adding a range elsewhere must not move this input's draws")
        #expect(Set(a.map { $0.jsonText() }).count == 20, "each replication draws its own value")
        let otherSeed = (0..<20).map { one.uncertain.draw(seed: 10, replication: $0)[0] }
        #expect(a != otherSeed)
    }

    @Test func eachReplicationRunsItsOwnDrawExactly() throws {
        // The acute cost of a replication is its occupied acute days times its drawn cost a day.
        let loaded = try load(try small([Self.uncertainCost]))
        let result = try Runner.run(loaded, options: RunOptions(replications: 6, seed: 4, threads: 2))
        for (r, metrics) in zip(result.indices, result.replications) {
            let drawn = loaded.uncertain.draw(seed: 4, replication: r)[0].numberValue!
            let days = try #require(metrics[.serviceOccupiedDays, "acute"])
            let cost = try #require(metrics[.costByService, "acute"])
            #expect(abs(cost / days - drawn) < 1e-9 * drawn, "replication \(r)")
        }
        let serial = try Runner.run(loaded, options: RunOptions(replications: 6, seed: 4, threads: 1))
        #expect(serial.replications == result.replications, "the same results whatever the thread count")
        #expect(result.manifest.json.objectValue?["uncertainInputs"] != nil)
    }

    @Test func withoutRangesARunIsUnchanged() throws {
        // The same scenario with a range on one value and with that value fixed at a draw: the
        // fixed run of replication r equals replication r of the uncertain run, so the
        // mechanism adds nothing but the substitution.
        let loaded = try load(try small([Self.uncertainCost]))
        let drawn = loaded.uncertain.draw(seed: 4, replication: 2)[0].numberValue!
        let fixed = try load(try small([("costPerDay: 400", "costPerDay: \(drawn)")]))
        var options = RunOptions(replications: 3, seed: 4)
        options.only = 2..<3
        let a = try Runner.run(loaded, options: options).replications
        let b = try Runner.run(fixed, options: options).replications
        #expect(a == b)
    }

    @Test func anEventLogRefusesCostsThatVary() throws {
        let loaded = try load(try small([Self.uncertainCost]))
        let dir = Fixtures.temporaryDirectory()
        var options = RunOptions(replications: 2, seed: 1)
        options.eventsPath = dir + "/e.hwlog"
        #expect(throws: RunError.self) { try Runner.run(loaded, options: options) }
        // A value that changes only the simulation (not the log's header) is fine.
        let rates = try load(
            try small([("successRate: 0.7", "successRate: { uncertain: 'uniform', min: 0.6, max: 0.8 }")]))
        _ = try Runner.run(rates, options: options)
        #expect(FileManager.default.fileExists(atPath: dir + "/e.hwlog"))
    }

    @Test func aSweptFieldLosesItsRange() throws {
        let loaded = try load(try small([Self.uncertainCost]))
        let sweep = Sweep(axes: [try Sweep.Axis.parse("services.acute.costPerDay=350..350:1")])
        let json = try sweep.apply([350], to: loaded.merged, file: "u.json5")
        let point = try ScenarioLoader.prepare(json, file: "u.json5")
        #expect(point.uncertain.isEmpty)
        #expect(point.scenario.services.first { $0.name == "acute" }?.costPerDay == 350)
    }
}
