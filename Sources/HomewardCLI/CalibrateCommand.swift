import Foundation
import HomewardKit

/// `homeward calibrate ACTIVITY.csv --population SCENARIO [--out FRAGMENT.json5]`
enum CalibrateCommand {
    static let help = """
        USAGE: homeward calibrate ACTIVITY.csv --population SCENARIO [--from DATE] [--to DATE]
                                  [--out FRAGMENT.json5]

        Fits scenario parameters to real activity (the CSV format of docs/actuals.md): for each
        cohort the crisis rate with its day-of-week, hour-of-day and (with a year of data) month
        profiles, the length of stay (exponential, gamma, lognormal and Weibull fitted by
        maximum likelihood, the lowest AIC chosen, with the Kolmogorov-Smirnov distance),
        in-hospital mortality and the pathway mix; for each community service the episode
        length; with three or more years of activity, how much years and winters differ beyond
        chance (a demandVariation block, docs/model.md). Writes a scenario fragment that
        `extends` SCENARIO, in which every fitted value says where it came from; observed delays
        are reported in comments (in Homeward they are an output, not an input).

        OPTIONS
          --population FILE  The scenario whose cohorts, services and pathways the file names
          --from DATE        First day of the fitting window (default: the first admission)
          --to DATE          Day after the window (default: the day after the last time)
          --out FILE         Write the fragment here (default: standard output); in the folder
                             of SCENARIO or above it, since `extends` reads only the folder of
                             the file being read and below it

        Check the fragment with `homeward validate FILE` and compare a run of it with the
        actuals using `homeward compare-actuals`.

        """

    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let a = try Arguments(args, valued: ["population", "scenario", "from", "to", "out"], flags: ["quiet"])
        guard a.positional.count == 1 else {
            throw CommandFailure.usage("calibrate needs exactly one activity file\n\n" + help)
        }
        let scenarioPath = try ActualsCommand.populationPath(a, command: "calibrate", help: help)
        if let out = a.value("out"), !ScenarioLoader.canExtend(scenarioPath, from: out) {
            throw CommandFailure.usage(
                "--out \(out): the fragment extends \(scenarioPath), which is outside its folder (`extends` reads only the folder of the file being read and below it): write the fragment in the scenario's folder or above it"
            )
        }
        let loaded = try ScenarioLoader.load(path: scenarioPath)
        var plan = OutputPlan()
        plan.scenario(scenarioPath)
        plan.input("the activity file", a.positional[0])
        if let out = a.value("out") { plan.files = [("--out", out)] }
        try plan.claim()
        let (activity, origin, from, to) = try ActualsCommand.read(
            activityPath: a.positional[0], scenario: loaded.scenario, from: try ActualsCommand.date(a, "from"),
            to: try ActualsCommand.date(a, "to"))
        ActualsCommand.warnings(activity, console)
        let calibration = Calibration(
            activity: activity, scenario: loaded.scenario, scenarioFile: scenarioPath, origin: origin, from: from,
            to: to)
        guard let out = a.value("out") else {
            console.out(calibration.fragment(extends: scenarioPath))
            return .success
        }
        let fragment = calibration.fragment(
            extends: PathName.relative(scenarioPath, from: PathName.parent(of: out)))
        let parent = PathName.parent(of: out)
        if !parent.isEmpty { try AtomicFile.makeDirectory(parent) }
        try AtomicFile.write(fragment, to: out)
        if !a.flag("quiet") {
            var rows: [[String]] = []
            for c in calibration.cohorts {
                let best = c.stays.best
                rows.append([
                    c.name, "\(c.admissions + c.crisisResponseEpisodes)",
                    c.rate.map { "\(TableRenderer.format($0.value)) \($0.key)" } ?? "n/a",
                    best.map { "\($0.family.rawValue), mean \(TableRenderer.format($0.mean))" } ?? "n/a",
                    best.map {
                        TableRenderer.format($0.ksStatistic) + ($0.ksStatistic <= $0.ksCriticalValue05 ? "" : " (poor)")
                    } ?? "",
                ])
            }
            console.out(
                TableRenderer(color: console.color).render(
                    title: "Calibration from \(a.positional[0]), \(from) to \(to.adding(days: -1))",
                    header: ["cohort", "crises seen", "rate", "length of stay", "KS D"],
                    rows: rows, rightAligned: [1, 2]))
            let d = calibration.demandVariation
            if let level = d.annualLevelCV, let winter = d.winterSeverityCV {
                console.out(
                    "Demand variation from \(d.years) years and \(d.winters) winters: annual level CV \(TableRenderer.format(level)), winter severity CV \(TableRenderer.format(winter))\n"
                )
            } else {
                console.out("Demand variation not estimated: \(d.failure ?? "")\n")
            }
            console.out("Fragment written to \(out) (check it with: homeward validate \(out))\n")
        }
        return .success
    }
}
