/// Plain-text tables for the terminal: aligned columns, units, optional colour.
public struct TableRenderer {
    public var color: Bool

    public init(color: Bool) { self.color = color }

    /// The run's headline metrics: metric, mean, 95% CI of the mean, planning range (P10 to
    /// P90 across replications), unit, and whether it is a BCF measure, with a legend saying
    /// which interval is which.
    public func summaryTable(_ summary: Summary, title: String) -> String {
        var rows: [[String]] = []
        for metric in Metric.headline {
            guard let e = summary[metric.key] else { continue }
            rows.append([
                metric.key, Self.format(e.interval.mean), Self.interval(e.interval), Self.planning(e.planning),
                metric.unit, metric.isBCF ? "BCF" : "",
            ])
            guard metric == .totalCost else { continue }
            for payer in Payer.allCases {
                rows += Self.memberRow(summary, .costByPayer, payer.rawValue, label: "paid by \(payer.rawValue)")
            }
        }
        for r in DelayReason.allCases {
            rows += Self.memberRow(summary, .delayedBedDaysByReason, r.code, label: "by reason \(r.code)")
        }
        return render(
            title: title, header: ["metric", "mean", "95% CI", "P10 to P90", "unit", "measure"], rows: rows,
            rightAligned: [1, 2, 3])
            + Self.intervalLegend.map { "  \($0)\n" }.joined()
    }

    /// An indented row of a family member under its headline (`  paid by nhs`, `  by reason A`),
    /// or none when the member is absent or zero.
    static func memberRow(_ summary: Summary, _ metric: Metric, _ member: String, label: String) -> [[String]] {
        guard let e = summary[metric.key(member: member)], e.interval.mean > 0 else { return [] }
        return [["  " + label, format(e.interval.mean), interval(e.interval), planning(e.planning), metric.unit, ""]]
    }

    /// The legend under the run table: which interval is which, in plain words.
    public static let intervalLegend = [
        "95% CI: where the long-run mean lies; it shrinks as replications are added.",
        "P10 to P90: the planning range, where 8 years in 10 fall (9 in 10 are below P90); it does not",
        "  shrink with more replications. Given from \(PlanningRange.minimumReplications) replications on.",
        "measure BCF: a Better Care Fund metric.",
    ]

    /// A planning range as "P10 to P90", or why it is missing.
    public static func planning(_ p: PlanningRange) -> String {
        if p.count == 0 || p.median.isNaN { return "n/a" }
        if !p.hasTails { return "needs \(PlanningRange.minimumReplications)+ reps" }
        return "\(format(p.p10)) to \(format(p.p90))"
    }

    public func render(
        title: String, header: [String], rows: [[String]], rightAligned: Set<Int>, highlighted: Set<Int> = []
    ) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count + (i == 0 ? 2 : 0)) }
        }
        func line(_ cells: [String], marked: Bool = false) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                let text = i == 0 && !color ? (marked ? "* " : "  ") + cell : cell
                let width = widths[i] + (i == 0 && !color ? 2 : 0)
                let padding = String(repeating: " ", count: max(0, width - text.count))
                parts.append(rightAligned.contains(i) ? padding + text : text + padding)
            }
            var joined = parts.joined(separator: "  ")
            while joined.last == " " { joined.removeLast() }
            return (marked && color ? "\u{1B}[1m" + joined + "\u{1B}[0m" : joined) + "\n"
        }
        var out = color ? "\u{1B}[1m\(title)\u{1B}[0m\n" : "\(title)\n"
        out += line(header)
        out += String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1) + (color ? 0 : 2)) + "\n"
        for (i, row) in rows.enumerated() { out += line(row, marked: highlighted.contains(i)) }
        return out
    }

    /// `text` in lines of at most `width` characters, broken at spaces (a word longer than
    /// `width` has a line of its own); at least one line.
    public static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        return lines.isEmpty || !line.isEmpty ? lines + [line] : lines
    }

    /// Numbers as people read them: thousands separators, sensible decimals.
    public static func format(_ x: Double) -> String {
        if x.isNaN { return "n/a" }
        let magnitude = abs(x)
        let decimals = magnitude >= 1000 ? 0 : magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 3
        return grouped(x, decimals: decimals)
    }

    /// A share as a percentage with at most one decimal ("90%", "92.5%").
    public static func percent(_ share: Double) -> String {
        if share.isNaN { return "n/a" }
        let p = (share * 1000).rounded() / 10
        return (p == p.rounded() ? String(Int(p)) : String(p)) + "%"
    }

    public static func interval(_ i: ConfidenceInterval) -> String {
        if i.low.isNaN || i.high.isNaN { return "n/a" }
        return "\(format(i.low)) to \(format(i.high))"
    }

    static func grouped(_ x: Double, decimals: Int) -> String {
        if !x.isFinite { return x.isNaN ? "n/a" : (x > 0 ? "infinity" : "-infinity") }
        if abs(x) >= 1e15 { return String(format: "%.4g", x) }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (abs(x) * scale).rounded() / scale
        let whole = Int64(rounded.rounded(.down))
        var fraction = ""
        if decimals > 0 {
            let f = Int64(((rounded - Double(whole)) * scale).rounded())
            fraction = "." + String(f).leftPadded(to: decimals)
        }
        var digits = String(whole)
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        return (x < 0 && rounded != 0 ? "-" : "") + groups.joined(separator: ",") + fraction
    }
}

extension TableRenderer {
    /// Compare: each headline metric's base mean, variant mean and paired difference with its
    /// interval, and whether the difference is better, worse or no clear change.
    public func comparisonTable(_ c: Comparison, title: String) -> String {
        var out = ""
        for v in 1..<c.names.count {
            var rows: [[String]] = []
            let reasons = DelayReason.allCases.map { Metric.delayedBedDaysByReason.key(member: $0.code) }
            let payers = Payer.allCases.map { Metric.costByPayer.key(member: $0.rawValue) }
            let keys = Metric.headline.map(\.key).flatMap { $0 == Metric.totalCost.key ? [$0] + payers : [$0] }
            for key in keys + reasons {
                guard let row = c[key] else { continue }
                if (reasons.contains(key) || payers.contains(key)) && row.base.mean == 0
                    && row.variants[v - 1].mean == 0
                {
                    continue
                }
                let d = row.differences[v - 1]
                let sign = d.mean > 0 ? "+" : ""
                rows.append([
                    key, Self.format(row.base.mean), Self.format(row.variants[v - 1].mean), sign + Self.format(d.mean),
                    Self.interval(d), Metric.unit(of: key), row.change(v - 1).rawValue,
                ])
            }
            out += render(
                title: "\(title)\n  base: \(c.names[0])\n  variant: \(c.names[v])",
                header: ["metric", "base", "variant", "difference", "95% CI of difference", "unit", "change"],
                rows: rows, rightAligned: [1, 2, 3, 4])
            out +=
                "  (change: better or worse when the 95% CI of the difference excludes zero, judged by the metric's direction; otherwise no clear change; common random numbers)\n\n"
        }
        return out
    }
}
