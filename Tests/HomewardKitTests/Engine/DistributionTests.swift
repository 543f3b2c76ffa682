import Testing

@testable import HomewardKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#else
    import Foundation
#endif

extension DistributionTests {
    /// A named distribution, for parameterised tests.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let distribution: Distribution
        var testDescription: String { name }

        static let all: [Case] = [
            .init(name: "fixed(3.5)", distribution: .fixed(3.5)),
            .init(name: "uniform(1, 4)", distribution: .uniform(min: 1, max: 4)),
            .init(name: "triangular(0.5, 1, 5)", distribution: .triangular(min: 0.5, mode: 1, max: 5)),
            .init(name: "triangular(0, 0, 2)", distribution: .triangular(min: 0, mode: 0, max: 2)),
            .init(name: "exponential(2.5)", distribution: .exponential(mean: 2.5)),
            .init(name: "gamma(2.5, 1.5)", distribution: .gamma(shape: 2.5, scale: 1.5)),
            .init(name: "gamma(0.4, 3)", distribution: .gamma(shape: 0.4, scale: 3)),
            .init(name: "erlang(3, mean 6)", distribution: .erlang(k: 3, mean: 6)),
            .init(name: "weibull(1.5, 4)", distribution: .weibull(shape: 1.5, scale: 4)),
            .init(name: "weibull(0.8, 2)", distribution: .weibull(shape: 0.8, scale: 2)),
            .init(name: "lognormal(mu 1, sigma 0.5)", distribution: .lognormal(mu: 1, sigma: 0.5)),
            .init(name: "lognormal(mean 10, sd 6)", distribution: .lognormal(mean: 10, sd: 6)),
            .init(name: "empirical", distribution: .empirical(values: [1, 2, 2, 3, 7.5])),
            .init(name: "histogram", distribution: .histogram(bins: Case.bins)),
        ]

        /// Includes a point mass (3...3) and a zero-weight bin that must never be drawn.
        static let bins: [HistogramBin] = [
            HistogramBin(lower: 0, upper: 1, weight: 2),
            HistogramBin(lower: 1, upper: 3, weight: 1),
            HistogramBin(lower: 3, upper: 3, weight: 0.5),
            HistogramBin(lower: 5, upper: 10, weight: 0),
        ]
    }

    /// Analytic raw moments E[X^k], written independently of `Distribution.mean/variance`.
    static func rawMoment(_ d: Distribution, _ k: Int) -> Double {
        let kd = Double(k)
        func uniformMoment(_ a: Double, _ b: Double) -> Double {
            a == b ? pow(a, kd) : (pow(b, kd + 1) - pow(a, kd + 1)) / ((kd + 1) * (b - a))
        }
        switch d {
        case .fixed(let v):
            return pow(v, kd)
        case .uniform(let a, let b):
            return uniformMoment(a, b)
        case .triangular(let a, let c, let b):
            // E[X^k] = 2/((b−a)(k+1)(k+2)) · [D(b, c) − D(c, a)], D(x, y) = (x^(k+2) − y^(k+2))/(x − y).
            func dd(_ x: Double, _ y: Double) -> Double {
                x == y ? (kd + 2) * pow(x, kd + 1) : (pow(x, kd + 2) - pow(y, kd + 2)) / (x - y)
            }
            return 2 / ((b - a) * (kd + 1) * (kd + 2)) * (dd(b, c) - dd(c, a))
        case .exponential(let mean):
            return tgamma(kd + 1) * pow(mean, kd)
        case .gamma(let shape, let scale):
            var product = 1.0
            for i in 0..<k { product *= shape + Double(i) }
            return product * pow(scale, kd)
        case .weibull(let shape, let scale):
            return pow(scale, kd) * tgamma(1 + kd / shape)
        case .lognormal(let mu, let sigma):
            return exp(kd * mu + kd * kd * sigma * sigma / 2)
        case .empirical(let values):
            return values.reduce(0) { $0 + pow($1, kd) } / Double(values.count)
        case .histogram(let bins):
            let total = bins.reduce(0) { $0 + $1.weight }
            return bins.reduce(0) { $0 + $1.weight * uniformMoment($1.lower, $1.upper) } / total
        }
    }

    /// Mean, variance and fourth central moment from the raw moments.
    static func centralMoments(_ d: Distribution) -> (mean: Double, variance: Double, mu4: Double) {
        let m1 = rawMoment(d, 1)
        let m2 = rawMoment(d, 2)
        let m3 = rawMoment(d, 3)
        let m4 = rawMoment(d, 4)
        let variance = m2 - m1 * m1
        let mu4 = m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 * m1 * m1 * m1
        return (m1, variance, mu4)
    }
}

