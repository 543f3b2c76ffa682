import Foundation

extension VerificationSuite {
    /// The demand-variation case: the mean and the variance of each model year's admissions,
    /// of its winter's and of the rest of the year's, against the exact mixed-Poisson values.
    ///
    /// Each (replication, model year) is one independent sample: the year's level and its
    /// winter's severity come from streams of their own. The variance is checked as the mean
    /// of (N - mu)^2, whose expectation is Var(N) exactly because mu is known.
    static func demandVariationChecks(_ s: Scenario, replications: Int, threads: Int) throws -> [Check] {
        let (lambda, _) = try arrivalsAndStay(s)
        guard let variation = s.demandVariation, s.warmupDays == 0, s.start.month == 4, s.start.day == 1,
            Set(variation.winterMonths) == Set(DemandVariation.defaultWinterMonths)
        else {
            throw VerificationError.unsupported(
                "\(s.name): the case needs a demandVariation with December-February winters, no warm-up and a start on 1 April"
            )
        }
        let c2 = variation.annualLevelCV * variation.annualLevelCV
        let w2 = variation.winterSeverityCV * variation.winterSeverityCV
        let k = (1 + c2) * (1 + w2) - 1
        let months = (0..<(s.days / 28)).map { s.start.addingMonths($0) }.filter {
            $0.addingMonths(1).daysSinceEpoch - s.start.daysSinceEpoch <= s.days
        }
        let years = months.count / 12
        let winter = Set(variation.winterMonths)
        func days(_ m: CivilDate) -> Double { Double(m.addingMonths(1).daysSinceEpoch - m.daysSinceEpoch) }
        // Expected counts per model year: the rate per day times the days.
        var expectedWinter: [Double] = []
        var expectedRest: [Double] = []
        for y in 0..<years {
            let block = months[(y * 12)..<(y * 12 + 12)]
            expectedWinter.append(lambda * block.filter { winter.contains($0.month) }.reduce(0) { $0 + days($1) })
            expectedRest.append(lambda * block.filter { !winter.contains($0.month) }.reduce(0) { $0 + days($1) })
        }
        var yearCounts: [Double] = []
        var yearSquares: [Double] = []
        var winterSquares: [Double] = []
        var restSquares: [Double] = []
        for run in replicate(s, replications, threads) {
            let monthly = run.metrics.series(.monthlyNelAdmissions) ?? []
            guard monthly.count >= years * 12 else { continue }
            for y in 0..<years {
                var w = 0.0
                var r = 0.0
                for i in (y * 12)..<(y * 12 + 12) {
                    if winter.contains(months[i].month) { w += monthly[i] } else { r += monthly[i] }
                }
                yearCounts.append(w + r)
                yearSquares.append(pow(w + r - expectedWinter[y] - expectedRest[y], 2))
                winterSquares.append(pow(w - expectedWinter[y], 2))
                restSquares.append(pow(r - expectedRest[y], 2))
            }
        }
        let n = Double(years)
        let mean = zip(expectedWinter, expectedRest).reduce(0) { $0 + $1.0 + $1.1 } / n
        let varYear =
            zip(expectedWinter, expectedRest).reduce(0) { sum, e in
                let m = e.0 + e.1
                return sum + m + (1 + c2) * (m * m + e.0 * e.0 * w2) - m * m
            } / n
        let varWinter = expectedWinter.reduce(0) { $0 + $1 + $1 * $1 * k } / n
        let varRest = expectedRest.reduce(0) { $0 + $1 + $1 * $1 * c2 } / n
        return [
            check(s.name, "admissions a model year (mu)", mean, yearCounts),
            check(s.name, "variance of a year's admissions (mu + extra-Poisson)", varYear, yearSquares),
            check(s.name, "variance of a winter's admissions, Dec-Feb", varWinter, winterSquares),
            check(s.name, "variance of the rest of the year's (mu_s + mu_s^2 c^2)", varRest, restSquares),
        ]
    }
}
