import HomewardKit

/// `homeward report DIR --html FILE`: the HTML report of a results directory written by `run`,
/// `compare` or `sweep`.
enum ReportCommand {
    static let usage = """
        USAGE: homeward report DIR --html FILE

        Writes one self-contained HTML file (inline CSS and SVG charts, no scripts, no external
        resources; prints on A4) that reports the results in DIR: a forecast (summary.json, from
        run, replay or merge), a comparison (compare.json), a scheme evaluation (schemes.json)
        or a sweep (sweep.json).

        OPTIONS:
          --html FILE   where to write the report
          --quiet       do not print where the report was written

        Exit codes: 0 written, 2 DIR holds no recognisable results or bad usage, 3 cannot write FILE.

        """

    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let a = try Arguments(args, valued: ["html"], flags: ["quiet"])
        guard a.positional.count == 1 else {
            throw CommandFailure.usage("report needs exactly one results directory\n\n" + usage)
        }
        guard let file = a.value("html"), !file.isEmpty else {
            throw CommandFailure.usage("report needs --html FILE (the only format in this version)\n\n" + usage)
        }
        var plan = OutputPlan()
        for input in OutputPlan.resultFiles(a.positional[0]) { plan.input("a results file", input) }
        plan.files = [("--html", file)]
        try plan.claim()
        try ResultSet.verify(a.positional[0], warn: console.err)
        let html = try HTMLReport.build(resultsDirectory: a.positional[0])
        try AtomicFile.write(html, to: file)
        if !a.flag("quiet") { console.out("Report written to \(file)\n") }
        return .success
    }
}
