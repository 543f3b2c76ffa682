import Foundation
import Testing

@testable import HomewardKit

/// The model's rules, as MODEL.md states them, checked on event logs.
@Suite("Model rules: working days, blocking, the 91-day follow-up, weekend transfers, capacity calendars")
struct ModelRulesTests {
    // MARK: - Calendar helpers

    /// Calendar facts about simulated time `t` in a scenario.
    struct When {
        let date: CivilDate
        let hour: Double
        let bankHoliday: Bool

        init(_ t: Double, _ scenario: Scenario) {
            let day = Int(t.rounded(.down))
            date = scenario.origin.adding(days: day)
            hour = (t - Double(day)) * 24
            bankHoliday = scenario.working.bankHolidays.contains(day)
        }

        var weekend: Bool { date.isoWeekday >= 6 }
        var workingDay: Bool { !weekend && !bankHoliday }
    }

    // MARK: - (a) Assessments on working days and hours

    /// Without 7-day working no assessment ends on a Saturday, Sunday or bank holiday, or
    /// outside 09:00-17:00 (an assessment may end exactly at 17:00, when its last working hour
    /// is used up). With `sevenDayAssessment` they still end within working hours, but on any
    /// day: about 2/7 of them at weekends (more than 15% is required).
    @Test func assessmentsEndOnWorkingDaysUnlessSevenDayWorking() throws {
        let baseline = try TheorySupport.baseline()
        #expect(baseline.working.sevenDayAssessment == false)
        var sevenDay = baseline
        sevenDay.working.sevenDayAssessment = true
        let hours = baseline.working.hours
        for (scenario, sevenDays) in [(baseline, false), (sevenDay, true)] {
            let ends = TheorySupport.events(scenario, seed: scenario.seed, replication: 0).filter {
                $0.kind == .assessmentEnd
            }
            var weekend = 0
            var holiday = 0
            var outside = 0
            for e in ends {
                let when = When(e.time, scenario)
                if when.weekend { weekend += 1 }
                if when.bankHoliday { holiday += 1 }
                if when.hour < hours.from - 1e-6 || when.hour > hours.to + 1e-6 { outside += 1 }
            }
            print(
                "ModelRules (a) sevenDayAssessment=\(sevenDays): \(ends.count) assessments end, \(weekend) at weekends, \(holiday) on bank holidays, \(outside) outside \(hours.from)-\(hours.to)"
            )
            #expect(ends.count > 1000)
            #expect(outside == 0)
            if sevenDays {
                #expect(Double(weekend) > 0.15 * Double(ends.count))
                #expect(holiday > 0)
            } else {
                #expect(weekend == 0)
                #expect(holiday == 0)
            }
        }
    }

    // MARK: - (b) Blocking after service

    /// One bed downstream (a fixed 10-day stay), one patient a day needing it after a fixed
    /// 2-day acute stay, transfers accepted at any hour on any day: the queue for the bed
    /// grows, and blocked patients stay in their acute beds.
    static let blockingScenario = """
        { name: "blocking", start: "2021-01-04", horizonDays: 200, warmupDays: 0, replications: 1, seed: 3,
          population: { bands: { "65-84": { people: 10000 } } },
          working: { hours: { from: 0, to: 24 }, simpleDischargeHours: { from: 0, to: 24, days: "all" },
                     sevenDayAssessment: true, sevenDayDischarge: true },
          cohorts: { older: { band: "65-84", crises: { perYear: 365.25 }, lengthOfStayDays: 2, pathways: { "3": 1 } } },
          services: {
            acute: { kind: "acute", capacity: 1000 },
            beds: { kind: "bedBased", capacity: 1, durationDays: 10, outcomes: { independent: 1 } },
          },
          pathways: { "1": { service: null }, "3": { service: "beds" } } }
        """

