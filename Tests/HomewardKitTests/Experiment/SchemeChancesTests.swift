import Foundation
import HomewardKit
import Testing

@testable import HomewardCLI

/// Schemes under uncertainty: the chance of reaching the plan's figure and of saving more than
/// the scheme costs, with the exact interval of each share.
@Suite struct SchemeChancesTests {
    @Test func aPlanFigureIsAChanceOfReachingIt() throws {
        let dir = Fixtures.temporaryDirectory()
        let text = Fixtures.small.replacingOccurrences(
            of: "name: \"small\",",
            with:
                "name: \"small\", schemes: { a: { start: '2021-03-01', cost: { perYear: 1000 }, plan: { nelsAvoided: 300, source: 'test' }, effects: { conveyance: { older: { uncertain: 'uniform', min: 0.4, max: 0.9 } } } } },"
        )
        try text.write(toFile: dir + "/plan.json5", atomically: true, encoding: .utf8)
        let c = CLITests.Captured()
        let status = HomewardCLI.main(
            ["schemes", dir + "/plan.json5", "--replications", "12", "--out", dir + "/out", "--quiet"],
            console: c.console)
        #expect(status == 0, "\(c.err)")
        let json = try JSON5.parse(String(contentsOfFile: dir + "/out/schemes.json", encoding: .utf8))
        let option = try #require(
            json.objectValue?["evaluation"]?.objectValue?["options"]?.arrayValue?.first?.objectValue)
        let chances = try #require(option["chances"]?.objectValue)
        let reach = try #require(chances["reachesPlan.nelsAvoided"]?.objectValue)
        // Recomputed from the two options' own per-replication NELs (common random numbers:
        // replication r of each uses the same draws).
        func nels(_ folder: String) throws -> [Double] {
            let s = try JSON5.parse(String(contentsOfFile: dir + "/out/\(folder)/summary.json", encoding: .utf8))
            let values = s.objectValue?["metrics"]?.objectValue?["nelAdmissions"]?.objectValue?["values"]?.arrayValue
            return (values ?? []).compactMap(\.numberValue)
        }
        let base = try nels("without-schemes")
        let withA = try nels("a")
        #expect(base.count == 12 && withA.count == 12)
        let avoided = zip(base, withA).map { $0 - $1 }
        let expected = ShareInterval(successes: avoided.filter { $0 >= 300 }.count, count: 12, level: 0.95)
        #expect(reach["probability"]?.numberValue == expected.share)
        #expect(reach["plan"]?.numberValue == 300)
        #expect(reach["interval95"]?.arrayValue?.compactMap(\.numberValue) == [expected.low, expected.high])
        // The effect is uncertain, so the avoided NELs vary by more than chance alone would give:
        // at least both sides of the plan occur.
        #expect(expected.share > 0 && expected.share < 1, "avoided: \(avoided)")
        #expect(chances["savesMoreThanItCosts"]?.objectValue?["probability"]?.numberValue != nil)
        #expect(c.out.contains("chance that NELs avoided reach the plan's 300"))
        let csv = try String(contentsOfFile: dir + "/out/schemes.csv", encoding: .utf8)
        #expect(csv.contains("a,reachesPlan.nelsAvoided,probability,"))
    }

    @Test func aPlanNamesOnlySavings() throws {
        let text = Fixtures.small.replacingOccurrences(
            of: "name: \"small\",",
            with:
                "name: \"small\", schemes: { a: { start: '2021-03-01', plan: { nelAvoided: 4 }, effects: { conveyance: { older: 0.5 } } } },"
        )
        do throws(ScenarioError) {
            _ = try ScenarioLoader.load(text: text, file: "p.json5")
            Issue.record("a misspelt plan measure must be refused")
        } catch {
            #expect(error.issues.first?.path == "schemes.a.plan.nelAvoided")
            #expect(error.issues.first?.message.contains("nelsAvoided") == true)
        }
    }
}
