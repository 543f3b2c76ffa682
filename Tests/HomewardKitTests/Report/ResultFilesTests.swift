import Foundation
import Testing

@testable import HomewardKit

/// The result files that HomewardKit builds for the commands: each names its files as the
/// commands list them, and holds the manifest and the result it was given.
@Suite struct ResultFilesTests {
    @Test func compareFilesHoldTheManifestAndTheComparison() throws {
        let base = try ScenarioLoader.load(text: Fixtures.small, file: "base.json5")
        let variant = try ScenarioLoader.load(text: Fixtures.small, file: "variant.json5")
        let run = try Runner.run(base, options: RunOptions(replications: 2, seed: 7)).replications
        let comparison = Comparison(names: ["base", "variant"], runs: [run, run])
        let manifest = Comparison.manifest([base, variant], seed: 7, replications: 2)
        let files = comparison.files(manifest: manifest)
        #expect(files.map(\.name) == Comparison.fileNames)
        #expect(files[1].text == comparison.csv)
        #expect(files[0].text == comparison.document(manifest: manifest))
        #expect(files[0].text.hasSuffix("}\n"))
        let document = try #require(try JSON5.parse(files[0].text).objectValue)
        #expect(document.keys == ["manifest", "comparison"])
        #expect(document["comparison"] == comparison.json)
        let written = try #require(document["manifest"]?.objectValue)
        #expect(written["seed"]?.numberValue == 7)
        #expect(written["replications"]?.numberValue == 2)
        #expect(written["commonRandomNumbers"]?.boolValue == true)
        let scenarios = try #require(written["scenarios"]?.arrayValue)
        #expect(scenarios.compactMap { $0.objectValue?["file"]?.stringValue } == ["base.json5", "variant.json5"])
        #expect(scenarios.compactMap { $0.objectValue?["hash"]?.stringValue } == [base.hash, variant.hash])
    }

    @Test func checkCSVHasOneRowPerTargetOfEachScenario() {
        let most = Target(name: "few delays", metric: "delayedBedDays", bound: .atMost, value: 10, confidence: 0.9)
        let least = Target(name: "enough", metric: "nelAdmissions", bound: .atLeast, value: 5)
        let suites = [
            JUnitReport.Suite(name: "A", file: "a.json5", seconds: 1, verdicts: [most.judge([1, 2, 3])]),
            JUnitReport.Suite(name: "B, C", file: "b.json5", seconds: 1, verdicts: [least.judge([4, 5])]),
        ]
        let lines = CheckFiles.csv(suites).components(separatedBy: "\r\n")
        #expect(lines.count == 4)  // header and two rows, each ending in CRLF
        #expect(lines[0].hasPrefix("scenario_file,scenario,target,metric,bound,value,confidence,achieved_mean,"))
        #expect(
            lines[0].hasSuffix(
                ",share_within,met,verdict,share_low,share_high,judged_low,judged_high,judged_level,replications"))
        #expect(lines[1].hasPrefix("a.json5,A,few delays,delayedBedDays,\(most.bound.rawValue),10,0.9,2,"))
        // 3 of 3 within: the exact interval runs from 0.025^(1/3) = 0.292 to 1, so 90% is not shown.
        #expect(lines[1].contains(",1,no,undecided,0.2924017738"))
        #expect(lines[1].hasSuffix(",1,0.95,3"))
        // A name with a comma is quoted; a target without confidence leaves its column empty.
        #expect(lines[2].hasPrefix("b.json5,\"B, C\",enough,nelAdmissions,\(least.bound.rawValue),5,,4.5,"))
        #expect(lines[2].contains(",0.5,no,undecided,"))
        #expect(lines[2].hasSuffix(",0.95,2"))
        #expect(lines[3].isEmpty)
    }

    @Test func verificationCSVHasOneRowPerCheck() {
        let interval = ConfidenceInterval(values: [0.5, 0.7], level: VerificationSuite.level)
        let checks = [
            VerificationSuite.Check(
                caseName: "mm1", measure: "mean wait", theory: 0.6, simulated: interval, passed: true,
                note: "M/M/1, rho 0.5"),
            VerificationSuite.Check(
                caseName: "mmc", measure: "utilisation", theory: 0.9, simulated: interval, passed: false, note: ""),
        ]
        let lines = VerificationSuite.csv(checks).components(separatedBy: "\r\n")
        #expect(lines.count == 4)  // three rows, each ending in CRLF
        #expect(lines[3].isEmpty)
        #expect(lines[0] == "case,measure,theory,simulated_mean,ci99_low,ci99_high,passed,note")
        #expect(lines[1].hasPrefix("mm1,mean wait,0.6,0.6,"))
        #expect(lines[1].hasSuffix(",yes,\"M/M/1, rho 0.5\""))
        #expect(lines[2].hasPrefix("mmc,utilisation,0.9,0.6,"))
        #expect(lines[2].hasSuffix(",no,"))
    }
}
