import Foundation

/// The HTML report of a results directory: one self-contained file (inline CSS and SVG, no
/// scripts, no external resources) that tells the story of a forecast at a glance and prints
/// cleanly on A4.
public enum HTMLReport {
    /// Builds the report of a results directory written by `run`, `compare`, `schemes` or `sweep`.
    ///
    /// A directory with `sweep.json` gives a sweep report, one with `compare.json` a comparison,
    /// one with `schemes.json` a scheme evaluation,
    /// one with `summary.json` (from `run`, `replay` or `merge`) a forecast report.
    /// - Throws: `ReportError` (bad input) when the directory is missing, holds no
    ///   recognisable results, or a results file cannot be read or parsed; `OutputError` (bad
    ///   input) when its files do not match their manifest (see `ResultSet.verify(_:)`).
    public static func build(resultsDirectory: String) throws -> String {
        let dir =
            resultsDirectory.hasSuffix("/") && resultsDirectory.count > 1
            ? String(resultsDirectory.dropLast()) : resultsDirectory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) else {
            throw ReportError.badInput("\(dir): no such results directory")
        }
        guard isDirectory.boolValue else {
            throw ReportError.badInput(
                "\(dir): not a directory (give the folder that run, compare or sweep wrote, not a file in it)")
        }
        _ = try ResultSet.verify(dir)
        if exists(dir + "/sweep.json") { return try sweepReport(try load(dir + "/sweep.json"), directory: dir) }
        if exists(dir + "/compare.json") { return try compareReport(try load(dir + "/compare.json"), directory: dir) }
        if exists(dir + "/schemes.json") { return try schemesReport(try load(dir + "/schemes.json"), directory: dir) }
        if exists(dir + "/summary.json") {
            let results = try RunResults(try load(dir + "/summary.json"), file: dir + "/summary.json")
            return runReport(results, source: dir + "/summary.json")
        }
        if exists(dir + "/partial.json") {
            throw ReportError.badInput(
                "\(dir) holds one shard's partial result; combine the shards first with 'homeward merge DIR... --out DIR'"
            )
        }
        if exists(dir + "/points") {
            throw ReportError.badInput(
                "\(dir) holds sweep points but no sweep.json; assemble them first by running the same sweep with --resume"
            )
        }
        throw ReportError.badInput(
            "\(dir) holds no Homeward results: expected summary.json (from run), compare.json (from compare), schemes.json (from schemes) or sweep.json (from sweep)"
        )
    }

    // MARK: Files

    package static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// The most bytes a results file (`summary.json`, `sweep.json`, ...) may hold: checked
    /// before reading. A century of daily bands takes well under a tenth of it.
    public static let maximumResultsFileBytes = 1 << 30

    /// Reads and parses a results file (at most `maximumResultsFileBytes`, checked before
    /// reading); every failure is bad input.
    package static func load(_ path: String) throws(ReportError) -> JSONValue {
        let bytes: [UInt8]
        do { bytes = try BoundedFile.read(path: path, limit: maximumResultsFileBytes) } catch {
            throw .badInput(error.description)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .badInput("\(path): not UTF-8 text") }
        do {
            return try JSON5.parse(text)
        } catch {
            throw .badInput("\(path): not valid JSON (\(error.description))")
        }
    }

    // MARK: Names and numbers

    /// A metric's short name from the registry; a family member's key as it is.
    static func name(of key: String) -> String {
        guard let metric = Metric.lookup(key), metric.family == nil else { return key }
        return metric.label
    }

    static func isBCF(_ key: String) -> Bool { Metric.lookup(key)?.isBCF ?? false }

    /// A number as people read it ("30,837", "609.7", "0.853"; "n/a" when undefined).
    static func number(_ x: Double) -> String { x.isFinite ? TableRenderer.format(x) : "n/a" }

    /// A whole number ("20", "1,000"); `number` for anything else.
    static func count(_ x: Double) -> String {
        x.isFinite && x == x.rounded() ? ChartScale.format(x, decimals: 0) : number(x)
    }

    /// A signed number ("+53", "-1,204").
    /// A share as a percentage ("62%"), or "n/a".
    static func percent(_ x: Double) -> String { x.isFinite ? TableRenderer.percent(x) : "n/a" }

    static func signed(_ x: Double) -> String { x.isFinite && x > 0 ? "+" + number(x) : number(x) }

    static func interval(_ low: Double, _ high: Double, withSign: Bool = false) -> String {
        guard low.isFinite, high.isFinite else { return "n/a" }
        let f: (Double) -> String = withSign ? { HTMLReport.signed($0) } : { HTMLReport.number($0) }
        return "\(f(low)) to \(f(high))"
    }

    /// Pounds in millions or thousands ("£185.2m").
    static func money(_ x: Double) -> String {
        guard x.isFinite else { return "n/a" }
        if abs(x) >= 1e6 { return "£" + ChartScale.format(x / 1e6, decimals: abs(x) >= 1e8 ? 0 : 1) + "m" }
        if abs(x) >= 1e4 { return "£" + ChartScale.format(x / 1e3, decimals: 0) + "k" }
        return "£" + ChartScale.format(x, decimals: 0)
    }

    /// A value in its unit as a board reads it: proportions as percentages, pounds in millions.
    static func display(_ x: Double, unit: String) -> String {
        switch unit {
        case "proportion": return x.isFinite ? ChartScale.format(x * 100, decimals: 1) + "%" : "n/a"
        case "GBP": return money(x)
        default: return number(x)
        }
    }

    /// "1 April 2016".
    static func longDate(_ d: CivilDate) -> String {
        let names = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        return "\(d.day) \(names[max(0, min(11, d.month - 1))]) \(d.year)"
    }

    /// "Apr 2016" for "2016-04".
    static func monthName(_ label: String) -> String {
        guard let m = ReportCharts.month(label) else { return label }
        return "\(m.name) \(m.year)"
    }

    /// A metric's name with its dotted key under it, marked when it is a BCF metric.
    static func metricCell(_ key: String) -> String {
        let badge = isBCF(key) ? " <span class=\"badge\" title=\"Better Care Fund metric\">BCF</span>" : ""
        return "\(HTML.escape(name(of: key)))\(badge)<span class=\"key\">\(HTML.escape(key))</span>"
    }

    /// The table of headline metrics: mean, 95% CI of the mean, planning range (P10 to P90)
    /// and unit, BCF rows marked.
    static func headlineTable(_ r: RunResults, keys: [String]) -> String {
        let columns = [
            HTML.Column(title: "Metric"), HTML.Column(title: "Mean", numeric: true),
            HTML.Column(title: "95% CI of the mean", numeric: true),
            HTML.Column(title: "P10 to P90 (8 years in 10)", numeric: true), HTML.Column(title: "Unit"),
        ]
        let rows = keys.compactMap { key -> HTML.Row? in
            guard let m = r[key] else { return nil }
            return HTML.Row(
                cells: [
                    metricCell(key), HTML.escape(number(m.mean)), HTML.escape(interval(m.low, m.high)),
                    HTML.escape(planningCell(m)), HTML.escape(m.unit),
                ],
                className: isBCF(key) ? "bcf" : nil)
        }
        return HTML.table(columns, rows, className: "headline")
    }

    /// A planning range for a table cell: "P10 to P90", or why there is none.
    static func planningCell(_ m: MetricValue) -> String {
        if m.p10.isFinite && m.p90.isFinite { return interval(m.p10, m.p90) }
        if m.values.count > 0 && m.values.count < PlanningRange.minimumReplications && m.mean.isFinite {
            return "needs \(PlanningRange.minimumReplications)+ replications"
        }
        return "n/a"
    }

    /// Which interval is which, in plain words (under run tables and in the footer).
    static let intervalLegend =
        "The 95% CI says where the long-run mean lies: it shrinks as replications are added. The planning range P10 to P90 says where single years fall: 8 years in 10 lie inside it and 9 in 10 below P90; it does not shrink with more replications. It is given from \(PlanningRange.minimumReplications) replications on."

    /// The headline keys present in a run, in the terminal table's order, plus the monthly
    /// delayed-days figures when present.
    static func headlineKeys(_ r: RunResults) -> [String] {
        var metrics = Metric.headline
        if let i = metrics.firstIndex(of: .delayedBedDaysMidnight) {
            metrics.insert(contentsOf: [.delayedBedDaysPerMonth, .delayedBedDaysWorstMonth], at: i + 1)
        }
        return metrics.map(\.key).filter { r[$0] != nil }
    }

    /// A key figure: name, value, unit and interval, marked when it is a BCF metric.
    static func tile(_ key: String, _ m: MetricValue) -> String {
        let bcf = isBCF(key)
        let unit = m.unit == "proportion" || m.unit == "GBP" ? "" : m.unit
        let ci =
            !m.mean.isFinite
            ? "undefined in this run"
            : m.low.isFinite
                ? "95% CI of the mean \(display(m.low, unit: m.unit)) to \(display(m.high, unit: m.unit))"
                : "no interval (one replication)"
        let planning =
            m.mean.isFinite && m.p10.isFinite && m.p90.isFinite
            ? "<div class=\"range\">\(HTML.escape("8 years in 10: \(display(m.p10, unit: m.unit)) to \(display(m.p90, unit: m.unit))"))</div>"
            : ""
        return
            "<div class=\"tile\(bcf ? " bcf" : "")\"><div class=\"label\">\(HTML.escape(name(of: key)))\(bcf ? " <span class=\"badge\">BCF</span>" : "")</div>"
            + "<div class=\"value\">\(HTML.escape(display(m.mean, unit: m.unit)))</div><div class=\"unit\">\(HTML.escape(unit))</div><div class=\"ci\">\(HTML.escape(ci))</div>\(planning)</div>"
    }

    static func footer(_ source: String) -> String {
        "<footer>Produced by Homeward \(HTML.escape(Homeward.version)) from <code>\(HTML.escape(source))</code>. Confidence intervals (95%) are for the expected value across replications (Student t, corrected for skewness and kept inside each metric's possible range for counts, non-negative values and proportions); planning ranges (P10 to P90) are for a single year's outcome. Full-precision figures are in the results files.</footer>"
    }
}
