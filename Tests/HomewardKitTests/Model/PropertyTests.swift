import Foundation
import Testing

@testable import HomewardKit

/// Monotone effects on random scenarios, with common random numbers: more capacity never
/// increases delays beyond noise; more demand never reduces admissions beyond noise.
@Suite struct PropertyTests {
    /// The 99% interval of the paired difference (variant minus base) of `key`.
    func pairedDifference(_ base: Scenario, _ variant: Scenario, key: String, replications: Int) -> ConfidenceInterval {
        let values = (0..<replications).map { rep -> Double in
            let a = Runner.replicate(base, seed: base.seed, replication: rep)[key] ?? .nan
            let b = Runner.replicate(variant, seed: base.seed, replication: rep)[key] ?? .nan
            return b - a
        }
        return ConfidenceInterval(values: values.filter { !$0.isNaN }, level: 0.99)
    }

    /// Multiplies every number at the given paths (capacity calendars: their base and changes).
    func scaled(_ text: String, _ paths: [[String]], by factor: Double, round: Bool) throws -> Scenario {
        var root = try JSON5.parse(text)
        func scale(_ v: JSONValue) -> JSONValue {
            switch v {
            case .number(let x): return .number(round ? (x * factor).rounded(.up) : x * factor)
            case .object(var o):
                if o["base"] != nil {
                    o["base"] = o["base"].map(scale)
                    o["changes"] = o["changes"].map { list in
                        .array(
                            (list.arrayValue ?? []).map { change in
                                guard case .object(var c) = change else { return change }
                                c["capacity"] = c["capacity"].map(scale)
                                return .object(c)
                            })
                    }
                    return .object(o)
                }
                for key in o.keys where ["perYear", "perThousandPerYear", "perResidentPerYear"].contains(key) {
                    o[key] = o[key].map(scale)
                }
                return .object(o)
            default: return v
            }
        }
        func apply(_ node: inout JSONValue, _ path: [String]) {
            guard case .object(var o) = node, let head = path.first, var child = o[head] else { return }
            if path.count == 1 { child = scale(child) } else { apply(&child, Array(path.dropFirst())) }
            o[head] = child
            node = .object(o)
        }
        for p in paths { apply(&root, p) }
        return try ScenarioReader.read(root, file: "property.json5")
    }

    /// Two random scenarios in the fast suite, three more in the slow tier (`SlowTests`).
    @Test(arguments: [11, 12] as [UInt64])
    func moreCapacityNeverIncreasesDelayBeyondNoise(seed: UInt64) throws { try checkMoreCapacity(seed) }

    func checkMoreCapacity(_ seed: UInt64) throws {
        var g = RandomScenarioGenerator(seed: seed)
        let text = g.scenario(name: "p\(seed)")
        let base = try ScenarioReader.read(JSON5.parse(text), file: "property.json5")
        let services = ["reablement", "beds", "community", "residentialHomes", "nursingHomes", "homeCare"]
        let more = try scaled(text, services.map { ["services", $0, "capacity"] }, by: 1.5, round: true)
        let d = pairedDifference(base, more, key: "delayedBedDays", replications: 6)
        #expect(
            !(d.low > 0),
            "seed \(seed): 50% more downstream places increased delayed bed days by \(d.mean) [\(d.low), \(d.high)]")
    }

    @Test(arguments: [21, 22] as [UInt64])
    func moreDemandNeverReducesAdmissionsBeyondNoise(seed: UInt64) throws { try checkMoreDemand(seed) }

    func checkMoreDemand(_ seed: UInt64) throws {
        var g = RandomScenarioGenerator(seed: seed)
        let text = g.scenario(name: "p\(seed)")
        let base = try ScenarioReader.read(JSON5.parse(text), file: "property.json5")
        let cohorts = ["adults", "older", "frail", "residents"].map { ["cohorts", $0, "crises"] }
        let busier = try scaled(text, cohorts, by: 1.3, round: false)
        let d = pairedDifference(base, busier, key: "nelAdmissions", replications: 6)
        #expect(!(d.high < 0), "seed \(seed): 30% more crises reduced NELs by \(-d.mean) [\(d.low), \(d.high)]")
        #expect(d.mean > 0, "seed \(seed): more demand should mean more NELs on average (\(d.mean))")
    }
}