    /// A blocked patient keeps the acute bed: the transfer wait is recorded with the bed
    /// service's delay reason (C, NHS) at the moment of being medically optimised, the patient
    /// leaves acute only at the instant the bed's previous occupant leaves it (never while it
    /// is taken), in the order they started waiting, so the bed turns over exactly every 10
    /// days; and all that waiting time is counted both in the acute occupancy and as delayed
    /// bed days (the projection's `occupiedDays` is the 2-day stays plus exactly the blocked
    /// time, and `delayedBedDays` the blocked time).
    @Test func blockedPatientKeepsTheAcuteBed() throws {
        let scenario = try TheorySupport.scenario(Self.blockingScenario)
        let acute = Int16(scenario.acute)
        let beds = Int16(try #require(scenario.serviceIndex(named: "beds")))
        let code = DelayCode(reason: .c, responsible: .nhs).packed
        let log = TheorySupport.events(scenario, seed: scenario.seed, replication: 0)
        var checker = EventLogInvariantChecker(scenario: scenario)
        for e in log { checker.append(e) }
        #expect(checker.violationCount == 0, "\(checker.violations.joined(separator: "\n"))")

        var admitted: [UInt32: Double] = [:]
        var waitingSince: [UInt32: Double] = [:]
        var waitOrder: [UInt32] = []
        var bedsOccupant: UInt32? = nil
        var lastBedsLeave = -Double.infinity
        var bedEntries: [(patient: UInt32, time: Double)] = []
        var blockedTime = 0.0
        var treatmentTime = 0.0
        var problems: [String] = []
        for (i, e) in log.enumerated() {
            switch (e.kind, e.service) {
            case (.enter, acute):
                admitted[e.patient] = e.time
            case (.transferWait, beds):
                guard let at = admitted[e.patient] else {
                    problems.append("wait before admission")
                    break
                }
                if e.time != at + 2 { problems.append("waits at \(e.time), not when medically optimised") }
                if bedsOccupant == nil { problems.append("waits while the bed is free") }
                waitingSince[e.patient] = e.time
                waitOrder.append(e.patient)
                let next = log[i + 1]
                if !(next.kind == .delay && next.patient == e.patient && next.service == acute && next.detail == code) {
                    problems.append("transfer wait without a C/NHS delay in acute")
                }
            case (.leave, acute):
                guard let at = admitted.removeValue(forKey: e.patient) else { break }
                treatmentTime += 2
                if let since = waitingSince.removeValue(forKey: e.patient) {
                    blockedTime += e.time - since
                    if e.time != lastBedsLeave {
                        problems.append(
                            "blocked patient left acute at \(e.time), not when the bed was freed (\(lastBedsLeave))")
                    }
                } else if e.time != at + 2 {
                    problems.append("unblocked patient left acute after \(e.time - at) days")
                }
                if e.detail != Int32(beds) { problems.append("left acute for \(e.detail)") }
            case (.enter, beds):
                if bedsOccupant != nil { problems.append("bed taken twice") }
                bedsOccupant = e.patient
                bedEntries.append((e.patient, e.time))
            case (.leave, beds):
                bedsOccupant = nil
                lastBedsLeave = e.time
            default:
                break
            }
        }
        // Patients still in acute at the end: treatment and blocking up to the horizon.
        for (p, at) in admitted {
            treatmentTime += min(2, scenario.horizon - at)
            if let since = waitingSince[p] { blockedTime += scenario.horizon - since }
        }
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
        // First come, first served, and one turnover every 10 days.
        let blockedEntries = bedEntries.filter { entry in waitOrder.contains(entry.patient) }.map(\.patient)
        #expect(blockedEntries == Array(waitOrder.prefix(blockedEntries.count)))
        for (a, b) in zip(bedEntries, bedEntries.dropFirst()) {
            #expect(abs(b.time - a.time - 10) < 1e-9, "bed turnover \(b.time - a.time) days")
        }
        #expect(bedEntries.count == 20 && waitOrder.count > 150)

        let m = Runner.replicate(scenario, seed: scenario.seed, replication: 0)
        let occupied = try #require(m["services.acute.occupiedDays"])
        let delayed = try #require(m["delayedBedDays"])
        print(
            "ModelRules (b): \(waitOrder.count) patients blocked; acute occupied \(TheorySupport.format(occupied, 2)) days = treatment \(TheorySupport.format(treatmentTime, 2)) + blocked \(TheorySupport.format(blockedTime, 2)); delayed bed days \(TheorySupport.format(delayed, 2))"
        )
        #expect(abs(occupied - (treatmentTime + blockedTime)) < 1e-6 * occupied)
        #expect(abs(delayed - blockedTime) < 1e-6 * delayed)
        #expect(m["delayedBedDaysByReason.C"] == delayed)
        #expect(blockedTime > 10 * treatmentTime)
    }

    // MARK: - (c) The 91-day follow-up

    /// What a replay of the log finds about the 91-day follow-ups.
    struct FollowUpReplay {
        var followUps = 0
        var followUps65 = 0
        var atHome65 = 0
        var missing = 0
        var problems: [String] = []
    }

    /// Replays a log: matches each `followUp91` with the discharge from acute into a service
    /// that counts as reablement exactly 91 days earlier, works out where the patient is at
    /// that moment, and counts the BCF metric's people aged 65+ (by their cohort at
    /// discharge: a patient who later moves into a care home takes the residents' cohort,
    /// which may be older) discharged in the measured period.
    static func replayFollowUps(_ scenario: Scenario, _ log: [Event]) -> FollowUpReplay {
        let acute = Int16(scenario.acute)
        let kinds = scenario.services.map(\.kind)
        var discharges: [UInt32: [(time: Double, cohort: Int16)]] = [:]
        var location: [UInt32: Int16] = [:]
        var held: [UInt32: Int16] = [:]
        var inED: Set<UInt32> = []
        var dead: Set<UInt32> = []
        var r = FollowUpReplay()
        let warmup = Double(scenario.warmupDays)
        for e in log {
            switch e.kind {
            case .enter:
                location[e.patient] = e.service
                inED.remove(e.patient)
            case .leave:
                location[e.patient] = nil
                if e.service == acute && e.detail >= 0 && scenario.services[Int(e.detail)].countsAsReablement {
                    discharges[e.patient, default: []].append((e.time, e.cohort))
                }
                if e.detail == Destination.died {
                    dead.insert(e.patient)
                    held[e.patient] = nil
                }
            case .edWait:
                inED.insert(e.patient)
            case .diversion:
                inED.remove(e.patient)
                held[e.patient] = nil
            case .careHomeAdmission:
                held[e.patient] = e.service
            case .followUp91:
                r.followUps += 1
                guard let i = discharges[e.patient]?.firstIndex(where: { $0.time + 91 == e.time }) else {
                    r.problems.append(
                        "follow-up of patient \(e.patient) at \(e.time) with no discharge into reablement 91 days before"
                    )
                    break
                }
                let discharge = discharges[e.patient]!.remove(at: i)
                let expected: FollowUpStatus
                if dead.contains(e.patient) {
                    expected = .dead
                } else if inED.contains(e.patient) {
                    expected = .inHospital
                } else if let s = location[e.patient], kinds[Int(s)] != .crisisResponse {
                    switch kinds[Int(s)] {
                    case .acute: expected = .inHospital
                    case .careHome: expected = .inCareHome
                    case .bedBased: expected = .inBedBasedCare
                    default: expected = .atHome
                    }
                } else {
                    expected = held[e.patient] != nil ? .inCareHome : .atHome
                }
                if e.detail != expected.rawValue {
                    r.problems.append("follow-up of patient \(e.patient): status \(e.detail), expected \(expected)")
                }
                let sixtyFive = scenario.population[scenario.cohorts[Int(discharge.cohort)].band].minimumAge >= 65
                if sixtyFive && e.time - 91 >= warmup {
                    r.followUps65 += 1
                    if e.detail == FollowUpStatus.atHome.rawValue { r.atHome65 += 1 }
                }
            default:
                break
            }
        }
        r.missing = discharges.values.flatMap { $0 }.filter { $0.time + 91 < scenario.horizon }.count
        return r
    }

    /// Every `followUp91` comes exactly 91 days after the patient left acute for a service that
    /// counts as reablement, and every such discharge more than 91 days before the horizon has
    /// exactly one. Its status agrees with where the log puts the patient at that moment, by
    /// MODEL.md's definition (at home: not in hospital, not in a care home, not dead; a
    /// resident away from a held bed counts as in a care home).
    @Test func followUpIsNinetyOneDaysAfterDischargeIntoReablement() throws {
        let scenario = try TheorySupport.baseline()
        let r = Self.replayFollowUps(scenario, TheorySupport.events(scenario, seed: scenario.seed, replication: 1))
        print(
            "ModelRules (c): \(r.followUps) follow-ups, \(r.missing) missing, \(r.atHome65) of \(r.followUps65) aged 65+ (at discharge) at home"
        )
        #expect(r.problems.isEmpty, "\(r.problems.prefix(10).joined(separator: "\n"))")
        #expect(r.missing == 0)
        #expect(r.followUps > 1000)
    }

    /// The BCF metric `reablementAtHome91Rate` (and its denominator `reablementFollowUps65`)
    /// is the share at home 91 days later among people aged 65+ when discharged from hospital
    /// into reablement in the measured period.
    @Test
    func reablementAtHome91RateCountsAgeAtDischarge() throws {
        let scenario = try TheorySupport.baseline()
        let r = Self.replayFollowUps(scenario, TheorySupport.events(scenario, seed: scenario.seed, replication: 1))
        let m = Runner.replicate(scenario, seed: scenario.seed, replication: 1)
        print(
            "ModelRules (c) metric: replay \(r.atHome65) of \(r.followUps65); projection \(m["reablementFollowUps65"] ?? .nan) follow-ups, rate \(m["reablementAtHome91Rate"] ?? .nan)"
        )
        #expect(m["reablementFollowUps65"] == Double(r.followUps65))
        #expect(m["reablementAtHome91Rate"] == Double(r.atHome65) / Double(r.followUps65))
    }

    // MARK: - (d) Transfers at weekends

    /// Transfers into downstream services (discharges from acute, moves between services,
    /// community admissions to care homes, residents returning from hospital) happen only in
    /// working hours on working days unless the scenario has 7-day discharge or the service
    /// accepts weekends. Entries that are not transfers are left out: the census and initial
    /// residents at time 0, and residents returning from a crisis-response visit at home.
    /// Counts entries per service that fall at weekends, on bank holidays or outside hours.
    func transfers(_ scenario: Scenario, replication: Int) -> (
        total: [Int], weekend: [Int], holiday: [Int], outside: [Int]
    ) {
        let n = scenario.services.count
        var total = Array(repeating: 0, count: n)
        var weekend = total
        var holiday = total
        var outside = total
        var lastLeave: [UInt32: (service: Int16, time: Double)] = [:]
        var sawCrisis = false
        for e in TheorySupport.events(scenario, seed: scenario.seed, replication: replication) {
            if e.kind == .crisis { sawCrisis = true }
            if e.kind == .leave { lastLeave[e.patient] = (e.service, e.time) }
            guard e.kind == .enter else { continue }
            let s = Int(e.service)
            let kind = scenario.services[s].kind
            guard kind != .acute && kind != .crisisResponse, sawCrisis || e.time > 0 else { continue }
            if let leave = lastLeave[e.patient], leave.time == e.time,
                scenario.services[Int(leave.service)].kind == .crisisResponse
            {
                continue
            }
            let when = When(e.time, scenario)
            total[s] += 1
            if when.weekend { weekend[s] += 1 }
            if when.bankHoliday { holiday[s] += 1 }
            if when.hour < scenario.working.hours.from || when.hour >= scenario.working.hours.to { outside[s] += 1 }
        }
        return (total, weekend, holiday, outside)
    }

    @Test func noWeekendTransfersWithoutSevenDayDischargeOrAcceptingService() throws {
        let baseline = try TheorySupport.baseline()
        #expect(baseline.working.sevenDayDischarge == false)
        #expect(baseline.services.allSatisfy { $0.acceptsAllDays == nil })
        let reablement = try #require(baseline.serviceIndex(named: "reablement"))
        let downstream = baseline.services.indices.filter {
            ![.acute, .crisisResponse].contains(baseline.services[$0].kind)
        }

        // Baseline: no transfer at a weekend, on a bank holiday or outside hours.
        let plain = transfers(baseline, replication: 0)
        for s in downstream {
            print(
                "ModelRules (d) baseline \(baseline.services[s].name): \(plain.total[s]) transfers, \(plain.weekend[s]) at weekends, \(plain.holiday[s]) on bank holidays, \(plain.outside[s]) outside hours"
            )
            #expect(plain.total[s] > 0)
            #expect(
                plain.weekend[s] == 0 && plain.holiday[s] == 0 && plain.outside[s] == 0, "\(baseline.services[s].name)")
        }

        // Reablement accepts weekends: it takes patients at weekends (still within hours); the
        // other services still do not.
        var accepting = baseline
        accepting.services[reablement].acceptsAllDays = true
        let some = transfers(accepting, replication: 0)
        print(
            "ModelRules (d) reablement accepts weekends: \(some.weekend[reablement]) of \(some.total[reablement]) at weekends"
        )
        #expect(some.weekend[reablement] > 50 && some.outside[reablement] == 0)
        for s in downstream where s != reablement {
            #expect(some.weekend[s] == 0 && some.holiday[s] == 0, "\(accepting.services[s].name)")
        }

        // 7-day discharge: every service takes patients at weekends.
        var sevenDay = baseline
        sevenDay.working.sevenDayDischarge = true
        let all = transfers(sevenDay, replication: 0)
        for name in ["reablement", "pathway3Beds", "communityHospital", "homeCare", "nursingHomes"] {
            let s = try #require(sevenDay.serviceIndex(named: name))
            print("ModelRules (d) 7-day discharge \(name): \(all.weekend[s]) of \(all.total[s]) at weekends")
            #expect(all.weekend[s] > 0 && all.outside[s] == 0, "\(name)")
        }
    }

