import Foundation
import HomewardKit

/// `homeward sweep SCENARIO --vary FIELD=FROM..TO:STEP [...] [--target "METRIC <= VALUE"]`
enum SweepCommand {
    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let o = try SharedOptions(
            args,
            .init(
                shared: [.replications, .seed, .threads, .out, .shard, .format, .html, .quiet, .resume, .overwrite],
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
        var plan = o.outputPlan("sweep")
        plan.scenario(file)
        plan.folders = [("--out", out, SweepResult.fileNames + ["points/"])]
        if let html = o.html { plan.files = [("--html", html)] }
        try plan.claim()
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
        let mine = points.indices.filter { shard?.contains($0) ?? true }
        let bar = ProgressBar(total: mine.count, label: "sweep points", console: console, quiet: o.quiet)
        var done: [Int: [ReplicationMetrics]] = [:]
        var reused = 0
        for (k, i) in mine.enumerated() {
            let path = pointFile(i)
            if o.resume {
                switch PartialResult.reusable(path, expected: expected(i), template: template(i)) {
                case .absent: break
                case .reuse(let runs):
                    done[i] = runs
                    reused += 1
                case .stale(let why): console.err("\(path): not reused (\(why)); recomputing\n")
                }
            }
            if done[i] == nil {
                let result = try Runner.run(
                    scenarios[i], options: RunOptions(replications: replications, seed: seed, threads: o.threads))
                var partial = expected(i)
                partial.replications = Array(zip(result.indices, result.replications))
                try AtomicFile.write(partial.json.jsonText() + "\n", to: path)
                done[i] = result.replications
            }
            bar.update(k + 1)
        }
        if reused > 0 {
            console.err("sweep: reused \(reused) finished point\(reused == 1 ? "" : "s") from \(out)/points\n")
        }

        // Assemble when every point is there (always, unless this is one shard of several).
        var runs: [[ReplicationMetrics]] = []
        for i in points.indices {
            if let r = done[i] {
                runs.append(r)
                continue
            }
            switch PartialResult.reusable(pointFile(i), expected: expected(i), template: template(i)) {
            case .absent: break
            case .reuse(let r): runs.append(r)
            case .stale(let why): console.err("\(pointFile(i)): not used (\(why))\n")
            }
            if runs.count <= i { break }
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
        let result = SweepResult(sweep: sweep, points: points, runs: runs)
        var verdictLine: String?
        var verdicts: [Target.Verdict] = []
        if let target {
            let judged = result.judge(target)
            verdicts = judged.verdicts
            if let first = judged.first {
                verdictLine =
                    "Smallest setting meeting \(target): \(sweep.label(points[first])) (achieved \(TableRenderer.format(judged.verdicts[first].interval.mean)), \(TableRenderer.percent(judged.verdicts[first].share)) of replications within)."
            } else {
                verdictLine = "No point in the grid meets \(target)."
            }
        }
        var set = ResultSet(directory: out)
        let manifest = SweepResult.manifest(file: file, seed: seed, replications: replications)
        for f in result.files(manifest: manifest, target: target, verdicts: verdicts, verdict: verdictLine) {
            set.add(f.name, f.text)
        }
        try set.commit()
        try writeReport(o.html, from: out, console)
        if o.format == "csv" {
            console.out(result.csv)
        } else {
            console.out(
                table(
                    result, target: target, verdicts: verdicts, color: console.color,
                    title:
                        "Sweep of \(loaded.scenario.name): \(points.count) points x \(replications) replications, seed \(seed) (common random numbers)"
                ))
            if let verdictLine { console.out(verdictLine + "\n") }
            console.out("Results written to \(out)/ (sweep.csv, sweep.json, points/)\n")
        }
        return .success
    }

    static func table(_ r: SweepResult, target: Target?, verdicts: [Target.Verdict], color: Bool, title: String)
        -> String
    {
        var keys = SweepResult.columns
        if let t = target, !keys.contains(t.metric) { keys.insert(t.metric, at: 0) }
        var header = r.sweep.axes.map { $0.field.split(separator: ".").last.map(String.init) ?? $0.field } + keys
        if target != nil { header.append("within target") }
        var rows: [[String]] = []
        var marked: Set<Int> = []
        for (i, (point, run)) in zip(r.points, r.runs).enumerated() {
            let summary = Summary(run)
            var row = point.map(TableRenderer.plain)
            row += keys.map { summary[$0].map { TableRenderer.format($0.interval.mean) } ?? "n/a" }
            if target != nil {
                row.append(TableRenderer.percent(verdicts[i].share))
                if verdicts[i].met { marked.insert(i) }
            }
            rows.append(row)
        }
        return TableRenderer(color: color).render(
            title: title, header: header, rows: rows, rightAligned: Set(0..<header.count).subtracting([0]),
            highlighted: marked)
            + (target != nil ? "  (\(color ? "bold" : "*"): meets the target)\n" : "")
    }
}
