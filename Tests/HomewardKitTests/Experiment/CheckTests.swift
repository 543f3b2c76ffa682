import Foundation
import HomewardKit
import Testing

@testable import HomewardCLI

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

    @Test func scenariosWithoutTargetsAreAnErrorNotAPass() throws {
        let dir = Fixtures.temporaryDirectory()
        let plain = dir + "/plain.json5"
        try Fixtures.small.write(toFile: plain, atomically: true, encoding: .utf8)
        let (status, out, err) = check([plain, "--replications", "2", "--out", dir + "/out", "--quiet"])
        #expect(status == 2)
        #expect(
            err
                == "homeward: \(plain): no targets to check; add a `targets` block (see docs/experiments.md, \"Targets and check\")\n"
        )
        #expect(out.isEmpty)
        // Nothing was run.
        #expect(!FileManager.default.fileExists(atPath: dir + "/out/plain"))
    }

    @Test func scenariosWithoutTargetsAreSkippedAndNamedWhenOthersHaveTargets() throws {
        let file = try scenario(targets: "[{ metric: 'nelAdmissions', atLeast: 1 }]")
        let dir = Fixtures.temporaryDirectory()
        let plain = dir + "/plain.json5"
        try Fixtures.small.write(toFile: plain, atomically: true, encoding: .utf8)
        let (status, out, err) = check([file, plain, "--replications", "2", "--out", dir + "/out", "--quiet"])
        #expect(status == 0, "\(err)")
        #expect(err.contains("\(plain): skipped: no targets to check\n"))
        // The small scenario diverts most NELs (its acute offered load is over three times its
        // beds): the warning is named but leaves the exit status alone.
        #expect(
            out.contains(
                "check: 1 of 1 targets met in 1 scenario; skipped 1 without targets: \(plain); overload warnings in 1 scenario\n"
            ))
        #expect(!FileManager.default.fileExists(atPath: dir + "/out/plain"))
    }

    /// A share is judged on its exact 95% interval: 9 of 10 within is not enough to tell (the
    /// interval runs from 55.5% to 99.7%), 100 of 100 is (from 96.4%, which is 0.025^(1/100)),
    /// and 50 of 100 is clearly short. A mean is judged on its 95% t interval.
    @Test func confidenceCountsReplicationsWithinTheBound() {
        let t = Target(name: "t", metric: "m", bound: .atMost, value: 10, confidence: 0.9)
        let nine = t.judge([1, 2, 3, 4, 5, 6, 7, 8, 9, 11])
        #expect(nine.outcome == .undecided)
        #expect(nine.share == 0.9)
        #expect(abs(nine.shareInterval.low - 0.554984) < 1e-6)
        #expect(!nine.met)
        #expect(nine.statement == "undecided (share 90%, interval 55.5% to 99.7%)")
        #expect(t.judge(Array(repeating: 1, count: 100)).outcome == .met)
        #expect(t.judge((0..<100).map { $0 < 50 ? 1 : 11 }).outcome == .missed)
        let mean = Target(name: "t", metric: "m", bound: .atLeast, value: 5)
        #expect(mean.judge([6, 7, 6, 7, 6, 7]).outcome == .met)
        #expect(mean.judge([3, 4, 3, 4, 3, 4]).outcome == .missed)
        #expect(mean.judge([4, 7]).outcome == .undecided)
        #expect(mean.judge([4, 7]).statement == "undecided (mean 5.50, interval -13.56 to 24.56)")
    }

    @Test func anUnknownMetricIsBadInput() throws {
        let file = try scenario(targets: "[{ metric: 'delayedBedDayz', atMost: 3 }]")
        let (status, _, err) = check([file, "--quiet"])
        #expect(status == 2)
        #expect(
            err.contains("targets[0].metric: unknown metric 'delayedBedDayz'; did you mean 'delayedBedDays'"), "\(err)")
    }

    @Test func resumeReusesFinishedScenarios() throws {
        let file = try scenario(targets: "[{ metric: 'nelAdmissions', atLeast: 1 }]")
        let dir = Fixtures.temporaryDirectory()
        #expect(check([file, "--replications", "2", "--out", dir, "--quiet"]).0 == 0)
        let (status, _, err) = check([file, "--replications", "2", "--out", dir, "--quiet", "--resume"])
        #expect(status == 0)
        // The target on the mean needs 4 replications to be clear (2 were asked for first).
        #expect(err.contains("reusing 4 finished replications"), "\(err)")
        // A different seed is a different run: nothing is reused.
        #expect(
            !check([file, "--replications", "2", "--seed", "9", "--out", dir, "--quiet", "--resume"]).2.contains(
                "reusing"))
    }

    /// A target the replications cannot decide before the cap is "undecided", counted as not met
    /// (exit 1), and says so in the table, the last line, check.csv and the JUnit file. 4 of 4
    /// within cannot show 90% (the exact interval starts at 0.025^(1/4) = 40%).
    @Test func anUndecidedTargetIsNotMet() throws {
        let file = try scenario(targets: "[{ metric: 'nelAdmissions', atLeast: 1, confidence: 0.9 }]")
        let dir = Fixtures.temporaryDirectory()
        let (status, out, err) = check([
            file, "--replications", "2", "--max-replications", "4", "--out", dir, "--junit", dir + "/junit.xml",
            "--quiet",
        ])
        #expect(status == 1, "\(err)")
        #expect(out.contains("UNDECIDED"))
        #expect(out.contains("undecided (share 100%, interval "), "\(out)")
        #expect(out.contains("after 4 replications: counted as not met\n"))
        #expect(
            out.contains(
                "check: 0 of 1 targets met in 1 scenario; 1 undecided, counted as not met; overload warnings in 1 scenario\n"
            ))
        let xml = try String(contentsOfFile: dir + "/junit.xml", encoding: .utf8)
        #expect(xml.contains("failures=\"1\""))
        #expect(xml.contains("<failure message=\"nelAdmissions = "))
        #expect(xml.contains("counted as not met"))
        let csv = try String(contentsOfFile: dir + "/check.csv", encoding: .utf8)
        #expect(csv.contains(",no,undecided,"))
        #expect(csv.hasSuffix(",4\r\n"))
    }

    /// A check stopped part-way (its saved replications a prefix of the whole) and resumed ends
    /// exactly as an uninterrupted one.
    @Test func resumeFromAPrefixEqualsTheUninterruptedCheck() throws {
        let file = try scenario(targets: "[{ metric: 'nelAdmissions', atLeast: 1 }]")
        let dir = Fixtures.temporaryDirectory()
        let args = [file, "--replications", "2", "--quiet", "--out", dir]
        #expect(check(args).0 == 0)
        let whole = try String(contentsOfFile: dir + "/check.csv", encoding: .utf8)
        let saved = dir + "/plan/replications.json"
        var partial = try PartialResult.load(saved)
        #expect(partial.replications.count == 4)
        partial.replications = Array(partial.replications.prefix(3))
        partial.totalReplications = 3
        try (partial.json.jsonText() + "\n").write(toFile: saved, atomically: true, encoding: .utf8)
        let resumed = check(args + ["--resume"])
        #expect(resumed.0 == 0)
        #expect(resumed.2.contains("reusing 3 finished replications"), "\(resumed.2)")
        #expect(try String(contentsOfFile: dir + "/check.csv", encoding: .utf8) == whole)
        #expect(try PartialResult.load(saved).replications.count == 4)
    }

    @Test func resumeRewritesTheSummaryFilesFromTheSavedReplications() throws {
        let file = try scenario(targets: "[{ metric: 'nelAdmissions', atLeast: 1 }]")
        let clean = Fixtures.temporaryDirectory()
        let stopped = Fixtures.temporaryDirectory()
        let args = [file, "--replications", "2", "--quiet"]
        #expect(check(args + ["--out", clean]).0 == 0)
        #expect(check(args + ["--out", stopped]).0 == 0)
        // As if stopped after replications.json was written: summary files missing or stale.
        let folder = stopped + "/plan"
        try FileManager.default.removeItem(atPath: folder + "/summary.json")
        try FileManager.default.removeItem(atPath: folder + "/monthly.csv")
        try "metric,mean\nnelAdmissions,1\n".write(toFile: folder + "/summary.csv", atomically: true, encoding: .utf8)
        let (status, _, err) = check(args + ["--out", stopped, "--resume"])
        #expect(status == 0, "\(err)")
        #expect(err.contains("reusing 4 finished replications"), "\(err)")
        for name in ["summary.csv", "monthly.csv"] {
            #expect(
                try String(contentsOfFile: clean + "/plan/" + name, encoding: .utf8)
                    == String(contentsOfFile: folder + "/" + name, encoding: .utf8), "\(name)")
        }
        func results(_ dir: String) throws -> String {
            let o = try #require(
                JSON5.parse(String(contentsOfFile: dir + "/summary.json", encoding: .utf8)).objectValue)
            let hash = o["manifest"]?.objectValue?["scenarioHash"]
            return [o["metrics"], o["monthly"], hash].map { $0?.jsonText() ?? "-" }.joined(separator: "\n")
        }
        #expect(try results(clean + "/plan") == results(folder))
    }

    @Test func resumeRecomputesReplicationsFromAnotherVersionOrEdited() throws {
        let file = try scenario(targets: "[{ metric: 'nelAdmissions', atLeast: 1 }]")
        let dir = Fixtures.temporaryDirectory()
        let args = [file, "--replications", "2", "--quiet", "--out", dir]
        #expect(check(args).0 == 0)
        let saved = dir + "/plan/replications.json"
        let original = try String(contentsOfFile: saved, encoding: .utf8)
        try PartialResultTests.edit(saved, reseal: true) { $0["homewardVersion"] = .string("0.0.9") }
        let other = check(args + ["--resume"])
        #expect(other.0 == 0)
        #expect(!other.2.contains("reusing"))
        #expect(
            other.2.contains(
                "\(saved): not reused (written by homeward 0.0.9; this is homeward \(Homeward.version)); recomputing"),
            "\(other.2)")
        #expect(try String(contentsOfFile: saved, encoding: .utf8) == original)
        try PartialResultTests.editMetrics(saved, reseal: false, only: 0) { m in
            PartialResultTests.setScalars(
                &m, PartialResultTests.scalars(m).map { $0.0 == "nelAdmissions" ? ($0.0, .number(0)) : $0 })
        }
        let edited = check(args + ["--resume"])
        #expect(edited.0 == 0)
        #expect(
            edited.2.contains("\(saved): not reused (checksum does not match its content (edited or damaged))"),
            "\(edited.2)")
        #expect(try String(contentsOfFile: saved, encoding: .utf8) == original)
    }

    /// A saved file edited in every replication alike and resealed (its checksum recomputed)
    /// passes every check within the file; the names this build computes for the scenario
    /// catch a metric renamed, dropped or added, so the wrong values are never reused.
    @Test func resumeRecomputesResealedFilesWhoseMetricsThisBuildDoesNotCompute() throws {
        let file = try scenario(targets: "[{ metric: 'nelAdmissions', atLeast: 1 }]")
        let dir = Fixtures.temporaryDirectory()
        let args = [file, "--replications", "2", "--quiet", "--out", dir]
        #expect(check(args).0 == 0)
        let saved = dir + "/plan/replications.json"
        let original = try String(contentsOfFile: saved, encoding: .utf8)
        let summary = try String(contentsOfFile: dir + "/plan/summary.json", encoding: .utf8)
        let changes: [(String, ([(String, JSONValue)]) -> [(String, JSONValue)])] = [
            ("lacks metric 'crises'", { $0.filter { $0.0 != "crises" } }),
            (
                "lacks metric 'crises'",
                { $0.map { $0.0 == "crises" ? ("crisesRenamed", $0.1) : $0 } }
            ),
            (
                "has metric 'bedsOnMars', which this homeward does not compute for the scenario",
                { $0 + [("bedsOnMars", .number(1))] }
            ),
        ]
        for (why, change) in changes {
            try PartialResultTests.editMetrics(saved, reseal: true) { m in
                PartialResultTests.setScalars(&m, change(PartialResultTests.scalars(m)))
            }
            let resumed = check(args + ["--resume"])
            #expect(resumed.0 == 0)
            #expect(resumed.2.contains("\(saved): not reused (replication 0 \(why)); recomputing"), "\(resumed.2)")
            #expect(try String(contentsOfFile: saved, encoding: .utf8) == original)
            let again = try String(contentsOfFile: dir + "/plan/summary.json", encoding: .utf8)
            #expect(Self.metricsPart(again) == Self.metricsPart(summary))
        }
    }

    /// The `metrics` member of a summary.json (the manifest's wall time differs between runs).
    static func metricsPart(_ text: String) -> JSONValue? {
        (try? JSON5.parse(text))?.objectValue?["metrics"]
    }
}
