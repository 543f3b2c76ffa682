import Foundation

/// Demand that differs between years beyond Poisson chance: a scenario's `demandVariation`.
///
/// Each replication draws, for every model year the run touches, an **annual level** factor L
/// and, for every winter, a **winter severity** factor W. Every cohort's crisis rate is
/// multiplied by L on every day of that model year and by W on the days of that winter's
/// months (a bad flu winter hits all cohorts at once). Both factors are lognormal with mean 1
/// and the given coefficient of variation (see `DemandVariation.factor(cv:normal:)`), so a
/// scenario's average demand is unchanged while the spread across replications becomes that of
/// real years.
///
/// Model years are counted from the scenario's `start`: model year k runs from `start` plus k
/// years to the day before `start` plus k + 1 years, and the warm-up belongs to the years
/// before (k = -1, -2, ...). A year is named by the calendar year it begins in. A winter is a
/// run of consecutive `winterMonths` (December to February by default, across the turn of the
/// year) and is named by the calendar year of its first month.
public struct DemandVariation: Sendable, Equatable {
    /// Coefficient of variation of the annual level factor (0.02: years differ by about 2%).
    public var annualLevelCV: Double
    /// Coefficient of variation of the winter severity factor, applied on winter days only.
    public var winterSeverityCV: Double
    /// The calendar months (1-12) of winter, in the order given.
    public var winterMonths: [Int]

    /// December to February: the winter over which NHS England's published winter figures
    /// compare emergency admissions year on year (Scenarios/README.md, "demandVariation").
    public static let defaultWinterMonths = [12, 1, 2]

    /// The largest coefficient of variation a scenario may give (100%: a year twice or half
    /// as busy as the average is already far beyond any published English series).
    public static let maximumCV = 1.0

    public init(annualLevelCV: Double, winterSeverityCV: Double, winterMonths: [Int] = defaultWinterMonths) {
        self.annualLevelCV = annualLevelCV
        self.winterSeverityCV = winterSeverityCV
        self.winterMonths = winterMonths
    }

    /// A lognormal factor with mean 1 and coefficient of variation `cv`, from a standard normal
    /// deviate `z`: exp(sigma z - sigma^2 / 2) with sigma^2 = ln(1 + cv^2).
    ///
    /// Lognormal rather than gamma: a year's demand is the product of many multiplicative
    /// influences (weather, flu strain, local events), it is exactly 1 when `cv` is 0, it needs
    /// one normal deviate (a fixed number of draws per factor), and the product of two
    /// lognormal factors (level and winter) is lognormal again. For the variance of a count the
    /// law does not matter: any mixing law with mean 1 and CV c gives mu + mu^2 c^2.
    @inlinable
    public static func factor(cv: Double, normal z: Double) -> Double {
        guard cv > 0 else { return 1 }
        let s2 = log1p(cv * cv)
        return exp(s2.squareRoot() * z - s2 / 2)
    }

    /// The name of year `year`'s level factor as reported among sampled inputs.
    public static func levelName(_ year: Int) -> String { "demandVariation.level[\(year)]" }

    /// The name of the winter starting in calendar year `year`.
    public static func winterName(_ year: Int) -> String { "demandVariation.winterSeverity[\(year)]" }

    /// The stream a factor is drawn from: one per kind and year, so that a longer horizon or
    /// another year's factor never moves this one, and two scenarios with the same start share
    /// their years' draws (common random numbers).
    static func streamID(kind: String, year: Int) -> UInt64 { StreamID.named("demandVariation/\(kind)/\(year)") }

    /// Draws the factor of `kind` ("level" or "winter") for `year` in one replication.
    static func draw(kind: String, year: Int, cv: Double, seed: UInt64, replication: Int) -> Double {
        var rng = RandomStream(master: seed, replication: UInt64(replication), stream: streamID(kind: kind, year: year))
        return factor(cv: cv, normal: rng.standardNormal())
    }

    // MARK: - The calendar of years and winters

    /// The model year (named by the calendar year it begins in) that `date` falls in.
    static func modelYear(of date: CivilDate, start: CivilDate) -> Int {
        var k = date.year - start.year
        if (date.month, date.day) < (start.month, start.day) { k -= 1 }
        return start.year + k
    }

    /// The winter (named by the calendar year of its first month) that `date` falls in, or nil
    /// when its month is not a winter month.
    func winter(of date: CivilDate) -> Int? {
        let months = Set(winterMonths)
        guard months.contains(date.month) else { return nil }
        if months.count == 12 { return date.year }
        // Walk back to the first month of this run of winter months.
        var first = date.month
        while months.contains(first == 1 ? 12 : first - 1) { first = first == 1 ? 12 : first - 1 }
        return first > date.month ? date.year - 1 : date.year
    }

    /// Every factor one replication of `scenario` draws, in the order of the days they first
    /// apply to: each model year's level, then (within it) each winter's severity.
    ///
    /// This is what a replication's demand depends on beyond chance, so it can be reported as a
    /// sampled input (for example to rank inputs by how much of a metric's spread they explain).
    /// Empty when the scenario has no `demandVariation`.
    /// - Complexity: O(days of the run).
    public static func sampledFactors(scenario: Scenario, seed: UInt64, replication: Int) -> [(
        name: String, value: Double
    )] {
        guard let table = DailyDemandFactors(scenario: scenario, seed: seed, replication: replication, days: 0)
        else { return [] }
        return table.factors
    }
}
