import Foundation
import HomewardKit
import Testing

@testable import HomewardCLI

/// Welch's method and the warm-up suggestion rule.
@Suite struct WarmupTests {
    @Test func movingAverageIsCentredAndShrinksAtTheEnds() {
        let xs: [Double] = [0, 3, 6, 9, 12]
        #expect(WarmupAnalysis.movingAverage(xs, halfWindow: 1) == [0, 3, 6, 9, 12])  // linear: unchanged
        #expect(WarmupAnalysis.movingAverage([0, 0, 9, 0, 0], halfWindow: 1) == [0, 3, 3, 3, 0])
    }

    @Test func suggestsWhereAnApproachToTheReferenceEnds() {
        // A transient that rises to the reference (within 2%) at day 56 and agrees after. The rule
        // allows 5% of the remaining days to differ (a 2-sigma band is crossed that often by
        // chance), so from day 50 only 6 of 250 days differ: the suggestion is 50, and from day
        // 40 it would be 16 of 260 (6%), too many.
        let n = 300
        let reference = [Double](repeating: 100, count: n)
        let rising = (0..<n).map { $0 < 57 ? Double($0) * 100 / 57 : 100 }
        let noise = [Double](repeating: 0, count: n)
        #expect(WarmupAnalysis.suggest(rising, reference: reference, noise: noise, tolerance: 0.02) == 50)
        // Never joining the reference: no suggestion.
        let low = [Double](repeating: 80, count: n)
        #expect(WarmupAnalysis.suggest(low, reference: reference, noise: noise, tolerance: 0.02) == nil)
        // Wide noise absorbs small differences.
        #expect(
            WarmupAnalysis.suggest(low, reference: reference, noise: [Double](repeating: 15, count: n), tolerance: 0.02)
                == 0)
        // A few chance excursions late in the run do not prevent settling (at most 5% of days).
        var spiky = reference
        for d in stride(from: 100, to: n, by: 40) { spiky[d] = 150 }
        #expect(WarmupAnalysis.suggest(spiky, reference: reference, noise: noise, tolerance: 0.02) == 0)
    }

    @Test func theCommandWritesDailySeries() throws {
        let dir = Fixtures.temporaryDirectory()
        let c = CLITests.Captured()
        let status = HomewardCLI.main(
            ["warmup", CLITests.smallPath, "--replications", "3", "--out", dir], console: c.console)
        #expect(status == 0, "\(c.err)")
        #expect(c.out.contains("acute occupancy"))
        let csv = try String(contentsOfFile: dir + "/warmup.csv", encoding: .utf8)
        #expect(
            csv.hasPrefix(
                "day,date,measure,mean,moving_average,reference_moving_average\r\n1,2021-01-30,delayed patients in acute,"
            ))
        // One row per day (warm-up 30 + 120 measured days) per measure.
        let rows = csv.split(separator: "\r\n").count - 1
        #expect(rows % 150 == 0 && rows >= 150 * 3)
    }
}
