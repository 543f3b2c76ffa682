import Foundation
import Testing

@testable import HomewardCLI
@testable import HomewardKit

/// Real activity through the same projections as a forecast: a simulated replication written as
/// an activity file and read back gives the run's own metrics.
@Suite struct ActualsTests {
    /// The small scenario with room everywhere (no diversion, short queues), so that its
    /// activity is like a real hospital's.
    static let roomy = Fixtures.small
        .replacingOccurrences(
            of:
                #"capacity: { base: 40, changes: [{ from: "2021-04-10", to: "2021-05-10", capacity: 44 }] }, costPerDay: 400, divertAfterHours: 8"#,
            with:
                #"capacity: { base: 120, changes: [{ from: "2021-04-10", to: "2021-05-10", capacity: 124 }] }, costPerDay: 400"#
        )
        .replacingOccurrences(
            of: #"kind: "homeReablement", capacity: 8"#, with: #"kind: "homeReablement", capacity: 40"#
        )
        .replacingOccurrences(of: #"kind: "bedBased", capacity: 4"#, with: #"kind: "bedBased", capacity: 12"#)
        .replacingOccurrences(of: #"kind: "homeCare", capacity: 20"#, with: #"kind: "homeCare", capacity: 100"#)
        .replacingOccurrences(of: "capacity: 120, initialResidents: 110", with: "capacity: 200, initialResidents: 110")

    /// Runs one replication with a log, exports it as activity; returns the run's metrics, the
    /// activity file's path and the scenario.
    static func simulatedActivity(seed: UInt64 = 3) throws -> (
        run: ReplicationMetrics, activity: String, scenario: Scenario, directory: String
    ) {
        let dir = Fixtures.temporaryDirectory()
        let loaded = try ScenarioLoader.load(text: roomy, file: "roomy.json5")
        #expect(loaded.scenario.services[0].capacity.initial == 120, "the fixture's substitutions applied")
        var options = RunOptions(replications: 1, seed: seed, threads: 1)
        options.eventsPath = dir + "/run.hwlog"
        let run = try Runner.run(loaded, options: options).replications[0]
        let csv = try ActivityExport.csv(path: dir + "/run.hwlog", replication: 0)
        try csv.write(toFile: dir + "/activity.csv", atomically: true, encoding: .utf8)
        return (run, dir + "/activity.csv", loaded.scenario, dir)
    }

    static func actuals(_ path: String, _ s: Scenario) throws -> ActivityEvents {
        let activity = try ActivityFile.load(path: path, scenario: s, origin: s.origin)
        return ActivityEvents(activity: activity, scenario: s, origin: s.origin, from: s.start, days: s.days)
    }

    @Test func aSimulatedReplicationWrittenAsActivityGivesTheRunsMetrics() throws {
        let (run, path, s, _) = try Self.simulatedActivity()
        let actual = try Self.actuals(path, s).metrics()
        // Counts are exact; durations agree to the second the activity file records times in.
        let counts = [
            "crises", "nelAdmissions", "admissionsAvoided", "readmissions", "readmissions91",
            "permanentCareHomeAdmissions",
            "permanentCareHomeAdmissions65", "delayedBedDaysMidnight", "reablementAtHome91Rate", "acuteOccupancyMean",
            "acuteOccupancyP95",
        ]
        for key in counts {
            let expected = try #require(run[key], "\(key)")
            #expect(actual[key] == expected, "\(key): run \(expected), actuals \(actual[key] ?? .nan)")
        }
        var durations = ["delayedBedDays", "edWaitHours", "totalCost", "meanDelayDays"]
        durations += s.services.map { "services.\($0.name).occupiedDays" }
        for key in durations {
            let expected = try #require(run[key], "\(key)")
            let got = try #require(actual[key], "\(key)")
            #expect(abs(got - expected) <= 1e-5 * max(1, abs(expected)), "\(key): run \(expected), actuals \(got)")
        }
        #expect((run["nelAdmissions"] ?? 0) > 1000, "a real amount of activity")
        #expect((run["delayedBedDays"] ?? 0) > 100)
        // Monthly NELs too.
        let m = try #require(run.monthly.first { $0.key == "nelAdmissions" })
        #expect(actual.monthly.first { $0.key == "nelAdmissions" }?.values == m.values)
    }

    /// A spell is kept in 64 bytes (a 3 MB file of 31,738 spells took 5.0 MB as spells before,
    /// 2.0 MB now), and each absent value reads back as nil.
    @Test func aSpellTakes64BytesAndKeepsItsAbsentValues() {
        #expect(MemoryLayout<Spell>.stride == 64)
        let open = Spell(
            line: 7, patient: 3, cohort: 1, service: 2, arrival: 1.5, admitted: 2, optimised: nil, discharged: nil,
            pathway: nil, destination: nil, delayedFrom: nil, delay: nil, readmission: false)
        #expect(open.optimised == nil && open.discharged == nil && open.pathway == nil && open.destination == nil)
        #expect(open.delayedFrom == nil && open.delay == nil && !open.waiting && !open.readmission)
        #expect(open.line == 7 && open.patient == 3 && open.cohort == 1 && open.service == 2 && open.arrival == 1.5)
        let code = DelayCode(reason: .dii, responsible: .socialCare)
        let closed = Spell(
            line: 8, patient: 3, cohort: 0, service: 0, arrival: 0, admitted: 0, waiting: true, optimised: 0,
            discharged: 4, pathway: 0, destination: Destination.died, delayedFrom: 1, delay: code, readmission: true)
        #expect(closed.optimised == 0 && closed.discharged == 4 && closed.pathway == 0)
        #expect(closed.destination == Destination.died && closed.delayedFrom == 1 && closed.delay == code)
        #expect(closed.waiting && closed.readmission)
    }

    /// The spells grouped by patient (indexes, not copies) are the ones a plain grouping gives:
    /// patients in order of first appearance, each patient's spells by admission then line.
    @Test func spellsAreGroupedByPatientInTimeOrder() throws {
        let (_, path, s, _) = try Self.simulatedActivity()
        // Shuffle the rows (keeping the header) so that patients' spells are interleaved and
        // out of time order in the file.
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        var rng = SplitMix64(state: 5)
        var rows = Array(lines.dropFirst())
        for i in stride(from: rows.count - 1, to: 0, by: -1) {
            rows.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        let shuffled = Fixtures.temporaryDirectory() + "/shuffled.csv"
        try ([lines[0]] + rows).joined(separator: "\n").write(toFile: shuffled, atomically: true, encoding: .utf8)
        let activity = try ActivityFile.load(path: shuffled, scenario: s, origin: s.origin)
        var expected: [(Int32, [Spell])] = []
        var seen: [Int32: Int] = [:]
        for spell in activity.spells {
            if let i = seen[spell.patient] {
                expected[i].1.append(spell)
            } else {
                seen[spell.patient] = expected.count
                expected.append((spell.patient, [spell]))
            }
        }
        for i in expected.indices { expected[i].1.sort { ($0.admitted, $0.line) < ($1.admitted, $1.line) } }
        var got: [(Int32, [Spell])] = []
        activity.forEachPatient { p, list in got.append((Int32(p), list)) }
        #expect(got.count == expected.count && got.count == activity.patients.count)
        #expect(got.elementsEqual(expected) { $0.0 == $1.0 && $0.1 == $1.1 })
        #expect(expected.contains { $0.1.count > 2 }, "some patients have several spells")
        #expect(Set(activity.patients).count == activity.patients.count, "one pseudonym per patient")
    }

    @Test func theActivityFileHasOneRowPerSpellWithTheDocumentedColumns() throws {
        let (_, path, s, _) = try Self.simulatedActivity()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let rows = CSVText.rows(text)
        #expect(rows[0] == ActivityFile.columns)
        let activity = try ActivityFile.load(path: path, scenario: s, origin: s.origin)
        #expect(activity.spells.count == rows.count - 1)
        #expect(activity.delaysWithoutReason == 0, "every simulated delay has its reason")
        // Every service appears, and spells of acute carry a pathway when optimised.
        #expect(Set(activity.spells.map(\.service)) == Set(s.services.indices))
        #expect(
            activity.spells.filter { $0.service == s.acute && $0.optimised != nil }.allSatisfy { $0.pathway != nil })
    }

    // MARK: Malformed files

    func errors(_ text: String) throws -> [String] {
        let s = try Fixtures.smallScenario()
        do {
            _ = try ActivityFile(text: text, file: "a.csv", scenario: s, origin: CivilDate(iso: "2021-01-01")!)
            return []
        } catch {
            return error.messages
        }
    }

    @Test func malformedActivityNamesTheFileLineColumnAndProblem() throws {
        let header = "patient,cohort,admitted,optimised,discharged,pathway,destination\n"
        #expect(
            try errors("") == [
                "a.csv: empty file: expected a header line with the columns "
                    + ActivityFile.columns.joined(separator: ",")
            ])
        #expect(
            try errors("patient,cohort,admited\n")[0]
                == "a.csv: line 1, column admited: unknown column 'admited' (did you mean 'admitted'?); the columns are "
                + ActivityFile.columns.joined(separator: ", "))
        #expect(try errors("patient,admitted\n") == ["a.csv: line 1: missing the required column 'cohort'"])
        #expect(
            try errors(header + "p1,older,2021-02-30 10:00,,,,\n") == [
                "a.csv: line 2, column admitted: '2021-02-30 10:00' is not a date and time (use YYYY-MM-DD HH:MM, YYYY-MM-DDTHH:MM[:SS] or YYYY-MM-DD)"
            ])
        #expect(
            try errors(header + "p1,olde,2021-02-01,,,,\n") == [
                "a.csv: line 2, column cohort: unknown cohort 'olde' (did you mean 'older'?); the scenario's are adults, older, residents"
            ])
        #expect(
            try errors(header + "p1,older,2021-02-05,,2021-02-01,,home\n") == [
                "a.csv: line 2, column discharged: is before 'admitted'"
            ])
        #expect(
            try errors(header + "p1,older,2021-02-01,,2021-02-05,,\n") == [
                "a.csv: line 2, column destination: is empty but the spell has a discharge (give home, died or a service)"
            ])
        #expect(
            try errors(header + "p1,older,2021-02-01,,2021-02-05,9,home\n")[0].hasPrefix(
                "a.csv: line 2, column pathway: unknown pathway '9'"))
        #expect(
            try errors(header + "p1,older,2021-02-01,,2021-02-05,,home,extra\n") == [
                "a.csv: line 2: has 8 fields but the header has 7"
            ])
        #expect(
            try errors(header + "p1,older,2021-02-01 10:00,,2021-02-05,,home\np1,older,2021-02-03,,2021-02-08,,home\n")
                == [
                    "a.csv: line 3, column admitted: patient 'p1' is admitted here before leaving the spell on line 2 (spells of a patient must not overlap)"
                ])
        #expect(
            try errors(header + "p1,older,2021-02-01,,2021-02-05,,died\np1,older,2021-03-03,,,,\n") == [
                "a.csv: line 3: patient 'p1' has a spell after dying (line 2)"
            ])
        #expect(
            try errors("patient,cohort,admitted,readmission\np1,older,2021-02-01,maybe\n") == [
                "a.csv: line 2, column readmission: 'maybe' is not a flag (1/0, true/false, yes/no)"
            ])
        #expect(try errors(header) == ["a.csv: no spells (only a header)"])
        // Quoted fields with commas, CRLF line ends and a byte-order mark are read.
        #expect(try errors("\u{FEFF}patient,cohort,admitted\r\n\"p,1\",older,2021-02-01\r\n").isEmpty)
    }

    @Test func delayReasonsAreReadAsExtractsSpellThem() {
        #expect(ActivityFile.delayReason("A") == .a)
        #expect(ActivityFile.delayReason("c") == .c)
        #expect(
            ActivityFile.delayReason("D(i)") == .di && ActivityFile.delayReason("Di") == .di
                && ActivityFile.delayReason("d(I)") == .di)
        #expect(
            ActivityFile.delayReason("D(ii)") == .dii && ActivityFile.delayReason("Dii") == .dii
                && ActivityFile.delayReason("DII") == .dii)
        #expect(
            ActivityFile.delayReason("D") == nil && ActivityFile.delayReason("Z") == nil
                && ActivityFile.delayReason("") == nil)
    }

    @Test func delaysWithoutAReasonAreCountedAsOtherAndReported() throws {
        let s = try Fixtures.smallScenario()
        let text =
            "patient,cohort,admitted,optimised,discharged,destination\np1,older,2021-02-01,2021-02-03,2021-02-05 12:00,home\n"
        let file = try ActivityFile(text: text, file: "a.csv", scenario: s, origin: CivilDate(iso: "2021-01-01")!)
        #expect(file.delaysWithoutReason == 1 && file.delaysWithoutResponsible == 1)
        #expect(file.spells[0].delay == DelayCode(reason: .o, responsible: .nhs))
        #expect(file.spells[0].delayedFrom == 33)
        let c = CLITests.Captured()
        let dir = Fixtures.temporaryDirectory()
        try text.write(toFile: dir + "/a.csv", atomically: true, encoding: .utf8)
        try Fixtures.small.write(toFile: dir + "/small.json5", atomically: true, encoding: .utf8)
        let status = HomewardCLI.main(
            ["actuals", dir + "/a.csv", "--population", dir + "/small.json5", "--out", dir + "/out"], console: c.console
        )
        #expect(status == 0, "\(c.err)")
        #expect(c.err.contains("1 delayed spells have no delay_reason; their days count as O (other)"))
        let summary = try JSON5.parse(String(contentsOfFile: dir + "/out/summary.json", encoding: .utf8))
        // 2.5 days of delay, from the 3rd to midday on the 5th.
        #expect(
            summary.objectValue?["metrics"]?.objectValue?["delayedBedDays"]?.objectValue?["mean"]?.numberValue == 2.5)
    }

    @Test func mutatedActivityFilesGiveAResultOrAClearErrorNeverACrash() throws {
        // 3,000 mutations of a small valid file: characters replaced, fields dropped or
        // doubled, rows repeated or shuffled, extreme dates and text. Every one is either read
        // (and then measured and calibrated without trouble) or refused with messages naming
        // the file and a line.
        let s = try Fixtures.smallScenario()
        let (_, path, _, _) = try Self.simulatedActivity()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(
            separator: "\r\n", omittingEmptySubsequences: false
        ).map(String.init)
        let base = Array(lines.prefix(40))
        var rng = RandomStream(seed: 2026)
        let junk = [
            "", ",", "\"", "\"\"", "9999-12-31 23:59", "0001-01-01", "2021-13-01", "2021-02-29 10:00", "-1", "1e308",
            "NaN", "acute", "died", "home",
            "D(ii)", "x\u{0}y", String(repeating: "9", count: 400), "2021-03-01T25:00", "2021-03-01 10:00:60", "P1",
            "older", "\n",
        ]
        var read = 0
        var refused = 0
        for _ in 0..<3000 {
            var rows = base
            for _ in 0..<(rng.uniform() < 0.6 ? 1 : 2) {
                let r = 1 + Int(rng.uniform() * Double(rows.count - 1))
                var fields = rows[r].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                switch Int(rng.uniform() * 8) {
                case 6, 7:
                    // A valid time in a random time column: the format holds, the order may not.
                    let columns = [4, 5, 6, 7, 8].filter { $0 < fields.count && !fields[$0].isEmpty }
                    guard let c = columns.randomElement(using: &rng) else { break }
                    let day = 1 + Int(rng.uniform() * 28)
                    fields[c] =
                        "2021-0\(2 + Int(rng.uniform() * 3))-\(day < 10 ? "0" : "")\(day) \(10 + Int(rng.uniform() * 10)):00"
                case 0:
                    fields[Int(rng.uniform() * Double(fields.count))] = junk[Int(rng.uniform() * Double(junk.count))]
                case 1: fields.remove(at: Int(rng.uniform() * Double(fields.count)))
                case 2: fields.append(junk[Int(rng.uniform() * Double(junk.count))])
                case 3: rows.append(rows[r])
                case 4: rows.swapAt(r, 1 + Int(rng.uniform() * Double(rows.count - 1)))
                default:
                    rows[0] = rows[0].replacingOccurrences(
                        of: ["admitted", "patient", "cohort", "discharged"][Int(rng.uniform() * 4)], with: "x")
                }
                if !fields.isEmpty { rows[r] = fields.joined(separator: ",") }
            }
            let text = rows.joined(separator: "\n")
            do {
                let origin = CivilDate(iso: "2021-01-01")!
                let activity = try ActivityFile(text: text, file: "a.csv", scenario: s, origin: origin)
                read += 1
                let events = ActivityEvents(
                    activity: activity, scenario: s, origin: origin, from: CivilDate(iso: "2021-02-01")!, days: 60)
                #expect(events.metrics()["nelAdmissions"] != nil)
                _ = Calibration(
                    activity: activity, scenario: s, scenarioFile: "s", origin: origin,
                    from: CivilDate(iso: "2021-02-01")!, to: CivilDate(iso: "2021-04-01")!
                )
                .fragment(extends: "s.json5")
            } catch {
                refused += 1
                #expect(!error.messages.isEmpty)
                for m in error.messages { #expect(m.hasPrefix("a.csv: "), "\(m)") }
            }
        }
        #expect(read > 150, "\(read) read, \(refused) refused")
        #expect(refused > 100, "\(read) read, \(refused) refused")
    }

    // MARK: Commands

    @Test func actualsAndCompareActualsFromTheCommandLine() throws {
        let (_, activity, _, dir) = try Self.simulatedActivity(seed: 5)
        try Self.roomy.write(toFile: dir + "/roomy.json5", atomically: true, encoding: .utf8)
        // A forecast of the same scenario (other seeds) and the activity of one more replication.
        let c = CLITests.Captured()
        #expect(
            HomewardCLI.main(
                ["run", dir + "/roomy.json5", "--replications", "8", "--out", dir + "/forecast", "--quiet"],
                console: c.console) == 0, "\(c.err)")
        let c2 = CLITests.Captured()
        let status = HomewardCLI.main(
            ["compare-actuals", dir + "/forecast", activity, "--out", dir + "/cmp"], console: c2.console)
        #expect(status == 0, "\(c2.err)")
        #expect(c2.out.contains("95% of replications"))
        #expect(c2.out.contains("nelAdmissions by month"))
        let csv = CSVText.rows(try String(contentsOfFile: dir + "/cmp/compare-actuals.csv", encoding: .utf8))
        #expect(
            csv[0] == [
                "metric", "unit", "forecast_mean", "forecast_ci95_low", "forecast_ci95_high", "replications_p2.5",
                "replications_p97.5", "actual", "actual_vs_range",
            ])
        let nel = try #require(csv.first { $0.first == "nelAdmissions" })
        let (low, high, actual) = (Double(nel[5])!, Double(nel[6])!, Double(nel[7])!)
        #expect(nel[8] == (actual < low ? "below" : actual > high ? "above" : "inside"))
        #expect(abs(actual - Double(nel[2])!) < 0.1 * actual, "the same model's activity is near its forecast")
        let monthly = CSVText.rows(
            try String(contentsOfFile: dir + "/cmp/compare-actuals-monthly.csv", encoding: .utf8))
        #expect(monthly.count == 1 + 4 * 4, "4 series x 4 months")
        // Bad input: exit 2 with the file named.
        try "patient,cohort\n".write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        let c3 = CLITests.Captured()
        #expect(HomewardCLI.main(["compare-actuals", dir + "/forecast", dir + "/bad.csv"], console: c3.console) == 2)
        #expect(c3.err.contains("bad.csv: line 1: missing the required column 'admitted'"))
        let c4 = CLITests.Captured()
        #expect(HomewardCLI.main(["actuals", activity], console: c4.console) == 2)
        #expect(c4.err.contains("actuals needs --population SCENARIO"))
    }

    // MARK: Census from activity

    @Test func aRunStartsFromThePatientsTheActivityHasInEachServiceOnTheDate() throws {
        let (_, activity, s, dir) = try Self.simulatedActivity(seed: 9)
        try Self.roomy.write(toFile: dir + "/roomy.json5", atomically: true, encoding: .utf8)
        // Expected: spells open at midnight on 2021-05-01, counted straight from the file.
        let file = try ActivityFile.load(path: activity, scenario: s, origin: s.origin)
        let t = Double(CivilDate(iso: "2021-05-01")!.daysSinceEpoch - s.origin.daysSinceEpoch)
        let open = file.spells.filter { !$0.waiting && $0.admitted < t && ($0.discharged.map { $0 > t } ?? true) }
        let c = CLITests.Captured()
        let status = HomewardCLI.main(
            [
                "run", dir + "/roomy.json5", "--census-from", activity, "--at", "2021-05-01", "--replications", "1",
                "--events", dir + "/cf.jsonl", "--out", dir + "/cf",
            ],
            console: c.console)
        #expect(status == 0, "\(c.err)")
        #expect(c.err.contains("census from \(activity) at 2021-05-01: acute "))
        // The run starts on the date, with no warm-up, and its first events place the census.
        let stream = try EventLogStream(path: dir + "/cf.jsonl")
        #expect(stream.header.context.origin == CivilDate(iso: "2021-05-01")!)
        #expect(stream.header.context.warmupDays == 0)
        var entered = [Int](repeating: 0, count: s.services.count)
        var optimisedAtZero = 0
        while let (_, e) = try stream.next(), e.time == 0 {
            if e.kind == .enter { entered[Int(e.service)] += 1 }
            if e.kind == .medicallyOptimised { optimisedAtZero += 1 }
        }
        for (i, service) in s.services.enumerated() where service.kind != .crisisResponse {
            #expect(entered[i] == open.filter { $0.service == i }.count, "\(service.name)")
        }
        #expect(entered[s.acute] > 50)
        #expect(
            optimisedAtZero
                == open.filter { $0.service == s.acute && $0.pathway != nil && ($0.optimised ?? .infinity) <= t }.count)
        #expect(optimisedAtZero > 0, "patients already delayed start delayed")
        // A census that does not fit the scenario's capacity runs over capacity, with a warning.
        let tight = Self.roomy.replacingOccurrences(
            of: #"capacity: { base: 120, changes: [{ from: "2021-04-10", to: "2021-05-10", capacity: 124 }] }"#,
            with: "capacity: 20")
        #expect(tight != Self.roomy)
        try tight.write(toFile: dir + "/tight.json5", atomically: true, encoding: .utf8)
        let c2 = CLITests.Captured()
        #expect(
            HomewardCLI.main(
                [
                    "run", dir + "/tight.json5", "--census-from", activity, "--at", "2021-05-01", "--replications", "1",
                    "--quiet", "--out", dir + "/tight-results",
                ], console: c2.console) == 0)
        #expect(
            c2.err.contains(
                "warning: \(dir)/tight.json5: census.acute: has \(entered[s.acute]) patients but the capacity at the start is 20"
            ))
        let c3 = CLITests.Captured()
        #expect(HomewardCLI.main(["run", dir + "/roomy.json5", "--census-from", activity], console: c3.console) == 2)
        #expect(c3.err.contains("--census-from ACTIVITY.csv and --at DATE go together"))
    }
}
