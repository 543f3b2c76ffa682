/// A `homeward` command: its name, what the overview says of it, its help, and what runs it.
/// Adding a command adds an entry to `CommandTable.all` and the command's own file.
struct Command: Sendable {
    /// What the user types: `homeward NAME`.
    var name: String
    /// The command as the overview lists it (`run SCENARIO`).
    var synopsis: String
    /// One line for the overview.
    var summary: String
    /// The text of `homeward help NAME` and `homeward NAME --help`.
    var help: String
    /// Runs the command with the arguments after its name.
    var run: @Sendable ([String], Console) throws -> ExitStatus
}

/// Every command, in the order the overview lists them: dispatch, `homeward help`,
/// `homeward help COMMAND` and `COMMAND --help` all read this table.
enum CommandTable {
    static let all: [Command] = [
        Command(
            name: "run", synopsis: "run SCENARIO",
            summary: "Run a scenario's replications; print and save the forecast", help: Help.run,
            run: RunCommand.run),
        Command(
            name: "validate", synopsis: "validate FILE...", summary: "Check scenario files; report every problem",
            help: Help.validate, run: ValidateCommand.run),
        Command(
            name: "verify", synopsis: "verify [--quick]",
            summary: "Check the simulator against exact queueing results", help: Help.verify, run: VerifyCommand.run),
        Command(
            name: "compare", synopsis: "compare BASE VAR...", summary: "Compare scenarios on common random numbers",
            help: Help.compare, run: CompareCommand.run),
        Command(
            name: "sweep", synopsis: "sweep SCENARIO",
            summary: "Run a grid of settings; find the smallest that meets a target", help: Help.sweep,
            run: SweepCommand.run),
        Command(
            name: "schemes", synopsis: "schemes SCENARIO",
            summary: "What each Better Care Fund scheme is worth, alone and together", help: Help.schemes,
            run: SchemesCommand.run),
        Command(
            name: "warmup", synopsis: "warmup SCENARIO", summary: "Suggest a warm-up length (Welch's method)",
            help: Help.warmup, run: WarmupCommand.run),
        Command(
            name: "check", synopsis: "check SCENARIO...",
            summary: "Run scenarios and judge their targets (exit 1 if any is missed)", help: Help.check,
            run: CheckCommand.run),
        Command(
            name: "merge", synopsis: "merge DIR...", summary: "Combine shards (run --shard I/N) into one result",
            help: Help.merge, run: MergeCommand.run),
        Command(
            name: "replay", synopsis: "replay LOG",
            summary: "Recompute the summary from a saved event log (any format; --salvage)",
            help: EventLogReplayCommand.help, run: EventLogReplayCommand.run),
        Command(
            name: "events", synopsis: "events convert|info|activity",
            summary: "Convert or check an event log; write it as activity", help: EventsCommand.help,
            run: EventsCommand.run),
        Command(
            name: "actuals", synopsis: "actuals ACTIVITY",
            summary: "Measure real activity (one row per spell) with the forecast's metrics",
            help: ActualsCommand.help, run: ActualsCommand.run),
        Command(
            name: "compare-actuals", synopsis: "compare-actuals DIR ACTIVITY",
            summary: "A forecast and actuals side by side, per metric and month", help: ActualsCommand.compareHelp,
            run: ActualsCommand.compare),
        Command(
            name: "calibrate", synopsis: "calibrate ACTIVITY",
            summary: "Fit rates, stays and mixes to activity; write a scenario fragment", help: CalibrateCommand.help,
            run: CalibrateCommand.run),
        Command(
            name: "template", synopsis: "template SCENARIO",
            summary: "Write the planner's template of a scenario: every editable field, as CSV",
            help: TemplateCommand.help, run: TemplateCommand.run),
        Command(
            name: "variant", synopsis: "variant SCENARIO",
            summary: "Turn a filled-in template into a scenario variant (--from PLAN.csv)",
            help: VariantCommand.help, run: VariantCommand.run),
        Command(
            name: "trace", synopsis: "trace LOG", summary: "Tell one patient's story from an event log",
            help: TraceCommand.help, run: TraceCommand.run),
        Command(
            name: "report", synopsis: "report DIR --html F --xlsx F",
            summary: "Write an HTML report or Excel workbook of results (run, compare, schemes or sweep)",
            help: ReportCommand.usage,
            run: ReportCommand.run),
        Command(
            name: "serve", synopsis: "serve [DIR]",
            summary: "The workbench in the browser: run, compare and download scenarios in DIR",
            help: ServeCommand.help, run: ServeCommand.run),
    ]

    /// The command called `name`, if there is one.
    static func named(_ name: String) -> Command? { all.first { $0.name == name } }
}
