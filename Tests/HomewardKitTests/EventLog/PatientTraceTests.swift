import Foundation
import Testing

@testable import HomewardKit

/// `homeward trace`: one patient's story in plain words, with dates and measured durations.
@Suite struct PatientTraceTests {
    /// Patient 466 of replication 0 of the small scenario (seed 5), as Homeward wrote it: an
    /// older person who waited in ED, went home on pathway 3 after a delay for a bed-based place.
    /// Only this patient's lines are kept (sequence renumbered, the replication's `end` added),
    /// so the story does not change when the model does.
    static let excerpt = #"""
        {"format":"homeward-events","version":1,"homeward":"0.1.0","scenarioHash":"5abc5432d4f13a5b","seed":5,"replications":1,"context":{"origin":"2021-01-30","warmupDays":30,"days":120,"acute":0,"population":64000,"adultPopulation":64000,"population65":14000,"pathways":["1","2","3","5"],"cohorts":[{"name":"adults","minimumAge":18},{"name":"older","minimumAge":65},{"name":"residents","minimumAge":85}],"schemes":[],"services":[{"name":"acute","kind":"acute","costPerDay":400,"costPerEpisode":0},{"name":"rapidResponse","kind":"crisisResponse","costPerDay":0,"costPerEpisode":0},{"name":"reablement","kind":"homeReablement","costPerDay":0,"costPerEpisode":0},{"name":"beds","kind":"bedBased","costPerDay":0,"costPerEpisode":0},{"name":"careHome","kind":"careHome","costPerDay":100,"costPerEpisode":0},{"name":"homeCare","kind":"homeCare","costPerDay":21.428571428571427,"costPerEpisode":0}]}}
        {"rep":0,"seq":0,"t":21.251846034058754,"kind":"crisis","patient":466,"cohort":"older","service":null,"detail":0}
        {"rep":0,"seq":1,"t":21.251846034058754,"kind":"conveyance","patient":466,"cohort":"older","service":"acute","detail":0}
        {"rep":0,"seq":2,"t":21.251846034058754,"kind":"edWait","patient":466,"cohort":"older","service":"acute","detail":0}
        {"rep":0,"seq":3,"t":21.38481893211491,"kind":"enter","patient":466,"cohort":"older","service":"acute","detail":-1}
        {"rep":0,"seq":4,"t":25.73885168396964,"kind":"medicallyOptimised","patient":466,"cohort":"older","service":"acute","detail":2}
        {"rep":0,"seq":5,"t":25.73885168396964,"kind":"delay","patient":466,"cohort":"older","service":"acute","detail":2}
        {"rep":0,"seq":6,"t":25.73885168396964,"kind":"assessmentStart","patient":466,"cohort":"older","service":"acute","detail":2}
        {"rep":0,"seq":7,"t":27.375,"kind":"assessmentEnd","patient":466,"cohort":"older","service":"acute","detail":2}
        {"rep":0,"seq":8,"t":27.375,"kind":"transferWait","patient":466,"cohort":"older","service":"beds","detail":0}
        {"rep":0,"seq":9,"t":27.375,"kind":"delay","patient":466,"cohort":"older","service":"acute","detail":8}
        {"rep":0,"seq":10,"t":30.375,"kind":"leave","patient":466,"cohort":"older","service":"acute","detail":3}
        {"rep":0,"seq":11,"t":30.375,"kind":"enter","patient":466,"cohort":"older","service":"beds","detail":-1}
        {"rep":0,"seq":12,"t":49.04905870810219,"kind":"serviceEnd","patient":466,"cohort":"older","service":"beds","detail":0}
        {"rep":0,"seq":13,"t":49.04905870810219,"kind":"leave","patient":466,"cohort":"older","service":"beds","detail":-1}
        {"rep":0,"seq":14,"t":121.375,"kind":"followUp91","patient":466,"cohort":"older","service":null,"detail":0}
        {"rep":0,"seq":15,"t":150.0,"kind":"end","patient":null,"cohort":null,"service":null,"detail":0}
        """#

    @Test(arguments: EventLogFormat.allCases)
    func theStoryOfAPatientDelayedForABedBasedPlace(_ format: EventLogFormat) throws {
        let dir = Fixtures.temporaryDirectory()
        try (Self.excerpt + "\n").write(toFile: dir + "/excerpt.jsonl", atomically: true, encoding: .utf8)
        let path = dir + "/excerpt." + format.fileExtension
        if format != .jsonLines { _ = try EventLogConversion.convert(input: dir + "/excerpt.jsonl", output: path) }
        let trace = try PatientTrace.read(path: path, patient: 466, replication: 0)
        #expect(
            trace.story(logName: "run.log") == """
                Patient 466, replication 0 of run.log: 15 events from 2021-02-20 06:03 to 2021-05-31 09:00 (measured period 2021-03-01 to 2021-06-28; simulated clock times)
                2021-02-20 06:03  crisis (cohort older)
                2021-02-20 06:03  conveyed to hospital: non-elective admission
                2021-02-20 06:03  no acute bed free: waiting in ED
                2021-02-20 09:14  admitted to acute after waiting 3.2 hours in ED
                2021-02-24 17:44  medically optimised, pathway 3 (after 4.4 days in acute)
                2021-02-24 17:44  delayed in acute: completion of assessment (reason A, both)
                2021-02-24 17:44  assessment started
                2021-02-26 09:00  assessment complete (took 1.6 days)
                2021-02-26 09:00  waiting for a beds place
                2021-02-26 09:00  delayed in acute awaiting a beds place (reason C, NHS)
                2021-03-01 09:00  left acute for beds: stay 9.0 days, delayed 4.6 days
                2021-03-01 09:00  entered beds (waited 3.0 days for the place)
                2021-03-20 01:11  beds ended: independent (after 18.7 days)
                2021-03-20 01:11  left beds for home: stay 18.7 days
                2021-05-31 09:00  91-day follow-up after leaving hospital for reablement: at home

