/// A share of replications (how often something happened) with its Wilson score interval.
///
/// Wilson (1927, JASA 22:209-212): unlike the normal ("Wald") interval it stays inside 0..1,
/// is not empty at 0 or n successes, and keeps close to its nominal coverage for small n and
/// shares near 0 or 1 (Brown, Cai and DasGupta 2001, Statistical Science 16:101-133).
public struct ShareInterval: Sendable, Equatable {
    public var successes: Int
    public var trials: Int
    public var level: Double
    /// successes / trials (NaN with no trials).
    public var share: Double
    public var low: Double
    public var high: Double

    public init(successes: Int, trials: Int, level: Double = 0.95) {
        self.successes = successes
        self.trials = trials
        self.level = level
        guard trials > 0 else {
            share = .nan
            low = .nan
            high = .nan
            return
        }
        let n = Double(trials)
        let p = Double(successes) / n
        let z = Statistics.normalQuantile(1 - (1 - level) / 2)
        let z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        share = p
        low = successes == 0 ? 0 : max(0, centre - half)
        high = successes == trials ? 1 : min(1, centre + half)
    }
}
