import Foundation
import HomewardKit
import Testing

/// `homeward check`: targets judged, JUnit written, exit codes 0 / 1 / 2.
@Suite struct CheckTests {
    func scenario(targets: String) throws -> String {
        let dir = Fixtures.temporaryDirectory()
        let text = Fixtures.small.replacingOccurrences(
            of: "name: \"small\",", with: "name: \"small\", targets: \(targets),")
        try text.write(toFile: dir + "/plan.json5", atomically: true, encoding: .utf8)
        return dir + "/plan.json5"
    }

    func check(_ args: [String]) -> (Int32, String, String) {
        let c = CLITests.Captured()
        let status = HomewardCLI.main(["check"] + args, console: c.console)
        return (status, c.out, c.err)
    }

    @Test func allTargetsMetExitsZero() throws {
        let file = try scenario(
            targets: "[{ metric: 'nelAdmissions', atLeast: 1 }, { metric: 'diversions', atMost: 1e9, confidence: 0.9 }]"
        )
        let dir = Fixtures.temporaryDirectory()
        let (status, out, err) = check([
            file, "--replications", "3", "--out", dir, "--junit", dir + "/junit.xml", "--quiet",
        ])
        #expect(status == 0, "\(err)")
        #expect(out.contains("check: 2 of 2 targets met in 1 scenario"))
        let xml = try String(contentsOfFile: dir + "/junit.xml", encoding: .utf8)
        #expect(xml.contains("<testsuites name=\"homeward check\" tests=\"2\" failures=\"0\">"))
        #expect(!xml.contains("<failure"))
    }

    @Test func aMissedTargetExitsOneAndFailsInJUnit() throws {
        let file = try scenario(
            targets:
                "[{ metric: 'nelAdmissions', atMost: 1, name: 'NELs under one' }, { metric: 'crises', atLeast: 1 }]")
        let dir = Fixtures.temporaryDirectory()
        let (status, out, _) = check([
            file, "--replications", "3", "--out", dir, "--junit", dir + "/junit.xml", "--quiet",
        ])
        #expect(status == 1)
        #expect(out.contains("MISSED"))
        #expect(out.contains("check: 1 of 2 targets met"))
        let xml = try String(contentsOfFile: dir + "/junit.xml", encoding: .utf8)
        #expect(xml.contains("tests=\"2\" failures=\"1\""))
        #expect(xml.contains("<testcase classname=\"\(file)\" name=\"NELs under one\""))
        #expect(xml.contains("<failure message=\"nelAdmissions = "))
    }

    @Test func confidenceCountsReplicationsWithinTheBound() {
        let t = Target(name: "t", metric: "m", bound: .atMost, value: 10, confidence: 0.9)
        #expect(t.judge([1, 2, 3, 4, 5, 6, 7, 8, 9, 11]).met)  // 9 of 10
        #expect(!t.judge([1, 2, 3, 4, 5, 6, 7, 8, 11, 11]).met)  // 8 of 10
        let mean = Target(name: "t", metric: "m", bound: .atLeast, value: 5)
        #expect(mean.judge([4, 7]).met)
        #expect(!mean.judge([4, 5]).met)
    }

    @Test func anUnknownMetricIsBadInput() throws {
        let file = try scenario(targets: "[{ metric: 'delayedBedDayz', atMost: 3 }]")
        let (status, _, err) = check([file, "--quiet"])
        #expect(status == 2)
        #expect(
            err.contains("targets[0].metric: unknown metric 'delayedBedDayz' (did you mean 'delayedBedDays'"), "\(err)")
    }

    @Test func resumeReusesFinishedScenarios() throws {
        let file = try scenario(targets: "[{ metric: 'nelAdmissions', atLeast: 1 }]")
        let dir = Fixtures.temporaryDirectory()
        #expect(check([file, "--replications", "2", "--out", dir, "--quiet"]).0 == 0)
        let (status, _, err) = check([file, "--replications", "2", "--out", dir, "--quiet", "--resume"])
        #expect(status == 0)
        #expect(err.contains("reusing 2 finished replications"))
        // A different seed is a different run: nothing is reused.
        #expect(
            !check([file, "--replications", "2", "--seed", "9", "--out", dir, "--quiet", "--resume"]).2.contains(
                "reusing"))
    }
}
