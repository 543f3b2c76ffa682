import Foundation
import HomewardCLI
import HomewardKit
import Testing

/// The registry and the fold agree: every key a run emits is registered, every registered metric
/// is emitted, keys are unique, lists read from the registry, and emitted values keep to their
/// metric's natural bounds.
@Suite struct MetricRegistryTests {
    /// The small scenario (cohorts, every service kind, four pathways) with two schemes, and a
    /// waiting list before the beds (whose metrics are emitted only for services with one).
    static let scenario: Scenario = {
        var text = Fixtures.small
        let end = text.range(of: "}", options: .backwards)!
        text.replaceSubrange(
            end,
            with: """
                  schemes: {
                    "more reablement": { start: "2021-04-01", cost: { oneOff: 5000, perYear: 120000 },
                                         effects: { capacity: { reablement: 2 } } },
                    "weekend discharge": { start: "2021-05-01", cost: { perYear: 30000 },
                                           effects: { sevenDayDischarge: true } },
                  },
                }
                """)
        var scenario = try! ScenarioLoader.load(text: text, file: "small-with-schemes.json5").scenario
        scenario.services[scenario.serviceIndex(named: "beds")!].waitingList = 1
        return scenario
    }()

    /// Two replications, with daily series.
    static let runs = (1...2).map { Runner.replicate(scenario, seed: 5, replication: $0, recordDaily: true) }

    /// Every emitted key with the collection it was emitted in.
    static var emitted: [(key: String, series: Metric.Series, values: [Double])] {
        runs.flatMap { r in
            r.values.map { ($0.key, Metric.Series.value, [$0.value]) }
                + r.monthly.map { ($0.key, .monthly, $0.values) } + r.daily.map { ($0.key, .daily, $0.values) }
        }
    }

    @Test func everyEmittedKeyIsRegisteredToExactlyOneMetric() {
        for e in Self.emitted {
            let owners = Metric.all.filter { $0.series == e.series && $0.matches(e.key) }
            #expect(owners.count == 1, "\(e.series) key \(e.key): \(owners.map(\.key))")
            #expect(Metric.lookup(e.key, in: e.series) == owners.first)
        }
    }

