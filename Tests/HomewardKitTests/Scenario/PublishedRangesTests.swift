import Foundation
import HomewardKit
import Testing

/// The shipped scenarios against the published record: the ranges of the four BCF measures in
/// Scenarios/README.md ("The shipped scenarios against the published record"), read from that
/// table, so that the table and the checks cannot disagree.
@Suite struct PublishedRangesTests {
    static let folder = Fixtures.repositoryRoot + "/Scenarios"

    /// One row of the table: a scenario file and, for each measure, its accepted range.
    struct Row: CustomStringConvertible {
        var file: String
        var ranges: [(metric: String, range: ClosedRange<Double>)]
        var description: String { file }
    }

    /// The table between `<!-- published-ranges:begin -->` and `<!-- published-ranges:end -->`.
    static func table() throws -> [Row] {
        let text = try String(contentsOfFile: folder + "/README.md", encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        guard let begin = lines.firstIndex(of: "<!-- published-ranges:begin -->"),
            let end = lines.firstIndex(of: "<!-- published-ranges:end -->"), end > begin + 2
        else { throw RangeTableError("Scenarios/README.md: no published-ranges table") }
        func cells(_ line: String) -> [String] {
            line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "`")) }
        }
        let metrics = Array(cells(lines[begin + 1]).dropFirst())
        return try lines[(begin + 3)..<end].map { line in
            let c = cells(line)
            guard c.count == metrics.count + 1 else { throw RangeTableError("bad row: \(line)") }
            let ranges = try zip(metrics, c.dropFirst()).map { metric, cell in
                let ends = cell.components(separatedBy: " to ").compactMap { Double($0) }
                guard ends.count == 2, ends[0] <= ends[1] else {
                    throw RangeTableError("bad range '\(cell)' in \(line)")
                }
                return (metric, ends[0]...ends[1])
            }
            return Row(file: c[0], ranges: ranges)
        }
    }

    struct RangeTableError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// The BCF measures, each in the table.
    static let bcfMeasures = Metric.all.filter(\.isBCF).map(\.key)

    @Test func theTableCoversEveryShippedPlanningScenarioAndEveryBCFMeasure() throws {
        let rows = try Self.table()
        let files = Set(rows.map(\.file))
        for seed in SeedScenarioTests.seedScenarios + ["baseline.json5", "bromley-full-year.json5"] {
            #expect(files.contains(seed), "\(seed) has no row")
        }
        for row in rows {
            #expect(FileManager.default.fileExists(atPath: Self.folder + "/" + row.file), "\(row.file) does not exist")
            let measures = row.ranges.map(\.metric)
            // nelAdmissions is given per 1,000 a year, as the published rate is.
            let expected = Self.bcfMeasures.map { $0 == "nelAdmissions" ? "nelAdmissionsPer1000PerYear" : $0 }
            #expect(Set(measures) == Set(expected), "\(row.file): \(measures)")
        }
    }

    /// `homeward check Scenarios/baseline.json5` judges the baseline's row: its targets are the
    /// two ends of each range, and nothing else.
    @Test func theBaselineTargetsAreItsRow() throws {
        let row = try #require(try Self.table().first { $0.file == "baseline.json5" })
        let targets = try ScenarioLoader.load(path: Self.folder + "/baseline.json5").scenario.targets
        var expected: [String] = []
        for (metric, range) in row.ranges {
            expected.append("\(metric) >= \(range.lowerBound)")
            expected.append("\(metric) <= \(range.upperBound)")
        }
        let got = targets.map { "\($0.metric) \($0.bound.rawValue) \($0.value)" }
        #expect(got.sorted() == expected.sorted())
        #expect(targets.allSatisfy { $0.confidence == nil }, "the ranges are on the mean")
    }

    /// Checks one scenario's measures: each mean must be inside its range, allowing three
    /// standard errors of the mean for the few replications run (a mean that truly sits at the
    /// edge then passes 99.9% of the time; one a few standard errors outside fails).
    static func check(_ row: Row, replications: Int) throws {
        let loaded = try ScenarioLoader.load(path: folder + "/" + row.file)
        let result = try Runner.run(
            loaded, options: RunOptions(replications: replications, seed: loaded.scenario.seed, threads: 2))
        for (metric, range) in row.ranges {
            let values = result.replications.compactMap { $0[metric] }.filter { !$0.isNaN }
            guard values.count >= 2 else {
                Issue.record("\(row.file): \(metric) has \(values.count) values")
                continue
            }
            let n = Double(values.count)
            let mean = values.reduce(0, +) / n
            let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
            let se = sd / n.squareRoot()
            #expect(
                mean + 3 * se >= range.lowerBound && mean - 3 * se <= range.upperBound,
                "\(row.file): \(metric) mean \(mean) (standard error \(se)) outside \(range) (Scenarios/README.md)")
        }
    }

    /// The baseline in the fast suite, with 3 replications (a few seconds in a debug build):
    /// CI fails here, as well as in `homeward check Scenarios/baseline.json5`, when it leaves
    /// its ranges.
    @Test func theBaselineIsWithinItsPublishedRanges() throws {
        let row = try #require(try Self.table().first { $0.file == "baseline.json5" })
        try Self.check(row, replications: 3)
    }

    @Suite(.slowTier, .tags(.slow)) struct SlowTier {
        /// Every scenario of the table, with 6 replications each.
        @Test func everyShippedScenarioIsWithinItsPublishedRanges() throws {
            for row in try PublishedRangesTests.table() {
                try PublishedRangesTests.check(row, replications: 6)
            }
        }
    }
}
