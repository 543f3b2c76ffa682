import Foundation
import Testing

@testable import HomewardKit

/// The projection's per-patient table (`PatientTable`) against the dictionaries it replaced:
/// the same metrics, to the last bit, for random and hostile event streams, and memory that
/// follows the patients present.
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

    /// The per-patient part of the new projection as the old dictionaries would hold it.
    static func dictionaries(_ p: Projection) -> [String: [UInt32: [UInt64]]] {
        var d: [String: [UInt32: [UInt64]]] = [
            "conveyedAt": [:], "lastAcuteDischarge": [:], "waitStart": [:], "enteredAt": [:], "openDelays": [:],
            "pathwayOf": [:], "delayedTotalOf": [:],
        ]
        for key in p.patients.keys(where: { _ in true }) {
            let s = p.patients.entry(p.patients.find(key))
            #expect(s.key == key)
            #expect(!s.isEmpty, "an empty state was kept for patient \(key)")
            if s.flags.contains(.conveyed) { d["conveyedAt"]![key] = [s.conveyedAt.bitPattern] }
            if s.flags.contains(.waiting) {
                d["waitStart"]![key] = [UInt64(bitPattern: Int64(s.waitService)), s.waitTime.bitPattern]
            }
            if s.flags.contains(.entered) { d["enteredAt"]![key] = [s.enteredAt.bitPattern] }
            if s.flags.contains(.delayed) {
                d["openDelays"]![key] = [
                    s.delayStart.bitPattern, UInt64(s.delayCode.packed), UInt64(bitPattern: Int64(s.delayService)),
                    UInt64(bitPattern: Int64(s.delayPathway)),
                ]
            }
            if s.flags.contains(.onPathway) { d["pathwayOf"]![key] = [UInt64(bitPattern: Int64(s.pathway))] }
            if s.flags.contains(.delayTotal) { d["delayedTotalOf"]![key] = [s.delayedTotal.bitPattern] }
        }
        // Discharges pruned but not yet swept from the table are forgotten, as in the old sweep.
        for key in p.lastAcuteDischarge.keys(where: { _ in true }) {
            #expect(p.lastAcuteDischarge.entry(p.lastAcuteDischarge.find(key)).key == key)
            if let time = p.lastDischarge(key) { d["lastAcuteDischarge"]![key] = [time.bitPattern] }
        }
        return d
    }

    static func dictionaries(_ p: LegacyProjection) -> [String: [UInt32: [UInt64]]] {
        [
            "conveyedAt": p.conveyedAt.mapValues { [$0.bitPattern] },
            "lastAcuteDischarge": p.lastAcuteDischarge.mapValues { [$0.bitPattern] },
            "waitStart": p.waitStart.mapValues { [UInt64(bitPattern: Int64($0.service)), $0.time.bitPattern] },
            "enteredAt": p.enteredAt.mapValues { [$0.bitPattern] },
            "openDelays": p.openDelays.mapValues {
                [
                    $0.start.bitPattern, UInt64($0.code.packed), UInt64(bitPattern: Int64($0.service)),
                    UInt64(bitPattern: Int64($0.pathway)),
                ]
            },
            "pathwayOf": p.pathwayOf.mapValues { [UInt64(bitPattern: Int64($0))] },
            "delayedTotalOf": p.delayedTotalOf.mapValues { [$0.bitPattern] },
        ]
    }

    static func fields(_ p: Projection) -> [String: [UInt64]] {
        var f: [String: [UInt64]] = [:]
        f["crises"] = [p.crises.bitPattern]
        f["notConveyed"] = [p.notConveyed.bitPattern]
        f["nel"] = [p.nel.bitPattern]
        f["avoided"] = [p.avoided.bitPattern]
        f["readmissions30"] = [p.readmissions30.bitPattern]
        f["readmissions91"] = [p.readmissions91.bitPattern]
        f["diversions"] = [p.diversions.bitPattern]
        f["edWaitSum"] = [p.edWaitSum.bitPattern]
        f["edWaitCount"] = [p.edWaitCount.bitPattern]
        f["edWaitsOver4h"] = [p.edWaitsOver4h.bitPattern]
        f["deaths"] = [p.deaths.bitPattern]
        f["censusCount"] = [p.censusCount.bitPattern]
        f["acuteDaysAbove92"] = [p.acuteDaysAbove92.bitPattern]
        f["acuteDaysAbove95"] = [p.acuteDaysAbove95.bitPattern]
        f["delayExact"] = [p.delayExact.bitPattern]
        f["delayMidnight"] = [p.delayMidnight.bitPattern]
        f["delayedPatients"] = [p.delayedPatients.bitPattern]
        f["delayedPatientDays"] = [p.delayedPatientDays.bitPattern]
        f["followUps65"] = [p.followUps65.bitPattern]
        f["atHome65"] = [p.atHome65.bitPattern]
        f["careHomeAdmissions"] = [p.careHomeAdmissions.bitPattern]
        f["careHomeAdmissions65"] = [p.careHomeAdmissions65.bitPattern]
        f["careHomeAdmissionsFromHospital"] = [p.careHomeAdmissionsFromHospital.bitPattern]
        f["lastPrune"] = [p.lastPrune.bitPattern]
        f["nelByCohort"] = p.nelByCohort.map(\.bitPattern)
        f["lastChange"] = p.lastChange.map(\.bitPattern)
        f["occupancyIntegral"] = p.occupancyIntegral.map(\.bitPattern)
        f["entries"] = p.entries.map(\.bitPattern)
        f["censusSum"] = p.censusSum.map(\.bitPattern)
        f["acuteCensusHistogram"] = p.acuteCensusHistogram.map(\.bitPattern)
        f["staySum"] = p.staySum.map(\.bitPattern)
        f["departures"] = p.departures.map(\.bitPattern)
        f["waitSum"] = p.waitSum.map(\.bitPattern)
        f["waitCount"] = p.waitCount.map(\.bitPattern)
        f["delayExactByReason"] = p.delayExactByReason.map(\.bitPattern)
        f["delayMidnightByReason"] = p.delayMidnightByReason.map(\.bitPattern)
        f["delayExactByResponsible"] = p.delayExactByResponsible.map(\.bitPattern)
        f["delayExactByPathway"] = p.delayExactByPathway.map(\.bitPattern)
        f["downstreamDelay"] = p.downstreamDelay.map(\.bitPattern)
        f["monthlyNEL"] = p.monthlyNEL.map(\.bitPattern)
        f["monthlyAvoided"] = p.monthlyAvoided.map(\.bitPattern)
        f["monthlyDelayExact"] = p.monthlyDelayExact.map(\.bitPattern)
        f["monthlyDelayMidnight"] = p.monthlyDelayMidnight.map(\.bitPattern)
        f["monthlySnapshot"] = p.monthlySnapshot.map(\.bitPattern)
        f["monthlyAcuteCensus"] = p.monthlyAcuteCensus.map(\.bitPattern)
        f["monthlyMidnights"] = p.monthlyMidnights.map(\.bitPattern)
        f["monthlyCareHome65"] = p.monthlyCareHome65.map(\.bitPattern)
        f["dailyDelayed"] = p.dailyDelayed.map(\.bitPattern)
        f["occupancy"] = p.occupancy.map { UInt64(bitPattern: Int64($0)) }
        f["capacity"] = p.capacity.map { UInt64(bitPattern: Int64($0)) }
        f["nextMidnight"] = p.nextMidnight.map { UInt64(bitPattern: Int64($0)) }
        f["monthlyDelayMidnightByReason"] = p.monthlyDelayMidnightByReason.flatMap {
            $0.map(\.bitPattern) + [UInt64.max]
        }
        f["dailyCensus"] = p.dailyCensus.flatMap { $0.map(\.bitPattern) + [UInt64.max] }
        f["dailyCapacity"] = p.dailyCapacity.flatMap { $0.map(\.bitPattern) + [UInt64.max] }
        return f
    }

    static func fields(_ p: LegacyProjection) -> [String: [UInt64]] {
        var f: [String: [UInt64]] = [:]
        f["crises"] = [p.crises.bitPattern]
        f["notConveyed"] = [p.notConveyed.bitPattern]
        f["nel"] = [p.nel.bitPattern]
        f["avoided"] = [p.avoided.bitPattern]
        f["readmissions30"] = [p.readmissions30.bitPattern]
        f["readmissions91"] = [p.readmissions91.bitPattern]
        f["diversions"] = [p.diversions.bitPattern]
        f["edWaitSum"] = [p.edWaitSum.bitPattern]
        f["edWaitCount"] = [p.edWaitCount.bitPattern]
        f["edWaitsOver4h"] = [p.edWaitsOver4h.bitPattern]
        f["deaths"] = [p.deaths.bitPattern]
        f["censusCount"] = [p.censusCount.bitPattern]
        f["acuteDaysAbove92"] = [p.acuteDaysAbove92.bitPattern]
        f["acuteDaysAbove95"] = [p.acuteDaysAbove95.bitPattern]
        f["delayExact"] = [p.delayExact.bitPattern]
        f["delayMidnight"] = [p.delayMidnight.bitPattern]
        f["delayedPatients"] = [p.delayedPatients.bitPattern]
        f["delayedPatientDays"] = [p.delayedPatientDays.bitPattern]
        f["followUps65"] = [p.followUps65.bitPattern]
        f["atHome65"] = [p.atHome65.bitPattern]
        f["careHomeAdmissions"] = [p.careHomeAdmissions.bitPattern]
        f["careHomeAdmissions65"] = [p.careHomeAdmissions65.bitPattern]
        f["careHomeAdmissionsFromHospital"] = [p.careHomeAdmissionsFromHospital.bitPattern]
        f["lastPrune"] = [p.lastPrune.bitPattern]
        f["nelByCohort"] = p.nelByCohort.map(\.bitPattern)
        f["lastChange"] = p.lastChange.map(\.bitPattern)
        f["occupancyIntegral"] = p.occupancyIntegral.map(\.bitPattern)
        f["entries"] = p.entries.map(\.bitPattern)
        f["censusSum"] = p.censusSum.map(\.bitPattern)
        f["acuteCensusHistogram"] = p.acuteCensusHistogram.map(\.bitPattern)
        f["staySum"] = p.staySum.map(\.bitPattern)
        f["departures"] = p.departures.map(\.bitPattern)
        f["waitSum"] = p.waitSum.map(\.bitPattern)
        f["waitCount"] = p.waitCount.map(\.bitPattern)
        f["delayExactByReason"] = p.delayExactByReason.map(\.bitPattern)
        f["delayMidnightByReason"] = p.delayMidnightByReason.map(\.bitPattern)
        f["delayExactByResponsible"] = p.delayExactByResponsible.map(\.bitPattern)
        f["delayExactByPathway"] = p.delayExactByPathway.map(\.bitPattern)
        f["downstreamDelay"] = p.downstreamDelay.map(\.bitPattern)
        f["monthlyNEL"] = p.monthlyNEL.map(\.bitPattern)
        f["monthlyAvoided"] = p.monthlyAvoided.map(\.bitPattern)
        f["monthlyDelayExact"] = p.monthlyDelayExact.map(\.bitPattern)
        f["monthlyDelayMidnight"] = p.monthlyDelayMidnight.map(\.bitPattern)
        f["monthlySnapshot"] = p.monthlySnapshot.map(\.bitPattern)
        f["monthlyAcuteCensus"] = p.monthlyAcuteCensus.map(\.bitPattern)
        f["monthlyMidnights"] = p.monthlyMidnights.map(\.bitPattern)
        f["monthlyCareHome65"] = p.monthlyCareHome65.map(\.bitPattern)
        f["dailyDelayed"] = p.dailyDelayed.map(\.bitPattern)
        f["occupancy"] = p.occupancy.map { UInt64(bitPattern: Int64($0)) }
        f["capacity"] = p.capacity.map { UInt64(bitPattern: Int64($0)) }
        f["nextMidnight"] = p.nextMidnight.map { UInt64(bitPattern: Int64($0)) }
        f["monthlyDelayMidnightByReason"] = p.monthlyDelayMidnightByReason.flatMap {
            $0.map(\.bitPattern) + [UInt64.max]
        }
        f["dailyCensus"] = p.dailyCensus.flatMap { $0.map(\.bitPattern) + [UInt64.max] }
        f["dailyCapacity"] = p.dailyCapacity.flatMap { $0.map(\.bitPattern) + [UInt64.max] }
        return f
    }

    /// The `.end` event that closes a made-up log of `count` events.
    static func end(_ context: ProjectionContext, after count: Int) -> Event {
        Event(
            time: context.horizon, sequence: UInt64(count), patient: Event.noPatient, kind: .end, cohort: -1,
            service: -1, detail: 0)
    }

    /// Folds `events` through the new projection and the old dictionaries side by side,
    /// requiring the same per-patient state after every `every`-th event and after `.end`;
    /// `before` sees the new projection and each event before it is folded.
    static func foldBothWays(
        _ events: [Event], _ context: ProjectionContext, recordingDaily: Bool = false, every: Int,
        _ label: String = "", before: (Projection, Event) -> Void = { _, _ in }
    ) throws -> (new: Projection, old: LegacyProjection) {
        var new = Projection(context: context, recordingDaily: recordingDaily)
        var old = LegacyProjection(context: context, recordingDaily: recordingDaily)
        for (k, e) in events.enumerated() {
            before(new, e)
            new.append(e)
            old.append(e)
            if k % every == 0 || e.kind == .end {
                let same = dictionaries(new) == dictionaries(old)
                try #require(same, "per-patient state differs after event \(k)\(label)")
            }
        }
        return (new, old)
    }

    @Test(arguments: [(false, false), (true, false), (false, true)])
    func sameFoldAsTheDictionariesItReplaced(recordingDaily: Bool, backwards: Bool) throws {
        var context = ProjectionContext(scenario: try Fixtures.smallScenario())
        for (seed, warmup) in [(1, 30), (2, 0), (3, 30), (4, 7), (5, 30), (6, 0)] as [(UInt64, Int)] {
            context.warmupDays = warmup
            let events = Self.events(context, seed: seed, count: 30_000, backwards: backwards)
            let (new, old) = try Self.foldBothWays(
                events, context, recordingDaily: recordingDaily, every: 997, ", seed \(seed)")
            let a = Self.fields(new)
            let b = Self.fields(old)
            #expect(a.keys.sorted() == b.keys.sorted())
            for key in a.keys.sorted() { #expect(a[key] == b[key], "\(key) differs, seed \(seed)") }
            #expect(
                new.delayExact > 0 && new.readmissions30 > 0 && new.delayedPatients > 0,
                "the stream exercises delays and readmissions")
        }
    }

    /// Many discharges over years (about 50 prunes): the fold still matches the dictionaries.
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
        let (new, old) = try Self.foldBothWays(events, context, every: 9_973)
        let sameFields = Self.fields(new) == Self.fields(old)
        #expect(sameFields)
        #expect(new.readmissions30 > 0 && new.readmissions91 > new.readmissions30)
    }

    /// A log far out of time order (only from a file): now and then the time jumps back by up to
    /// 200 days, so that conveyances meet discharges an earlier prune forgot, discharges are
    /// written before the latest prune's horizon, and the table is swept with entries of both
    /// kinds. Forgetting by prune counts and occasional sweeps must match a sweep at every
    /// prune (the dictionaries' rule) event for event.
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
        let (new, old) = try Self.foldBothWays(events, context, every: 4_999) { new, e in
            if e.kind == .conveyance, new.lastAcuteDischarge.find(e.patient) >= 0, new.lastDischarge(e.patient) == nil {
                conveyancesThatMetAForgottenDischarge += 1
            }
        }
        let sameFields = Self.fields(new) == Self.fields(old)
        #expect(sameFields)
        #expect(new.readmissions30 == old.readmissions30 && new.readmissions91 == old.readmissions91)
        #expect(jumps > 20 && new.prunes > 50 && new.readmissions30 > 0, "\(jumps) jumps, \(new.prunes) prunes")
        // The case this test is for happened: a discharge still in the table, but pruned.
        #expect(conveyancesThatMetAForgottenDischarge > 0)
    }

    /// The real model's events, folded both ways.
    @Test func sameFoldOnTheSmallScenario() throws {
        let scenario = try Fixtures.smallScenario()
        var simulation = Simulation(scenario: scenario, seed: 3, replication: 0, sink: Recorder())
        simulation.run()
        let context = ProjectionContext(scenario: scenario)
        var new = Projection(context: context, recordingDaily: true)
        var old = LegacyProjection(context: context, recordingDaily: true)
        for e in simulation.sink.events {
            new.append(e)
            old.append(e)
        }
        let sameFields = Self.fields(new) == Self.fields(old)
        let sameState = Self.dictionaries(new) == Self.dictionaries(old)
        #expect(sameFields, "metrics differ")
        #expect(sameState, "per-patient state differs")
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
                #expect(i >= 0 && table.state(i).pointee.conveyedAt == value)
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

/// The projection as it was before `PatientTable` (seven dictionaries keyed by patient id),
/// kept here only as the reference the table is tested against.
struct LegacyProjection: EventSink {
    let context: ProjectionContext
    let warmup: Double
    let horizon: Double
    let monthOfDay: [Int]
    let monthLabels: [String]
    /// Day indexes (measured) that are the last day of a calendar month.
    let isMonthEnd: [Bool]

    // Demand and front door.
    var crises = 0.0
    var notConveyed = 0.0
    var nel = 0.0
    var nelByCohort: [Double]
    var avoided = 0.0
    var readmissions30 = 0.0
    var readmissions91 = 0.0
    var diversions = 0.0
    var edWaitSum = 0.0
    var edWaitCount = 0.0
    var edWaitsOver4h = 0.0
    var deaths = 0.0
    var conveyedAt: [UInt32: Double] = [:]
    var lastAcuteDischarge: [UInt32: Double] = [:]
    var lastPrune = 0.0

    // Occupancy per service.
    var occupancy: [Int]
    var capacity: [Int]
    var lastChange: [Double]
    var occupancyIntegral: [Double]
    var nextMidnight: [Int]
    var entries: [Double]
    var censusSum: [Double]
    var censusCount = 0.0  // measured midnights (the same for all services)
    var acuteCensusHistogram: [Double] = []
    var acuteDaysAbove92 = 0.0
    var acuteDaysAbove95 = 0.0
    var waitStart: [UInt32: (service: Int16, time: Double)] = [:]
    var enteredAt: [UInt32: Double] = [:]
    var staySum: [Double]
    var departures: [Double]
    var waitSum: [Double]
    var waitCount: [Double]

    // Delays.
    struct OpenDelay {
        var start: Double
        var code: DelayCode
        var service: Int
        var pathway: Int
    }
    var openDelays: [UInt32: OpenDelay] = [:]
    var pathwayOf: [UInt32: Int] = [:]
    var delayedTotalOf: [UInt32: Double] = [:]
    var delayExact = 0.0
    var delayMidnight = 0.0
    var delayExactByReason = [Double](repeating: 0, count: DelayReason.allCases.count)
    var delayMidnightByReason = [Double](repeating: 0, count: DelayReason.allCases.count)
    var delayExactByResponsible = [Double](repeating: 0, count: Responsible.allCases.count)
    var delayExactByPathway: [Double]
    var downstreamDelay: [Double]
    var delayedPatients = 0.0
    var delayedPatientDays = 0.0

    // Outcomes.
    var followUps65 = 0.0
    var atHome65 = 0.0
    var careHomeAdmissions = 0.0
    var careHomeAdmissions65 = 0.0
    var careHomeAdmissionsFromHospital = 0.0

    // Monthly series.
    var monthlyNEL: [Double]
    var monthlyAvoided: [Double]
    var monthlyDelayExact: [Double]
    var monthlyDelayMidnight: [Double]
    var monthlyDelayMidnightByReason: [[Double]]
    var monthlySnapshot: [Double]
    var monthlyAcuteCensus: [Double]
    var monthlyMidnights: [Double]
    var monthlyCareHome65: [Double]

    /// Per-day midnight censuses, kept only when asked for (warm-up analysis, fan charts):
    /// `dailyCensus[service][day]` and `dailyDelayed[day]` (acute patients delayed), for the
    /// measured days.
    var dailyCensus: [[Double]] = []
    var dailyDelayed: [Double] = []
    var dailyCapacity: [[Double]] = []
    let recordsDaily: Bool

    init(context: ProjectionContext, recordingDaily: Bool = false) {
        recordsDaily = recordingDaily
        self.context = context
        warmup = context.warmup
        horizon = context.horizon
        let months = context.measuredMonths()
        monthOfDay = months.monthOfDay
        monthLabels = months.labels
        var ends = [Bool](repeating: false, count: context.days)
        for d in 0..<context.days {
            let date = context.start.adding(days: d)
            ends[d] = date.day == CivilDate.daysInMonth(year: date.year, month: date.month)
        }
        isMonthEnd = ends
        let n = context.services.count
        occupancy = Array(repeating: 0, count: n)
        capacity = Array(repeating: 0, count: n)
        lastChange = Array(repeating: 0, count: n)
        occupancyIntegral = Array(repeating: 0, count: n)
        nextMidnight = Array(repeating: 1, count: n)
        entries = Array(repeating: 0, count: n)
        censusSum = Array(repeating: 0, count: n)
        waitSum = Array(repeating: 0, count: n)
        staySum = Array(repeating: 0, count: n)
        departures = Array(repeating: 0, count: n)
        waitCount = Array(repeating: 0, count: n)
        downstreamDelay = Array(repeating: 0, count: n)
        nelByCohort = Array(repeating: 0, count: context.cohorts.count)
        delayExactByPathway = Array(repeating: 0, count: context.pathways.count)
        let m = monthLabels.count
        monthlyNEL = Array(repeating: 0, count: m)
        monthlyAvoided = Array(repeating: 0, count: m)
        monthlyDelayExact = Array(repeating: 0, count: m)
        monthlyDelayMidnight = Array(repeating: 0, count: m)
        monthlyDelayMidnightByReason = Array(
            repeating: Array(repeating: 0, count: DelayReason.allCases.count), count: m)
        monthlySnapshot = Array(repeating: 0, count: m)
        monthlyAcuteCensus = Array(repeating: 0, count: m)
        monthlyMidnights = Array(repeating: 0, count: m)
        monthlyCareHome65 = Array(repeating: 0, count: m)
        if recordingDaily {
            dailyCensus = Array(repeating: Array(repeating: 0, count: context.days), count: n)
            dailyDelayed = Array(repeating: 0, count: context.days)
            dailyCapacity = dailyCensus
        }
    }

    @inline(__always) func measured(_ t: Double) -> Bool { t >= warmup && t < horizon }

    /// Month index of a measured time.
    @inline(__always) func month(_ t: Double) -> Int {
        monthOfDay[min(max(Int(t - warmup), 0), monthOfDay.count - 1)]
    }

    func is65(_ cohort: Int16) -> Bool { cohort >= 0 && context.cohorts[Int(cohort)].minimumAge >= 65 }

    // MARK: - The fold

    mutating func append(_ e: Event) {
        switch e.kind {
        case .crisis:
            if measured(e.time) { crises += 1 }
        case .notConveyed:
            if measured(e.time) { notConveyed += 1 }
        case .conveyance:
            conveyedAt[e.patient] = e.time
            if measured(e.time) {
                nel += 1
                if e.cohort >= 0 { nelByCohort[Int(e.cohort)] += 1 }
                monthlyNEL[month(e.time)] += 1
                if let last = lastAcuteDischarge[e.patient] {
                    if e.time - last <= 30 { readmissions30 += 1 }
                    if e.time - last <= 91 { readmissions91 += 1 }
                }
            }
        case .edWait:
            break
        case .diversion:
            conveyedAt[e.patient] = nil
            if measured(e.time) { diversions += 1 }
        case .enter:
            enter(e)
        case .leave:
            leave(e)
        case .medicallyOptimised:
            pathwayOf[e.patient] = Int(e.detail)
        case .assessmentStart, .assessmentEnd:
            break
        case .delay:
            closeDelay(e.patient, at: e.time)
            if let code = DelayCode(packed: e.detail) {
                openDelays[e.patient] = OpenDelay(
                    start: e.time, code: code, service: Int(e.service), pathway: pathwayOf[e.patient] ?? -1)
            }
        case .transferWait:
            waitStart[e.patient] = (e.service, e.time)
        case .serviceEnd:
            if e.detail == Outcome.avoided.rawValue && measured(e.time) {
                avoided += 1
                monthlyAvoided[month(e.time)] += 1
            }
        case .careHomeAdmission:
            if e.detail != AdmissionSource.initialResident.rawValue && measured(e.time) {
                careHomeAdmissions += 1
                if e.detail == AdmissionSource.hospital.rawValue { careHomeAdmissionsFromHospital += 1 }
                if is65(e.cohort) {
                    careHomeAdmissions65 += 1
                    monthlyCareHome65[month(e.time)] += 1
                }
            }
        case .death:
            if measured(e.time) { deaths += 1 }
        case .followUp91:
            // The event carries the patient's cohort at the discharge it follows up.
            if e.time - 91 >= warmup && e.time < horizon && is65(e.cohort) {
                followUps65 += 1
                if e.detail == FollowUpStatus.atHome.rawValue { atHome65 += 1 }
            }
        case .capacity:
            let s = Int(e.service)
            advance(s, to: e.time)
            capacity[s] = Int(e.detail)
        case .end:
            finishAll(at: e.time)
        }
        if e.time - lastPrune > 30 { prune(at: e.time) }
    }

    mutating func enter(_ e: Event) {
        let s = Int(e.service)
        advance(s, to: e.time)
        occupancy[s] += 1
        enteredAt[e.patient] = e.time
        let wait: Double
        if s == context.acute {
            wait = conveyedAt.removeValue(forKey: e.patient).map { e.time - $0 } ?? 0
        } else if let w = waitStart[e.patient], Int(w.service) == s {
            waitStart[e.patient] = nil
            wait = e.time - w.time
        } else {
            wait = 0
        }
        guard measured(e.time) else { return }
        entries[s] += 1
        waitSum[s] += wait
        waitCount[s] += 1
        if s == context.acute {
            edWaitSum += wait
            edWaitCount += 1
            if wait > 4.0 / 24 { edWaitsOver4h += 1 }
        }
    }

    mutating func leave(_ e: Event) {
        let s = Int(e.service)
        advance(s, to: e.time)
        occupancy[s] -= 1
        closeDelay(e.patient, at: e.time)
        if let entered = enteredAt.removeValue(forKey: e.patient), measured(e.time) {
            staySum[s] += e.time - entered
            departures[s] += 1
        }
        if s == context.acute {
            pathwayOf[e.patient] = nil
            if let total = delayedTotalOf.removeValue(forKey: e.patient), total > 0, measured(e.time) {
                delayedPatients += 1
                delayedPatientDays += total
            }
            if e.detail != Destination.died { lastAcuteDischarge[e.patient] = e.time }
        }
        if e.detail == Destination.died {
            lastAcuteDischarge[e.patient] = nil
            waitStart[e.patient] = nil
        }
    }

    /// Integrates occupancy of service `s` up to `t` and takes the midnight census before `t`.
    mutating func advance(_ s: Int, to t: Double, includingMidnightAtT: Bool = false) {
        let a = max(lastChange[s], warmup)
        let b = min(t, horizon)
        if b > a { occupancyIntegral[s] += Double(occupancy[s]) * (b - a) }
        lastChange[s] = t
        let last = Int(horizon)
        while nextMidnight[s] <= last
            && (Double(nextMidnight[s]) < t || (includingMidnightAtT && Double(nextMidnight[s]) == t))
        {
            let k = nextMidnight[s]
            nextMidnight[s] += 1
            guard Double(k) >= warmup + 1 else { continue }
            let census = Double(occupancy[s])
            censusSum[s] += census
            if recordsDaily {
                dailyCensus[s][k - 1 - Int(warmup)] = census
                dailyCapacity[s][k - 1 - Int(warmup)] = Double(capacity[s])
            }
            if s == context.acute {
                let m = monthOfDay[k - 1 - Int(warmup)]
                monthlyAcuteCensus[m] += census
                monthlyMidnights[m] += 1
                censusCount += 1
                let o = max(occupancy[s], 0)
                if o >= acuteCensusHistogram.count {
                    acuteCensusHistogram.append(contentsOf: repeatElement(0, count: o + 1 - acuteCensusHistogram.count))
                }
                acuteCensusHistogram[o] += 1
                if capacity[s] > 0 {
                    if census > 0.92 * Double(capacity[s]) { acuteDaysAbove92 += 1 }
                    if census > 0.95 * Double(capacity[s]) { acuteDaysAbove95 += 1 }
                }
            }
        }
    }

    /// Ends the patient's open delay interval at `t`, adding it to the totals.
    mutating func closeDelay(_ patient: UInt32, at t: Double) {
        guard let d = openDelays.removeValue(forKey: patient) else { return }
        let a = max(d.start, warmup)
        let b = min(t, horizon)
        if d.service != context.acute {
            if b > a { downstreamDelay[d.service] += b - a }
            return
        }
        delayedTotalOf[patient, default: 0] += max(t - d.start, 0)
        if b > a {
            let length = b - a
            delayExact += length
            delayExactByReason[Int(d.code.reason.rawValue)] += length
            delayExactByResponsible[Int(d.code.responsible.rawValue)] += length
            if d.pathway >= 0 { delayExactByPathway[d.pathway] += length }
            // Split across calendar months day by day boundaries.
            var from = a
            while from < b {
                let dayEnd = min(Double(Int(from) + 1), b)
                monthlyDelayExact[month(from)] += dayEnd - from
                from = dayEnd
            }
        }
        // Midnight census: midnights k with start <= k < t inside [warm-up + 1, horizon].
        var k = max(Int(d.start.rounded(.up)), Int(warmup) + 1)
        while (Double(k) < t || (t >= horizon && Double(k) == horizon)) && Double(k) <= horizon {
            let day = k - 1 - Int(warmup)
            let m = monthOfDay[day]
            delayMidnight += 1
            if recordsDaily { dailyDelayed[day] += 1 }
            delayMidnightByReason[Int(d.code.reason.rawValue)] += 1
            monthlyDelayMidnight[m] += 1
            monthlyDelayMidnightByReason[m][Int(d.code.reason.rawValue)] += 1
            if isMonthEnd[day] { monthlySnapshot[m] += 1 }
            k += 1
        }
    }

    mutating func finishAll(at t: Double) {
        for s in occupancy.indices { advance(s, to: t, includingMidnightAtT: true) }
        for patient in openDelays.keys.sorted() { closeDelay(patient, at: t) }
    }

    /// Forgets discharges older than 91 days (they can no longer make a readmission count).
    mutating func prune(at t: Double) {
        lastPrune = t
        lastAcuteDischarge = lastAcuteDischarge.filter { $0.value >= t - 92 }
    }
}