    // MARK: - (e) Capacity calendar

    /// Acute beds: 30, then 40 from 20 March to 10 April, then 20 from 1 May (a permanent
    /// cut); reablement: 5, then 2 for April. Demand (80 a day, one-day stays, discharges home
    /// 08:00-20:00) far exceeds the acute beds, so the hospital is full and, at night, patients
    /// queue in ED (for up to 6 hours); in April reablement is too small and patients waiting for it
    /// are blocked in acute beds.
    static let calendarScenario = """
        { name: "calendar", start: "2021-03-01", horizonDays: 120, warmupDays: 10, replications: 1, seed: 4,
          population: { bands: { "65-84": { people: 10000 } } },
          cohorts: { older: { band: "65-84", crises: { perYear: 29220 }, lengthOfStayDays: { exponential: { mean: 1 } },
                              pathways: { "1": 0.97, "2": 0.03 } } },
          services: {
            acute: { kind: "acute", divertAfterHours: 6,
                     capacity: { base: 30, changes: [{ from: "2021-03-20", to: "2021-04-10", capacity: 40 }, { from: "2021-05-01", capacity: 20 }] } },
            reablement: { kind: "homeReablement", durationDays: 10, outcomes: { independent: 1 },
                          capacity: { base: 5, changes: [{ from: "2021-04-01", to: "2021-04-30", capacity: 2 }] } },
          },
          pathways: { "1": { service: null }, "2": { service: "reablement" } } }
        """

