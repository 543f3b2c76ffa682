import Foundation

/// The two coefficients of variation of a `demandVariation` block estimated from several years
/// of crisis counts (`homeward calibrate`), by the method of moments on the extra-Poisson
/// variance.
///
/// The counts are cut into **years**: 12 whole calendar months at a time from the first whole
/// month of the window (a year left incomplete at the end is not used). For each year, R is
/// its count outside the winter months; for each winter whose months are all in the window, B
/// is its count. Summing the same calendar months every year removes the seasonal profile (and
/// nearly all of the day-of-week one); a straight line fitted to R (and to B) by least squares
/// removes the trend. If a year's level factor has CV c and a winter's severity factor CV w,
/// the model gives
///
///     Var(R) = m + m^2 c^2                        (m: the fitted mean of R)
///     Var(B) = b + b^2 k,  k = (1 + c^2)(1 + w^2) - 1
///
/// so, with s^2 the residual variance about the line (divisor n - 2, unbiased for a straight
/// mean), c^2 = (s_R^2 - mean m) / mean(m^2), k = (s_B^2 - mean b) / mean(b^2) and
/// w^2 = (1 + k) / (1 + c^2) - 1, each set to 0 when negative (less variation than chance).
///
/// **Bias with few years.** s^2 has n - 2 degrees of freedom: with 5 years its relative
/// standard error is about sqrt(2 / 3) = 82%, so c^2 is known only to within a factor of about
/// two and c to about 40%; c itself (a square root) is biased low, and setting negative values
/// to 0 biases c^2 up when the true CV is small. A straight line also takes a change of trend
/// for variation (a bend counts as variation, which biases c up). Use at least 5 years, and
/// read the estimate with `standardErrors`.
public struct DemandVariationEstimate: Sendable {
    /// Whole 12-month years used, and winters wholly inside the window.
    public var years: Int
    public var winters: Int
    public var winterMonths: [Int]
    /// The estimates, or nil with `failure` saying why.
    public var annualLevelCV: Double?
    public var winterSeverityCV: Double?
    /// Approximate standard errors of c^2 and k (the delta method on s^2, whose variance is
    /// about 2 sigma^4 / (n - 2) for counts this large).
    public var standardErrors: (levelCV2: Double, winterTotalCV2: Double)?
    /// The counts: each year's count outside winter and each winter's count.
    public var restCounts: [Double]
    public var winterCounts: [Double]
    public var failure: String?

    /// The fewest years (and winters) the estimator accepts: a straight line through 3 points
    /// leaves 1 degree of freedom.
    public static let minimumYears = 3

    /// Estimates from crisis arrival times `times` (days since `origin`) in [from, to).
    /// - Complexity: O(times.count + days in the window).
    public init(
        times: [Double], origin: CivilDate, from: CivilDate, to: CivilDate,
        winterMonths: [Int] = DemandVariation.defaultWinterMonths
    ) {
        self.winterMonths = winterMonths
        // Whole calendar months in the window, with their counts.
        var first = from.day == 1 ? from : CivilDate(year: from.year, month: from.month, day: 1).addingMonths(1)
        var months: [(date: CivilDate, start: Int, end: Int)] = []
        while true {
            let next = first.addingMonths(1)
            guard next.daysSinceEpoch <= to.daysSinceEpoch else { break }
            months.append(
                (first, first.daysSinceEpoch - origin.daysSinceEpoch, next.daysSinceEpoch - origin.daysSinceEpoch))
            first = next
        }
        var counts = [Double](repeating: 0, count: months.count)
        if let lo = months.first?.start, let hi = months.last?.end {
            var monthOfDay = [Int](repeating: -1, count: hi - lo)
            for (i, m) in months.enumerated() { for d in m.start..<m.end { monthOfDay[d - lo] = i } }
            for t in times where t >= Double(lo) && t < Double(hi) {
                counts[monthOfDay[Int(t.rounded(.down)) - lo]] += 1
            }
        }
        let winter = Set(winterMonths)
        years = months.count / 12
        restCounts = (0..<years).map { y in
            (y * 12..<(y + 1) * 12).filter { !winter.contains(months[$0].date.month) }.reduce(0) { $0 + counts[$1] }
        }
        // Winters: runs of consecutive winter months, kept only when the run is whole (its
        // first month is not the window's first month, unless the month before it is not a
        // winter month, and likewise at the end).
        var runs: [[Int]] = []
        var current: [Int] = []
        for (i, m) in months.enumerated() {
            if winter.contains(m.date.month) {
                current.append(i)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        let previousMonth = from.day == 1 ? from.addingMonths(-1) : from
        winterCounts = runs.filter { run in
            let starts = months[run[0]].date
            let cutAtStart = run[0] == 0 && winter.contains(previousMonth.month) && winter.count < 12
            let cutAtEnd = run.last! == months.count - 1 && winter.contains(starts.addingMonths(run.count).month)
            return !cutAtStart && !cutAtEnd
        }.map { run in run.reduce(0) { $0 + counts[$1] } }
        winters = winterCounts.count

        guard years >= Self.minimumYears, winters >= Self.minimumYears, winter.count < 12 else {
            annualLevelCV = nil
            winterSeverityCV = nil
            standardErrors = nil
            failure =
                winter.count == 12
                ? "every month is a winter month, so winter cannot be told from the rest of the year"
                : "needs at least \(Self.minimumYears) whole years and winters of activity, got \(years) years and \(winters) winters"
            return
        }
        let rest = Self.extraPoisson(restCounts)
        let total = Self.extraPoisson(winterCounts)
        let c2 = max(rest.cv2, 0)
        let w2 = max((1 + max(total.cv2, 0)) / (1 + c2) - 1, 0)
        annualLevelCV = c2.squareRoot()
        winterSeverityCV = w2.squareRoot()
        standardErrors = (rest.se, total.se)
        failure = nil
    }

    /// (s^2 - mean m) / mean(m^2) about a least-squares line, and its approximate standard
    /// error sqrt(2 / (n - 2)) s^2 / mean(m^2).
    static func extraPoisson(_ xs: [Double]) -> (cv2: Double, se: Double) {
        let n = Double(xs.count)
        let ts = xs.indices.map(Double.init)
        let tMean = ts.reduce(0, +) / n
        let xMean = xs.reduce(0, +) / n
        let sxx = ts.reduce(0) { $0 + ($1 - tMean) * ($1 - tMean) }
        let slope = zip(ts, xs).reduce(0) { $0 + ($1.0 - tMean) * ($1.1 - xMean) } / sxx
        let fitted = ts.map { xMean + slope * ($0 - tMean) }
        let s2 = zip(xs, fitted).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / (n - 2)
        let meanFitted = fitted.reduce(0, +) / n
        let meanSquare = fitted.reduce(0) { $0 + $1 * $1 } / n
        return ((s2 - meanFitted) / meanSquare, (2 / (n - 2)).squareRoot() * s2 / meanSquare)
    }
}

extension CivilDate {
    /// The same day `n` months later (the first of the month is all this is used for).
    func addingMonths(_ n: Int) -> CivilDate {
        let index = year * 12 + (month - 1) + n
        let y = index >= 0 ? index / 12 : (index - 11) / 12
        return CivilDate(year: y, month: index - y * 12 + 1, day: day)
    }
}
