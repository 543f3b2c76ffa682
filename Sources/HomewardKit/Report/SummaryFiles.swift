import Foundation

/// The result files of a run: `summary.json`, `summary.csv` and `monthly.csv`.
public enum SummaryFiles {
    /// What a run's result files describe beyond the numbers: the scenario's start (for daily
    /// dates) and its stated assumptions (every `source` note, by field).
    public struct Context: Sendable {
        public var start: CivilDate
        public var name: String
        public var description: String
        public var assumptions: [(path: String, text: String)]
        /// Where the spread comes from, when the scenario has uncertain values.
        public var sensitivity: SensitivityAnalysis?
        /// When the results are flagged as overload (the scenario's `warnings`).
        public var warningThresholds: WarningThresholds
        /// The acute hospital's name (its wait is judged as the ED wait).
        public var acute: String?

        public init(scenario: Scenario) {
            start = scenario.start
            name = scenario.name
            description = scenario.description
            assumptions = scenario.sources
            warningThresholds = scenario.warnings
            acute = scenario.services[scenario.acute].name
        }

        /// The overload warnings of `summary` under this context's thresholds.
        public func warnings(_ summary: Summary) -> [OverloadWarning] {
            OverloadWarning.of(summary, thresholds: warningThresholds, acute: acute)
        }
    }

    /// `summary.json`: the manifest, metrics, monthly (and daily) series, the scenario's name
    /// and assumptions, and `warnings` (see `OverloadWarning.json`): the given ones, else those
    /// of the context's thresholds; absent with neither.
    public static func summaryJSON(
        _ summary: Summary, manifest: JSONValue, context: Context? = nil, warnings: [OverloadWarning]? = nil
    ) -> String {
        var top = JSONObject([
            ("manifest", manifest), ("metrics", summary.metricsJSON), ("monthly", summary.monthlyJSON),
        ])
        if let context {
            if let daily = summary.dailyJSON(start: context.start) { top["daily"] = daily }
            top["scenario"] = .object(
                JSONObject([
                    ("name", .string(context.name)), ("description", .string(context.description)),
                    (
                        "assumptions",
                        .array(
                            context.assumptions.map {
                                .object(JSONObject([("field", .string($0.path)), ("source", .string($0.text))]))
                            })
                    ),
                ]))
            if let sensitivity = context.sensitivity { top["uncertainty"] = sensitivity.json }
        }
        if let list = warnings ?? context?.warnings(summary) { top["warnings"] = .array(list.map(\.json)) }
        return JSONValue.object(top).jsonText(pretty: true) + "\n"
    }

    /// Tidy daily bands: `date,series,p5,p25,median,p75,p95,mean,ci95_low,ci95_high` (present
    /// when daily series were kept).
    public static func dailyCSV(_ summary: Summary, start: CivilDate) -> String {
        var rows = [
            CSV.row(["date", "series", "p5", "p25", "median", "p75", "p95", "mean", "ci95_low", "ci95_high"])
        ]
        for b in summary.daily {
            for d in b.median.indices {
                rows.append(
                    CSV.row([
                        .text(start.adding(days: d).description), .text(b.key), CSV.number(b.p5[d]),
                        CSV.number(b.p25[d]),
                        CSV.number(b.median[d]),
                        CSV.number(b.p75[d]), CSV.number(b.p95[d]), CSV.number(b.mean[d]), CSV.number(b.low[d]),
                        CSV.number(b.high[d]),
                    ]))
            }
        }
        return rows.joined()
    }

    /// One row per metric: `metric,unit,mean,ci95_low,ci95_high,p10,median,p90,replications,description`
    /// (the 95% interval of the mean, then the planning range across replications; P10 and P90
    /// are empty with fewer than ``PlanningRange/minimumReplications`` replications).
    public static func summaryCSV(_ summary: Summary) -> String {
        var rows = [
            CSV.row([
                "metric", "unit", "mean", "ci95_low", "ci95_high", "p10", "median", "p90", "replications",
                "description",
            ])
        ]
        for e in summary.entries {
            let info = Metric.lookup(e.key)
            rows.append(
                CSV.row([
                    .text(e.key), .text(info?.unit ?? ""), CSV.number(e.interval.mean), CSV.number(e.interval.low),
                    CSV.number(e.interval.high), CSV.number(e.planning.p10), CSV.number(e.planning.median),
                    CSV.number(e.planning.p90), .integer(e.values.count), .text(info?.meaning ?? ""),
                ]))
        }
        return rows.joined()
    }

    /// Tidy monthly series: `month,metric,mean,ci95_low,ci95_high,p10,p90`.
    public static func monthlyCSV(_ summary: Summary) -> String {
        var rows = [CSV.row(["month", "metric", "mean", "ci95_low", "ci95_high", "p10", "p90"])]
        for (m, label) in summary.monthLabels.enumerated() {
            for s in summary.monthly {
                let i = s.intervals[m]
                let p = m < s.planning.count ? s.planning[m] : PlanningRange(values: [])
                rows.append(
                    CSV.row([
                        .text(label), .text(s.key), CSV.number(i.mean), CSV.number(i.low), CSV.number(i.high),
                        CSV.number(p.p10), CSV.number(p.p90),
                    ]))
            }
        }
        return rows.joined()
    }

    /// The names of the files `write` may write.
    public static let names = [
        "summary.json", "daily.csv", "summary.csv", "monthly.csv", "inputs.csv", "sensitivity.csv",
    ]

    /// The result files of `summary` with their names: `summary.json`, `summary.csv`,
    /// `monthly.csv`, `daily.csv` when there are daily series (and a context for dates), and
    /// `inputs.csv` and `sensitivity.csv` when the scenario has uncertain values.
    public static func files(
        _ summary: Summary, manifest: JSONValue, context: Context? = nil, warnings: [OverloadWarning]? = nil
    ) -> [(name: String, text: String)] {
        var files = [("summary.json", summaryJSON(summary, manifest: manifest, context: context, warnings: warnings))]
        if let context, !summary.daily.isEmpty { files.append(("daily.csv", dailyCSV(summary, start: context.start))) }
        files.append(("summary.csv", summaryCSV(summary)))
        files.append(("monthly.csv", monthlyCSV(summary)))
        if let sensitivity = context?.sensitivity {
            files.append(("inputs.csv", sensitivity.inputsCSV))
            files.append(("sensitivity.csv", sensitivity.csv))
        }
        return files
    }

    /// Writes the result files into `directory` as one `ResultSet` (with its manifest
    /// `homeward-results.json`): a kill at any instant leaves the old files or the new ones.
    ///
    /// - Throws: `OutputError` (see `ResultSet.commit()`).
    public static func write(
        _ summary: Summary, manifest: JSONValue, to directory: String, context: Context? = nil,
        warnings: [OverloadWarning]? = nil
    ) throws(OutputError) {
        var set = ResultSet(directory: directory)
        for file in files(summary, manifest: manifest, context: context, warnings: warnings) {
            set.add(file.name, file.text)
        }
        try set.commit()
    }
}
