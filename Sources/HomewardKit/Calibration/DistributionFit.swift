// Maximum-likelihood fits of the parametric duration laws (exponential, gamma, lognormal,
// Weibull) to observed positive values — lengths of stay and delays in days — with the
// log-likelihood, AIC and Kolmogorov–Smirnov distance needed to choose between them.
// Used by `homeward calibrate` to turn hospital activity data into scenario parameters.
//
// Robustness: every iteration is a safeguarded Newton method inside a bracket that always
// holds the root, with an iteration cap, so nothing loops forever or diverges. The Weibull
// sums are formed relative to the sample maximum, so large shapes cannot overflow. Values
// are sorted before any sum, so a fit does not depend on the order of its input.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#else
    import Foundation
#endif

/// A family of duration laws that `DistributionFitting` can fit.
public enum FitFamily: String, CaseIterable, Sendable {
    /// Exponential (one parameter, the mean).
    case exponential
    /// Gamma with shape and scale.
    case gamma
    /// Lognormal with the mu and sigma of the underlying normal.
    case lognormal
    /// Weibull with shape and scale.
    case weibull
}

/// One family fitted by maximum likelihood to a sample, with goodness-of-fit measures.
public struct DistributionFit: Sendable, Equatable {
    /// The family fitted.
    public var family: FitFamily
    /// The fitted law (always `isValid`, with finite parameters).
    public var distribution: Distribution
    /// The number of free parameters: 1 for exponential, 2 otherwise.
    public var parameterCount: Int
    /// The maximised log-likelihood ln L = Σ ln f(xᵢ), in closed form at the estimates.
    public var logLikelihood: Double
    /// Akaike's information criterion 2k − 2 ln L (k = `parameterCount`); lower is better.
    public var aic: Double
    /// The Kolmogorov–Smirnov distance D = supₓ |Fₙ(x) − F(x)| between the sample's
    /// empirical cdf and the fitted cdf.
    public var ksStatistic: Double
    /// The approximate 5% critical value of D, 1.36/√n. It is the value for a law fixed in
    /// advance; because the parameters here were estimated from the same sample, D is
    /// stochastically smaller (Lilliefors, 1967) and the true 5% point is lower, so the test
    /// `ksStatistic > ksCriticalValue05` is conservative: a rejection is trustworthy, an
    /// acceptance is weak evidence.
    public var ksCriticalValue05: Double
    /// The number of values fitted.
    public var sampleSize: Int
    /// The fitted law's mean (may be +∞ when it overflows a Double, e.g. a lognormal with a
    /// very large sigma; never NaN).
    public var mean: Double
    /// The fitted law's standard deviation (may be +∞ when it overflows; never NaN).
    public var sd: Double
}

/// Why a sample cannot be fitted.
public enum FitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer than `DistributionFitting.minimumSampleSize` values; carries the count given.
    case tooFewValues(Int)
    /// A value that is not finite and > 0 (zero, negative, NaN or infinite); carries the
    /// first such value and its index in the input.
    case notPositive(index: Int, value: Double)
    /// The values have no spread: all equal (carries that value), or so nearly equal that
    /// the statistic a family needs (the spread of the logarithms) is exactly zero in
    /// floating point (carries the mean).
    case allEqual(Double)
    /// The family's maximum-likelihood parameters overflow or underflow a Double, so no
    /// valid law can be returned. Only extreme samples do this: values spanning hundreds of
    /// orders of magnitude (a gamma scale beyond 10³⁰⁸), or values near 10⁻³⁰⁰ that differ
    /// only by rounding (a gamma scale below the smallest Double). Never for days data.
    case parametersOutOfRange(FitFamily)

    /// A one-line explanation for the user.
    public var description: String {
        switch self {
        case .tooFewValues(let n):
            return "need at least \(DistributionFitting.minimumSampleSize) values to fit a distribution, got \(n)"
        case .notPositive(let index, let value):
            return "value \(value) at index \(index) is not a positive finite number; durations must be > 0"
        case .allEqual(let value):
            return "the values are all equal to \(value) (to within rounding): "
                + "a continuous distribution cannot be fitted to data with no spread"
        case .parametersOutOfRange(let family):
            return "the \(family) fit's parameters are beyond the range of a Double: "
                + "the values span too many orders of magnitude or differ only by rounding"
        }
    }
}

