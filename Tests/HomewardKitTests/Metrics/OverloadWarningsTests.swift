import Foundation
import Testing

@testable import HomewardKit

/// Overload warnings, checked against the M/M/c queue (the acute hospital with an unlimited ED
/// queue, as in `ErlangCTests`): c = 10 beds, mean stay 1 day, offered load a = λ.
///
/// - rho = 0.8 (a = 8) is stable: the offered load is 8 < 10, the queue settles (its mean in
///   the last 4 weeks equals that in the first, so `queueGrowth` has mean 0), and the mean ED
///   wait W_q = C(10, 8)/(10 − 8) days is about 4.9 hours: no warning at the defaults.
/// - rho = 1.2 (a = 12) is unstable: the queue grows at λ − c/E[S] = 2 patients a day, so the
///   mean of the last 4 weeks exceeds that of the first by 2 x (365 − 28) = 674; the offered
///   load is 12 >= 10; and the waits run to weeks: offered load, growing queue and ED wait
///   are all flagged.
///
/// The offered load estimate (requests a day x occupied days / admissions) must cover a in
/// both cases: 99% t interval over R = 10 replications widened by 2% of a (the start-up
/// transient of the stable case, whose relaxation time is about 1.6 days against 365).
@Suite("Overload warnings: M/M/c stable and unstable, thresholds, summary.json")
struct OverloadWarningsTests {
    static func scenarioText(load: Double, warnings: String = "") -> String {
        """
        { name: "mmc", start: "2020-01-06", horizonDays: 365, warmupDays: 20, replications: 10, seed: 3,
          population: { bands: { "18-64": { people: 100000 } } },
          working: { simpleDischargeHours: { from: 0, to: 24, days: "all" } },
          cohorts: { all: { band: "18-64", crises: { perYear: \(load * 365.25) }, lengthOfStayDays: { exponential: { mean: 1 } }, pathways: { "1": 1 } } },
          services: { acute: { kind: "acute", capacity: 10 } },
          pathways: { "1": { service: null } }\(warnings) }
        """
    }

    static func summary(_ scenario: Scenario) -> Summary {
        Summary(
            (0..<scenario.replications).map { rep in
                TheorySupport.run(
                    scenario, seed: scenario.seed, replication: rep,
                    sink: Projection(context: ProjectionContext(scenario: scenario))
                ).metrics()
            })
    }

    @Test(arguments: [0.8, 1.2])
    func mmcIsFlaggedOnlyWhenUnstable(_ rho: Double) throws {
        let a = 10 * rho
        let scenario = try TheorySupport.scenario(Self.scenarioText(load: a))
        let summary = Self.summary(scenario)
        let load = try #require(summary[Metric.serviceOfferedLoad.key(member: "acute")])
        let ci = ConfidenceInterval(values: load.values, level: 0.99)
        print("OverloadWarnings rho=\(rho) offered load: theory \(a) simulated \(TheorySupport.describe(ci))")
        #expect(TheorySupport.covers(ci, a, relativeMargin: 0.02), "offered load \(TheorySupport.describe(ci))")
        let warnings = OverloadWarning.of(summary, thresholds: scenario.warnings, acute: "acute")
        if rho < 1 {
            #expect(warnings.isEmpty, "\(warnings.map(\.message))")
        } else {
            #expect(warnings.map(\.kind) == [.offeredLoad, .growingQueue, .edWait])
            #expect(warnings.first?.service == "acute")
            #expect(abs((warnings.first?.threshold ?? 0) - 10) < 1e-9)
            let growth = try #require(summary[Metric.serviceQueueGrowth.key(member: "acute")])
            let g = ConfidenceInterval(values: growth.values, level: 0.99)
            let theory = 2.0 * Double(scenario.days - 28)
            print("OverloadWarnings rho=\(rho) queue growth: theory \(theory) simulated \(TheorySupport.describe(g))")
            #expect(TheorySupport.covers(g, theory, relativeMargin: 0.05), "queue growth \(TheorySupport.describe(g))")
        }
    }

    /// Values a merged or edited shard may carry (1e308, infinities) are shown, never a crash
    /// (`merge` crashed converting 1e308 to a whole number before).
    @Test func hugeAndInfiniteValuesAreFormatted() {
        #expect(OverloadWarning.format(2.54) == "2.5")
        #expect(OverloadWarning.format(674.4) == "674")
        #expect(OverloadWarning.format(-3) == "-3")
        #expect(OverloadWarning.format(1e308) == "1e+308")
        #expect(OverloadWarning.format(-1e300) == "-1e+300")
        #expect(OverloadWarning.format(.infinity) == "inf")
        #expect(OverloadWarning.format(.nan) == "nan")
    }

