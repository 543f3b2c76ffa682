import Foundation
import Testing

@testable import HomewardKit

/// The 95% intervals of bounded metrics (Hall's skewness-corrected t, kept inside the bounds;
/// see `ConfidenceInterval.init(values:bounds:level:)`) cover known means 93-97% of the time, on
/// the three kinds of value a replication gives: a count, a skewed total of delays and a share.
///
/// Design: each trial draws n replications' values from a distribution whose mean is known
/// exactly, builds the interval and records whether it holds the mean. With T trials the
/// estimated coverage has standard error √(0.95·0.05/T): 0.34% at T = 4,000 (fast suite) and
/// 0.15% at T = 20,000 (slow tier). The band 93-97% is the brief's acceptance range; a method
/// whose true coverage is 95% fails it with probability far below 10⁻⁸ at T = 4,000, while the
/// plain t interval on the skewed total (true coverage about 92.4% at n = 10, measured below)
/// would fail it. Streams are seeded, so every run draws the same values.
@Suite struct IntervalCoverageTests {
    /// One known case: how to draw one replication's value, its exact mean and its bounds.
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var mean: Double
        var bounds: Metric.Bounds
        var draw: @Sendable (inout RandomStream) -> Double
        var description: String { name }
    }

    /// Poisson(λ) by inversion of its CDF tabulated over λ ± 12√λ (+ 10), outside which the
    /// probability is below 10⁻³⁰; the table is searched by bisection.
    struct Poisson: Sendable {
        let start: Int
        let cdf: [Double]

        init(_ lambda: Double) {
            let spread = 12 * lambda.squareRoot() + 10
            start = max(0, Int(lambda - spread))
            let end = Int(lambda + spread)
            var sign: Int32 = 0
            var cumulative = 0.0
            var cdf: [Double] = []
            for k in start...end {
                cumulative += exp(Double(k) * log(lambda) - lambda - lgamma_r(Double(k) + 1, &sign))
                cdf.append(cumulative)
            }
            self.cdf = cdf
        }

        func draw(_ stream: inout RandomStream) -> Int {
            let u = stream.uniform() * cdf[cdf.count - 1]
            var lo = 0
            var hi = cdf.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cdf[mid] < u { lo = mid + 1 } else { hi = mid }
            }
            return start + lo
        }
    }

    /// (a) Poisson counts (mean 30 and 3,000), (b) a compound Poisson total of delays: N ~
    /// Poisson(5) patients each delayed a lognormal time with μ = 0, σ = 1 (mean e^½ days each,
    /// so the total's mean is 5·e^½ and its skewness e^1.5/√5 = 2.0), (c) a share: successes
    /// out of 20 trials with probability 0.9, divided by 20 (21 possible values, skewness −0.6).
    static let cases: [Case] = {
        let p30 = Poisson(30)
        let p3000 = Poisson(3000)
        let p5 = Poisson(5)
        return [
            Case(name: "Poisson count, mean 30", mean: 30, bounds: .count) { Double(p30.draw(&$0)) },
            Case(name: "Poisson count, mean 3000", mean: 3000, bounds: .count) { Double(p3000.draw(&$0)) },
            Case(name: "compound Poisson delays, lambda 5, lognormal(0, 1)", mean: 5 * exp(0.5), bounds: .nonNegative) {
                var total = 0.0
                for _ in 0..<p5.draw(&$0) { total += exp($0.standardNormal()) }
                return total
            },
            Case(name: "share of 20 trials, p 0.9", mean: 0.9, bounds: .proportion) {
                var successes = 0
                for _ in 0..<20 where $0.uniform() < 0.9 { successes += 1 }
                return Double(successes) / 20
            },
        ]
    }()

    /// A harder case, reported but not held to 93-97%: rare, very long delays (N ~ Poisson(1)
    /// patients, each lognormal with μ = 0, σ = 2; skewness e^6/√1 ≈ 400 per replication).
    static let heavyTail: Case = {
        let p1 = Poisson(1)
        return Case(name: "rare long delays, lambda 1, lognormal(0, 2)", mean: exp(2), bounds: .nonNegative) {
            var total = 0.0
            for _ in 0..<p1.draw(&$0) { total += exp(2 * $0.standardNormal()) }
            return total
        }
    }()

    /// Coverage of the bounded method and of the plain Student t interval on the same samples.
    static func coverage(_ c: Case, replications n: Int, trials: Int, seed: UInt64) -> (bounded: Double, t: Double) {
        var stream = RandomStream(seed: seed)
        var bounded = 0
        var plain = 0
        var values = [Double](repeating: 0, count: n)
        for _ in 0..<trials {
            for i in 0..<n { values[i] = c.draw(&stream) }
            let ci = ConfidenceInterval(values: values, bounds: c.bounds)
            if ci.low <= c.mean && c.mean <= ci.high { bounded += 1 }
            let t = ConfidenceInterval(values: values)
            if t.low <= c.mean && c.mean <= t.high { plain += 1 }
        }
        return (Double(bounded) / Double(trials), Double(plain) / Double(trials))
    }

    static func check(_ c: Case, replications n: Int, trials: Int) {
        let seed = StreamID.named("coverage " + c.name) ^ UInt64(n)
        let result = coverage(c, replications: n, trials: trials, seed: seed)
        #expect(
            (0.93...0.97).contains(result.bounded),
            "\(c.name), n = \(n): coverage \(result.bounded) (t interval \(result.t)) over \(trials) trials")
    }

    @Test(arguments: cases, [10, 100])
    func nominal95PercentIntervalsCoverTheMean(_ c: Case, replications: Int) {
        Self.check(c, replications: replications, trials: 4000)
    }

    /// The skewness correction matters where it should: on the skewed total at n = 10 it covers
    /// more often than the symmetric t interval on the same samples (by about 2 points in a
    /// prototype; required here: at least 1 point, ten standard errors of the paired difference).
    @Test func theCorrectionRaisesCoverageOnASkewedTotal() {
        let c = Self.cases[2]
        let result = Self.coverage(c, replications: 10, trials: 4000, seed: 77)
        #expect(result.bounded - result.t >= 0.01, "corrected \(result.bounded), t \(result.t)")
    }

    /// Prints the coverage table of docs/metrics.md (20,000 trials per row).
    @Suite(.slowTier, .tags(.slow)) struct SlowTier {
        @Test(arguments: IntervalCoverageTests.cases, [10, 100])
        func coverageOver20000Trials(_ c: Case, replications: Int) {
            let seed = StreamID.named("coverage " + c.name) ^ UInt64(replications) ^ 0xC0FFEE
            let result = IntervalCoverageTests.coverage(c, replications: replications, trials: 20000, seed: seed)
            print("coverage | \(c.name) | \(replications) | \(result.bounded) | \(result.t)")
            #expect((0.93...0.97).contains(result.bounded), "coverage \(result.bounded), t \(result.t)")
        }

        /// The heavy tail: the corrected interval covers more often than t, but below 95% at
        /// small n (the docs say so); printed for the table of docs/metrics.md.
        @Test(arguments: [10, 20, 100])
        func heavyTailCoverageIsReported(_ replications: Int) {
            let c = IntervalCoverageTests.heavyTail
            let result = IntervalCoverageTests.coverage(c, replications: replications, trials: 20000, seed: 99)
            print("coverage | \(c.name) | \(replications) | \(result.bounded) | \(result.t)")
            #expect(result.bounded > result.t + 0.02)
        }

        /// The Rutland case of issue 15: with 20 replications the t interval ran to −67 delayed
        /// days for reason D(i) and to −0.1 hours of ED wait. Every interval of every metric and
        /// monthly series now stays in its bounds and holds its mean.
        @Test func rutlandIntervalsStayInTheirBounds() throws {
            let loaded = try ScenarioLoader.load(path: Fixtures.repositoryRoot + "/Scenarios/rutland.json5")
            let run = try Runner.run(loaded, options: RunOptions(replications: 20, seed: loaded.scenario.seed))
            let summary = run.summary
            for e in summary.entries {
                let bounds = Metric.bounds(of: e.key)
                IntervalCoverageTests.expectInside(e.interval, bounds, e.key)
            }
            for s in summary.monthly {
                let bounds = Metric.bounds(of: s.key, in: .monthly)
                for (m, i) in s.intervals.enumerated() {
                    IntervalCoverageTests.expectInside(i, bounds, "\(s.key)[\(m)]")
                }
            }
            let delays = try #require(summary[Metric.delayedBedDaysByReason.key(member: "D(i)")])
            #expect(delays.interval.low >= 0 && delays.interval.high > delays.interval.mean)
        }
    }

    /// Expects `ci`'s ends inside `bounds` and around its mean (an undefined interval passes).
    static func expectInside(_ ci: ConfidenceInterval, _ bounds: Metric.Bounds, _ what: String) {
        guard !ci.low.isNaN, !ci.high.isNaN, !ci.mean.isNaN else { return }
        #expect(bounds.range.contains(ci.low) && bounds.range.contains(ci.high), "\(what): \(ci.low) to \(ci.high)")
        #expect(ci.low <= ci.mean && ci.mean <= ci.high, "\(what): mean \(ci.mean), \(ci.low) to \(ci.high)")
    }

    /// Seeded property loop: samples built to strain the bounds (mostly zeros with one large
    /// value, shares crowded at 0 or 1, a few values or many) never give an interval outside
    /// the bounds or one that misses its own mean.
    @Test func intervalsNeverLeaveTheBounds() {
        var stream = RandomStream(seed: 15)
        for trial in 0..<3000 {
            let n = 2 + stream.index(below: 40)
            var values: [Double] = []
            let bounds: Metric.Bounds = [.count, .nonNegative, .proportion][trial % 3]
            for _ in 0..<n {
                let u = stream.uniform()
                switch bounds {
                case .count: values.append(u < 0.85 ? 0 : (-log(stream.uniform()) * 1000).rounded())
                case .nonNegative: values.append(u < 0.5 ? 0 : exp(3 * stream.standardNormal()))
                case .proportion: values.append(u < 0.8 ? (trial % 2 == 0 ? 1 : 0) : stream.uniform())
                case .unbounded: break
                }
            }
            Self.expectInside(ConfidenceInterval(values: values, bounds: bounds), bounds, "trial \(trial)")
        }
    }

    /// The method follows the bounds: unbounded metrics keep the Student t interval exactly,
    /// and a sample without skewness gives it too.
    @Test func unboundedAndSymmetricSamplesKeepTheStudentTInterval() {
        let free = [-5.0, 0, 3, 11, 2]
        #expect(ConfidenceInterval(values: free, bounds: .unbounded) == ConfidenceInterval(values: free))
        let symmetric = (1...12).map { Double(10 + 2 * $0) }
        #expect(ConfidenceInterval(values: symmetric, bounds: .count) == ConfidenceInterval(values: symmetric))
        // Below ten values the skewness is not corrected: the t interval, kept in the bounds.
        let few = [0.0, 0, 0, 1, 9, 0, 2, 0, 0]
        #expect(ConfidenceInterval(values: few, bounds: .count) == ConfidenceInterval(values: few).clamped(to: .count))
        #expect(ConfidenceInterval.Method(bounds: .proportion) == .skewCorrected)
    }

    /// Right skew moves both ends up (the mean is more likely under- than over-estimated), and
    /// the inverse of Hall's transformation is exact: g(g⁻¹(y)) = y.
    @Test func rightSkewMovesTheIntervalUpAndTheInverseIsExact() {
        let skewed = [1.0, 1, 2, 2, 3, 3, 4, 5, 2, 30]
        let t = ConfidenceInterval(values: skewed)
        let hall = ConfidenceInterval(values: skewed, bounds: .nonNegative)
        #expect(hall.mean == t.mean)
        #expect(hall.high > t.high && hall.low > max(t.low, 0))
        for a in [-0.3, -1e-9, 1e-12, 0.05, 0.4] {
            let b = a / 2
            for y in [-2.5, -0.1, 0, 1.3, 4] {
                let x = ConfidenceInterval.inverseHall(y, a: a, b: b)
                let g = x + a * x * x + a * a * x * x * x / 3 + b
                #expect(abs(g - y) <= 1e-9 * max(1, abs(y)), "a \(a), y \(y): g(x) = \(g)")
            }
        }
    }

    /// Skewness against a hand calculation: for 1, 2, 3, 10 the mean is 4, deviations −3, −2,
    /// −1, 6, s² = 50/3, Σd³ = 180, so G₁ = 4/(3·2) · 180/(50/3)^1.5.
    @Test func skewnessIsTheAdjustedFisherPearsonCoefficient() {
        let expected = 4.0 / 6 * 180 / pow(50.0 / 3, 1.5)
        #expect(abs(Statistics.skewness([1, 2, 3, 10]) - expected) <= 1e-12)
        #expect(Statistics.skewness([1, 2]).isNaN)
        #expect(Statistics.skewness([4, 4, 4]).isNaN)
    }
}