    /// The `capacity` events are exactly the scenario's calendar (each service's capacity at
    /// time 0, then each change at the midnight it takes effect); no acute admission happens
    /// while the beds in force are all taken; a cut evicts nobody (the hospital stays above
    /// the new capacity until enough patients leave, and admits no one until it is below it);
    /// a rise admits waiting patients at once; and after the reservation lag a reduced
    /// downstream service takes no one while at its reduced capacity.
    @Test func capacityCalendarIsFollowed() throws {
        let scenario = try TheorySupport.scenario(Self.calendarScenario)
        let origin = scenario.origin
        func day(_ iso: String) -> Double { Double(CivilDate(iso: iso)!.daysSinceEpoch - origin.daysSinceEpoch) }
        let acute = scenario.acute
        let reablement = try #require(scenario.serviceIndex(named: "reablement"))
        let log = TheorySupport.events(scenario, seed: scenario.seed, replication: 0)

        let changes = log.filter { $0.kind == .capacity }.map { "\($0.time) \($0.service) \($0.detail)" }
        var expected = [(0.0, acute, 30), (0.0, reablement, 5)]
        expected += [
            (day("2021-03-20"), acute, 40), (day("2021-04-01"), reablement, 2), (day("2021-04-11"), acute, 30),
            (day("2021-05-01"), acute, 20), (day("2021-05-01"), reablement, 5),
        ]
        #expect(changes.sorted() == expected.map { "\($0.0) \($0.1) \($0.2)" }.sorted())

        var checker = EventLogInvariantChecker(scenario: scenario)
        for e in log { checker.append(e) }
        #expect(checker.violationCount == 0, "\(checker.violations.joined(separator: "\n"))")

        var occupancy = Array(repeating: 0, count: scenario.services.count)
        var capacity = Array(repeating: 0, count: scenario.services.count)
        var fullAdmissions = 0
        var reducedEntries = 0
        var cut: (time: Double, occupancy: Int)? = nil
        var leavesAfterCut = 0
        var occupancyAtFirstAdmissionAfterCut: Int? = nil
        var admissionsAtRise = 0
        var waiting: Set<UInt32> = []
        var queueAtRise = -1
        for e in log {
            let s = Int(e.service)
            switch e.kind {
            case .edWait:
                waiting.insert(e.patient)
            case .diversion:
                waiting.remove(e.patient)
            case .capacity:
                capacity[s] = Int(e.detail)
                if s == acute && e.time == day("2021-05-01") { cut = (e.time, occupancy[s]) }
                if s == acute && e.time == day("2021-03-20") { queueAtRise = waiting.count }
            case .enter:
                if s == acute {
                    waiting.remove(e.patient)
                    if occupancy[s] >= capacity[s] { fullAdmissions += 1 }
                    if e.time == day("2021-03-20") { admissionsAtRise += 1 }
                    if cut != nil && occupancyAtFirstAdmissionAfterCut == nil {
                        occupancyAtFirstAdmissionAfterCut = occupancy[s]
                    }
                }
                if s == reablement && e.time >= day("2021-04-08") && e.time < day("2021-05-01") && occupancy[s] >= 2 {
                    reducedEntries += 1
                }
                occupancy[s] += 1
            case .leave:
                occupancy[s] -= 1
                if s == acute && cut != nil && occupancyAtFirstAdmissionAfterCut == nil { leavesAfterCut += 1 }
            default:
                break
            }
        }
        print(
            "ModelRules (e): \(changes.count) capacity events; at the cut to 20 beds \(cut?.occupancy ?? -1) in, \(leavesAfterCut) left before the next admission (at occupancy \(occupancyAtFirstAdmissionAfterCut ?? -1)); \(admissionsAtRise) admitted at the rise to 40 (\(queueAtRise) waiting)"
        )
        #expect(fullAdmissions == 0)
        #expect(reducedEntries == 0)
        let atCut = try #require(cut?.occupancy)
        #expect(atCut > 20, "the hospital should be over the new capacity at the cut")
        #expect(occupancyAtFirstAdmissionAfterCut == 19)
        #expect(leavesAfterCut == atCut - 19)
        // At the rise to 40 the ten new beds go at once to the patients waiting in ED.
        #expect(queueAtRise > 0)
        #expect(admissionsAtRise == min(10, queueAtRise))
    }

