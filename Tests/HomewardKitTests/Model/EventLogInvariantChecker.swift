import Foundation

@testable import HomewardKit

/// Replays an event log and checks the conservation invariants of the patient-flow model,
/// independently of the engine's own bookkeeping (only the events are used):
///
/// - the log: sequence numbers are 0, 1, 2, ...; times never decrease and stay in
///   [0, horizon]; system events (capacity, end) have no patient and patient events have one;
///   service and cohort indices are valid; the log ends with one `end` at the horizon;
/// - places: a patient is in at most one service at a time; every `leave` is from the service
///   the patient is in (so matches a prior `enter`); occupancy never goes negative; every
///   capacity is announced (time 0) before anyone enters;
/// - capacity: an acute admission or crisis-response start needs a free place at that instant
///   (occupancy < capacity in force); any other entry must not take occupancy above the
///   largest capacity in force during the previous `reservationDays` days (a downstream place
///   is reserved when the transfer is decided and taken at the next acceptance window, at
///   most a long weekend later, and capacity reductions evict no one); residents returning
///   to the bed held for them are exempt;
/// - moves: `leave` to a service (detail ≥ 0) is followed at the same instant by that
///   patient's `enter` there, or by a `conveyance` when the destination is the acute hospital;
///   `leave` as died follows a `death` in that service at the same instant, and a dead patient
///   has no later events except the 91-day follow-up;
/// - the front door: every conveyance is resolved by exactly one acute admission or one
///   diversion, or is still waiting in ED at the end; only conveyed patients wait or are
///   diverted; waits respect `divertAfterHours` (diversion exactly at the limit, immediate
///   diversion at 0, never without a limit); no one waits in ED at the end of an instant while
///   an acute bed is free (the queue is work-conserving);
/// - waiting lists: nobody joins the queue of a service with a `waitingList` when that many
///   already wait; a placement out of area (a `diversion` naming a downstream service) happens
///   only when the list is full, to a patient not conveyed, and is followed at the same instant
///   by the patient's `leave` from the place they waited in (if any), with that service as the
///   destination and no `enter` there;
/// - activity in place: medically optimised, assessments, delays, service ends and care-home
///   admissions happen to a patient who is in the named service;
/// - crisis response: it takes on only patients of eligible cohorts, and only while open;
/// - at the end, each service's occupancy equals enters − leaves and the number of patients
///   the replay places there.
struct EventLogInvariantChecker: EventSink {
    let serviceCount: Int
    let cohortCount: Int
    let pathwayCount: Int
    let acute: Int
    let kinds: [ServiceKind]
    let horizon: Double
    let divertAfterHours: Double?
    let reservationDays: Double
    let clock: WorkingClock
    let crisisHours: [Hours]
    let eligibility: [[Double]]
    let waitingList: [Int?]

    private(set) var violations: [String] = []
    private(set) var violationCount = 0

    // Replay state.
    var expectedSequence: UInt64 = 0
    var lastTime = 0.0
    var ended = false
    var sawCrisis = false
    var location: [UInt32: Int16] = [:]
    var heldHome: [UInt32: Int16] = [:]
    var dead: Set<UInt32> = []
    var conveyedAt: [UInt32: Double] = [:]
    var inED: Set<UInt32> = []
    var pendingMove: [UInt32: (destination: Int32, time: Double)] = [:]
    var pendingDeath: [UInt32: (service: Int16, time: Double)] = [:]
    /// Patients waiting for a downstream place (after `transferWait`), and how many wait for each service.
    var waitingFor: [UInt32: Int16] = [:]
    var waitingCount: [Int]
    /// Patients placed out of area at this instant, whose `leave` names that service.
    var outOfArea: [UInt32: (service: Int16, time: Double)] = [:]
    var occupancy: [Int]
    var capacity: [Int?]
    var capacityHistory: [[(time: Double, value: Int)]]

    // Counts, for reports and to show that the checks were exercised.
    var events = 0
    var enters: [Int]
    var leaves: [Int]
    var conveyances = 0
    var admissions = 0
    var diversions = 0
    var placementsOutOfArea = 0
    var edWaits = 0
    var delays = 0
    var transferWaits = 0
    var deaths = 0
    var capacityChanges = 0
    var maximumEDQueue = 0

