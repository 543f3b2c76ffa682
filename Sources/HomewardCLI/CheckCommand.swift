import Foundation
import HomewardKit

/// `homeward check SCENARIO... [--junit FILE]`: runs scenarios and judges their targets.
/// Exit 0 when every target holds, 1 when any is missed, 2 on bad input.
enum CheckCommand {
    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let o = try SharedOptions(
            args,
            .init(
                shared: [.replications, .seed, .threads, .out, .shard, .quiet, .resume, .overwrite], valued: ["junit"],
                operands: (1...Int.max, "check needs at least one scenario file\n\n" + Help.check)))
        let a = o.arguments
        let shard = o.shard
        let out = o.out ?? "results/check"

        var loaded: [LoadedScenario] = []
        var problems: [ScenarioIssue] = []
        for (i, file) in a.positional.enumerated() where shard?.contains(i) ?? true {
            do { loaded.append(try ScenarioLoader.load(path: file)) } catch { problems += error.issues }
        }
        if !problems.isEmpty { throw ScenarioError(issues: problems) }
        // A check that judges nothing must not pass: a scenario without targets is skipped
        // (and named), and a check of none with targets is an error.
        let skipped = loaded.filter { $0.scenario.targets.isEmpty }.map(\.file)
        if !loaded.isEmpty && skipped.count == loaded.count {
            let what =
                skipped.count == 1
                ? "\(skipped[0]): no targets to check"
                : "none of the \(skipped.count) scenarios has targets to check (\(skipped.joined(separator: ", ")))"
            throw CommandFailure.usage(
                what + "; add a `targets` block (see docs/experiments.md, \"Targets and check\")")
        }
        for file in skipped { console.err("\(file): skipped: no targets to check\n") }
        loaded.removeAll { $0.scenario.targets.isEmpty }
        var plan = o.outputPlan("check")
        for l in loaded { plan.scenario(l.file) }
        let scenarioFolders = ResultFolders.unique(loaded.map(\.file))
        plan.folders = [
            (
                "--out", out,
                [CheckFiles.name]
                    + scenarioFolders.flatMap { f in (SummaryFiles.names + ["replications.json"]).map { f + "/" + $0 } }
            )
        ]
        if let junit = a.value("junit") { plan.files = [("--junit", junit)] }
        try plan.claim()

        var suites: [JUnitReport.Suite] = []
        var anyMissed = false
        let renderer = TableRenderer(color: console.color)
        for (i, l) in loaded.enumerated() {
            let s = l.scenario
            let began = Date()
            let replications = o.replications ?? max(s.replications, 2)
            let seed = o.seed ?? s.seed
            let folder = out + "/" + scenarioFolders[i]
            let saved = folder + "/replications.json"
            let expected = PartialResult(
                scenarioName: s.name, scenarioFile: l.file, scenarioHash: l.hash, seed: seed,
                totalReplications: replications, replications: [], start: s.start, horizonDays: s.days,
                warmupDays: s.warmupDays)
            var reused: [ReplicationMetrics]?
            if o.resume {
                switch PartialResult.reusable(
                    saved, expected: expected,
                    template: Projection(context: ProjectionContext(scenario: s)).metrics())
                {
                case .absent: break
                case .reuse(let previous): reused = previous
                case .stale(let why): console.err("\(saved): not reused (\(why)); recomputing\n")
                }
            }
            let runs: [ReplicationMetrics]
            let manifest: JSONValue
            if let reused {
                runs = reused
                console.err("\(l.file): reusing \(replications) finished replications from \(saved)\n")
                manifest = expected.resumedManifest(threads: o.threads, from: saved)
            } else {
                let bar = ProgressBar(
                    total: replications, label: ResultFolders.baseName(l.file), console: console, quiet: o.quiet
                )
                let result = try Runner.run(
                    l, options: RunOptions(replications: replications, seed: seed, threads: o.threads)
                ) { bar.update($0) }
                runs = result.replications
                manifest = result.manifest.json
                var partial = expected
                partial.replications = Array(zip(result.indices, runs))
                try AtomicFile.makeDirectory(folder)
                try AtomicFile.write(partial.json.jsonText() + "\n", to: saved)
            }
            // Always (re)written, so that a run stopped after saving the replications leaves no
            // missing or stale summary behind once resumed.
            try SummaryFiles.write(Summary(runs), manifest: manifest, to: folder)
            let verdicts = s.targets.map { t in t.judge(runs.compactMap { $0[t.metric] }) }
            anyMissed = anyMissed || verdicts.contains { !$0.met }
            suites.append(
                JUnitReport.Suite(
                    name: s.name, file: l.file, seconds: Date().timeIntervalSince(began), verdicts: verdicts))
            let rows = verdicts.map { v in
                [
                    v.target.name, renderer.mark(v.met), Self.achieved(v), TableRenderer.interval(v.interval),
                    TableRenderer.percent(v.share),
                ]
            }
            console.out(
                renderer.render(
                    title: "\(l.file): \(s.name) (\(replications) replications, seed \(seed))",
                    header: ["target", "verdict", "achieved", "95% CI", "replications within"], rows: rows,
                    rightAligned: [2, 3, 4]))
            console.out("\n")
        }
        var set = ResultSet(directory: out)
        set.add(CheckFiles.name, CheckFiles.csv(suites))
        try set.commit()
        if let junit = a.value("junit") {
            let directory = (junit as NSString).deletingLastPathComponent
            if !directory.isEmpty { try AtomicFile.makeDirectory(directory) }
            try AtomicFile.write(JUnitReport.xml(suites), to: junit)
        }
        let total = suites.reduce(0) { $0 + $1.verdicts.count }
        let missed = suites.reduce(0) { $0 + $1.verdicts.filter { !$0.met }.count }
        console.out(
            "check: \(total - missed) of \(total) targets met in \(suites.count) scenario\(suites.count == 1 ? "" : "s")\(shard.map { " (shard \($0))" } ?? "")"
                + (skipped.isEmpty
                    ? "" : "; skipped \(skipped.count) without targets: \(skipped.joined(separator: ", "))") + "\n"
        )
        return anyMissed ? .targetsMissed : .success
    }

    static func achieved(_ v: Target.Verdict) -> String { TableRenderer.format(v.interval.mean) }

}

extension TableRenderer {
    func mark(_ met: Bool) -> String {
        if color { return met ? "\u{1B}[32mmet\u{1B}[0m" : "\u{1B}[31mMISSED\u{1B}[0m" }
        return met ? "met" : "MISSED"
    }
}
