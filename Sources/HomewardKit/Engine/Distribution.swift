// Parametric and data-driven distributions of durations (lengths of stay, waits,
// inter-arrival times) and quantities, with sampling, moments, cdf and survival.
//
// Sampling is allocation-free and consumes a documented number of draws from the
// stream it is given. Parameters are not re-checked on every sample (hot path): check
// them once, where a scenario is loaded, with `isValid`.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#else
    import Foundation
#endif

/// One bin of a `Distribution.histogram`: values uniform on `lower...upper`, chosen with
/// probability proportional to `weight`.
public struct HistogramBin: Sendable, Equatable {
    /// The bin's lower edge (≥ 0).
    public var lower: Double
    /// The bin's upper edge (≥ `lower`; equal edges make a point mass).
    public var upper: Double
    /// The bin's relative weight (≥ 0); weights need not sum to 1.
    public var weight: Double

    /// Creates a bin.
    /// - Parameters:
    ///   - lower: The lower edge.
    ///   - upper: The upper edge.
    ///   - weight: The relative weight (a count or a probability).
    /// - Complexity: O(1)
    @inlinable
    public init(lower: Double, upper: Double, weight: Double) {
        self.lower = lower
        self.upper = upper
        self.weight = weight
    }
}

/// A distribution of a non-negative duration or quantity, as planners quote them.
public enum Distribution: Sendable, Equatable {
    /// Always the given value.
    case fixed(Double)
    /// Uniform on `min...max`.
    case uniform(min: Double, max: Double)
    /// Triangular on `min...max` with peak at `mode`.
    case triangular(min: Double, mode: Double, max: Double)
    /// Exponential with the given mean.
    case exponential(mean: Double)
    /// Gamma with shape k and scale θ (mean kθ); Erlang-k is gamma with integer shape.
    case gamma(shape: Double, scale: Double)
    /// Weibull with shape k and scale λ: P(X > x) = exp(-(x/λ)^k).
    case weibull(shape: Double, scale: Double)
    /// Lognormal: exp(N(mu, sigma²)); `mu` and `sigma` are the parameters of the underlying normal.
    case lognormal(mu: Double, sigma: Double)
    /// Resample one of the values uniformly (each listed occurrence equally likely).
    case empirical(values: [Double])
    /// Pick a bin with probability proportional to its weight, then uniform within it.
    case histogram(bins: [HistogramBin])

    // MARK: Constructors

    /// Erlang-k with the given mean: gamma(shape: k, scale: mean / k).
    /// - Parameters:
    ///   - k: The number of phases (≥ 1).
    ///   - mean: The mean of the whole (> 0).
    /// - Complexity: O(1)
    public static func erlang(k: Int, mean: Double) -> Distribution {
        precondition(k >= 1, "Erlang needs k >= 1")
        return .gamma(shape: Double(k), scale: mean / Double(k))
    }

    /// Lognormal given the mean and standard deviation of the duration itself (how lengths
    /// of stay are quoted): sigma² = ln(1 + sd²/mean²), mu = ln(mean) − sigma²/2.
    /// - Parameters:
    ///   - mean: The mean of the duration (> 0).
    ///   - sd: The standard deviation of the duration (≥ 0).
    /// - Complexity: O(1)
    public static func lognormal(mean: Double, sd: Double) -> Distribution {
        precondition(mean > 0 && sd >= 0, "lognormal(mean:sd:) needs mean > 0 and sd >= 0")
        let cv = sd / mean
        let sigma2 = log1p(cv * cv)
        return .lognormal(mu: log(mean) - 0.5 * sigma2, sigma: sigma2.squareRoot())
    }

    // MARK: Validation

