import Foundation
import Testing

@testable import HomewardKit

/// The exact expectation of the planning range's type 7 quantile, against brute force.
@Suite struct OrderStatisticsTests {
    /// Every sample of 4 values from {0, 1, 2} with probabilities 0.5, 0.3, 0.2, enumerated with
    /// its probability, and the type 7 quantile taken by `Statistics.quantile` itself.
    @Test func typeSevenQuantileExpectationMatchesEnumeration() {
        let pmf = [0.5, 0.3, 0.2]
        let cdf = [0.5, 0.8, 1.0]
        let n = 4
        for p in [0.1, 0.25, 0.5, 0.9] {
            var expected = 0.0
            for code in 0..<81 {
                var rest = code
                var values: [Double] = []
                var probability = 1.0
                for _ in 0..<n {
                    values.append(Double(rest % 3))
                    probability *= pmf[rest % 3]
                    rest /= 3
                }
                expected += probability * Statistics.quantile(sorted: values.sorted(), p)
            }
            let exact = OrderStatistics.expectedTypeSevenQuantile(p, of: n, cdf: cdf)
            #expect(abs(exact - expected) < 1e-12, "p = \(p): \(exact), enumerated \(expected)")
        }
    }

    /// One value: its order statistic is the value itself, so the expectation is the mean.
    @Test func singleValueHasTheMean() {
        let cdf = OrderStatistics.poissonCDF(mean: 7.5)
        #expect(abs(OrderStatistics.expectedOrderStatistic(1, of: 1, cdf: cdf) - 7.5) < 1e-9)
        #expect(abs(cdf.last! - 1) < 1e-14)
    }
}
