import Foundation
import Testing

@testable import HomewardKit

/// Years that differ beyond chance (`demandVariation`) against the exact variance of a mixed
/// Poisson count.
///
/// With a constant rate, a period's crisis count N given the period's factor F is Poisson with
/// mean mu F, and F has mean 1, so E[N] = mu and Var(N) = mu + mu^2 Var(F) (the law of total
/// variance; it holds for any mixing law, the lognormal included). Here F is L on the days of
/// a model year outside winter, L W on winter days, with L and W independent, each of mean 1
/// and coefficient of variation c and w:
/// - the winter's count (mean m_w):           Var = m_w + m_w^2 ((1 + c^2)(1 + w^2) - 1)
/// - the rest of the year (mean m_s):         Var = m_s + m_s^2 c^2
/// - the whole model year (m = m_s + m_w):   Var = m + (1 + c^2)(m^2 + m_w^2 w^2) - m^2
///
/// Design: 16 replications x 25 model years (April to March, so each year holds one whole
/// December-February winter) give 400 independent periods of each kind (the slow tier: 100
/// replications, 2,500 periods); each check allows
/// 4 standard errors of the sample mean and of the sample variance, the latter estimated from
/// the sample's own fourth moment (so the tolerance follows the law of the counts, whatever its
/// kurtosis). A false alarm then has probability about 1 in 10,000 per check. Power: with
/// c = 0.15 the annual variance is about 10 times the Poisson variance, far outside 4 standard
/// errors (about 30% of it at 400 periods), so a model without the factors, or with only one
/// of them, fails (leaving out the winter factor misses the winter variance by about 15
/// standard errors at 1,000 periods).
@Suite struct DemandVariationTests {
    static let perYear = 400.0
    static let level = 0.15
    static let winter = 0.3
    static let years = 25

    /// One cohort at a constant rate; stays so short that nothing queues.
    static func scenario(level: Double, winter: Double, replications: Int = 16) throws -> Scenario {
        let start = CivilDate(year: 2016, month: 4, day: 1)
        let end = CivilDate(year: 2016 + years, month: 4, day: 1)
        let days = end.daysSinceEpoch - start.daysSinceEpoch
        return try TheorySupport.scenario(
            """
            { name: "years", start: "2016-04-01", horizonDays: \(days), replications: \(replications), seed: 5,
              population: { bands: { "65-84": { people: 1000 } } },
              cohorts: { c: { band: "65-84", crises: { perYear: \(perYear) }, lengthOfStayDays: { fixed: 0.01 },
                              pathways: { "1": 1 } } },
              services: { acute: { kind: "acute", capacity: 1000 } },
              pathways: { "1": { service: null } },
              demandVariation: { annualLevelCV: \(level), winterSeverityCV: \(winter) } }
            """)
    }

    /// Crises per (replication, model year), split into winter and the rest of the year.
    struct Periods {
        var winter: [Double] = []
        var rest: [Double] = []
        var year: [Double] = []
        /// Expected counts of each period of each model year, in the same order.
        var winterMean: [Double] = []
        var restMean: [Double] = []
    }

    /// Counts crisis events by day.
    struct DailyCrises: EventSink {
        var perDay: [Int]
        mutating func append(_ event: Event) {
            if event.kind == .crisis { perDay[Int(event.time)] += 1 }
        }
    }

    static func periods(_ scenario: Scenario) -> Periods {
        var out = Periods()
        let origin = scenario.origin
        let days = scenario.days
        for rep in 0..<scenario.replications {
            let sink = TheorySupport.run(
                scenario, seed: scenario.seed, replication: rep,
                sink: DailyCrises(perDay: Array(repeating: 0, count: days)))
            for y in 0..<years {
                let from = CivilDate(year: 2016 + y, month: 4, day: 1).daysSinceEpoch - origin.daysSinceEpoch
                let to = CivilDate(year: 2017 + y, month: 4, day: 1).daysSinceEpoch - origin.daysSinceEpoch
                var w = 0
                var s = 0
                var winterDays = 0
                for d in from..<to {
                    if [12, 1, 2].contains(origin.adding(days: d).month) {
                        w += sink.perDay[d]
                        winterDays += 1
                    } else {
                        s += sink.perDay[d]
                    }
                }
                out.winter.append(Double(w))
                out.rest.append(Double(s))
                out.year.append(Double(w + s))
                // The rate per day is perYear / 365.25 (ScenarioReader's rate units).
                out.winterMean.append(perYear / 365.25 * Double(winterDays))
                out.restMean.append(perYear / 365.25 * Double(to - from - winterDays))
            }
        }
        return out
    }

    /// The sample mean and variance with their standard errors (the variance's from the
    /// fourth central moment: Var(s^2) ~ (m4 - s^4 (n - 3) / (n - 1)) / n).
    static func moments(_ xs: [Double]) -> (mean: Double, meanSE: Double, variance: Double, varianceSE: Double) {
        let n = Double(xs.count)
        let mean = Statistics.mean(xs)
        let variance = Statistics.sampleVariance(xs)
        let m4 = xs.reduce(0) { $0 + pow($1 - mean, 4) } / n
        let varianceSE = (max(m4 - variance * variance * (n - 3) / (n - 1), 0) / n).squareRoot()
        return (mean, (variance / n).squareRoot(), variance, varianceSE)
    }

    static func check(_ name: String, _ xs: [Double], mean mu: Double, variance theory: Double) {
        let m = Self.moments(xs)
        #expect(abs(m.mean - mu) < 4 * m.meanSE, "\(name): mean \(m.mean) against \(mu) (SE \(m.meanSE))")
        #expect(
            abs(m.variance - theory) < 4 * m.varianceSE,
            "\(name): variance \(m.variance) against \(theory) (SE \(m.varianceSE))")
    }

    @Test func countsHaveTheMixedPoissonVariance() throws {
        try Self.checkMixedPoisson(replications: 16)
    }

    static func checkMixedPoisson(replications: Int) throws {
        let scenario = try Self.scenario(level: Self.level, winter: Self.winter, replications: replications)
        let p = Self.periods(scenario)
        let c2 = Self.level * Self.level
        let w2 = Self.winter * Self.winter
        // A winter with 29 February has one day more (its mean is 1.1% higher one year in four),
        // so the formulas are evaluated at the average means: the exact variances averaged over
        // the years differ from that by well under 0.1%, far less than the standard errors.
        let mw = Statistics.mean(p.winterMean)
        let ms = Statistics.mean(p.restMean)
        let m = mw + ms
        check("winter", p.winter, mean: mw, variance: mw + mw * mw * ((1 + c2) * (1 + w2) - 1))
        check("rest of year", p.rest, mean: ms, variance: ms + ms * ms * c2)
        check("model year", p.year, mean: m, variance: m + (1 + c2) * (m * m + mw * mw * w2) - m * m)
    }

    @Suite(.slowTier, .tags(.slow)) struct SlowTier {
        @Test func countsHaveTheMixedPoissonVarianceOver2500Periods() throws {
            try DemandVariationTests.checkMixedPoisson(replications: 100)
        }
    }
}
