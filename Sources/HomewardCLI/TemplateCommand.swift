import HomewardKit

/// `homeward template SCENARIO [--out FILE.csv]`: the planner's template of a scenario.
enum TemplateCommand {
    static let help = """
        USAGE: homeward template SCENARIO [--out FILE.csv] [--xlsx FILE.xlsx]

        Writes the planner's template of SCENARIO as CSV: one row per field a planner may edit
        (run settings, population and crisis rates, every service's capacity, 7-day working,
        every scheme's switch, the costs the scenario gives), with its group, path, label, unit,
        allowed values, current value, a blank 'new value' column, meaning, note and source.
        Open it in Excel, fill in 'new value' for the fields to change, save it as CSV, and turn
        it into a scenario variant with `homeward variant` (docs/workbook.md).

        OPTIONS
          --out FILE   Write the template here (default: standard output)
          --xlsx FILE  Also (or only) write it as an Excel workbook: one sheet, "Plan", with
                       numbers as numbers; fill it in and save that sheet as CSV
          --quiet      Do not say where it was written

        """

    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let a = try Arguments(args, valued: ["out", "xlsx"], flags: ["quiet"])
        guard a.positional.count == 1 else {
            throw CommandFailure.usage("template needs exactly one scenario file\n\n" + help)
        }
        let scenarioPath = a.positional[0]
        let loaded = try ScenarioLoader.load(path: scenarioPath)
        let catalog = ScenarioFieldCatalog(loaded)
        let text = PlanTemplate.csv(catalog)
        let out = a.value("out")
        let xlsx = a.value("xlsx")
        if out == nil && xlsx == nil {
            console.out(text)
            return .success
        }
        var plan = OutputPlan()
        plan.scenario(scenarioPath)
        plan.files = [("--out", out), ("--xlsx", xlsx)].compactMap { option, file in file.map { (option, $0) } }
        try plan.claim()
        for (_, file) in plan.files {
            let parent = PathName.parent(of: file)
            if !parent.isEmpty { try AtomicFile.makeDirectory(parent) }
        }
        if let out { try AtomicFile.write(text, to: out) }
        if let xlsx {
            var book = Workbook()
            book.add(PlanTemplate.sheet(catalog))
            do {
                try AtomicFile.write(bytes: try book.xlsx(), to: xlsx)
            } catch let failure as Workbook.Failure {
                throw CommandFailure.usage("--xlsx \(xlsx): \(failure)")
            }
        }
        if !a.flag("quiet") {
            let files = [out, xlsx].compactMap { $0 }.joined(separator: " and ")
            console.out(
                "Template of \(catalog.fields.count) fields written to \(files); fill in its 'new value' column, save it as CSV, then: homeward variant \(scenarioPath) --from PLAN.csv --out VARIANT.json5\n"
            )
        }
        return .success
    }
}
