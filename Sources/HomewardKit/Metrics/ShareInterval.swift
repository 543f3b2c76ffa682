import Foundation

/// The share of replications with some property (k of n), with its exact (Clopper-Pearson)
/// confidence interval.
///
/// Clopper and Pearson (1934, Biometrika 26:404-413) invert two one-sided binomial tests, so
/// the interval covers the true share with probability at least `level` for every true share
/// and every n: it is conservative, never liberal. That guarantee is why targets are judged on
/// it: the Wilson interval is narrower on average but covers less than its nominal level for
/// some shares near 0 or 1 (Brown, Cai and DasGupta 2001, Statistical Science 16:101-133), which
/// is where a "9 winters in 10" target sits, and a verdict must keep its error bound there.
public struct ShareInterval: Sendable, Equatable {
    /// Replications with the property.
    public var successes: Int
    /// Replications in all.
    public var count: Int
    /// Two-sided confidence level, e.g. 0.95.
    public var level: Double
    /// Lower end: 0 when there are no successes (NaN when `count` is 0).
    public var low: Double
    /// Upper end: 1 when every replication is a success (NaN when `count` is 0).
    public var high: Double

    /// The observed share, successes / count (NaN when `count` is 0).
    public var share: Double { count == 0 ? .nan : Double(successes) / Double(count) }

    /// The Clopper-Pearson interval of `successes` in `count` at two-sided `level`: the bounds
    /// are the α/2 quantile of Beta(k, n − k + 1) and the 1 − α/2 quantile of Beta(k + 1, n − k),
    /// with α = 1 − level.
    ///
    /// - Parameters:
    ///   - successes: k, from 0 to `count`.
    ///   - count: n ≥ 0.
    ///   - level: in (0, 1).
    /// - Complexity: two bisections of the regularized incomplete beta function (40 evaluations
    ///   each).
    public init(successes: Int, count: Int, level: Double) {
        precondition(successes >= 0 && successes <= count, "ShareInterval: successes must be from 0 to count")
        self.successes = successes
        self.count = count
        self.level = level
        guard count > 0, level > 0, level < 1 else {
            low = .nan
            high = .nan
            return
        }
        let alpha = 1 - level
        let k = Double(successes)
        let n = Double(count)
        low = successes == 0 ? 0 : Self.betaQuantile(alpha / 2, a: k, b: n - k + 1)
        high = successes == count ? 1 : Self.betaQuantile(1 - alpha / 2, a: k + 1, b: n - k)
    }

    /// The x with I_x(a, b) = p, by bisection on [0, 1] (the function is increasing in x),
    /// to within 1e-12: far below any share a verdict could turn on (a share moves by 1/n).
    static func betaQuantile(_ p: Double, a: Double, b: Double) -> Double {
        var lo = 0.0
        var hi = 1.0
        while hi - lo > 1e-12 {
            let mid = 0.5 * (lo + hi)
            if Statistics.regularizedIncompleteBeta(a: a, b: b, x: mid) < p { lo = mid } else { hi = mid }
        }
        return 0.5 * (lo + hi)
    }
}
