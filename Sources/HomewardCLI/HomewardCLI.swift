import Foundation
import HomewardKit

/// The `homeward` command line: finds the command in `CommandTable`, runs it, and maps what it
/// throws to a message and an `ExitStatus`.
public enum HomewardCLI {
    /// Runs `homeward ARGS` and returns the exit status. Output that cannot be written (a full
    /// disk, a closed pipe or descriptor) ends a command that would have succeeded with exit 3
    /// and a message on standard error.
    public static func main(_ args: [String], console: Console = .standard) -> Int32 {
        let status = command(args, console: console)
        if let failure = console.outputFailure, status == .success || status == .targetsMissed {
            console.err("homeward: cannot write to standard output: \(failure)\n")
            return ExitStatus.outputFailed.rawValue
        }
        return status.rawValue
    }

    static func command(_ args: [String], console: Console) -> ExitStatus {
        guard let name = args.first else {
            console.err(Help.overview)
            return .badInput
        }
        let rest = Array(args.dropFirst())
        // `homeward COMMAND --help` (or -h) anywhere before a `--` prints the command's help.
        let options = rest.prefix { $0 != "--" }
        if options.contains("--help") || options.contains("-h"), let command = CommandTable.named(name) {
            console.out(command.help)
            return .success
        }
        // The command's output locks are held until it returns (see Output/).
        let session = OutputSession(command: args)
        defer { session.close() }
        return OutputSession.$current.withValue(session) {
            do {
                return try run(name, rest, console)
            } catch {
                return report(error, console)
            }
        }
    }

    static func run(_ name: String, _ rest: [String], _ console: Console) throws -> ExitStatus {
        switch name {
        case "help", "--help", "-h":
            if let topic = rest.first {
                guard let command = CommandTable.named(topic) else {
                    throw CommandFailure.usage("no such command '\(topic)'" + suggestion(topic))
                }
                console.out(command.help)
            } else {
                console.out(Help.overview)
            }
            return .success
        case "--version", "version":
            console.out("homeward \(Homeward.version)\n")
            return .success
        default:
            guard let command = CommandTable.named(name) else {
                throw CommandFailure.usage("unknown command '\(name)'\(suggestion(name)) (see homeward --help)")
            }
            return try command.run(rest, console)
        }
    }