    /// Whether the parameters describe a proper distribution on [0, ∞): finite values,
    /// `0 ≤ min ≤ mode ≤ max`, positive means/shapes/scales, `sigma ≥ 0`, a non-empty list
    /// of non-negative values, or non-empty bins with `0 ≤ lower ≤ upper`, weights ≥ 0 and
    /// a positive total weight. `sample` assumes this holds and does not check it.
    /// - Complexity: O(n) in the number of values or bins; O(1) otherwise.
    public var isValid: Bool {
        func ok(_ x: Double) -> Bool { x.isFinite && x >= 0 }
        func positive(_ x: Double) -> Bool { x.isFinite && x > 0 }
        switch self {
        case .fixed(let v):
            return ok(v)
        case .uniform(let a, let b):
            return ok(a) && ok(b) && a <= b
        case .triangular(let a, let c, let b):
            return ok(a) && ok(b) && ok(c) && a <= c && c <= b
        case .exponential(let mean):
            return positive(mean)
        case .gamma(let shape, let scale), .weibull(let shape, let scale):
            return positive(shape) && positive(scale)
        case .lognormal(let mu, let sigma):
            return mu.isFinite && ok(sigma)
        case .empirical(let values):
            return !values.isEmpty && values.allSatisfy(ok)
        case .histogram(let bins):
            var total = 0.0
            for bin in bins {
                guard ok(bin.lower), ok(bin.upper), bin.lower <= bin.upper, ok(bin.weight) else {
                    return false
                }
                total += bin.weight
            }
            return positive(total)
        }
    }

    // MARK: Sampling

    /// Draws one value.
    ///
    /// Methods (all by inversion unless stated) and draws consumed from `rng`:
    /// fixed 0; uniform, triangular, exponential, Weibull 1; lognormal 2 (one Box–Muller
    /// normal); empirical 1 (usually; Lemire's `index(below:)`); histogram 2 (bin, then
    /// position; the bin is found by a linear scan of cumulative weights — bins are few,
    /// so this beats storing a cumulative table or alias table in the enum); gamma by
    /// Marsaglia–Tsang (2000) rejection — about 3 draws per attempt, acceptance > 95% for
    /// shape ≥ 1, plus one draw for the `u^(1/shape)` boost when shape < 1.
    /// - Parameter rng: The stream to draw from.
    /// - Returns: A value ≥ 0 when `isValid`.
    /// - Complexity: O(1) expected; O(n) for a histogram of n bins. Never allocates.
    @inlinable
    public func sample(_ rng: inout RandomStream) -> Double {
        switch self {
        case .fixed(let v):
            return v
        case .uniform(let a, let b):
            return a + (b - a) * rng.uniform()
        case .triangular(let a, let c, let b):
            // Inverse cdf. When a == b, fc is NaN, the test fails and the result is b.
            let u = rng.uniform()
            let fc = (c - a) / (b - a)
            if u < fc {
                return a + (u * (b - a) * (c - a)).squareRoot()
            } else {
                return b - ((1 - u) * (b - a) * (b - c)).squareRoot()
            }
        case .exponential(let mean):
            return rng.exponential(mean: mean)
        case .gamma(let shape, let scale):
            return scale * Distribution.standardGamma(shape: shape, &rng)
        case .weibull(let shape, let scale):
            return scale * pow(-log(rng.uniform()), 1 / shape)
        case .lognormal(let mu, let sigma):
            return exp(mu + sigma * rng.standardNormal())
        case .empirical(let values):
            return values[rng.index(below: values.count)]
        case .histogram(let bins):
            return Distribution.sampleHistogram(bins, &rng)
        }
    }