extension PropertyTests {
    /// Three more random scenarios for each property: slow tier.
    @Suite(.slowTier, .tags(.slow)) struct SlowTier {
        @Test(arguments: [13, 14, 15] as [UInt64])
        func moreCapacityNeverIncreasesDelayBeyondNoiseInMoreScenarios(seed: UInt64) throws {
            try PropertyTests().checkMoreCapacity(seed)
        }

        @Test(arguments: [23, 24, 25] as [UInt64])
        func moreDemandNeverReducesAdmissionsBeyondNoiseInMoreScenarios(seed: UInt64) throws {
            try PropertyTests().checkMoreDemand(seed)
        }
    }
}

/// Runs that cannot give a meaningful result are stopped and explained, not reported.
@Suite struct RunawayTests {
    @Test func aQueueGrowingWithoutLimitIsAnInputError() throws {
        // 2,000 crises a day into 10 beds for 10 years: the ED queue can only grow. (A
        // 100-year horizon is refused before running: over 10 million crises expected.)
        let text = """
            { name: "runaway", start: "2020-01-06", horizonDays: 3650, replications: 1, seed: 1,
              population: { bands: { "18-64": { people: 100000 } } },
              cohorts: { all: { band: "18-64", crises: { perYear: 730000 }, lengthOfStayDays: { fixed: 5 }, pathways: { "1": 1 } } },
              services: { acute: { kind: "acute", capacity: 10 } },
              pathways: { "1": { service: null } } }
            """
        let loaded = try ScenarioLoader.load(text: text, file: "runaway.json5")
        do {
            // The product's limit is 2 million patients; a smaller one keeps the test quick.
            var options = RunOptions(replications: 1, seed: 1)
            options.patientLimit = 20_000
            _ = try Runner.run(loaded, options: options)
            Issue.record("expected the run to stop")
        } catch let error as RunError {
            #expect(error.description.contains("runaway.json5: replication 0 stopped at day"))
            #expect(error.description.contains("are waiting for acute (capacity 10)"))
            #expect(error.description.contains("Demand exceeds capacity for good"))
        }
    }
}

