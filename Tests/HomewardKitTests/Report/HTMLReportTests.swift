import Foundation
import Testing

@testable import HomewardCLI
@testable import HomewardKit

/// The HTML report: one self-contained document per results folder (run, compare, sweep), with
/// escaped text, marked BCF rows and charts drawn by a small, tested SVG layer.
@Suite struct HTMLReportTests {
    // MARK: Fixtures

    /// The small scenario with names that need escaping: the scenario's name, a source note and
    /// a service name.
    static let hostileScenario = Fixtures.small
        .replacingOccurrences(
            of: #"name: "small","#,
            with: #"name: "Small <b>Trust</b> & \"Partners\"", source: "note <i>&amp;</i> 'quoted'","#
        )
        .replacingOccurrences(of: "beds: { kind", with: #""beds<&>": { kind"#)
        .replacingOccurrences(of: #"service: "beds""#, with: #"service: "beds<&>""#)

    /// Writes a run's result files with the library, as `homeward run --daily` does.
    static func runFolder(_ text: String = Fixtures.small, daily: Bool = true, replications: Int = 3) throws -> String {
        let loaded = try ScenarioLoader.load(text: text, file: "small.json5")
        var options = RunOptions(replications: replications, seed: 7, threads: 2)
        options.recordDaily = daily
        let result = try Runner.run(loaded, options: options)
        let dir = Fixtures.temporaryDirectory()
        try SummaryFiles.write(
            result.summary, manifest: result.manifest.json, to: dir,
            context: SummaryFiles.Context(scenario: loaded.scenario))
        return dir
    }

    func cli(_ args: [String]) -> (Int32, String, String) {
        let c = CLITests.Captured()
        let status = HomewardCLI.main(args, console: c.console)
        return (status, c.out, c.err)
    }

    /// Occurrences of `needle` in `haystack`.
    func count(_ needle: String, in haystack: String) -> Int { haystack.components(separatedBy: needle).count - 1 }

    /// The `<svg ...>...</svg>` elements of a page.
    func svgs(_ html: String) -> [String] {
        html.components(separatedBy: "<svg ").dropFirst().map { $0.components(separatedBy: "</svg>")[0] }
    }

    /// What every report must be: one HTML document, self-contained, printable, no scripts.
    func expectSelfContained(_ html: String) {
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(count("<html", in: html) == 1)
        #expect(count("</html>", in: html) == 1)
        #expect(count("<body", in: html) == 1)
        let lower = html.lowercased()
        #expect(!lower.contains("<script"))
        #expect(!lower.contains("http://"))
        #expect(!lower.contains("https://"))
        #expect(!lower.contains("<link"))
        #expect(!lower.contains("@import"))
        #expect(!lower.contains("<img"))
        #expect(
            lower.range(of: #"<[^>]*\son[a-z]+\s*="#, options: .regularExpression) == nil, "no event-handler attributes"
        )
        #expect(count("url(", in: lower) == count("url(#", in: lower), "only in-page references (SVG patterns)")
        #expect(html.contains("@page { size: A4"))
        #expect(html.contains("@media print"))
        #expect(html.contains("break-inside: avoid"))
        #expect(count("<svg ", in: html) == count("</svg>", in: html))
        #expect(count("<text ", in: html) == count("</text>", in: html))
        #expect(count("<table", in: html) == count("</table>", in: html))
        // Element ids are unique (inline SVGs share the page's id space).
        let ids = html.components(separatedBy: " id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(Set(ids).count == ids.count, "duplicate ids: \(ids.filter { id in ids.filter { $0 == id }.count > 1 })")
        // Every chart draws data: a line or band with at least one segment, or a bar.
        for svg in svgs(html) {
            let path = svg.range(
                of: #"<path class="data" d="M[-0-9.]+ [-0-9.]+L[-0-9.]+ [-0-9.]+"#, options: .regularExpression)
            let bar = svg.range(
                of: #"<rect class="data" x="[-0-9.]+" y="[-0-9.]+" width="[0-9.]+" height="[0-9.]+""#,
                options: .regularExpression)
            #expect(path != nil || bar != nil, "an empty chart: \(svg.prefix(200))")
            #expect(!svg.contains("NaN") && !svg.contains("inf"), "non-finite coordinates")
        }
    }

    // MARK: Run

    @Test func runReportIsOneSelfContainedDocumentWithEveryChart() throws {
        let dir = try Self.runFolder()
        let html = try HTMLReport.build(resultsDirectory: dir)
        expectSelfContained(html)
        let summary = try RunResults(try HTMLReport.load(dir + "/summary.json"), file: "summary.json")
        let downstream = summary.dailyKeys.filter { $0.hasPrefix("occupancy.") && $0 != "occupancy.acute" }
        #expect(!downstream.isEmpty)
        // NELs, delays by reason, delayed patients, the acute fan, one fan per downstream service, cost.
        #expect(svgs(html).count == 5 + downstream.count)
        for id in ["fig-nel", "fig-dtoc", "fig-delayed", "fig-fan-acute", "fig-cost"] {
            #expect(html.contains("id=\"\(id)-title\""), "missing chart \(id)")
        }
        for i in downstream.indices { #expect(html.contains("id=\"fig-fan-\(i)-title\"")) }
        // The fan-chart section: median line, 50% and 90% bands, capacity.
        #expect(html.contains("<div class=\"fan\" id=\"fan-acute\">"))
        for legend in ["Median", "50% of replications", "90%", "Capacity"] {
            #expect(html.contains(">\(legend)</text>"))
        }
        // The four BCF metrics are marked in the headline table, and nothing else is.
        #expect(count("<tr class=\"bcf\">", in: html) == 4)
        for key in [
            "nelAdmissions", "dtocPer100kPerMonth", "reablementAtHome91Rate", "permanentCareHomeAdmissionsPer100k65",
        ] {
            #expect(
                html.contains(
                    "<tr class=\"bcf\"><td>\(HTMLReport.name(of: key)) <span class=\"badge\" title=\"Better Care Fund metric\">BCF</span><span class=\"key\">\(key)</span>"
                ))
        }
        // Sections a board reads, and the STRESS-DES manifest.
        for section in [
            "glance", "headline", "demand", "delays", "occupancy", "services", "cost", "assumptions", "manifest",
        ] {
            #expect(html.contains("<section id=\"\(section)\">"), "missing section \(section)")
        }
        for field in [
            "Master seed", "Random number generator", "Stream allocation", "Replications", "Precision", "Warm-up",
            "Run length", "Homeward version", "Scenario hash", "Wall time",
        ] {
            #expect(html.contains(">\(field)</th>"), "manifest lacks \(field)")
        }
        // Waits and blocking: one row per service.
        for service in ["acute", "rapidResponse", "reablement", "beds", "careHome", "homeCare"] {
            #expect(html.contains("<tr><td>\(service)</td>"), "services table lacks \(service)")
        }
        // Months on the x axis, not day numbers.
        #expect(html.contains(">Mar</text>") && html.contains(">2021</text>"))
    }

    @Test func everyNameFromTheFilesIsEscaped() throws {
        let dir = try Self.runFolder(Self.hostileScenario)
        let html = try HTMLReport.build(resultsDirectory: dir)
        expectSelfContained(html)
        #expect(html.contains("Small &lt;b&gt;Trust&lt;/b&gt; &amp; &quot;Partners&quot;"))
        #expect(!html.contains("<b>Trust</b>"))
        #expect(html.contains("note &lt;i&gt;&amp;amp;&lt;/i&gt; &#39;quoted&#39;"))
        #expect(!html.contains("<i>&amp;</i>"))
        #expect(html.contains("beds&lt;&amp;&gt;"))
        #expect(!html.contains("beds<&>"))
        #expect(!html.contains("<title>Small <b>"))
    }

    @Test func withoutDailySeriesTheReportSaysSoAndDrawsMonthlyOccupancy() throws {
        let dir = try Self.runFolder(daily: false)
        let html = try HTMLReport.build(resultsDirectory: dir)
        expectSelfContained(html)
        #expect(html.contains("Daily occupancy was not recorded"))
        #expect(html.contains("--daily"))
        #expect(!html.contains("fig-fan-acute"))
        #expect(html.contains("id=\"fig-occ-title\""))
        #expect(svgs(html).count == 4)  // NELs, delays by reason, monthly occupancy, cost
    }

    /// From 10 replications the tiles, the headline table and the monthly charts show the
    /// planning range beside the interval of the mean, and the text says which is which;
    /// with fewer the table says why there is none and nothing pretends to be a P10 or P90.
    @Test func runReportShowsThePlanningRangeFromTenReplications() throws {
        let dir = try Self.runFolder(daily: false, replications: 10)
        let html = try HTMLReport.build(resultsDirectory: dir)
        expectSelfContained(html)
        let summary = try RunResults(try HTMLReport.load(dir + "/summary.json"), file: "summary.json")
        let nel = try #require(summary[.nelAdmissions])
        #expect(html.contains("8 years in 10: \(HTMLReport.display(nel.p10, unit: nel.unit)) to "))
        #expect(html.contains("P10 to P90 (8 years in 10)"))
        #expect(html.contains("P10 to P90: 8 years in 10"))  // the monthly chart's legend
        #expect(html.contains("Total: P10 to P90 (8 years in 10)"))  // whiskers of delays by reason
        #expect(html.contains(HTML.escape(HTMLReport.intervalLegend)))
        #expect(!html.contains("needs 10+ replications"))
        let delays = try #require(summary[.delayedBedDaysMidnight])
        #expect(html.contains("below \(HTMLReport.prose(delays.p90)) in 9 years of 10"))

        let few = try HTMLReport.build(resultsDirectory: try Self.runFolder(daily: false, replications: 3))
        #expect(few.contains("needs 10+ replications"))
        #expect(!few.contains("8 years in 10:") && !few.contains("P10 to P90: 8 years in 10"))
        #expect(few.contains("Total: 95% CI"))
        #expect(!few.contains("in 9 years of 10"))
    }

    // MARK: Compare and sweep

    @Test func compareReportHasAForestPlotAndEachScenariosTable() throws {
        let dir = Fixtures.temporaryDirectory()
        try Fixtures.small.write(toFile: dir + "/small.json5", atomically: true, encoding: .utf8)
        let variant =
            #"{ extends: "small.json5", name: "More beds & <reablement>", services: { beds: { capacity: 8 }, reablement: { capacity: 12 } } }"#
        try variant.write(toFile: dir + "/more.json5", atomically: true, encoding: .utf8)
        let out = dir + "/compare"
        let (status, _, err) = cli([
            "compare", dir + "/small.json5", dir + "/more.json5", "--replications", "3", "--threads", "2", "--out", out,
            "--quiet",
        ])
        #expect(status == 0, "\(err)")
        let html = try HTMLReport.build(resultsDirectory: out)
        expectSelfContained(html)
        #expect(html.contains("Homeward comparison"))
        #expect(html.contains("More beds &amp; &lt;reablement&gt;"))
        #expect(html.contains("id=\"fig-forest-0-title\""))
        #expect(html.contains("<table class=\"differences\">"))
        #expect(html.contains("<section id=\"scenario-0\">") && html.contains("<section id=\"scenario-1\">"))
        // Each scenario's headline table marks its BCF rows; the differences table marks them too.
        #expect(count("bcf", in: html) >= 3 * 4)
        // The forest plot has a row per plotted headline metric and a zero line.
        let forest = try #require(svgs(html).first)
        #expect(forest.contains(">Difference (95% CI)</text>"))
        #expect(forest.contains(">Non-elective admissions</text>"))
        #expect(html.contains("P10 to P90 of yearly differences"))
        #expect(html.contains(HTML.escape(HTMLReport.differenceLegend)))
    }

    @Test func schemesReportChartsEachOptionAndTabulatesEveryMeasure() throws {
        let dir = Fixtures.temporaryDirectory()
        let plan = Fixtures.small.replacingOccurrences(
            of: "name: \"small\",",
            with:
                "name: \"small\", schemes: { \"Falls <team>\": { start: '2021-03-01', cost: { perYear: 100000 }, effects: { conveyance: { older: 0.5 } } }, beds: { start: '2021-03-01', effects: { capacity: { reablement: 4 } } } },"
        )
        try plan.write(toFile: dir + "/plan.json5", atomically: true, encoding: .utf8)
        let out = dir + "/out"
        let (status, _, err) = cli([
            "schemes", dir + "/plan.json5", "--replications", "4", "--threads", "2", "--out", out, "--html",
            dir + "/schemes.html", "--quiet",
        ])
        #expect(status == 0, "\(err)")
        let html = try HTMLReport.build(resultsDirectory: out)
        #expect(
            html == (try String(contentsOfFile: dir + "/schemes.html", encoding: .utf8)),
            "--html writes the same report as 'report'")
        expectSelfContained(html)
        #expect(html.contains("Homeward scheme evaluation"))
        #expect(html.contains("Falls &lt;team&gt;"))
        // Three forest charts (NELs avoided, delayed days saved, net cost), one row per option.
        let charts = svgs(html)
        #expect(charts.count == 3)
        for chart in charts {
            #expect(chart.contains(">Option</text>") && chart.contains(">Mean (95% CI)</text>"))
            #expect(
                chart.contains(">Falls &lt;team&gt;</text>") && chart.contains(">beds</text>")
                    && chart.contains(">all schemes together</text>"))
        }
        // A table per option with every measure the evaluation writes.
        #expect(count("<table class=\"differences\">", in: html) == 3)
        for measure in SchemeEvaluation.measureNames {
            #expect(count(">\(HTML.escape(measure.label))</td>", in: html) == 3, "\(measure.label)")
        }
        // The summary counts the options whose NELs-avoided interval excludes zero, from the file.
        let json = try JSON5.parse(String(contentsOfFile: out + "/schemes.json", encoding: .utf8))
        let options = try #require(json.objectValue?["evaluation"]?.objectValue?["options"]?.arrayValue)
        let avoiding = options.filter { o in
            let ci =
                o.objectValue?["measures"]?.objectValue?["nelsAvoided"]?.objectValue?["ci95"]?.arrayValue?.compactMap(
                    \.numberValue) ?? []
            return ci.count == 2 && ci[0] > 0
        }
        #expect(html.contains("\(avoiding.count) of 3 options avoid non-elective admissions with 95% confidence"))
    }

    @Test func sweepReportMarksTheTargetAndTheRecommendedPoint() throws {
        let out = Fixtures.temporaryDirectory() + "/sweep"
        let (status, _, err) = cli([
            "sweep", CLITests.smallPath, "--vary", "services.beds.capacity=2..6:2", "--target",
            "services.beds.meanWaitDays <= 1000",
            "--confidence", "0.5", "--replications", "3", "--threads", "2", "--out", out, "--quiet",
        ])
        #expect(status == 0, "\(err)")
        let html = try HTMLReport.build(resultsDirectory: out)
        expectSelfContained(html)
        #expect(html.contains("Homeward sweep"))
        #expect(html.contains("<b>Target met.</b> Smallest setting meeting services.beds.meanWaitDays &lt;= 1,000"))
        #expect(html.contains("id=\"fig-sweep-target-title\""))
        let target = try #require(svgs(html).first)
        #expect(target.contains(">target ≤ 1,000</text>"))
        #expect(target.contains(">recommended: 2</text>"))
        #expect(target.contains(">50th percentile of replications</text>"))
        // One chart per headline metric besides the target's.
        #expect(svgs(html).count == 1 + Metric.headline.count)
        #expect(html.contains("<tr class=\"met recommended\">"))
        #expect(html.contains("Interval judged on"))
        #expect(html.contains("<b>met, recommended</b>"))

        // A sweep.json written before verdicts had three outcomes (each point's target only
        // `met` and `shareWithin`, no plan in the manifest) still gives a report: met or missed.
        let older = Fixtures.temporaryDirectory()
        let path = older + "/sweep.json"
        var top = try #require(JSON5.parse(String(contentsOfFile: out + "/sweep.json", encoding: .utf8)).objectValue)
        let points = try #require(top["points"]?.arrayValue).map { p -> JSONValue in
            guard var o = p.objectValue, let t = o["target"]?.objectValue else { return p }
            o["target"] = .object(JSONObject([("met", t["met"] ?? .null), ("shareWithin", t["shareWithin"] ?? .null)]))
            return .object(o)
        }
        top["points"] = .array(points)
        if var m = top["manifest"]?.objectValue {
            m["sequentialVerdicts"] = nil
            top["manifest"] = .object(m)
        }
        try JSONValue.object(top).jsonText(pretty: true).write(toFile: path, atomically: true, encoding: .utf8)
        let old = try HTMLReport.build(resultsDirectory: older)
        expectSelfContained(old)
        #expect(old.contains("<b>met, recommended</b>"))
        #expect(!old.contains("Interval judged on"))
    }

    @Test func sweepWithoutATargetHasNoVerdict() throws {
        let out = Fixtures.temporaryDirectory() + "/sweep"
        let (status, _, err) = cli([
            "sweep", CLITests.smallPath, "--vary", "services.beds.capacity=2..4:2", "--replications", "2", "--out", out,
            "--quiet",
        ])
        #expect(status == 0, "\(err)")
        let html = try HTMLReport.build(resultsDirectory: out)
        expectSelfContained(html)
        #expect(!html.contains("id=\"verdict\""))
        #expect(svgs(html).count == Metric.headline.count)
    }

    // MARK: Errors and the command

    @Test func aFolderWithoutResultsIsBadInputWithAClearMessage() throws {
        let empty = Fixtures.temporaryDirectory()
        let failure = try #require(throws: ReportError.self) { try HTMLReport.build(resultsDirectory: empty) }
        #expect(failure.kind == .badInput)
        #expect(failure.message.contains("holds no Homeward results"))
        #expect(failure.message.contains("summary.json"))
        let missing = try #require(throws: ReportError.self) {
            try HTMLReport.build(resultsDirectory: empty + "/nope")
        }
        #expect(missing.message.contains("no such results directory"))
        try "{ metrics: ".write(toFile: empty + "/summary.json", atomically: true, encoding: .utf8)
        let corrupt = try #require(throws: ReportError.self) { try HTMLReport.build(resultsDirectory: empty) }
        #expect(corrupt.kind == .badInput)
        #expect(corrupt.message.contains("not valid JSON"))
    }

