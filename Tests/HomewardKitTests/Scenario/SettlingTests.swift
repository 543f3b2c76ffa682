import Foundation
import Testing

@testable import HomewardKit

/// The warm-up note for services that start empty with long stays (`Scenario.slowToSettle`),
/// and the equilibrium distribution it rests on.
///
/// An M/G/∞ service started empty holds at time t the share F_e(t) = ∫_0^t P(S > u) du / E[S]
/// of its stationary mean. Exact values: exponential stays of mean m give 1 − e^(−t/m) and
/// reach 95% at m·ln 20; fixed stays L give t/L up to L.
@Suite struct SettlingTests {
    @Test func equilibriumDistributionHasItsExactValues() {
        // Gamma with shape 1 is the exponential, computed by Simpson's rule instead of the
        // closed form.
        let m = 730.5
        for t in [1.0, 30, 120, 365, 2000, 5000] {
            let exact = 1 - exp(-t / m)
            #expect(abs(Distribution.exponential(mean: m).equilibriumCDF(at: t) - exact) < 1e-12)
            #expect(abs(Distribution.gamma(shape: 1, scale: m).equilibriumCDF(at: t) - exact) < 1e-6, "t \(t)")
        }
        for t in [0.5, 2.5, 7.5, 10] {
            // A point mass puts a step in the survival function: Simpson's error is of order
            // one step (1/2,000 of the range) there.
            #expect(abs(Distribution.fixed(10).equilibriumCDF(at: t) - t / 10) < 5e-4, "t \(t)")
        }
        #expect(abs(Distribution.fixed(10).equilibriumCDF(at: 12) - 1) < 5e-4)
        #expect(Distribution.fixed(10).equilibriumCDF(at: 0) == 0)
        #expect(abs(Distribution.exponential(mean: m).equilibriumQuantile(0.95) - m * log(20)) < 1e-9)
        #expect(abs(Distribution.gamma(shape: 1, scale: m).equilibriumQuantile(0.95) - m * log(20)) < 0.5)
        #expect(abs(Distribution.fixed(10).equilibriumQuantile(0.95) - 9.5) < 0.01)
    }

    static func scenario(residents: Int, warmup: Int, census: String = "") throws -> Scenario {
        try TheorySupport.scenario(
            """
            { name: "settling", start: "2020-01-06", horizonDays: 365, warmupDays: \(warmup), replications: 1, seed: 5,
              population: { bands: { "65-84": { people: 100000 } } },
              cohorts: { older: { band: "65-84", crises: { perYear: 3000 }, lengthOfStayDays: { fixed: 3 }, pathways: { "2": 0.9, "3": 0.1 } } },
              services: {
                acute: { kind: "acute", capacity: 10000 },
                homecare: { kind: "homeCare", capacity: 1000, durationDays: { exponential: { mean: 180 } } },
                homes: { kind: "careHome", capacity: 500, initialResidents: \(residents), annualMortality: 0.5, residentCohort: "older" },
              },
              pathways: { "2": { service: "homecare" }, "3": { service: "homes" } },
              \(census) }
            """, file: "settling.json5")
    }

    /// Home care (exponential, mean 180 days) after a 120-day warm-up holds 1 − e^(−120/180) =
    /// 48.7% and needs 180·ln 20 = 539.2 days; the care home (mortality 0.5 a year: mean stay
    /// 730.5 days) holds 1 − e^(−120/730.5) = 15.1% and needs 730.5·ln 20 = 2,188.4 days.
    @Test func servicesStartedEmptyWithLongStaysAreNoted() throws {
        let notes = try Self.scenario(residents: 0, warmup: 120).slowToSettle(file: "settling.json5")
        #expect(notes.map(\.path) == ["services.homecare", "services.homes"])
        #expect(
            notes.first?.description
                == "settling.json5: services.homecare: starts empty and its stays average 180 days: even with places to spare it would hold only 48% of its settled occupancy after the 120-day warm-up (95% after 540 days; a full service with a queue takes longer); start it from a census or set warmupDays to at least 540"
        )
        #expect(notes.last?.message.contains("only 15% of its settled occupancy") == true)
        #expect(notes.last?.message.contains("95% after 2189 days") == true)
        #expect(notes.last?.message.contains("start it from initialResidents") == true)
    }

    @Test func aLongEnoughWarmUpOrAStartingStateIsNotNoted() throws {
        // 540 days reach 95% for home care (539.2 needed) but not the care home.
        #expect(try Self.scenario(residents: 0, warmup: 540).slowToSettle(file: "x").map(\.path) == ["services.homes"])
        #expect(try Self.scenario(residents: 0, warmup: 2189).slowToSettle(file: "x").isEmpty)
        let started = try Self.scenario(
            residents: 400, warmup: 120, census: "census: { homecare: [{ cohort: \"older\", patients: 100 }] },")
        #expect(started.slowToSettle(file: "x").isEmpty)
    }

    /// Every shipped scenario starts its slow services from a census or `initialResidents`.
    @Test func shippedScenariosAreNotNoted() throws {
        let folder = TheorySupport.repositoryRoot() + "/Scenarios"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json5") }
        #expect(files.count >= 5)
        for file in files {
            let loaded = try ScenarioLoader.load(path: folder + "/" + file)
            #expect(loaded.scenario.slowToSettle(file: file).isEmpty, "\(file)")
        }
    }
}