extension RunawayTests {
    @Test func patientsCyclingThroughHospitalWithoutEndAreStopped() throws {
        // Found by the fuzzer: near-zero stays and a reablement service whose only outcome is
        // readmission. Time advances by a nanosecond per cycle, so neither the zero-time guard
        // nor the patient limit fires; the admissions-per-patient limit does, at once.
        let text = """
            { name: "cycle", start: "2021-03-01", horizonDays: 60, replications: 1, seed: 1,
              population: { bands: { "65-84": { people: 20000 } } },
              cohorts: { a: { band: "65-84", crises: { perYear: 2000 }, lengthOfStayDays: { exponential: { mean: 1e-9 } }, pathways: { "2": 1 } } },
              services: { acute: { kind: "acute", capacity: 100 },
                          reab: { kind: "homeReablement", capacity: 100, durationDays: 0, outcomes: { readmitted: 1 }, acceptsWeekends: true } },
              pathways: { "1": {}, "2": { service: "reab" } },
              working: { hours: { from: 0, to: 24 }, sevenDayDischarge: true } }
            """
        let loaded = try ScenarioLoader.load(text: text, file: "cycle.json5")
        let error = try #require(throws: RunError.self) {
            try Runner.run(loaded, options: RunOptions(replications: 1, seed: 1))
        }
        #expect(error.description.contains("cycle.json5: replication 0 stopped at day 0 of 60"))
        #expect(error.description.contains("admitted to hospital more than 1000 times"))
        #expect(error.description.contains("services with a 'readmitted' outcome: reab)"))
        // Stopped promptly, not after exhausting memory: the work done is bounded by the limit
        // itself. One patient cycles (crisis or readmission, conveyance, enter, leave, service,
        // ...: a handful of events a cycle) until the 1,001st admission; nobody else arrives in
        // the nanoseconds that pass.
        var simulation = Simulation(scenario: loaded.scenario, seed: 1, replication: 0, sink: EventCounter())
        simulation.run()
        let limit = Int(Simulation<EventCounter>.maximumAdmissionsPerPatient)
        #expect(simulation.runaway?.contains("admitted to hospital more than 1000 times") == true)
        #expect(simulation.sink.conveyances == limit + 1)
        #expect(simulation.sink.events < 20 * limit, "\(simulation.sink.events) events before the stop")
    }

    /// Counts events and conveyances (admissions) without keeping them.
    struct EventCounter: EventSink {
        var events = 0
        var conveyances = 0
        mutating func append(_ event: Event) {
            events += 1
            if event.kind == .conveyance { conveyances += 1 }
        }
    }

    @Test func aWorkloadThatCannotFinishInReasonableTimeIsRefusedBeforeRunning() throws {
        // Found by the fuzzer: 10,000,000 per 1,000 people a year was accepted and took a
        // minute. The limit is 10 million expected crises in one replication.
        func text(_ perYear: Int) -> String {
            """
            { name: "load", start: "2021-03-01", horizonDays: 365, population: { bands: { "18-64": { people: 1000 } } },
              cohorts: { a: { band: "18-64", crises: { perYear: \(perYear) }, lengthOfStayDays: 1, pathways: { "1": 1 } } },
              services: { acute: { kind: "acute", capacity: 10 } }, pathways: { "1": {} } }
            """
        }
        #expect(throws: Never.self) { try ScenarioLoader.load(text: text(9_000_000), file: "load.json5") }
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.load(text: text(11_000_000), file: "load.json5")
        }
        #expect(error.description.hasPrefix("load.json5: cohorts: about 10992470 crises in one replication (365 days)"))
        #expect(error.description.contains("more than 10000000 cannot run in reasonable time"))
    }

    @Test func aChainOfLikelyReadmissionsIsNotMistakenForACycle() throws {
        // 60% of reablement clients are readmitted: long chains are possible but finite; a
        // year of this must run to the end.
        let text = """
            { name: "chain", start: "2021-03-01", horizonDays: 365, replications: 1, seed: 1,
              population: { bands: { "65-84": { people: 20000 } } },
              cohorts: { a: { band: "65-84", crises: { perYear: 500 }, lengthOfStayDays: { exponential: { mean: 2 } }, pathways: { "2": 1 } } },
              services: { acute: { kind: "acute", capacity: 100 },
                          reab: { kind: "homeReablement", capacity: 100, durationDays: 3, outcomes: { readmitted: 0.6, independent: 0.4 }, acceptsWeekends: true } },
              pathways: { "1": {}, "2": { service: "reab" } },
              working: { hours: { from: 0, to: 24 }, sevenDayDischarge: true } }
            """
        let result = try Runner.run(
            try ScenarioLoader.load(text: text, file: "chain.json5"), options: RunOptions(replications: 1, seed: 1))
        #expect((result.replications[0]["nelAdmissions"] ?? 0) > 500)
    }
}

/// A golden summary for a fixed seed: any change to the numbers shows up here, and the file is
/// only updated deliberately (HOMEWARD_UPDATE_GOLDEN=1 swift test --filter GoldenTests).
/// Results are bit-for-bit reproducible on one platform; another C library's log and exp may
/// differ in the last bits, so the golden file is for this project's CI platform (Linux).
@Suite struct GoldenTests {
    static let path = Fixtures.repositoryRoot + "/Tests/HomewardKitTests/Fixtures/golden-small-summary.json"

    @Test func theSmallScenarioGivesTheGoldenSummary() throws {
        let loaded = try ScenarioLoader.load(text: Fixtures.small, file: "small.json5")
        let result = try Runner.run(loaded, options: RunOptions(replications: 3, seed: 11, threads: 2))
        let summary = Summary(result.replications)
        let text =
            JSONValue.object(JSONObject([("metrics", summary.metricsJSON), ("monthly", summary.monthlyJSON)])).jsonText(
                pretty: true) + "\n"
        if ProcessInfo.processInfo.environment["HOMEWARD_UPDATE_GOLDEN"] == "1" {
            try text.write(toFile: Self.path, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOfFile: Self.path, encoding: .utf8)
        #expect(
            text == golden,
            "the summary differs from \(Self.path); if the change is intended, rerun with HOMEWARD_UPDATE_GOLDEN=1")
    }
}