    @Test func thresholdsAreSetInTheScenario() throws {
        let scenario = try TheorySupport.scenario(
            Self.scenarioText(load: 8, warnings: ", warnings: { edWaitHours: 1, offeredLoad: 0.7 }"))
        #expect(scenario.warnings.edWaitHours == 1)
        #expect(scenario.warnings.offeredLoadShare == 0.7)
        #expect(scenario.warnings.delayDays == WarningThresholds().delayDays)
        let warnings = OverloadWarning.of(Self.summary(scenario), thresholds: scenario.warnings, acute: "acute")
        #expect(warnings.map(\.kind) == [.offeredLoad, .edWait])
        #expect(warnings.last?.threshold == 1)
    }

    @Test func aBadThresholdIsAnError() {
        #expect {
            try TheorySupport.scenario(
                Self.scenarioText(load: 8, warnings: ", warnings: { edWaitHours: -1, growth: 3 }"))
        } throws: { error in
            let text = String(describing: error)
            return text.contains("test.json5: warnings.edWaitHours:") && text.contains("warnings.growth: unknown field")
        }
    }

    /// Replications made by hand, so that each rule is checked at its threshold exactly.
    static func replication(_ values: [(String, Double)]) -> ReplicationMetrics {
        ReplicationMetrics(values: values, monthLabels: [], monthly: [])
    }

    @Test func waitsAndDelaysAreJudgedAgainstTheirThresholds() throws {
        let values: [(String, Double)] = [
            ("edWaitHours", 12), ("meanDelayDays", 21.5), ("services.acute.meanWaitDays", 40),
            ("services.beds.capacityMean", 20), ("services.beds.offeredLoad", 19.9),
            ("services.beds.meanWaitDays", 28.1), ("services.beds.queueGrowth", 10),
        ]
        // Two identical replications: the queue growth's interval has zero width above 0.
        let summary = Summary([Self.replication(values), Self.replication(values)])
        let warnings = OverloadWarning.of(summary, acute: "acute")
        #expect(warnings.map(\.kind) == [.growingQueue, .serviceWait, .delay])
        #expect(warnings.map(\.service) == ["beds", "beds", nil])
        // Without the acute hospital's name its wait is judged as a service's too.
        #expect(OverloadWarning.of(summary).map(\.service) == ["acute", "beds", "beds", nil])
        // A growth whose interval reaches 0 is chance, whatever its mean.
        let noisy = Summary(
            [-20.0, 50].map { g in
                Self.replication([("services.beds.queueGrowth", g)])
            })
        #expect(OverloadWarning.of(noisy).isEmpty)
    }

    @Test func summaryJSONListsTheWarnings() throws {
        let scenario = try TheorySupport.scenario(Self.scenarioText(load: 12))
        let summary = Self.summary(scenario)
        let text = SummaryFiles.summaryJSON(
            summary, manifest: .object(JSONObject()), context: SummaryFiles.Context(scenario: scenario))
        let json = try JSON5.parse(text)
        let list = try #require(json.objectValue?["warnings"]?.arrayValue)
        let kinds = list.compactMap { $0.objectValue?["kind"]?.stringValue }
        #expect(kinds == ["offeredLoad", "growingQueue", "edWait"])
        let first = try #require(list.first?.objectValue)
        #expect(first["service"]?.stringValue == "acute")
        #expect(abs((first["threshold"]?.numberValue ?? 0) - 10) < 1e-9)
        #expect((first["value"]?.numberValue ?? 0) > 10)
    }

    @Test func theHTMLReportCallsOutTheWarnings() throws {
        for (load, flagged) in [(12.0, true), (8.0, false)] {
            let scenario = try TheorySupport.scenario(Self.scenarioText(load: load))
            let text = SummaryFiles.summaryJSON(
                Self.summary(scenario), manifest: .object(JSONObject()),
                context: SummaryFiles.Context(scenario: scenario))
            let html = HTMLReport.runReport(try RunResults(try JSON5.parse(text), file: "s.json"), source: "s")
            #expect(html.contains("Overload warnings.") == flagged)
            #expect(html.contains("acute: offered load") == flagged)
        }
    }

    @Test func partialResultsCarryTheThresholds() throws {
        var partial = PartialResult(
            scenarioName: "x", scenarioFile: "x.json5", scenarioHash: "0", seed: 1, totalReplications: 1,
            replications: [], start: CivilDate(iso: "2020-01-01")!, horizonDays: 10, warmupDays: 0)
        partial.warnings = WarningThresholds(edWaitHours: 3)
        partial.acute = "hospital"
        let read = try PartialResult(json: partial.json, file: "p.json")
        #expect(read.warnings == partial.warnings)
        #expect(read.acute == "hospital")
    }
}