    // MARK: - Starting census and blocking

    /// A starting census with patients in acute already delayed on pathway 2 (waiting for
    /// reablement) and a reablement service already full: the delayed patients must wait in
    /// their acute beds, and reablement must never hold more than its 2 places.
    static func censusScenario(acuteFirst: Bool) -> String {
        let acute = #"acute: [{ cohort: "older", patients: 4, delayedOnPathway: "2" }]"#
        let reablement = #"reablement: [{ cohort: "older", patients: 2 }]"#
        return """
            { name: "census-order", start: "2021-06-07", horizonDays: 30, warmupDays: 0, replications: 1, seed: 8,
              population: { bands: { "65-84": { people: 10000 } } },
              cohorts: { older: { band: "65-84", crises: { perYear: 10 }, lengthOfStayDays: 5, pathways: { "1": 0.5, "2": 0.5 } } },
              services: {
                acute: { kind: "acute", capacity: 20 },
                reablement: { kind: "homeReablement", capacity: 2, durationDays: 10, outcomes: { independent: 1 } },
              },
              pathways: { "1": { service: null }, "2": { service: "reablement" } },
              census: { \(acuteFirst ? acute + ", " + reablement : reablement + ", " + acute) } }
            """
    }

    static func checkCensus(acuteFirst: Bool) throws {
        let scenario = try TheorySupport.scenario(censusScenario(acuteFirst: acuteFirst))
        let reablement = Int16(try #require(scenario.serviceIndex(named: "reablement")))
        let log = TheorySupport.events(scenario, seed: scenario.seed, replication: 0)
        var checker = EventLogInvariantChecker(scenario: scenario)
        var occupancy = 0
        var highest = 0
        for e in log {
            checker.append(e)
            if e.service == reablement && e.kind == .enter { occupancy += 1 }
            if e.service == reablement && e.kind == .leave { occupancy -= 1 }
            highest = max(highest, occupancy)
        }
        let waitsAtStart = log.filter { $0.kind == .transferWait && $0.time == 0 }.count
        print(
            "ModelRules census (acute listed \(acuteFirst ? "first" : "last")): reablement holds at most \(highest) of 2; \(waitsAtStart) of 4 delayed patients wait at time 0"
        )
        #expect(checker.violationCount == 0, "\(checker.violations.joined(separator: "\n"))")
        #expect(highest <= 2)
        #expect(waitsAtStart == 4)
    }

    /// With the downstream census listed before the acute one, the census fills reablement
    /// first and the delayed patients queue.
    @Test func censusListedBeforeDelayedPatientsIsRespected() throws {
        try Self.checkCensus(acuteFirst: false)
    }

    /// The order of the census entries in the file must not matter.
    @Test
    func censusListedAfterDelayedPatientsDoesNotOverfill() throws {
        try Self.checkCensus(acuteFirst: true)
    }
}
