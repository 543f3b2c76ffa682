import Foundation
import Testing

@testable import HomewardCLI
@testable import HomewardKit

/// A results folder is replaced only by the command and operands that wrote it, or with
/// `--overwrite`: never silently by another command or other scenarios.
@Suite struct ResultOwnerTests {
    /// Claims `folder` for `owner`, as a command does before it runs.
    func claim(_ folder: String, _ owner: ResultOwner, overwrite: Bool = false) throws {
        var plan = OutputPlan(owner: owner, overwrite: overwrite)
        plan.folders = [("--out", folder, SummaryFiles.names)]
        let session = OutputSession(command: [owner.command])
        defer { session.close() }
        try OutputSession.$current.withValue(session) { try plan.claim() }
    }

    /// Commits a set to `folder` as the command `owner` would, so that its manifest names it.
    func commit(_ folder: String, _ owner: ResultOwner) throws {
        let session = OutputSession(command: [owner.command] + (owner.inputs ?? []))
        defer { session.close() }
        try OutputSession.$current.withValue(session) {
            var plan = OutputPlan(owner: owner)
            plan.folders = [("--out", folder, ["summary.json"])]
            try plan.claim()
            var set = ResultSet(directory: folder)
            set.add("summary.json", "{}\n")
            try set.commit()
        }
    }

    let run = ResultOwner(command: "run", inputs: ["Scenarios/baseline.json5"])

    @Test func theManifestNamesTheCommandAndItsOperands() throws {
        let dir = Fixtures.temporaryDirectory() + "/r"
        try commit(dir, run)
        let manifest = try #require(ResultSet.readJSON(dir + "/" + ResultSet.manifestName))
        #expect(ResultOwner(manifest: manifest) == run)
        #expect(manifest.objectValue?["owner"]?.objectValue?["command"]?.stringValue == "run")
    }

    @Test func theSameCommandOnTheSameFilesReplacesItsOwnResults() throws {
        let dir = Fixtures.temporaryDirectory() + "/r"
        try commit(dir, run)
        try claim(dir, run)
        // The same file by another spelling is the same file.
        try claim(dir, ResultOwner(command: "run", inputs: ["./Scenarios/../Scenarios/baseline.json5"]))
    }

    @Test func resultsMovedWithTheirScenarioStayTheirs() throws {
        // The manifest says `run Scenarios/baseline.json5`, written in another folder: from here
        // that spelling names another file, but a project copied or moved with its results is
        // still the same command on the same files.
        let elsewhere = Fixtures.temporaryDirectory()
        let dir = Fixtures.temporaryDirectory() + "/r"
        let copied = ResultOwner(command: "run", inputs: ["Scenarios/baseline.json5"])
        try commit(dir, copied)
        #expect(!FileManager.default.fileExists(atPath: elsewhere + "/Scenarios/baseline.json5"))
        try claim(dir, copied)
        #expect(throws: OutputError.self) {
            try claim(dir, ResultOwner(command: "run", inputs: [elsewhere + "/Scenarios/baseline.json5"]))
        }
    }

    @Test func anotherCommandOrOtherFilesAreRefusedNamingWhatTheFolderHolds() throws {
        let dir = Fixtures.temporaryDirectory() + "/r"
        try commit(dir, run)
        let compare = ResultOwner(command: "compare", inputs: ["a.json5", "b.json5"])
        #expect(
            throws: OutputError.badInput(
                "--out \(dir): the folder holds the results of 'run Scenarios/baseline.json5', which 'compare a.json5 b.json5' would replace; give --overwrite to replace them, or choose another --out"
            )
        ) { try claim(dir, compare) }
        #expect(throws: OutputError.self) {
            try claim(dir, ResultOwner(command: "run", inputs: ["Scenarios/bromley.json5"]))
        }
        try claim(dir, compare, overwrite: true)
    }

    @Test func aFolderWithoutAManifestIsRefusedOnlyIfItHoldsFilesHomewardDidNotWrite() throws {
        let dir = Fixtures.temporaryDirectory()
        try "{}".write(toFile: dir + "/summary.json", atomically: false, encoding: .utf8)
        try "".write(toFile: dir + "/.summary.json.x1.tmp", atomically: false, encoding: .utf8)
        try claim(dir, run)  // an older version's results, or a run stopped before its manifest
        try "mine".write(toFile: dir + "/notes.txt", atomically: false, encoding: .utf8)
        #expect(
            throws: OutputError.badInput(
                "--out \(dir): the folder holds files Homeward did not write (notes.txt), and no results manifest; give --overwrite to write the results of 'run Scenarios/baseline.json5' there anyway, or choose another --out"
            )
        ) { try claim(dir, run) }
        try claim(dir, run, overwrite: true)
        #expect(FileManager.default.fileExists(atPath: dir + "/notes.txt"))
    }

    @Test func aManifestOfAnOlderVersionIsJudgedByItsCommandName() throws {
        let dir = Fixtures.temporaryDirectory()
        try #"{"format": "homeward-results", "version": 1, "command": ["homeward", "run", "x.json5"], "files": []}"#
            .write(toFile: dir + "/" + ResultSet.manifestName, atomically: false, encoding: .utf8)
        try claim(dir, run)
        #expect(throws: OutputError.self) { try claim(dir, ResultOwner(command: "sweep", inputs: ["x.json5"])) }
    }

    // MARK: The commands

    func homeward(_ args: [String]) -> (status: Int32, err: String) {
        let c = CapturedConsole()
        return (HomewardCLI.main(args, console: c.console), c.err)
    }

    @Test func runWithAndWithoutPrecisionIsOneCommandButCompareIsAnother() throws {
        let dir = Fixtures.temporaryDirectory() + "/r"
        let small = CLITests.smallPath
        #expect(homeward(["run", small, "--replications", "2", "--out", dir, "--quiet"]).status == 0)
        #expect(
            homeward(["run", small, "--precision", "50%", "--max-replications", "3", "--out", dir, "--quiet"]).status
                == 0)
        let refused = homeward(["compare", small, small, "--replications", "2", "--out", dir, "--quiet"])
        #expect(refused.status == 2)
        #expect(refused.err.contains("the folder holds the results of 'run \(small)'"))
        #expect(refused.err.contains("give --overwrite"))
        #expect(
            homeward(["compare", small, small, "--replications", "2", "--out", dir, "--quiet", "--overwrite"]).status
                == 0)
        // The run's files gave way to the comparison's whole set.
        #expect(!FileManager.default.fileExists(atPath: dir + "/summary.json"))
        #expect(FileManager.default.fileExists(atPath: dir + "/compare.json"))
        let manifest = try #require(ResultSet.readJSON(dir + "/" + ResultSet.manifestName))
        #expect(ResultOwner(manifest: manifest) == ResultOwner(command: "compare", inputs: [small, small]))
    }
}
