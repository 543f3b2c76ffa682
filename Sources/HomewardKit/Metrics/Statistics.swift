// Summary statistics and the special functions behind confidence intervals.
//
// Everything here is written from first principles so that the simulator's
// verification does not rest on an unexamined library. All reductions run in
// plain left-to-right order over the array as given, so the same values in the
// same order always give bit-identical results on a given platform.

import Foundation

/// Summary statistics across replications, and the distribution functions they need.
///
/// Determinism: every sum is accumulated left to right over the array in the order given,
/// with no parallel or pairwise reduction, so identical inputs in identical order give
/// bit-identical outputs (on a given platform and C maths library).
public enum Statistics {

    // MARK: - Moments

    /// Arithmetic mean of `xs`.
    ///
    /// The mean is the sum of the values divided by their count. It is computed as the
    /// left-to-right sum divided by n, then refined by one left-to-right pass that adds the
    /// mean of the residuals (x − m), which removes most of the rounding error of the first
    /// pass. If every value is identical the result is exactly that value.
    ///
    /// - Parameter xs: The values, in the order whose summation is to be reproduced.
    /// - Returns: The mean, or NaN when `xs` is empty.
    /// - Complexity: O(n).
    public static func mean(_ xs: [Double]) -> Double {
        guard let first = xs.first else { return .nan }
        var sum = 0.0
        var allEqual = true
        for x in xs {
            sum += x
            if x != first { allEqual = false }
        }
        if allEqual { return first }
        let n = Double(xs.count)
        let m = sum / n
        guard m.isFinite else { return m }
        var residual = 0.0
        for x in xs { residual += x - m }
        let refined = m + residual / n
        return refined.isFinite ? refined : m
    }

    /// Unbiased sample variance of `xs` (denominator n − 1).
    ///
    /// Two-pass corrected algorithm: with m the mean, d = x − m for each value,
    /// variance = (Σd² − (Σd)²/n) / (n − 1). The second term is zero in exact arithmetic and
    /// compensates for the rounding error in m. Identical values give exactly 0.
    ///
    /// - Parameter xs: The values.
    /// - Returns: The sample variance, or NaN when there are fewer than two values.
    /// - Complexity: O(n).
    public static func sampleVariance(_ xs: [Double]) -> Double {
        guard xs.count >= 2 else { return .nan }
        let first = xs[0]
        if xs.allSatisfy({ $0 == first }) { return first.isFinite ? 0 : .nan }
        let m = mean(xs)
        var sumD = 0.0
        var sumD2 = 0.0
        for x in xs {
            let d = x - m
            sumD += d
            sumD2 += d * d
        }
        let n = Double(xs.count)
        let v = (sumD2 - sumD * sumD / n) / (n - 1)
        return v < 0 ? 0 : v
    }

    /// Sample standard deviation of `xs`: the square root of `sampleVariance(_:)`.
    ///
    /// - Parameter xs: The values.
    /// - Returns: The standard deviation, or NaN when there are fewer than two values.
    /// - Complexity: O(n).
    public static func standardDeviation(_ xs: [Double]) -> Double {
        sampleVariance(xs).squareRoot()
    }

    /// Linear-interpolation sample quantile, type 7 (R's default, Excel's PERCENTILE.INC).
    ///
    /// With the values sorted ascending as x₀ ≤ … ≤ xₙ₋₁, let h = (n − 1)·p, j = ⌊h⌋ and
    /// g = h − j. The quantile is xⱼ + g·(xⱼ₊₁ − xⱼ); p = 0 gives the minimum and p = 1 the
    /// maximum.
    ///
    /// - Parameters:
    ///   - xs: The values, in any order (they are not modified).
    ///   - p: The probability, in [0, 1].
    /// - Returns: The quantile; NaN when `xs` is empty, contains NaN, or p is outside [0, 1].
    /// - Complexity: O(n log n) for the sort.
    public static func quantile(_ xs: [Double], _ p: Double) -> Double {
        guard !xs.contains(where: { $0.isNaN }) else { return .nan }
        return quantile(sorted: xs.sorted(), p)
    }