    /// Draws one value from the length-biased distribution, density x·f(x)/E[X]: the stay of
    /// someone found in a service at a random moment (long stays are over-represented among
    /// those present). A uniform fraction of it is the equilibrium residual (forward
    /// recurrence) time, with P(R > t) = ∫_t^∞ P(X > u) du / E[X].
    ///
    /// Exact for every kind, by the identities (f the density, F the distribution function):
    /// - fixed v: v;
    /// - uniform on [a, b]: density ∝ x, by inversion: √(a² + u(b² − a²));
    /// - exponential (mean m): Gamma(2, m);
    /// - Gamma(k, θ): Gamma(k + 1, θ);
    /// - Weibull (k, λ): T = (X/λ)^k is Exp(1), and weighting by x = λT^(1/k) makes T
    ///   Gamma(1 + 1/k, 1), so λ·Gamma(1 + 1/k, 1)^(1/k);
    /// - lognormal (μ, σ): lognormal (μ + σ², σ) (weighting by e^y shifts a normal's mean by σ²);
    /// - empirical: a value with probability proportional to it;
    /// - histogram: a bin with probability ∝ weight × its mid-point (the bin's share of the
    ///   mean), then a point in it with density ∝ x (inversion as for uniform);
    /// - triangular: by rejection from the distribution itself, accepting x with probability
    ///   x / max (about mean / max of the draws are kept).
    /// A distribution whose mean is 0 gives 0.
    /// - Parameter rng: The stream to draw from.
    /// - Complexity: O(1) expected; O(n) for empirical and histogram (n values or bins).
    public func sampleLengthBiased(_ rng: inout RandomStream) -> Double {
        switch self {
        case .fixed(let v):
            return v
        case .uniform(let a, let b):
            return Distribution.linearDensityPoint(a, b, rng.uniform())
        case .triangular(_, _, let b):
            // Acceptance is mean / max ≥ 1/3 (the minimum is ≥ 0), so a thousand rejections in
            // a row (probability below 10⁻¹⁷⁶) can only come from arithmetic that overflowed.
            guard b > 0 else { return 0 }
            for _ in 0..<1000 {
                let x = sample(&rng)
                if rng.uniform() * b < x { return x }
            }
            return b
        case .exponential(let mean):
            return mean * Distribution.standardGamma(shape: 2, &rng)
        case .gamma(let shape, let scale):
            return scale * Distribution.standardGamma(shape: shape + 1, &rng)
        case .weibull(let shape, let scale):
            // In logarithms: with a small shape, g^(1/k) can overflow where λ·g^(1/k) does not.
            return exp(log(scale) + log(Distribution.standardGamma(shape: 1 + 1 / shape, &rng)) / shape)
        case .lognormal(let mu, let sigma):
            return exp(mu + sigma * sigma + sigma * rng.standardNormal())
        case .empirical(let values):
            var total = 0.0
            for v in values { total += v }
            guard total > 0 else { return 0 }
            let target = rng.uniform() * total
            var cumulative = 0.0
            var chosen = values[0]
            for v in values where v > 0 {
                cumulative += v
                chosen = v  // the last positive value if rounding leaves target ≥ the sum
                if target < cumulative { break }
            }
            return chosen
        case .histogram(let bins):
            var total = 0.0
            for bin in bins { total += bin.weight * (bin.lower + bin.upper) }
            guard total > 0 else { return 0 }
            let target = rng.uniform() * total
            var cumulative = 0.0
            var chosen = bins[0]
            for bin in bins where bin.weight * (bin.lower + bin.upper) > 0 {
                cumulative += bin.weight * (bin.lower + bin.upper)
                chosen = bin
                if target < cumulative { break }
            }
            return Distribution.linearDensityPoint(chosen.lower, chosen.upper, rng.uniform())
        }
    }

    /// The point of [a, b] (0 ≤ a ≤ b) below which a share `u` of a density proportional to x
    /// lies: √(a² + u(b² − a²)), computed relative to b so that squares cannot overflow.
    static func linearDensityPoint(_ a: Double, _ b: Double, _ u: Double) -> Double {
        guard b > 0 else { return 0 }
        let r = a / b
        return b * (r * r + u * (1 - r * r)).squareRoot()
    }

    /// The equilibrium (forward recurrence) distribution function at `t`:
    /// F_e(t) = ∫_0^t P(X > u) du / E[X], the share of its stationary mean that an
    /// infinite-server service started empty holds at time t, and the distribution of the
    /// remaining stay of someone found part-way through one. Exact for exponential stays
    /// (1 − e^(−t/m)); otherwise the M/G/∞ mean at unit arrival rate over the mean stay
    /// (`QueueingTheory.mgInfinityMeanOccupancy`, Simpson's rule on `survival` with 2,000
    /// steps: a point mass or a step of an empirical list costs an error of order 1/2,000 of
    /// the mean).
    /// - Returns: a value in [0, 1]; 0 for t ≤ 0, 1 when the mean is 0.
    public func equilibriumCDF(at t: Double) -> Double {
        guard t > 0 else { return 0 }
        let m = mean
        guard m > 0 else { return 1 }
        if case .exponential(let mean) = self { return -expm1(-t / mean) }
        let occupancy = QueueingTheory.mgInfinityMeanOccupancy(
            at: t, arrivalRate: { _ in 1 }, survival: survival, steps: 2000)
        return min(1, max(0, occupancy / m))
    }

