import Testing

@testable import HomewardKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#else
    import Foundation
#endif

/// ln f(x) written out naively, independently of `DistributionFitting`'s closed forms.
private func logDensity(_ d: Distribution, _ x: Double) -> Double {
    switch d {
    case .exponential(let mean):
        return -log(mean) - x / mean
    case .gamma(let k, let theta):
        var sign: Int32 = 0
        return -lgamma_r(k, &sign) - k * log(theta) + (k - 1) * log(x) - x / theta
    case .weibull(let k, let lambda):
        return log(k) - log(lambda) + (k - 1) * log(x / lambda) - pow(x / lambda, k)
    case .lognormal(let mu, let sigma):
        let z = (log(x) - mu) / sigma
        return -log(x) - log(sigma) - 0.5 * log(2 * Double.pi) - 0.5 * z * z
    default:
        return .nan
    }
}

/// Σ ln f(xᵢ), summed naively.
private func naiveLogLikelihood(_ d: Distribution, _ xs: [Double]) -> Double {
    xs.reduce(0) { $0 + logDensity(d, $1) }
}

/// The parameters of a fitted family, in the order (mean), (shape, scale), (mu, sigma).
private func parameters(_ d: Distribution) -> [Double] {
    switch d {
    case .exponential(let mean): return [mean]
    case .gamma(let k, let theta): return [k, theta]
    case .weibull(let k, let lambda): return [k, lambda]
    case .lognormal(let mu, let sigma): return [mu, sigma]
    default: return []
    }
}

/// The law of `family` with the given parameters (order as `parameters`).
private func law(_ family: FitFamily, _ p: [Double]) -> Distribution {
    switch family {
    case .exponential: return .exponential(mean: p[0])
    case .gamma: return .gamma(shape: p[0], scale: p[1])
    case .weibull: return .weibull(shape: p[0], scale: p[1])
    case .lognormal: return .lognormal(mu: p[0], sigma: p[1])
    }
}

private func close(_ x: Double, _ y: Double, rel: Double) -> Bool {
    x == y || abs(x - y) <= rel * abs(y)
}

@Suite struct DistributionFitTests {
    static let n = 20_000
    static let eulerGamma = 0.5772156649015329

    /// A known law to draw from, fitted with its own family.
    struct TrueLaw: Sendable, CustomTestStringConvertible {
        let family: FitFamily
        let distribution: Distribution
        var testDescription: String { "\(family) \(parameters(distribution))" }

        static let all: [TrueLaw] = [
            .init(family: .exponential, distribution: .exponential(mean: 4)),
            .init(family: .gamma, distribution: .gamma(shape: 2, scale: 3)),
            .init(family: .lognormal, distribution: .lognormal(mu: 1.5, sigma: 0.8)),
            .init(family: .weibull, distribution: .weibull(shape: 0.7, scale: 5)),
        ]

        /// n = 20 000 draws from a fixed-seed stream named after the family.
        var sample: [Double] { DistributionFitTests.draw(distribution, DistributionFitTests.n, "fit/\(family)") }

        /// Asymptotic standard errors of the MLEs at sample size n, from the inverse Fisher
        /// information per observation divided by n:
        /// - exponential: SE(mean) = mean/√n.
        /// - gamma(k, θ): with D = kψ′(k) − 1, Var k̂ = k/(nD), Var θ̂ = ψ′(k)θ²/(nD).
        /// - lognormal: SE(mu) = σ/√n, SE(σ) = σ/√(2n).
        /// - Weibull(k, λ): I = [[((1−γ)² + π²/6)/k², −(1−γ)/λ], [−(1−γ)/λ, k²/λ²]], so
        ///   SE(k) = √6 k/(π√n) and SE(λ) = (λ/k)·√(1 + 6(1−γ)²/π²)/√n.
        func standardErrors(n: Int) -> [Double] {
            let rootN = Double(n).squareRoot()
            switch distribution {
            case .exponential(let mean):
                return [mean / rootN]
            case .gamma(let k, let theta):
                let psi1 = DistributionFitting.trigamma(k)
                let d = k * psi1 - 1
                return [(k / (Double(n) * d)).squareRoot(), (psi1 * theta * theta / (Double(n) * d)).squareRoot()]
            case .lognormal(_, let sigma):
                return [sigma / rootN, sigma / (2 * Double(n)).squareRoot()]
            case .weibull(let k, let lambda):
                let g = 1 - DistributionFitTests.eulerGamma
                let pi2 = Double.pi * Double.pi
                return [
                    Double(6).squareRoot() * k / (Double.pi * rootN),
                    lambda / k * (1 + 6 * g * g / pi2).squareRoot() / rootN,
                ]
            default:
                return []
            }
        }
    }

