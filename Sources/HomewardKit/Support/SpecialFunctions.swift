import Foundation

/// Special functions shared by the engine (distribution functions), the statistics behind
/// confidence intervals and the calibration's fits: each written once, here.
public enum SpecialFunctions {
    /// Natural logarithm of the absolute value of the gamma function, ln|Γ(x)|.
    ///
    /// Uses the C library's re-entrant `lgamma_r`, which does not write the global `signgam`
    /// and is therefore safe to call from concurrent replications. It stays within a few units
    /// in the last place everywhere, including near the zeros of ln Γ at 1 and 2, where
    /// `log(tgamma(x))` loses all relative accuracy.
    ///
    /// - Parameter x: The argument; poles (0, −1, −2, …) give +∞.
    /// - Returns: ln|Γ(x)|.
    /// - Complexity: O(1).
    public static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// u − ln(1 + u) for u > −1 (≈ u²/2 for small u), without cancellation.
    ///
    /// For |u| ≤ ½, with t = u / (2 + u), ln(1 + u) = 2 atanh t = 2(t + t³/3 + t⁵/5 + …) and
    /// u − 2t = u t, so u − ln(1 + u) = u t − 2 (t³/3 + t⁵/5 + …); |t| ≤ ⅓ there, so the series
    /// converges fast. The term count is bounded, so a NaN argument returns NaN.
    /// - Parameter u: The argument (> −1).
    /// - Complexity: O(1).
    static func uMinusLog1p(_ u: Double) -> Double {
        if abs(u) > 0.5 { return u - log1p(u) }
        let t = u / (2 + u)
        let t2 = t * t
        var power = t * t2
        var sum = 0.0
        var j = 3.0
        while j < 200 {
            let term = power / j
            sum += term
            if abs(term) <= 1e-17 * abs(sum) { break }
            power *= t2
            j += 2
        }
        return u * t - 2 * sum
    }
}
