import Foundation

/// Welch's method for the warm-up period: run from empty, average each day's measure over
/// replications, smooth with a moving average, and see where the curve settles.
///
/// Demand is seasonal, so "the curve becomes flat" is the wrong test. Homeward compares the run
/// from empty with a reference: the same scenario warmed up for an extra year, on the same
/// calendar days. The suggestion (documented in docs/experiments.md) is the first day from which
/// the two moving averages stay within `tolerance` (default 2%, and at least half a patient) of
/// each other, rounded up to a multiple of 10 days. It is a suggestion to confirm on the chart,
/// as Welch intended, not a substitute for looking.
public struct WarmupAnalysis: Sendable {
    public struct Series: Sendable {
        public var name: String
        /// Mean over replications of the measure at each midnight.
        public var mean: [Double]
        /// Centred moving average of `mean` (Welch), window `2 * halfWindow + 1`.
        public var smoothed: [Double]
        /// The moving average of the reference (warmed up for an extra year).
        public var reference: [Double]
        /// Suggested warm-up in days, or nil if the curve never settles.
        public var suggestedDays: Int?
    }

    public var start: CivilDate
    public var series: [Series]
    public var halfWindow: Int

    /// Runs `scenario` from empty (no warm-up) over its warm-up plus measured days, and the
    /// reference with an extra year of warm-up, over the same days.
    public static func run(
        _ scenario: Scenario, seed: UInt64, replications: Int, threads: Int, halfWindow: Int = 7,
        tolerance: Double = 0.02
    ) -> WarmupAnalysis {
        var fromEmpty = scenario
        fromEmpty.start = scenario.origin
        fromEmpty.days = scenario.warmupDays + scenario.days
        fromEmpty.warmupDays = 0
        let reference = fromEmpty.withExtraWarmup(days: 365)
        let transient = daily(fromEmpty, seed: seed, replications: replications, threads: threads)
        let steady = daily(reference, seed: seed, replications: replications, threads: threads)
        let series = zip(transient, steady).map { t, r in
            let smoothed = movingAverage(t.mean, halfWindow: halfWindow)
            let ref = movingAverage(r.mean, halfWindow: halfWindow)
            // Standard error of the difference of the two daily means (independent runs).
            let noise = zip(t.variance, r.variance).map { (($0 + $1) / Double(replications)).squareRoot() }
            return Series(
                name: t.name, mean: t.mean, smoothed: smoothed, reference: ref,
                suggestedDays: suggest(smoothed, reference: ref, noise: noise, tolerance: tolerance))
        }
        return WarmupAnalysis(start: fromEmpty.start, series: series, halfWindow: halfWindow)
    }

    /// Each measure's mean and variance over replications at each measured midnight.
    static func daily(_ s: Scenario, seed: UInt64, replications: Int, threads: Int) -> [(
        name: String, mean: [Double], variance: [Double]
    )] {
        let context = ProjectionContext(scenario: s)
        let slots = ResultSlots<(census: [[Double]], delayed: [Double])>(count: replications)
        Runner.parallelFor(count: replications, threads: threads) { rep in
            var sim = Simulation(
                scenario: s, seed: seed, replication: rep, sink: Projection(context: context, recordingDaily: true))
            sim.run()
            slots.set(rep, (sim.sink.dailyCensus, sim.sink.dailyDelayed))
        }
        let results = slots.allValues
        var measures: [(String, [[Double]])] = [("delayed patients in acute", results.map(\.delayed))]
        for (i, service) in s.services.enumerated()
        where [.acute, .homeReablement, .bedBased, .homeCare].contains(service.kind) {
            measures.append(("\(service.name) occupancy", results.map { $0.census[i] }))
        }
        return measures.map { name, perRep in
            let days = perRep.first?.count ?? 0
            let columns = (0..<days).map { d in perRep.map { $0[d] } }
            return (name, columns.map(Statistics.mean), columns.map(Statistics.sampleVariance))
        }
    }

    /// Welch's centred moving average; near the start the window shrinks symmetrically.
    public static func movingAverage(_ xs: [Double], halfWindow w: Int) -> [Double] {
        xs.indices.map { i in
            let h = min(w, i, xs.count - 1 - i)
            let window = xs[(i - h)...(i + h)]
            return window.reduce(0, +) / Double(window.count)
        }
    }

    /// The first day (a multiple of 10) from which the run from empty agrees with the reference
    /// on all but `allowedShare` (5%) of days: agreement means within `tolerance` of the
    /// reference or within two standard errors of the difference (`noise`, per day), whichever
    /// is wider. A 2-sigma band is exceeded by chance on about 5% of days, hence the allowance.
    /// nil when no such day comes before the last quarter of the run.
    public static func suggest(
        _ smoothed: [Double], reference: [Double], noise: [Double], tolerance: Double, allowedShare: Double = 0.05
    ) -> Int? {
        let n = smoothed.count
        guard reference.count == n, noise.count == n, n >= 20 else { return nil }
        let apart = (0..<n).map { d -> Bool in
            let band = max(abs(reference[d]) * tolerance, 0.5, 2 * (noise[d].isNaN ? 0 : noise[d]))
            return abs(smoothed[d] - reference[d]) > band
        }
        // Apart days from each day to the end, counted backwards.
        var after = [Int](repeating: 0, count: n + 1)
        for d in stride(from: n - 1, through: 0, by: -1) { after[d] = after[d + 1] + (apart[d] ? 1 : 0) }
        for d in stride(from: 0, through: n * 3 / 4, by: 10) where Double(after[d]) <= allowedShare * Double(n - d) {
            return d
        }
        return nil
    }

    /// The overall suggestion: the longest of the measures' suggestions.
    public var suggestedDays: Int? {
        let all = series.map(\.suggestedDays)
        if all.contains(where: { $0 == nil }) { return nil }
        return all.compactMap { $0 }.max()
    }

    /// Tidy CSV: `day,date,measure,mean,moving_average,reference_moving_average` (the date is the
    /// day that ends at the midnight counted).
    public var csv: String {
        var out = CSV.row(["day", "date", "measure", "mean", "moving_average", "reference_moving_average"])
        for s in series {
            for d in s.mean.indices {
                out += CSV.row([
                    .integer(d + 1), .text(start.adding(days: d).description), .text(s.name), CSV.number(s.mean[d]),
                    CSV.number(s.smoothed[d]),
                    CSV.number(s.reference[d]),
                ])
            }
        }
        return out
    }
}

extension Scenario {
    /// The same scenario on the same calendar with `days` more warm-up: the origin moves earlier,
    /// so every date stored as days since the origin (capacity changes, schemes, bank holidays)
    /// moves by `days` to stay on its calendar date.
    func withExtraWarmup(days: Int) -> Scenario {
        var s = self
        s.warmupDays += days
        for i in s.services.indices {
            s.services[i].capacity.changes = s.services[i].capacity.changes.map { ($0.day + days, $0.capacity) }
            // Before the old origin the capacity is the initial one (the calendar starts there).
        }
        for i in s.schemes.indices {
            s.schemes[i].startDay += days
            s.schemes[i].endDay = s.schemes[i].endDay.map { $0 + days }
        }
        s.working.bankHolidays = s.working.bankHolidays.map { $0 + days }
        return s
    }
}
