import Foundation
import Testing

@testable import HomewardKit

/// Cost by payer where people read it: the terminal table, the comparison table and the HTML
/// report's cost section.
@Suite struct CostReportTests {
    /// The small scenario with block-contracted beds paid from the pool, so that every payer
    /// has a cost.
    static let text = Fixtures.small.replacingOccurrences(
        of: "beds: { kind: \"bedBased\", capacity: 4,",
        with: "beds: { kind: \"bedBased\", capacity: 4, costs: { payer: \"bcf\", perFundedPlacePerDay: 264 },")

    @Test func theHTMLReportShowsCostByPayerAndByLine() throws {
        let dir = try HTMLReportTests.runFolder(Self.text, daily: false, replications: 2)
        let html = try HTMLReport.build(resultsDirectory: dir)
        #expect(html.contains("<table class=\"cost-by-payer\"><caption>Cost by payer</caption>"))
        #expect(html.contains("<table class=\"cost-by-line\"><caption>Cost by line</caption>"))
        for payer in Payer.allCases { #expect(html.contains("<td>\(HTML.escape(payer.label))</td>"), "\(payer)") }
        #expect(html.contains("<td>Funded places (block)</td>"))
        // Beds cost 264 a funded place a day, 4 places, 120 measured days, paid from the pool.
        let summary = try RunResults(try HTMLReport.load(dir + "/summary.json"), file: "summary.json")
        let bcf = try #require(summary[.costByPayer, "bcf"])
        #expect(abs(bcf.mean - 264 * 4 * 120) < 1e-6)
    }

    @Test func theTerminalTableShowsEachPayerUnderTheTotal() throws {
        let loaded = try ScenarioLoader.load(text: Self.text, file: "small.json5")
        let result = try Runner.run(loaded, options: RunOptions(replications: 2, seed: 5, threads: 2))
        let table = TableRenderer(color: false).summaryTable(Summary(result.replications), title: "t")
        let lines = table.split(separator: "\n").map(String.init)
        let total = try #require(lines.firstIndex { $0.contains("totalCost") })
        #expect(lines[total + 1].contains("paid by nhs"))
        #expect(lines.contains { $0.contains("paid by council") })
        #expect(lines.contains { $0.contains("paid by bcf") })
    }

    @Test func theComparisonTableShowsTheDifferenceByPayer() throws {
        let base = try ScenarioLoader.load(text: Self.text, file: "small.json5")
        let more = try ScenarioLoader.load(
            text: Self.text.replacingOccurrences(of: "perFundedPlacePerDay: 264", with: "perFundedPlacePerDay: 300"),
            file: "more.json5")
        let options = RunOptions(replications: 2, seed: 5, threads: 2)
        let runs = try [base, more].map { try Runner.run($0, options: options).replications }
        let table = TableRenderer(color: false).comparisonTable(
            Comparison(names: ["base", "more"], runs: runs), title: "c")
        let row = try #require(table.split(separator: "\n").first { $0.contains("costByPayer.bcf") })
        // 36 a day more for 4 places and 120 days, in every replication.
        #expect(row.contains("+17,280"), "\(row)")
    }
}
