import Foundation
import Testing

@testable import HomewardKit

/// A finite waiting list before a downstream service (`services.NAME.waitingList`): who is
/// placed out of area and when, what happens to the bed they waited in, and what is counted.
@Suite("Waiting lists before downstream services: placement out of area")
struct WaitingListTests {
    /// One downstream bed (a fixed 10-day stay) and about one patient a day needing it after a
    /// fixed 2-day acute stay and a 1-hour assessment (so each is delayed, reason A, before
    /// asking for the bed); transfers at any hour. Everyone discharged home is readmitted
    /// within 30 days, so a patient who is seen again after a placement out of area would show.
    static func scenario(waitingList: String) throws -> Scenario {
        try TheorySupport.scenario(
            """
            { name: "waiting list", start: "2021-01-04", horizonDays: 200, warmupDays: 0, replications: 1, seed: 3,
              population: { bands: { "65-84": { people: 10000 } } },
              working: { hours: { from: 0, to: 24 }, simpleDischargeHours: { from: 0, to: 24, days: "all" },
                         sevenDayAssessment: true, sevenDayDischarge: true },
              cohorts: { older: { band: "65-84", crises: { perYear: 365.25 }, lengthOfStayDays: 2,
                                  readmission: { within30Days: 1, within91Days: 1 }, pathways: { "3": 1 } } },
              services: {
                acute: { kind: "acute", capacity: 1000 },
                beds: { kind: "bedBased", capacity: 1, durationDays: 10, outcomes: { independent: 1 }\(waitingList) },
              },
              pathways: { "3": { service: "beds", assessment: { workingHours: 1 } } } }
            """)
    }

    /// What the log shows about the beds' requests.
    struct Replay {
        var placements = 0
        var joins = 0
        var immediate = 0
        /// Delayed days in acute beds: from each patient's first delay to leaving acute (or the end).
        var delayedDays = 0.0
        var problems: [String] = []
    }