    init(scenario: Scenario, reservationDays: Double = 7) {
        serviceCount = scenario.services.count
        cohortCount = scenario.cohorts.count
        pathwayCount = scenario.pathways.count
        acute = scenario.acute
        kinds = scenario.services.map(\.kind)
        horizon = scenario.horizon
        divertAfterHours = scenario.services[scenario.acute].divertAfterHours
        self.reservationDays = reservationDays
        clock = WorkingClock(
            origin: scenario.origin, horizonDays: scenario.warmupDays + scenario.days,
            bankHolidays: scenario.working.bankHolidays)
        crisisHours = scenario.services.map(\.hours)
        eligibility = scenario.services.map(\.eligibility)
        waitingList = scenario.services.map(\.waitingList)
        waitingCount = Array(repeating: 0, count: scenario.services.count)
        occupancy = Array(repeating: 0, count: serviceCount)
        capacity = Array(repeating: nil, count: serviceCount)
        capacityHistory = Array(repeating: [], count: serviceCount)
        enters = Array(repeating: 0, count: serviceCount)
        leaves = Array(repeating: 0, count: serviceCount)
    }

    var isClean: Bool { violationCount == 0 }

    mutating func fail(_ e: Event, _ message: String) {
        violationCount += 1
        if violations.count < 25 {
            violations.append(
                "#\(e.sequence) t=\(e.time) patient \(e.patient) \(e.kind) service \(e.service) detail \(e.detail): \(message)"
            )
        }
    }

    /// The largest capacity of `s` in force at some time in [t − reservationDays, t].
    func recentMaximumCapacity(_ s: Int, at t: Double) -> Int {
        var best = 0
        var inForce = 0
        for change in capacityHistory[s] {
            if change.time <= t - reservationDays {
                inForce = change.value
            } else if change.time <= t {
                best = max(best, change.value)
            }
        }
        return max(best, inForce)
    }

    /// Checks that must hold once every event of an instant has been applied.
    mutating func endOfInstant(_ e: Event) {
        for (p, move) in pendingMove {
            fail(e, "patient \(p) left for service \(move.destination) at \(move.time) and never arrived")
        }
        pendingMove.removeAll()
        for (p, placed) in outOfArea {
            fail(e, "patient \(p) placed out of area by \(placed.service) at \(placed.time) but did not leave")
        }
        outOfArea.removeAll()
        for (p, d) in pendingDeath {
            fail(e, "patient \(p) died in service \(d.service) at \(d.time) but did not leave it")
        }
        pendingDeath.removeAll()
        if let cap = capacity[acute], occupancy[acute] < cap, !inED.isEmpty {
            fail(
                e,
                "\(inED.count) patients wait in ED at t=\(lastTime) while acute has \(occupancy[acute]) of \(cap) beds taken"
            )
        }
        maximumEDQueue = max(maximumEDQueue, inED.count)
    }