                """)
    }

    /// A story from a live run: every line dated, in time order, ending with the patient out of
    /// hospital or still somewhere at the end of the run.
    @Test func aLiveRunTellsEveryPatientsStoryInDateOrder() throws {
        let path = EventLogFixtures.small.binary
        for patient: UInt32 in [0, 150, 300, 600, 900] {
            let trace = try PatientTrace.read(path: path, patient: patient, replication: 1)
            let lines = trace.story().split(separator: "\n").dropFirst()
            #expect(lines.count >= trace.events.count)
            let stamps = lines.map { String($0.prefix(16)) }
            #expect(stamps == stamps.sorted())
            #expect(lines.allSatisfy { $0.dropFirst(16).hasPrefix("  ") })
        }
    }

    /// A placement out of area by a downstream service's full waiting list reads as such, not
    /// as a diversion from ED, and the acute bed is left for that service.
    @Test func aPlacementOutOfAreaIsToldAsOne() throws {
        let context = ProjectionContext(scenario: try Fixtures.smallScenario())
        let beds = Int16(try #require(context.services.firstIndex { $0.name == "beds" }))
        var seq: UInt64 = 0
        func e(_ t: Double, _ kind: EventKind, _ service: Int16 = -1, _ detail: Int32 = 0) -> Event {
            defer { seq += 1 }
            return Event(time: t, sequence: seq, patient: 7, kind: kind, cohort: 1, service: service, detail: detail)
        }
        let events = [
            e(40, .crisis), e(40, .conveyance, 0), e(40, .enter, 0, -1), e(45, .medicallyOptimised, 0, 2),
            e(45, .diversion, beds), e(45, .leave, 0, Int32(beds)),
        ]
        let lines = PatientTrace.lines(events, context: context, endTime: 200)
        #expect(lines.contains { $0.hasSuffix("  no beds place free and its waiting list full: placed out of area") })
        #expect(lines.last?.contains("left acute for beds") == true, "\(lines)")
        #expect(!lines.contains { $0.contains("diverted") })
    }

    @Test func theDurationsAreComputedFromTheEvents() throws {
        // A made-up story with round numbers: origin 2016-10-01, so day 33 is 2016-11-03.
        var context = ProjectionContext(scenario: try Fixtures.smallScenario())
        context.origin = CivilDate(year: 2016, month: 10, day: 1)
        let day = 1.0
        let hour = day / 24
        var seq: UInt64 = 0
        func e(_ t: Double, _ kind: EventKind, _ service: Int16 = -1, _ detail: Int32 = 0) -> Event {
            defer { seq += 1 }
            return Event(time: t, sequence: seq, patient: 42, kind: kind, cohort: 1, service: service, detail: detail)
        }
        let t0 = 33 + 14 * hour + 20 * hour / 60  // 2016-11-03 14:20
        let events = [
            e(t0, .crisis), e(t0, .conveyance, 0), e(t0, .edWait, 0), e(t0 + 3 * hour, .enter, 0, -1),
            e(t0 + 6 * day, .medicallyOptimised, 0, 2),
            e(t0 + 6 * day, .delay, 0, DelayCode(reason: .a, responsible: .socialCare).packed),
            e(t0 + 6 * day, .assessmentStart, 0, 2), e(t0 + 7 * day, .assessmentEnd, 0, 2),
            e(t0 + 7 * day, .transferWait, 3),
            e(t0 + 7 * day, .delay, 0, DelayCode(reason: .c, responsible: .nhs).packed),
            e(t0 + 10.2 * day, .leave, 0, 3),
            e(t0 + 10.2 * day, .enter, 3, -1), e(t0 + 20 * day, .death, 3),
            e(t0 + 20 * day, .leave, 3, Destination.died),
        ]
        let lines = PatientTrace.lines(events, context: context, endTime: 200)
        #expect(
            lines == [
                "2016-11-03 14:20  crisis (cohort older)",
                "2016-11-03 14:20  conveyed to hospital: non-elective admission",
                "2016-11-03 14:20  no acute bed free: waiting in ED",
                "2016-11-03 17:20  admitted to acute after waiting 3.0 hours in ED",
                "2016-11-09 14:20  medically optimised, pathway 3 (after 5.9 days in acute)",
                "2016-11-09 14:20  delayed in acute: completion of assessment (reason A, social care)",
                "2016-11-09 14:20  assessment started",
                "2016-11-10 14:20  assessment complete (took 1.0 days)",
                "2016-11-10 14:20  waiting for a beds place",
                "2016-11-10 14:20  delayed in acute awaiting a beds place (reason C, NHS)",
                "2016-11-13 19:08  left acute for beds: stay 10.1 days, delayed 4.2 days",
                "2016-11-13 19:08  entered beds (waited 3.2 days for the place)",
                "2016-11-23 14:20  died in beds",
                "2016-11-23 14:20  left beds (died): stay 9.8 days",
            ])
        // What is open at the end of the run is said so.
        let open = PatientTrace.lines(Array(events.prefix(4)), context: context, endTime: t0 + 2 * day)
        #expect(open.last == "2016-11-05 14:20  end of the run: still in acute (stay 1.9 days so far)")
    }

    @Test func clockTimesRoundToTheNearestMinuteAcrossMidnight() {
        let origin = CivilDate(year: 2016, month: 12, day: 31)
        #expect(PatientTrace.clock(0, origin: origin) == "2016-12-31 00:00")
        #expect(PatientTrace.clock(0.999_999, origin: origin) == "2017-01-01 00:00")
        #expect(PatientTrace.clock(1.5, origin: origin) == "2017-01-01 12:00")
        // 23.98 hours would print as "24.0 hours": a duration that rounds to a whole day is
        // given in days.
        #expect(PatientTrace.duration(0.999) == "1.0 days")
        #expect(PatientTrace.duration(0.9999) == "1.0 days")
        #expect(PatientTrace.duration(0.995) == "23.9 hours")
        #expect(PatientTrace.duration(0.5) == "12.0 hours")
        // 4.25 is exact in binary: printf rounds the tie to even, as C libraries do.
        #expect(PatientTrace.duration(4.25) == "4.2 days")
        #expect(PatientTrace.duration(4.35) == "4.3 days")  // 4.3499999999999996447 in binary
    }

    @Test func anUnknownPatientOrReplicationIsAClearError() throws {
        let path = EventLogFixtures.small.binary
        #expect(throws: PatientTrace.Problem.self) {
            try PatientTrace.read(path: path, patient: 999_999, replication: 0)
        }
        let noPatient = try #require(throws: (any Error).self) {
            try PatientTrace.read(path: path, patient: 999_999, replication: 1)
        }
        #expect("\(noPatient)".contains("no patient 999999 in replication 1 (its patients are numbered 0 to "))
        let noReplication = try #require(throws: (any Error).self) {
            try PatientTrace.read(path: path, patient: 1, replication: 3)
        }
        #expect("\(noReplication)".contains("no replication 3: the log holds replications 0 to 2"))
    }
}
