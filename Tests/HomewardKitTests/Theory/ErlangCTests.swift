import Foundation
import Testing

@testable import HomewardKit

/// The acute hospital as a delay system: with no `divertAfterHours` nobody is refused and a
/// patient who finds every bed taken waits in ED for the first free bed, first come first
/// served. With Poisson arrivals and exponential stays that is the M/M/c queue, whose answers
/// are known exactly:
/// - P(wait > 0) = C(c, a), Erlang C (by PASTA, the share of arrivals that find c busy beds);
/// - mean wait W_q = C(c, a)·E[S] / (c − a);
/// - FIFO wait tail P(W_q > t) = C(c, a)·exp(−(c − a)·t / E[S]).
///
/// Statistics: R independent replications each give one estimate; theory must lie inside the
/// 99% Student-t interval across replications widened by 1% of the theoretical value on each
/// side for the start-up transient. (99%, not 95%, because the seeds are fixed and six
/// intervals are checked: at 95% a correct model would fail one about a quarter of the time
/// whenever an unrelated change reshuffles the random streams.) The run starts empty; the
/// relaxation time of M/M/c is about τ = E[S] / (c·(1 − √ρ)²), 7.5 and 9 mean stays here, so
/// even with no warm-up the start-up deficit would bias a run of T = 2,000-3,000 mean stays by
/// at most about τ/T ≈ 0.4%; the warm-up of 20 mean stays (2-3 τ) removes most of that. Power: every interval must be narrower than ±15% of the value;
/// one bed fewer multiplies W_q by 5.9 (c = 5) and 3.2 (c = 10), and a 2% error in the mean
/// stay moves W_q by 13% and 21%.
@Suite("Erlang C: ED waits of the acute hospital with an unlimited queue (M/M/c)")
struct ErlangCTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var servers: Int
        var load: Double
        var replications: Int
        var days: Int
        var testDescription: String { "c=\(servers) a=\(load)" }
    }

    // 170,000 and 260,000 arrivals.
    static let cases: [Case] = [
        Case(servers: 5, load: 3.5, replications: 16, days: 3000),
        Case(servers: 10, load: 8, replications: 16, days: 2000),
    ]

    static func scenarioText(_ c: Case) -> String {
        // E[S] = 1 day, so λ = a per day.
        """
        { name: "erlang-c", start: "2020-01-06", horizonDays: \(c.days), warmupDays: 20, replications: \(c.replications), seed: 11,
          population: { bands: { "18-64": { people: 100000 } } },
          working: { simpleDischargeHours: { from: 0, to: 24, days: "all" } },
          cohorts: { all: { band: "18-64", crises: { perYear: \(c.load * 365.25) }, lengthOfStayDays: { exponential: { mean: 1 } }, pathways: { "1": 1 } } },
          services: { acute: { kind: "acute", capacity: \(c.servers) } },
          pathways: { "1": { service: null } } }
        """
    }

    /// Counts conveyances and ED waits that start inside the measured window.
    struct FrontDoorCounter: EventSink {
        let warmup: Double
        var conveyances = 0.0
        var edWaits = 0.0
        var diversions = 0.0

        mutating func append(_ e: Event) {
            guard e.time >= warmup else { return }
            switch e.kind {
            case .conveyance: conveyances += 1
            case .edWait: edWaits += 1
            case .diversion: diversions += 1
            default: break
            }
        }
    }

    /// c = 5 in the fast suite; c = 10 (260,000 arrivals) in the slow tier (`SlowTests`).
    @Test(arguments: cases.prefix(1))
    func edWaitsMatchMMc(_ c: Case) throws { try checkWaits(c) }

    func checkWaits(_ c: Case) throws {
        let scenario = try TheorySupport.scenario(Self.scenarioText(c))
        var meanWaitHours: [Double] = []
        var waitShare: [Double] = []
        var waitShareMetric: [Double] = []
        var over4Hours: [Double] = []
        for rep in 0..<c.replications {
            let sink = TheorySupport.run(
                scenario, seed: scenario.seed, replication: rep,
                sink: Tee(
                    Projection(context: ProjectionContext(scenario: scenario)),
                    FrontDoorCounter(warmup: Double(scenario.warmupDays))))
            let m = sink.first.metrics()
            let counts = sink.second
            #expect(counts.diversions == 0, "no one is diverted without divertAfterHours")
            meanWaitHours.append(try #require(m["edWaitHours"]))
            waitShare.append(counts.edWaits / counts.conveyances)
            waitShareMetric.append(try #require(m["edWaitShare"]))
            over4Hours.append(m["edWaitsOver4Hours"]! / m["services.acute.admissions"]!)
        }
        let a = c.load
        let erlangC = QueueingTheory.erlangC(servers: c.servers, offeredLoad: a)
        let wq = QueueingTheory.mmcMeanWait(arrivalRate: a, meanService: 1, servers: c.servers) * 24
        let tail = erlangC * exp(-(Double(c.servers) - a) * (4.0 / 24.0))
        let checks: [(String, Double, ConfidenceInterval)] = [
            ("mean ED wait (hours), W_q", wq, ConfidenceInterval(values: meanWaitHours, level: 0.99)),
            ("share of NELs who wait, Erlang C", erlangC, ConfidenceInterval(values: waitShare, level: 0.99)),
            ("edWaitShare, Erlang C", erlangC, ConfidenceInterval(values: waitShareMetric, level: 0.99)),
            ("share of admissions waiting over 4 hours", tail, ConfidenceInterval(values: over4Hours, level: 0.99)),
        ]
        for (label, theory, ci) in checks {
            print(
                "ErlangC \(c.testDescription) \(label): theory \(TheorySupport.format(theory, 5)) simulated \(TheorySupport.describe(ci, 5))"
            )
            #expect(
                TheorySupport.covers(ci, theory, relativeMargin: 0.01),
                "\(label): theory \(theory) outside \(TheorySupport.describe(ci, 5))")
            #expect(
                ci.halfWidth < 0.15 * theory,
                "\(label): interval too wide to discriminate: \(TheorySupport.describe(ci, 5))")
        }
    }
}

extension ErlangCTests {
    /// c = 10 (260,000 arrivals): slow tier.
    @Suite(.slowTier, .tags(.slow)) struct SlowTier {
        @Test(arguments: ErlangCTests.cases.dropFirst(1))
        func edWaitsMatchMMcWithMoreServers(_ c: Case) throws { try ErlangCTests().checkWaits(c) }
    }
}
