import Foundation
import Testing

@testable import HomewardKit

/// CSV that spreadsheets read safely and that Homeward reads back exactly: text cells quoted
/// per RFC 4180 and neutralised when they start like a formula, numbers untouched.
@Suite struct CSVTests {
    /// The roomy scenario of the actuals tests with names that break naive CSV: line breaks,
    /// quotes, commas, and the first characters that spreadsheets run as formulas.
    static let hostile = ActualsTests.roomy
        .replacingOccurrences(of: "older:", with: #""=older,\r\n\"q\"":"#)
        .replacingOccurrences(of: "adults:", with: #""'=adults":"#)
        .replacingOccurrences(of: "residents:", with: #""@residents\n":"#)
        .replacingOccurrences(of: #"residentCohort: "residents""#, with: #"residentCohort: "@residents\n""#)
        .replacingOccurrences(of: "reablement:", with: #""+re\"able,ment\r":"#)
        .replacingOccurrences(of: #"service: "reablement""#, with: #"service: "+re\"able,ment\r""#)
        .replacingOccurrences(of: "beds:", with: #""\tbeds":"#)
        .replacingOccurrences(of: #"service: "beds""#, with: #"service: "\tbeds""#)
        .replacingOccurrences(of: "rapidResponse:", with: #""-rapid\r\nresponse ":"#)
        .replacingOccurrences(of: #"name: "small""#, with: #"name: "=HYPERLINK(\"http://x\"),\r-1""#)

    static let names = [
        "=older,\r\n\"q\"", "'=adults", "@residents\n", "+re\"able,ment\r", "\tbeds", "-rapid\r\nresponse ",
    ]

    static func hostileScenario() throws -> LoadedScenario {
        let loaded = try ScenarioLoader.load(text: hostile, file: "hostile.json5")
        let s = loaded.scenario
        for name in names {
            #expect(
                s.cohorts.contains { $0.name == name } || s.services.contains { $0.name == name },
                "the fixture has \(name.debugDescription)")
        }
        return loaded
    }

    /// No cell of `text` may start like a formula, and every row has `width` fields.
    static func expectSafe(_ text: String, width: Int) {
        let rows = CSVText.rows(text)
        #expect(rows.count > 1)
        let ragged = rows.filter { $0.count != width }
        #expect(ragged.isEmpty, "\(ragged.count) rows without \(width) fields, first \(ragged.first ?? [])")
        let formulas = rows.joined().filter { cell in
            guard let first = cell.unicodeScalars.first else { return false }
            return "=+@\t\r".unicodeScalars.contains(first) || (first == "-" && Double(cell) == nil)
        }
        #expect(formulas.isEmpty, "\(formulas.count) cells start like a formula, first \(formulas.first ?? "")")
    }

    @Test func theActivityFileQuotesNeutralisesAndReadsBackHostileNames() throws {
        let loaded = try Self.hostileScenario()
        let s = loaded.scenario
        let dir = Fixtures.temporaryDirectory()
        var options = RunOptions(replications: 1, seed: 3, threads: 1)
        options.eventsPath = dir + "/run.hwlog"
        let run = try Runner.run(loaded, options: options).replications[0]
        let csv = try ActivityExport.csv(path: dir + "/run.hwlog", replication: 0)
        Self.expectSafe(csv, width: ActivityFile.columns.count)
        try csv.write(toFile: dir + "/activity.csv", atomically: true, encoding: .utf8)
        let activity = try ActivityFile.load(path: dir + "/activity.csv", scenario: s, origin: s.origin)
        #expect(activity.spells.count == CSVText.rows(csv).count - 1)
        for name in ["=older,\r\n\"q\"", "'=adults", "@residents\n"] {
            let c = try #require(s.cohorts.firstIndex { $0.name == name })
            #expect(activity.spells.contains { $0.cohort == c }, "cohort \(name.debugDescription) read back")
        }
        for name in ["+re\"able,ment\r", "\tbeds", "-rapid\r\nresponse "] {
            let i = try #require(s.services.firstIndex { $0.name == name })
            #expect(activity.spells.contains { $0.service == i }, "service \(name.debugDescription) read back")
        }
        let actual = ActivityEvents(activity: activity, scenario: s, origin: s.origin, from: s.start, days: s.days)
            .metrics()
        #expect(actual["nelAdmissions"] == run["nelAdmissions"])
        #expect((run["nelAdmissions"] ?? 0) > 1000)
    }

    @Test func theCSVEventLogNeutralisesAndReadsBackHostileNames() throws {
        let loaded = try Self.hostileScenario()
        let dir = Fixtures.temporaryDirectory()
        var options = RunOptions(replications: 1, seed: 3, threads: 1)
        options.eventsPath = dir + "/run.csv"
        let run = try Runner.run(loaded, options: options).replications[0]
        let text = try String(contentsOfFile: dir + "/run.csv", encoding: .utf8)
        let body = text.split(separator: "\n", maxSplits: 1).last.map(String.init) ?? ""
        Self.expectSafe(body, width: 8)
        let replay = try EventLogReader.replay(path: dir + "/run.csv")
        #expect(replay.replications.count == 1)
        #expect(replay.replications[0]["nelAdmissions"] == run["nelAdmissions"])
        #expect(replay.replications[0]["delayedBedDays"] == run["delayedBedDays"])
    }

    @Test func summaryFilesQuoteAndNeutraliseButLeaveNumbersAlone() throws {
        let loaded = try Self.hostileScenario()
        let result = try Runner.run(loaded, options: RunOptions(replications: 2, seed: 3, threads: 1))
        let summary = Summary(result.replications)
        let csv = SummaryFiles.summaryCSV(summary)
        Self.expectSafe(csv, width: 10)
        let keys = CSVText.rows(csv).dropFirst().map { $0[0] }
        #expect(keys == summary.entries.map(\.key), "metric names, hostile service names in them, read back")
        Self.expectSafe(SummaryFiles.monthlyCSV(summary), width: 7)
        // A negative number is a number: written as it is, never prefixed.
        #expect(CSV.row(["-3.5", CSV.number(-3.5), .integer(-2)]) == "\"'-3.5\",-3.5,-2\r\n")
    }

    @Test func anActivityFileIsReadAsAStreamWithALineLimit() throws {
        let dir = Fixtures.temporaryDirectory()
        try Fixtures.small.write(toFile: dir + "/small.json5", atomically: true, encoding: .utf8)
        // 2 GB with no line break (sparse: no disk space): refused at the line limit, under 100 MB
        // of address space.
        let big = dir + "/activity.csv"
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        #expect(truncate(big, 2 << 30) == 0)
        let outcome = try Subprocess.run(
            ["actuals", big, "--population", dir + "/small.json5"], stdout: .file("/dev/null"), memoryLimit: 100 << 20)
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr.contains(
                "\(big): line 1: longer than 65536 bytes, the limit for a line of an activity file (see docs/actuals.md)"
            ),
            "\(outcome.stderr)")

        // Line numbers count the line breaks inside quoted fields; a quote never closed is named.
        let s = try Fixtures.smallScenario()
        let origin = CivilDate(iso: "2021-01-01")!
        let text = "patient,cohort,admitted,age_band\nP1,older,2021-03-01,\"a\nb\"\nP2,nobody,2021-03-02,x\n"
        do {
            _ = try ActivityFile(text: text, file: "a.csv", scenario: s, origin: origin)
            Issue.record("expected an error")
        } catch {
            #expect(error.messages.count == 1)
            #expect(error.messages.first?.hasPrefix("a.csv: line 4, column cohort: unknown cohort 'nobody'") == true)
        }
        do {
            _ = try ActivityFile(
                text: "patient,cohort,admitted\nP1,\"older,2021-03-01\n", file: "a.csv", scenario: s, origin: origin)
            Issue.record("expected an error")
        } catch {
            #expect(error.messages == ["a.csv: line 2: a quoted field is never closed (a '\"' is missing)"])
        }
    }

    @Test func anActivityExportOfADamagedLogIsAnErrorNotACrash() throws {
        let dir = Fixtures.temporaryDirectory()
        let loaded = try ScenarioLoader.load(text: ActualsTests.roomy, file: "roomy.json5")
        var options = RunOptions(replications: 1, seed: 3, threads: 1)
        options.eventsPath = dir + "/run.csv"
        _ = try Runner.run(loaded, options: options)
        var lines = try String(contentsOfFile: dir + "/run.csv", encoding: .utf8).components(separatedBy: "\n")
        let leave = try #require(lines.firstIndex { $0.contains(",leave,") })
        let fields = lines[leave].components(separatedBy: ",")
        let sequence = fields[1]
        lines[leave] = (fields.dropLast() + ["99"]).joined(separator: ",")
        try lines.joined(separator: "\n").write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        let outcome = try Subprocess.run(
            ["events", "activity", dir + "/bad.csv", dir + "/activity.csv"], stdout: .file("/dev/null"))
        #expect(outcome.signal == nil)
        #expect(outcome.status == 2)
        // The reader refuses the line itself (the log's own checks), before the export sees it.
        #expect(
            outcome.stderr.hasPrefix(
                "homeward: corrupt event log: \(dir)/bad.csv: line \(leave + 1): destination 99 of 'leave' is neither home (-1), died (-2) nor a service of the header"
            ), "\(outcome.stderr) (event \(sequence))")
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var text: String
        var cell: String
        var testDescription: String { text.debugDescription }
    }

    @Test(arguments: [
        Case(text: "plain", cell: "plain"),
        Case(text: "a,b", cell: "\"a,b\""),
        Case(text: "say \"hi\"", cell: "\"say \"\"hi\"\"\""),
        Case(text: "line\rbreak", cell: "\"line\rbreak\""),
        Case(text: "line\nbreak", cell: "\"line\nbreak\""),
        Case(text: "=1+2", cell: "\"'=1+2\""),
        Case(text: "+1", cell: "\"'+1\""),
        Case(text: "-1", cell: "\"'-1\""),
        Case(text: "@SUM(A1)", cell: "\"'@SUM(A1)\""),
        Case(text: "\tx", cell: "\"'\tx\""),
        Case(text: "\rx", cell: "\"'\rx\""),
        Case(text: "'=x", cell: "\"''=x\""),
        Case(text: "'x", cell: "'x"),
        Case(text: " padded ", cell: "\" padded \""),
        Case(text: "", cell: ""),
    ])
    func textCells(_ c: Case) throws {
        #expect(CSV.field(c.text) == c.cell)
        let reader = CSVRecordReader(
            bytes: Array((CSV.row([.text(c.text), .number(-3.5)])).utf8), maximumRecordBytes: 100)
        let record = try #require(try reader.next())
        #expect(record.fields.count == 2)
        #expect(CSV.decodeText(record.fields[0].text) == c.text)
        #expect(record.fields[1] == CSVField(text: "-3.5", quoted: false))
        #expect(try reader.next() == nil)
    }
}
