import Foundation
import HomewardKit

/// `homeward sweep SCENARIO --vary FIELD=FROM..TO:STEP [...] [--target "METRIC <= VALUE"]`
enum SweepCommand {
    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let o = try SharedOptions(
            args,
            .init(
                shared: [
                    .replications, .maxReplications, .seed, .threads, .out, .shard, .format, .html, .xlsx, .quiet,
                    .resume,
                    .overwrite, .progressLines,
                ],
                valued: ["vary", "target", "confidence"],
                operands: (1...1, "sweep needs exactly one scenario file\n\n" + Help.sweep), formats: nil))
        let a = o.arguments
        let axes = try a.values("vary").map { (t: String) throws(ExperimentError) -> Sweep.Axis in
            try Sweep.Axis.parse(t)
        }
        guard !axes.isEmpty else {
            throw CommandFailure.usage("sweep needs at least one --vary FIELD=FROM..TO:STEP\n\n" + Help.sweep)
        }
        var confidence: Double?
        if let c = a.value("confidence") {
            guard let x = Double(c), x > 0, x <= 1 else {
                throw CommandFailure.usage("--confidence must be a share from 0 (exclusive) to 1, got '\(c)'")
            }
            confidence = x
        }
        let target = try a.value("target").map { (t: String) throws(CommandFailure) -> Target in
            guard let parsed = Target.parse(t, confidence: confidence) else {
                throw CommandFailure.usage("--target must be \"METRIC <= VALUE\" or \"METRIC >= VALUE\", got '\(t)'")
            }
            return parsed
        }
        if confidence != nil && target == nil { throw CommandFailure.usage("--confidence needs --target") }
        if a.value("max-replications") != nil && target == nil {
            throw CommandFailure.usage(
                "--max-replications needs --target (it caps the replications a verdict may take)")
        }
        let shard = o.shard

        let sweep = Sweep(axes: axes)
        try sweep.checkSize()
        let file = a.positional[0]
        let loaded = try ScenarioLoader.load(path: file)
        try sweep.checkFields(in: loaded.merged, file: file)
        let points = sweep.points
        // Every point is built and validated before anything runs.
        var scenarios: [LoadedScenario] = []
        var problems: [ScenarioIssue] = []
        for point in points {
            do {
                let json = try sweep.apply(point, to: loaded.merged, file: file)
                var point = try ScenarioLoader.prepare(json, file: "\(file) [\(sweep.label(point))]")
                point.file = file
                scenarios.append(point)
            } catch {
                problems += error.issues
                if problems.count > 20 { break }
            }
        }
        if !problems.isEmpty { throw ScenarioError(issues: Array(problems.prefix(20))) }
        if let target, let problem = ScenarioReader.unknownMetric(target.metric, in: loaded.scenario) {
            throw CommandFailure.usage("--target: " + problem)
        }
        let replications = o.replications ?? max(loaded.scenario.replications, 2)
        let seed = o.seed ?? loaded.scenario.seed
        let out = o.out ?? "results/sweep-\(ResultFolders.baseName(file))"
        var outputs = o.outputPlan("sweep")
        outputs.scenario(file)
        outputs.folders = [("--out", out, SweepResult.fileNames + ["points/"])]
        outputs.files = [("--html", o.html), ("--xlsx", o.xlsx)].compactMap { name, file in file.map { (name, $0) } }
        try outputs.claim()
        try AtomicFile.makeDirectory(out + "/points")