    @Test func reportCommandWritesTheFileOrExitsTwo() throws {
        let dir = try Self.runFolder(replications: 2)
        let file = dir + "/report.html"
        let c = CLITests.Captured()
        #expect(try ReportCommand.run([dir, "--html", file], c.console) == .success)
        #expect(c.out.contains("Report written to \(file)"))
        let written = try String(contentsOfFile: file, encoding: .utf8)
        #expect(written == (try HTMLReport.build(resultsDirectory: dir)))
        #expect(throws: CommandFailure.self) { try ReportCommand.run([dir], c.console) }
        let empty = Fixtures.temporaryDirectory()
        do {
            _ = try ReportCommand.run([empty, "--html", empty + "/r.html"], c.console)
            Issue.record("expected a failure")
        } catch let failure as ReportError {
            #expect(failure.kind == .badInput)
        }
        #expect(!FileManager.default.fileExists(atPath: empty + "/r.html"))
    }

    // MARK: The chart layer

    @Test func niceTicksAreRoundAndCoverTheData() {
        #expect(ChartScale.niceStep(span: 1, ticks: 5) == 0.2)
        #expect(ChartScale.niceStep(span: 10, ticks: 4) == 2.5)
        #expect(ChartScale.niceStep(span: 634, ticks: 5) == 200)
        #expect(abs(ChartScale.niceStep(span: 0.07, ticks: 5) - 0.02) < 1e-15)
        #expect(ChartScale.niceStep(span: 9e6, ticks: 5) == 2e6)
        let nel = ChartScale.nice(low: 2367, high: 3001, ticks: 5)
        #expect(nel.low == 2200 && nel.high == 3200 && nel.step == 200)
        // A lower bound of zero stays zero (bars start at zero).
        let bars = ChartScale.nice(low: 0, high: 3956, ticks: 5)
        #expect(bars.low == 0 && bars.high == 4000 && bars.step == 1000)
        // Exact multiples are not widened by a step.
        let exact = ChartScale.nice(low: 200, high: 1000, ticks: 4)
        #expect(exact.low == 200 && exact.high == 1000 && exact.step == 200)
        // A single value is widened around itself.
        let flat = ChartScale.nice(low: 680, high: 680, ticks: 5)
        #expect(flat.low < 680 && flat.high > 680)
        let zero = ChartScale.nice(low: 0, high: 0, ticks: 5)
        #expect(zero.low < 0 && zero.high > 0)
        // Negative and positive: zero is a tick, never "-0".
        let scale = ChartScale(covering: [-0.248, 0.171], from: 0, to: 100, ticks: 5)
        #expect(scale.ticks.contains(0))
        #expect(scale.ticks.map(scale.label) == ["-0.3", "-0.2", "-0.1", "0.0", "0.1", "0.2"])
        // Non-finite values are ignored.
        let s = ChartScale(covering: [.nan, 3, .infinity, 7], from: 0, to: 1, ticks: 4)
        #expect(s.low == 3 && s.high == 7)
    }