    static func draw(_ d: Distribution, _ count: Int, _ stream: String) -> [Double] {
        var rng = RandomStream(master: 2024, replication: 0, stream: StreamID.named(stream))
        return (0..<count).map { _ in d.sample(&rng) }
    }

    // MARK: Recovery of known parameters

    /// Each parameter lands within 4 standard errors of the truth (n = 20 000), and the
    /// reported mean and sd are those of the fitted law.
    @Test(arguments: TrueLaw.all)
    func recoversParametersWithinFourStandardErrors(_ truth: TrueLaw) throws {
        let xs = truth.sample
        let fit = try DistributionFitting.fit(truth.family, to: xs)
        #expect(fit.family == truth.family)
        #expect(fit.sampleSize == Self.n)
        #expect(fit.parameterCount == (truth.family == .exponential ? 1 : 2))
        let expected = parameters(truth.distribution)
        let got = parameters(fit.distribution)
        let se = truth.standardErrors(n: Self.n)
        try #require(got.count == expected.count)
        for i in expected.indices {
            #expect(
                abs(got[i] - expected[i]) <= 4 * se[i],
                "\(truth.family) parameter \(i): \(got[i]) vs \(expected[i]) ± \(4 * se[i])")
        }
        #expect(close(fit.mean, fit.distribution.mean, rel: 1e-12))
        #expect(close(fit.sd, fit.distribution.variance.squareRoot(), rel: 1e-9))
        #expect(close(fit.aic, 2 * Double(fit.parameterCount) - 2 * fit.logLikelihood, rel: 1e-15))
    }

    /// With n = 20 000 the true family has the lowest AIC, and the list is sorted by AIC.
    ///
    /// For exponential data this is not automatic: gamma and Weibull contain the exponential
    /// (shape 1), so they always reach a log-likelihood at least as high; AIC prefers the
    /// exponential unless the gain exceeds 1 (the 2-unit penalty), which under the null
    /// (2·gain ~ χ²₁) happens with probability 0.157 for each.
    @Test(arguments: TrueLaw.all)
    func fitAllRanksTheTrueFamilyFirst(_ truth: TrueLaw) throws {
        let fits = try DistributionFitting.fitAll(truth.sample)
        #expect(fits.map(\.family).sorted { $0.rawValue < $1.rawValue } == FitFamily.allCases)
        #expect(fits.first?.family == truth.family, "ranking: \(fits.map { "\($0.family) \($0.aic)" })")
        #expect(zip(fits, fits.dropFirst()).allSatisfy { $0.aic <= $1.aic })
    }

    /// Ties in AIC fall back to the order of `FitFamily.allCases`.
    @Test func fitAllBreaksAicTiesByFamilyOrder() {
        func fit(_ family: FitFamily, aic: Double) -> DistributionFit {
            DistributionFit(
                family: family, distribution: .exponential(mean: 1), parameterCount: 2, logLikelihood: -aic / 2,
                aic: aic, ksStatistic: 0, ksCriticalValue05: 0.1, sampleSize: 10, mean: 1, sd: 1)
        }
        let ranked = DistributionFitting.ranked([
            fit(.weibull, aic: 5), fit(.lognormal, aic: 5), fit(.gamma, aic: 7), fit(.exponential, aic: 5),
        ])
        #expect(ranked.map(\.family) == [.exponential, .lognormal, .weibull, .gamma])
    }

    // MARK: Maximum likelihood

    /// The closed-form log-likelihood equals the naive Σ ln f(xᵢ) at the estimates, and
    /// moving any parameter by ±2% (each alone and both together) lowers the naive value.
    /// So does a move of ±0.1%, which is well inside the statistical error (about 0.3 SE at
    /// most) and would expose an iteration stopped short of the maximum: the smallest drop,
    /// n·(δ²/2)·(quadratic form of the Fisher information), is still about 10⁻³, far above
    /// the rounding error of the sum (about 10⁻⁹).
    @Test(arguments: TrueLaw.all)
    func logLikelihoodIsClosedFormAndMaximal(_ truth: TrueLaw) throws {
        let xs = truth.sample
        let fit = try DistributionFitting.fit(truth.family, to: xs)
        let atFit = naiveLogLikelihood(fit.distribution, xs)
        #expect(close(fit.logLikelihood, atFit, rel: 1e-10), "closed form \(fit.logLikelihood), naive \(atFit)")

        let p = parameters(fit.distribution)
        var moves: [[Double]] = []
        for delta in [0.02, 0.001] {
            let steps = [-delta, 0, delta]
            if p.count == 1 {
                moves += [[-delta], [delta]]
            } else {
                moves += steps.flatMap { a in steps.map { b in [a, b] } }.filter { $0 != [0, 0] }
            }
        }
        for move in moves {
            let perturbed = law(truth.family, zip(p, move).map { $0 * (1 + $1) })
            let ll = naiveLogLikelihood(perturbed, xs)
            #expect(ll < atFit, "\(truth.family) moved by \(move): \(ll) ≥ \(atFit)")
        }
    }

    // MARK: Kolmogorov–Smirnov

    /// The true family passes the (conservative) 5% KS test at n = 20 000.
    @Test(arguments: TrueLaw.all)
    func ksAcceptsTheTrueFamily(_ truth: TrueLaw) throws {
        let fit = try DistributionFitting.fit(truth.family, to: truth.sample)
        #expect(close(fit.ksCriticalValue05, 1.36 / Double(Self.n).squareRoot(), rel: 1e-15))
        #expect(fit.ksStatistic > 0)
        #expect(fit.ksStatistic < fit.ksCriticalValue05, "D = \(fit.ksStatistic)")
    }

    /// An exponential fitted to lognormal(σ = 0.3) data is far outside the critical value.
    @Test func ksRejectsExponentialForNarrowLognormal() throws {
        let xs = Self.draw(.lognormal(mu: 1, sigma: 0.3), 2_000, "fit/ks-wrong")
        let fit = try DistributionFitting.fit(.exponential, to: xs)
        #expect(fit.ksStatistic > 3 * fit.ksCriticalValue05, "D = \(fit.ksStatistic)")
        let right = try DistributionFitting.fit(.lognormal, to: xs)
        #expect(right.ksStatistic < right.ksCriticalValue05)
    }

    /// D agrees with a brute-force sup over the sample points of |Fₙ − F| taken from both
    /// sides (counting ≤ and <), on a small sample with ties.
    @Test func ksStatisticMatchesBruteForce() throws {
        var xs = Self.draw(.gamma(shape: 1.5, scale: 2), 60, "fit/ks-brute").map { ($0 * 4).rounded(.up) / 4 }
        xs.append(contentsOf: xs.prefix(10))
        for family in FitFamily.allCases {
            let fit = try DistributionFitting.fit(family, to: xs)
            let n = Double(xs.count)
            var d = 0.0
            for x in xs {
                let f = fit.distribution.cdf(x)
                let atOrBelow = Double(xs.filter { $0 <= x }.count) / n
                let below = Double(xs.filter { $0 < x }.count) / n
                d = max(d, abs(atOrBelow - f), abs(below - f))
            }
            #expect(close(fit.ksStatistic, d, rel: 1e-12), "\(family): \(fit.ksStatistic) vs \(d)")
        }
    }

    // MARK: Errors

    @Test func tooFewValuesIsRejected() {
        let nine = [1.0, 2, 3, 4, 5, 6, 7, 8, 9]
        #expect(DistributionFitting.minimumSampleSize == 10)
        for family in FitFamily.allCases {
            #expect(throws: FitError.tooFewValues(9)) { try DistributionFitting.fit(family, to: nine) }
        }
        #expect(throws: FitError.tooFewValues(0)) { try DistributionFitting.fitAll([]) }
        #expect(throws: Never.self) { try DistributionFitting.fitAll(nine + [10]) }
    }

    /// Zero, negative, NaN and infinite values are reported with the index of the first one.
    @Test(arguments: [0.0, -2.5, Double.nan, Double.infinity, -0.0])
    func notPositiveReportsTheIndex(_ bad: Double) {
        var xs = (1...12).map { Double($0) }
        xs[7] = bad
        xs[9] = -1  // a later offender is not the one reported
        for family in FitFamily.allCases {
            let error = #expect(throws: FitError.self) { try DistributionFitting.fit(family, to: xs) }
            guard case .notPositive(let index, let value)? = error else {
                Issue.record("expected notPositive, got \(String(describing: error))")
                continue
            }
            #expect(index == 7)
            #expect(value.isNaN ? bad.isNaN : value == bad)
        }
        let error = #expect(throws: FitError.self) { try DistributionFitting.fitAll(xs) }
        #expect(error?.description.contains("index 7") == true)
    }

    @Test func allEqualIsRejected() {
        let same = [Double](repeating: 3.25, count: 15)
        for family in FitFamily.allCases {
            #expect(throws: FitError.allEqual(3.25)) { try DistributionFitting.fit(family, to: same) }
        }
        #expect(throws: FitError.allEqual(3.25)) { try DistributionFitting.fitAll(same) }
        #expect(FitError.allEqual(3.25).description.contains("3.25"))
        #expect(FitError.tooFewValues(9).description.contains("10"))
    }

    // MARK: Robustness

    /// Values near 10⁻⁴ and 10⁵ days: every family's fit of c·x is the fit of x rescaled
    /// (shapes and sigma unchanged, scales and mean times c, mu plus ln c), with
    /// ln L(c·x) = ln L(x) − n ln c and the same KS distance.
    @Test(arguments: [1e-4, 1e5])
    func fitsAreScaleEquivariant(_ c: Double) throws {
        let xs = Self.draw(.lognormal(mu: 0, sigma: 0.6), 2_000, "fit/scale")
        let scaled = xs.map { $0 * c }
        let n = Double(xs.count)
        for family in FitFamily.allCases {
            let base = try DistributionFitting.fit(family, to: xs)
            let fit = try DistributionFitting.fit(family, to: scaled)
            let p = parameters(base.distribution)
            let q = parameters(fit.distribution)
            switch family {
            case .exponential:
                #expect(close(q[0], p[0] * c, rel: 1e-12))
            case .gamma, .weibull:
                #expect(close(q[0], p[0], rel: 1e-9), "\(family) shape \(q[0]) vs \(p[0])")
                #expect(close(q[1], p[1] * c, rel: 1e-9), "\(family) scale \(q[1]) vs \(p[1] * c)")
            case .lognormal:
                #expect(abs(q[0] - (p[0] + log(c))) <= 1e-9)
                #expect(close(q[1], p[1], rel: 1e-9))
            }
            #expect(abs(fit.logLikelihood - (base.logLikelihood - n * log(c))) <= 1e-9 * n * max(1, abs(log(c))))
            #expect(abs(fit.ksStatistic - base.ksStatistic) <= 1e-9)
            #expect(close(fit.mean, base.mean * c, rel: 1e-9))
        }
    }

    /// A Weibull shape of 200 around 10⁵ days (x^k ≈ 10¹⁰⁰⁰ would overflow a naive sum) is
    /// recovered within 4 standard errors, SE(k) = √6 k/(π√n).
    @Test func largeWeibullShapeDoesNotOverflow() throws {
        let n = 2_000
        let xs = Self.draw(.weibull(shape: 200, scale: 1e5), n, "fit/weibull-200")
        let fit = try DistributionFitting.fit(.weibull, to: xs)
        guard case .weibull(let k, let lambda) = fit.distribution else {
            Issue.record("not a Weibull: \(fit.distribution)")
            return
        }
        let seK = Double(6).squareRoot() * 200 / (Double.pi * Double(n).squareRoot())
        let seLambda = 1e5 / 200 * 1.053 / Double(n).squareRoot()
        #expect(abs(k - 200) <= 4 * seK, "shape \(k)")
        #expect(abs(lambda - 1e5) <= 4 * seLambda, "scale \(lambda)")
        #expect(fit.logLikelihood.isFinite && fit.sd.isFinite && fit.sd > 0)
    }

    /// Awkward but valid samples: every family either fits with finite, valid parameters
    /// and finite ln L, AIC and D (mean and sd never NaN), or throws `allEqual` or
    /// `parametersOutOfRange` naming that family; `fitAll` always returns at least the
    /// exponential.
    @Test func awkwardSamplesNeverGiveNaN() throws {
        let one = 1.0
        let tiny = Double.leastNonzeroMagnitude
        let samples: [(String, [Double])] = [
            ("near-equal at 1", [Double](repeating: one, count: 9) + [one.nextUp]),
            ("near-equal at 1e-300", [Double](repeating: 1e-300, count: 9) + [(1e-300).nextUp]),
            ("near-equal at 1e300", [Double](repeating: 1e300, count: 9) + [(1e300).nextUp]),
            ("spread 1e-300 to 1e300", (0...20).map { pow(10, -300 + 30 * Double($0)) }),
            ("subnormal and huge", [tiny, tiny * 1e13, 1, 2, 3, 4, 5, 6, 1e300, 1.7e308]),
            ("whole days with ties", [1, 1, 1, 1, 2, 2, 2, 3, 3, 5, 8, 13, 21, 1, 1, 2]),
            ("two points", [Double](repeating: 1, count: 10) + [Double](repeating: 2, count: 10)),
            ("one outlier", [Double](repeating: 2, count: 30) + [900]),
        ]
        for (name, xs) in samples {
            for family in FitFamily.allCases {
                do throws(FitError) {
                    let fit = try DistributionFitting.fit(family, to: xs)
                    #expect(fit.distribution.isValid, "\(name) \(family): \(fit.distribution)")
                    #expect(parameters(fit.distribution).allSatisfy { $0.isFinite }, "\(name) \(family)")
                    #expect(fit.logLikelihood.isFinite && fit.aic.isFinite, "\(name) \(family)")
                    #expect(fit.ksStatistic >= 0 && fit.ksStatistic <= 1, "\(name) \(family)")
                    #expect(!fit.mean.isNaN && !fit.sd.isNaN, "\(name) \(family)")
                } catch {
                    switch error {
                    case .allEqual(let v): #expect(v.isFinite && v > 0)
                    case .parametersOutOfRange(let f): #expect(f == family)
                    default: Issue.record("\(name) \(family): unexpected \(error)")
                    }
                }
            }
            let all = try DistributionFitting.fitAll(xs)
            #expect(all.contains { $0.family == .exponential }, "\(name)")
        }
    }

    /// A gamma whose scale would overflow (values from 5·10⁻³²⁴ to 1.7·10³⁰⁸) or underflow
    /// (values at 10⁻³⁰⁰ differing by one ulp, shape ≈ 2·10³²) is reported as out of range,
    /// not returned as an invalid law; the exponential still fits both samples.
    @Test func unrepresentableGammaIsReported() throws {
        let huge = [Double.leastNonzeroMagnitude, 1, 2, 3, 4, 5, 6, 7, 1e300, 1.7e308]
        let tiny = [Double](repeating: 1e-300, count: 9) + [(1e-300).nextUp]
        for xs in [huge, tiny] {
            #expect(throws: FitError.parametersOutOfRange(.gamma)) { try DistributionFitting.fit(.gamma, to: xs) }
            let all = try DistributionFitting.fitAll(xs)
            #expect(!all.contains { $0.family == .gamma })
            #expect(all.contains { $0.family == .exponential })
        }
        #expect(FitError.parametersOutOfRange(.gamma).description.contains("gamma"))
    }

    /// The values are sorted before any sum, so the input order does not matter at all.
    @Test func fitDoesNotDependOnInputOrder() throws {
        let xs = Self.draw(.gamma(shape: 0.8, scale: 5), 500, "fit/order")
        var rng = RandomStream(seed: 7)
        let shuffled = xs.shuffled(using: &rng)
        #expect(try DistributionFitting.fitAll(xs) == DistributionFitting.fitAll(shuffled))
    }

    // MARK: Special functions

    @Test func digammaKnownValues() {
        let gamma = Self.eulerGamma
        let cases: [(Double, Double)] = [
            (1, -gamma),
            (0.5, -1.9635100260214235),  // −γ − 2 ln 2
            (2, 1 - gamma),
            (3, 1.5 - gamma),
            (10, 2.251752589066721107647456163885),  // H₉ − γ
            (0.1, -10.42375494041107623210),
            (100, 4.600161852738087400199),
        ]
        for (x, expected) in cases {
            let got = DistributionFitting.digamma(x)
            #expect(abs(got - expected) <= 4e-15 * max(1, abs(expected)), "ψ(\(x)) = \(got), want \(expected)")
        }
        // Recurrence ψ(x + 1) = ψ(x) + 1/x across the switch to the asymptotic series.
        for x in stride(from: 0.05, through: 25, by: 0.37) {
            let lhs = DistributionFitting.digamma(x + 1)
            let rhs = DistributionFitting.digamma(x) + 1 / x
            #expect(abs(lhs - rhs) <= 1e-14 * max(1, abs(lhs)), "x = \(x)")
        }
        // ln x − ψ(x) is accurate where the plain difference would cancel.
        let big = 1e12
        #expect(close(DistributionFitting.logMinusDigamma(big), 0.5 / big + 1 / (12 * big * big), rel: 1e-14))
        #expect(DistributionFitting.digamma(0).isNaN && DistributionFitting.digamma(-1).isNaN)
    }

    @Test func trigammaKnownValues() {
        let pi2 = Double.pi * Double.pi
        let cases: [(Double, Double)] = [
            (1, pi2 / 6),
            (0.5, pi2 / 2),
            (2, pi2 / 6 - 1),
            (10, 0.1051663356816857461),
            (0.1, 101.4332991507927477),
        ]
        for (x, expected) in cases {
            let got = DistributionFitting.trigamma(x)
            #expect(abs(got - expected) <= 4e-15 * max(1, abs(expected)), "ψ′(\(x)) = \(got), want \(expected)")
        }
        // ψ′ is the derivative of ψ (central difference, error O(h²)).
        for x in [0.3, 1.7, 9.9, 10.1, 42.0] {
            let h = 1e-4 * x
            let slope = (DistributionFitting.digamma(x + h) - DistributionFitting.digamma(x - h)) / (2 * h)
            #expect(close(slope, DistributionFitting.trigamma(x), rel: 1e-7), "x = \(x)")
        }
        let big = 1e12
        #expect(close(DistributionFitting.trigammaMinusReciprocal(big), 0.5 / (big * big), rel: 1e-11))
    }
}
