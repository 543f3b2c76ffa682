import Foundation
import HomewardKit
import Testing

@testable import HomewardCLI

/// A run with uncertain inputs: its files and report say where the spread comes from.
@Suite struct UncertaintyReportTests {
    @Test func aRunWithRangesWritesItsInputsSensitivityAndTornado() throws {
        let dir = Fixtures.temporaryDirectory()
        let text = Fixtures.small.replacingOccurrences(
            of: "costPerDay: 400", with: "costPerDay: { uncertain: 'triangular', min: 300, mode: 400, max: 600 }")
        try text.write(toFile: dir + "/u.json5", atomically: true, encoding: .utf8)
        let c = CLITests.Captured()
        let status = HomewardCLI.main(
            [
                "run", dir + "/u.json5", "--replications", "14", "--out", dir + "/out", "--html", dir + "/r.html",
                "--threads", "2",
            ], console: c.console)
        #expect(status == 0, "\(c.err)")
        #expect(c.out.contains("Uncertain inputs: 1, each drawn once per replication"))
        #expect(c.out.contains("totalCost:"))
        let summary = try JSON5.parse(String(contentsOfFile: dir + "/out/summary.json", encoding: .utf8))
        let u = try #require(summary.objectValue?["uncertainty"]?.objectValue)
        #expect(u["inputs"]?.arrayValue?.count == 1)
        #expect(summary.objectValue?["manifest"]?.objectValue?["uncertainInputs"]?.arrayValue?.count == 1)
        let sensitivity = try String(contentsOfFile: dir + "/out/sensitivity.csv", encoding: .utf8)
        #expect(sensitivity.contains("totalCost,GBP,services.acute.costPerDay,\"triangular 300, 400, 600\""))
        let inputs = try String(contentsOfFile: dir + "/out/inputs.csv", encoding: .utf8)
        #expect(inputs.split(whereSeparator: \.isNewline).count == 15)
        let html = try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
        #expect(html.contains("Where the spread comes from"))
        #expect(html.contains("fig-tornado-2-title"), "total cost gets a tornado chart")
        #expect(html.contains("services.acute.costPerDay"))
        // The report command rebuilds the same section from the folder.
        let again = CLITests.Captured()
        #expect(HomewardCLI.main(["report", dir + "/out", "--html", dir + "/again.html"], console: again.console) == 0)
        #expect(try String(contentsOfFile: dir + "/again.html", encoding: .utf8).contains("fig-tornado-2"))
    }

    @Test func tooFewReplicationsAreSaidNotHidden() throws {
        let dir = Fixtures.temporaryDirectory()
        let text = Fixtures.small.replacingOccurrences(
            of: "costPerDay: 400", with: "costPerDay: { uncertain: 'uniform', min: 300, max: 500 }")
        try text.write(toFile: dir + "/u.json5", atomically: true, encoding: .utf8)
        let c = CLITests.Captured()
        let status = HomewardCLI.main(
            ["run", dir + "/u.json5", "--replications", "3", "--out", dir + "/out", "--html", dir + "/r.html"],
            console: c.console)
        #expect(status == 0, "\(c.err)")
        #expect(c.out.contains("needs at least 12 replications"))
        let html = try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
        #expect(html.contains("Not split: the split of the spread needs at least 12 replications"))
    }
}
