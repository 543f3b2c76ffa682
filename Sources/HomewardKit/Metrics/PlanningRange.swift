/// Where single replications fall: the 10th, 50th and 90th percentiles of a metric across
/// replications (the planning range).
///
/// A replication is one simulated year (or run window), so P90 reads "in 9 years of 10 the value
/// is at most this" and P10 to P90 holds 8 years in 10. Unlike the confidence interval of the
/// mean, the range does not shrink as replications are added: it estimates the spread of single
/// outcomes, and more replications only make its ends more precise.
///
/// Quantiles are Hyndman & Fan's type 7 (linear interpolation between order statistics, R's
/// default; see ``Statistics/quantile(_:_:)``). With fewer than
/// ``PlanningRange/minimumReplications`` values, P10 and P90 are NaN ("too few replications")
/// rather than an extreme value dressed up as a percentile: below 10 values, type 7's P10 lies
/// between the smallest two values and mostly reflects the minimum.
public struct PlanningRange: Sendable, Equatable {
    /// 10th percentile across replications (NaN with fewer than `minimumReplications` values).
    public var p10: Double
    /// Median across replications (NaN when there are no values).
    public var median: Double
    /// 90th percentile across replications (NaN with fewer than `minimumReplications` values).
    public var p90: Double
    /// Number of (defined) values the range was computed from.
    public var count: Int

    /// The fewest replications for which P10 and P90 are given: 10, so that each tail holds at
    /// least one whole replication beyond the percentile (type 7 puts P10 at rank 1 + 0.1·(n − 1)).
    public static let minimumReplications = 10

    /// Whether P10 and P90 are defined (enough replications).
    public var hasTails: Bool { !p10.isNaN && !p90.isNaN }

    /// The planning range of `values` (NaN values are left out, as for intervals).
    ///
    /// - Parameter values: One value per replication, in any order.
    /// - Complexity: O(n log n) for one sort.
    public init(values: [Double]) {
        let sorted = values.filter { !$0.isNaN }.sorted()
        count = sorted.count
        median = Statistics.quantile(sorted: sorted, 0.5)
        if sorted.count >= Self.minimumReplications {
            p10 = Statistics.quantile(sorted: sorted, 0.1)
            p90 = Statistics.quantile(sorted: sorted, 0.9)
        } else {
            p10 = .nan
            p90 = .nan
        }
    }

    /// A range with the given ends (for results read back from files).
    public init(p10: Double, median: Double, p90: Double, count: Int) {
        self.p10 = p10
        self.median = median
        self.p90 = p90
        self.count = count
    }
}
