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

    /// A census of 30 in 20 places with no arrivals and fixed 10-day stays (the exact case of
    /// `OverCapacityTests`): the service table gains the over-capacity columns, with the
    /// largest excess exactly 10 in every replication; a census of 20 in 20 places never goes
    /// over, and its table has neither column.
    @Test func theServiceTableShowsDaysOverCapacityWhenAServiceWentOver() throws {
        let text = OverCapacityTests.scenarioText(census: 30, capacity: "20", crisesPerYear: 0)
        func servicesTable(_ html: String) throws -> String {
            let start = try #require(html.range(of: "<table class=\"services\">"))
            let end = try #require(html.range(of: "</table>", range: start.upperBound..<html.endIndex))
            return String(html[start.lowerBound..<end.upperBound])
        }
        let table = try servicesTable(
            try HTMLReport.build(resultsDirectory: try HTMLReportTests.runFolder(text, daily: false)))
        #expect(table.contains("<th class=\"num\" scope=\"col\">Days over capacity</th>"))
        #expect(table.contains("Most over capacity (places)"))
        let row = try #require(table.components(separatedBy: "<tr>").first { $0.hasPrefix("<td>beds</td>") })
        #expect(row.contains("<td class=\"num\">\(HTMLReport.number(10))</td></tr>"), "\(row)")
        let within = OverCapacityTests.scenarioText(census: 20, capacity: "20", crisesPerYear: 0)
        let plain = try servicesTable(
            try HTMLReport.build(resultsDirectory: try HTMLReportTests.runFolder(within, daily: false)))
        #expect(!plain.contains("Days over capacity"))
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
