import Foundation
import Testing

@testable import HomewardCLI
@testable import HomewardKit

/// Overload warnings at the command line: the line under `check`'s table, the exit status with
/// and without `--fail-on-warnings`, and `merge` carrying the scenario's thresholds.
@Suite("Overload warnings from the command line")
struct WarningCommandTests {
    /// The unstable M/M/c of `OverloadWarningsTests` (rho = 1.2) with a target it meets, and
    /// the offered-load threshold raised to twice the capacity, so that only the growing queue
    /// and the ED wait are flagged.
    static let scenario = """
        { name: "overloaded", start: "2020-01-06", horizonDays: 120, warmupDays: 10, replications: 2, seed: 3,
          population: { bands: { "18-64": { people: 100000 } } },
          working: { simpleDischargeHours: { from: 0, to: 24, days: "all" } },
          cohorts: { all: { band: "18-64", crises: { perYear: 4383 }, lengthOfStayDays: { exponential: { mean: 1 } }, pathways: { "1": 1 } } },
          services: { acute: { kind: "acute", capacity: 10 } },
          pathways: { "1": { service: null } },
          targets: [{ metric: "nelAdmissions", atLeast: 1 }],
          warnings: { offeredLoad: 2 } }
        """

    @Test func checkPrintsWarningsAndFailsOnlyWhenAsked() throws {
        let dir = Fixtures.temporaryDirectory()
        let file = dir + "/overloaded.json5"
        try Self.scenario.write(toFile: file, atomically: true, encoding: .utf8)
        let quiet = CapturedConsole()
        #expect(HomewardCLI.main(["check", file, "--out", dir + "/a", "--quiet"], console: quiet.console) == 0)
        #expect(quiet.out.contains("warning: overload: acute: the queue grows by"))
        #expect(!quiet.out.contains("offered load"), "the scenario's threshold (2 x capacity) holds")
        #expect(quiet.out.contains("overload warnings in 1 scenario"))
        let strict = CapturedConsole()
        #expect(
            HomewardCLI.main(
                ["check", file, "--out", dir + "/b", "--quiet", "--fail-on-warnings"], console: strict.console) == 1)
        #expect(strict.out.contains("which fails the check (--fail-on-warnings)"))
    }

    /// A sweep that cuts a service's capacity below its census runs every point (a census above
    /// the capacity used to reject the whole sweep).
    @Test func aSweepMayCutCapacityBelowTheCensus() throws {
        let dir = Fixtures.temporaryDirectory()
        let file = dir + "/census.json5"
        let text = Fixtures.small.replacingOccurrences(
            of: "pathways: {\n    \"1\": { service: null },",
            with:
                "census: { beds: [{ cohort: \"older\", patients: 9 }] },\n  pathways: {\n    \"1\": { service: null },")
        #expect(text != Fixtures.small)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let c = CapturedConsole()
        #expect(
            HomewardCLI.main(
                [
                    "sweep", file, "--vary", "services.beds.capacity=2..6:2", "--replications", "2", "--out",
                    dir + "/sweep", "--quiet",
                ], console: c.console) == 0, "\(c.err)")
        #expect(c.out.contains("Results written to"))
    }

    @Test func mergedShardsCarryTheWarnings() throws {
        let dir = Fixtures.temporaryDirectory()
        let file = dir + "/overloaded.json5"
        try Self.scenario.write(toFile: file, atomically: true, encoding: .utf8)
        for i in 0..<2 {
            let c = CapturedConsole()
            #expect(
                HomewardCLI.main(
                    ["run", file, "--replications", "4", "--shard", "\(i)/2", "--out", dir + "/s\(i)", "--quiet"],
                    console: c.console) == 0)
        }
        let m = CapturedConsole()
        #expect(
            HomewardCLI.main(["merge", dir + "/s0", dir + "/s1", "--out", dir + "/all", "--quiet"], console: m.console)
                == 0)
        #expect(m.out.contains("warning: overload:"))
        let merged = try JSON5.parse(String(contentsOfFile: dir + "/all/summary.json", encoding: .utf8))
        let kinds = (merged.objectValue?["warnings"]?.arrayValue ?? []).compactMap {
            $0.objectValue?["kind"]?.stringValue
        }
        #expect(kinds == ["growingQueue", "edWait"])
        // The same as one run of the four replications.
        let whole = CapturedConsole()
        #expect(
            HomewardCLI.main(
                ["run", file, "--replications", "4", "--out", dir + "/one", "--quiet"], console: whole.console) == 0)
        let one = try JSON5.parse(String(contentsOfFile: dir + "/one/summary.json", encoding: .utf8))
        #expect(one.objectValue?["warnings"] == merged.objectValue?["warnings"])
    }
}
