import Foundation
import Testing

@testable import HomewardCLI
@testable import HomewardKit

/// `homeward events`, `homeward trace` and `homeward replay` (any format, `--salvage`), called
/// as the dispatcher will call them.
@Suite struct EventLogCommandTests {
    typealias Captured = CapturedConsole

    /// Runs a command as `HomewardCLI.main` would, mapping errors to exit codes the same way.
    /// Runs one command's handler, its errors mapped to messages and exit statuses as the
    /// command line maps them. (Generic in the status so as not to name `ExitStatus`, which
    /// Swift Testing also defines.)
    func run<Status: RawRepresentable<Int32>>(_ command: ([String], Console) throws -> Status, _ args: [String])
        -> (Int32, String, String)
    {
        let c = Captured()
        do {
            return (try command(args, c.console).rawValue, c.out, c.err)
        } catch {
            return (HomewardCLI.report(error, c.console).rawValue, c.out, c.err)
        }
    }

    @Test func convertBetweenAllFormatsAndReplayEachToTheSameSummary() throws {
        let logs = EventLogFixtures.small
        let dir = Fixtures.temporaryDirectory()
        let (status, out, err) = run(EventsCommand.run, ["convert", logs.binary, dir + "/a.csv"])
        #expect(status == 0, "\(err)")
        #expect(out.contains("to \(dir)/a.csv (CSV (.csv),"))
        #expect(run(EventsCommand.run, ["convert", dir + "/a.csv", dir + "/b.anything", "--to", "jsonl"]).0 == 0)
        #expect(try EventLogFormat.detect(path: dir + "/b.anything") == .jsonLines)
        #expect(run(EventsCommand.run, ["convert", dir + "/b.anything", dir + "/c.bin"]).0 == 0)
        var summaries: [String] = []
        for log in [logs.binary, logs.jsonLines, logs.csv, dir + "/a.csv", dir + "/b.anything", dir + "/c.bin"] {
            let (s, text, e) = run(EventLogReplayCommand.run, [log, "--format", "json", "--out", dir + "/replay"])
            #expect(s == 0, "\(e)")
            let metrics = try JSON5.parse(text).objectValue?["metrics"]
            summaries.append(metrics?.jsonText() ?? "none")
        }
        #expect(Set(summaries).count == 1)
        #expect(
            try summaries[0]
                == JSON5.parse(SummaryFiles.summaryJSON(logs.run.summary, manifest: .object(JSONObject())))
                .objectValue?["metrics"]?.jsonText())
    }

    @Test func convertRefusesBadUsage() {
        #expect(run(EventsCommand.run, []).0 == 2)
        #expect(run(EventsCommand.run, ["squash"]).0 == 2)
        #expect(run(EventsCommand.run, ["convert", "only-one"]).0 == 2)
        #expect(run(EventsCommand.run, ["convert", "a", "b", "--to", "xml"]).0 == 2)
        let (status, _, err) = run(EventsCommand.run, ["convert", "/nonexistent/log.hwlog", "/tmp/x.csv"])
        #expect(status == 3)
        #expect(err.contains("cannot read the event log"))
        #expect(
            run(EventsCommand.run, ["convert", EventLogFixtures.small.binary, EventLogFixtures.small.binary]).0 == 2)
    }

    @Test func infoChecksTheWholeLog() throws {
        let (status, out, _) = run(EventsCommand.run, ["info", EventLogFixtures.small.csv])
        #expect(status == 0)
        #expect(out.contains("format        CSV (.csv)"))
        #expect(out.contains("replication 2: "))
        let cut = try EventLogFixtures.damaged(EventLogFixtures.small.binary, name: "cut.hwlog") { $0.removeLast(100) }
        let (bad, _, err) = run(EventsCommand.run, ["info", cut])
        #expect(bad == 2)
        #expect(err.contains("truncated event log") && err.contains("byte offset"))
    }

    @Test func replayOfADamagedLogIsExitTwoAndSalvageWarnsAndReplays() throws {
        let logs = EventLogFixtures.small
        let size = try Data(contentsOf: URL(fileURLWithPath: logs.binary)).count
        let cut = try EventLogFixtures.damaged(logs.binary, name: "cut.hwlog") { $0.removeLast(size / 2) }
        let (status, _, err) = run(EventLogReplayCommand.run, [cut])
        #expect(status == 2)
        #expect(err.contains("truncated event log: \(cut): block "))
        let dir = Fixtures.temporaryDirectory()
        let (s, out, warning) = run(EventLogReplayCommand.run, [cut, "--salvage", "--out", dir])
        #expect(s == 0)
        #expect(warning.hasPrefix("warning: salvaged a damaged event log: kept replications 0 to 0 (1 of 3)"))
        #expect(warning.contains("lost replications 1 to 2 (2 of 3): at least"))
        #expect(out.contains("Replay of \(cut): 1 of 3 replications (salvaged)"))
        let summary = try JSON5.parse(String(contentsOfFile: dir + "/summary.json", encoding: .utf8))
        #expect(
            summary.objectValue?["manifest"]?.objectValue?["salvaged"]?.objectValue?["replicationsKept"]?.numberValue
                == 1)
    }

    @Test func traceTellsAStoryAndRefusesUnknownPatients() throws {
        let log = EventLogFixtures.small.jsonLines
        let (status, out, _) = run(TraceCommand.run, [log, "--patient", "150"])
        #expect(status == 0)
        #expect(out.contains("Patient 150, replication 0 of \(log): "))
        let (unknown, _, err) = run(TraceCommand.run, [log, "--patient", "99999", "--replication", "2"])
        #expect(unknown == 2)
        #expect(err.contains("no patient 99999 in replication 2"))
        #expect(run(TraceCommand.run, [log, "--patient", "1", "--replication", "3"]).0 == 2)
        #expect(run(TraceCommand.run, [log]).0 == 2)
        #expect(run(TraceCommand.run, [log, "--patient", "-1"]).0 == 2)
    }
}
