/// The result file of `check`: `check.csv`, one row per target of each scenario checked.
public enum CheckFiles {
    /// The name of the file `csv` gives.
    public static let name = "check.csv"

    /// `scenario_file,scenario,target,metric,bound,value,confidence,achieved_mean,ci95_low,ci95_high,share_within,met,`
    /// `verdict,share_low,share_high,judged_low,judged_high,judged_level,replications`: `met` is
    /// yes only for a verdict of met (undecided is no); `share_low`/`share_high` is the share's
    /// exact interval and `judged_low`/`judged_high` the interval the verdict was judged on (the
    /// share's, or the mean's for a target on the mean), both at `judged_level`; `replications`
    /// is the number judged on.
    public static func csv(_ suites: [JUnitReport.Suite]) -> String {
        var csv = CSV.row([
            "scenario_file", "scenario", "target", "metric", "bound", "value", "confidence", "achieved_mean",
            "ci95_low", "ci95_high", "share_within", "met", "verdict", "share_low", "share_high", "judged_low",
            "judged_high", "judged_level", "replications",
        ])
        for suite in suites {
            for v in suite.verdicts {
                csv += CSV.row([
                    .text(suite.file), .text(suite.name), .text(v.target.name), .text(v.target.metric),
                    .text(v.target.bound.rawValue),
                    CSV.number(v.target.value),
                    v.target.confidence.map(CSV.number) ?? "", CSV.number(v.interval.mean), CSV.number(v.interval.low),
                    CSV.number(v.interval.high), CSV.number(v.share), v.met ? "yes" : "no", .text(v.outcome.rawValue),
                    CSV.number(v.shareInterval.low), CSV.number(v.shareInterval.high), CSV.number(v.decisive.low),
                    CSV.number(v.decisive.high), CSV.number(v.level), .integer(v.replications),
                ])
            }
        }
        return csv
    }
}
