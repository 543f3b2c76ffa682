import Foundation

/// A forecast as `compare-actuals` reads it: the `summary.json` that `homeward run` wrote.
public struct Forecast: Sendable {
    /// The summary file read.
    public var file: String
    let results: RunResults

    /// Reads `directory/summary.json`, checking the folder's files against its results
    /// manifest; a folder without one is read, with a warning passed to `warn`.
    /// - Throws: `ReportError.badInput` naming the folder when it has no summary, and the file
    ///   when it is not a Homeward summary; `OutputError.badInput` naming the file when it does
    ///   not match the manifest.
    public init(directory: String, warn: (String) -> Void) throws {
        file = directory + "/summary.json"
        guard HTMLReport.exists(file) else {
            throw ReportError.badInput("\(directory): no summary.json (give the folder that 'homeward run' wrote)")
        }
        try ResultSet.verify(directory, warn: warn)
        results = try RunResults(try HTMLReport.load(file), file: file)
    }

    /// The scenario file the manifest names, if it names one.
    public var scenarioFile: String? { results.manifest["scenarioFile"]?.stringValue }
    /// The scenario's name, if the manifest gives it.
    public var scenarioName: String? { results.scenarioName }
    /// How many replications the forecast holds.
    public var replications: Int { results[.nelAdmissions]?.values.count ?? 0 }

    /// The first measured day and the number of measured days, from the manifest.
    /// - Throws: `ReportError.badInput` naming the file when either is missing or out of range.
    public func measuredPeriod() throws(ReportError) -> (start: CivilDate, days: Double) {
        guard let startText = results.manifest["start"]?.stringValue, let start = CivilDate(iso: startText),
            let days = results.manifest["horizonDays"]?.numberValue, days >= 1,
            days <= Double(ScenarioReader.maximumHorizonDays)
        else {
            throw .badInput("\(file): the manifest lacks the measured period ('start' and 'horizonDays')")
        }
        return (start, days)
    }
}

/// A forecast and actuals, metric by metric and month by month.
public struct ActualsComparison: Sendable {
    public struct Row: Sendable {
        var key: String
        var unit: String
        var forecast: Double
        var low: Double
        var high: Double
        /// The central 95% of the replications' values: where a single period's actual should fall.
        var rangeLow: Double
        var rangeHigh: Double
        var actual: Double

        var verdict: String {
            guard actual.isFinite, rangeLow.isFinite, rangeHigh.isFinite else { return "n/a" }
            if actual < rangeLow { return "below" }
            if actual > rangeHigh { return "above" }
            return "inside"
        }
    }

    public var rows: [Row]
    public var months: [String]
    public var monthly: [(key: String, forecast: [Double], low: [Double], high: [Double], actual: [Double])]

    static let monthlyKeys = Metric.actualsMonthly.map(\.name)
    static let tabledMonthlyKeys = Metric.actualsMonthlyTabled.map(\.name)

    /// The comparison of `forecast` with the metrics measured on the actuals.
    public init(forecast: Forecast, actual: ReplicationMetrics) {
        let forecast = forecast.results
        rows = actual.values.compactMap { pair -> Row? in
            guard let f = forecast.metrics[pair.key] else { return nil }
            let values = f.values.filter { $0.isFinite }
            return Row(
                key: pair.key, unit: f.unit, forecast: f.mean, low: f.low, high: f.high,
                rangeLow: values.count >= 2 ? Statistics.quantile(values, 0.025) : .nan,
                rangeHigh: values.count >= 2 ? Statistics.quantile(values, 0.975) : .nan,
                actual: pair.value)
        }
        months = forecast.months
        var monthly: [(String, [Double], [Double], [Double], [Double])] = []
        for key in Self.monthlyKeys {
            guard let f = forecast.monthly[key], let a = actual.monthly.first(where: { $0.key == key }),
                a.values.count == f.mean.count,
                actual.monthLabels == forecast.months
            else { continue }
            monthly.append((key, f.mean, f.low, f.high, a.values))
        }
        self.monthly = monthly
    }

    /// One row per metric: the forecast, its ranges, the actual and where it falls.
    public var csv: String {
        var out = CSV.row([
            "metric", "unit", "forecast_mean", "forecast_ci95_low", "forecast_ci95_high", "replications_p2.5",
            "replications_p97.5", "actual", "actual_vs_range",
        ])
        for r in rows {
            out += CSV.row([
                .text(r.key), .text(r.unit), CSV.number(r.forecast), CSV.number(r.low), CSV.number(r.high),
                CSV.number(r.rangeLow),
                CSV.number(r.rangeHigh),
                CSV.number(r.actual), .text(r.verdict),
            ])
        }
        return out
    }

    /// One row per metric and month, for the monthly series compared.
    public var monthlyCSV: String {
        var out = CSV.row(["metric", "month", "forecast_mean", "forecast_ci95_low", "forecast_ci95_high", "actual"])
        for series in monthly {
            for (m, label) in months.enumerated() {
                out += CSV.row([
                    .text(series.key), .text(label), CSV.number(series.forecast[m]), CSV.number(series.low[m]),
                    CSV.number(series.high[m]), CSV.number(series.actual[m]),
                ])
            }
        }
        return out
    }

    static func interval(_ mean: Double, _ low: Double, _ high: Double) -> ConfidenceInterval {
        var ci = ConfidenceInterval(values: [])
        ci.mean = mean
        ci.low = low
        ci.high = high
        return ci
    }

    /// The headline metrics and the monthly NEL admissions and delayed bed days, as tables.
    public func table(color: Bool, title: String) -> String {
        let renderer = TableRenderer(color: color)
        let byKey = Dictionary(rows.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let headline = Metric.headline.compactMap { byKey[$0.key] }
        var text = renderer.render(
            title: title, header: ["metric", "forecast", "95% CI", "95% of replications", "actual", "actual is"],
            rows: headline.map {
                [
                    $0.key, TableRenderer.format($0.forecast),
                    TableRenderer.interval(Self.interval($0.forecast, $0.low, $0.high)),
                    $0.rangeLow.isFinite
                        ? "\(TableRenderer.format($0.rangeLow)) to \(TableRenderer.format($0.rangeHigh))" : "n/a",
                    TableRenderer.format($0.actual),
                    $0.verdict,
                ]
            }, rightAligned: [1, 2, 3, 4])
        let outside = headline.filter { $0.verdict == "above" || $0.verdict == "below" }
        text +=
            "  \(outside.count) of \(headline.count) headline metrics fall outside the central 95% of the forecast's replications"
        text += outside.isEmpty ? ".\n" : ": \(outside.map { "\($0.key) (\($0.verdict))" }.joined(separator: ", ")).\n"
        for series in monthly where Self.tabledMonthlyKeys.contains(series.key) {
            text += "\n"
            text += renderer.render(
                title: "  \(series.key) by month", header: ["month", "forecast", "95% CI", "actual", "difference"],
                rows: months.indices.map { m in
                    [
                        months[m], TableRenderer.format(series.forecast[m]),
                        TableRenderer.interval(Self.interval(series.forecast[m], series.low[m], series.high[m])),
                        TableRenderer.format(series.actual[m]),
                        TableRenderer.format(series.actual[m] - series.forecast[m]),
                    ]
                }, rightAligned: [1, 2, 3, 4])
        }
        return text
    }
}