    /// "; did you mean 'NAME'?" for the command nearest a misspelt one, or nothing.
    static func suggestion(_ name: String) -> String {
        Suggestion.closest(to: name, among: CommandTable.all.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// The one place where errors become a message on standard error and an exit status.
    static func report(_ error: any Error, _ console: Console) -> ExitStatus {
        switch error {
        case let failure as any HomewardError:  // CommandFailure, OutputError, ExperimentError, ReportError
            console.err("homeward: \(failure.message)\n")
            return failure.kind == .io ? .outputFailed : .badInput
        case let error as ScenarioError:
            console.err(error.description + "\n")
            return .badInput
        case let error as PlanError:
            console.err(error.description + "\n")
            return .badInput
        case let error as RunError:
            console.err("\(error.description)\n")
            return .badInput
        case let error as ActivityError:
            console.err(error.description + "\n")
            return .badInput
        case let error as LogError:
            console.err("homeward: \(error.description)\n")
            switch error {
            case .io: return .outputFailed
            case .corrupt, .truncated: return .badInput
            }
        default:
            console.err("homeward: internal error: \(error)\n")
            return .outputFailed
        }
    }
}

/// `homeward validate FILE...`
enum ValidateCommand {
    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let a = try Arguments(args, valued: [], flags: ["quiet"])
        guard !a.positional.isEmpty else {
            throw CommandFailure.usage("validate needs at least one scenario file\n\n" + Help.validate)
        }
        var failed = false
        for file in a.positional {
            do {
                let loaded = try ScenarioLoader.load(path: file)
                if !a.flag("quiet") { console.out("\(file): ok (\(loaded.scenario.name))\n") }
                warnAboutTheStart(loaded.scenario, file: file, console)
            } catch {
                failed = true
                console.err(error.description + "\n")
            }
        }
        return failed ? .badInput : .success
    }
}

/// The scenario's starting state in warnings on standard error: services over capacity at
/// time 0, and services that start empty with stays too long for the warm-up.
func warnAboutTheStart(_ scenario: Scenario, file: String, _ console: Console) {
    for note in scenario.overCapacityAtStart(file: file) { console.err("warning: \(note.description)\n") }
    for note in scenario.slowToSettle(file: file) { console.err("warning: warm-up: \(note.description)\n") }
}

/// `homeward run SCENARIO [options]`
enum RunCommand {
    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let o = try SharedOptions(
            args,
            .init(
                shared: [
                    .replications, .seed, .threads, .out, .events, .format, .shard, .precision, .maxReplications,
                    .html, .xlsx, .quiet, .daily, .overwrite, .progressLines,
                ],
                valued: ["census-from", "at"],
                operands: (1...1, "run needs exactly one scenario file\n\n" + Help.run),
                replications: 1...ScenarioReader.maximumReplications))
        let a = o.arguments
        let shard = o.shard
        if shard != nil && o.events != nil {
            throw CommandFailure.usage("--events cannot be combined with --shard (write the log from a single run)")
        }
        let precision = o.precision
        if precision != nil && (shard != nil || o.events != nil) {
            throw CommandFailure.usage("--precision cannot be combined with --shard or --events")
        }
        let maximum = o.maximumReplications
        // Options are checked before the scenario is read, so usage errors come first.
        guard (a.value("census-from") == nil) == (a.value("at") == nil) else {
            throw CommandFailure.usage("--census-from ACTIVITY.csv and --at DATE go together")
        }
        let at = try ActualsCommand.date(a, "at")
        var loaded = try ScenarioLoader.load(path: a.positional[0])
        if let censusPath = a.value("census-from"), let at {
            loaded = try censusFromActivity(censusPath, at: at, loaded, console, quiet: o.quiet)
        }
        warnAboutTheStart(loaded.scenario, file: loaded.file, console)
        let replications = o.replications ?? loaded.scenario.replications
        let seed = o.seed ?? loaded.scenario.seed
        let out =
            o.out ?? "results/\(ResultFolders.baseName(a.positional[0]))"
            + (shard.map { "-shard\($0.index)of\($0.count)" } ?? "")
        var plan = o.outputPlan("run")
        plan.scenario(a.positional[0])
        if let census = a.value("census-from") { plan.input("the activity file", census) }
        plan.folders = [("--out", out, shard == nil ? SummaryFiles.names : ["partial.json"])]
        if let events = o.events { plan.logs = [("--events", events)] }
        plan.files = [("--html", o.html), ("--xlsx", o.xlsx)].compactMap { name, file in file.map { (name, $0) } }
        try plan.claim()
        var options = RunOptions(
            replications: replications, seed: seed, threads: o.threads, eventsPath: o.events, shard: shard)
        options.recordDaily = o.daily || o.html != nil  // the report's fan charts need them
        let bar = ProgressBar(
            total: precision == nil ? options.indices.count : maximum, label: "replications", console: console,
            quiet: o.quiet, lines: o.progressLines)
        let result: RunResult
        if let precision {
            var start = options
            start.replications = max(min(replications, maximum), 3)
            result = try SequentialReplications.run(loaded, options: start, precision: precision, maximum: maximum) {
                bar.update($0)
            }
        } else {
            result = try Runner.run(loaded, options: options) { bar.update($0) }
        }
        if let shard {
            let s = loaded.scenario
            var partial = PartialResult(
                scenarioName: s.name, scenarioFile: loaded.file, scenarioHash: loaded.hash, seed: seed,
                totalReplications: replications,
                replications: Array(zip(result.indices, result.replications)), start: s.start, horizonDays: s.days,
                warmupDays: s.warmupDays, options: PartialResult.Options(daily: options.recordDaily))
            partial.warnings = s.warnings
            partial.acute = s.services[s.acute].name
            try AtomicFile.makeDirectory(out)
            try AtomicFile.write(partial.json.jsonText() + "\n", to: out + "/partial.json")
            console.out(
                "shard \(shard): replications \(result.indices.map(String.init).joined(separator: ", ")) of \(replications) written to \(out)/partial.json\n"
            )
            console.out("Combine the shards with: homeward merge DIR... --out DIR\n")
            return .success
        }
        let summary = result.summary
        let manifest = result.manifest.json
        var context = SummaryFiles.Context(scenario: loaded.scenario)
        context.sensitivity = SensitivityAnalysis.of(
            loaded, seed: seed, replications: result.indices, runs: result.replications)
        try SummaryFiles.write(summary, manifest: manifest, to: out, context: context)
        try writeReport(o.html, from: out, console)
        try writeWorkbook(o.xlsx, from: out, console)
        switch o.format {
        case "json": console.out(SummaryFiles.summaryJSON(summary, manifest: manifest, context: context))
        case "csv": console.out(SummaryFiles.summaryCSV(summary))
        default:
            let s = loaded.scenario
            let title =
                "\(s.name): \(result.replications.count) replications, \(s.days) days from \(s.start) (warm-up \(s.warmupDays) days), seed \(seed)"
            console.out(TableRenderer(color: console.color).summaryTable(summary, title: title))
            console.out(WarningLines.text(context.warnings(summary)))
            if let sensitivity = context.sensitivity { console.out(uncertaintyLines(sensitivity)) }
            if let precision {
                let reached = SequentialReplications.achieved(result.replications)
                let verdict =
                    reached.worst <= precision ? "reached" : "NOT reached (stopped at --max-replications \(maximum))"
                console.out(
                    "Precision \(TableRenderer.percent(precision)) \(verdict): worst 95% half-width is \(TableRenderer.percent(reached.worst)) of the mean (\(reached.metric)) after \(result.replications.count) replications.\n"
                )
            }
            let extra = context.sensitivity == nil ? "" : ", inputs.csv, sensitivity.csv"
            console.out("Results written to \(out)/ (summary.json, summary.csv, monthly.csv\(extra))\n")
        }
        return .success
    }