@Suite struct DistributionTests {
    static let n = 200_000

    static func draws(_ d: Distribution, stream: String) -> [Double] {
        var rng = RandomStream(master: 2024, replication: 0, stream: StreamID.named(stream))
        var out: [Double] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(d.sample(&rng)) }
        return out
    }

    /// Sample mean and variance of 200k draws within 5 standard errors of the analytic values.
    ///
    /// SE(mean) = σ/√n. For the variance we use the asymptotic standard error of the
    /// sample variance, SE(s²) = √((μ₄ − σ⁴)/n), with the fourth central moment μ₄ taken
    /// from the analytic raw moments (`rawMoment`), so heavy-tailed cases get a
    /// proportionately wider band. A tiny absolute slack covers rounding (fixed has σ = 0).
    @Test(arguments: Case.all)
    func sampleMomentsMatchAnalyticMoments(_ c: Case) {
        let d = c.distribution
        #expect(d.isValid)
        let xs = Self.draws(d, stream: "moments/" + c.name)
        #expect(xs.allSatisfy { $0.isFinite && $0 >= 0 })

        let nd = Double(xs.count)
        let mean = xs.reduce(0, +) / nd
        let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (nd - 1)

        let exact = Self.centralMoments(d)
        // The library's closed forms agree with the raw-moment route.
        #expect(abs(d.mean - exact.mean) <= 1e-9 * max(1, abs(exact.mean)), "mean \(d.mean) vs \(exact.mean)")
        #expect(
            abs(d.variance - exact.variance) <= 1e-9 * max(1, exact.variance),
            "variance \(d.variance) vs \(exact.variance)")

        let seMean = (exact.variance / nd).squareRoot()
        let seVariance = (max(0, exact.mu4 - exact.variance * exact.variance) / nd).squareRoot()
        let slack = 1e-9 * max(1, abs(exact.mean))
        #expect(
            abs(mean - exact.mean) <= 5 * seMean + slack,
            "sample mean \(mean), expected \(exact.mean) ± \(5 * seMean)")
        #expect(
            abs(variance - exact.variance) <= 5 * seVariance + slack,
            "sample variance \(variance), expected \(exact.variance) ± \(5 * seVariance)")
    }

    /// Length-biased draws (`sampleLengthBiased`, the stay of someone found in a service):
    /// density x·f(x)/E[X], so mean E[X²]/E[X] and second moment E[X³]/E[X], from the analytic
    /// raw moments; 200k draws within 5 standard errors.
    @Test(arguments: Case.all)
    func lengthBiasedDrawsHaveTheWeightedMoments(_ c: Case) {
        let d = c.distribution
        var rng = RandomStream(master: 2024, replication: 0, stream: StreamID.named("biased/" + c.name))
        var sum = 0.0
        for _ in 0..<Self.n {
            let x = d.sampleLengthBiased(&rng)
            #expect(x.isFinite && x >= 0)
            sum += x
        }
        let m1 = Self.rawMoment(d, 1)
        let mean = Self.rawMoment(d, 2) / m1
        let variance = max(0, Self.rawMoment(d, 3) / m1 - mean * mean)
        let se = (variance / Double(Self.n)).squareRoot()
        let got = sum / Double(Self.n)
        #expect(abs(got - mean) <= 5 * se + 1e-9 * mean, "length-biased mean \(got), expected \(mean) ± \(5 * se)")
    }

    /// A census patient's remaining stay, a uniform fraction of a length-biased stay, follows
    /// the equilibrium residual distribution F_e(x) = ∫_0^x P(X > u) du / E[X] (renewal
    /// theory's forward recurrence time): the empirical cdf of 200k residuals stays within the
    /// Dvoretzky–Kiefer–Wolfowitz band of F_e, integrated from `survival` by Simpson's rule
    /// (independently of how the draws are made). A uniform fraction of one fresh stay instead
    /// fails it for every case but the fixed and exponential ones (tried).
    @Test(arguments: Case.all)
    func residualsFollowTheEquilibriumDistribution(_ c: Case) {
        let d = c.distribution
        var rng = RandomStream(master: 2024, replication: 0, stream: StreamID.named("residual/" + c.name))
        var xs: [Double] = []
        xs.reserveCapacity(Self.n)
        for _ in 0..<Self.n { xs.append(d.sampleLengthBiased(&rng) * rng.uniform()) }
        xs.sort()
        let mean = d.mean
        func equilibriumCdf(_ x: Double) -> Double {
            let steps = 4000
            let h = x / Double(steps)
            var sum = d.survival(0) + d.survival(x)
            for i in 1..<steps { sum += (i % 2 == 1 ? 4 : 2) * d.survival(Double(i) * h) }
            return min(1, sum * h / 3 / mean)
        }
        let nd = Double(xs.count)
        let epsilon = (log(2.0 / 1e-6) / (2 * nd)).squareRoot()
        var worst = 0.0
        for q in stride(from: 0.02, through: 0.98, by: 0.04) {
            let x = xs[Int(q * nd)]
            var hi = Int(q * nd)
            while hi < xs.count && xs[hi] <= x { hi += 1 }
            worst = max(worst, abs(Double(hi) / nd - equilibriumCdf(x)))
        }
        #expect(worst < epsilon, "sup |Fn - Fe| = \(worst), bound \(epsilon)")
    }

    /// The empirical cdf of the draws stays within the Dvoretzky–Kiefer–Wolfowitz band
    /// of `cdf`: P(sup |Fₙ − F| > ε) ≤ 2·exp(−2nε²); ε is set for a 10⁻⁶ false-alarm rate.
    /// Also checks cdf + survival = 1.
    @Test(arguments: Case.all)
    func samplesFollowTheCdf(_ c: Case) {
        let d = c.distribution
        let xs = Self.draws(d, stream: "cdf/" + c.name).sorted()
        let nd = Double(xs.count)
        let epsilon = (log(2.0 / 1e-6) / (2 * nd)).squareRoot()  // ≈ 0.0060
        var worst = 0.0
        for q in stride(from: 0.01, through: 0.99, by: 0.01) {
            let x = xs[Int(q * nd)]
            // Fₙ(x) = #(draws ≤ x)/n, ties included.
            var hi = Int(q * nd)
            while hi < xs.count && xs[hi] <= x { hi += 1 }
            let fn = Double(hi) / nd
            worst = max(worst, abs(fn - d.cdf(x)))
            #expect(abs(d.cdf(x) + d.survival(x) - 1) < 1e-12)
        }
        #expect(worst < epsilon, "sup |Fn - F| = \(worst), bound \(epsilon)")
    }

    /// Scaling multiplies every draw (same stream), the mean by f, the variance by f², and
    /// maps cdf(x) to cdf(x·f).
    @Test(arguments: Case.all)
    func scaledScalesEverything(_ c: Case) {
        let d = c.distribution
        let f = 2.5
        let s = d.scaled(by: f)
        #expect(s.isValid)
        #expect(abs(s.mean - f * d.mean) <= 1e-12 * f * d.mean)
        #expect(abs(s.variance - f * f * d.variance) <= 1e-9 * f * f * max(d.variance, 1e-300))
        var r1 = RandomStream(seed: 77)
        var r2 = RandomStream(seed: 77)
        for _ in 0..<1000 {
            let x = d.sample(&r1)
            let y = s.sample(&r2)
            #expect(abs(y - f * x) <= 1e-12 * f * x)
        }
        #expect(r1 == r2)  // same number of draws consumed
        for x in [0.3, 1.0, 2.0, 2.9999, 3.0, 4.0, 7.5, 12.0] {
            #expect(abs(s.cdf(x * f) - d.cdf(x)) < 1e-12, "x \(x)")
        }
    }

    // MARK: Spot values

    @Test func exponentialCdf() {
        let d = Distribution.exponential(mean: 2)
        #expect(abs(d.cdf(2) - (1 - exp(-1.0))) < 1e-15)
        #expect(abs(d.survival(2) - exp(-1.0)) < 1e-15)
        #expect(d.cdf(0) == 0 && d.cdf(-1) == 0 && d.survival(0) == 1)
        // Tail accuracy: e^-100 ≈ 3.7e-44, far below what 1 − cdf could resolve.
        #expect(abs(d.survival(200) / exp(-100.0) - 1) < 1e-12)
        // Near 0: cdf(1e-10) = 5e-11 − 1.25e-21; naive 1 − exp(−x) would be off by ~1e-6 relatively.
        #expect(abs(d.cdf(1e-10) / (5e-11 - 1.25e-21) - 1) < 1e-14)
    }

    @Test func gammaCdf() {
        // Gamma(2, 1): cdf(1) = 1 − 2/e.
        #expect(abs(Distribution.gamma(shape: 2, scale: 1).cdf(1) - (1 - 2 / exp(1.0))) < 1e-14)
        // Gamma(3, 2) at 4 (y = 2): 1 − e^-2 (1 + 2 + 2).
        #expect(abs(Distribution.gamma(shape: 3, scale: 2).cdf(4) - (1 - 5 * exp(-2.0))) < 1e-14)
        // Gamma(1/2, 1): cdf(x) = erf(√x), on both sides of the series/fraction switch.
        let half = Distribution.gamma(shape: 0.5, scale: 1)
        for x in [0.01, 0.3, 1.2, 2.0, 9.0] {
            #expect(abs(half.cdf(x) - erf(x.squareRoot())) < 1e-14, "x \(x)")
            #expect(abs(half.survival(x) - erfc(x.squareRoot())) <= 1e-13 * erfc(x.squareRoot()), "x \(x)")
        }
        // Gamma(1, θ) is exponential(θ).
        for x in [0.1, 1.0, 3.0, 10.0] {
            #expect(
                abs(
                    Distribution.gamma(shape: 1, scale: 3).cdf(x)
                        - Distribution.exponential(mean: 3).cdf(x)) < 1e-14)
        }
        // Upper tail: Q(2, 50) = e^-50 · 51.
        #expect(abs(Distribution.gamma(shape: 2, scale: 1).survival(50) / (51 * exp(-50.0)) - 1) < 1e-12)
        // Values from mpmath.gammainc(a, 0, x, regularized=True) at 25 digits.
        #expect(abs(Distribution.gamma(shape: 0.4, scale: 1).cdf(1.7) - 0.952338298759785991) < 1e-14)
        #expect(abs(Distribution.gamma(shape: 2.5, scale: 2).cdf(1.4) - 0.075686727198333053) < 1e-14)
        #expect(abs(Distribution.gamma(shape: 7.5, scale: 1).survival(40) / 6.984655416662433229e-11 - 1) < 1e-11)
        // Large shapes.
        #expect(abs(Distribution.gamma(shape: 150, scale: 1).cdf(130) - 0.046065544014896066) < 1e-12)
        #expect(abs(Distribution.gamma(shape: 150, scale: 1).survival(170) - 0.055634431310193294) < 1e-12)
        #expect(abs(Distribution.gamma(shape: 500, scale: 1).cdf(500) - 0.505947146170760358) < 1e-12)
    }

    @Test func weibullCdf() {
        let d = Distribution.weibull(shape: 2, scale: 3)
        #expect(abs(d.cdf(3) - (1 - exp(-1.0))) < 1e-15)
        #expect(abs(d.survival(6) - exp(-4.0)) < 1e-15)
        for x in [0.5, 2.0, 9.0] {
            #expect(
                abs(
                    Distribution.weibull(shape: 1, scale: 2).cdf(x)
                        - Distribution.exponential(mean: 2).cdf(x)) < 1e-15)
        }
    }

    @Test func lognormalCdf() {
        let d = Distribution.lognormal(mu: 1, sigma: 0.5)
        #expect(abs(d.cdf(exp(1.0)) - 0.5) < 1e-15)  // median e^mu
        #expect(abs(d.cdf(exp(1.5)) - 0.841344746068542949) < 1e-15)  // Φ(1)
        #expect(abs(d.survival(exp(2.5)) / 0.001349898031630094527 - 1) < 1e-13)  // 1 − Φ(3)
        #expect(d.cdf(0) == 0 && d.survival(0) == 1)
    }

    @Test func lognormalFromMeanAndSD() {
        for (mean, sd) in [(10.0, 6.0), (3.0, 0.5), (25.0, 40.0)] {
            let d = Distribution.lognormal(mean: mean, sd: sd)
            #expect(abs(d.mean - mean) < 1e-12 * mean)
            #expect(abs(d.variance.squareRoot() - sd) < 1e-12 * mean)
        }
        // sd = 0 is a point mass at the mean.
        let point = Distribution.lognormal(mean: 4, sd: 0)
        #expect(point.cdf(3.9) == 0 && point.cdf(4.1) == 1 && point.variance == 0)
    }

    @Test func piecewiseCdfs() {
        #expect(Distribution.fixed(3.5).cdf(3.5) == 1 && Distribution.fixed(3.5).cdf(3.4999) == 0)
        #expect(Distribution.fixed(3.5).survival(3.5) == 0)
        #expect(abs(Distribution.uniform(min: 1, max: 4).cdf(2) - 1.0 / 3) < 1e-15)
        let tri = Distribution.triangular(min: 0.5, mode: 1, max: 5)
        #expect(abs(tri.cdf(1) - 1.0 / 9) < 1e-15)  // (mode − min)/(max − min)
        #expect(abs(tri.cdf(3) - 7.0 / 9) < 1e-15)
        #expect(abs(tri.survival(3) - 2.0 / 9) < 1e-15)
        #expect(Distribution.triangular(min: 2, mode: 2, max: 2).cdf(2) == 1)
        let emp = Distribution.empirical(values: [1, 2, 2, 3, 7.5])
        #expect(emp.cdf(2) == 0.6 && emp.cdf(1.99) == 0.2 && emp.survival(2) == 0.4)
        let hist = Distribution.histogram(bins: Case.bins)  // total weight 3.5
        #expect(abs(hist.cdf(0.5) - 1 / 3.5) < 1e-15)
        #expect(abs(hist.cdf(2) - 2.5 / 3.5) < 1e-15)
        #expect(abs(hist.cdf(2.999) - 2.9995 / 3.5) < 1e-15)
        #expect(hist.cdf(3) == 1 && hist.survival(3) == 0)
        #expect(abs(hist.survival(2.999) - 0.5005 / 3.5) < 1e-15)
    }

    @Test func constructorsAndValidation() {
        #expect(Distribution.erlang(k: 3, mean: 6) == .gamma(shape: 3, scale: 2))
        #expect(!Distribution.uniform(min: 3, max: 1).isValid)
        #expect(!Distribution.triangular(min: 0, mode: 3, max: 2).isValid)
        #expect(!Distribution.exponential(mean: 0).isValid)
        #expect(!Distribution.gamma(shape: -1, scale: 1).isValid)
        #expect(!Distribution.fixed(-1).isValid)
        #expect(!Distribution.fixed(.nan).isValid)
        #expect(!Distribution.empirical(values: []).isValid)
        #expect(!Distribution.histogram(bins: [HistogramBin(lower: 0, upper: 1, weight: 0)]).isValid)
        #expect(!Distribution.histogram(bins: [HistogramBin(lower: 2, upper: 1, weight: 1)]).isValid)
        #expect(Distribution.lognormal(mu: -3, sigma: 0).isValid)
    }

    @Test(arguments: [0.05, 0.999, 1.0, 1000.0])
    func gammaSamplerAtExtremeShapes(shape: Double) {
        let d = Distribution.gamma(shape: shape, scale: 2)
        var rng = RandomStream(master: 4, replication: 0, stream: StreamID.named("gamma/extreme"))
        let n = 50_000
        var sum = 0.0
        for _ in 0..<n {
            let x = d.sample(&rng)
            #expect(x.isFinite && x >= 0)
            sum += x
        }
        let se = (d.variance / Double(n)).squareRoot()
        #expect(abs(sum / Double(n) - d.mean) < 5 * se)
    }

    @Test func histogramNeverDrawsZeroWeightBins() {
        let d = Distribution.histogram(bins: [
            HistogramBin(lower: 100, upper: 200, weight: 0),
            HistogramBin(lower: 0, upper: 1, weight: 1),
            HistogramBin(lower: 100, upper: 200, weight: 0),
        ])
        var rng = RandomStream(seed: 5)
        for _ in 0..<10_000 { #expect(d.sample(&rng) < 1) }
    }
}
