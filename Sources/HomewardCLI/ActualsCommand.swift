import Foundation
import HomewardKit

/// `homeward actuals ACTIVITY.csv --population SCENARIO` and
/// `homeward compare-actuals RESULTS_DIR ACTIVITY.csv`: real activity measured with the
/// projections that measure a forecast.
enum ActualsCommand {
    static let help = """
        USAGE: homeward actuals ACTIVITY.csv --population SCENARIO [--from DATE] [--to DATE]
                                [--out DIR] [--format table|json|csv] [--events FILE]

        Turns historic activity (one row per spell; the CSV format is in docs/actuals.md) into
        Homeward's events and computes every metric a forecast reports, with the same code. The
        scenario (--population) names the cohorts, services and pathways the file uses and gives
        the population, capacities and unit costs that rates, occupancy and costs need.

        OPTIONS
          --population FILE  The scenario describing the area (required)
          --from DATE        First measured day (default: the first admission's date); spells
                             before it are the warm-up, as in a simulation
          --to DATE          Day after the last measured day (default: the day after the last
                             time in the file)
          --out DIR          Write DIR/summary.json, summary.csv, monthly.csv (default
                             results/actuals-NAME)
        \(Help.overwrite)
          --format F         table (default), json or csv on standard output
          --events FILE      Also write the events (.hwlog, .jsonl or .csv), for trace and replay

        Exit codes: 0 done, 2 a malformed activity file or scenario (every message names the
        file, line and column), 3 cannot write.

        """

    static let compareHelp = """
        USAGE: homeward compare-actuals RESULTS_DIR ACTIVITY.csv [--population SCENARIO]
                                        [--out DIR] [--format table|csv]

        Puts a forecast (the folder `homeward run` wrote) and real activity side by side, per
        metric and per month, over the forecast's measured period. The actuals go through the
        same projections as the forecast (see `homeward actuals`). For each metric: the
        forecast's mean, its 95% CI, the range of 95% of its replications (where one year's
        actual value should fall if the model is right), the actual, and whether the actual is
        inside that range.

        OPTIONS
          --population FILE  The scenario (default: the forecast's scenario file, from its manifest)
          --out DIR          Write DIR/compare-actuals.csv and compare-actuals-monthly.csv
                             (default: RESULTS_DIR/actuals)
        \(Help.overwrite)
          --format F         table (default) or csv on standard output

        """

    static func date(_ a: Arguments, _ name: String) throws(CommandFailure) -> CivilDate? {
        guard let text = a.value(name) else { return nil }
        guard let d = CivilDate(iso: text) else { throw .usage("--\(name) must be a date YYYY-MM-DD, got '\(text)'") }
        return d
    }

    /// Reads the activity file, with the origin early enough for every spell, and settles the
    /// measured period [from, to): the dates given, else the activity's first and last days.
    static func read(
        activityPath: String, scenario: Scenario, from requestedFrom: CivilDate?, to requestedTo: CivilDate?
    ) throws -> (activity: ActivityFile, origin: CivilDate, from: CivilDate, to: CivilDate) {
        guard FileManager.default.isReadableFile(atPath: activityPath) else {
            throw CommandFailure.usage("\(activityPath): no such activity file")
        }
        let earliest = ActivityFile.earliestDate(path: activityPath) ?? requestedFrom ?? scenario.start
        let origin = min(earliest, requestedFrom ?? earliest)
        let activity = try ActivityFile.load(path: activityPath, scenario: scenario, origin: origin)
        let earliestAdmission = activity.spells.reduce(Double.infinity) { min($0, $1.admitted) }
        let from = requestedFrom ?? origin.adding(days: Int(earliestAdmission.rounded(.down)))
        let latest = activity.spells.reduce(-Double.infinity) {
            max($0, $1.admitted, $1.discharged ?? $1.admitted, $1.optimised ?? $1.admitted)
        }
        let to = requestedTo ?? origin.adding(days: Int(latest.rounded(.down)) + 1)
        guard from < to else {
            throw CommandFailure.usage("the measured period is empty: --from \(from) is not before --to \(to)")
        }
        guard to.daysSinceEpoch - origin.daysSinceEpoch <= ScenarioReader.maximumHorizonDays else {
            throw CommandFailure.usage(
                "the activity spans more than \(ScenarioReader.maximumHorizonDays) days from \(origin): give --from and --to"
            )
        }
        return (activity, origin, from, to)
    }

    /// Reads the activity over [from, to) (see `read`) as events. The activity returned keeps
    /// its name and counts of incomplete delays, not its spells: the events hold all that the
    /// projections need, so the spells (about a third of the memory a large file takes) are
    /// released before the events are projected or written.
    static func project(
        activityPath: String, scenario: Scenario, from requestedFrom: CivilDate?, to requestedTo: CivilDate?
    ) throws -> (events: ActivityEvents, activity: ActivityFile, from: CivilDate, to: CivilDate) {
        var (activity, origin, from, to) = try read(
            activityPath: activityPath, scenario: scenario, from: requestedFrom, to: requestedTo)
        let events = ActivityEvents(
            activity: activity, scenario: scenario, origin: origin, from: from,
            days: to.daysSinceEpoch - from.daysSinceEpoch)
        activity.spells = []
        activity.patients = []
        return (events, activity, from, to)
    }

