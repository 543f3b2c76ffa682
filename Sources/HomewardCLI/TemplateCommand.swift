import HomewardKit

/// `homeward template SCENARIO [--out FILE.csv]`: the planner's template of a scenario.
enum TemplateCommand {
    static let help = """
        USAGE: homeward template SCENARIO [--out FILE.csv]

        Writes the planner's template of SCENARIO as CSV: one row per field a planner may edit
        (run settings, population and crisis rates, every service's capacity, 7-day working,
        every scheme's switch, the costs the scenario gives), with its group, path, label, unit,
        allowed values, current value, a blank 'new value' column, meaning, note and source.
        Open it in Excel, fill in 'new value' for the fields to change, save it as CSV, and turn
        it into a scenario variant with `homeward variant` (docs/workbook.md).

        OPTIONS
          --out FILE   Write the template here (default: standard output)
          --quiet      Do not say where it was written

        """

    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let a = try Arguments(args, valued: ["out"], flags: ["quiet"])
        guard a.positional.count == 1 else {
            throw CommandFailure.usage("template needs exactly one scenario file\n\n" + help)
        }
        let scenarioPath = a.positional[0]
        let loaded = try ScenarioLoader.load(path: scenarioPath)
        let catalog = ScenarioFieldCatalog(loaded)
        let text = PlanTemplate.csv(catalog)
        guard let out = a.value("out") else {
            console.out(text)
            return .success
        }
        var plan = OutputPlan()
        plan.scenario(scenarioPath)
        plan.files = [("--out", out)]
        try plan.claim()
        let parent = PathName.parent(of: out)
        if !parent.isEmpty { try AtomicFile.makeDirectory(parent) }
        try AtomicFile.write(text, to: out)
        if !a.flag("quiet") {
            console.out(
                "Template of \(catalog.fields.count) fields written to \(out); fill in its 'new value' column, then: homeward variant \(scenarioPath) --from \(out) --out VARIANT.json5\n"
            )
        }
        return .success
    }
}
