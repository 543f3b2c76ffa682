import Foundation
import Testing

@testable import HomewardCLI
@testable import HomewardKit

/// The options run-like commands share are parsed once (`SharedOptions`), so each is accepted,
/// bounded and reported the same way by every command.
@Suite struct SharedOptionsTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let command: [String]
        let lowest: Int
        var testDescription: String { command.joined(separator: " ") }
    }

    static let base = Fixtures.baselinePath
    static let variant = Fixtures.variantPath
    static let commands = [
        Case(command: ["run", base], lowest: 1),
        Case(command: ["compare", base, variant], lowest: 2),
        Case(command: ["sweep", base, "--vary", "services.reablement.capacity=1..2:1"], lowest: 2),
        Case(command: ["schemes", base], lowest: 2),
        Case(command: ["check", base], lowest: 2),
    ]

    func run(_ args: [String]) -> (status: Int32, err: String) {
        let c = CapturedConsole()
        let status = HomewardCLI.main(args, console: c.console)
        return (status, c.err)
    }

    @Test(arguments: commands)
    func aBadReplicationsCountIsReportedAlikeByEveryCommand(_ c: Case) {
        let r = run(c.command + ["--replications", "many"])
        #expect(r.status == 2)
        #expect(
            r.err
                == "homeward: --replications must be a whole number from \(c.lowest) to \(ScenarioReader.maximumReplications), got 'many'\n"
        )
    }

    @Test(arguments: commands)
    func seedThreadsAndOverwriteMeanTheSameEverywhere(_ c: Case) {
        #expect(
            run(c.command + ["--seed", "-1"]).err
                == "homeward: --seed must be a whole number from 0 to 2147483647, got '-1'\n")
        #expect(
            run(c.command + ["--threads", "0"]).err
                == "homeward: --threads must be a whole number from 1 to 1024, got '0'\n")
    }

    /// Every command that writes a results folder.
    static let folderWriters = [
        "run", "compare", "sweep", "schemes", "check", "warmup", "merge", "replay", "actuals", "compare-actuals",
    ]

    @Test(arguments: folderWriters)
    func everyCommandThatWritesAResultsFolderTakesOverwrite(_ name: String) throws {
        let r = run([name, "--overwrite"])  // no operands: refused, but not for the option
        #expect(r.status == 2)
        #expect(!r.err.contains("unknown option"), "\(r.err)")
        #expect(try #require(CommandTable.named(name)).help.contains("--overwrite"))
    }

    @Test func aCommandDeclaresWhichSharedOptionsItTakes() throws {
        let spec = SharedOptions.Spec(shared: [.replications, .quiet], operands: (1...1, "needs one file"))
        let o = try SharedOptions(["x.json5", "--replications", "7", "--quiet"], spec)
        #expect(o.replications == 7)
        #expect(o.quiet)
        #expect(o.positional == ["x.json5"])
        #expect(o.threads == ProcessInfo.processInfo.activeProcessorCount)
        #expect(o.maximumReplications == 1000)
        #expect(o.format == "table")
        #expect(!o.overwrite)
        // A shared option the command does not take is unknown to it, with the nearest it takes.
        #expect(throws: CommandFailure.usage("unknown option '--replication'; did you mean '--replications'?")) {
            try SharedOptions(["x.json5", "--replication", "3"], spec)
        }
        #expect(throws: CommandFailure.usage("unknown option '--shard'")) {
            try SharedOptions(["x.json5", "--shard", "1/2"], spec)
        }
        // The operands are checked before any option's value.
        #expect(throws: CommandFailure.usage("needs one file")) {
            try SharedOptions(["--replications", "0"], spec)
        }
    }

    @Test func valuesAreCheckedWithTheCommandsBoundsAndFormats() throws {
        var spec = SharedOptions.Spec(shared: [.replications, .format, .precision, .shard, .maxReplications])
        spec.replications = 2...10_000
        #expect(throws: CommandFailure.usage("--replications must be a whole number from 2 to 10000, got '1'")) {
            try SharedOptions(["--replications", "1"], spec)
        }
        #expect(throws: CommandFailure.usage("--format must be table, json or csv, got 'xml'")) {
            try SharedOptions(["--format", "xml"], spec)
        }
        spec.formats = ["table", "csv"]
        #expect(throws: CommandFailure.usage("--format must be table or csv, got 'json'")) {
            try SharedOptions(["--format", "json"], spec)
        }
        #expect(throws: CommandFailure.usage("--precision must be a share like 5% or 0.05, got '150%'")) {
            try SharedOptions(["--precision", "150%"], spec)
        }
        #expect(try SharedOptions(["--precision", "5%"], spec).precision == 0.05)
        #expect(try SharedOptions(["--max-replications", "40"], spec).maximumReplications == 40)
        #expect(throws: ExperimentError.self) { try SharedOptions(["--shard", "3/2"], spec) }
        spec.formats = nil
        #expect(try SharedOptions(["--format", "anything"], spec).format == "anything")
    }

    @Test func alternativesReadAsEnglish() {
        #expect(SharedOptions.alternatives(["table"]) == "table")
        #expect(SharedOptions.alternatives(["table", "csv"]) == "table or csv")
        #expect(SharedOptions.alternatives(["table", "json", "csv"]) == "table, json or csv")
    }
}