/// Maximum-likelihood fitting of `FitFamily` laws to positive values.
///
/// Estimators, with n values x₁…xₙ, sample mean m and L̄ = mean(ln x):
/// - exponential: mean = m (closed form).
/// - lognormal: mu = L̄, sigma² = mean((ln x − L̄)²) (divide by n: the MLE).
/// - gamma: the shape k solves ln k − ψ(k) = s with s = ln m − L̄ (> 0 unless all values
///   are equal), by Newton's method from the Minka/Choi–Wette starting value
///   k₀ = (3 − s + √((s − 3)² + 24s)) / (12s); scale = m / k.
/// - Weibull: the shape k solves Σ xᵏ ln x / Σ xᵏ − 1/k − L̄ = 0, an increasing function
///   of k, by Newton's method from k₀ = π / (√6 · sd(ln x)); the sums use x / max(x), so
///   no power overflows; scale = (mean(xᵏ))^(1/k).
///
/// Both iterations are safeguarded: the root is first bracketed (the bracket is widened by
/// squaring factors, so it spans the whole Double range in about ten steps), a Newton step
/// that leaves the bracket is replaced by a geometric bisection, and the iteration stops at
/// a relative change of 10⁻¹², or after 200 steps with the latest estimate (in practice
/// Newton converges in under ten evaluations). There is no silent fallback: if no bracket
/// can be found in floating point, or the fitted law is not valid with finite parameters
/// and log-likelihood, the fit throws `FitError.parametersOutOfRange`, and a family whose
/// statistic has no spread at all in floating point throws `FitError.allEqual`.
///
/// Same-day stays recorded as 0 are not positive and are rejected: decide how to treat
/// them (drop them, or add half a day) before fitting.
public enum DistributionFitting {
    /// The fewest values accepted by `fit` and `fitAll`.
    public static let minimumSampleSize = 10

    /// Fits one family by maximum likelihood.
    ///
    /// The checks run in this order: the count, each value in turn (the first that is not
    /// finite and > 0 is reported), then equality of all values.
    /// - Parameters:
    ///   - family: The family to fit.
    ///   - values: The observations (finite and > 0, at least `minimumSampleSize`, not all
    ///     equal), in any order.
    /// - Returns: The fit, with finite parameters, log-likelihood, AIC and KS distance.
    /// - Throws: `FitError.tooFewValues`, `.notPositive`, `.allEqual` or
    ///   `.parametersOutOfRange` as described there.
    /// - Complexity: O(n log n) for the sort, plus O(n) per Newton step for gamma (a few)
    ///   and Weibull (a few exponentials per value per step), and n cdf evaluations.
    public static func fit(_ family: FitFamily, to values: [Double]) throws(FitError) -> DistributionFit {
        try fit(family, PreparedSample(values))
    }

