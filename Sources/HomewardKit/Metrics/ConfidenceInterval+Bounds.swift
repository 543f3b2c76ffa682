import Foundation

extension ConfidenceInterval {
    /// How the interval of a metric's mean is built, chosen by the metric's bounds.
    public enum Method: String, Sendable {
        /// mean ± t·s/√n (Student t, symmetric): for unbounded metrics and paired differences.
        case studentT = "Student t"
        /// Student t corrected for skewness by Hall's (1992) transformation, then kept inside the
        /// metric's bounds: for counts, non-negative values and proportions.
        case skewCorrected = "skewness-corrected t (Hall 1992)"

        /// The method used for a metric with `bounds`.
        public init(bounds: Metric.Bounds) {
            self = bounds == .unbounded ? .studentT : .skewCorrected
        }
    }

    /// The interval of the mean of a metric with `bounds`, by the method its bounds call for
    /// (see ``Method``); its ends never leave the bounds.
    ///
    /// Bounded metrics are skewed when their values crowd against a bound (delays that are
    /// mostly short with a few long ones, a share near 1), and a symmetric t interval then
    /// covers the mean less often than it says (about 92% instead of 95% for a compound-Poisson
    /// total of 10 replications) and can cross the bound. Hall's transformation removes the
    /// first-order effect of skewness on the studentised mean: with T = (x̄ − μ)/(s/√n),
    /// γ̂ the sample skewness and a = γ̂/(3√n), g(T) = T + aT² + a²T³/3 + γ̂/(6√n) is close to
    /// t-distributed, and g is increasing, so the interval is
    /// [x̄ − (s/√n)·g⁻¹(t), x̄ − (s/√n)·g⁻¹(−t)] with t the Student t quantile on n − 1 degrees
    /// of freedom (Hall, P. 1992, "On the removal of skewness by transformation", JRSS B
    /// 54:221-228; it refines Johnson's 1978 correction, JASA 73:536-544, whose quadratic is
    /// not monotone). Its ends are then moved into the bounds. The mean is unchanged.
    ///
    /// With fewer than ``skewCorrectionMinimum`` values the sample skewness is too unstable to
    /// correct with (its standard error is about √(6/n)), so the Student t interval is used,
    /// kept inside the bounds; with fewer than two, or identical values, the conventions of
    /// ``init(values:level:)`` hold.
    ///
    /// - Parameters:
    ///   - values: One value per replication (without NaN).
    ///   - bounds: The metric's bounds (``Metric/bounds``).
    ///   - level: Two-sided confidence level in (0, 1); default 0.95.
    /// - Complexity: O(n).
    public init(values: [Double], bounds: Metric.Bounds, level: Double = 0.95) {
        self.init(values: values, level: level)
        guard Method(bounds: bounds) == .skewCorrected else { return }
        let n = values.count
        if n >= Self.skewCorrectionMinimum, level > 0, level < 1, low < high {
            let s = Statistics.standardDeviation(values)
            let gamma = Statistics.skewness(values)
            if s > 0, gamma.isFinite, gamma != 0 {
                let se = s / Double(n).squareRoot()
                let t = Statistics.studentTQuantile(1 - (1 - level) / 2, degreesOfFreedom: Double(n - 1))
                let a = gamma / (3 * Double(n).squareRoot())
                let b = gamma / (6 * Double(n).squareRoot())
                low = mean - se * Self.inverseHall(t, a: a, b: b)
                high = mean - se * Self.inverseHall(-t, a: a, b: b)
            }
        }
        self = clamped(to: bounds)
    }

    /// The fewest values for which the skewness correction is applied: 10, as for the planning
    /// range's P10 and P90 (``PlanningRange/minimumReplications``).
    public static let skewCorrectionMinimum = 10

    /// g⁻¹(y) for Hall's g(T) = T + aT² + a²T³/3 + b = ((1 + aT)³ − 1)/(3a) + b:
    /// T = (∛(1 + 3a(y − b)) − 1)/a, with ∛(1 + e) − 1 formed as expm1(log1p(e)/3) when e > −1
    /// so that a small skewness loses no precision.
    static func inverseHall(_ y: Double, a: Double, b: Double) -> Double {
        guard a != 0 else { return y - b }
        let e = 3 * a * (y - b)
        let root = e > -1 ? expm1(log1p(e) / 3) : cbrt(1 + e) - 1
        return root / a
    }
}

extension Statistics {
    /// Sample skewness, the adjusted Fisher-Pearson coefficient
    /// G₁ = n/((n − 1)(n − 2)) · Σ(x − x̄)³ / s³ (s with denominator n − 1).
    ///
    /// - Parameter xs: The values.
    /// - Returns: G₁; NaN with fewer than three values or zero spread.
    /// - Complexity: O(n).
    public static func skewness(_ xs: [Double]) -> Double {
        let n = xs.count
        guard n >= 3 else { return .nan }
        let s = standardDeviation(xs)
        guard s > 0, s.isFinite else { return .nan }
        let m = mean(xs)
        var sum = 0.0
        for x in xs {
            let d = (x - m) / s
            sum += d * d * d
        }
        let nn = Double(n)
        return nn / ((nn - 1) * (nn - 2)) * sum
    }
}
