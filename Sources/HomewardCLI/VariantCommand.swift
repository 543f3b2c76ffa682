import HomewardKit

/// `homeward variant SCENARIO --from PLAN.csv --out VARIANT.json5`: a filled-in template as a
/// scenario variant.
enum VariantCommand {
    static let help = """
        USAGE: homeward variant SCENARIO --from PLAN.csv --out VARIANT.json5 [--name NAME]
                                [--description TEXT]

        Reads a filled-in template of SCENARIO (written by `homeward template`, saved as CSV by
        Excel or any spreadsheet) and writes a variant that `extends` SCENARIO and holds only the
        fields given a new value, with a comment saying what it changes; then checks it with the
        validator of `homeward validate`. Every problem names the file, the row and the column,
        the field and what it takes ("plan.csv, row 14, column G (new value): 'ten' is not a
        number (services.reablement.capacity takes a whole number from 0 to 1,000,000)"); on any
        problem nothing is written and the exit code is 2.

        OPTIONS
          --from FILE         The filled-in template (CSV; docs/workbook.md)
          --out FILE          Where to write the variant: in the folder of SCENARIO or above it,
                              since `extends` reads only the folder of the file being read and below it
          --name NAME         The variant's name (default: the base's name with the changes)
          --description TEXT  Its description (default: what it changes, from which base)
          --quiet             Do not list the changes

        """

    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let a = try Arguments(args, valued: ["from", "out", "name", "description"], flags: ["quiet"])
        guard a.positional.count == 1, let from = a.value("from"), let out = a.value("out") else {
            throw CommandFailure.usage(
                "variant needs one scenario file, --from PLAN.csv and --out VARIANT.json5\n\n" + help)
        }
        let scenarioPath = a.positional[0]
        if !ScenarioLoader.canExtend(scenarioPath, from: out) {
            throw CommandFailure.usage(
                "--out \(out): the variant extends \(scenarioPath), which is outside its folder (`extends` reads only the folder of the file being read and below it): write the variant in the scenario's folder or above it"
            )
        }
        let base = try ScenarioLoader.load(path: scenarioPath)
        var plan = OutputPlan()
        plan.scenario(scenarioPath)
        plan.input("the plan template", from)
        plan.files = [("--out", out)]
        try plan.claim()
        let (variant, _) = try PlanTemplate.variant(
            base: base, plan: from, file: out, name: a.value("name"), description: a.value("description"))
        let parent = PathName.parent(of: out)
        if !parent.isEmpty { try AtomicFile.makeDirectory(parent) }
        try AtomicFile.write(variant.text, to: out)
        if !a.flag("quiet") {
            var text =
                "Variant written to \(out) (extends \(scenarioPath)), changing \(variant.changes.count == 1 ? "1 field" : "\(variant.changes.count) fields"):\n"
            for c in variant.changes {
                text += "  \(c.field.path): \(c.field.currentText) -> \(ScenarioField.text(c.value))\n"
            }
            text += "Compare it with its base: homeward compare \(scenarioPath) \(out)\n"
            console.out(text)
        }
        return .success
    }
}