        // Run (or reuse) this shard's points; each point is saved as soon as it is done.
        func pointFile(_ i: Int) -> String { out + "/points/\(String(i).leftPadded(to: 5)).json" }
        func expected(_ i: Int) -> PartialResult {
            let s = scenarios[i].scenario
            return PartialResult(
                scenarioName: sweep.label(points[i]), scenarioFile: file, scenarioHash: scenarios[i].hash, seed: seed,
                totalReplications: replications, replications: [], start: s.start, horizonDays: s.days,
                warmupDays: s.warmupDays,
                options: PartialResult.Options(
                    point: zip(axes, points[i]).map { PartialResult.Options.Setting(field: $0.field, value: $1) }))
        }
        func template(_ i: Int) -> ReplicationMetrics {
            Projection(context: ProjectionContext(scenario: scenarios[i].scenario)).metrics()
        }
        // With a target, each point runs until its verdict is clear or the cap (SequentialVerdicts).
        let plan = target.map { _ in SequentialVerdicts.Plan(initial: replications, maximum: o.maximumReplications) }
        let options = RunOptions(replications: replications, seed: seed, threads: o.threads)
        func save(_ i: Int, _ runs: [ReplicationMetrics]) throws {
            var partial = expected(i)
            partial.totalReplications = runs.count
            partial.replications = Array(zip(runs.indices, runs))
            try AtomicFile.write(partial.json.jsonText() + "\n", to: pointFile(i))
        }
        /// A point's saved replications, if the file holds what this run needs (a prefix will do
        /// with a target; `complete` when none need to be run).
        func saved(_ i: Int, verb: String) -> (runs: [ReplicationMetrics], complete: Bool)? {
            let path = pointFile(i)
            switch PartialResult.reusable(path, expected: expected(i), template: template(i), prefix: plan != nil) {
            case .absent: return nil
            case .reuse(let runs):
                guard let target, let plan else { return (runs, true) }
                return (runs, SequentialVerdicts.replay(runs, targets: [target], plan: plan) != nil)
            case .stale(let why):
                console.err("\(path): \(verb) (\(why))\(verb == "not reused" ? "; recomputing" : "")\n")
                return nil
            }
        }
        let mine = points.indices.filter { shard?.contains($0) ?? true }
        let bar = ProgressBar(
            total: mine.count, label: "sweep points", console: console, quiet: o.quiet, lines: o.progressLines)
        var done: [Int: (runs: [ReplicationMetrics], verdict: Target.Verdict?)] = [:]
        var reused = 0
        for (k, i) in mine.enumerated() {
            let previous = o.resume ? saved(i, verb: "not reused") : nil
            if previous?.complete == true { reused += 1 }
            if let target, let plan {
                let (runs, outcome) = try SequentialVerdicts.run(
                    scenarios[i], targets: [target], plan: plan, options: options, saved: previous?.runs ?? [],
                    save: { try save(i, $0) })
                done[i] = (runs, outcome.verdicts[0])
            } else if let previous {
                done[i] = (previous.runs, nil)
            } else {
                let result = try Runner.run(scenarios[i], options: options)
                try save(i, result.replications)
                done[i] = (result.replications, nil)
            }
            bar.update(k + 1)
        }
        if reused > 0 {
            console.err("sweep: reused \(reused) finished point\(reused == 1 ? "" : "s") from \(out)/points\n")
        }

