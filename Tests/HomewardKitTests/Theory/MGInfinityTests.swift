import Foundation
import Testing

@testable import HomewardKit

/// The acute hospital with far more beds than it ever needs is an infinite-server queue:
/// nobody waits, so occupancy is the number of patients whose stay is still running.
///
/// - Stationary M/G/∞: the mean occupancy is λ·E[S] whatever the stay distribution.
/// - Non-stationary M_t/G/∞ started empty at time 0: the mean occupancy at time t is
///   m(t) = ∫₀ᵗ λ(t − u)·P(S > u) du (`QueueingTheory.mgInfinityMeanOccupancy`), here with the
///   crisis rate following the scenario's month-of-year weights.
///
/// Statistics as in the Erlang tests: theory inside the 99% Student-t interval across
/// replications, widened by a small stated margin; and each interval must be narrow enough
/// to discriminate (stated per test).
@Suite("M/G/∞: occupancy of an acute hospital that never fills")
struct MGInfinityTests {
    static let stay = Distribution.lognormal(mean: 5, sd: 5)

    // MARK: - Stationary

    /// λ = 50 a day, S lognormal with mean 5 and sd 5 days: L = 250 beds.
    ///
    /// Measured over 400 days after a 100-day warm-up (20 mean stays; an empty start misses
    /// λ·E[(S − 100)⁺] < 10⁻³ patients at the start of the window, so the margin of 0.5% is
    /// for the finite-window edge only). The variance of a time average over T is about
    /// λ·E[S²]/T = 6.25 beds², an sd of 1% per replication, so 8 replications give a 99%
    /// interval of about ±1.2% (required: narrower than ±2.5%): a 2-3% error in the rate or
    /// the mean stay would show. Both the
    /// exact time average (`occupancyMean`) and the midnight census mean
    /// (`occupancyMidnightMean`) estimate L.
    @Test func stationaryOccupancyIsLambdaTimesMeanStay() throws {
        let lambda = 50.0
        let text = """
            { name: "mg-infinity", start: "2020-01-06", horizonDays: 400, warmupDays: 100, replications: 8, seed: 5,
              population: { bands: { "18-64": { people: 100000 } } },
              working: { simpleDischargeHours: { from: 0, to: 24, days: "all" } },
              cohorts: { all: { band: "18-64", crises: { perYear: \(lambda * 365.25) }, lengthOfStayDays: { lognormal: { mean: 5, sd: 5 } }, pathways: { "1": 1 } } },
              services: { acute: { kind: "acute", capacity: 100000 } },
              pathways: { "1": { service: null } } }
            """
        let scenario = try TheorySupport.scenario(text)
        var exact: [Double] = []
        var midnight: [Double] = []
        for rep in 0..<scenario.replications {
            let m = Runner.replicate(scenario, seed: scenario.seed, replication: rep)
            #expect(m["edWaitHours"] == 0)
            #expect(m["edWaitShare"] == 0)
            exact.append(try #require(m["services.acute.occupancyMean"]))
            midnight.append(try #require(m["services.acute.occupancyMidnightMean"]))
        }
        let theory = lambda * Self.stay.mean
        for (label, values) in [("occupancyMean", exact), ("occupancyMidnightMean", midnight)] {
            let ci = ConfidenceInterval(values: values, level: 0.99)
            print(
                "MGInfinity stationary \(label): theory \(TheorySupport.format(theory, 2)) simulated \(TheorySupport.describe(ci, 2))"
            )
            #expect(
                TheorySupport.covers(ci, theory, relativeMargin: 0.005),
                "\(label): \(theory) outside \(TheorySupport.describe(ci, 2))")
            #expect(ci.halfWidth < 0.025 * theory, "\(label): interval too wide: \(TheorySupport.describe(ci, 2))")
        }
    }

    // MARK: - A smooth yearly cycle

    /// Demand on a smooth yearly cycle (`sinusoid`), λ(t) = λ̄(1 + A·cos(ω(t + φ))) with
    /// ω = 2π/365.25, and exponential stays of mean m: after the start-up has died away the
    /// mean occupancy is exactly m(t) = λ̄m[1 + A/√(1 + (ωm)²)·cos(ω(t + φ) − atan(ωm))]
    /// (Eick, Massey & Whitt 1993: the cycle attenuated and lagging by atan(ωm)/ω days). With
    /// λ̄ = 20 a day, A = 0.5 and m = 30 days that is 600 ± 267 beds, 27.7 days behind demand.
    ///
    /// Statistics: a warm-up of 300 days (10 mean stays: the start-up deficit is e⁻¹⁰ of the
    /// level), 16 replications, each day's mean across replications with its 95% interval
    /// (`--daily`); at 12 checkpoints the closed form must lie within two half-widths of the
    /// mean plus 0.5%, and the half-width must be under 5% of m(t). Power: the cycle without
    /// its lag and attenuation (λ(t)·m) is more than 40 beds away at most checkpoints, and a
    /// peak on the wrong day or a cycle of the wrong size would move m(t) by as much.
    @Test func aSmoothYearlyCycleFollowsTheClosedForm() throws {
        let (rate, amplitude, stay) = (20.0, 0.5, 30.0)
        let text = """
            { name: "sinusoid", start: "2021-01-01", horizonDays: 365, warmupDays: 300, replications: 16, seed: 13,
              population: { bands: { "18-64": { people: 100000 } } },
              working: { simpleDischargeHours: { from: 0, to: 24, days: "all" } },
              cohorts: { all: { band: "18-64", crises: { perYear: \(rate * 365.25) }, sinusoid: { amplitude: \(amplitude), peakDay: 15 },
                                lengthOfStayDays: { exponential: { mean: \(stay) } }, pathways: { "1": 1 } } },
              services: { acute: { kind: "acute", capacity: 100000 } },
              pathways: { "1": { service: null } } }
            """
        let loaded = try ScenarioLoader.load(text: text, file: "sinusoid.json5")
        let s = loaded.scenario
        let cycle = try #require(s.cohorts[0].sinusoid)
        var options = RunOptions(replications: s.replications, seed: s.seed, threads: 2)
        options.recordDaily = true
        let summary = Summary(try Runner.run(loaded, options: options).replications)
        let band = try #require(summary.daily.first { $0.key.hasSuffix("acute") && $0.key.contains("ccupancy") })
        let omega = 2 * Double.pi / 365.25
        let phase = cycle.phase(origin: s.origin)
        var naiveFar = 0
        for d in stride(from: 15, through: 360, by: 30) {
            // Day d - 1's value is the census at the midnight that ends it: time warm-up + d.
            let t = Double(s.warmupDays + d)
            let exact =
                rate * stay
                * (1 + amplitude / (1 + omega * omega * stay * stay).squareRoot()
                    * cos(omega * (t + phase) - atan(omega * stay)))
            // The same from the integral, independently of the closed form.
            let integral = QueueingTheory.mgInfinityMeanOccupancy(
                at: t, arrivalRate: { u in u < 0 ? 0 : rate * cycle.factor(at: u, origin: s.origin) },
                survival: { exp(-$0 / stay) }, steps: 200_000)
            #expect(abs(integral - exact) < 1e-3 * exact, "day \(d): integral \(integral), closed form \(exact)")
            let (mean, half) = (band.mean[d - 1], (band.high[d - 1] - band.low[d - 1]) / 2)
            print(
                "MGInfinity sinusoid day \(d): closed form \(TheorySupport.format(exact, 1)) simulated \(TheorySupport.format(mean, 1)) ± \(TheorySupport.format(half, 1))"
            )
            #expect(abs(mean - exact) <= 2 * half + 0.005 * exact, "day \(d): m(t) \(exact), mean \(mean) ± \(half)")
            #expect(half < 0.05 * exact, "day \(d): interval too wide: ± \(half)")
            if abs(rate * cycle.factor(at: t, origin: s.origin) * stay - exact) > 40 { naiveFar += 1 }
        }
        #expect(naiveFar >= 6, "the check cannot tell m(t) from λ(t)·m")
    }

    /// `sinusoid` is read as `{ amplitude, peakDay }` within its ranges; the phase puts the
    /// peak at the start of its day (15 January from an origin of 1 January 2021: 14 days).
    @Test func theCycleIsReadAndChecked() throws {
        func issues(_ cycle: String) -> [String] {
            let withCycle = Fixtures.small.replacingOccurrences(
                of: "crises: { perThousandPerYear: 60 }", with: "crises: { perThousandPerYear: 60 }, sinusoid: \(cycle)"
            )
            do throws(ScenarioError) {
                _ = try ScenarioLoader.load(text: withCycle, file: "c.json5")
                return []
            } catch { return error.issues.map(\.message) }
        }
        #expect(issues("{ amplitude: 0.3, peakDay: 20 }").isEmpty)
        #expect(issues("{ amplitude: 1.5, peakDay: 20 }").contains { $0.hasPrefix("must be <= 1") })
        #expect(issues("{ amplitude: 0.3, peakDay: 367 }").contains { $0.contains("366") })
        #expect(issues("{ amplitude: 0.3, peak: 20 }").contains { $0.contains("unknown field") })
        #expect(issues("0.3").contains { $0.contains("must be an object") })
        let cycle = Sinusoid(amplitude: 0.5, peakDay: 15)
        #expect(cycle.phase(origin: CivilDate(year: 2021, month: 1, day: 1)) == -14)
        #expect(abs(cycle.factor(at: 14, origin: CivilDate(year: 2021, month: 1, day: 1)) - 1.5) < 1e-12)
        #expect(abs(cycle.factor(at: 14 + 365.25 / 2, origin: CivilDate(year: 2021, month: 1, day: 1)) - 0.5) < 1e-12)
    }

    // MARK: - Spread of occupancy

    /// Stationary M/G/∞ occupancy is Poisson, so its variance equals its mean λ·E[S]: 50 beds
    /// with λ = 50 a day and exponential stays of a day. `services.acute.occupancySD` is the
    /// time-weighted spread about the measured period's own mean, so its square estimates the
    /// variance less that of the period's mean: for M/M/∞ the autocovariance is
    /// λE[S]·e^(−u/E[S]), so Var(mean over T) ≈ 2·λE[S]·E[S]/T = 0.05 for T = 2,000 days, and
    /// the expected value is 49.95.
    ///
    /// Statistics: 8 replications of 2,000 days (800,000 arrivals; slow tier); the theory
    /// within the 99% t interval widened by 0.5%; the interval narrower than ±5% (it is about
    /// ±4%: a replication's variance has an sd of about 3%), so a variance off by a tenth (say
    /// a spread about the wrong mean, or of the wrong service) would show.
    static func checkOccupancyVariance() throws {
        let text = """
            { name: "mm-infinity-variance", start: "2020-01-06", horizonDays: 2000, warmupDays: 20, replications: 8, seed: 5,
              population: { bands: { "18-64": { people: 100000 } } },
              working: { simpleDischargeHours: { from: 0, to: 24, days: "all" } },
              cohorts: { all: { band: "18-64", crises: { perYear: \(50 * 365.25) }, lengthOfStayDays: { exponential: { mean: 1 } }, pathways: { "1": 1 } } },
              services: { acute: { kind: "acute", capacity: 100000 } },
              pathways: { "1": { service: null } } }
            """
        let scenario = try TheorySupport.scenario(text)
        var variance: [Double] = []
        for rep in 0..<scenario.replications {
            let m = Runner.replicate(scenario, seed: scenario.seed, replication: rep)
            let sd = try #require(m["services.acute.occupancySD"])
            variance.append(sd * sd)
        }
        let theory = 50 - 2 * 50.0 / 2000
        let ci = ConfidenceInterval(values: variance, level: 0.99)
        let shown = TheorySupport.describe(ci, 3)
        print("MGInfinity occupancy variance: theory \(TheorySupport.format(theory, 3)) simulated \(shown)")
        #expect(TheorySupport.covers(ci, theory, relativeMargin: 0.005), "\(theory) outside \(shown)")
        #expect(ci.halfWidth < 0.05 * theory, "interval too wide: \(TheorySupport.describe(ci, 3))")
    }

    // MARK: - Started from a census

    /// A stationary M/G/∞ hospital started from a census of exactly λ·E[S] patients is at its
    /// stationary mean from the first moment: the census patients still present at t number
    /// N·P(R > t) on average, R the equilibrium residual of the stay, and the arrivals since
    /// time 0 still present λ·∫₀ᵗ P(S > u) du = λ·E[S]·P(R ≤ t); with N = λ·E[S] the sum is
    /// λ·E[S] at every t. So the mean occupancy of the first 30 days is exactly 60 beds with
    /// λ = 6 a day and very variable stays (lognormal, mean 10 and sd 20 days), and a census
    /// whose remaining stays are too short (not length-biased enough) shows as a deficit.
    ///
    /// Statistics: one 30-day time average per replication (sd about 4.7 beds), 7,000
    /// replications (slow tier: about a minute in a debug build); the theory must lie in the
    /// 99% t interval widened by 0.05%, and the interval must be narrower than ±0.25% (0.15
    /// beds), so an error of 0.4% (0.24 beds) in the census's residual stays, the size of the
    /// bias the earlier 64-candidate approximation had on such stays, would show.
    static func checkCensusStart() throws {
        let text = """
            { name: "mg-infinity-census", start: "2020-01-06", horizonDays: 30, warmupDays: 0, replications: 7000, seed: 9,
              population: { bands: { "18-64": { people: 100000 } } },
              working: { simpleDischargeHours: { from: 0, to: 24, days: "all" } },
              cohorts: { all: { band: "18-64", crises: { perYear: \(6 * 365.25) }, lengthOfStayDays: { lognormal: { mean: 10, sd: 20 } }, pathways: { "1": 1 } } },
              services: { acute: { kind: "acute", capacity: 100000 } },
              pathways: { "1": { service: null } },
              census: { acute: [{ cohort: "all", patients: 60 }] } }
            """
        let scenario = try TheorySupport.scenario(text)
        var means: [Double] = []
        for rep in 0..<scenario.replications {
            let m = Runner.replicate(scenario, seed: scenario.seed, replication: rep)
            means.append(try #require(m["services.acute.occupancyMean"]))
        }
        let ci = ConfidenceInterval(values: means, level: 0.99)
        print("MGInfinity census start: theory 60 simulated \(TheorySupport.describe(ci, 3))")
        #expect(TheorySupport.covers(ci, 60, relativeMargin: 0.0005), "60 outside \(TheorySupport.describe(ci, 3))")
        #expect(ci.halfWidth < 0.15, "interval too wide: \(TheorySupport.describe(ci, 3))")
    }

    @Suite(.slowTier, .tags(.slow)) struct SlowTier {
        @Test func aCensusOfTheStationaryMeanStaysThere() throws { try MGInfinityTests.checkCensusStart() }
        @Test func occupancyVarianceIsPoisson() throws { try MGInfinityTests.checkOccupancyVariance() }
    }

    // MARK: - Time-varying rate

    /// Month-of-year weights, January first (winter high); the scenario reader normalises them
    /// to mean 1, and so does `rate(day:)` below.
    static let monthWeights: [Double] = [1.6, 1.4, 1.1, 0.9, 0.7, 0.6, 0.6, 0.6, 0.7, 0.9, 1.2, 1.5]
    static let meanRate = 60.0
    static let start = "2019-10-01"
    static let days = 200
    /// Midnights (days since the origin) at which occupancy is compared: month starts, where
    /// the rate jumps, and points in between.
    static let checkpoints = [10, 31, 45, 61, 80, 92, 110, 123, 140, 152, 170, 199]

    /// Records the acute occupancy at given midnights (after every event before the midnight;
    /// arrivals and departures fall at continuous times, so none is exactly at a midnight).
    struct MidnightOccupancy: EventSink {
        let acute: Int16
        let checkpoints: [Int]
        var next = 0
        var occupancy = 0
        var values: [Double] = []

        mutating func append(_ e: Event) {
            while next < checkpoints.count && e.time >= Double(checkpoints[next]) {
                values.append(Double(occupancy))
                next += 1
            }
            guard e.service == acute else { return }
            if e.kind == .enter { occupancy += 1 }
            if e.kind == .leave { occupancy -= 1 }
        }
    }

    /// λ on each day since the origin, from the same weights and calendar the model uses.
    static func dailyRates(origin: CivilDate, days: Int) -> [Double] {
        let mean = monthWeights.reduce(0, +) / 12
        return (0..<days).map { d in meanRate * monthWeights[origin.adding(days: d).month - 1] / mean }
    }

    /// The time-varying case: a mean rate of 60 a day shaped by month, lognormal stays (mean 5,
    /// sd 5 days), 16 replications of 200 days from empty.
    static var timeVaryingText: String {
        let weights = Self.monthWeights.map { String($0) }.joined(separator: ", ")
        return """
            { name: "mt-g-infinity", start: "\(Self.start)", horizonDays: \(Self.days), warmupDays: 0, replications: 16, seed: 9,
              population: { bands: { "18-64": { people: 100000 } } },
              working: { simpleDischargeHours: { from: 0, to: 24, days: "all" } },
              cohorts: { all: { band: "18-64", crises: { perYear: \(Self.meanRate * 365.25) }, month: [\(weights)],
                                lengthOfStayDays: { lognormal: { mean: 5, sd: 5 } }, pathways: { "1": 1 } } },
              services: { acute: { kind: "acute", capacity: 100000 } },
              pathways: { "1": { service: null } } }
            """
    }

    /// The daily mean with its 95% interval (`--daily`: `daily.csv`'s `mean`, `ci95_low` and
    /// `ci95_high`) estimates m(t) of the same time-varying case: at every checkpoint the exact
    /// m(t) lies within two half-widths of the day's mean (about 3.9 standard errors, so a
    /// correct model fails one of the 12 checkpoints with probability about 10⁻³), and the
    /// interval is narrower than ±8% of m(t), as in the test above.
    @Test func dailyMeansWithTheirIntervalsFollowMtGInfinity() throws {
        let loaded = try ScenarioLoader.load(text: Self.timeVaryingText, file: "mt-g-infinity.json5")
        var options = RunOptions(replications: 16, seed: 9, threads: 2)
        options.recordDaily = true
        let summary = Summary(try Runner.run(loaded, options: options).replications)
        let band = try #require(summary.daily.first { $0.key.hasSuffix("acute") && $0.key.contains("ccupancy") })
        let rates = Self.dailyRates(origin: loaded.scenario.origin, days: Self.days + 1)
        let lambda: (Double) -> Double = { s in rates[min(max(Int(s.rounded(.down)), 0), rates.count - 1)] }
        for k in Self.checkpoints {
            // The value of day k - 1 is the census at the midnight that ends it, time k.
            let (mean, low, high) = (band.mean[k - 1], band.low[k - 1], band.high[k - 1])
            let theory = QueueingTheory.mgInfinityMeanOccupancy(
                at: Double(k), arrivalRate: lambda, survival: { Self.stay.survival($0) }, steps: 200_000)
            let half = (high - low) / 2
            #expect(low <= mean && mean <= high)
            #expect(abs(mean - theory) <= 2 * half + 0.005 * theory, "day \(k): m(t) \(theory), mean \(mean) ± \(half)")
            #expect(half < 0.08 * theory, "day \(k): interval too wide: ± \(half)")
        }
    }

    /// 16 replications of 200 days from 1 October, starting empty (no warm-up), with a mean
    /// rate of 60 a day shaped by month and stays lognormal with mean 5 and sd 5 days.
    ///
    /// At a fixed time the occupancy of an M_t/G/∞ queue started empty is Poisson with mean
    /// m(t), so 16 replications estimate m(t) ≈ 240-490 with a 99% interval of about
    /// ±2.95·√(m/16) ≈ ±3-5%; the margin of 0.5% covers the Simpson rule (200,000 steps; the
    /// rate's jumps at month starts cost O(h·Δλ) ≈ 10⁻⁴) and nothing else. Power: the
    /// quasi-stationary guess λ(t)·E[S], which ignores the lag of stays behind arrivals, must
    /// fall outside the interval at several checkpoints (month starts and the empty start),
    /// so the comparison sees the lag structure, not just the level.
    @Test func timeVaryingOccupancyFollowsMtGInfinity() throws {
        let text = Self.timeVaryingText
        let scenario = try TheorySupport.scenario(text)
        #expect(scenario.origin == CivilDate(iso: Self.start))
        var samples = Array(repeating: [Double](), count: Self.checkpoints.count)
        for rep in 0..<scenario.replications {
            let sink = TheorySupport.run(
                scenario, seed: scenario.seed, replication: rep,
                sink: MidnightOccupancy(acute: Int16(scenario.acute), checkpoints: Self.checkpoints))
            try #require(sink.values.count == Self.checkpoints.count)
            for i in sink.values.indices { samples[i].append(sink.values[i]) }
        }
        let rates = Self.dailyRates(origin: scenario.origin, days: Self.days + 1)
        let lambda: (Double) -> Double = { s in rates[min(max(Int(s.rounded(.down)), 0), rates.count - 1)] }
        var naiveRejected = 0
        for (i, k) in Self.checkpoints.enumerated() {
            let t = Double(k)
            let theory = QueueingTheory.mgInfinityMeanOccupancy(
                at: t, arrivalRate: lambda, survival: { Self.stay.survival($0) }, steps: 200_000)
            let naive = lambda(t) * Self.stay.mean
            let ci = ConfidenceInterval(values: samples[i], level: 0.99)
            let date = scenario.origin.adding(days: k)
            print(
                "MGInfinity m(t) at \(date) (day \(k)): theory \(TheorySupport.format(theory, 1)) simulated \(TheorySupport.describe(ci, 1)); λ(t)·E[S] = \(TheorySupport.format(naive, 1))"
            )
            #expect(
                TheorySupport.covers(ci, theory, relativeMargin: 0.005),
                "day \(k): m(t) = \(theory) outside \(TheorySupport.describe(ci, 1))")
            #expect(ci.halfWidth < 0.08 * theory, "day \(k): interval too wide: \(TheorySupport.describe(ci, 1))")
            if !TheorySupport.covers(ci, naive, relativeMargin: 0.005) { naiveRejected += 1 }
        }
        #expect(naiveRejected >= 4, "the test cannot tell m(t) from λ(t)·E[S]")
    }
}