    /// Fits all four families, best (lowest AIC) first; ties are broken by the order of
    /// `FitFamily.allCases`.
    ///
    /// A family that cannot be fitted to a sample that passed the checks (`FitError.allEqual`
    /// from its own statistic, or `.parametersOutOfRange`) is left out of the list; the
    /// exponential always fits such a sample, so the list is never empty.
    /// - Parameter values: The observations, as for `fit(_:to:)`.
    /// - Returns: The fits, ranked by AIC.
    /// - Throws: `FitError.tooFewValues`, `.notPositive` or `.allEqual` for the sample; it is
    ///   checked once.
    /// - Complexity: As four calls to `fit(_:to:)`, with one sort.
    public static func fitAll(_ values: [Double]) throws(FitError) -> [DistributionFit] {
        let sample = try PreparedSample(values)
        var fits: [DistributionFit] = []
        var firstError: FitError?
        for family in FitFamily.allCases {
            do throws(FitError) {
                fits.append(try fit(family, sample))
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if fits.isEmpty, let firstError { throw firstError }
        return ranked(fits)
    }

    /// Sorts fits by AIC, then by the family's position in `FitFamily.allCases`.
    /// - Parameter fits: The fits (finite AICs).
    /// - Complexity: O(f log f) for f fits.
    static func ranked(_ fits: [DistributionFit]) -> [DistributionFit] {
        func order(_ family: FitFamily) -> Int { FitFamily.allCases.firstIndex(of: family) ?? 0 }
        return fits.sorted { a, b in
            a.aic != b.aic ? a.aic < b.aic : order(a.family) < order(b.family)
        }
    }

    // MARK: Families

    static func fit(_ family: FitFamily, _ sample: PreparedSample) throws(FitError) -> DistributionFit {
        switch family {
        case .exponential: return try fitExponential(sample)
        case .gamma: return try fitGamma(sample)
        case .lognormal: return try fitLognormal(sample)
        case .weibull: return try fitWeibull(sample)
        }
    }

    /// mean = m; ln L = −n (ln m + 1).
    static func fitExponential(_ sample: PreparedSample) throws(FitError) -> DistributionFit {
        let m = sample.mean
        let logLikelihood = -sample.n * (log(m) + 1)
        return try finish(
            .exponential, .exponential(mean: m), parameterCount: 1, logLikelihood: logLikelihood,
            sample, mean: m, sd: m)
    }

    /// mu = L̄, sigma² = mean((ln x − L̄)²); ln L = −n (ln σ + ½ ln 2π + L̄ + ½).
    static func fitLognormal(_ sample: PreparedSample) throws(FitError) -> DistributionFit {
        let mu = sample.meanLog
        let variance = sample.varianceLog
        guard variance > 0 else { throw .allEqual(sample.mean) }
        let sigma = variance.squareRoot()
        let logLikelihood = -sample.n * (log(sigma) + 0.5 * log(2 * Double.pi) + mu + 0.5)
        // mean = exp(mu + σ²/2); sd² = (exp(σ²) − 1) exp(2mu + σ²), taken in logs.
        let logMean = mu + 0.5 * variance
        let sd = exp(logMean + 0.5 * logExpm1(variance))
        return try finish(
            .lognormal, .lognormal(mu: mu, sigma: sigma), parameterCount: 2, logLikelihood: logLikelihood,
            sample, mean: exp(logMean), sd: sd)
    }

    /// Shape k from ln k − ψ(k) = s, scale m / k;
    /// ln L = n [−k s − L̄ + (k ln k − k − ln Γ(k))] (the general form with θ = m / k).
    static func fitGamma(_ sample: PreparedSample) throws(FitError) -> DistributionFit {
        let s = sample.gammaStatistic
        guard s > 0 else { throw .allEqual(sample.mean) }
        guard s.isFinite else { throw .parametersOutOfRange(.gamma) }
        let start = (3 - s + ((s - 3) * (s - 3) + 24 * s).squareRoot()) / (12 * s)
        // s − (ln k − ψ(k)) increases with k; its slope is ψ′(k) − 1/k > 0.
        let root = solveIncreasing(from: start) { k in
            (s - logMinusDigamma(k), trigammaMinusReciprocal(k))
        }
        guard let shape = root else { throw .parametersOutOfRange(.gamma) }
        let scale = sample.mean / shape
        let logLikelihood = sample.n * (-shape * s - sample.meanLog + stirlingGap(shape))
        return try finish(
            .gamma, .gamma(shape: shape, scale: scale), parameterCount: 2, logLikelihood: logLikelihood,
            sample, mean: shape * scale, sd: shape.squareRoot() * scale)
    }

    /// Shape k from the profile equation, scale (mean(xᵏ))^(1/k);
    /// ln L = n [ln k + k (L̄ − ln λ) − L̄ − 1] (since mean((x/λ)ᵏ) = 1 at the estimate).
    ///
    /// With yᵢ = ln(xᵢ / max) ≤ 0 and weights wᵢ = e^(k yᵢ) ∈ (0, 1] (the largest is 1, so
    /// Σw ≥ 1 and nothing overflows), the equation reads g(k) = Σwy/Σw − 1/k − ȳ = 0, with
    /// g′(k) = Var_w(y) + 1/k² > 0, g → −∞ as k → 0 and g → −ȳ > 0 as k → ∞.
    static func fitWeibull(_ sample: PreparedSample) throws(FitError) -> DistributionFit {
        let y = sample.relativeLogs
        let yBar = sample.meanRelativeLog
        guard yBar < 0 else { throw .allEqual(sample.mean) }
        let sdLog = sample.varianceLog.squareRoot()
        var start = Double.pi / (6.0.squareRoot() * sdLog)
        if !(start.isFinite && start > 0) { start = 1 / -yBar }
        let root = solveIncreasing(from: start) { k in
            var sumW = 0.0
            var sumWY = 0.0
            var sumWY2 = 0.0
            for yi in y {
                let w = exp(k * yi)
                sumW += w
                sumWY += w * yi
                sumWY2 += w * yi * yi
            }
            let a = sumWY / sumW
            let weightedVariance = max(0, sumWY2 / sumW - a * a)
            return (a - 1 / k - yBar, weightedVariance + 1 / (k * k))
        }
        guard let shape = root else { throw .parametersOutOfRange(.weibull) }
        var sumW = 0.0
        for yi in y { sumW += exp(shape * yi) }
        let logMeanW = log(sumW / sample.n)  // ≥ −ln n: the maximum contributes 1
        let logScale = sample.logMaximum + logMeanW / shape
        let scale = exp(logScale)
        // k (L̄ − ln λ) = k ȳ − ln mean(w), without the large logs that cancel.
        let logLikelihood = sample.n * (log(shape) + shape * yBar - logMeanW - sample.meanLog - 1)
        let moments = weibullMoments(shape: shape, logScale: logScale)
        return try finish(
            .weibull, .weibull(shape: shape, scale: scale), parameterCount: 2, logLikelihood: logLikelihood,
            sample, mean: moments.mean, sd: moments.sd)
    }

    /// Adds AIC and the KS distance, and refuses a fit that is not finite and valid.
    static func finish(
        _ family: FitFamily, _ distribution: Distribution, parameterCount: Int, logLikelihood: Double,
        _ sample: PreparedSample, mean: Double, sd: Double
    ) throws(FitError) -> DistributionFit {
        guard distribution.isValid, logLikelihood.isFinite, !mean.isNaN, !sd.isNaN else {
            throw .parametersOutOfRange(family)
        }
        let d = ksDistance(sample.sorted, distribution)
        guard d.isFinite else { throw .parametersOutOfRange(family) }
        return DistributionFit(
            family: family, distribution: distribution, parameterCount: parameterCount,
            logLikelihood: logLikelihood, aic: 2 * Double(parameterCount) - 2 * logLikelihood,
            ksStatistic: d, ksCriticalValue05: 1.36 / sample.n.squareRoot(), sampleSize: sample.sorted.count,
            mean: mean, sd: sd)
    }

    /// D = max over the sorted values x₍ᵢ₎ (i = 0…n−1) of F(x₍ᵢ₎) − i/n and (i+1)/n − F(x₍ᵢ₎),
    /// which is sup |Fₙ − F| for a continuous F, ties included.
    /// - Parameters:
    ///   - sorted: The values in ascending order.
    ///   - distribution: The law F.
    /// - Complexity: O(n) cdf evaluations.
    static func ksDistance(_ sorted: [Double], _ distribution: Distribution) -> Double {
        let n = Double(sorted.count)
        var d = 0.0
        for (i, x) in sorted.enumerated() {
            let f = distribution.cdf(x)
            guard !f.isNaN else { return .nan }
            d = max(d, f - Double(i) / n, Double(i + 1) / n - f)
        }
        return d
    }

    // MARK: Root finding

    /// The root of an increasing function of k > 0, by Newton's method safeguarded with a
    /// bracket.
    ///
    /// From `start`, the bracket is widened geometrically (factors 2, 4, 16, 256, …) on the
    /// side the sign calls for until the function changes sign. Then each Newton step that
    /// falls outside the bracket (or is not finite) is replaced by the geometric midpoint
    /// √(lo·hi), and every new point narrows the bracket. Stops when the step or the bracket
    /// is within 10⁻¹² relative; after 200 steps returns the latest point.
    /// - Parameters:
    ///   - start: The first guess (> 0, finite).
    ///   - f: The function and its derivative at k.
    /// - Returns: The root, or nil when no sign change is found before k leaves the finite
    ///   positive Doubles, or the function is not finite at a bracketing point.
    /// - Complexity: O(log |ln(root / start)|) evaluations to bracket, then a few (at most 200).
    static func solveIncreasing(
        from start: Double, _ f: (Double) -> (value: Double, slope: Double)
    ) -> Double? {
        let tolerance = 1e-12
        var k = start
        var (value, slope) = f(k)
        guard value.isFinite else { return nil }
        if value == 0 { return k }

        // Walk away from the start on the side the sign calls for, with growing factors,
        // until the sign changes; (k, value, slope) stays the last point before the change.
        var lo = 0.0
        var hi = 0.0
        var bracketed = false
        var factor = 2.0
        for _ in 0..<64 {
            let next = value < 0 ? k * factor : k / factor
            guard next.isFinite, next > 0 else { return nil }
            let (v, s) = f(next)
            guard v.isFinite else { return nil }
            if v == 0 { return next }
            if (v > 0) != (value > 0) {
                (lo, hi) = value < 0 ? (k, next) : (next, k)
                bracketed = true
                break
            }
            (k, value, slope) = (next, v, s)
            factor = min(factor * factor, 0x1p64)
        }
        guard bracketed else { return nil }

        for _ in 0..<200 {
            var next = k - value / slope
            if !(next > lo && next < hi) { next = lo * (hi / lo).squareRoot() }
            let (v, s) = f(next)
            if !v.isFinite { return nil }
            if v == 0 { return next }
            if v < 0 { lo = next } else { hi = next }
            let step = abs(next - k)
            (k, value, slope) = (next, v, s)
            if step <= tolerance * k || hi - lo <= tolerance * hi { break }
        }
        return k
    }

    // MARK: Special functions

    /// The digamma function ψ(x) = d ln Γ(x) / dx, for x > 0.
    ///
    /// Shifts x up to at least 10 with ψ(x) = ψ(x + 1) − 1/x, then uses the asymptotic
    /// series ψ(x) = ln x − 1/(2x) − Σ B₂ⱼ / (2j x²ʲ) to the x⁻¹⁴ term (truncation error
    /// below 10⁻¹⁶ at x = 10).
    /// - Parameter x: The argument.
    /// - Returns: ψ(x); NaN when x ≤ 0 or NaN, +∞ at +∞.
    /// - Complexity: O(1) (at most 10 shifts).
    static func digamma(_ x: Double) -> Double {
        guard x > 0 else { return .nan }
        if x.isInfinite { return .infinity }
        var z = x
        var shift = 0.0
        while z < 10 {
            shift += 1 / z
            z += 1
        }
        return log(z) - asymptoticLogMinusDigamma(z) - shift
    }

    /// The trigamma function ψ′(x), for x > 0.
    ///
    /// Shifts x up to at least 10 with ψ′(x) = ψ′(x + 1) + 1/x², then uses the asymptotic
    /// series ψ′(x) = 1/x + 1/(2x²) + Σ B₂ⱼ / x²ʲ⁺¹ to the x⁻¹⁵ term.
    /// - Parameter x: The argument.
    /// - Returns: ψ′(x); NaN when x ≤ 0 or NaN, 0 at +∞.
    /// - Complexity: O(1) (at most 10 shifts).
    static func trigamma(_ x: Double) -> Double {
        guard x > 0 else { return .nan }
        if x.isInfinite { return 0 }
        var z = x
        var shift = 0.0
        while z < 10 {
            shift += 1 / (z * z)
            z += 1
        }
        return 1 / z + asymptoticTrigammaMinusReciprocal(z) + shift
    }

    /// ln x − ψ(x) (> 0, ≈ 1/(2x) for large x), computed without the cancellation of the
    /// difference, so it stays accurate to full relative precision for huge x.
    static func logMinusDigamma(_ x: Double) -> Double {
        guard x > 0 else { return .nan }
        if x >= 10 { return asymptoticLogMinusDigamma(x) }
        // ln x − ψ(x) = ln(x / z) + [ln z − ψ(z)] + Σ 1/(x + i), z = x + shifts.
        var z = x
        var shift = 0.0
        while z < 10 {
            shift += 1 / z
            z += 1
        }
        return log(x / z) + asymptoticLogMinusDigamma(z) + shift
    }

    /// ψ′(x) − 1/x (> 0, ≈ 1/(2x²) for large x), again without cancellation for large x.
    static func trigammaMinusReciprocal(_ x: Double) -> Double {
        guard x > 0 else { return .nan }
        if x >= 10 { return asymptoticTrigammaMinusReciprocal(x) }
        return trigamma(x) - 1 / x
    }

    /// ln x − ψ(x) for x ≥ 10: 1/(2x) + 1/(12x²) − 1/(120x⁴) + 1/(252x⁶) − 1/(240x⁸)
    /// + 1/(132x¹⁰) − 691/(32760x¹²) + 1/(12x¹⁴).
    private static func asymptoticLogMinusDigamma(_ x: Double) -> Double {
        let r = 1 / x
        let r2 = r * r
        return 0.5 * r + r2 * polynomial(r2, digammaCoefficients)
    }

    private static let digammaCoefficients = [
        1.0 / 12, -1.0 / 120, 1.0 / 252, -1.0 / 240, 1.0 / 132, -691.0 / 32760, 1.0 / 12,
    ]

    /// ψ′(x) − 1/x for x ≥ 10: 1/(2x²) + 1/(6x³) − 1/(30x⁵) + 1/(42x⁷) − 1/(30x⁹)
    /// + 5/(66x¹¹) − 691/(2730x¹³) + 7/(6x¹⁵).
    private static func asymptoticTrigammaMinusReciprocal(_ x: Double) -> Double {
        let r = 1 / x
        let r2 = r * r
        return 0.5 * r2 + r * r2 * polynomial(r2, trigammaCoefficients)
    }

    private static let trigammaCoefficients = [
        1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6,
    ]

    /// k ln k − k − ln Γ(k), the part of the gamma log-likelihood that depends on the
    /// shape alone. For k ≥ 10 it is ½ ln(k / 2π) − δ(k) with the Stirling correction
    /// δ(k) = 1/(12k) − 1/(360k³) + 1/(1260k⁵) − 1/(1680k⁷) + 1/(1188k⁹) − 691/(360360k¹¹)
    /// + 1/(156k¹³), which avoids subtracting two numbers of size k ln k.
    static func stirlingGap(_ k: Double) -> Double {
        if k < 10 { return k * log(k) - k - SpecialFunctions.logGamma(k) }
        let r = 1 / k
        let delta = r * polynomial(r * r, stirlingCoefficients)
        return 0.5 * log(k / (2 * Double.pi)) - delta
    }

    private static let stirlingCoefficients = [
        1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360_360, 1.0 / 156,
    ]

    /// c₀ + c₁z + c₂z² + … by Horner's rule.
    private static func polynomial(_ z: Double, _ coefficients: [Double]) -> Double {
        var sum = 0.0
        for c in coefficients.reversed() { sum = sum * z + c }
        return sum
    }

    /// ln(eᵛ − 1) for v > 0, finite wherever the result is (no overflow of eᵛ).
    static func logExpm1(_ v: Double) -> Double {
        v > 1 ? v + log(-expm1(-v)) : log(expm1(v))
    }

    /// Mean and sd of Weibull(k, λ) from logs, never NaN: with t = 1/k,
    /// mean = λ Γ(1 + t), sd² = λ² Γ(1 + t)² (e^h − 1), h = ln Γ(1 + 2t) − 2 ln Γ(1 + t) ≥ 0.
    /// For t < 10⁻³ h comes from its Taylor series ζ(2)t² − 2ζ(3)t³ + (7/2)ζ(4)t⁴ − 6ζ(5)t⁵
    /// + (31/3)ζ(6)t⁶, where the difference of log-gammas would cancel.
    static func weibullMoments(shape: Double, logScale: Double) -> (mean: Double, sd: Double) {
        let t = 1 / shape
        let logGamma1 = SpecialFunctions.logGamma(1 + t)
        var h: Double
        if t < 1e-3 {
            let zeta2 = Double.pi * Double.pi / 6
            let zeta3 = 1.2020569031595942
            let zeta4 = 1.0823232337111382
            let zeta5 = 1.0369277551433699
            let zeta6 = 1.0173430619844491
            h = t * t * (zeta2 - t * (2 * zeta3 - t * (3.5 * zeta4 - t * (6 * zeta5 - t * (31.0 / 3 * zeta6)))))
        } else {
            h = SpecialFunctions.logGamma(1 + 2 * t) - 2 * logGamma1
        }
        h = max(h, 0)
        let logMean = logScale + logGamma1
        return (exp(logMean), exp(logMean + 0.5 * logExpm1(h)))
    }
}

/// A validated sample with the statistics every family needs, computed once.
struct PreparedSample {
    /// The values, ascending.
    let sorted: [Double]
    /// n as a Double.
    let n: Double
    /// The sample mean, formed as max · mean(x / max) so that it cannot overflow.
    let mean: Double
    /// ln(max).
    let logMaximum: Double
    /// yᵢ = ln(xᵢ / max) ≤ 0, in sorted order.
    let relativeLogs: [Double]
    /// ȳ = mean(y) (< 0 unless the logs carry no spread).
    let meanRelativeLog: Double
    /// L̄ = mean(ln x) = ln(max) + ȳ.
    let meanLog: Double
    /// mean((ln x − L̄)²), dividing by n.
    let varianceLog: Double
    /// s = ln m − L̄ = mean(uᵢ − ln(1 + uᵢ)) with uᵢ = xᵢ/m − 1, a sum of non-negative
    /// second-order terms, so it is accurate even when the spread is tiny (and first-order
    /// insensitive to rounding in m, since mean(u) ≈ 0).
    let gammaStatistic: Double

    /// Validates and summarises the values.
    /// - Parameter values: The observations.
    /// - Throws: `FitError.tooFewValues`, `.notPositive` (first offender), `.allEqual`.
    /// - Complexity: O(n log n).
    init(_ values: [Double]) throws(FitError) {
        guard values.count >= DistributionFitting.minimumSampleSize else {
            throw .tooFewValues(values.count)
        }
        for (index, value) in values.enumerated() where !(value.isFinite && value > 0) {
            throw .notPositive(index: index, value: value)
        }
        let first = values[0]
        if values.allSatisfy({ $0 == first }) { throw .allEqual(first) }

        let sorted = values.sorted()
        let maximum = sorted[sorted.count - 1]
        let logMaximum = log(maximum)
        let mean = maximum * Statistics.mean(sorted.map { $0 / maximum })
        let logMean = log(mean)
        // ln(x / c) directly while x / c is a normal number, else as a difference of logs.
        let y = sorted.map { x -> Double in
            let r = x / maximum
            return r >= 0x1p-1000 ? log(r) : log(x) - logMaximum
        }
        let yBar = Statistics.mean(y)
        let n = Double(sorted.count)
        var s = 0.0
        for (x, yi) in zip(sorted, y) {
            let r = x / mean
            let u = r - 1
            if abs(u) <= 0.5 {
                s += SpecialFunctions.uMinusLog1p(u)
            } else {
                s += u - (r >= 0x1p-1000 ? log(r) : yi + logMaximum - logMean)
            }
        }

        self.sorted = sorted
        self.n = n
        self.mean = mean
        self.logMaximum = logMaximum
        self.relativeLogs = y
        self.meanRelativeLog = yBar
        self.meanLog = logMaximum + yBar
        self.varianceLog = Statistics.sampleVariance(y) * (n - 1) / n
        self.gammaStatistic = s / n
    }
}