    @Test func scalesMapAndLabel() {
        let y = ChartScale(low: 0, high: 100, step: 20, from: 300, to: 0)
        #expect(y.position(0) == 300 && y.position(50) == 150 && y.position(100) == 0)
        #expect(y.ticks == [0, 20, 40, 60, 80, 100])
        #expect(y.label(40) == "40")
        let money = ChartScale(covering: [184_300_000, 186_100_000], from: 0, to: 1, ticks: 4)
        #expect(money.ticks.map(money.label) == ["184.0m", "184.5m", "185.0m", "185.5m", "186.0m", "186.5m"])
        let small = ChartScale(covering: [0.849, 0.856], from: 0, to: 1, ticks: 5)
        #expect(small.decimals == 3)
        #expect(ChartScale.format(1_234_567.891, decimals: 2) == "1,234,567.89")
        #expect(ChartScale.format(-1234, decimals: 0) == "-1,234")
        #expect(ChartScale.format(-0.0001, decimals: 2) == "0.00")
        #expect(ChartScale.format(999.96, decimals: 1) == "1,000.0")
        let bands = BandScale(count: 4, from: 0, to: 400, padding: 0.5)
        #expect(bands.center(0) == 50 && bands.center(3) == 350 && bands.width == 50 && bands.start(1) == 125)
    }

