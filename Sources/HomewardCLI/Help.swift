import HomewardKit

/// Help texts, one per command.
enum Help {
    /// `homeward --help`: every command of the table, one line each, and the exit statuses.
    static var overview: String {
        let lines = (CommandTable.all.map { ($0.synopsis, $0.summary) } + [("help COMMAND", "Show help for a command")])
            .map { synopsis, summary in
                "  " + synopsis + String(repeating: " ", count: max(2, 20 - synopsis.count)) + summary + "\n"
            }
        return """
            homeward \(Homeward.version): patient flow through health and social care, simulated.

            USAGE: homeward COMMAND [options]

            COMMANDS

            """ + lines.joined()
                + """

                Exit codes: 0 success, 1 a target missed (check) or a check failed (verify), 2 bad
                input or usage, 3 I/O or internal failure, 130 / 143 stopped by Ctrl-C / SIGTERM.
                The scenario format is documented in Scenarios/README.md.

                """
    }

    /// The `--overwrite` line of every command that writes a results folder.
    static let overwrite = """
          --overwrite        Write into DIR even when it holds another command's results, the
                             results of other scenario files, or files Homeward did not write
                             (refused otherwise; the same command on the same files always
                             replaces its own results)
        """

    static let run = """
        USAGE: homeward run SCENARIO [options]

        Runs the scenario's replications in parallel and prints the headline metrics with the
        95% confidence interval of each mean (where the long-run mean lies) and the planning
        range P10 to P90 (where 8 years in 10 fall; from 10 replications on). Writes
        DIR/summary.json, DIR/summary.csv and DIR/monthly.csv.

        OPTIONS
          --replications N   Number of replications (default: the scenario's, else 20)
          --seed S           Master seed (default: the scenario's)
          --threads N        Worker threads (default: all cores); results do not depend on it
          --out DIR          Where to write results (default: results/SCENARIO-NAME)
        \(overwrite)
          --events FILE      Also write the event log: binary (.hwlog; any name not ending in
                             .jsonl or .csv), JSON Lines (.jsonl) or CSV (.csv). See docs/event-log.md
          --format F         table (default), json or csv on standard output
          --precision P      Add replications until every headline metric's 95% CI half-width is
                             within P of its mean (e.g. 5% or 0.05); the summary says what was
                             reached (confidence-interval method, Hoad, Robinson and Davies)
          --max-replications M  Cap for --precision (default 1000)
          --shard I/N        Run only replications r with r % N == I and write DIR/partial.json
                             (combine with `homeward merge`); `--shard auto` takes I from
                             JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or HOMEWARD_SHARD_INDEX
                             and N from auto/N, HOMEWARD_SHARD_COUNT or SLURM_ARRAY_TASK_COUNT
          --html FILE        Also write an HTML report of the results (implies --daily)
          --xlsx FILE        Also write an Excel workbook of the results (a sheet per table)
          --census-from ACTIVITY.csv --at DATE
                             Start on DATE, with no warm-up, from the patients the activity
                             (docs/actuals.md) has in hospital and in each service at midnight
                             starting DATE; patients already medically optimised with a pathway
                             start delayed on it
          --daily            Also keep per-day occupancy of every service (5th-95th percentiles
                             across replications, for fan charts): DIR/daily.csv and summary.json
          --quiet            No progress bar
          --progress-lines   Progress as lines `progress DONE TOTAL` on standard error, for a
                             program running the command (as `homeward serve` does)

        """

    static let merge = """
        USAGE: homeward merge DIR... --out DIR [--format table|json]

        Combines the partial results of `run --shard I/N` (each DIR holds a partial.json) into the
        result a single machine would have produced: the same summary.json metrics, bit for bit.
        Refuses shards from different scenarios, seeds, options or Homeward versions, edited
        shards (each partial.json carries a checksum), overlapping shards and missing ones.

        OPTIONS
        \(overwrite)

        """

    static let check = """
        USAGE: homeward check SCENARIO... [options]

        Runs each scenario and judges its `targets` (for example { metric: "dtocPer100kPerMonth",
        atMost: 500 }, or with confidence: 0.9, "in 9 replications out of 10") met, missed or
        undecided, adding replications until every verdict is clear at 95% or the cap is reached
        (docs/experiments.md, "Verdicts that do not flip with the seed"). Prints each target
        with its verdict, the achieved value and its 95% CI, the share within and the interval
        judged on. Exit code 0 when every target is met, 1 when any is missed or undecided
        (undecided counts as not met), 2 on bad input. Overload warnings (a service whose offered
        load reaches its capacity, a queue that keeps growing, extreme waits; docs/metrics.md)
        are printed under each scenario's table and do not change the exit code unless
        --fail-on-warnings is given, when they count as a missed target (exit 1).

        OPTIONS
          --junit FILE       Write a JUnit XML report (a test case per target per scenario);
                             the table is always written to DIR/check.csv
          --fail-on-warnings Exit 1 when any scenario's results carry an overload warning
          --replications N   Replications at the first look (default: each scenario's; at least 2)
          --max-replications M  The most replications a verdict may take (default 1000)
          --seed S           Master seed (default: each scenario's)
          --threads N        Worker threads (default: all cores)
          --out DIR          Where to keep each scenario's results (default: results/check)
        \(overwrite)
          --resume           Reuse matching results in DIR from an earlier, interrupted check
          --shard I/N        Check only scenarios i with i % N == I (write one JUnit file per shard)
          --quiet            No progress bar

        """

