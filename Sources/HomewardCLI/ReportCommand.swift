import HomewardKit

/// `homeward report DIR --html FILE --xlsx FILE`: the HTML report, or the Excel workbook, of a
/// results directory written by `run`, `compare`, `schemes` or `sweep`.
enum ReportCommand {
    static let usage = """
        USAGE: homeward report DIR [--html FILE] [--xlsx FILE]

        Writes one self-contained HTML file (inline CSS and SVG charts, no scripts, no external
        resources; prints on A4) that reports the results in DIR: a forecast (summary.json, from
        run, replay or merge), a comparison (compare.json), a scheme evaluation (schemes.json)
        or a sweep (sweep.json). With --xlsx, writes an Excel workbook of the same results: a
        sheet per table (summary, monthly, comparison, sweep...), numbers as numbers, then the
        scenario's assumptions and the run's manifest.

        OPTIONS:
          --html FILE   where to write the report
          --xlsx FILE   where to write the workbook
          --quiet       do not print where they were written

        At least one of --html and --xlsx is needed.

        Exit codes: 0 written, 2 DIR holds no recognisable results or bad usage, 3 cannot write FILE.

        """

    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let a = try Arguments(args, valued: ["html", "xlsx"], flags: ["quiet"])
        guard a.positional.count == 1 else {
            throw CommandFailure.usage("report needs exactly one results directory\n\n" + usage)
        }
        let html = a.value("html")
        let xlsx = a.value("xlsx")
        guard html != nil || xlsx != nil else {
            throw CommandFailure.usage("report needs --html FILE or --xlsx FILE (or both)\n\n" + usage)
        }
        for (name, file) in [("--html", html), ("--xlsx", xlsx)] where file?.isEmpty == true {
            throw CommandFailure.usage("\(name) needs a file name\n\n" + usage)
        }
        var plan = OutputPlan()
        for input in OutputPlan.resultFiles(a.positional[0]) { plan.input("a results file", input) }
        plan.files = [("--html", html), ("--xlsx", xlsx)].compactMap { name, file in file.map { (name, $0) } }
        try plan.claim()
        try ResultSet.verify(a.positional[0], warn: console.err)
        if let html {
            try AtomicFile.write(try HTMLReport.build(resultsDirectory: a.positional[0]), to: html)
            if !a.flag("quiet") { console.out("Report written to \(html)\n") }
        }
        if let xlsx {
            try AtomicFile.write(bytes: try ResultsWorkbook.build(resultsDirectory: a.positional[0]), to: xlsx)
            if !a.flag("quiet") { console.out("Workbook written to \(xlsx)\n") }
        }
        return .success
    }
}
