import Foundation
import HomewardKit
import Testing

/// A saved event log replays to the same metrics, to the last bit.
@Suite struct ReplayTests {
    func runWithLog(_ loaded: LoadedScenario, replications: Int, threads: Int, format: EventLogFormat = .jsonLines)
        throws -> (RunResult, String)
    {
        let path = Fixtures.temporaryDirectory() + "/run." + format.fileExtension
        let options = RunOptions(replications: replications, seed: 5, threads: threads, eventsPath: path)
        return (try Runner.run(loaded, options: options), path)
    }

    @Test func replayEqualsTheRunToTheLastDigit() throws {
        let loaded = try ScenarioLoader.load(text: Fixtures.small, file: "small.json5")
        let (result, path) = try runWithLog(loaded, replications: 3, threads: 2)
        let replay = try EventLogReader.replay(path: path)
        #expect(replay.header.replications == 3)
        #expect(replay.header.scenarioHash == loaded.hash)
        #expect(replay.replications == result.replications)
        let manifest = JSONValue.object(JSONObject())
        #expect(
            SummaryFiles.summaryJSON(Summary(replay.replications), manifest: manifest)
                == SummaryFiles.summaryJSON(result.summary, manifest: manifest))
        // And the run without a log gives the same numbers as the run with one.
        let plain = try Runner.run(loaded, options: RunOptions(replications: 3, seed: 5, threads: 1))
        #expect(plain.replications == result.replications)
    }

    @Test(arguments: EventLogFormat.allCases)
    func replayEqualsTheRunToTheLastDigitInEveryFormat(_ format: EventLogFormat) throws {
        let loaded = try ScenarioLoader.load(text: Fixtures.small, file: "small.json5")
        let (result, path) = try runWithLog(loaded, replications: 3, threads: 2, format: format)
        #expect(try EventLogFormat.detect(path: path) == format)
        let replay = try EventLogReader.replay(path: path)
        #expect(replay.header.replications == 3)
        #expect(replay.header.scenarioHash == loaded.hash)
        #expect(replay.replications == result.replications)
        let manifest = JSONValue.object(JSONObject())
        #expect(
            SummaryFiles.summaryJSON(Summary(replay.replications), manifest: manifest)
                == SummaryFiles.summaryJSON(result.summary, manifest: manifest))
        #expect(SummaryFiles.monthlyCSV(Summary(replay.replications)) == SummaryFiles.monthlyCSV(result.summary))
    }

    /// The shipped baseline, every event kind at full scale, through the binary log (every
    /// format replays the small scenario above; the text formats at baseline scale are slow).
    @Test func replayOfTheBaselineMatches() throws {
        try checkBaselineReplay(.binary)
    }

    func checkBaselineReplay(_ format: EventLogFormat) throws {
        let (result, path) = try runWithLog(try Fixtures.baseline(), replications: 1, threads: 1, format: format)
        #expect(try EventLogReader.replay(path: path).replications == result.replications)
        #expect((result.replications[0]["nelAdmissions"] ?? 0) > 10_000)
    }

    @Suite(.slowTier, .tags(.slow)) struct SlowTier {
        @Test(arguments: [EventLogFormat.jsonLines, .csv])
        func replayOfTheBaselineMatchesInTextFormats(_ format: EventLogFormat) throws {
            try ReplayTests().checkBaselineReplay(format)
        }
    }

    @Test(arguments: EventLogFormat.allCases)
    func aTruncatedLogIsReportedNotAbsorbed(_ format: EventLogFormat) throws {
        let loaded = try ScenarioLoader.load(text: Fixtures.small, file: "small.json5")
        let (_, path) = try runWithLog(loaded, replications: 2, threads: 1, format: format)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        for fraction in [0.1, 0.5, 0.93, 0.999] {
            let cut = path + ".cut"
            try data.prefix(Int(Double(data.count) * fraction)).write(to: URL(fileURLWithPath: cut))
            #expect(throws: LogError.self) { try EventLogReader.replay(path: cut) }
            do {
                _ = try EventLogReader.replay(path: cut)
            } catch {
                #expect(error.description.contains("truncated"), "\(error.description)")
            }
        }
    }

    @Test func aCorruptedLineIsReportedWithItsLineNumber() throws {
        let loaded = try ScenarioLoader.load(text: Fixtures.small, file: "small.json5")
        let (_, path) = try runWithLog(loaded, replications: 1, threads: 1)
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false
        ).map(String.init)
        lines[10] = lines[10].replacingOccurrences(of: "\"seq\":", with: "\"seq\":1")
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try EventLogReader.replay(path: path)
            Issue.record("expected a corrupt-log error")
        } catch {
            #expect(error.description.contains("corrupt event log"))
            #expect(error.description.contains("line 11"))
        }
    }
}

/// A run is a pure function of (scenario, seed, replication), whatever the thread count.
@Suite struct DeterminismTests {
    @Test func threadCountDoesNotChangeResults() throws {
        let loaded = try ScenarioLoader.load(text: Fixtures.small, file: "small.json5")
        let one = try Runner.run(loaded, options: RunOptions(replications: 6, seed: 99, threads: 1))
        let two = try Runner.run(loaded, options: RunOptions(replications: 6, seed: 99, threads: 2))
        let four = try Runner.run(loaded, options: RunOptions(replications: 6, seed: 99, threads: 4))
        #expect(one.replications == two.replications)
        #expect(one.replications == four.replications)
    }

    @Test func theSameSeedGivesTheSameEventsAndAnotherSeedDoesNot() throws {
        let scenario = try Fixtures.smallScenario()
        func events(seed: UInt64, replication: Int) -> [Event] {
            var s = Simulation(scenario: scenario, seed: seed, replication: replication, sink: EventCollector())
            s.run()
            return s.sink.events
        }
        #expect(events(seed: 3, replication: 1) == events(seed: 3, replication: 1))
        #expect(events(seed: 3, replication: 1) != events(seed: 4, replication: 1))
        #expect(events(seed: 3, replication: 1) != events(seed: 3, replication: 2))
    }

    @Test func replicationsAreIndependentOfEachOther() throws {
        // Replication 3 alone equals replication 3 of a batch (streams derive from its number).
        let scenario = try Fixtures.smallScenario()
        let batch = try Runner.run(
            ScenarioLoader.load(text: Fixtures.small, file: "s"), options: RunOptions(replications: 4, seed: 8))
        #expect(Runner.replicate(scenario, seed: 8, replication: 3) == batch.replications[3])
    }
}
