import Foundation
import HomewardKit
import Testing

@testable import HomewardCLI

/// `homeward sweep`: grids, targets, common random numbers, resume and shards.
@Suite struct SweepTests {
    func sweep(_ args: [String]) -> (Int32, String, String) {
        let c = CLITests.Captured()
        let status = HomewardCLI.main(["sweep", CLITests.smallPath] + args, console: c.console)
        return (status, c.out, c.err)
    }

    @Test func axesParseIntoCleanValues() throws {
        #expect(try Sweep.Axis.parse("a.b=1..2:0.25").values == [1, 1.25, 1.5, 1.75, 2])
        #expect(try Sweep.Axis.parse("x=0.1..0.3:0.1").values == [0.1, 0.2, 0.3])
        #expect(throws: ExperimentError.self) { try Sweep.Axis.parse("x=3..1:1") }
        #expect(throws: ExperimentError.self) { try Sweep.Axis.parse("x=1..3") }
        let grid = Sweep(axes: [try Sweep.Axis.parse("a=1..2:1"), try Sweep.Axis.parse("b=10..30:10")]).points
        #expect(grid == [[1, 10], [1, 20], [1, 30], [2, 10], [2, 20], [2, 30]])
    }

    @Test func findsTheSmallestCapacityMeetingATarget() throws {
        let dir = Fixtures.temporaryDirectory()
        let (status, out, err) = sweep([
            "--vary", "services.beds.capacity=1..9:4", "--target", "services.beds.meanWaitDays <= 0.5", "--confidence",
            "0.5",
            "--replications", "4", "--out", dir, "--quiet",
        ])
        #expect(status == 0, "\(err)")
        let json = try JSON5.parse(String(contentsOfFile: dir + "/sweep.json", encoding: .utf8))
        let points = try #require(json.objectValue?["points"]?.arrayValue)
        #expect(points.count == 3)
        let met = points.map { $0.objectValue?["target"]?.objectValue?["met"]?.boolValue ?? false }
        // More beds never make the wait longer in this grid (common random numbers), so the
        // verdicts are monotone, and the line names the first point that meets the target.
        #expect(met == met.sorted { !$0 && $1 })
        if let first = met.firstIndex(of: true) {
            #expect(
                out.contains(
                    "Smallest setting meeting services.beds.meanWaitDays <= 0.5 in 50% of replications: services.beds.capacity=\([1, 5, 9][first])"
                ))
        } else {
            #expect(out.contains("No point in the grid meets"))
        }
        let csv = try String(contentsOfFile: dir + "/sweep.csv", encoding: .utf8)
        #expect(
            csv.hasPrefix(
                "point,services.beds.capacity,metric,unit,mean,ci95_low,ci95_high,replications,verdict,share_within,share_low,share_high,interval_level\r\n"
            ))
    }

    @Test func pointsShareRandomNumbers() throws {
        // First crises of the adults (no crisis response, no readmission risk, pathway 1) do
        // not depend on bed numbers: with common random numbers every point sees the same ones.
        let dir = Fixtures.temporaryDirectory()
        #expect(
            sweep(["--vary", "services.beds.capacity=2..6:2", "--replications", "2", "--out", dir, "--quiet"]).0 == 0)
        let json = try JSON5.parse(String(contentsOfFile: dir + "/sweep.json", encoding: .utf8))
        let crises = try #require(json.objectValue?["points"]?.arrayValue).map {
            $0.objectValue?["metrics"]?.objectValue?["nelAdmissionsByCohort"]?.objectValue?["adults"]?.objectValue?[
                "values"]
        }
        #expect(crises.count == 3)
        #expect(crises[0] != nil)
        #expect(crises.allSatisfy { $0 == crises[0] })
    }

    @Test func anUnknownFieldOrBadValueIsBadInput() {
        let typo = sweep(["--vary", "services.beds.capacty=1..3:1", "--quiet"])
        #expect(typo.0 == 2)
        // Said once (not once per point of the grid), with the nearest field.
        #expect(
            typo.2
                == "\(CLITests.smallPath): services.beds.capacty: --vary: no such field in the scenario (did you mean 'services.beds.capacity'?)\n"
        )
        let far = sweep(["--vary", "services.bedz.capacity=1..3:1", "--vary", "nothing=1..2:1", "--quiet"])
        #expect(
            far.2
                == "\(CLITests.smallPath): services.bedz.capacity: --vary: no such field in the scenario (did you mean 'services.beds'?)\n"
                + "\(CLITests.smallPath): nothing: --vary: no such field in the scenario\n")
        let fractional = sweep(["--vary", "services.beds.capacity=1..2:0.5", "--quiet"])
        #expect(fractional.0 == 2)
        #expect(
            fractional.2.contains(
                "[services.beds.capacity=1.5]: services.beds.capacity: must be a whole number >= 0, got 1.5"))
    }

    @Test func gridSizesAreBoundedBeforeUse() throws {
        let dir = Fixtures.temporaryDirectory()
        try Fixtures.small.write(toFile: dir + "/small.json5", atomically: true, encoding: .utf8)
        let field = "services.beds.capacity"
        let cases: [([String], String)] = [
            (
                ["\(field)=1..1e19:1"],
                "homeward: --vary \(field): values and step must be at most 10^15 in size, got '1..1e19:1'\n"
            ),
            (
                ["\(field)=1..1e15:0.001"],
                "homeward: --vary \(field): about 1e+18 values is too many (at most 10,000)\n"
            ),
            (
                ["\(field)=1..10000:1", "services.reablement.capacity=1..10000:1"],
                "homeward: --vary: the grid has 100000000 points; at most 100,000\n"
            ),
        ]
        for (vary, message) in cases {
            let args =
                ["sweep", dir + "/small.json5", "--out", dir + "/out", "--quiet"] + vary.flatMap { ["--vary", $0] }
            let outcome = try Subprocess.run(args, stdout: .file("/dev/null"), memoryLimit: 200 << 20)
            #expect(outcome.signal == nil, "\(vary): signal \(outcome.signal ?? 0)")
            #expect(outcome.status == 2, "\(vary)")
            #expect(outcome.stderr == message, "\(vary)")
        }
    }

    @Test func shardsThenResumeAssembleTheSameResult() throws {
        let whole = Fixtures.temporaryDirectory()
        let parts = Fixtures.temporaryDirectory()
        let args = ["--vary", "services.reablement.capacity=6..10:2", "--replications", "2", "--quiet"]
        #expect(sweep(args + ["--out", whole]).0 == 0)
        for i in 0..<2 { #expect(sweep(args + ["--out", parts, "--shard", "\(i)/2"]).0 == 0) }
        let (status, _, err) = sweep(args + ["--out", parts, "--resume"])
        #expect(status == 0)
        #expect(err.contains("reused 3 finished points"))
        #expect(
            try String(contentsOfFile: whole + "/sweep.csv", encoding: .utf8)
                == String(contentsOfFile: parts + "/sweep.csv", encoding: .utf8))
    }

    /// With a target, each point runs until its verdict is clear (or the cap), and the verdict,
    /// share, interval and replications of each point are in the table, sweep.json and
    /// sweep.csv. Sharded, stopped part-way (a point file cut to a prefix) and resumed, the
    /// sweep ends exactly as an uninterrupted one.
    @Test func sequentialVerdictsShardAndResumeToTheSameResult() throws {
        let whole = Fixtures.temporaryDirectory()
        let parts = Fixtures.temporaryDirectory()
        let args = [
            "--vary", "services.beds.capacity=1..9:4", "--target", "services.beds.meanWaitDays <= 0.5",
            "--confidence", "0.5", "--replications", "2", "--max-replications", "12", "--quiet",
        ]
        let (status, out, err) = sweep(args + ["--out", whole])
        #expect(status == 0, "\(err)")
        #expect(out.contains("within target"))
        #expect(out.contains("verdict"))
        let json = try #require(
            JSON5.parse(String(contentsOfFile: whole + "/sweep.json", encoding: .utf8)).objectValue)
        let targets = try #require(json["points"]?.arrayValue).compactMap { $0.objectValue?["target"]?.objectValue }
        #expect(targets.count == 3)
        for t in targets {
            let verdict = try #require(t["verdict"]?.stringValue)
            #expect(["met", "missed", "undecided"].contains(verdict))
            #expect(t["met"]?.boolValue == (verdict == "met"))
            let n = try #require(t["replications"]?.numberValue)
            #expect(n >= 2 && n <= 12)
            // Undecided only at the cap; decided points stop at the first look that decides them.
            if verdict == "undecided" { #expect(n == 12) }
            let low = try #require(t["shareLow"]?.numberValue)
            let high = try #require(t["shareHigh"]?.numberValue)
            #expect(low <= (t["shareWithin"]?.numberValue ?? .nan) && (t["shareWithin"]?.numberValue ?? .nan) <= high)
        }
        let manifest = try #require(json["manifest"]?.objectValue?["sequentialVerdicts"]?.objectValue)
        #expect(manifest["maximumReplications"]?.numberValue == 12)

        for i in 0..<2 { #expect(sweep(args + ["--out", parts, "--shard", "\(i)/2"]).0 == 0) }
        let point = parts + "/points/00001.json"
        var partial = try PartialResult.load(point)
        partial.replications = Array(partial.replications.prefix(1))
        partial.totalReplications = 1
        try (partial.json.jsonText() + "\n").write(toFile: point, atomically: true, encoding: .utf8)
        let resumed = sweep(args + ["--out", parts, "--resume"])
        #expect(resumed.0 == 0, "\(resumed.2)")
        for name in ["sweep.csv", "sweep.json"] {
            #expect(
                try String(contentsOfFile: whole + "/" + name, encoding: .utf8)
                    == String(contentsOfFile: parts + "/" + name, encoding: .utf8), "\(name)")
        }
    }

    @Test func resumeRecomputesPointsFromAnotherVersionOrEdited() throws {
        let clean = Fixtures.temporaryDirectory()
        let dir = Fixtures.temporaryDirectory()
        let args = ["--vary", "services.reablement.capacity=6..10:2", "--replications", "2", "--quiet"]
        #expect(sweep(args + ["--out", clean]).0 == 0)
        #expect(sweep(args + ["--out", dir]).0 == 0)
        let edited = dir + "/points/00000.json"
        let foreign = dir + "/points/00001.json"
        try PartialResultTests.editMetrics(edited, reseal: false, only: 0) { m in
            PartialResultTests.setScalars(
                &m, PartialResultTests.scalars(m).map { $0.0 == "nelAdmissions" ? ($0.0, .number(0)) : $0 })
        }
        try PartialResultTests.edit(foreign, reseal: true) { $0["homewardVersion"] = .string("0.0.9") }
        let (status, _, err) = sweep(args + ["--out", dir, "--resume"])
        #expect(status == 0)
        #expect(err.contains("reused 1 finished point from"), "\(err)")
        #expect(err.contains("\(edited): not reused (checksum does not match its content (edited or damaged))"))
        #expect(err.contains("\(foreign): not reused (written by homeward 0.0.9"), "\(err)")
        for name in ["sweep.csv", "points/00000.json", "points/00001.json"] {
            #expect(
                try String(contentsOfFile: clean + "/" + name, encoding: .utf8)
                    == String(contentsOfFile: dir + "/" + name, encoding: .utf8), "\(name)")
        }
    }
}
