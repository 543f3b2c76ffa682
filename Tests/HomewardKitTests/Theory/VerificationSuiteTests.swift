import Foundation
import Testing

@testable import HomewardCLI
@testable import HomewardKit

/// The verification suite's pass rule, and the suite itself in quick mode.
@Suite struct VerificationSuiteTests {
    @Test func aCheckPassesOnlyWhenTheoryIsInsideTheWidenedInterval() {
        let values: [Double] = [9.8, 10.1, 10.0, 9.9, 10.2, 10.0]
        #expect(VerificationSuite.check("c", "m", 10.0, values).passed)
        #expect(!VerificationSuite.check("c", "m", 11.0, values).passed)  // a wrong theory is caught
        #expect(!VerificationSuite.check("c", "m", 10.0, [.nan]).passed)  // no interval: no pass
    }

    /// The table fits in 100 columns however long the names, and loses nothing: every word of
    /// every case, measure and note is there, with the numbers and the verdict.
    @Test func theTableFitsInAHundredColumnsWithEverythingInIt() {
        let long = "violations (two places at once, occupancy below 0 or above capacity, leave without enter)"
        let checks = [
            VerificationSuite.Check(
                caseName: "Verification: acute-to-reablement network with blocking (Markov chain)", measure: long,
                theory: 12345.678, simulated: ConfidenceInterval(values: [12000, 12500, 12900]), passed: false,
                note: "gap 4.2% (at most 5%: edge effects of a finite window) " + long),
            VerificationSuite.Check(
                caseName: "Little's law on the baseline", measure: "reablement: L vs lambda x W", theory: 0.5,
                simulated: ConfidenceInterval(values: [0.49, 0.51]), passed: true, note: ""),
        ]
        let text = VerifyCommand.table(checks, full: false, color: false)
        let lines = text.split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= VerifyCommand.width }, "\(lines.map(\.count))")
        let words = Set(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
        for check in checks {
            for word in (check.caseName + " " + check.measure + " " + check.note).split(separator: " ") {
                #expect(words.contains(String(word)), "\(word) is missing")
            }
        }
        #expect(text.contains("12,346"))
        #expect(text.contains("FAIL"))
        #expect(text.contains("PASS"))
        #expect(lines.contains { $0.hasPrefix("* violations (two places") })  // the failure is marked
    }

    /// Through the command users run (`homeward verify --quick`), so that its table, its CSV
    /// and its exit code are checked with the suite. The fast suite runs the shipped cases with
    /// 4 replications instead of 10 (a copy of Scenarios/ with only that changed): every case,
    /// measure and code path, with wider intervals. CI runs the real quick mode on the release
    /// binary, and the slow tier runs it here.
    @Test func theQuickSuitePassesOnTheShippedCases() throws {
        let copy = Fixtures.temporaryDirectory() + "/Scenarios"
        try FileManager.default.copyItem(atPath: Fixtures.repositoryRoot + "/Scenarios", toPath: copy)
        let dir = copy + "/verification"
        var changed = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: dir) where file.hasSuffix(".json5") {
            let text = try String(contentsOfFile: dir + "/" + file, encoding: .utf8)
            let fewer = text.replacingOccurrences(of: "replications: 10,", with: "replications: 4,")
            if fewer != text { changed += 1 }
            try fewer.write(toFile: dir + "/" + file, atomically: true, encoding: .utf8)
        }
        #expect(changed >= 4, "the verification scenarios no longer say 'replications: 10,'")
        try checkQuickSuite(scenarios: copy)
    }

    func checkQuickSuite(scenarios: String) throws {
        let csvPath = Fixtures.temporaryDirectory() + "/verify.csv"
        let captured = CapturedConsole()
        let status = HomewardCLI.main(
            [
                "verify", "--quick", "--scenarios", scenarios, "--threads", "2",
                "--csv", csvPath, "--quiet",
            ],
            console: captured.console)
        let rows = CSVText.rows(try String(contentsOfFile: csvPath, encoding: .utf8)).dropFirst().filter {
            $0.count == 8
        }
        #expect(rows.count >= 15)
        for row in rows where row[6] != "yes" {
            Issue.record("\(row[0]): \(row[1]): theory \(row[2]), simulated \(row[3]) [\(row[4]), \(row[5])] \(row[7])")
        }
        #expect(status == 0, "\(captured.err)")
        #expect(captured.out.contains("Verification (quick mode)"))
        #expect(captured.out.hasSuffix("verify: \(rows.count) passed, 0 failed\n"))
        let widest = captured.out.split(separator: "\n").map(\.count).max() ?? 0
        #expect(widest <= VerifyCommand.width, "the table is \(widest) characters wide")
        // Every kind of case is there.
        for name in ["Erlang B", "Erlang C", "M/G/infinity", "Markov chain", "Little's law", "Conservation"] {
            #expect(rows.contains { $0[0].contains(name) }, "\(name) missing")
        }
    }

    @Suite(.slowTier, .tags(.slow)) struct SlowTier {
        /// The real quick mode, on the shipped files as they are.
        @Test func theQuickSuitePassesOnTheShippedCasesAsShipped() throws {
            try VerificationSuiteTests().checkQuickSuite(scenarios: Fixtures.repositoryRoot + "/Scenarios")
        }
    }
}