    /// The time by which the equilibrium distribution function reaches `p` (bisection on
    /// `equilibriumCDF`, to a thousandth of a day or better); infinity if it does not within
    /// 10⁹.
    public func equilibriumQuantile(_ p: Double) -> Double {
        if case .exponential(let mean) = self { return -mean * log1p(-p) }
        var hi = max(mean, 1e-9)
        while equilibriumCDF(at: hi) < p {
            hi *= 2
            if hi > 1e9 { return .infinity }
        }
        var lo = 0.0
        for _ in 0..<60 where hi - lo > 1e-3 {
            let mid = 0.5 * (lo + hi)
            if equilibriumCDF(at: mid) < p { lo = mid } else { hi = mid }
        }
        return hi
    }

    /// Gamma(shape, 1) by Marsaglia & Tsang (2000), with the shape < 1 boost
    /// Gamma(a) = Gamma(a + 1) · U^(1/a).
    /// - Parameters:
    ///   - shape: The shape a (> 0).
    ///   - rng: The stream to draw from.
    /// - Complexity: O(1) expected.
    @inlinable
    static func standardGamma(shape: Double, _ rng: inout RandomStream) -> Double {
        if shape < 1 {
            let g = standardGamma(shape: shape + 1, &rng)
            return g * pow(rng.uniform(), 1 / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1.0 / (9.0 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = rng.standardNormal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = rng.uniform()
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 { return d * v }  // squeeze
            if log(u) < 0.5 * x2 + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// Picks a bin by weight (linear scan of cumulative weights), then a uniform point in it.
    /// - Parameters:
    ///   - bins: The bins; the total weight must be > 0.
    ///   - rng: The stream to draw from (two uniforms).
    /// - Complexity: O(n) in the number of bins.
    @inlinable
    static func sampleHistogram(_ bins: [HistogramBin], _ rng: inout RandomStream) -> Double {
        var total = 0.0
        for bin in bins { total += bin.weight }
        let target = rng.uniform() * total  // in (0, total): zero-weight bins never match
        var cumulative = 0.0
        var chosen = -1
        for i in bins.indices {
            let w = bins[i].weight
            cumulative += w
            if w > 0 { chosen = i }  // fallback if rounding leaves target ≥ sum
            if target < cumulative { break }
        }
        let bin = bins[chosen]
        return bin.lower + (bin.upper - bin.lower) * rng.uniform()
    }

    // MARK: Moments

    /// The mean.
    /// - Complexity: O(n) for empirical and histogram; O(1) otherwise.
    public var mean: Double {
        switch self {
        case .fixed(let v):
            return v
        case .uniform(let a, let b):
            return 0.5 * (a + b)
        case .triangular(let a, let c, let b):
            return (a + b + c) / 3
        case .exponential(let mean):
            return mean
        case .gamma(let shape, let scale):
            return shape * scale
        case .weibull(let shape, let scale):
            return scale * tgamma(1 + 1 / shape)
        case .lognormal(let mu, let sigma):
            return exp(mu + 0.5 * sigma * sigma)
        case .empirical(let values):
            var sum = 0.0
            for v in values { sum += v }
            return sum / Double(values.count)
        case .histogram(let bins):
            var total = 0.0
            var sum = 0.0
            for bin in bins {
                total += bin.weight
                sum += bin.weight * 0.5 * (bin.lower + bin.upper)
            }
            return sum / total
        }
    }

    /// The variance.
    /// - Complexity: O(n) for empirical and histogram; O(1) otherwise.
    public var variance: Double {
        switch self {
        case .fixed:
            return 0
        case .uniform(let a, let b):
            return (b - a) * (b - a) / 12
        case .triangular(let a, let c, let b):
            return (a * a + b * b + c * c - a * b - a * c - b * c) / 18
        case .exponential(let mean):
            return mean * mean
        case .gamma(let shape, let scale):
            return shape * scale * scale
        case .weibull(let shape, let scale):
            let g1 = tgamma(1 + 1 / shape)
            return scale * scale * (tgamma(1 + 2 / shape) - g1 * g1)
        case .lognormal(let mu, let sigma):
            let s2 = sigma * sigma
            return expm1(s2) * exp(2 * mu + s2)
        case .empirical(let values):
            let m = mean
            var sum = 0.0
            for v in values { sum += (v - m) * (v - m) }
            return sum / Double(values.count)
        case .histogram(let bins):
            // Law of total variance: within-bin (width²/12) plus between-bin spread.
            let m = mean
            var total = 0.0
            var sum = 0.0
            for bin in bins {
                let width = bin.upper - bin.lower
                let mid = 0.5 * (bin.lower + bin.upper)
                total += bin.weight
                sum += bin.weight * (width * width / 12 + (mid - m) * (mid - m))
            }
            return sum / total
        }
    }

    // MARK: Distribution function

    /// P(X ≤ x).
    /// - Parameter x: The point at which to evaluate.
    /// - Complexity: O(n) for empirical and histogram; O(1) otherwise (the gamma case
    ///   iterates a series or continued fraction, O(√shape) terms typically).
    public func cdf(_ x: Double) -> Double {
        switch self {
        case .fixed(let v):
            return x < v ? 0 : 1
        case .uniform(let a, let b):
            if x < a { return 0 }
            if x >= b { return 1 }
            return (x - a) / (b - a)
        case .triangular(let a, let c, let b):
            if x <= a { return a == b && x == a ? 1 : 0 }
            if x >= b { return 1 }
            if x <= c { return (x - a) * (x - a) / ((b - a) * (c - a)) }
            return 1 - (b - x) * (b - x) / ((b - a) * (b - c))
        case .exponential(let mean):
            return x <= 0 ? 0 : -expm1(-x / mean)
        case .gamma(let shape, let scale):
            return x <= 0 ? 0 : Distribution.regularizedGammaP(shape, x / scale)
        case .weibull(let shape, let scale):
            return x <= 0 ? 0 : -expm1(-pow(x / scale, shape))
        case .lognormal(let mu, let sigma):
            if x <= 0 { return 0 }
            if sigma == 0 { return log(x) < mu ? 0 : 1 }
            return 0.5 * erfc(-(log(x) - mu) / (sigma * 2.0.squareRoot()))
        case .empirical(let values):
            var n = 0
            for v in values where v <= x { n += 1 }
            return Double(n) / Double(values.count)
        case .histogram(let bins):
            var total = 0.0
            var below = 0.0
            for bin in bins {
                total += bin.weight
                below += bin.weight * Distribution.fractionBelow(x, bin)
            }
            return below / total
        }
    }

    /// P(X > x) = 1 − cdf(x), computed accurately in the tail where possible.
    ///
    /// Computed directly rather than by subtraction for every case: exp for exponential
    /// and Weibull, erfc for lognormal, the continued fraction for Q(a, x) in the gamma
    /// tail (x ≥ shape + 1), the mirrored formulas for uniform and triangular, and counts
    /// or weights above x for empirical and histogram.
    /// - Parameter x: The point at which to evaluate.
    /// - Complexity: As `cdf(_:)`.
    public func survival(_ x: Double) -> Double {
        switch self {
        case .fixed(let v):
            return x < v ? 1 : 0
        case .uniform(let a, let b):
            if x < a { return 1 }
            if x >= b { return 0 }
            return (b - x) / (b - a)
        case .triangular(let a, let c, let b):
            if x >= b { return 0 }
            if x < a { return 1 }
            if x <= c {
                if c == a { return 1 }  // only x == a == c reaches here
                return 1 - (x - a) * (x - a) / ((b - a) * (c - a))
            }
            return (b - x) * (b - x) / ((b - a) * (b - c))
        case .exponential(let mean):
            return x <= 0 ? 1 : exp(-x / mean)
        case .gamma(let shape, let scale):
            return x <= 0 ? 1 : Distribution.regularizedGammaQ(shape, x / scale)
        case .weibull(let shape, let scale):
            return x <= 0 ? 1 : exp(-pow(x / scale, shape))
        case .lognormal(let mu, let sigma):
            if x <= 0 { return 1 }
            if sigma == 0 { return log(x) < mu ? 1 : 0 }
            return 0.5 * erfc((log(x) - mu) / (sigma * 2.0.squareRoot()))
        case .empirical(let values):
            var n = 0
            for v in values where v > x { n += 1 }
            return Double(n) / Double(values.count)
        case .histogram(let bins):
            var total = 0.0
            var above = 0.0
            for bin in bins {
                total += bin.weight
                above += bin.weight * (1 - Distribution.fractionBelow(x, bin))
            }
            return above / total
        }
    }

    /// The fraction of a bin's mass at or below x (a zero-width bin is a point mass).
    static func fractionBelow(_ x: Double, _ bin: HistogramBin) -> Double {
        if x < bin.lower { return 0 }
        if x >= bin.upper { return 1 }
        return (x - bin.lower) / (bin.upper - bin.lower)
    }

    // MARK: Scaling

    /// Returns a copy with every duration multiplied by `factor` (> 0): fixed, uniform,
    /// triangular, empirical and histogram scale their values, exponential its mean,
    /// gamma and Weibull their scale, lognormal adds ln(factor) to mu. The mean scales by
    /// `factor`, the variance by `factor²`, and `cdf(x)` of the copy is `cdf(x / factor)`.
    /// - Parameter factor: The multiplier (> 0 and finite).
    /// - Complexity: O(n) for empirical and histogram (allocates the new array); O(1) otherwise.
    public func scaled(by factor: Double) -> Distribution {
        precondition(factor > 0 && factor.isFinite, "scaled(by:) needs a positive finite factor")
        switch self {
        case .fixed(let v):
            return .fixed(v * factor)
        case .uniform(let a, let b):
            return .uniform(min: a * factor, max: b * factor)
        case .triangular(let a, let c, let b):
            return .triangular(min: a * factor, mode: c * factor, max: b * factor)
        case .exponential(let mean):
            return .exponential(mean: mean * factor)
        case .gamma(let shape, let scale):
            return .gamma(shape: shape, scale: scale * factor)
        case .weibull(let shape, let scale):
            return .weibull(shape: shape, scale: scale * factor)
        case .lognormal(let mu, let sigma):
            return .lognormal(mu: mu + log(factor), sigma: sigma)
        case .empirical(let values):
            return .empirical(values: values.map { $0 * factor })
        case .histogram(let bins):
            return .histogram(
                bins: bins.map {
                    HistogramBin(lower: $0.lower * factor, upper: $0.upper * factor, weight: $0.weight)
                })
        }
    }
}

// MARK: - Special functions

extension Distribution {
    /// The common prefactor e^(−x) x^a / Γ(a) of the incomplete-gamma expansions, in logs.
    static func logGammaPrefactor(_ a: Double, _ x: Double) -> Double {
        -x + a * log(x) - SpecialFunctions.logGamma(a)
    }

    /// Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a).
    ///
    /// For x < a + 1 the power series
    /// P = e^(−x) x^a / Γ(a + 1) · Σₙ xⁿ / ((a + 1)(a + 2)…(a + n)), which converges fast
    /// there; otherwise 1 − Q(a, x) from the continued fraction.
    /// - Parameters:
    ///   - a: The shape (> 0).
    ///   - x: The point (≥ 0).
    /// - Complexity: O(√a) iterations typically, capped at 10 000.
    static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x.isInfinite { return 1 }
        if x < a + 1 { return gammaSeries(a, x) }
        return 1 - gammaContinuedFraction(a, x)
    }

    /// Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate in the upper tail.
    /// - Parameters:
    ///   - a: The shape (> 0).
    ///   - x: The point (≥ 0).
    /// - Complexity: As `regularizedGammaP`.
    static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        if x.isInfinite { return 0 }
        if x < a + 1 { return 1 - gammaSeries(a, x) }
        return gammaContinuedFraction(a, x)
    }

    /// P(a, x) by its power series (use for x < a + 1).
    static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        // Σ starts at 1/a so the prefactor is e^(−x) x^a / Γ(a) (since Γ(a + 1) = aΓ(a)).
        var term = 1 / a
        var sum = term
        var n = 1.0
        while n < 10_000 {
            term *= x / (a + n)
            sum += term
            if abs(term) < abs(sum) * 1e-16 { break }
            n += 1
        }
        return min(1, sum * exp(logGammaPrefactor(a, x)))
    }

    /// Q(a, x) by its continued fraction (use for x ≥ a + 1), evaluated with the modified
    /// Lentz method:
    /// Q = e^(−x) x^a / Γ(a) · 1 / (x + 1 − a − 1·(1 − a) / (x + 3 − a − 2·(2 − a) / (x + 5 − a − …))).
    static func gammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var f = d
        var i = 1.0
        while i < 10_000 {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            f *= delta
            if abs(delta - 1) < 1e-16 { break }
            i += 1
        }
        return max(0, min(1, f * exp(logGammaPrefactor(a, x))))
    }
}
