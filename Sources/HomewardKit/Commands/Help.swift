/// Help texts, one per command.
enum Help {
    static let overview = """
        homeward \(Homeward.version): patient flow through health and social care, simulated.

        USAGE: homeward COMMAND [options]

        COMMANDS
          run SCENARIO        Run a scenario's replications; print and save the forecast
          validate FILE...    Check scenario files; report every problem
          replay LOG          Recompute the summary from a saved event log
          help COMMAND        Show help for a command

        Exit codes: 0 success, 2 bad input or usage, 3 I/O or internal failure.
        The scenario format is documented in Scenarios/README.md.

        """

    static let run = """
        USAGE: homeward run SCENARIO [options]

        Runs the scenario's replications in parallel and prints the headline metrics with 95%
        confidence intervals. Writes DIR/summary.json, DIR/summary.csv and DIR/monthly.csv.

        OPTIONS
          --replications N   Number of replications (default: the scenario's, else 20)
          --seed S           Master seed (default: the scenario's)
          --threads N        Worker threads (default: all cores); results do not depend on it
          --out DIR          Where to write results (default: results/SCENARIO-NAME)
          --events FILE      Also write the event log (JSON Lines, FILE must end in .jsonl)
          --format F         table (default), json or csv on standard output
          --quiet            No progress bar

        """

    static let validate = """
        USAGE: homeward validate FILE...

        Checks each scenario (types, ranges, probabilities summing to 1, references to services,
        pathways and cohorts, dates, unknown fields) and prints every problem as
        FILE: field.path: message. Exit code 2 if any file has a problem.

        """

    static let replay = """
        USAGE: homeward replay LOG [--out DIR] [--format table|json]

        Reads an event log written by `run --events` and recomputes every metric from the events
        alone; the summary equals the run's to the last digit.

        """

    static let commands: [String: String] = ["run": run, "validate": validate, "replay": replay]
}
