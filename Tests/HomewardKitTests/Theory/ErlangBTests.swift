import Foundation
import Testing

@testable import HomewardKit

/// The acute hospital as a loss system: with `divertAfterHours: 0` a patient who finds every
/// bed taken is diverted at once, so with Poisson arrivals the acute ward is an M/G/c/c queue
/// and the share of NELs diverted must be Erlang B, B(c, a) with a = λ·E[S] — whatever the
/// distribution of the stay beyond its mean (insensitivity).
///
/// Statistics: R independent replications each give one loss ratio (diversions / NELs in the
/// measured window); theory must fall inside the 99% Student-t interval across replications,
/// widened by 1% of B on each side for the residual start-up transient. Why 99% rather than
/// 95%: the seeds are fixed, six intervals are checked, and at 95% a correct model would fail
/// one of them about a quarter of the time whenever a change elsewhere reshuffles the random
/// streams. The transient is negligible: the run starts empty and the warm-up is 20 mean stays
/// (for the lognormal stays, P(S > 20·E[S]) ≈ 5·10⁻⁴), so its bias is far below 1%.
/// Power: each interval must also be narrower than ±20% of B (the expected half-widths are
/// 10-13%; the bound leaves room for the spread of a 16-replication standard deviation).
/// B(c − 1, a) exceeds B(c, a) by a factor c/a + B(c − 1, a): 2.04, 1.17 and 1.14 for the three
/// loads, so an off-by-one bed count is caught outright at c = 10; a mean stay off by 2%
/// shifts B by 11%, 15% and 27% (d ln B / d ln a = c − a(1 − B)), and a stay distribution that
/// mattered (no insensitivity) would separate the exponential and lognormal cases.
@Suite("Erlang B: loss probability of the acute hospital with immediate diversion")
struct ErlangBTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var servers: Int
        var load: Double
        /// Length of stay in scenario syntax (mean 1 day).
        var stay: String
        var stayLabel: String
        var replications: Int
        /// Measured days per replication.
        var days: Int

        var testDescription: String { "c=\(servers) a=\(load) \(stayLabel)" }
    }

    static let exponential = "{ exponential: { mean: 1 } }"
    /// Lognormal with the same mean and a coefficient of variation of 1.5: a different shape
    /// (mode at 0.17 days, a long right tail: P(S > 5) = 2.1% against 0.7% for the exponential).
    static let lognormal = "{ lognormal: { mean: 1, sd: 1.5 } }"

    // 16 replications per case (more, shorter replications give a smaller Student-t quantile
    // for the same cost: t(0.995, 15) = 2.95 against 3.50 with 8). The lengths (120,000-430,000
    // arrivals per case) are sized so that the expected half-width is about ±10-13% of B:
    // heavier loads and the lognormal stays (longer busy periods) need more arrivals. The
    // exponential and lognormal cases of a load share their arrival streams (same seed and
    // cohort name), so their difference isolates the effect of the stay distribution.
    static let cases: [Case] = [
        Case(servers: 10, load: 5, stay: exponential, stayLabel: "exponential", replications: 16, days: 1500),
        Case(servers: 10, load: 5, stay: lognormal, stayLabel: "lognormal cv 1.5", replications: 16, days: 1500),
        Case(servers: 50, load: 45, stay: exponential, stayLabel: "exponential", replications: 16, days: 350),
        Case(servers: 50, load: 45, stay: lognormal, stayLabel: "lognormal cv 1.5", replications: 16, days: 350),
        Case(servers: 100, load: 90, stay: exponential, stayLabel: "exponential", replications: 16, days: 240),
        Case(servers: 100, load: 90, stay: lognormal, stayLabel: "lognormal cv 1.5", replications: 16, days: 300),
    ]

    static func scenarioText(_ c: Case) -> String {
        let perYear = c.load / 1.0 * 365.25  // λ per day = a / E[S], E[S] = 1 day
        return """
            { name: "erlang-b", start: "2020-01-06", horizonDays: \(c.days), warmupDays: 20, replications: \(c.replications), seed: 7,
              population: { bands: { "18-64": { people: 100000 } } },
              working: { simpleDischargeHours: { from: 0, to: 24, days: "all" } },
              cohorts: { all: { band: "18-64", crises: { perYear: \(perYear) }, lengthOfStayDays: \(c.stay), pathways: { "1": 1 } } },
              services: { acute: { kind: "acute", capacity: \(c.servers), divertAfterHours: 0 } },
              pathways: { "1": { service: null } } }
            """
    }

    /// The light load (c = 10), both stay shapes, in the fast suite; the heavier loads, whose
    /// runs are three times as long, in the slow tier (`SlowTests`).
    @Test(arguments: cases.prefix(2))
    func lossProbabilityIsErlangB(_ c: Case) throws { try checkLossProbability(c) }

    func checkLossProbability(_ c: Case) throws {
        let scenario = try TheorySupport.scenario(Self.scenarioText(c))
        var ratios: [Double] = []
        var arrivals = 0.0
        for rep in 0..<c.replications {
            let m = Runner.replicate(scenario, seed: scenario.seed, replication: rep)
            let nel = try #require(m["nelAdmissions"])
            let diverted = try #require(m["diversions"])
            // Every NEL is either admitted or diverted at the moment of conveyance: no one waits.
            #expect(m["edWaitHours"] == 0)
            #expect(nel == diverted + m["services.acute.admissions"]!)
            ratios.append(diverted / nel)
            arrivals += nel
        }
        let ci = ConfidenceInterval(values: ratios, level: 0.99)
        let theory = QueueingTheory.erlangB(servers: c.servers, offeredLoad: c.load)
        print(
            "ErlangB \(c.testDescription): theory \(TheorySupport.format(theory, 5)) simulated \(TheorySupport.describe(ci, 5)) from \(Int(arrivals)) NELs"
        )
        #expect(
            TheorySupport.covers(ci, theory, relativeMargin: 0.01),
            "B(\(c.servers), \(c.load)) = \(theory) outside \(TheorySupport.describe(ci, 5))")
        #expect(ci.halfWidth < 0.20 * theory, "interval too wide to discriminate: \(TheorySupport.describe(ci, 5))")
    }
}

extension ErlangBTests {
    /// The heavier loads (c = 50 and 100), whose runs are three times as long: slow tier.
    @Suite(.slowTier, .tags(.slow)) struct SlowTier {
        @Test(arguments: ErlangBTests.cases.dropFirst(2))
        func lossProbabilityIsErlangBAtHeavierLoads(_ c: Case) throws { try ErlangBTests().checkLossProbability(c) }
    }
}