    /// Replays the log: at every request for the bed, how many are in it and how many wait;
    /// a request finding the bed free takes it, one finding it taken joins the list if it has
    /// room and is otherwise placed out of area, leaving its acute bed (ending its delay) at
    /// once, and is never seen again (but for the 91-day follow-up of an earlier discharge).
    static func replay(_ log: [Event], _ scenario: Scenario, list: Int) throws -> Replay {
        let acute = Int16(scenario.acute)
        let beds = Int16(try #require(scenario.serviceIndex(named: "beds")))
        var r = Replay()
        var inBed = 0
        var waiting = Set<UInt32>()
        var delayedSince: [UInt32: Double] = [:]
        /// Patients placed out of area, with the index of the leave that must follow.
        var gone: [UInt32: Int] = [:]
        for (i, e) in log.enumerated() {
            // The 91-day follow-up of an earlier discharge into the beds may still come.
            if let last = gone[e.patient], i > last, e.kind != .followUp91 {
                r.problems.append("patient \(e.patient) seen after a placement: \(e.kind)")
            }
            switch (e.kind, e.service) {
            case (.delay, acute):
                if delayedSince[e.patient] == nil { delayedSince[e.patient] = e.time }
            case (.transferWait, beds):
                r.joins += 1
                if inBed < 1 { r.problems.append("joins the list while the bed is free") }
                if waiting.count >= list { r.problems.append("joins a full list (\(waiting.count) waiting)") }
                waiting.insert(e.patient)
            case (.enter, beds):
                if waiting.remove(e.patient) == nil { r.immediate += 1 }
                inBed += 1
            case (.leave, beds):
                inBed -= 1
            case (.diversion, beds):
                r.placements += 1
                if inBed < 1 || waiting.count != list {
                    r.problems.append("placed out of area with \(inBed) in the bed and \(waiting.count) waiting")
                }
                if delayedSince[e.patient] == nil { r.problems.append("placed out of area without a delay first") }
                let next = log[i + 1]
                if !(next.kind == .leave && next.patient == e.patient && next.service == acute
                    && next.detail == Int32(beds) && next.time == e.time)
                {
                    r.problems.append("placement not followed at once by leaving the acute bed: \(next.kind)")
                }
                gone[e.patient] = i + 1
            case (.leave, acute):
                if let since = delayedSince.removeValue(forKey: e.patient) { r.delayedDays += e.time - since }
            case (.end, _):
                for since in delayedSince.values { r.delayedDays += e.time - since }
            default:
                break
            }
        }
        return r
    }

    /// A list of 1 (and of 0, pure loss) before one bed: once the bed and the list are taken,
    /// every request is placed out of area at once, leaves its acute bed (its delay ends there)
    /// and the modelled system (never readmitted, though everyone discharged home is); the
    /// projection counts each placement, its share of the requests, the delays up to the
    /// placement, and no ED diversion.
    @Test(arguments: [1, 0])
    func aFullListPlacesOutOfArea(list: Int) throws {
        let scenario = try Self.scenario(waitingList: ", waitingList: \(list)")
        #expect(scenario.services[try #require(scenario.serviceIndex(named: "beds"))].waitingList == list)
        let log = TheorySupport.events(scenario, seed: scenario.seed, replication: 0)
        var checker = EventLogInvariantChecker(scenario: scenario)
        for e in log { checker.append(e) }
        #expect(checker.violationCount == 0, "\(checker.violations.joined(separator: "\n"))")

        let replay = try Self.replay(log, scenario, list: list)
        #expect(replay.problems.isEmpty, "\(replay.problems.prefix(5))")
        // About 200 requests and 20 turnovers of the bed: most requests go out of area.
        #expect(replay.placements > 100)
        // With a list, the bed is taken from the list whenever it frees (it is never empty then).
        if list == 0 {
            #expect(replay.joins == 0)
            #expect(replay.immediate >= 15)
        } else {
            #expect(replay.joins >= 15)
            #expect(replay.immediate >= 1)
        }
        #expect(checker.placementsOutOfArea == replay.placements)
        #expect(checker.diversions == 0)

        var projection = Projection(context: ProjectionContext(scenario: scenario))
        for e in log { projection.append(e) }
        let metrics = projection.metrics()
        #expect(metrics[.servicePlacedOutOfArea, "beds"] == Double(replay.placements))
        let requests = Double(replay.placements + replay.joins + replay.immediate)
        let share = try #require(metrics[.servicePlacedOutOfAreaShare, "beds"])
        #expect(abs(share - Double(replay.placements) / requests) < 1e-12)
        #expect(metrics[.diversions] == 0)
        let delayed = try #require(metrics[.delayedBedDays])
        #expect(abs(delayed - replay.delayedDays) < 1e-9 * max(1, delayed), "\(delayed) vs \(replay.delayedDays)")
    }

    /// Without a waiting list nobody is placed out of area and no such metric is emitted.
    @Test func noListNoPlacements() throws {
        let scenario = try Self.scenario(waitingList: "")
        let log = TheorySupport.events(scenario, seed: scenario.seed, replication: 0)
        #expect(!log.contains { $0.kind == .diversion })
        var projection = Projection(context: ProjectionContext(scenario: scenario))
        for e in log { projection.append(e) }
        let metrics = projection.metrics()
        #expect(metrics[.servicePlacedOutOfArea, "beds"] == nil)
        #expect(metrics[.servicePlacedOutOfAreaShare, "beds"] == nil)
    }

    /// The header of an event log keeps which services have a waiting list (written only for
    /// those that do), so a replayed log emits the same metrics.
    @Test func theLogHeaderKeepsTheWaitingList() throws {
        let scenario = try Self.scenario(waitingList: ", waitingList: 1")
        let context = ProjectionContext(scenario: scenario)
        let back = try ProjectionContext(json: context.json)
        #expect(back == context)
        #expect(back.services.map(\.hasWaitingList) == [false, true])
        let plain = ProjectionContext(scenario: try Self.scenario(waitingList: ""))
        #expect(!plain.json.jsonText().contains("waitingList"))
    }
}
