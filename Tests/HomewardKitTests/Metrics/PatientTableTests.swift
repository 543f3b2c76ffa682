import Foundation
import Testing

@testable import HomewardKit

/// The projection's per-patient table (`PatientTable`) and the fold that uses it: identities
/// between metrics that hold for any event stream, random and hostile; the readmission rule
/// against a small model of that rule alone, through prunes and logs out of time order; the
/// table against a dictionary; memory that follows the patients present. (Metrics worked out
/// by hand for a short story are in `ProjectionRulesTests`.)
@Suite struct PatientTableTests {
    /// A small deterministic generator (SplitMix64), so failures reproduce.
    struct Mix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
    }

    /// A random event stream over `context`: patient ids from a small pool (so that their
    /// states interact), a larger pool (so that the table grows, is pruned and shrinks) and
    /// hostile values (0, UInt32.max, anything); times in [0, horizon] ending with `.end`.
    static func events(_ context: ProjectionContext, seed: UInt64, count: Int, backwards: Bool = false) -> [Event] {
        var r = Mix(state: seed)
        let horizon = context.horizon
        let services = context.services.count
        var t = 0.0
        var out: [Event] = []
        let kinds: [EventKind] = [
            .conveyance, .conveyance, .diversion, .enter, .enter, .enter, .leave, .leave, .leave, .medicallyOptimised,
            .delay, .delay, .delay, .transferWait, .transferWait, .crisis, .notConveyed, .capacity, .serviceEnd,
            .careHomeAdmission, .death, .followUp91, .edWait, .assessmentStart,
        ]
        for k in 0..<count {
            if r.below(4) != 0 { t = min(horizon, t + r.unit() * 3 * horizon / Double(count)) }
            // A log out of time order (only from a file): now and then, back by up to a day.
            if backwards && r.below(200) == 0 { t = max(0, t - r.unit()) }
            let patient: UInt32
            switch r.below(10) {
            case 0..<6: patient = UInt32(r.below(40))
            case 6..<9: patient = UInt32(r.below(3_000)) &* 2_654_435_761
            default: patient = [0, UInt32.max, UInt32.max - 1, UInt32(truncatingIfNeeded: r.next())][r.below(4)]
            }
            let kind = kinds[r.below(kinds.count)]
            let cohort = Int16(r.below(context.cohorts.count + 1) - 1)
            let service = Int16(r.below(services))
            let detail: Int32
            switch kind {
            case .leave: detail = Int32(r.below(services + 2) - 2)
            case .delay:
                detail =
                    r.below(10) < 7
                    ? DelayCode(
                        reason: DelayReason(rawValue: Int32(r.below(11)))!,
                        responsible: Responsible(rawValue: Int32(r.below(3)))!
                    ).packed
                    : [-1, 3, 11 * 4, Int32.max][r.below(4)]
            case .medicallyOptimised: detail = Int32(r.below(context.pathways.count))
            case .capacity: detail = Int32(r.below(60))
            case .serviceEnd: detail = Int32(r.below(7))
            case .careHomeAdmission: detail = Int32(r.below(4))
            case .followUp91: detail = Int32(r.below(5))
            default: detail = 0
            }
            out.append(
                Event(
                    time: t, sequence: UInt64(k), patient: patient, kind: kind, cohort: cohort, service: service,
                    detail: detail))
        }
        out.append(end(context, after: count))
        return out
    }

    /// The `.end` event that closes a made-up log of `count` events.
    static func end(_ context: ProjectionContext, after count: Int) -> Event {
        Event(
            time: context.horizon, sequence: UInt64(count), patient: Event.noPatient, kind: .end, cohort: -1,
            service: -1, detail: 0)
    }

    /// The table's own invariants: every slot holds the patient it is keyed by, and no slot is
    /// kept for a patient the projection has nothing to remember about.
    static func checkTable(_ p: Projection, _ label: String) {
        var wrong = 0
        for key in p.patients.keys(where: { _ in true }) {
            let s = p.patients.entry(p.patients.find(key))
            if s.key != key || s.isEmpty { wrong += 1 }
        }
        for key in p.lastAcuteDischarge.keys(where: { _ in true })
        where p.lastAcuteDischarge.entry(p.lastAcuteDischarge.find(key)).key != key {
            wrong += 1
        }
        #expect(wrong == 0, "\(wrong) slots hold another patient or nothing\(label)")
    }

    /// Folds `events`, checking the table every `every` events; `before` sees the projection
    /// and each event before it is folded.
    static func fold(
        _ events: [Event], _ context: ProjectionContext, recordingDaily: Bool = false, every: Int, _ label: String = "",
        before: (Projection, Event) -> Void = { _, _ in }
    ) -> Projection {
        var p = Projection(context: context, recordingDaily: recordingDaily)
        for (k, e) in events.enumerated() {
            before(p, e)
            p.append(e)
            if k % every == 0 || e.kind == .end { checkTable(p, " after event \(k)\(label)") }
        }
        return p
    }

    /// The readmission rule alone, as the projection's documentation states it: a measured
    /// conveyance within 30 (91) days of the patient's last discharge from acute is a
    /// readmission; a death forgets the discharge; every 30 days of event time, discharges more
    /// than 92 days old are forgotten (after the event that passes the 30 days).
    struct ReadmissionRule {
        let warmup: Double
        let horizon: Double
        let acute: Int16
        var last: [UInt32: Double] = [:]
        var lastPrune = 0.0
        var within30 = 0.0
        var within91 = 0.0

        mutating func append(_ e: Event) {
            switch e.kind {
            case .conveyance where e.time >= warmup && e.time < horizon:
                if let t = last[e.patient] {
                    if e.time - t <= 30 { within30 += 1 }
                    if e.time - t <= 91 { within91 += 1 }
                }
            case .leave:
                if e.service == acute && e.detail != Destination.died { last[e.patient] = e.time }
                if e.detail == Destination.died { last[e.patient] = nil }
            default:
                break
            }
            if e.time - lastPrune > 30 {
                lastPrune = e.time
                last = last.filter { $0.value >= e.time - 92 }
            }
        }
    }

    static func readmissions(_ events: [Event], _ context: ProjectionContext) -> (Double, Double) {
        var rule = ReadmissionRule(warmup: context.warmup, horizon: context.horizon, acute: Int16(context.acute))
        for e in events { rule.append(e) }
        return (rule.within30, rule.within91)
    }

    /// Sums of the scalar metrics whose keys start with `prefix` (a group: `group.member`).
    static func groupSum(_ m: ReplicationMetrics, _ prefix: String) -> (sum: Double, members: Int) {
        let members = m.values.filter { $0.key.hasPrefix(prefix) }
        return (members.reduce(0) { $0 + $1.value }, members.count)
    }

    static func series(_ m: ReplicationMetrics, _ key: String) -> [Double] {
        m.monthly.first { $0.key == key }?.values ?? []
    }

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(a), abs(b)) }

    /// Identities between metrics that any fold must keep, whatever the events: parts add up to
    /// their whole (by reason, by responsible organisation, by month, by day), subsets stay
    /// within their sets, and the acute hospital's blocked days are the delayed bed days.
    static func checkIdentities(_ m: ReplicationMetrics, daily: Bool, _ label: String) {
        func v(_ key: String) -> Double { m[key] ?? .nan }
        let exact = v("delayedBedDays")
        let midnight = v("delayedBedDaysMidnight")
        var failed: [String] = []
        func check(_ ok: Bool, _ what: String) { if !ok { failed.append(what) } }
        let byReason = groupSum(m, "delayedBedDaysByReason.")
        check(byReason.members == DelayReason.allCases.count && close(byReason.sum, exact), "by reason")
        check(groupSum(m, "delayedBedDaysMidnightByReason.").sum == midnight, "midnight by reason")
        check(close(groupSum(m, "delayedBedDaysByResponsible.").sum, exact), "by responsible")
        check(groupSum(m, "delayedBedDaysByPathway.").sum <= exact * (1 + 1e-9), "by pathway within total")
        check(v("services.acute.blockedDays") == exact, "acute blocked days")
        check(groupSum(m, "nelAdmissionsByCohort.").sum <= v("nelAdmissions"), "by cohort within NELs")
        check(v("readmissions") <= v("readmissions91") && v("readmissions91") <= v("nelAdmissions"), "readmissions")
        check(v("edWaitsOver4Hours") <= v("services.acute.admissions"), "ED waits over 4 hours")
        check(v("permanentCareHomeAdmissions65") <= v("permanentCareHomeAdmissions"), "care homes 65+")
        check(v("delayedPatients") == 0 || v("meanDelayDays") > 0, "mean delay")
        check(close(groupSum(m, "costByService.").sum + v("schemeCost"), v("totalCost")), "total cost")
        // Monthly series add up to the period's totals.
        for (series, total) in [
            ("nelAdmissions", "nelAdmissions"), ("admissionsAvoided", "admissionsAvoided"),
            ("delayedBedDaysMidnight", "delayedBedDaysMidnight"),
            ("permanentCareHomeAdmissions65", "permanentCareHomeAdmissions65"),
        ] {
            check(Self.series(m, series).reduce(0, +) == v(total), "monthly \(series)")
        }
        check(close(Self.series(m, "delayedBedDays").reduce(0, +), exact), "monthly delayedBedDays")
        for r in DelayReason.allCases {
            let key = "delayedBedDaysMidnightByReason.\(r.code)"
            check(Self.series(m, key).reduce(0, +) == v(key), "monthly \(key)")
        }
        let months = Self.series(m, "delayedBedDaysMidnight")
        check(Self.series(m, "delayedBedDaysMidnight").count == m.monthLabels.count, "months")
        if let worst = months.max(), !v("delayedBedDaysWorstMonth").isNaN {
            check(v("delayedBedDaysWorstMonth") <= worst, "worst month")
        }
        if daily {
            let delayed = m.daily.first { $0.key == "delayedPatients" }?.values ?? []
            check(delayed.reduce(0, +) == midnight, "daily delayed patients")
            let census = m.daily.first { $0.key == "occupancy.acute" }?.values ?? []
            check(close(census.reduce(0, +) / Double(census.count), v("acuteOccupancyMean")), "daily acute census")
        }
        #expect(failed.isEmpty, "identities that do not hold\(label): \(failed)")
    }

    @Test(arguments: [(false, false), (true, false), (false, true)])
    func metricIdentitiesHoldForRandomAndHostileStreams(recordingDaily: Bool, backwards: Bool) throws {
        var context = ProjectionContext(scenario: try Fixtures.smallScenario())
        for (seed, warmup) in [(1, 30), (2, 0), (3, 30), (4, 7), (5, 30), (6, 0)] as [(UInt64, Int)] {
            context.warmupDays = warmup
            let events = Self.events(context, seed: seed, count: 30_000, backwards: backwards)
            let p = Self.fold(events, context, recordingDaily: recordingDaily, every: 997, ", seed \(seed)")
            let m = p.metrics()
            Self.checkIdentities(m, daily: recordingDaily, ", seed \(seed)")
            let (r30, r91) = Self.readmissions(events, context)
            #expect(m["readmissions"] == r30 && m["readmissions91"] == r91, "seed \(seed)")
            // The same events give the same metrics, to the bit.
            if seed == 1 {
                #expect(Self.fold(events, context, recordingDaily: recordingDaily, every: 30_001).metrics() == m)
            }
            #expect(
                p.delayExact > 0 && p.readmissions30 > 0 && p.delayedPatients > 0,
                "the stream exercises delays and readmissions")
        }
    }

    /// Many discharges over years (about 50 prunes): readmissions follow the rule.
    @Test func longRunsOfDischarges() throws {
        var context = ProjectionContext(scenario: try Fixtures.smallScenario())
        context.warmupDays = 0
        context.days = 1_500
        let acute = Int16(context.acute)
        var events: [Event] = []
        var r = Mix(state: 42)
        var t = 0.0
        for k in 0..<40_000 {
            t += r.unit() * 0.07
            let patient = UInt32(r.below(2_500))
            for kind in [EventKind.conveyance, .enter, .leave] {
                events.append(
                    Event(
                        time: t, sequence: UInt64(events.count), patient: patient, kind: kind, cohort: 1,
                        service: acute, detail: kind == .leave ? Destination.home : 0))
                if kind == .enter && k % 3 == 0 { t += r.unit() * 0.02 }
            }
        }
        events.append(Self.end(context, after: events.count))
        let p = Self.fold(events, context, every: 9_973)
        let (r30, r91) = Self.readmissions(events, context)
        #expect(p.readmissions30 == r30 && p.readmissions91 == r91)
        #expect(p.readmissions30 > 0 && p.readmissions91 > p.readmissions30 && p.prunes > 40)
        Self.checkIdentities(p.metrics(), daily: false, "")
    }

    /// A log far out of time order (only from a file): now and then the time jumps back by up to
    /// 200 days, so that conveyances meet discharges an earlier prune forgot, discharges are
    /// written before the latest prune's horizon, and the table is swept with entries of both
    /// kinds. Forgetting by prune counts and occasional sweeps must match a sweep at every
    /// prune (the rule's statement) event for event.
    @Test func logsFarOutOfTimeOrderForgetDischargesAsEveryPruneWould() throws {
        var context = ProjectionContext(scenario: try Fixtures.smallScenario())
        context.warmupDays = 0
        context.days = 3_000
        let acute = Int16(context.acute)
        var events: [Event] = []
        var r = Mix(state: 7)
        var t = 0.0
        var jumps = 0
        for _ in 0..<60_000 {
            t = min(t + r.unit() * 0.2, context.horizon - 1)
            if r.below(1_500) == 0 {
                t = max(0, t - r.unit() * 200)
                jumps += 1
            }
            let patient = UInt32(r.below(1_500))
            let kinds: [EventKind] = r.below(8) == 0 ? [.leave] : [.conveyance, .enter, .leave]
            for kind in kinds {
                events.append(
                    Event(
                        time: t, sequence: UInt64(events.count), patient: patient, kind: kind, cohort: 1,
                        service: acute,
                        detail: kind == .leave ? (r.below(20) == 0 ? Destination.died : Destination.home) : 0))
            }
        }
        events.append(Self.end(context, after: events.count))
        var conveyancesThatMetAForgottenDischarge = 0
        var rule = ReadmissionRule(warmup: context.warmup, horizon: context.horizon, acute: acute)
        var agreedThroughout = true
        let p = Self.fold(events, context, every: 4_999) { p, e in
            if e.kind == .conveyance, p.lastAcuteDischarge.find(e.patient) >= 0, p.lastDischarge(e.patient) == nil {
                conveyancesThatMetAForgottenDischarge += 1
            }
            // Event for event: the discharge the projection remembers is the rule's.
            if p.lastDischarge(e.patient) != rule.last[e.patient] { agreedThroughout = false }
            rule.append(e)
        }
        #expect(agreedThroughout)
        #expect(p.readmissions30 == rule.within30 && p.readmissions91 == rule.within91)
        #expect(jumps > 20 && p.prunes > 50 && p.readmissions30 > 0, "\(jumps) jumps, \(p.prunes) prunes")
        // The case this test is for happened: a discharge still in the table, but pruned.
        #expect(conveyancesThatMetAForgottenDischarge > 0)
    }

    /// The real model's events: identities, the readmission rule, and the daily series.
    @Test func theSmallScenarioKeepsTheIdentities() throws {
        let scenario = try Fixtures.smallScenario()
        var simulation = Simulation(scenario: scenario, seed: 3, replication: 0, sink: Recorder())
        simulation.run()
        let context = ProjectionContext(scenario: scenario)
        let events = simulation.sink.events
        let p = Self.fold(events, context, recordingDaily: true, every: 2_003)
        let m = p.metrics()
        Self.checkIdentities(m, daily: true, "")
        let (r30, r91) = Self.readmissions(events, context)
        #expect(m["readmissions"] == r30 && m["readmissions91"] == r91)
        #expect(r30 > 0 && m["delayedBedDays"]! > 0)
    }

    struct Recorder: EventSink {
        var events: [Event] = []
        mutating func append(_ event: Event) { events.append(event) }
    }

    /// The table against a dictionary under random inserts and removals, with the keys that
    /// could trouble it: 0, UInt32.max, and keys equal in their low or high bits.
    @Test func tableMatchesADictionary() {
        for seed in [UInt64(0), 1, 0xDEAD_BEEF] {
            var table = PatientTable(seed: seed)
            var model: [UInt32: Double] = [:]
            var r = Mix(state: seed ^ 0x1234)
            let pools: [[UInt32]] = [
                Array(0..<300), (0..<300).map { $0 << 20 }, (0..<300).map { UInt32.max - $0 },
                (0..<300).map { $0 &* 65_536 &+ 7 },
            ]
            for step in 0..<60_000 {
                let pool = pools[r.below(pools.count)]
                let key = pool[r.below(pool.count)]
                if r.below(3) == 0 {
                    let i = table.findForUpdate(key)
                    #expect((i >= 0) == (model[key] != nil))
                    if i >= 0 {
                        table.state(i).pointee.flags.remove(.conveyed)
                        table.removeIfEmpty(at: i)
                        model[key] = nil
                    }
                } else {
                    let i = table.slot(for: key)
                    table.state(i).pointee.conveyedAt = Double(step)
                    table.state(i).pointee.flags.insert(.conveyed)
                    model[key] = Double(step)
                }
                if step % 5_000 == 0 {
                    // A prune-like sweep: forget the older half.
                    let cut = Double(step) - 2_000
                    table.removeAll { $0.conveyedAt < cut }
                    model = model.filter { $0.value >= cut }
                }
                #expect(table.count == model.count)
            }
            for (key, value) in model {
                let i = table.find(key)
                #expect(i >= 0 && table.entry(i).conveyedAt == value)
            }
            #expect(Set(table.keys(where: { _ in true })) == Set(model.keys))
            #expect(table.capacity.nonzeroBitCount == 1 && table.capacity >= 2 * table.count)
        }
    }

    /// Memory follows the keys present: ids spread over the whole UInt32 range do not make the
    /// table large, and a table emptied by a sweep shrinks back.
    @Test func memoryFollowsTheKeysPresent() {
        var table = PatientTable()
        for k in 0..<10_000 {
            let i = table.slot(for: UInt32(k) &* 429_497)  // spread over 0 ... 2^32
            table.state(i).pointee.flags.insert(.entered)
        }
        #expect(table.count == 10_000)
        #expect(table.capacity <= 32_768)
        table.removeAll { _ in true }
        #expect(table.count == 0)
        #expect(table.capacity == PatientTable.minimumCapacity)
        // Slots stay small: a patient in the system in one cache line, a discharge in 24 bytes.
        #expect(MemoryLayout<PatientState>.stride <= 64)
        #expect(MemoryLayout<DischargeEntry>.stride == 24)
    }

    /// A copy is independent of the original (copy on write).
    @Test func copiesAreIndependent() {
        var a = PatientTable()
        let i = a.slot(for: 42)
        a.state(i).pointee.flags.insert(.entered)
        var b = a
        let j = b.slot(for: 43)
        b.state(j).pointee.flags.insert(.entered)
        let k = b.findForUpdate(42)
        b.state(k).pointee.flags.remove(.entered)
        b.removeIfEmpty(at: k)
        #expect(a.find(42) >= 0 && a.find(43) < 0 && a.count == 1)
        #expect(b.find(42) < 0 && b.find(43) >= 0 && b.count == 1)
    }
}