    /// A few lines on the uncertain inputs: how many, and for the key metrics how much of the
    /// spread they explain and which matters most.
    static func uncertaintyLines(_ s: SensitivityAnalysis) -> String {
        var out =
            "Uncertain inputs: \(s.inputs.count), each drawn once per replication (inputs.csv); the spread of each metric includes them.\n"
        if let note = s.note { return out + "  Not split into inputs and chance: \(note).\n" }
        for metric in [Metric.nelAdmissions, .delayedBedDays, .totalCost] {
            guard let split = s.splits.first(where: { $0.key == metric.key }) else { continue }
            let top =
                split.drivers.first(where: \.isClear).map {
                    "; the input that matters most: \(s.inputs[$0.input].name) (\(TableRenderer.format($0.effect)) from its P10 to its P90)"
                } ?? "; no single input stands out from chance"
            out +=
                "  \(metric.key): \(TableRenderer.percent(split.inputShare)) of the spread from the inputs, \(TableRenderer.percent(split.chanceShare)) chance\(top)\n"
        }
        return out + "  (regression on the drawn inputs; every metric and input in sensitivity.csv)\n"
    }

    /// The scenario restarted at `at` from the patients the activity has in each service then.
    static func censusFromActivity(
        _ path: String, at: CivilDate, _ loaded: LoadedScenario, _ console: Console, quiet: Bool
    ) throws -> LoadedScenario {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw CommandFailure.usage("\(path): no such activity file")
        }
        let origin = min(ActivityFile.earliestDate(path: path) ?? at, at)
        let activity = try ActivityFile.load(path: path, scenario: loaded.scenario, origin: origin)
        let (json, census) = ActivityCensus.apply(
            activity: activity, scenario: loaded.scenario, origin: origin, at: at, to: loaded.merged)
        let restarted: LoadedScenario
        do {
            restarted = try ScenarioLoader.prepare(json, file: loaded.file)
        } catch {
            throw ScenarioError(
                issues: error.issues.map {
                    var issue = $0
                    issue.message += " (with the census taken from \(path) on \(at))"
                    return issue
                })
        }
        if !quiet { console.err("census from \(path) at \(at): \(census.description)\n") }
        return restarted
    }

}

/// `homeward merge DIR... --out DIR`
enum MergeCommand {
    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let o = try SharedOptions(args, .init(shared: [.out, .format, .quiet, .overwrite], formats: nil))
        guard !o.positional.isEmpty, let out = o.out else {
            throw CommandFailure.usage("merge needs partial results and --out DIR\n\n" + Help.merge)
        }
        var parts: [(file: String, part: PartialResult)] = []
        for path in o.positional {
            var isDirectory: ObjCBool = false
            let file =
                FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
                ? path + "/partial.json" : path
            parts.append((file, try PartialResult.load(file)))
        }
        var plan = o.outputPlan("merge")
        for part in parts { plan.input("the partial result", part.file) }
        plan.folders = [("--out", out, SummaryFiles.names)]
        try plan.claim()
        let (whole, replications) = try PartialResult.merge(parts)
        let summary = Summary(replications)
        let manifest = whole.mergedManifest(from: parts.map(\.file))
        let warnings = OverloadWarning.of(summary, thresholds: whole.warnings, acute: whole.acute)
        try SummaryFiles.write(summary, manifest: manifest, to: out, warnings: warnings)
        if o.format == "json" {
            console.out(SummaryFiles.summaryJSON(summary, manifest: manifest, warnings: warnings))
        } else {
            let title =
                "\(whole.scenarioName): \(whole.totalReplications) replications merged from \(parts.count) partial results, seed \(whole.seed)"
            console.out(TableRenderer(color: console.color).summaryTable(summary, title: title))
            console.out(WarningLines.text(warnings))
            console.out("Results written to \(out)/ (summary.json, summary.csv, monthly.csv)\n")
        }
        return .success
    }
}

/// The `--xlsx FILE` option of run, compare, sweep and schemes: the Excel workbook of the
/// results just written (the same as `homeward report DIR --xlsx FILE`).
func writeWorkbook(_ file: String?, from directory: String, _ console: Console) throws {
    guard let file else { return }
    let bytes = try ResultsWorkbook.build(resultsDirectory: directory)
    let parent = PathName.parent(of: file)
    if !parent.isEmpty { try AtomicFile.makeDirectory(parent) }
    try AtomicFile.write(bytes: bytes, to: file)
    console.err("workbook written to \(file)\n")
}

/// The `--html FILE` shortcut of run, compare and sweep: the report of the results just written.
func writeReport(_ file: String?, from directory: String, _ console: Console) throws {
    guard let file else { return }
    let html = try HTMLReport.build(resultsDirectory: directory)
    let parent = PathName.parent(of: file)
    if !parent.isEmpty { try AtomicFile.makeDirectory(parent) }
    try AtomicFile.write(html, to: file)
    console.err("report written to \(file)\n")
}
