import Foundation

/// One replication's demand factor for each day of the run (level x winter severity), and the
/// factors themselves in the order they first apply.
struct DailyDemandFactors {
    /// The factor of day d (days since the scenario's origin), for the run and `extraDays` after it.
    let perDay: [Double]
    let factors: [(name: String, value: Double)]
    /// The largest daily factor (the thinning bound's multiplier).
    let maximum: Double

    /// Nil when `scenario` has no `demandVariation`.
    /// - Parameter days: Days to tabulate beyond the run's horizon (the simulation's calendar
    ///   margin); the factors listed are those of the run's own days.
    init?(scenario: Scenario, seed: UInt64, replication: Int, days extraDays: Int) {
        guard let variation = scenario.demandVariation else { return nil }
        let runDays = scenario.warmupDays + scenario.days
        let origin = scenario.origin
        var perDay = [Double](repeating: 1, count: runDays + max(extraDays, 0))
        var factors: [(name: String, value: Double)] = []
        var levelYear = Int.min
        var level = 1.0
        var winterYear: Int?
        var severity = 1.0
        for d in perDay.indices {
            let date = origin.adding(days: d)
            let year = DemandVariation.modelYear(of: date, start: scenario.start)
            if year != levelYear {
                levelYear = year
                level = DemandVariation.draw(
                    kind: "level", year: year, cv: variation.annualLevelCV, seed: seed, replication: replication)
                if d < runDays { factors.append((DemandVariation.levelName(year), level)) }
            }
            let winter = variation.winter(of: date)
            if let winter, winter != winterYear {
                winterYear = winter
                severity = DemandVariation.draw(
                    kind: "winter", year: winter, cv: variation.winterSeverityCV, seed: seed, replication: replication)
                if d < runDays { factors.append((DemandVariation.winterName(winter), severity)) }
            }
            perDay[d] = winter == nil ? level : level * severity
        }
        self.perDay = perDay
        self.factors = factors
        maximum = perDay.prefix(runDays).max() ?? 1
    }
}