        // Assemble when every point is there (always, unless this is one shard of several).
        var runs: [[ReplicationMetrics]] = []
        var verdicts: [Target.Verdict] = []
        for i in points.indices {
            var point = done[i]
            if point == nil, let (r, complete) = saved(i, verb: "not used") {
                if let target, let plan, let outcome = SequentialVerdicts.replay(r, targets: [target], plan: plan) {
                    point = (Array(r.prefix(outcome.replications)), outcome.verdicts[0])
                } else if plan == nil && complete {
                    point = (r, nil)
                } else {
                    console.err("\(pointFile(i)): not used (its verdict needs more replications than it holds)\n")
                }
            }
            guard let point else { break }
            runs.append(point.runs)
            if let v = point.verdict { verdicts.append(v) }
        }
        guard runs.count == points.count else {
            console.out(
                "sweep: shard \(shard?.description ?? "") finished \(mine.count) of \(points.count) points in \(out)/points.\n"
            )
            console.out(
                "When every shard is done, gather the points into one folder and run the same command with --resume to assemble.\n"
            )
            return .success
        }
        var result = SweepResult(sweep: sweep, points: points, runs: runs, verdicts: verdicts)
        result.warnings = zip(scenarios, runs).map { loaded, run in
            let s = loaded.scenario
            return OverloadWarning.of(Summary(run), thresholds: s.warnings, acute: s.services[s.acute].name)
        }
        let verdictLine = target.map(result.verdictSentence)
        var set = ResultSet(directory: out)
        let manifest = SweepResult.manifest(file: file, seed: seed, replications: replications, plan: plan)
        for f in result.files(manifest: manifest, target: target, verdict: verdictLine) {
            set.add(f.name, f.text)
        }
        try set.commit()
        try writeReport(o.html, from: out, console)
        try writeWorkbook(o.xlsx, from: out, console)
        if o.format == "csv" {
            console.out(result.csv)
        } else {
            let counts =
                plan.map { p in
                    let used = runs.map(\.count)
                    let (least, most) = (used.min() ?? 0, used.max() ?? 0)
                    return p.looks.count == 1
                        ? "\(replications) replications"
                        : "\(least == most ? "\(least)" : "\(least) to \(most)") replications (from \(p.initial) until each verdict is clear, at most \(p.maximum))"
                } ?? "\(replications) replications"
            console.out(
                table(
                    result, target: target, color: console.color,
                    title:
                        "Sweep of \(loaded.scenario.name): \(points.count) points x \(counts), seed \(seed) (common random numbers)"
                ))
            console.out(warningLines(result))
            if let verdictLine { console.out(verdictLine + "\n") }
            console.out("Results written to \(out)/ (sweep.csv, sweep.json, points/)\n")
        }
        return .success
    }

    /// The points' overload warnings under the table: one line each, at most `shownWarnings`,
    /// then how many more and where they all are.
    static func warningLines(_ r: SweepResult) -> String {
        var lines: [String] = []
        for (point, list) in zip(r.points, r.warnings) {
            let setting = zip(r.sweep.axes, point).map { "\($0.field)=\(TableRenderer.plain($1))" }.joined(
                separator: ", ")
            for w in list { lines.append("warning: overload at \(setting): \(w.message)") }
        }
        guard !lines.isEmpty else { return "" }
        let flagged = r.warnings.filter { !$0.isEmpty }.count
        var text = lines.prefix(shownWarnings).joined(separator: "\n") + "\n"
        if lines.count > shownWarnings { text += "  ... and \(lines.count - shownWarnings) more\n" }
        return text
            + "  (\(flagged) of \(r.points.count) points with overload warnings; each point's are in sweep.json; thresholds in the scenario's `warnings`, see docs/metrics.md)\n"
    }

    /// Warning lines shown under a sweep's table.
    static let shownWarnings = 12

    static func table(_ r: SweepResult, target: Target?, color: Bool, title: String) -> String {
        var keys = SweepResult.columns
        if let t = target, !keys.contains(t.metric) { keys.insert(t.metric, at: 0) }
        var header = r.sweep.axes.map { $0.field.split(separator: ".").last.map(String.init) ?? $0.field } + keys
        if target != nil { header += ["within target", "interval", "replications", "verdict"] }
        var rows: [[String]] = []
        var marked: Set<Int> = []
        for (i, (point, run)) in zip(r.points, r.runs).enumerated() {
            let summary = Summary(run)
            var row = point.map(TableRenderer.plain)
            row += keys.map { summary[$0].map { TableRenderer.format($0.interval.mean) } ?? "n/a" }
            if target != nil {
                let v = r.verdicts[i]
                row.append(TableRenderer.percent(v.share))
                row.append(CheckCommand.judgedInterval(v))
                row.append(TableRenderer.compact(Double(v.replications)))
                row.append(v.outcome.rawValue)
                if v.met { marked.insert(i) }
            }
            rows.append(row)
        }
        return TableRenderer(color: color).render(
            title: title, header: header, rows: rows,
            rightAligned: Set(0..<header.count).subtracting([0] + (target != nil ? [header.count - 1] : [])),
            highlighted: marked)
            + (target != nil
                ? "  (\(color ? "bold" : "*"): meets the target; interval: what the verdict was judged on, at the level of the look)\n"
                : "")
    }
}
