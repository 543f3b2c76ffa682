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

    /// Through the command users run (`homeward verify --quick`), so that its table, its CSV
    /// and its exit code are checked with the suite.
    @Test func theQuickSuitePassesOnTheShippedCases() throws {
        let csvPath = Fixtures.temporaryDirectory() + "/verify.csv"
        let captured = CapturedConsole()
        let status = HomewardCLI.main(
            [
                "verify", "--quick", "--scenarios", Fixtures.repositoryRoot + "/Scenarios", "--threads", "2",
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
        // Every kind of case is there.
        for name in ["Erlang B", "Erlang C", "M/G/infinity", "Markov chain", "Little's law", "Conservation"] {
            #expect(rows.contains { $0[0].contains(name) }, "\(name) missing")
        }
    }
}
