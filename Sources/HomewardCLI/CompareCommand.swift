import Foundation
import HomewardKit

/// `homeward compare BASE VARIANT... [options]`
enum CompareCommand {
    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let o = try SharedOptions(
            args,
            .init(
                shared: [
                    .replications, .seed, .threads, .out, .format, .html, .xlsx, .quiet, .overwrite, .progressLines,
                ],
                operands: (2...Int.max, "compare needs a base scenario and at least one variant\n\n" + Help.compare)))
        let a = o.arguments

        // Read every file first, so that all input problems are reported before any run.
        var loaded: [LoadedScenario] = []
        var problems: [ScenarioIssue] = []
        for file in a.positional {
            do { loaded.append(try ScenarioLoader.load(path: file)) } catch { problems += error.issues }
        }
        if !problems.isEmpty { throw ScenarioError(issues: problems) }
        for warning in Comparison.periodWarnings(loaded) { console.err("warning: compare: \(warning)\n") }
        let base = loaded[0].scenario
        let replications = o.replications ?? max(base.replications, 2)
        let seed = o.seed ?? base.seed
        let options = RunOptions(replications: replications, seed: seed, threads: o.threads)
        let out = o.out ?? "results/compare-\(ResultFolders.baseName(a.positional[0]))"
        let unique = ResultFolders.unique(loaded.map(\.file))
        var plan = o.outputPlan("compare")
        for file in a.positional { plan.scenario(file) }
        plan.folders = [("--out", out, ResultFolders.withSummaries(Comparison.fileNames, in: unique))]
        plan.files = [("--html", o.html), ("--xlsx", o.xlsx)].compactMap { name, file in file.map { (name, $0) } }
        try plan.claim()
        let bar = ProgressBar(
            total: replications * loaded.count, label: "replications", console: console, quiet: o.quiet,
            lines: o.progressLines)
        let runs = try Runner.runEach(loaded, options: options) { bar.update($0) }
        let names = loaded.map(\.scenario.name)
        let comparison = Comparison(names: names, runs: runs)
        let manifest = Comparison.manifest(loaded, seed: seed, replications: replications)
        var set = ResultSet(directory: out)
        for file in comparison.files(manifest: manifest) { set.add(file.name, file.text) }
        var warnings: [(name: String, list: [OverloadWarning])] = []
        for (l, (folder, run)) in zip(loaded, zip(unique, runs)) {
            let summary = Summary(run)
            let s = l.scenario
            let list = OverloadWarning.of(summary, thresholds: s.warnings, acute: s.services[s.acute].name)
            warnings.append((s.name, list))
            for file in SummaryFiles.files(summary, manifest: manifest, warnings: list) {
                set.add(folder + "/" + file.name, file.text)
            }
        }
        try set.commit()
        try writeReport(o.html, from: out, console)
        try writeWorkbook(o.xlsx, from: out, console)
        switch o.format {
        case "json": console.out(comparison.document(manifest: manifest))
        case "csv": console.out(comparison.csv)
        default:
            console.out(
                TableRenderer(color: console.color).comparisonTable(
                    comparison, title: "Comparison: \(replications) replications, seed \(seed)"))
            for (name, list) in warnings where !list.isEmpty {
                console.out("\(name):\n" + WarningLines.text(list))
            }
            console.out("Results written to \(out)/ (compare.json, compare.csv, and each scenario's summary)\n")
        }
        return .success
    }
}