    mutating func append(_ e: Event) {
        events += 1
        if ended { fail(e, "event after the end") }
        if e.sequence != expectedSequence { fail(e, "sequence \(e.sequence), expected \(expectedSequence)") }
        expectedSequence = e.sequence &+ 1
        if !(e.time.isFinite && e.time >= 0 && e.time <= horizon) { fail(e, "time outside [0, horizon]") }
        if e.time < lastTime { fail(e, "time goes back from \(lastTime)") }
        if e.time > lastTime {
            endOfInstant(e)
            lastTime = e.time
        }
        let s = Int(e.service)
        if e.service < -1 || s >= serviceCount { fail(e, "bad service index") }
        if e.cohort < -1 || Int(e.cohort) >= cohortCount { fail(e, "bad cohort index") }
        let system = e.kind == .capacity || e.kind == .end
        if system != (e.patient == Event.noPatient) { fail(e, "patient id does not match the kind of event") }
        if !system {
            if e.cohort < 0 { fail(e, "patient event without a cohort") }
            if let move = pendingMove.removeValue(forKey: e.patient) {
                let arrives =
                    e.time == move.time
                    && ((e.kind == .enter && Int32(e.service) == move.destination)
                        || (e.kind == .conveyance && Int(move.destination) == acute))
                if !arrives { fail(e, "expected the move to service \(move.destination) to complete first") }
            }
            if dead.contains(e.patient) && e.kind != .followUp91 { fail(e, "event for a dead patient") }
        }
        let here = location[e.patient]

        switch e.kind {
        case .capacity:
            if s < 0 || e.detail < 0 {
                fail(e, "bad capacity event")
            } else {
                if capacity[s] != nil { capacityChanges += 1 }
                capacity[s] = Int(e.detail)
                capacityHistory[s].append((e.time, Int(e.detail)))
            }

        case .crisis, .notConveyed:
            if e.kind == .crisis { sawCrisis = true }
            if let here, kinds[Int(here)] != .careHome {
                fail(e, "crisis for a patient in \(kinds[Int(here)]) service \(here)")
            }
            if conveyedAt[e.patient] != nil { fail(e, "crisis for a patient already conveyed") }

        case .conveyance:
            conveyances += 1
            if s != acute { fail(e, "conveyance not to the acute hospital") }
            if here != nil { fail(e, "conveyed while still in service \(here!)") }
            if conveyedAt[e.patient] != nil { fail(e, "conveyed twice without admission or diversion") }
            conveyedAt[e.patient] = e.time

        case .edWait:
            edWaits += 1
            if conveyedAt[e.patient] != e.time { fail(e, "ED wait not at the moment of conveyance") }
            if divertAfterHours == 0 { fail(e, "ED wait although divertAfterHours is 0") }
            if !inED.insert(e.patient).inserted { fail(e, "already waiting in ED") }
            if let cap = capacity[acute], occupancy[acute] < cap {
                // A free bed only counts if nobody is queued ahead (FIFO).
                if inED.count == 1 {
                    fail(e, "waits in ED while \(cap - occupancy[acute]) acute beds are free and nobody is ahead")
                }
            }

        case .diversion where s >= 0 && s != acute:
            placementsOutOfArea += 1
            if kinds[s] == .crisisResponse { fail(e, "placed out of area by crisis response") }
            guard let list = waitingList[s] else {
                fail(e, "placed out of area by a service without a waiting list")
                break
            }
            if waitingCount[s] != list { fail(e, "placed out of area with \(waitingCount[s]) of \(list) waiting") }
            if conveyedAt[e.patient] != nil || waitingFor[e.patient] != nil {
                fail(e, "placed out of area while conveyed or waiting")
            }
            if here != nil { outOfArea[e.patient] = (e.service, e.time) }
            heldHome[e.patient] = nil

        case .diversion:
            diversions += 1
            guard let at = conveyedAt.removeValue(forKey: e.patient) else {
                fail(e, "diversion without a conveyance")
                break
            }
            let waited = inED.remove(e.patient) != nil
            if let limit = divertAfterHours {
                if limit == 0 {
                    if waited || e.time != at { fail(e, "with divertAfterHours 0 diversion must be immediate") }
                } else if !waited || abs((e.time - at) - limit / 24) > 1e-9 {
                    fail(e, "diverted after \((e.time - at) * 24) h, limit \(limit) h")
                }
            } else {
                fail(e, "diversion without divertAfterHours")
            }
            heldHome[e.patient] = nil  // a diverted resident gives up the held bed

        case .enter:
            guard s >= 0 else {
                fail(e, "enter without a service")
                break
            }
            enters[s] += 1
            if let here { fail(e, "enters while still in service \(here)") }
            guard let cap = capacity[s] else {
                fail(e, "enters before the capacity is known")
                break
            }
            if s == acute {
                admissions += 1
                if let at = conveyedAt.removeValue(forKey: e.patient) {
                    let waited = inED.remove(e.patient) != nil
                    if !waited && e.time != at { fail(e, "admitted later without an ED wait") }
                    if let limit = divertAfterHours, limit > 0, e.time - at > limit / 24 + 1e-9 {
                        fail(e, "waited \((e.time - at) * 24) h, beyond the \(limit) h limit")
                    }
                } else if !(e.time == 0 && !sawCrisis) {
                    fail(e, "acute admission without a conveyance (census patients only at time 0)")
                }
                if occupancy[s] >= cap && !(e.time == 0 && !sawCrisis) {
                    fail(e, "acute admission with \(occupancy[s]) of \(cap) beds taken")
                }
            } else if kinds[s] == .crisisResponse {
                if occupancy[s] >= cap { fail(e, "crisis response starts with \(occupancy[s]) of \(cap) places taken") }
                if !clock.isOpen(e.time, hours: crisisHours[s]) { fail(e, "crisis response starts while closed") }
                if e.cohort >= 0 && !(eligibility[s][Int(e.cohort)] > 0) {
                    fail(e, "crisis response for an ineligible cohort")
                }
            } else if heldHome[e.patient] != e.service {
                let bound = recentMaximumCapacity(s, at: e.time)
                if occupancy[s] + 1 > bound {
                    fail(
                        e,
                        "occupancy \(occupancy[s] + 1) above the capacity in force (at most \(bound) in the last \(reservationDays) days)"
                    )
                }
            }
            occupancy[s] += 1
            location[e.patient] = e.service
            if let w = waitingFor.removeValue(forKey: e.patient) {
                waitingCount[Int(w)] -= 1
                if w != e.service { fail(e, "waited for service \(w) but entered \(s)") }
            }

        case .leave:
            guard s >= 0 else {
                fail(e, "leave without a service")
                break
            }
            leaves[s] += 1
            if here != e.service { fail(e, "leaves service \(s) but is in \(here.map(String.init) ?? "none")") }
            occupancy[s] -= 1
            if occupancy[s] < 0 { fail(e, "occupancy negative") }
            location[e.patient] = nil
            if e.detail == Destination.died {
                if let d = pendingDeath.removeValue(forKey: e.patient), d.service == e.service, d.time == e.time {
                    dead.insert(e.patient)
                    heldHome[e.patient] = nil
                } else {
                    fail(e, "leaves as died without a death in this service at this instant")
                }
            } else if e.detail >= 0 {
                if Int(e.detail) >= serviceCount { fail(e, "bad destination") }
                if let placed = outOfArea.removeValue(forKey: e.patient) {
                    if Int32(placed.service) != e.detail || placed.time != e.time {
                        fail(e, "left for \(e.detail), but was placed out of area by \(placed.service)")
                    }
                } else {
                    pendingMove[e.patient] = (e.detail, e.time)
                }
            } else if e.detail != Destination.home {
                fail(e, "bad destination")
            }

        case .death:
            deaths += 1
            if here == nil || here != e.service { fail(e, "death outside the named service") }
            pendingDeath[e.patient] = (e.service, e.time)

        case .medicallyOptimised, .assessmentStart, .assessmentEnd:
            if s != acute || here != e.service { fail(e, "not in the acute hospital") }
            if e.kind == .medicallyOptimised && !(e.detail >= 0 && Int(e.detail) < pathwayCount) {
                fail(e, "bad pathway")
            }

        case .delay:
            delays += 1
            if here == nil || here != e.service {
                fail(e, "delay outside the named service (in \(here.map(String.init) ?? "none"))")
            }
            if DelayCode(packed: e.detail) == nil { fail(e, "bad delay code") }

        case .transferWait:
            transferWaits += 1
            if s < 0 || s == acute || kinds[s] == .crisisResponse {
                fail(e, "waits for a service one cannot transfer to")
            }
            if let here, here == e.service { fail(e, "waits for the service it is in") }
            if s >= 0, let list = waitingList[s], waitingCount[s] >= list {
                fail(e, "joins a waiting list of \(list) with \(waitingCount[s]) waiting")
            }
            if s >= 0, waitingFor.updateValue(e.service, forKey: e.patient) == nil { waitingCount[s] += 1 }

        case .serviceEnd:
            if here == nil || here != e.service { fail(e, "service ends outside the named service") }
            if Outcome(rawValue: e.detail) == nil { fail(e, "bad outcome") }

        case .careHomeAdmission:
            if s < 0 || kinds[s] != .careHome || here != e.service {
                fail(e, "care-home admission outside a care home")
            }
            if let admission = CareHomeAdmission(packed: e.detail) {
                if admission.selfFunded && admission.source == .initialResident {
                    fail(e, "an initial resident marked self-funded")
                }
            } else {
                fail(e, "bad admission source")
            }
            heldHome[e.patient] = e.service

        case .followUp91:
            if FollowUpStatus(rawValue: e.detail) == nil { fail(e, "bad follow-up status") }

        case .end:
            ended = true
            if e.time != horizon { fail(e, "end at \(e.time), horizon \(horizon)") }
            endOfInstant(e)
            var placed = Array(repeating: 0, count: serviceCount)
            for service in location.values { placed[Int(service)] += 1 }
            for i in 0..<serviceCount {
                if occupancy[i] != enters[i] - leaves[i] || placed[i] != occupancy[i] {
                    fail(
                        e,
                        "service \(i): occupancy \(occupancy[i]), enters − leaves \(enters[i] - leaves[i]), patients placed \(placed[i])"
                    )
                }
            }
            if Set(conveyedAt.keys) != inED { fail(e, "conveyances neither admitted, diverted nor waiting in ED") }
        }
    }

    /// Whether the log was complete (ended with `end`).
    var complete: Bool { ended }

    var summary: String {
        "\(events) events, \(conveyances) conveyances, \(admissions) acute admissions, \(diversions) diversions, \(edWaits) ED waits (max queue \(maximumEDQueue)), \(transferWaits) transfer waits, \(delays) delays, \(deaths) deaths, \(capacityChanges) capacity changes"
    }
}