    static func warnings(_ activity: ActivityFile, _ console: Console) {
        if activity.delaysWithoutReason > 0 {
            console.err(
                "warning: \(activity.file): \(activity.delaysWithoutReason) delayed spells have no delay_reason; their days count as O (other)\n"
            )
        }
        if activity.delaysWithoutResponsible > 0 {
            console.err(
                "warning: \(activity.file): \(activity.delaysWithoutResponsible) delayed spells have no 'responsible'; their days count as NHS\n"
            )
        }
    }

    /// The scenario given by `--population` (or `--scenario`): the one that names the activity
    /// file's cohorts, services and pathways.
    static func populationPath(_ a: Arguments, command: String, help: String) throws(CommandFailure) -> String {
        guard let path = a.value("population") ?? a.value("scenario") else {
            throw .usage(
                "\(command) needs --population SCENARIO (the scenario that names the file's cohorts, services and pathways)\n\n"
                    + help)
        }
        return path
    }

    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let o = try SharedOptions(
            args,
            .init(
                shared: [.out, .format, .events, .quiet, .overwrite], valued: ["population", "scenario", "from", "to"],
                operands: (1...1, "actuals needs exactly one activity file\n\n" + help)))
        let a = o.arguments
        let scenarioPath = try populationPath(a, command: "actuals", help: help)
        let from = try date(a, "from")
        let to = try date(a, "to")
        let loaded = try ScenarioLoader.load(path: scenarioPath)
        let path = a.positional[0]
        let out =
            o.out
            ?? "results/actuals-\(ResultFolders.baseName(path).replacingOccurrences(of: ".csv", with: ""))"
        var plan = o.outputPlan("actuals")
        plan.scenario(scenarioPath)
        plan.input("the activity file", path)
        plan.folders = [("--out", out, SummaryFiles.names)]
        if let events = o.events { plan.logs = [("--events", events)] }
        try plan.claim()
        let (events, activity, start, end) = try project(
            activityPath: path, scenario: loaded.scenario, from: from, to: to)
        warnings(activity, console)
        if let eventsPath = o.events {
            let header = EventLogHeader(context: events.context, scenarioHash: loaded.hash, seed: 0, replications: 1)
            let writer = try EventLogFileWriter(path: eventsPath, header: header)
            for e in events.events { writer.append(replication: 0, e) }
            try writer.finish()
        }
        let metrics = events.metrics()
        let summary = Summary([metrics])
        let manifest = events.manifest(
            activityFile: path, scenario: loaded, start: start, delaysWithoutReason: activity.delaysWithoutReason)
        try SummaryFiles.write(summary, manifest: manifest, to: out)
        switch o.format {
        case "json": console.out(SummaryFiles.summaryJSON(summary, manifest: manifest))
        case "csv": console.out(SummaryFiles.summaryCSV(summary))
        default:
            let title =
                "Actuals from \(path): \(events.spells) spells of \(events.patients) patients, \(start) to \(end.adding(days: -1)) (measured with \(loaded.scenario.name))"
            console.out(TableRenderer(color: console.color).summaryTable(summary, title: title))
            console.out("Results written to \(out)/ (summary.json, summary.csv, monthly.csv)\n")
        }
        return .success
    }

    // MARK: compare-actuals

    static func compare(_ args: [String], _ console: Console) throws -> ExitStatus {
        let o = try SharedOptions(
            args,
            .init(
                shared: [.out, .format, .quiet, .overwrite], valued: ["population", "scenario"],
                operands: (2...2, "compare-actuals needs a results folder and an activity file\n\n" + compareHelp),
                formats: ["table", "csv"]))
        let a = o.arguments
        let directory = a.positional[0]
        let forecast = try Forecast(directory: directory, warn: console.err)
        let summaryPath = forecast.file
        guard let scenarioPath = a.value("population") ?? a.value("scenario") ?? forecast.scenarioFile else {
            throw CommandFailure.usage("\(summaryPath) does not name its scenario file: give --population SCENARIO")
        }
        let (start, days) = try forecast.measuredPeriod()
        let loaded = try ScenarioLoader.load(path: scenarioPath)
        let out = o.out ?? directory + "/actuals"
        var plan = o.outputPlan("compare-actuals")
        plan.scenario(scenarioPath)
        plan.input("the activity file", a.positional[1])
        plan.input("the forecast", summaryPath)
        plan.folders = [("--out", out, ActualsComparison.fileNames)]
        try plan.claim()
        let to = start.adding(days: Int(days))
        let (events, activity, _, _) = try project(
            activityPath: a.positional[1], scenario: loaded.scenario, from: start, to: to)
        warnings(activity, console)
        let actual = events.metrics()
        let comparison = ActualsComparison(forecast: forecast, actual: actual)
        var set = ResultSet(directory: out)
        for file in comparison.files(actual: actual, activityFile: a.positional[1], start: start, days: days) {
            set.add(file.name, file.text)
        }
        try set.commit()
        if o.format == "csv" {
            console.out(comparison.csv)
            return .success
        }
        let title =
            "Forecast (\(forecast.scenarioName ?? directory), \(forecast.replications) replications) against actuals (\(a.positional[1])), \(start) to \(to.adding(days: -1))"
        console.out(comparison.table(color: console.color, title: title))
        console.out("Written to \(out)/ (compare-actuals.csv, compare-actuals-monthly.csv, and the actuals' summary)\n")
        return .success
    }
}
