/// The manifests of `actuals` and `compare-actuals`, which describe the activity measured.
extension ActivityEvents {
    /// The manifest of the actuals read from `activityFile` (measured with `scenario` from
    /// `start`), with the count of delays the file gave no reason for.
    public func manifest(activityFile: String, scenario: LoadedScenario, start: CivilDate, delaysWithoutReason: Int)
        -> JSONValue
    {
        .object(
            JSONObject([
                ("homewardVersion", .string(Homeward.version)), ("actualsOf", .string(activityFile)),
                ("scenarioFile", .string(scenario.file)),
                ("scenarioHash", .string(scenario.hash)), ("start", .string(start.description)),
                ("horizonDays", .number(Double(context.days))),
                ("warmupDays", .number(Double(context.warmupDays))), ("spells", .number(Double(spells))),
                ("patients", .number(Double(patients))),
                ("delaysWithoutReason", .number(Double(delaysWithoutReason))),
                ("replications", .number(1)),
            ]))
    }
}

/// The result files of `compare-actuals`: the comparison, by metric and by month, and the
/// actuals' own summary.
extension ActualsComparison {
    /// The names of the files `files` gives.
    public static let fileNames = ["compare-actuals.csv", "compare-actuals-monthly.csv"] + SummaryFiles.names

    /// The result files with their names; `actual` are the metrics of the activity in
    /// `activityFile` measured for `days` days from `start`.
    public func files(actual: ReplicationMetrics, activityFile: String, start: CivilDate, days: Double)
        -> [(name: String, text: String)]
    {
        let manifest = JSONValue.object(
            JSONObject([
                ("actualsOf", .string(activityFile)), ("start", .string(start.description)),
                ("horizonDays", .number(days)),
            ]))
        return [("compare-actuals.csv", csv), ("compare-actuals-monthly.csv", monthlyCSV)]
            + SummaryFiles.files(Summary([actual]), manifest: manifest)
    }
}