    @Test func chartTextIsEscapedAndGapsSplitLines() {
        #expect(HTML.escape("<a href='x'>&\"") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;")
        #expect(HTML.escape("ok\u{0}") == "ok\u{FFFD}")
        var chart = SVGChart(
            id: "t", width: 400, height: 200, title: "A <title> & more",
            legend: [("x < y", .line(color: ChartPalette.blue))])
        chart.line([(0, 0), (10, 10), (.nan, 5), (20, 20), (30, 30)], color: ChartPalette.blue)
        chart.label(5, 5, "a&b")
        let svg = chart.render(summary: "<desc>")
        #expect(svg.contains("<title id=\"t-title\">A &lt;title&gt; &amp; more</title>"))
        #expect(svg.contains(">x &lt; y</text>"))
        #expect(svg.contains(">a&amp;b</text>"))
        #expect(svg.contains("&lt;desc&gt;"))
        #expect(count("stroke=\"#0072B2\" stroke-width=\"2.5\"", in: svg) == 3)  // the legend swatch and two runs
        #expect(SVGChart.segments([(0, 0), (1, .nan), (2, 2), (3, 3)]).map(\.count) == [1, 2])
        #expect(!svg.contains("NaN"))
    }

    @Test func stackedBarsAndForestDrawEveryRow() {
        let months = ["2016-04", "2016-05", "2016-06"]
        let stacked = ReportCharts.stackedMonthly(
            id: "s", title: "t", months: months,
            stacks: [
                ("A", "A assessment", [1, 2, 3], ChartPalette.fill(0)),
                ("E", "E care package", [3, 2, 1], ChartPalette.fill(5)),
            ],
            total: MonthlySeries(mean: [4, 4, 4], low: [3, 3, 3], high: [5, 5, 5]), unit: "bed days")
        #expect(count("<rect class=\"data\"", in: stacked) == 6)
        #expect(stacked.contains("<pattern id=\"s-p5-"))  // the second category is patterned, not colour alone
        #expect(stacked.contains(">Apr</text>") && stacked.contains(">2016</text>"))
        let forest = ReportCharts.forest(
            id: "f", title: "t",
            rows: [
                .init(label: "up", estimate: 5, low: 2, high: 8, significant: true, text: "+5"),
                .init(label: "flat", estimate: 0.5, low: -1, high: 2, significant: false, text: "+0.5"),
            ], axisLabel: "%")
        #expect(forest.contains("font-weight=\"700\">up</text>"))
        #expect(forest.contains(">flat</text>"))
        #expect(forest.contains("<circle"))  // the non-significant row is a hollow circle
        #expect(forest.contains(">+5</text>"))
    }
}
