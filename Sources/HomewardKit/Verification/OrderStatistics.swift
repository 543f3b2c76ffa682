import Foundation

/// Exact expectations of sample quantiles, for the planning range's verification: the
/// planning range is Hyndman & Fan's type 7 quantile of n replications, a weighted sum of two
/// order statistics, so its expectation over all samples of n independent values with a known
/// distribution on 0, 1, 2, ... is exact.
enum OrderStatistics {
    /// E[X_(k)], the k-th smallest of n independent values with cumulative distribution `cdf`
    /// (`cdf[x]` = P(X <= x) for x = 0 ... cdf.count - 1, the rest of the mass beyond):
    /// the sum over x of P(X_(k) > x), where X_(k) <= x when at least k of the n are.
    static func expectedOrderStatistic(_ k: Int, of n: Int, cdf: [Double]) -> Double {
        precondition(k >= 1 && k <= n)
        var total = 0.0
        for f in cdf {
            // P(at least k of n at or below x) = sum over j >= k of C(n, j) F^j (1 - F)^(n - j).
            var atMost = 0.0
            var binomial = 1.0
            for j in 0...n {
                if j >= k { atMost += binomial * pow(f, Double(j)) * pow(1 - f, Double(n - j)) }
                binomial = binomial * Double(n - j) / Double(j + 1)
            }
            total += 1 - atMost
        }
        return total
    }

    /// E of the type 7 p-quantile of n values: with h = (n - 1) p and j = floor(h), the
    /// quantile is X_(j+1) + (h - j)(X_(j+2) - X_(j+1)).
    static func expectedTypeSevenQuantile(_ p: Double, of n: Int, cdf: [Double]) -> Double {
        let h = Double(n - 1) * p
        let j = Int(h.rounded(.down))
        let g = h - Double(j)
        let low = expectedOrderStatistic(j + 1, of: n, cdf: cdf)
        guard g > 0, j + 2 <= n else { return low }
        return low + g * (expectedOrderStatistic(j + 2, of: n, cdf: cdf) - low)
    }

    /// The cumulative distribution of Poisson(mean) for 0 ... until the tail is below 1e-15.
    static func poissonCDF(mean: Double) -> [Double] {
        var cdf: [Double] = []
        var pmf = exp(-mean)
        var sum = 0.0
        var x = 0
        while true {
            sum += pmf
            cdf.append(min(sum, 1))
            if Double(x) > mean && 1 - sum < 1e-15 { return cdf }
            x += 1
            pmf *= mean / Double(x)
        }
    }
}
