import Foundation

/// Writes result files atomically: to a temporary file beside the target, then renamed, so a
/// failed or interrupted run never leaves a half-written result.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws(LogError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
            // rename(2) replaces the target atomically on the same file system.
            guard rename(temporary.path, url.path) == 0 else {
                throw LogError.io("cannot write '\(path)': \(String(cString: strerror(errno)))")
            }
        } catch let error as LogError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw LogError.io("cannot write '\(path)': \(error.localizedDescription)")
        }
    }

    public static func makeDirectory(_ path: String) throws(LogError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw LogError.io("cannot create directory '\(path)': \(error.localizedDescription)")
        }
    }
}

/// The result files of a run: `summary.json`, `summary.csv` and `monthly.csv`.
public enum SummaryFiles {
    public static func summaryJSON(_ summary: Summary, manifest: JSONValue) -> String {
        JSONValue.object(
            JSONObject([
                ("manifest", manifest), ("metrics", summary.metricsJSON), ("monthly", summary.monthlyJSON),
            ])
        ).jsonText(pretty: true) + "\n"
    }

    /// One row per metric: `metric,unit,mean,ci95_low,ci95_high,replications,description`.
    public static func summaryCSV(_ summary: Summary) -> String {
        var rows = [CSV.row(["metric", "unit", "mean", "ci95_low", "ci95_high", "replications", "description"])]
        for e in summary.entries {
            let info = MetricCatalogue.info(of: e.key)
            rows.append(
                CSV.row([
                    e.key, info?.unit ?? "", CSV.number(e.interval.mean), CSV.number(e.interval.low),
                    CSV.number(e.interval.high), String(e.values.count), info?.meaning ?? "",
                ]))
        }
        return rows.joined()
    }

    /// Tidy monthly series: `month,metric,mean,ci95_low,ci95_high`.
    public static func monthlyCSV(_ summary: Summary) -> String {
        var rows = [CSV.row(["month", "metric", "mean", "ci95_low", "ci95_high"])]
        for (m, label) in summary.monthLabels.enumerated() {
            for s in summary.monthly {
                let i = s.intervals[m]
                rows.append(CSV.row([label, s.key, CSV.number(i.mean), CSV.number(i.low), CSV.number(i.high)]))
            }
        }
        return rows.joined()
    }

    /// Writes the three files into `directory`.
    public static func write(_ summary: Summary, manifest: JSONValue, to directory: String) throws(LogError) {
        try AtomicFile.makeDirectory(directory)
        try AtomicFile.write(summaryJSON(summary, manifest: manifest), to: directory + "/summary.json")
        try AtomicFile.write(summaryCSV(summary), to: directory + "/summary.csv")
        try AtomicFile.write(monthlyCSV(summary), to: directory + "/monthly.csv")
    }
}

/// CSV as spreadsheets read it (RFC 4180; UTF-8; CRLF line ends for Excel).
public enum CSV {
    public static func field(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    public static func row(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\r\n" }

    /// Full precision (shortest round-trip); empty for NaN (undefined).
    public static func number(_ x: Double) -> String {
        if x.isNaN || x.isInfinite { return "" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        return String(x)
    }
}