    static let sweep = """
        USAGE: homeward sweep SCENARIO --vary FIELD=FROM..TO:STEP [--vary ...] [options]

        Runs every combination of the varied fields (the first --vary varies slowest) on the same
        random streams, and writes a table and DIR/sweep.csv of every metric per point. FIELD is a
        dotted path in the scenario (services.reablement.capacity); a capacity calendar has its
        base varied.

        With --target "METRIC <= VALUE" (or >=) it judges each point met, missed or undecided
        and names the first point in the grid that is met: on the mean, or with --confidence P
        in at least a share P of replications ("delayed bed days under 2,000 in the worst month
        in 9 winters out of 10": --target "delayedBedDaysWorstMonth <= 2000" --confidence 0.9).
        Each point gets more replications until its verdict is clear at 95% or the cap is
        reached (docs/experiments.md, "Verdicts that do not flip with the seed").

        OPTIONS
          --replications N   Replications per point (with a target, at the first look; default:
                             the scenario's; at least 2)
          --max-replications M  With a target, the most replications a point may take (default 1000)
          --seed S           Master seed (default: the scenario's)
          --threads N        Worker threads (default: all cores)
          --out DIR          Where to write results (default: results/sweep-SCENARIO)
        \(overwrite)
          --html FILE        Also write an HTML report (each metric against the setting)
          --xlsx FILE        Also write an Excel workbook of the results (a sheet per table)
          --resume           Reuse matching points already finished in DIR/points
          --shard I/N        Run only points i with i % N == I (then gather DIR/points and --resume)
          --format F         table (default) or csv on standard output
          --quiet            No progress bar
          --progress-lines   Progress as lines `progress DONE TOTAL` (sweep points) on standard error

        """

    static let warmup = """
        USAGE: homeward warmup SCENARIO [--replications N] [--window W] [--out DIR]

        Runs the scenario from empty over its warm-up and measured days, averages the daily
        midnight occupancy of each service and the number of delayed patients over replications,
        and smooths them with a centred moving average (Welch's method). Because demand is
        seasonal, each curve is compared with a reference: the same scenario warmed up for an
        extra year, on the same days. The suggestion is where the two stay within 2% (rounded up
        to 10 days). Writes DIR/warmup.csv.

        OPTIONS
          --replications N   Replications (default 10)
          --window W         Half-width of the moving average in days (default 7)
          --seed S, --threads N, --out DIR (default: results/warmup-SCENARIO)
        \(overwrite)

        """

    static let schemes = """
        USAGE: homeward schemes SCENARIO [--replications N] [--seed S] [--out DIR] [--format table|csv] [--html FILE] [--xlsx FILE]

        Evaluates each of the scenario's schemes alone, and all of them together, against the
        scenario without any, on common random numbers. For each: NELs avoided, acute bed days
        and delayed bed days saved, permanent care-home admissions avoided, the change in the
        91-day reablement rate, the schemes' cost, cost per NEL avoided, and net cost after the
        savings at the scenario's unit costs (the change in total cost); each with a 95% CI.
        Writes DIR/schemes.json, DIR/schemes.csv and each option's summary; --html FILE also
        writes the HTML report (the same as 'homeward report DIR --html FILE'), --xlsx FILE the
        Excel workbook.

        OPTIONS
          --out DIR          Where to write results (default: results/schemes-SCENARIO)
        \(overwrite)
          --progress-lines   Progress as lines `progress DONE TOTAL` on standard error

        """

    static let verify = """
        USAGE: homeward verify [--quick] [--scenarios DIR]

        Runs the built-in verification cases (scenario files in DIR/verification, and the
        baseline) and compares the simulation with exact results: Erlang B loss (also with
        lognormal stays: insensitivity), Erlang C waits, M/M/c/K (a finite ED waiting room, and a
        waiting list before reablement), M/G/infinity occupancy under seasonal demand, an
        acute-to-reablement network with blocking solved exactly as a Markov chain, Little's law
        on every service of the baseline and conservation of patients. Prints the
        theory, the simulated mean and its 99% CI, and PASS or FAIL. Exit code 1 on any FAIL.
        --quick runs a quarter of the replications (for CI); --csv FILE also writes the table.

        Verification shows the engine computes what the model says; it cannot show the model
        fits a real system: for that, compare a forecast with local data.

        """

    static let validate = """
        USAGE: homeward validate FILE...

        Checks each scenario (types, ranges, probabilities summing to 1, references to services,
        pathways and cohorts, dates, unknown fields) and prints every problem as
        FILE: field.path: message. Exit code 2 if any file has a problem. A census (or a care
        home's initial residents) above the capacity at the start is allowed and noted as a
        warning on standard error: the service runs over capacity until enough patients leave.

        """

    static let compare = """
        USAGE: homeward compare BASE VARIANT... [options]

        Runs the scenarios on the same random streams (common random numbers) and reports, for
        every metric, each scenario's mean and the paired difference (variant minus base) with
        its 95% confidence interval, and whether it is better, worse or no clear change (the
        interval includes zero); the files also give P10 to P90 of the per-replication
        differences (where the difference falls in 8 years of 10).
        Writes DIR/compare.json, DIR/compare.csv and each scenario's summary files.

        OPTIONS
          --replications N   Replications of each scenario (default: the base's; at least 2)
          --seed S           Master seed shared by all scenarios (default: the base's)
          --threads N        Worker threads (default: all cores)
          --out DIR          Where to write results (default: results/compare-BASE)
        \(overwrite)
          --html FILE        Also write an HTML report (forest plot of the differences)
          --xlsx FILE        Also write an Excel workbook of the results (a sheet per table)
          --format F         table (default), json or csv on standard output
          --quiet            No progress bar
          --progress-lines   Progress as lines `progress DONE TOTAL` on standard error

        """
}
