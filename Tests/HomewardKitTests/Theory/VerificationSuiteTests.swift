import Foundation
import Testing

@testable import HomewardKit

/// The verification suite's pass rule, and the suite itself in quick mode.
@Suite struct VerificationSuiteTests {
    @Test func aCheckPassesOnlyWhenTheoryIsInsideTheWidenedInterval() {
        let values: [Double] = [9.8, 10.1, 10.0, 9.9, 10.2, 10.0]
        #expect(VerificationSuite.check("c", "m", 10.0, values).passed)
        #expect(!VerificationSuite.check("c", "m", 11.0, values).passed)  // a wrong theory is caught
        #expect(!VerificationSuite.check("c", "m", 10.0, [.nan]).passed)  // no interval: no pass
    }

    @Test func theQuickSuitePassesOnTheShippedCases() throws {
        let checks = try VerificationSuite.run(
            scenarios: Fixtures.repositoryRoot + "/Scenarios", full: false, threads: 2)
        #expect(checks.count >= 15)
        for c in checks where !c.passed {
            Issue.record(
                "\(c.caseName): \(c.measure): theory \(c.theory), simulated \(c.simulated.mean) [\(c.simulated.low), \(c.simulated.high)]"
            )
        }
        // Every kind of case is there.
        for name in ["Erlang B", "Erlang C", "M/G/infinity", "Markov chain", "Little's law", "Conservation"] {
            #expect(checks.contains { $0.caseName.contains(name) }, "\(name) missing")
        }
    }
}
