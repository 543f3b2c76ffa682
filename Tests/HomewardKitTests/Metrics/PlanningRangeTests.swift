import Foundation
import Testing

@testable import HomewardKit

/// The planning range (P10, median, P90 across replications) beside the interval of the mean.
@Suite struct PlanningRangeTests {
    /// Type 7 by hand: for 1...10, h = 9p, so P10 = 1 + 0.9 = 1.9, the median 5.5, P90 = 9.1.
    @Test func percentilesAreType7() {
        let range = PlanningRange(values: (1...10).reversed().map(Double.init))
        #expect(abs(range.p10 - 1.9) < 1e-12)
        #expect(range.median == 5.5)
        #expect(abs(range.p90 - 9.1) < 1e-12)
        #expect(range.count == 10)
        #expect(range.hasTails)
    }

    /// Below ten replications P10 and P90 are withheld (NaN) rather than shown; the median stays.
    @Test func fewerThanTenReplicationsGiveNoTails() {
        let range = PlanningRange(values: [3, 1, 2, .nan, 5, 4, 6, 7, 8, 9])
        #expect(range.count == 9)
        #expect(range.p10.isNaN && range.p90.isNaN)
        #expect(range.median == 5)
        #expect(!range.hasTails)
        #expect(PlanningRange(values: []).median.isNaN)
    }

    /// Against theory: for normal values P90 − P10 tends to 2·z₀.₉·σ = 2.563σ and does not shrink
    /// with more replications, while the 95% interval of the mean shrinks like 1/√n. With 4,000
    /// values the sample P90 − P10 has a standard error of about 0.035σ (asymptotic variance of a
    /// quantile, p(1 − p)/(n f(x_p)²)), so 0.15σ is over four standard errors.
    @Test func theRangeDoesNotShrinkWhileTheIntervalDoes() {
        var stream = RandomStream(seed: 2026)
        let sigma = 7.0
        let many = (0..<4000).map { _ in 100 + sigma * stream.standardNormal() }
        let few = Array(many.prefix(40))
        let theory = 2 * Statistics.normalQuantile(0.9) * sigma
        let wide = PlanningRange(values: many)
        #expect(abs((wide.p90 - wide.p10) - theory) < 0.15 * sigma, "\(wide.p90 - wide.p10) vs \(theory)")
        let ciFew = ConfidenceInterval(values: few, bounds: .nonNegative)
        let ciMany = ConfidenceInterval(values: many, bounds: .nonNegative)
        #expect(ciMany.high - ciMany.low < 0.2 * (ciFew.high - ciFew.low))
        #expect(ciMany.high - ciMany.low < (wide.p90 - wide.p10) / 10)
    }

    static func replications(_ nel: [Double]) -> [ReplicationMetrics] {
        nel.map { n in
            ReplicationMetrics(
                values: [("nelAdmissions", n), ("deaths", n / 10)], monthLabels: ["2020-01", "2020-02"],
                monthly: [("nelAdmissions", [n / 2, n / 2 + 1])])
        }
    }

    /// Every metric and monthly value carries its planning range into summary.json and the CSVs.
    @Test func summaryFilesCarryThePlanningRange() throws {
        let values = (1...20).map { Double($0 * 10) }
        let summary = Summary(Self.replications(values))
        let entry = try #require(summary["nelAdmissions"])
        #expect(entry.planning == PlanningRange(values: values))
        #expect(summary.monthly[0].planning[1] == PlanningRange(values: values.map { $0 / 2 + 1 }))
        let csv = SummaryFiles.summaryCSV(summary).split(separator: "\r\n")
        #expect(csv[0] == "metric,unit,mean,ci95_low,ci95_high,p10,median,p90,replications,description")
        let p = entry.planning
        #expect(csv[1].contains(",\(CSV.numberText(p.p10)),\(CSV.numberText(p.median)),\(CSV.numberText(p.p90)),20,"))
        let monthly = SummaryFiles.monthlyCSV(summary).split(separator: "\r\n")
        #expect(monthly[0] == "month,metric,mean,ci95_low,ci95_high,p10,p90")
        let json = summary.metricsJSON.objectValue?["nelAdmissions"]?.objectValue
        #expect(json?["p10"]?.numberValue == p.p10 && json?["median"]?.numberValue == p.median)
        #expect(json?["p90"]?.numberValue == p.p90)
        let series = summary.monthlyJSON.objectValue?["series"]?.objectValue?["nelAdmissions"]?.objectValue
        #expect(series?["p90"]?.arrayValue?.count == 2)
    }

    /// compare: the planning range of the paired differences (variant minus base, replication
    /// by replication) is in compare.csv and compare.json.
    @Test func compareGivesThePlanningRangeOfPairedDifferences() throws {
        let baseValues = (1...12).map { Double(100 + $0 * $0) }
        let variantValues = baseValues.enumerated().map { $0.element - Double($0.offset % 4) }
        let c = Comparison(
            names: ["base", "variant"], runs: [Self.replications(baseValues), Self.replications(variantValues)])
        let row = try #require(c["nelAdmissions"])
        let expected = PlanningRange(values: zip(variantValues, baseValues).map { $0 - $1 })
        #expect(row.planning(0) == expected)
        let lines = c.csv.split(separator: "\r\n")
        #expect(lines[0].contains("difference_ci95_high,difference_p10,difference_p90,significant"))
        let variants = c.json.objectValue?["metrics"]?.objectValue?["nelAdmissions"]?.objectValue?["variants"]
        let range = variants?.arrayValue?.first?.objectValue?["differenceP10P90"]?.arrayValue
        #expect(range?.map(\.numberValue) == [expected.p10, expected.p90])
    }
}