    /// Type 7 quantile (see ``quantile(_:_:)``) of values already sorted ascending, without NaN.
    ///
    /// - Parameters:
    ///   - sorted: The values, ascending (not checked).
    ///   - p: The probability, in [0, 1].
    /// - Returns: The quantile; NaN when `sorted` is empty or p is outside [0, 1].
    /// - Complexity: O(1).
    public static func quantile(sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty, p >= 0, p <= 1 else { return .nan }
        let h = Double(sorted.count - 1) * p
        let j = min(Int(h.rounded(.down)), sorted.count - 1)
        let g = h - Double(j)
        if g == 0 || j == sorted.count - 1 { return sorted[j] }
        let lo = sorted[j]
        let hi = sorted[j + 1]
        if lo == hi { return lo }
        if lo.isInfinite || hi.isInfinite { return (1 - g) * lo + g * hi }
        return lo + g * (hi - lo)
    }

    // MARK: - Gamma and beta functions

    /// Natural logarithm of the beta function, ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
    ///
    /// When either argument is large the three log-gamma terms nearly cancel, so the
    /// difference is formed analytically from Stirling's series instead: with
    /// ln Γ(x) = (x − ½) ln x − x + ½ ln 2π + δ(x), the large leading terms are combined with
    /// `log1p` before any subtraction, leaving only small, well-conditioned pieces.
    ///
    /// - Parameters:
    ///   - a: First shape parameter, > 0.
    ///   - b: Second shape parameter, > 0.
    /// - Returns: ln B(a, b), or NaN for non-positive or NaN arguments.
    /// - Complexity: O(1).
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        guard a > 0, b > 0 else { return .nan }
        let p = min(a, b)
        let q = max(a, b)
        if q.isInfinite { return p.isInfinite ? .nan : -.infinity }
        if q < stirlingThreshold {
            return SpecialFunctions.logGamma(p) + SpecialFunctions.logGamma(q) - SpecialFunctions.logGamma(p + q)
        }
        if p < stirlingThreshold {
            // ln Γ(q) − ln Γ(q+p) = −p ln q − (q + p − ½)·log1p(p/q) + p + δ(q) − δ(q+p)
            let diff =
                -p * log(q) - (q + p - 0.5) * log1p(p / q) + p
                + stirlingCorrection(q) - stirlingCorrection(q + p)
            return SpecialFunctions.logGamma(p) + diff
        }
        // Both large: ½ ln 2π − ½ ln q + (p − ½) ln(p/(p+q)) − q·log1p(p/q) + δ(p) + δ(q) − δ(p+q)
        return 0.5 * log(2 * Double.pi) - 0.5 * log(q) + (p - 0.5) * log(p / (p + q))
            - q * log1p(p / q)
            + stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q)
    }

    /// Regularized incomplete beta function I_x(a, b).
    ///
    /// I_x(a, b) = (1/B(a,b)) ∫₀ˣ t^(a−1) (1 − t)^(b−1) dt, the CDF of a Beta(a, b) variable.
    /// Evaluated as x^a (1−x)^b / (a·B(a,b)) times the continued fraction
    /// 1/(1 + d₁/(1 + d₂/(1 + …))) with d₂ₘ₊₁ = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1)) and
    /// d₂ₘ = m(b−m)x / ((a+2m−1)(a+2m)), summed in its contracted (odd-part) form by the
    /// modified Lentz method, with the contracted denominators 1 + d₂ₖ + d₂ₖ₊₁ written
    /// exactly in terms of 1 − x so that no precision is lost for x close to 1. When
    /// x ≥ (a+1)/(a+b+2) the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) is used so that the
    /// fraction always converges quickly.
    ///
    /// - Parameters:
    ///   - a: First shape parameter, > 0.
    ///   - b: Second shape parameter, > 0.
    ///   - x: The point; values ≤ 0 give 0 and values ≥ 1 give 1.
    /// - Returns: I_x(a, b), or NaN for non-positive, infinite or NaN parameters or NaN x.
    /// - Complexity: O(√max(a, b)) continued-fraction terms in the worst case; far fewer
    ///   away from the mean.
    public static func regularizedIncompleteBeta(a: Double, b: Double, x: Double) -> Double {
        guard a > 0, b > 0, a.isFinite, b.isFinite, !x.isNaN else { return .nan }
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let y = 1 - x
        let logX = x > 0.5 ? log1p(-y) : log(x)
        let logY = x < 0.5 ? log1p(-x) : log(y)
        return incompleteBetaPair(a: a, b: b, x: x, y: y, logX: logX, logY: logY).lower
    }

    // MARK: - Normal distribution

    /// Standard normal cumulative distribution function Φ(x).
    ///
    /// Φ(x) = ½·erfc(−x/√2), which keeps full relative accuracy in the lower tail.
    ///
    /// - Parameter x: The point.
    /// - Returns: P(Z ≤ x) for Z ~ N(0, 1).
    /// - Complexity: O(1).
    public static func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// Quantile (inverse CDF) of the standard normal distribution.
    ///
    /// Acklam's rational approximation (relative error below 1.2·10⁻⁹) gives a starting
    /// point, refined by Halley steps on Φ(x) − p using `erfc`, which brings it to full
    /// double precision. Upper-tail probabilities are reflected, since 1 − p is exact for
    /// p ≥ ½.
    ///
    /// - Parameter p: The probability, in [0, 1].
    /// - Returns: x with Φ(x) = p; −∞ at 0, +∞ at 1, NaN outside [0, 1].
    /// - Complexity: O(1).
    public static func normalQuantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        if p > 0.5 { return -lowerNormalQuantile(1 - p) }
        return lowerNormalQuantile(p)
    }

    // MARK: - Student's t distribution

    /// Cumulative distribution function of Student's t distribution.
    ///
    /// For t < 0, P(T ≤ t) = ½·I_x(ν/2, ½) with x = ν/(ν + t²); for t ≥ 0 it is
    /// ½ + ½·(1 − I_x(ν/2, ½)), where 1 − I_x is evaluated directly (through its own
    /// continued fraction) whenever that is the better-conditioned side. Both x and 1 − x
    /// and their logarithms are formed from t²/ν without cancellation. For ν above 10⁷ the
    /// Cornish–Fisher expansion (error far below 10⁻¹⁵) is inverted instead, because the
    /// continued fraction would need O(√ν) terms. ν = +∞ gives the normal CDF.
    ///
    /// - Parameters:
    ///   - t: The point.
    ///   - degreesOfFreedom: ν > 0, not necessarily an integer.
    /// - Returns: P(T ≤ t), or NaN for ν ≤ 0 or NaN arguments.
    /// - Complexity: O(√ν) continued-fraction terms at worst (bounded, see above).
    public static func studentTCDF(_ t: Double, degreesOfFreedom: Double) -> Double {
        let nu = degreesOfFreedom
        guard nu > 0, !t.isNaN else { return .nan }
        if t == .infinity { return 1 }
        if t == -.infinity { return 0 }
        if nu.isInfinite { return normalCDF(t) }
        if nu > largeDegreesOfFreedom {
            let z = cornishFisherInverse(t, nu: nu)
            return normalCDF(z)
        }
        let pair = tTailPair(abs(t), nu: nu)
        return t < 0 ? pair.tail : 0.5 + pair.central
    }

    /// Quantile (inverse CDF) of Student's t distribution.
    ///
    /// Solves P(T ≤ t) = p by working with the smaller tail q = min(p, 1 − p) and the upper
    /// tail S(t) = ½·I_{ν/(ν+t²)}(ν/2, ½) on t ≥ 0. Starting points come from the
    /// Cornish–Fisher expansion (good for large ν) and from the power-law tail
    /// S(t) ≈ ν^(ν/2 − 1) t^(−ν) / B(ν/2, ½) (good for small ν); the better one seeds a
    /// Newton iteration t ← t + (S(t) − q)/f(t), with f the t density, safeguarded by a
    /// bracket [lo, hi] with S(lo) > q > S(hi) and a (geometric or arithmetic) bisection
    /// step whenever Newton leaves the bracket. Converges to about 10⁻¹⁴ relative. For ν above
    /// 10⁷ the Cornish–Fisher expansion to order ν⁻⁴ is used directly (its error there is far
    /// below 10⁻¹⁵); ν = +∞ gives the normal quantile.
    ///
    /// - Parameters:
    ///   - p: The probability, in [0, 1].
    ///   - degreesOfFreedom: ν > 0, not necessarily an integer.
    /// - Returns: t with P(T ≤ t) = p; ±∞ at p = 0 or 1 (or when the quantile exceeds the
    ///   largest finite double); NaN for p outside [0, 1] or ν ≤ 0.
    /// - Complexity: A handful of CDF evaluations (typically 3–8).
    public static func studentTQuantile(_ p: Double, degreesOfFreedom: Double) -> Double {
        let nu = degreesOfFreedom
        guard nu > 0, p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        if nu.isInfinite { return normalQuantile(p) }
        if nu > largeDegreesOfFreedom {
            return cornishFisher(normalQuantile(p), nu: nu)
        }
        let sign: Double = p < 0.5 ? -1 : 1
        let q = p < 0.5 ? p : 1 - p  // exact for p ≥ ½
        return sign * upperTQuantile(q, nu: nu)
    }

    // MARK: - Private machinery

    /// Arguments at or above this use Stirling's series in `logBeta`.
    private static let stirlingThreshold = 10.0

    /// Above this many degrees of freedom the t functions use the Cornish–Fisher expansion.
    private static let largeDegreesOfFreedom = 1e7

    /// Stirling correction δ(x) = ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π], valid for x ≥ 10.
    ///
    /// Series 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷) + 1/(1188x⁹) − 691/(360360x¹¹)
    /// + 1/(156x¹³); at x = 10 the last term is below 10⁻¹⁵ of δ.
    private static func stirlingCorrection(_ x: Double) -> Double {
        if x < stirlingThreshold {
            return SpecialFunctions.logGamma(x) - ((x - 0.5) * log(x) - x + 0.5 * log(2 * Double.pi))
        }
        let r = 1 / x
        let r2 = r * r
        let series =
            1.0 / 12 + r2
            * (-1.0 / 360 + r2
                * (1.0 / 1260 + r2
                    * (-1.0 / 1680
                        + r2 * (1.0 / 1188 + r2 * (-691.0 / 360_360 + r2 * (1.0 / 156))))))
        return series * r
    }

    /// ln[x^a y^b / B(a, b)] with y = 1 − x, given both x, y and their logarithms.
    ///
    /// For a, b both ≥ 10 it uses ln(x/x₀) = log1p(u), x₀ = a/(a+b), u = x·b/a − y and
    /// v = y·a/b − x, whose first-order terms cancel exactly (a·u + b·v = 0), giving
    /// −a(u − log1p u) − b(v − log1p v) + ½ ln(ab/(a+b)) − ½ ln 2π − [δ(a) + δ(b) − δ(a+b)].
    private static func logBetaPrefactor(
        a: Double, b: Double, x: Double, y: Double,
        logX: Double, logY: Double
    ) -> Double {
        if a >= stirlingThreshold && b >= stirlingThreshold {
            let u = x * (b / a) - y
            let v = y * (a / b) - x
            // Near u = −1 (x ≪ x₀) u has lost x to rounding, but ln(x/x₀) = ln x + log1p(b/a)
            // is still accurate, so u − ln(1 + u) is formed from that instead.
            let ru = u < -0.5 ? u - (logX + log1p(b / a)) : SpecialFunctions.uMinusLog1p(u)
            let rv = v < -0.5 ? v - (logY + log1p(a / b)) : SpecialFunctions.uMinusLog1p(v)
            let small = min(a, b)
            let large = max(a, b)
            return -(a * ru + b * rv)
                + 0.5 * (log(small) - log1p(small / large))
                - 0.5 * log(2 * Double.pi)
                - (stirlingCorrection(a) + stirlingCorrection(b) - stirlingCorrection(a + b))
        }
        return a * logX + b * logY - logBeta(a, b)
    }

    /// Reciprocal of K = 1 + d₁/(1 + d₂/(1 + d₃/(1 + …))), the continued fraction of I_x(a, b).
    ///
    /// Near x = 1 with a large the odd terms d₂ₘ₊₁ are close to −1, and summing the fraction
    /// as written would form 1 − x by cancellation at every level. It is therefore contracted
    /// to its odd part, K = β₀ − γ₁/(β₁ − γ₂/(β₂ − …)), with γₖ = d₂ₖ₋₁·d₂ₖ and
    /// βₖ = 1 + d₂ₖ + d₂ₖ₊₁ written exactly as Aₖ + y·Bₖ, where y = 1 − x,
    /// Aₖ = (a(2k + 1 − b) + 2k² + b − 1) / ((a + 2k − 1)(a + 2k + 1)) and
    /// Bₖ = (a + k)(a + b + k)/((a + 2k)(a + 2k + 1)) − k(b − k)/((a + 2k − 1)(a + 2k))
    /// (β₀ = (1 − b + (a + b)y)/(a + 1)); this split is used when y < ½, the plain sum
    /// otherwise. The contracted fraction is summed by the modified Lentz method.
    private static func betaContinuedFraction(a: Double, b: Double, x: Double, y: Double) -> Double {
        let tiny = 1e-300
        let tolerance = 2 * Double.ulpOfOne
        // Enough terms for convergence near the mean, where O(√max(a, b)) are needed.
        let maxTerms = 1000 + Int(10 * max(a, b).squareRoot())
        func d(_ j: Int) -> Double {
            let m = Double(j / 2)
            if j % 2 == 1 {
                return -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            }
            return m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        }
        // The exact split only matters when y is small; when x is small the plain sum is
        // already free of cancellation, while Aₖ and y·Bₖ could then cancel each other.
        let useSplit = y < 0.5
        func beta(_ k: Int) -> Double {
            if !useSplit { return 1 + d(2 * k) + d(2 * k + 1) }
            let kk = Double(k)
            let aPart =
                (a * (2 * kk + 1 - b) + 2 * kk * kk + b - 1)
                / ((a + 2 * kk - 1) * (a + 2 * kk + 1))
            let bPart =
                (a + kk) * (a + b + kk) / ((a + 2 * kk) * (a + 2 * kk + 1))
                - kk * (b - kk) / ((a + 2 * kk - 1) * (a + 2 * kk))
            return aPart + y * bPart
        }
        var f = useSplit ? (1 - b + (a + b) * y) / (a + 1) : 1 + d(1)
        if abs(f) < tiny { f = tiny }
        var c = f
        var dd = 0.0
        var k = 1
        while k <= maxTerms {
            let numerator = -d(2 * k - 1) * d(2 * k)
            let denominator = beta(k)
            dd = denominator + numerator * dd
            if abs(dd) < tiny { dd = tiny }
            c = denominator + numerator / c
            if abs(c) < tiny { c = tiny }
            dd = 1 / dd
            let delta = c * dd
            f *= delta
            if abs(delta - 1) <= tolerance { break }
            k += 1
        }
        return 1 / f
    }

    /// I_x(a, b) and 1 − I_x(a, b), each computed directly on its better-conditioned side.
    ///
    /// Requires 0 ≤ x ≤ 1, y = 1 − x given accurately, and logX = ln x, logY = ln y.
    private static func incompleteBetaPair(
        a: Double, b: Double, x: Double, y: Double,
        logX: Double, logY: Double
    )
        -> (lower: Double, upper: Double)
    {
        // x or y may have underflowed while its logarithm is still finite; only a true zero
        // (logarithm −∞) short-circuits.
        if logX == -.infinity { return (0, 1) }
        if logY == -.infinity { return (1, 0) }
        let prefactor = exp(logBetaPrefactor(a: a, b: b, x: x, y: y, logX: logX, logY: logY))
        if x * (a + b + 2) < a + 1 {
            let lower = prefactor * betaContinuedFraction(a: a, b: b, x: x, y: y) / a
            let clamped = min(max(lower, 0), 1)
            return (clamped, 1 - clamped)
        }
        let upper = prefactor * betaContinuedFraction(a: b, b: a, x: y, y: x) / b
        let clamped = min(max(upper, 0), 1)
        return (1 - clamped, clamped)
    }

    /// For t ≥ 0: the upper tail P(T > t) and the central mass P(0 < T ≤ t), both accurate.
    private static func tTailPair(_ t: Double, nu: Double) -> (tail: Double, central: Double) {
        if t == 0 { return (0.5, 0) }
        // x = ν/(ν + t²), y = t²/(ν + t²), formed from r = t²/ν or w = ν/t².
        let x: Double
        let y: Double
        let logX: Double
        let logY: Double
        if t <= nu.squareRoot() {
            let r = t * t / nu
            x = 1 / (1 + r)
            y = r / (1 + r)
            logX = -log1p(r)
            logY = r > 0 ? log(r) - log1p(r) : 2 * (log(t) - 0.5 * log(nu))
        } else {
            let w = nu / t / t
            x = w / (1 + w)
            y = 1 / (1 + w)
            logY = -log1p(w)
            logX = w > 1e-290 ? log(w) - log1p(w) : log(nu) - 2 * log(t) - log1p(w)
        }
        let pair = incompleteBetaPair(a: nu / 2, b: 0.5, x: x, y: y, logX: logX, logY: logY)
        return (0.5 * pair.lower, 0.5 * pair.upper)
    }

    /// Student t density at t: (1 + t²/ν)^(−(ν+1)/2) / (√ν · B(ν/2, ½)).
    private static func tDensity(_ t: Double, nu: Double, logNormaliser: Double) -> Double {
        let s = abs(t) / nu.squareRoot()
        let logKernel = s < 1e150 ? log1p(s * s) : 2 * log(s)
        return exp(logNormaliser - 0.5 * (nu + 1) * logKernel)
    }

    /// Cornish–Fisher expansion of the t quantile in powers of 1/ν (Abramowitz & Stegun 26.7.5).
    ///
    /// t = z + g₁/ν + g₂/ν² + g₃/ν³ + g₄/ν⁴ with g₁ = (z³ + z)/4,
    /// g₂ = (5z⁵ + 16z³ + 3z)/96, g₃ = (3z⁷ + 19z⁵ + 17z³ − 15z)/384,
    /// g₄ = (79z⁹ + 776z⁷ + 1482z⁵ − 1920z³ − 945z)/92160.
    private static func cornishFisher(_ z: Double, nu: Double) -> Double {
        cornishFisherWithDerivative(z, nu: nu).value
    }

    private static func cornishFisherWithDerivative(_ z: Double, nu: Double)
        -> (value: Double, derivative: Double)
    {
        let z2 = z * z
        let g1 = (z2 + 1) * z / 4
        let g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
        let g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
        let g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
        let dg1 = (3 * z2 + 1) / 4
        let dg2 = ((25 * z2 + 48) * z2 + 3) / 96
        let dg3 = (((21 * z2 + 95) * z2 + 51) * z2 - 15) / 384
        let dg4 = ((((711 * z2 + 5432) * z2 + 7410) * z2 - 5760) * z2 - 945) / 92160
        let r = 1 / nu
        let value = z + r * (g1 + r * (g2 + r * (g3 + r * g4)))
        let derivative = 1 + r * (dg1 + r * (dg2 + r * (dg3 + r * dg4)))
        return (value, derivative)
    }

    /// Solves cornishFisher(z, ν) = t for z by Newton's method (used for very large ν).
    private static func cornishFisherInverse(_ t: Double, nu: Double) -> Double {
        // Beyond |t| = 50 both tails are far below the smallest double for ν > 10⁷.
        if abs(t) > 50 { return t }
        var z = t
        for _ in 0..<50 {
            let (value, derivative) = cornishFisherWithDerivative(z, nu: nu)
            let step = (value - t) / derivative
            z -= step
            if abs(step) <= 1e-16 * max(abs(z), 1e-300) { break }
        }
        return z
    }

    /// Lower-tail normal quantile for 0 < p ≤ ½ (Acklam's approximation + Halley refinement).
    private static let acklamA: [Double] = [
        -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
        1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00,
    ]
    private static let acklamB: [Double] = [
        -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
        6.680131188771972e+01, -1.328068155288572e+01,
    ]
    private static let acklamC: [Double] = [
        -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
        -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00,
    ]
    private static let acklamD: [Double] = [
        7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
        3.754408661907416e+00,
    ]

    private static func lowerNormalQuantile(_ p: Double) -> Double {
        let a = acklamA
        let b = acklamB
        let c = acklamC
        let d = acklamD
        var x: Double
        if p < 0.02425 {
            let q = (-2 * log(p)).squareRoot()
            x =
                (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else {
            let q = p - 0.5
            let r = q * q
            x =
                (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        }
        // Halley steps on Φ(x) − p: u = (Φ(x) − p)/φ(x), x ← x − u/(1 + x·u/2).
        let sqrt2pi = (2 * Double.pi).squareRoot()
        for _ in 0..<2 {
            let e = normalCDF(x) - p
            let u = e * sqrt2pi * exp(0.5 * x * x)
            let next = x - u / (1 + 0.5 * x * u)
            guard next.isFinite else { break }
            if next == x { break }
            x = next
        }
        return x
    }

    /// t > 0 with P(T > t) = q, for 0 < q < ½ and finite ν ≤ 10⁷.
    ///
    /// The residual r(t), decreasing in t and zero at the answer, is ln S(t) − ln q when
    /// q < ¼ (so that Newton moves quickly through light and heavy tails alike) and
    /// (½ − q) − C(t) when q ≥ ¼, with C(t) = P(0 < T ≤ t) computed directly (½ − q is exact
    /// there, so quantiles near the median keep full relative accuracy).
    private static func upperTQuantile(_ q: Double, nu: Double) -> Double {
        let logB = logBeta(nu / 2, 0.5)
        let logNormaliser = -logB - 0.5 * log(nu)
        let central = q >= 0.25
        let centralTarget = 0.5 - q  // exact for q in [¼, ½]
        let logQ = log(q)
        /// Residual r(t) and the Newton step r(t)/(−r′(t)).
        func evaluate(_ t: Double) -> (residual: Double, step: Double) {
            let pair = tTailPair(t, nu: nu)
            let density = tDensity(t, nu: nu, logNormaliser: logNormaliser)
            if central {
                let r = centralTarget - pair.central
                return (r, r / density)
            }
            let r = log(pair.tail) - logQ
            return (r, r * pair.tail / density)
        }

        var lo = 0.0  // r(lo) > 0
        var hi = Double.infinity  // r(hi) < 0
        func record(_ t: Double, _ r: Double) {
            if r > 0 { lo = max(lo, t) } else if r < 0 { hi = min(hi, t) }
        }

        // Seeds: Cornish–Fisher and the power-law tail; keep the one with the smaller residual.
        let z = -normalQuantile(q)
        var seeds: [Double] = []
        let cf = cornishFisher(z, nu: nu)
        if cf.isFinite && cf > 0 { seeds.append(cf) }
        let tailSeed = exp(0.5 * log(nu) - (logB + log(nu) + logQ) / nu)
        if tailSeed.isFinite && tailSeed > 0 { seeds.append(tailSeed) }
        var t = 0.0
        var current = evaluate(0)
        var bestMismatch = Double.infinity
        for seed in seeds {
            let e = evaluate(seed)
            if e.residual == 0 { return seed }
            record(seed, e.residual)
            let mismatch = abs(e.residual.isNaN ? .infinity : e.residual)
            if mismatch < bestMismatch {
                bestMismatch = mismatch
                t = seed
                current = e
            }
        }
        // Make sure the bracket is closed on the right.
        if hi.isInfinite {
            var probe = max(lo, 1.0)
            while true {
                probe = min(probe * 16, Double.greatestFiniteMagnitude)
                let e = evaluate(probe)
                if e.residual == 0 { return probe }
                record(probe, e.residual)
                if e.residual < 0 { break }
                if probe == Double.greatestFiniteMagnitude { return .infinity }
            }
        }

        for _ in 0..<500 {
            record(t, current.residual)
            if current.residual == 0 { return t }
            let newton = t + current.step
            if newton.isFinite && newton >= lo && newton <= hi
                && abs(current.step) <= 1e-14 * abs(t)
            {
                return newton
            }
            if hi - lo <= 4 * Double.ulpOfOne * hi { return lo + 0.5 * (hi - lo) }
            if newton.isFinite && newton > lo && newton < hi {
                t = newton
            } else if lo > 0 && hi / lo > 8 {
                t = exp(0.5 * (log(lo) + log(hi)))
            } else {
                t = lo + 0.5 * (hi - lo)
            }
            current = evaluate(t)
        }
        return t
    }
}

/// Mean with a two-sided confidence interval from Student's t distribution.
public struct ConfidenceInterval: Sendable, Equatable, Codable {
    /// Sample mean of the values.
    public var mean: Double
    /// Lower end of the interval (NaN when undefined, see `init(values:level:)`).
    public var low: Double
    /// Upper end of the interval (NaN when undefined, see `init(values:level:)`).
    public var high: Double
    /// Number of values the interval was computed from.
    public var count: Int
    /// Confidence level, e.g. 0.95.
    public var level: Double

    /// Half the width of the interval, (high − low)/2; NaN when the interval is undefined.
    public var halfWidth: Double { (high - low) / 2 }

    /// Relative precision: halfWidth / |mean|; NaN when the mean is 0 or the interval undefined.
    public var relativePrecision: Double {
        mean == 0 ? .nan : halfWidth / abs(mean)
    }

    /// Builds the interval mean ± t_{1−(1−level)/2, n−1} · s/√n.
    ///
    /// Here s is the sample standard deviation (n − 1 denominator) and t the Student t
    /// quantile with n − 1 degrees of freedom. Conventions: with n = 0 everything is NaN;
    /// with n = 1 the mean is the single value but `low` and `high` are NaN, because the
    /// spread cannot be estimated from one value; with zero sample variance
    /// low == high == mean exactly. A `level` outside (0, 1) gives NaN bounds. Sums are
    /// deterministic (see `Statistics`).
    ///
    /// - Parameters:
    ///   - values: One summary value per replication.
    ///   - level: Two-sided confidence level in (0, 1); default 0.95.
    /// - Complexity: O(n).
    public init(values: [Double], level: Double = 0.95) {
        let n = values.count
        self.count = n
        self.level = level
        self.mean = Statistics.mean(values)
        guard n >= 2, level > 0, level < 1 else {
            self.low = .nan
            self.high = .nan
            return
        }
        let s = Statistics.standardDeviation(values)
        let t = Statistics.studentTQuantile(1 - (1 - level) / 2, degreesOfFreedom: Double(n - 1))
        let h = s == 0 ? 0 : t * s / Double(n).squareRoot()
        self.low = mean - h
        self.high = mean + h
    }
}
