import Foundation
import HomewardKit

@testable import HomewardCLI

/// Paths and small scenarios shared by the tests (found relative to this file, so the tests
/// run from any directory).
enum Fixtures {
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var baselinePath: String { repositoryRoot + "/Scenarios/baseline.json5" }
    static var variantPath: String { repositoryRoot + "/Scenarios/baseline-more-reablement.json5" }

    static func baseline() throws -> LoadedScenario { try ScenarioLoader.load(path: baselinePath) }

    /// A fresh temporary directory.
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "homeward-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A small but complete scenario (every service kind), quick to run.
    static let small = """
        {
          name: "small", start: "2021-03-01", horizonDays: 120, warmupDays: 30, replications: 4, seed: 11,
          population: { bands: { "18-64": { people: 50000 }, "65-84": { people: 12000, annualGrowth: 0.02 }, "85+": { people: 2000 } } },
          cohorts: {
            adults: { band: "18-64", crises: { perThousandPerYear: 60 }, lengthOfStayDays: { lognormal: { mean: 3, sd: 3 } }, pathways: { "1": 1 } },
            older: { band: "65-84", crises: { perThousandPerYear: 250 }, lengthOfStayDays: { gamma: { mean: 7, sd: 5 } },
                     inHospitalMortality: 0.04, pathways: { "1": 0.6, "2": 0.2, "3": 0.1, "5": 0.1 },
                     readmission: { within30Days: 0.1, within91Days: 0.2 } },
            residents: { band: "85+", crises: { perResidentPerYear: 0.8 }, lengthOfStayDays: { exponential: { mean: 6 } }, pathways: { "1": 1 } },
          },
          services: {
            acute: { kind: "acute", capacity: { base: 40, changes: [{ from: "2021-04-10", to: "2021-05-10", capacity: 44 }] }, costPerDay: 400, divertAfterHours: 8 },
            rapidResponse: { kind: "crisisResponse", capacity: 2, hours: { from: 8, to: 20, days: "all" },
                             eligibility: { older: 0.3, residents: 0.2 }, durationDays: { fixed: 1 }, successRate: 0.7 },
            reablement: { kind: "homeReablement", capacity: 8, durationDays: { exponential: { mean: 20 } },
                          outcomes: { independent: 0.6, homeCare: { probability: 0.25, service: "homeCare" },
                                      careHome: { probability: 0.05, service: "careHome" }, readmitted: 0.05, died: 0.05 } },
            beds: { kind: "bedBased", capacity: 4, durationDays: { uniform: { min: 10, max: 20 } },
                    outcomes: { independent: 0.7, careHome: { probability: 0.3, service: "careHome" } } },
            careHome: { kind: "careHome", capacity: 120, initialResidents: 110, annualMortality: 0.35,
                        communityAdmissionsPerYear: 10, residentCohort: "residents", costPerWeek: 700 },
            homeCare: { kind: "homeCare", capacity: 20, durationDays: { exponential: { mean: 60 } }, costPerWeek: 150 },
          },
          pathways: {
            "1": { service: null },
            "2": { service: "reablement", assessment: { workingHours: { fixed: 6 }, responsible: "socialCare" },
                   equipment: { probability: 0.2, days: { fixed: 2 } } },
            "3": { service: "beds", assessment: { workingHours: { fixed: 8 } } },
            "5": { service: "careHome", assessment: { workingHours: { fixed: 12 } } },
          },
        }
        """

    static func smallScenario() throws -> Scenario {
        try ScenarioLoader.load(text: small, file: "small.json5").scenario
    }
}

/// Collects every event (for tests that inspect the log).
struct EventCollector: EventSink {
    var events: [Event] = []
    mutating func append(_ event: Event) { events.append(event) }
}

/// A console whose output and errors are kept for the test to read (thread-safe: progress and
/// results may be written from worker threads). Not a terminal, no colour.
final class CapturedConsole: @unchecked Sendable {
    var out = ""
    var err = ""
    let lock = NSLock()
    var console: Console {
        Console(
            out: { s in
                self.lock.lock()
                self.out += s
                self.lock.unlock()
            },
            err: { s in
                self.lock.lock()
                self.err += s
                self.lock.unlock()
            }, interactive: false, color: false)
    }
}
