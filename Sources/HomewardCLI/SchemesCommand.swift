import Foundation
import HomewardKit

/// `homeward schemes SCENARIO`: each scheme alone and all together against none.
enum SchemesCommand {
    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let o = try SharedOptions(
            args,
            .init(
                shared: [
                    .replications, .seed, .threads, .out, .format, .html, .xlsx, .quiet, .overwrite, .progressLines,
                ],
                operands: (1...1, "schemes needs exactly one scenario file\n\n" + Help.schemes), formats: nil))
        let a = o.arguments
        let loaded = try ScenarioLoader.load(path: a.positional[0])
        let s = loaded.scenario
        guard !s.schemes.isEmpty else {
            throw CommandFailure.usage("\(a.positional[0]): the scenario has no schemes (add a `schemes` section)")
        }
        let replications = o.replications ?? max(s.replications, 2)
        let seed = o.seed ?? s.seed
        var variants: [(name: String, scenario: LoadedScenario)] = s.schemes.indices.map { i in
            (s.schemes[i].name, loaded.adjusted { $0.keepingSchemes([i]) })
        }
        if s.schemes.count > 1 { variants.append(("all schemes together", loaded)) }
        let all = [("without schemes", loaded.adjusted { $0.keepingSchemes([]) })] + variants
        let out = o.out ?? "results/schemes-\(ResultFolders.baseName(a.positional[0]))"
        let folders = all.map { $0.0.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined() }
        var plan = o.outputPlan("schemes")
        plan.scenario(a.positional[0])
        plan.folders = [("--out", out, ResultFolders.withSummaries(SchemeEvaluation.fileNames, in: folders))]
        plan.files = [("--html", o.html), ("--xlsx", o.xlsx)].compactMap { name, file in file.map { (name, $0) } }
        try plan.claim()
        let bar = ProgressBar(
            total: all.count * replications, label: "replications", console: console, quiet: o.quiet,
            lines: o.progressLines)
        let scenarios = all.map(\.1)
        let runs = try Runner.runEach(
            scenarios, options: RunOptions(replications: replications, seed: seed, threads: o.threads)
        ) { bar.update($0) }
        let evaluation = SchemeEvaluation(
            scenarioName: s.name, base: runs[0], options: zip(variants, runs.dropFirst()).map { ($0.name, $1) },
            plans: Dictionary(s.schemes.map { ($0.name, $0.plan) }, uniquingKeysWith: { a, _ in a }))
        let manifest = SchemeEvaluation.manifest(loaded, seed: seed, replications: replications)
        var set = ResultSet(directory: out)
        for file in evaluation.files(manifest: manifest) { set.add(file.name, file.text) }
        for (folder, run) in zip(folders, runs) {
            for file in SummaryFiles.files(Summary(run), manifest: manifest, context: SummaryFiles.Context(scenario: s))
            {
                set.add(folder + "/" + file.name, file.text)
            }
        }
        try set.commit()
        try writeReport(o.html, from: out, console)
        try writeWorkbook(o.xlsx, from: out, console)
        if o.format == "csv" {
            console.out(evaluation.csv)
            return .success
        }
        console.out(
            table(
                evaluation, color: console.color,
                title:
                    "Schemes of \(s.name): each alone and all together vs. none, \(replications) replications, seed \(seed) (common random numbers)"
            ))
        console.out("Results written to \(out)/ (schemes.json, schemes.csv, and each option's summary)\n")
        return .success
    }

    static func table(_ e: SchemeEvaluation, color: Bool, title: String) -> String {
        var out = ""
        let renderer = TableRenderer(color: color)
        for option in e.options {
            let rows = option.measures.map { m -> [String] in
                // A fixed cost has no uncertainty to mark.
                let excludesZero =
                    m.key != "schemeCost" && !m.interval.low.isNaN && (m.interval.low > 0 || m.interval.high < 0)
                return [
                    m.label, TableRenderer.format(m.interval.mean), TableRenderer.interval(m.interval), m.unit,
                    excludesZero ? "*" : "",
                ]
            }
            let chances = option.chances.map { c -> [String] in
                [
                    c.label, TableRenderer.percent(c.interval.share),
                    "\(TableRenderer.percent(c.interval.low)) to \(TableRenderer.percent(c.interval.high))",
                    "probability", "",
                ]
            }
            out += renderer.render(
                title: "\(title)\n  \(option.name)", header: ["measure", "mean", "95% CI", "unit", ""],
                rows: rows + chances,
                rightAligned: [1, 2])
            out += "\n"
        }
        return out
            + "  (*: the interval excludes zero; a chance is the share of replications, each a possible year, with its exact (Clopper-Pearson) 95% interval)\n"
    }
}
