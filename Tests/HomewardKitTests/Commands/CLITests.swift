import Foundation
import Testing

@testable import HomewardCLI
@testable import HomewardKit

/// The command line as a user meets it: output, files and exit codes.
@Suite struct CLITests {
    typealias Captured = CapturedConsole

    /// The small fixture scenario written to a file (quick to run in debug builds).
    static let smallPath: String = {
        let path = Fixtures.temporaryDirectory() + "/small.json5"
        try? Fixtures.small.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }()

    func run(_ args: [String]) -> (Int32, String, String) {
        let c = Captured()
        let status = HomewardCLI.main(args, console: c.console)
        return (status, c.out, c.err)
    }

    /// A variant over another period than its base is compared with a warning naming both
    /// periods; one over the same period is not.
    @Test func compareWarnsWhenTheVariantMeasuresAnotherPeriod() throws {
        let dir = Fixtures.temporaryDirectory()
        let shorter = dir + "/shorter.json5"
        try Fixtures.small.replacingOccurrences(of: "horizonDays: 120", with: "horizonDays: 90")
            .write(toFile: shorter, atomically: true, encoding: .utf8)
        let (status, _, err) = run([
            "compare", Self.smallPath, shorter, "--replications", "2", "--out", dir + "/c", "--quiet",
        ])
        #expect(status == 0, "\(err)")
        #expect(
            err.contains(
                "warning: compare: \(shorter): measures 90 days from 2021-03-01 after a 30-day warm-up, the base 120 days from 2021-03-01 after a 30-day warm-up: totals differ for the period alone"
            ), "\(err)")
        let same = run([
            "compare", Self.smallPath, Self.smallPath, "--replications", "2", "--out", dir + "/d", "--quiet",
        ])
        #expect(same.0 == 0 && !same.2.contains("warning: compare"), "\(same.2)")
    }

    /// A sweep names the points whose results are overloaded, under its table and in each
    /// point of sweep.json: one bed for the small scenario's pathway-3 flow cannot keep up.
    @Test func sweepShowsEachPointsOverloadWarnings() throws {
        let dir = Fixtures.temporaryDirectory()
        let (status, out, err) = run([
            "sweep", Self.smallPath, "--vary", "services.beds.capacity=1..40:39", "--replications", "2", "--out",
            dir, "--quiet",
        ])
        #expect(status == 0, "\(err)")
        #expect(out.contains("warning: overload at services.beds.capacity=1: beds: "), "\(out)")
        #expect(!out.contains("warning: overload at services.beds.capacity=40: beds:"), "\(out)")
        #expect(out.contains("points with overload warnings; each point's are in sweep.json"), "\(out)")
        let document = try JSON5.parse(String(contentsOfFile: dir + "/sweep.json", encoding: .utf8))
        let points = try #require(document.objectValue?["points"]?.arrayValue)
        let first = try #require(points.first?.objectValue?["warnings"]?.arrayValue)
        #expect(first.contains { $0.objectValue?["service"]?.stringValue == "beds" })
        #expect(
            points.last?.objectValue?["warnings"]?.arrayValue?.contains {
                $0.objectValue?["service"]?.stringValue == "beds"
            } == false)
    }

    @Test func runPrintsTheTableAndWritesTheFiles() throws {
        let dir = Fixtures.temporaryDirectory()
        let (status, out, err) = run([
            "run", Fixtures.baselinePath, "--replications", "2", "--out", dir, "--threads", "2",
        ])
        #expect(status == 0, "\(err)")
        for metric in ["nelAdmissions", "delayedBedDays", "dtocPer100kPerMonth", "reablementAtHome91Rate", "95% CI"] {
            #expect(out.contains(metric))
        }
        let summary = try JSON5.parse(String(contentsOfFile: dir + "/summary.json", encoding: .utf8))
        let metrics = try #require(summary.objectValue?["metrics"]?.objectValue)
        for key in [
            "nelAdmissions", "admissionsAvoided", "readmissions", "edWaitHours", "diversions", "acuteOccupancyMean",
            "acuteOccupancyP95", "delayedBedDays", "delayedBedDaysMidnight", "dtocPer100kPerMonth",
            "delayedBedDaysByReason", "delayedBedDaysByPathway", "reablementAtHome91Rate",
            "permanentCareHomeAdmissionsPer100k65", "totalCost",
        ] {
            #expect(metrics[key] != nil, "summary.json lacks \(key)")
        }
        let nel = try #require(metrics["nelAdmissions"]?.objectValue)
        #expect(nel["values"]?.arrayValue?.count == 2)
        #expect(nel["ci95"]?.arrayValue?.count == 2)
        let manifest = try #require(summary.objectValue?["manifest"]?.objectValue)
        for key in [
            "homewardVersion", "scenarioHash", "seed", "replications", "warmupDays", "horizonDays", "generator",
            "threads", "wallSeconds",
        ] {
            #expect(manifest[key] != nil, "manifest lacks \(key)")
        }
        let csv = try String(contentsOfFile: dir + "/summary.csv", encoding: .utf8)
        #expect(csv.hasPrefix("metric,unit,mean,ci95_low,ci95_high,p10,median,p90,replications,description\r\n"))
        let monthly = try String(contentsOfFile: dir + "/monthly.csv", encoding: .utf8)
        #expect(monthly.hasPrefix("month,metric,mean,ci95_low,ci95_high,p10,p90\r\n2016-04,nelAdmissions,"))
        #expect(monthly.contains("2017-03,delayedBedDays,"))
    }

    @Test func formatsJSONAndCSVOnStandardOutput() throws {
        let dir = Fixtures.temporaryDirectory()
        let (s1, json, _) = run(["run", Self.smallPath, "--replications", "2", "--out", dir, "--format", "json"])
        #expect(s1 == 0)
        #expect(try JSON5.parse(json).objectValue?["metrics"] != nil)
        let (s2, csv, _) = run(["run", Self.smallPath, "--replications", "2", "--out", dir, "--format", "csv"])
        #expect(s2 == 0)
        #expect(csv.hasPrefix("metric,unit,"))
    }

    struct UsageCase: CustomTestStringConvertible, Sendable {
        var args: [String]
        var status: Int32
        var message: String
        var testDescription: String { args.joined(separator: " ") }
    }

    static let usageCases: [UsageCase] = [
        UsageCase(args: [], status: 2, message: "USAGE: homeward COMMAND"),
        UsageCase(args: ["fly"], status: 2, message: "homeward: unknown command 'fly' (see homeward --help)"),
        UsageCase(args: ["run"], status: 2, message: "homeward: run needs exactly one scenario file"),
        UsageCase(
            args: ["run", "x.json5", "--replications", "0"], status: 2,
            message: "homeward: --replications must be a whole number from 1 to 100000, got '0'"),
        UsageCase(args: ["run", "x.json5", "--fly"], status: 2, message: "homeward: unknown option '--fly'\n"),
        UsageCase(
            args: ["run", "x.json5", "--replicatons", "3"], status: 2,
            message: "homeward: unknown option '--replicatons'; did you mean '--replications'?\n"),
        UsageCase(
            args: ["compare", "a.json5", "b.json5", "--sed", "3"], status: 2,
            message: "homeward: unknown option '--sed'; did you mean '--seed'?\n"),
        UsageCase(
            args: ["comapre", "a.json5"], status: 2,
            message: "homeward: unknown command 'comapre'; did you mean 'compare'? (see homeward --help)"),
        UsageCase(args: ["run", "x.json5", "--seed"], status: 2, message: "homeward: option --seed needs a value"),
        UsageCase(args: ["run", "/nonexistent/x.json5"], status: 2, message: "/nonexistent/x.json5: no such file"),
        UsageCase(args: ["validate"], status: 2, message: "homeward: validate needs at least one scenario file"),
        UsageCase(args: ["replay", "/nonexistent/log.jsonl"], status: 3, message: "cannot read the event log"),
        UsageCase(args: ["help", "fly"], status: 2, message: "homeward: no such command 'fly'\n"),
        UsageCase(
            args: ["verify", "Scenarios"], status: 2, message: "homeward: verify takes no operands, got 'Scenarios'"),
    ]

    @Test(arguments: usageCases)
    func badUsageExitsTwoWithAMessage(_ c: UsageCase) {
        let (status, _, err) = run(c.args)
        #expect(status == c.status)
        #expect(err.contains(c.message), "\(err)")
    }

    /// The overview is read from the command table: every command, once, with its summary;
    /// `help COMMAND` gives the same text as `COMMAND --help`.
    @Test func theOverviewListsEveryCommandOfTheTable() {
        let (status, overview, _) = run(["help"])
        #expect(status == 0)
        let listed = overview.split(separator: "\n").filter { $0.hasPrefix("  ") }
        #expect(listed.count == CommandTable.all.count + 1)  // and `help COMMAND`
        for (line, command) in zip(listed, CommandTable.all) {
            #expect(line.hasPrefix("  " + command.synopsis + "  "))
            #expect(line.hasSuffix(command.summary))
            #expect(run(["help", command.name]).1 == command.help)
        }
        #expect(Set(CommandTable.all.map(\.name)).count == CommandTable.all.count)
    }

    @Test func helpAndVersionSucceed() {
        #expect(run(["--help"]).0 == 0)
        #expect(run(["help", "run"]).1.contains("--replications N"))
        #expect(run(["--version"]).1 == "homeward \(Homeward.version)\n")
    }

    @Test(arguments: CommandTable.all.map(\.name))
    func everyCommandTakesHelpAsAnOption(command: String) throws {
        let text = try #require(CommandTable.named(command)?.help)
        for flag in ["--help", "-h"] {
            // With other arguments around it, even ones that would be wrong: help wins.
            let (status, out, err) = run([command, "no-such-file.json5", flag, "--replications", "0"])
            #expect(status == 0, "\(command) \(flag): \(err)")
            #expect(out == text)
            #expect(err.isEmpty)
        }
        // After `--` it is an operand like any other, not a request for help.
        #expect(run([command, "--", "--help"]).0 != 0)
    }

    @Test func validateReportsEachFileAndExitsTwoOnAnyProblem() throws {
        let dir = Fixtures.temporaryDirectory()
        try "{ name: 'x' }".write(toFile: dir + "/bad.json5", atomically: true, encoding: .utf8)
        let (status, out, err) = run(["validate", Fixtures.baselinePath, dir + "/bad.json5"])
        #expect(status == 2)
        #expect(out.contains("baseline.json5: ok"))
        #expect(err.contains("\(dir)/bad.json5: start: is required"))
        #expect(err.contains("\(dir)/bad.json5: cohorts: is required"))
        #expect(run(["validate", Fixtures.baselinePath, Fixtures.variantPath]).0 == 0)
    }

    @Test func anUnwritableOutputIsAnIOErrorWithExitThree() throws {
        let dir = Fixtures.temporaryDirectory()
        try "not a directory".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        let (status, _, err) = run(["run", Self.smallPath, "--replications", "1", "--out", dir + "/file/sub"])
        #expect(status == 3)
        #expect(err.contains("cannot create directory"))
    }

    @Test func replayFromTheCommandLineMatchesTheRun() throws {
        let dir = Fixtures.temporaryDirectory()
        let log = dir + "/events.jsonl"
        #expect(run(["run", Self.smallPath, "--replications", "2", "--out", dir + "/run", "--events", log]).0 == 0)
        #expect(run(["replay", log, "--out", dir + "/replay"]).0 == 0)
        func metrics(_ d: String) throws -> JSONValue? {
            try JSON5.parse(String(contentsOfFile: d + "/summary.json", encoding: .utf8)).objectValue?["metrics"]
        }
        #expect(try metrics(dir + "/run") == metrics(dir + "/replay"))
        #expect(try metrics(dir + "/run") != nil)
    }
}