    @Test func everyRegisteredMetricIsEmitted() {
        let emitted = Self.emitted
        for metric in Metric.all {
            #expect(
                emitted.contains { $0.series == metric.series && metric.matches($0.key) },
                "\(metric.series) \(metric.key) is registered but never emitted")
        }
    }

    /// `Metric.lookup` finds a family by the part of a key before its first dot.
    @Test func noMetricNameHasADot() {
        for metric in Metric.all { #expect(!metric.name.contains("."), "\(metric.name)") }
        #expect(Metric.lookup("nosuchfamily.member") == nil)
        #expect(Metric.lookup("nelAdmissions.") == nil)
    }

    @Test func keysAreUnique() {
        let ids = Metric.all.map { "\($0.series) \($0.key)" }
        #expect(Set(ids).count == ids.count)
        #expect(Set(Metric.all).count == Metric.all.count)
    }

    @Test func familiesNameTheirMembers() {
        let cost = Metric.costByService
        #expect(cost.key == "costByService.<service>")
        #expect(cost.key(member: "acute") == "costByService.acute")
        #expect(cost.member(of: "costByService.acute") == "acute")
        let admissions = Metric.serviceAdmissions
        #expect(admissions.key == "services.<service>.admissions")
        #expect(admissions.matches("services.home care.admissions"))
        #expect(admissions.member(of: "services.home care.admissions") == "home care")
        #expect(!admissions.matches("services.admissions"))
        #expect(!admissions.matches("services.acute.departures"))
        #expect(!Metric.nelAdmissions.matches("nelAdmissionsPer1000PerYear"))
    }

    @Test func listsReadTheRegistry() {
        #expect(
            Metric.headline.map(\.key) == [
                "nelAdmissions", "nelAdmissionsPer1000PerYear", "admissionsAvoided", "readmissions", "edWaitHours",
                "diversions", "acuteOccupancyMean", "acuteOccupancyP95", "acuteDaysAbove92Percent", "delayedBedDays",
                "delayedBedDaysMidnight", "dtocPer100kPerMonth", "meanDelayDays", "delayedAtMonthEnd",
                "reablementAtHome91Rate", "permanentCareHomeAdmissionsPer100k65", "totalCost",
            ])
        #expect(SequentialReplications.keys == Metric.precision.map(\.key))
        #expect(Metric.all.filter(\.isBCF).count == 4)
        let lists = [Metric.headline, Metric.precision, Metric.sweepColumns, Metric.actualsMonthly]
        for metric in lists.joined() {
            #expect(Metric.all.contains(metric), "\(metric.key)")
            #expect(metric.family == nil, "\(metric.key) is a family, not one key")
        }
        #expect(Metric.precision.allSatisfy { $0.series == .value })
        #expect(Metric.actualsMonthly.allSatisfy { $0.series == .monthly })
    }

    @Test func emittedValuesKeepToTheirBounds() {
        for e in Self.emitted {
            guard let metric = Metric.lookup(e.key, in: e.series) else { continue }
            let outside = e.values.filter { !metric.bounds.contains($0) }
            #expect(outside.isEmpty, "\(e.series) \(e.key) (\(metric.bounds.rawValue)): \(outside.prefix(3))")
        }
    }

    @Test func boundsClampIntervals() {
        var ci = ConfidenceInterval(values: [0, 0, 3])
        #expect(ci.low < 0)
        ci = ci.clamped(to: .count)
        #expect(ci.low == 0)
        #expect(ci.high == ConfidenceInterval(values: [0, 0, 3]).high)
        let share = ConfidenceInterval(values: [0.9, 1, 1]).clamped(to: .proportion)
        #expect(share.high == 1)
        #expect(share.low > 0 && share.low < 0.9)
        let free = ConfidenceInterval(values: [-5, 0, 3])
        #expect(free.clamped(to: .unbounded) == free)
        #expect(Metric.Bounds.nonNegative.clamp(.nan).isNaN)
    }

    @Test func summaryIntervalsAreClamped() throws {
        // Replications whose NEL counts give a t-interval reaching below zero.
        let base = Self.runs[0]
        let runs = [0.0, 0, 3].map { n in
            ReplicationMetrics(
                values: base.values.map { ($0.key, $0.key == "nelAdmissions" ? n : $0.value) },
                monthLabels: base.monthLabels, monthly: base.monthly)
        }
        let interval = try #require(Summary(runs)["nelAdmissions"]?.interval)
        #expect(interval.low == 0)
        #expect(interval.mean == 1)
    }

    @Test func directionJudgesADifference() {
        #expect(Metric.nelAdmissions.direction.change(low: -30, high: -2) == .better)
        #expect(Metric.nelAdmissions.direction.change(low: 2, high: 30) == .worse)
        #expect(Metric.reablementAtHome91Rate.direction.change(low: 0.01, high: 0.05) == .better)
        #expect(Metric.deaths.direction.change(low: 1, high: 4) == .higher)
        #expect(Metric.nelAdmissions.direction.change(low: -3, high: 2) == .noClearChange)
        #expect(Metric.nelAdmissions.direction.change(low: .nan, high: .nan) == .noClearChange)
        #expect(Metric.change(of: "services.acute.meanWaitDays", low: -1, high: -0.5) == .better)
    }

    @Test func anUnknownTargetMetricGetsASuggestion() {
        let keys = ScenarioReader.metricKeys(Self.scenario)
        #expect(
            Metric.unknownMessage("nelAdmision", among: keys)
                == "unknown metric 'nelAdmision'; did you mean 'nelAdmissions'?")
        #expect(
            ScenarioReader.unknownMetric("nelAdmision", in: Self.scenario)
                == Metric.unknownMessage("nelAdmision", among: keys))
        #expect(ScenarioReader.unknownMetric("nelAdmissions", in: Self.scenario) == nil)
        #expect(Metric.unknownMessage("zzzzzzzzzz", among: keys) == "unknown metric 'zzzzzzzzzz' (see docs/metrics.md)")
    }

    @Test func sweepTargetWithAMisspeltMetricIsRefusedWithASuggestion() {
        let c = CLITests.Captured()
        let status = HomewardCLI.main(
            [
                "sweep", CLITests.smallPath, "--vary", "services.reablement.capacity=8..10:2", "--target",
                "nelAdmision <= 5", "--out", Fixtures.temporaryDirectory() + "/sweep", "--quiet",
            ], console: c.console)
        #expect(status == 2)
        #expect(c.err.contains("--target: unknown metric 'nelAdmision'; did you mean 'nelAdmissions'?"), "\(c.err)")
    }

    @Test func compareTableSaysBetterOrWorseAndRunTableMarksBCFInItsOwnColumn() {
        func runs(_ nel: [Double], _ rate: [Double], _ deaths: [Double]) -> [ReplicationMetrics] {
            zip(zip(nel, rate), deaths).map { pair, d in
                ReplicationMetrics(
                    values: [("nelAdmissions", pair.0), ("reablementAtHome91Rate", pair.1), ("deaths", d)],
                    monthLabels: [], monthly: [])
            }
        }
        let base = runs([100, 110, 120], [0.8, 0.7, 0.9], [5, 6, 7])
        let variant = runs([90, 100, 110], [0.7, 0.6, 0.8], [5, 8, 7])
        let c = Comparison(names: ["base", "variant"], runs: [base, variant])
        #expect(c["nelAdmissions"]?.change(0) == .better)
        #expect(c["reablementAtHome91Rate"]?.change(0) == .worse)
        #expect(c["deaths"]?.change(0) == .noClearChange)
        let table = TableRenderer(color: false).comparisonTable(c, title: "t")
        let lines = table.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("  nelAdmissions") && $0.hasSuffix("admissions  better") })
        #expect(lines.contains { $0.hasPrefix("  reablementAtHome91Rate") && $0.hasSuffix("proportion  worse") })
        #expect(!table.contains("*"))
        #expect(table.contains("(change: better or worse when the 95% CI of the difference excludes zero"))
        #expect(c.csv.split(separator: "\r\n").first?.hasSuffix(",significant,change") == true)

        let run = TableRenderer(color: false).summaryTable(Summary(base), title: "t")
        let runLines = run.split(separator: "\n")
        #expect(runLines.contains { $0.hasPrefix("  nelAdmissions") && $0.hasSuffix("admissions  BCF") })
        #expect(!run.contains("*"))
        #expect(run.contains("  measure BCF: a Better Care Fund metric."))
        #expect(run.contains("  95% CI: where the long-run mean lies; it shrinks as replications are added."))
        // Three replications: too few for a planning range, and the table says so.
        #expect(runLines.contains { $0.hasPrefix("  nelAdmissions") && $0.contains("needs 10+ reps") })
    }

    /// docs/metrics.md carries the registry's table; HOMEWARD_UPDATE_DOCS=1 rewrites it.
    @Test func docsMetricsTableIsTheRegistry() throws {
        let path = Fixtures.repositoryRoot + "/docs/metrics.md"
        func block(_ doc: String) throws -> Range<String.Index> {
            let begin = try #require(doc.range(of: "<!-- metric-registry:begin -->\n"), "no begin marker")
            let end = try #require(
                doc.range(of: "<!-- metric-registry:end -->", range: begin.upperBound..<doc.endIndex))
            return begin.upperBound..<end.lowerBound
        }
        let table = Metric.markdownTable()
        var doc = try String(contentsOfFile: path, encoding: .utf8)
        if ProcessInfo.processInfo.environment["HOMEWARD_UPDATE_DOCS"] == "1" {
            doc.replaceSubrange(try block(doc), with: table)
            try doc.write(toFile: path, atomically: true, encoding: .utf8)
        }
        #expect(
            String(doc[try block(doc)]) == table,
            "docs/metrics.md's metric table differs from the registry; rerun with HOMEWARD_UPDATE_DOCS=1")
    }
}
