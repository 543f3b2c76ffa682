import Foundation
import HomewardKit

/// `homeward check SCENARIO... [--junit FILE]`: runs scenarios and judges their targets.
/// Exit 0 when every target holds, 1 when any is missed (or, with `--fail-on-warnings`, when
/// any scenario's results carry an overload warning), 2 on bad input.
enum CheckCommand {
    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let o = try SharedOptions(
            args,
            .init(
                shared: [.replications, .maxReplications, .seed, .threads, .out, .shard, .quiet, .resume, .overwrite],
                valued: ["junit"], flags: ["fail-on-warnings"],
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
        var anyNotMet = false
        var warned = 0  // scenarios whose results carry an overload warning
        let renderer = TableRenderer(color: console.color)
        for (i, l) in loaded.enumerated() {
            let s = l.scenario
            let began = Date()
            let plan = SequentialVerdicts.Plan(
                initial: o.replications ?? max(s.replications, 2), maximum: o.maximumReplications)
            let seed = o.seed ?? s.seed
            let folder = out + "/" + scenarioFolders[i]
            let saved = folder + "/replications.json"
            let expected = PartialResult(
                scenarioName: s.name, scenarioFile: l.file, scenarioHash: l.hash, seed: seed,
                totalReplications: plan.initial, replications: [], start: s.start, horizonDays: s.days,
                warmupDays: s.warmupDays)
            var reused: [ReplicationMetrics] = []
            if o.resume {
                switch PartialResult.reusable(
                    saved, expected: expected,
                    template: Projection(context: ProjectionContext(scenario: s)).metrics(), prefix: true)
                {
                case .absent: break
                case .reuse(let previous): reused = previous
                case .stale(let why): console.err("\(saved): not reused (\(why)); recomputing\n")
                }
            }
            if !reused.isEmpty {
                console.err("\(l.file): reusing \(reused.count) finished replications from \(saved)\n")
            }
            let bar = ProgressBar(
                total: plan.maximum, label: ResultFolders.baseName(l.file), console: console, quiet: o.quiet)
            try AtomicFile.makeDirectory(folder)
            let (runs, outcome) = try SequentialVerdicts.run(
                l, targets: s.targets, plan: plan,
                options: RunOptions(replications: plan.initial, seed: seed, threads: o.threads),
                saved: reused,
                save: { done in
                    var partial = expected
                    partial.totalReplications = done.count
                    partial.replications = Array(zip(done.indices, done))
                    try AtomicFile.write(partial.json.jsonText() + "\n", to: saved)
                }, progress: { bar.update($0) })
            let manifest = outcome.manifest(
                l, seed: seed, threads: o.threads, seconds: Date().timeIntervalSince(began),
                resumedFrom: reused.isEmpty ? nil : saved)
            // Always (re)written, so that a run stopped after saving the replications leaves no
            // missing or stale summary behind once resumed.
            let summary = Summary(runs)
            let warnings = OverloadWarning.of(summary, thresholds: s.warnings, acute: s.services[s.acute].name)
            try SummaryFiles.write(summary, manifest: manifest, to: folder, warnings: warnings)
            warned += warnings.isEmpty ? 0 : 1
            let verdicts = outcome.verdicts
            anyNotMet = anyNotMet || verdicts.contains { !$0.met }
            suites.append(
                JUnitReport.Suite(
                    name: s.name, file: l.file, seconds: Date().timeIntervalSince(began), verdicts: verdicts))
            let rows = verdicts.map { v in
                [
                    v.target.name, renderer.mark(v.outcome), Self.achieved(v), TableRenderer.interval(v.interval),
                    TableRenderer.percent(v.share),
                    Self.judgedInterval(v),
                    TableRenderer.compact(Double(v.replications)),
                ]
            }
            let looks =
                plan.looks.count == 1
                ? "\(plan.initial) replications"
                : "\(runs.count) replications, from \(plan.initial) up to \(plan.maximum)"
            console.out(
                renderer.render(
                    title: "\(l.file): \(s.name) (\(looks), seed \(seed))",
                    header: [
                        "target", "verdict", "achieved", "95% CI", "replications within", "judged on interval",
                        "replications",
                    ], rows: rows,
                    rightAligned: [2, 3, 4, 5, 6]))
            for v in verdicts where v.outcome == .undecided {
                console.out(
                    "\(v.target.name): \(v.statement) after \(v.replications) replications: counted as not met\n")
            }
            console.out(WarningLines.text(warnings))
            console.out("\n")
        }
        var set = ResultSet(directory: out)
        set.add(CheckFiles.name, CheckFiles.csv(suites))
        try set.commit()
        if let junit = a.value("junit") {
            let directory = PathName.parent(of: junit)
            if !directory.isEmpty { try AtomicFile.makeDirectory(directory) }
            try AtomicFile.write(JUnitReport.xml(suites), to: junit)
        }
        let total = suites.reduce(0) { $0 + $1.verdicts.count }
        let notMet = suites.reduce(0) { $0 + $1.verdicts.filter { !$0.met }.count }
        let undecided = suites.reduce(0) { $0 + $1.verdicts.filter { $0.outcome == .undecided }.count }
        console.out(
            "check: \(total - notMet) of \(total) targets met in \(suites.count) scenario\(suites.count == 1 ? "" : "s")\(shard.map { " (shard \($0))" } ?? "")"
                + (undecided == 0 ? "" : "; \(undecided) undecided, counted as not met")
                + (skipped.isEmpty
                    ? "" : "; skipped \(skipped.count) without targets: \(skipped.joined(separator: ", "))")
                + (warned == 0
                    ? ""
                    : "; overload warnings in \(warned) scenario\(warned == 1 ? "" : "s")"
                        + (a.flag("fail-on-warnings") ? ", which fails the check (--fail-on-warnings)" : ""))
                + "\n"
        )
        let failsOnWarnings = a.flag("fail-on-warnings") && warned > 0
        return anyNotMet || failsOnWarnings ? .targetsMissed : .success
    }

    static func achieved(_ v: Target.Verdict) -> String { TableRenderer.format(v.interval.mean) }

    /// The interval a verdict was judged on: of the share (a target with a confidence) or of the mean.
    static func judgedInterval(_ v: Target.Verdict) -> String {
        let (low, high) = v.decisive
        let f = v.target.confidence == nil ? TableRenderer.format : TableRenderer.percent
        return "\(f(low)) to \(f(high))"
    }

}

extension TableRenderer {
    /// "met", "MISSED" or "UNDECIDED" (green, red, yellow in colour).
    func mark(_ outcome: Target.Outcome) -> String {
        let (text, code) =
            switch outcome {
            case .met: ("met", 32)
            case .missed: ("MISSED", 31)
            case .undecided: ("UNDECIDED", 33)
            }
        return color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
