import Foundation
import Testing

@testable import HomewardKit

/// A service that starts above its capacity (a census of N in c < N places) runs over capacity
/// until enough occupants leave, and takes nobody new until it is below capacity.
///
/// The exact case: no arrivals, a fixed stay L. A census patient's remaining stay is drawn
/// from the equilibrium residual of the stay, which for a fixed L is exactly uniform on [0, L]
/// (every candidate of `remainingTime` has length L). With N independent uniform residuals
/// U_(1) < ... < U_(N) (order statistics, E[U_(j)] = j/(N+1)·L) the service is over capacity
/// until the (N−c)-th departure and the excess at time t is the number of the first N−c
/// departures still to come, so
/// - days over capacity = U_(N−c), with mean (N−c)/(N+1)·L;
/// - occupied days above capacity = Σ_{j=1}^{N−c} U_(j), with mean (N−c)(N−c+1)/(2(N+1))·L;
/// - the largest excess is N−c in every replication (at time 0, measured with no warm-up).
///
/// Statistics: R = 400 replications, each one value; theory must lie in the 99% t interval
/// (99% because two intervals are checked with fixed seeds). Power: with N = 30, c = 20, L =
/// 10, the means are 3.23 and 17.7 days, with standard deviations 0.83 and about 7 days
/// (Var U_(k) = k(N+1−k)/((N+1)²(N+2))), so the intervals' half-widths are about 0.11 and 0.9
/// days: keeping the excess one departure too long (+0.32 and +3.2 days) would be caught.
@Suite("Capacity below occupancy: exact order-statistics check and the admission rule")
struct OverCapacityTests {
    static func scenarioText(census: Int, capacity: String, crisesPerYear: Double, days: Int = 40) -> String {
        """
        { name: "over-capacity", start: "2020-01-06", horizonDays: \(days), warmupDays: 0, replications: 1, seed: 5,
          population: { bands: { "18-64": { people: 100000 } } },
          working: {
            hours: { from: 0, to: 24 }, simpleDischargeHours: "24/7", sevenDayAssessment: true, sevenDayDischarge: true,
          },
          cohorts: { all: { band: "18-64", crises: { perYear: \(crisesPerYear) }, lengthOfStayDays: { fixed: 0.5 }, pathways: { "2": 1 } } },
          services: {
            acute: { kind: "acute", capacity: 10000 },
            beds: { kind: "bedBased", capacity: \(capacity), durationDays: { fixed: 10 } },
          },
          pathways: { "2": { service: "beds" } },
          census: { beds: [{ cohort: "all", patients: \(census) }] } }
        """
    }

    @Test func overCapacityMatchesOrderStatistics() throws {
        let (n, c, stay) = (30, 20, 10.0)
        let scenario = try TheorySupport.scenario(
            Self.scenarioText(census: n, capacity: "\(c)", crisesPerYear: 0))
        var over: [Double] = []
        var excessDays: [Double] = []
        for rep in 0..<400 {
            let m = TheorySupport.run(
                scenario, seed: scenario.seed, replication: rep,
                sink: Projection(context: ProjectionContext(scenario: scenario))
            ).metrics()
            over.append(try #require(m[.serviceDaysOverCapacity, "beds"]))
            excessDays.append(try #require(m[.serviceExcessOccupiedDays, "beds"]))
            #expect(m[.serviceExcessMax, "beds"] == Double(n - c))
            let mean = try #require(m[.serviceExcessMean, "beds"])
            #expect(abs(mean - excessDays.last! / Double(scenario.days)) < 1e-12)
        }
        let k = Double(n - c)
        let theory = [
            ("days over capacity", k / Double(n + 1) * stay, over),
            ("occupied days above capacity", k * (k + 1) / (2 * Double(n + 1)) * stay, excessDays),
        ]
        for (label, value, xs) in theory {
            let ci = ConfidenceInterval(values: xs, level: 0.99)
            print(
                "OverCapacity \(label): theory \(TheorySupport.format(value)) simulated \(TheorySupport.describe(ci))")
            #expect(
                ci.low <= value && value <= ci.high, "\(label): theory \(value) outside \(TheorySupport.describe(ci))")
            #expect(ci.halfWidth < 0.05 * value, "\(label): interval too wide: \(TheorySupport.describe(ci))")
        }
    }

    /// Replays the beds' enters and leaves: every admission after time 0 finds fewer occupants
    /// than places (so none happens while the census or a cut keeps the service at or above
    /// capacity), and patients do wait for it meanwhile (so the rule was tested, not idle).
    /// Transfers are accepted at every hour, so a place is taken the moment it is given: with
    /// office hours a place given before a cut is kept by the patient who holds it and taken at
    /// the next opening (docs/model.md).
    @Test(arguments: ["20", "{ base: 40, changes: [{ from: \"2020-01-08\", capacity: 20 }] }"])
    func takesNobodyNewUntilBelowCapacity(_ capacity: String) throws {
        let scenario = try TheorySupport.scenario(
            Self.scenarioText(census: 30, capacity: capacity, crisesPerYear: 365.25 * 3, days: 60))
        let beds = try #require(scenario.serviceIndex(named: "beds"))
        var sawWaits = 0
        var admissions = 0
        var wasOver = false
        var maxOccupancy = 0
        for rep in 0..<20 {
            var occupancy = 0
            var places = 0
            for e in TheorySupport.events(scenario, seed: scenario.seed, replication: rep)
            where Int(e.service) == beds {
                switch e.kind {
                case .capacity: places = Int(e.detail)
                case .transferWait: sawWaits += 1
                case .leave: occupancy -= 1
                case .enter:
                    if e.time > 0 {
                        admissions += 1
                        #expect(occupancy < places, "admitted at \(e.time) with \(occupancy) in \(places) places")
                    }
                    occupancy += 1
                default: break
                }
                if occupancy > places { wasOver = true }
                maxOccupancy = max(maxOccupancy, occupancy)
            }
        }
        #expect(maxOccupancy >= 30, "the census is placed whole")
        #expect(wasOver, "the service ran over capacity")
        #expect(sawWaits > 0 && admissions > 0, "patients waited, then were admitted")
    }

    @Test func aCensusAboveCapacityIsAllowedAndNoted() throws {
        let scenario = try TheorySupport.scenario(
            Self.scenarioText(census: 30, capacity: "20", crisesPerYear: 0), file: "cut.json5")
        let notes = scenario.overCapacityAtStart(file: "cut.json5")
        #expect(
            notes.map(\.description) == [
                "cut.json5: census.beds: has 30 patients but the capacity at the start is 20: the service runs 10 over capacity and takes nobody new until enough leave"
            ])
        let within = try TheorySupport.scenario(Self.scenarioText(census: 20, capacity: "20", crisesPerYear: 0))
        #expect(within.overCapacityAtStart(file: "x").isEmpty)
    }
}
