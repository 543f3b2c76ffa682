import Foundation
import Testing

@testable import HomewardKit

/// `homeward calibrate`'s estimate of `demandVariation` recovers known coefficients of
/// variation from synthetic activity, within its sampling error.
@Suite struct DemandVariationEstimateTests {
    /// Crisis times of `years` April-to-March years from 2000-04-01 (origin 2000-01-01): each
    /// month's count is Poisson with mean base x season x trend x L (x W in December to
    /// February), L and W lognormal with mean 1 and CVs `level` and `winter`, one L per year
    /// and one W per winter. Arrivals are placed mid-month (only the month matters).
    static func synthetic(years: Int, level: Double, winter: Double, seed: UInt64) -> [Double] {
        let origin = CivilDate(year: 2000, month: 1, day: 1)
        var rng = RandomStream(seed: seed)
        let season = [1.15, 1.05, 1.0, 0.95, 0.95, 0.92, 0.92, 0.92, 0.94, 1.0, 1.05, 1.2]
        var times: [Double] = []
        for y in 0..<years {
            let l = DemandVariation.factor(cv: level, normal: rng.standardNormal())
            let w = DemandVariation.factor(cv: winter, normal: rng.standardNormal())
            for k in 0..<12 {
                let date = CivilDate(year: 2000 + y, month: 4, day: 1).addingMonths(k)
                var mean = 150 * season[date.month - 1] * (1 + 0.002 * Double(y)) * l
                if [12, 1, 2].contains(date.month) { mean *= w }
                // Poisson by counting unit exponential gaps before `mean`.
                var t = rng.exponential(mean: 1)
                let mid = Double(date.daysSinceEpoch - origin.daysSinceEpoch) + 14.5
                while t < mean {
                    times.append(mid)
                    t += rng.exponential(mean: 1)
                }
            }
        }
        return times
    }

    @Test(arguments: [(0.1, 0.2), (0.03, 0.1), (0.0, 0.0)])
    func recoversKnownCVs(level: Double, winter: Double) throws {
        // 300 years: the standard error of c^2 is sqrt(2 / 298) (1/m + c^2) (m about 1,400, the
        // count outside winter), 0.0009 at c = 0.1; each check allows 4 standard errors, the
        // estimator's own (computed from the sample's residual variance).
        let years = 300
        let times = Self.synthetic(years: years, level: level, winter: winter, seed: 42)
        let e = DemandVariationEstimate(
            times: times, origin: CivilDate(year: 2000, month: 1, day: 1),
            from: CivilDate(year: 2000, month: 4, day: 1),
            to: CivilDate(year: 2000 + years, month: 4, day: 1))
        #expect(e.failure == nil)
        #expect(e.years == years)
        #expect(e.winters == years)
        let c = try #require(e.annualLevelCV)
        let w = try #require(e.winterSeverityCV)
        let se = try #require(e.standardErrors)
        let k = (1 + level * level) * (1 + winter * winter) - 1
        let kHat = (1 + c * c) * (1 + w * w) - 1
        // Estimates truncated at 0 can only err upwards when the truth is 0.
        #expect(abs(c * c - level * level) <= 4 * se.levelCV2, "level CV \(c) against \(level)")
        #expect(abs(kHat - k) <= 4 * se.winterTotalCV2 + 4 * se.levelCV2, "winter total CV^2 \(kHat) against \(k)")
        let seW2 = (se.levelCV2 * se.levelCV2 + se.winterTotalCV2 * se.winterTotalCV2).squareRoot()
        #expect(abs(w * w - winter * winter) <= 4 * seW2, "winter CV \(w) against \(winter)")
    }

    @Test func aWrongModelIsTold() throws {
        // Power: data with a level CV of 0.1 are not mistaken for chance alone (c = 0 lies more
        // than 4 standard errors away), nor data without variation for c = 0.1.
        let varied = DemandVariationEstimate(
            times: Self.synthetic(years: 100, level: 0.1, winter: 0, seed: 7),
            origin: CivilDate(year: 2000, month: 1, day: 1), from: CivilDate(year: 2000, month: 4, day: 1),
            to: CivilDate(year: 2100, month: 4, day: 1))
        let se = try #require(varied.standardErrors).levelCV2
        #expect(try #require(varied.annualLevelCV) * (try #require(varied.annualLevelCV)) > 4 * se)
    }

    @Test func tooFewYearsAreRefusedWithTheReason() {
        let e = DemandVariationEstimate(
            times: Self.synthetic(years: 2, level: 0.1, winter: 0.1, seed: 1),
            origin: CivilDate(year: 2000, month: 1, day: 1), from: CivilDate(year: 2000, month: 4, day: 1),
            to: CivilDate(year: 2002, month: 4, day: 1))
        #expect(e.annualLevelCV == nil)
        #expect(e.failure == "needs at least 3 whole years and winters of activity, got 2 years and 2 winters")
    }

    @Test func wintersCutByTheWindowAreLeftOut() {
        // From 2000-01-15: the first whole month is February 2000, inside the winter of 1999-2000,
        // which is cut; to 2003-01-01: the winter of 2002-03 is cut at December 2002.
        let e = DemandVariationEstimate(
            times: [], origin: CivilDate(year: 2000, month: 1, day: 1), from: CivilDate(year: 2000, month: 1, day: 15),
            to: CivilDate(year: 2003, month: 1, day: 1))
        #expect(e.winters == 2)
        #expect(e.years == 2)
    }
}
