/// The result file of `check`: `check.csv`, one row per target of each scenario checked.
public enum CheckFiles {
    /// The name of the file `csv` gives.
    public static let name = "check.csv"

    /// `scenario_file,scenario,target,metric,bound,value,confidence,achieved_mean,ci95_low,ci95_high,share_within,met`.
    public static func csv(_ suites: [JUnitReport.Suite]) -> String {
        var csv = CSV.row([
            "scenario_file", "scenario", "target", "metric", "bound", "value", "confidence", "achieved_mean",
            "ci95_low", "ci95_high", "share_within", "met",
        ])
        for suite in suites {
            for v in suite.verdicts {
                csv += CSV.row([
                    .text(suite.file), .text(suite.name), .text(v.target.name), .text(v.target.metric),
                    .text(v.target.bound.rawValue),
                    CSV.number(v.target.value),
                    v.target.confidence.map(CSV.number) ?? "", CSV.number(v.interval.mean), CSV.number(v.interval.low),
                    CSV.number(v.interval.high), CSV.number(v.share), v.met ? "yes" : "no",
                ])
            }
        }
        return csv
    }
}
