import Foundation
import HomewardKit
import Testing

@testable import HomewardCLI

/// Schemes: read and validated like everything else, and doing what they say, when they say.
@Suite struct SchemeTests {
    func scenario(_ schemes: String, horizon: Int = 120) throws -> Scenario {
        let text = Fixtures.small.replacingOccurrences(
            of: "name: \"small\",", with: "name: \"small\", schemes: \(schemes),"
        )
        .replacingOccurrences(of: "horizonDays: 120", with: "horizonDays: \(horizon)")
        return try ScenarioLoader.load(text: text, file: "s.json5").scenario
    }

    func events(_ s: Scenario, seed: UInt64 = 3) -> [Event] {
        var sim = Simulation(scenario: s, seed: seed, replication: 0, sink: EventCollector())
        sim.run()
        return sim.sink.events
    }

    @Test func schemesAreValidatedWithFieldPaths() {
        do {
            _ = try scenario(
                "{ x: { start: '2021-04-01', effects: { capacity: { bedz: 3 }, conveyance: { older: -1 }, hours: { beds: '24/7' } } } }"
            )
            Issue.record("expected errors")
        } catch {
            #expect(
                (error as? ScenarioError)?.issues.map(\.description) == [
                    "s.json5: schemes.x.effects.capacity.bedz: refers to unknown service 'bedz' (known: acute, rapidResponse, reablement, beds, careHome, homeCare)",
                    "s.json5: schemes.x.effects.conveyance.older: must be >= 0, got -1",
                    "s.json5: schemes.x.effects.hours.beds: applies to services of kind crisisResponse, and 'beds' is bedBased",
                ])
        }
    }

    @Test func capacityChangesPhaseInOverTheRampUp() throws {
        // origin 2021-01-30 (30 days of warm-up before 2021-03-01); +4 beds from 2021-04-10 over 8 days.
        let s = try scenario("{ more: { start: '2021-04-10', rampUpDays: 8, effects: { capacity: { beds: 4 } } } }")
        let beds = try #require(s.serviceIndex(named: "beds"))
        let caps = events(s).filter { $0.kind == .capacity && Int($0.service) == beds }.map { ($0.time, $0.detail) }
        let start = Double(CivilDate(iso: "2021-04-10")!.daysSinceEpoch - s.origin.daysSinceEpoch)
        #expect(caps.first?.1 == 4)
        #expect(caps.dropFirst().map(\.1) == [5, 6, 7, 8])
        #expect(caps.dropFirst().map(\.0) == [start + 2, start + 4, start + 6, start + 8])
    }

    @Test func conveyanceFactorTakesEffectFromTheStart() throws {
        // No conveyance for 'older' from 2021-03-31 (factor 0, no ramp). A failed crisis response
        // still ends in admission (MODEL.md: "on failure the patient is admitted after a delay"),
        // so conveyances straight from crisis response are left out.
        let s = try scenario("{ home: { start: '2021-03-31', effects: { conveyance: { older: 0 } } } }")
        let older = try #require(s.cohortIndex(named: "older"))
        let start = Double(CivilDate(iso: "2021-03-31")!.daysSinceEpoch - s.origin.daysSinceEpoch)
        let log = events(s)
        var fromCrisisResponse = Set<UInt64>()
        for (i, e) in log.enumerated() where e.kind == .conveyance && i > 0 {
            let previous = log[i - 1]
            if previous.kind == .leave && previous.patient == e.patient && Int(previous.detail) == s.acute {
                fromCrisisResponse.insert(e.sequence)
            }
        }
        let conveyed = log.filter {
            $0.kind == .conveyance && Int($0.cohort) == older && !fromCrisisResponse.contains($0.sequence)
        }.map(\.time)
        #expect(conveyed.contains { $0 < start })
        #expect(!conveyed.contains { $0 >= start })
        #expect(!fromCrisisResponse.isEmpty)
    }

    @Test func sevenDayDischargeSwitchesOnAtTheStart() throws {
        let s = try scenario(
            "{ sevenDay: { start: '2021-04-15', effects: { sevenDayDischarge: true } } }", horizon: 200)
        let start = Double(CivilDate(iso: "2021-04-15")!.daysSinceEpoch - s.origin.daysSinceEpoch)
        let weekendTransfers = events(s).filter { e in
            guard e.kind == .leave, Int(e.service) == s.acute, e.detail >= 0 else { return false }
            return s.origin.adding(days: Int(e.time)).isoWeekday >= 6
        }.map(\.time)
        #expect(!weekendTransfers.isEmpty)
        #expect(weekendTransfers.allSatisfy { $0 >= start })
    }

    @Test func lengthOfStayFactorScalesTheStays() throws {
        // The time from admission to medically optimised halves for admissions after the start.
        func meanTreatment(_ s: Scenario) -> Double {
            var admitted: [UInt32: Double] = [:]
            var total = 0.0
            var n = 0.0
            for e in events(s) {
                if e.kind == .enter && Int(e.service) == s.acute { admitted[e.patient] = e.time }
                if e.kind == .medicallyOptimised, let t = admitted.removeValue(forKey: e.patient), t > 0 {
                    total += e.time - t
                    n += 1
                }
            }
            return total / n
        }
        let base = try scenario("{ none: { start: '2030-01-01', effects: { lengthOfStay: { '*': 0.5 } } } }")
        let halved = try scenario("{ half: { start: '2021-01-30', effects: { lengthOfStay: { '*': 0.5 } } } }")
        let ratio = meanTreatment(halved) / meanTreatment(base)
        // Same patients' draws (common random numbers), so the ratio is close to 0.5; it is not
        // exactly 0.5 because who gets a bed (and so which stays are drawn) changes a little.
        #expect(abs(ratio - 0.5) < 0.05, "ratio \(ratio)")
    }

    @Test func schemeCostIsCountedInTheMeasuredWindow() throws {
        // One-off 1,000 on 2021-05-01 (inside the window) plus 36,525 a year for the 59 days from
        // then to the end of the window (2021-03-01 + 120 days = 2021-06-29, exclusive):
        // 1,000 + 36,525 x 59 / 365.25 = 6,900.
        let s = try scenario(
            "{ c: { start: '2021-05-01', cost: { oneOff: 1000, perYear: 36525 }, effects: { readmission: { '*': 0.5 } } } }"
        )
        let m = Runner.replicate(s, seed: 1, replication: 0)
        #expect(abs((m["schemeCost"] ?? 0) - 6900) < 1e-6)
        #expect(abs((m["schemeCostByScheme.c"] ?? 0) - 6900) < 1e-6)
        let services = s.services.map { m["costByService.\($0.name)"] ?? 0 }.reduce(0, +)
        #expect(abs((m["totalCost"] ?? 0) - services - 6900) < 1e-6)
    }

    @Test func theSchemesCommandEvaluatesEachAloneAndTogether() throws {
        let dir = Fixtures.temporaryDirectory()
        let text = Fixtures.small.replacingOccurrences(
            of: "name: \"small\",",
            with:
                "name: \"small\", schemes: { a: { start: '2021-03-01', cost: { perYear: 100000 }, effects: { conveyance: { older: 0.5 } } }, b: { start: '2021-03-01', effects: { capacity: { reablement: 4 } } } },"
        )
        try text.write(toFile: dir + "/plan.json5", atomically: true, encoding: .utf8)
        let c = CLITests.Captured()
        let status = HomewardCLI.main(
            ["schemes", dir + "/plan.json5", "--replications", "4", "--out", dir + "/out", "--quiet"],
            console: c.console)
        #expect(status == 0, "\(c.err)")
        let json = try JSON5.parse(String(contentsOfFile: dir + "/out/schemes.json", encoding: .utf8))
        let options = try #require(json.objectValue?["evaluation"]?.objectValue?["options"]?.arrayValue)
        #expect(options.compactMap { $0.objectValue?["name"]?.stringValue } == ["a", "b", "all schemes together"])
        // Halving conveyance of 'older' avoids admissions, and the interval says so.
        let a = try #require(options[0].objectValue?["measures"]?.objectValue?["nelsAvoided"]?.objectValue)
        #expect((a["ci95"]?.arrayValue?[0].numberValue ?? 0) > 0)
        #expect(c.out.contains("cost per NEL avoided"))
        // A scenario without schemes is bad input.
        #expect(
            HomewardCLI.main(["schemes", CLITests.smallPath, "--quiet"], console: CLITests.Captured().console) == 2)
    }
}
