/// The report's kinds of chart, built on `SVGChart`: monthly lines with CI bands, stacked monthly
/// bars, daily fan charts, horizontal bars, forest plots and sweep curves.
enum ReportCharts {
    static let fullWidth = 760.0
    static let halfWidth = 372.0

    // MARK: Months

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "2016-04" (or "2016-04-01") as ("Apr", "2016"); nil when not a date.
    static func month(_ label: String) -> (name: String, year: String, number: Int)? {
        let parts = label.split(separator: "-")
        guard parts.count >= 2, let m = Int(parts[1]), (1...12).contains(m), parts[0].count == 4 else { return nil }
        return (monthNames[m - 1], String(parts[0]), m)
    }

    /// Axis marks for month labels at given positions: the month's name, and its year under the
    /// first label and under each January. Only every `every`-th month is labelled.
    static func monthMarks(_ labels: [(x: Double, label: String)], every: Int) -> [(x: Double, lines: [String])] {
        var marks: [(x: Double, lines: [String])] = []
        for (k, item) in labels.enumerated() where k % max(every, 1) == 0 {
            guard let m = month(item.label) else {
                marks.append((item.x, [item.label]))
                continue
            }
            let showYear = marks.isEmpty || m.number <= every
            marks.append((item.x, showYear ? [m.name, m.year] : [m.name]))
        }
        return marks
    }

    /// How many months to skip between labels so they do not touch.
    static func labelEvery(count: Int, span: Double) -> Int {
        guard count > 0 else { return 1 }
        let spacing = span / Double(count)
        for every in [1, 2, 3, 6, 12] where spacing * Double(every) >= 30 { return every }
        return 12
    }

    // MARK: Monthly line with CI band

    /// Monthly means as lines with markers, each over its 95% CI band, and (when the series has
    /// it) the wider, lighter planning band from P10 to P90 across replications.
    static func monthly(
        id: String, title: String, months: [String], series: [(label: String, data: MonthlySeries)], unit: String,
        replications: Int?, width: Double = fullWidth, height: Double = 300
    ) -> String {
        var legend: [(label: String, swatch: Swatch)] = []
        for (i, s) in series.enumerated() {
            legend.append(
                (
                    "\(s.label): mean" + (replications.map { " of \($0) replications" } ?? ""),
                    .line(color: ChartPalette.series[i])
                ))
            legend.append(("95% CI of the mean", .band(color: ChartPalette.series[i], opacity: 0.3)))
            if s.data.hasPlanningRange {
                legend.append(("P10 to P90: 8 years in 10", .band(color: ChartPalette.series[i], opacity: 0.1)))
            }
        }
        var chart = SVGChart(
            id: id, width: width, height: height, title: title, legend: legend,
            margins: .init(left: 62, right: 18, bottom: 50), unitLabel: unit)
        let values = series.flatMap {
            $0.data.mean + $0.data.low + $0.data.high + ($0.data.hasPlanningRange ? $0.data.p10 + $0.data.p90 : [])
        }
        let y = ChartScale(covering: values, from: chart.bottom, to: chart.top, ticks: 5)
        let x = BandScale(count: months.count, from: chart.left, to: chart.right, padding: 0)
        chart.yAxis(y)
        for (i, s) in series.enumerated() {
            let color = ChartPalette.series[i]
            let xs = months.indices.map { x.center($0) }
            if s.data.hasPlanningRange {
                chart.band(
                    upper: zip(xs, s.data.p90.map(y.position)).map { ($0, $1) },
                    lower: zip(xs, s.data.p10.map(y.position)).map { ($0, $1) }, color: color, opacity: 0.1)
            }
            chart.band(
                upper: zip(xs, s.data.high.map(y.position)).map { ($0, $1) },
                lower: zip(xs, s.data.low.map(y.position)).map { ($0, $1) }, color: color, opacity: 0.3)
            let points = zip(xs, s.data.mean.map(y.position)).map { ($0, $1) }
            chart.line(points, color: color)
            for p in points { chart.marker(x: p.0, y: p.1, color: color, filled: i % 2 == 0, size: 3.5) }
        }
        let every = labelEvery(count: months.count, span: chart.right - chart.left)
        chart.xLabels(
            monthMarks(months.enumerated().map { (x.center($0.offset), $0.element) }, every: every), label: nil)
        return chart.render(summary: "Monthly \(title.lowercased()), \(months.first ?? "") to \(months.last ?? "").")
    }

    // MARK: Stacked monthly bars

    /// Monthly bars stacked by category, with the total's planning range (P10 to P90, when the
    /// series has it) or else its 95% CI as whiskers. Each category has
    /// a colour and a pattern, and the last bar is labelled directly.
    static func stackedMonthly(
        id: String, title: String, months: [String],
        stacks: [(label: String, legend: String, values: [Double], fill: Fill)], total: MonthlySeries?,
        unit: String, width: Double = fullWidth, height: Double = 340
    ) -> String {
        var legend: [(label: String, swatch: Swatch)] = stacks.map { ($0.legend, .fill($0.fill)) }
        // Whiskers: the total's planning range (P10 to P90) when the series has it, else its 95% CI.
        let planning = total?.hasPlanningRange == true
        let whiskers = total.map { planning ? (low: $0.p10, high: $0.p90) : (low: $0.low, high: $0.high) }
        if total != nil {
            legend.append(
                (planning ? "Total: P10 to P90 (8 years in 10)" : "Total: 95% CI", .whisker(color: ChartPalette.ink)))
        }
        var chart = SVGChart(
            id: id, width: width, height: height, title: title, legend: legend,
            margins: .init(left: 62, right: 44, bottom: 50), unitLabel: unit)
        var sums = months.indices.map { m in
            stacks.reduce(0.0) { $0 + (m < $1.values.count && $1.values[m].isFinite ? $1.values[m] : 0) }
        }
        if let whiskers { sums += whiskers.high }
        let y = ChartScale(covering: sums, from: chart.bottom, to: chart.top, ticks: 5, includeZero: true)
        let x = BandScale(count: months.count, from: chart.left, to: chart.right, padding: 0.28)
        chart.yAxis(y)
        for m in months.indices {
            var base = 0.0
            for s in stacks {
                let v = m < s.values.count && s.values[m].isFinite ? max(s.values[m], 0) : 0
                let y0 = y.position(base)
                let y1 = y.position(base + v)
                chart.rect(x: x.start(m), y: y1, width: x.width, height: y0 - y1, fill: s.fill)
                // Direct labels beside the last bar, where there is room.
                if m == months.count - 1 && y0 - y1 >= 11 {
                    chart.label(x.start(m) + x.width + 4, (y0 + y1) / 2 + 4, s.label, size: 11)
                }
                base += v
            }
            if let whiskers, m < whiskers.low.count {
                chart.whisker(
                    at: x.center(m), from: y.position(whiskers.low[m]), to: y.position(whiskers.high[m]),
                    vertical: true)
            }
        }
        let every = labelEvery(count: months.count, span: chart.right - chart.left)
        chart.xLabels(
            monthMarks(months.enumerated().map { (x.center($0.offset), $0.element) }, every: every), label: nil)
        return chart.render(summary: "\(title), stacked by category, \(months.first ?? "") to \(months.last ?? "").")
    }

    // MARK: Daily fan chart

    /// A fan chart of a daily series: median line, 50% and 90% bands across replications, and
    /// an optional capacity line (dashed, labelled).
    static func fan(
        id: String, title: String, dates: [String], band: DailyBand, capacity: [Double]?, unit: String,
        width: Double = fullWidth, height: Double = 300, color: String = ChartPalette.blue, threshold: Double? = nil
    ) -> String {
        var legend: [(label: String, swatch: Swatch)] = [
            ("Median", .line(color: color)), ("50% of replications", .band(color: color, opacity: 0.45)),
            ("90%", .band(color: color, opacity: 0.18)),
        ]
        if capacity != nil { legend.append(("Capacity", .line(color: ChartPalette.vermillion, dash: "6 3", width: 2))) }
        if capacity != nil, let threshold {
            legend.append(
                (
                    "\(ChartScale.format(threshold * 100, decimals: 0))% of capacity",
                    .line(color: ChartPalette.muted, dash: "2 3", width: 1.5)
                ))
        }
        var chart = SVGChart(
            id: id, width: width, height: height, title: title, legend: legend,
            margins: .init(left: 52, right: 14, bottom: 46), unitLabel: unit)
        let n = dates.count
        let values = band.p5 + band.p95 + band.median + (capacity ?? [])
        let y = ChartScale(covering: values, from: chart.bottom, to: chart.top, ticks: width < 500 ? 4 : 5)
        let x = ChartScale(low: 0, high: Double(max(n - 1, 1)), step: 1, from: chart.left, to: chart.right)
        chart.yAxis(y)
        let xs = (0..<n).map { x.position(Double($0)) }
        func pts(_ v: [Double]) -> [(Double, Double)] { zip(xs, v.map(y.position)).map { ($0, $1) } }
        chart.band(upper: pts(band.p95), lower: pts(band.p5), color: color, opacity: 0.18)
        chart.band(upper: pts(band.p75), lower: pts(band.p25), color: color, opacity: 0.45)
        chart.line(pts(band.median), color: color, width: 1.8)
        if let capacity, let last = capacity.last(where: \.isFinite) {
            if let threshold {
                chart.line(
                    pts(capacity.map { $0 * threshold }), color: ChartPalette.muted, width: 1.5, dash: "2 3",
                    onTop: true)
            }
            chart.line(pts(capacity), color: ChartPalette.vermillion, width: 2, dash: "6 3", onTop: true)
            let lastIndex = capacity.lastIndex(where: \.isFinite) ?? 0
            chart.label(
                xs[lastIndex], y.position(last) - 5,
                "capacity \(ChartScale.format(last, decimals: last == last.rounded() ? 0 : 1))", anchor: "end",
                fill: "#8a3a00", size: 11)
        }
        var starts: [(x: Double, label: String)] = []
        for (i, d) in dates.enumerated() where d.hasSuffix("-01") || i == 0 && !d.hasSuffix("-01") && n < 40 {
            starts.append((xs[i], d))
        }
        let every = labelEvery(count: starts.count, span: chart.right - chart.left)
        chart.xLabels(monthMarks(starts, every: every), label: nil)
        return chart.render(
            summary:
                "Daily \(title.lowercased()) from \(dates.first ?? "") to \(dates.last ?? ""): median and 50% and 90% bands across replications."
        )
    }

    // MARK: Horizontal bars

    /// One bar per item with its 95% CI as a whisker and its value written at the end.
    static func horizontalBars(
        id: String, title: String, items: [(label: String, value: Double, low: Double, high: Double, text: String)],
        axisLabel: String,
        width: Double = fullWidth, fill: Fill = Fill(color: ChartPalette.blue)
    ) -> String {
        let labelWidth = min(
            240, (items.map { SVGChart.textWidth($0.label, size: SVGChart.tickFontSize) }.max() ?? 40) + 14)
        let textWidth = (items.map { SVGChart.textWidth($0.text, size: SVGChart.tickFontSize) }.max() ?? 40) + 16
        var chart = SVGChart(
            id: id, width: width, height: 200, title: title,
            legend: [("Mean", .fill(fill)), ("95% CI", .whisker(color: ChartPalette.ink))],
            margins: .init(left: labelWidth, right: textWidth, bottom: 44))
        let row = 26.0
        chart.fitPlot(height: row * Double(items.count))
        let x = ChartScale(
            covering: items.flatMap { [$0.value, $0.high] }, from: chart.left, to: chart.right, ticks: 5,
            includeZero: true)
        chart.xAxis(x, label: axisLabel)
        let y = BandScale(count: items.count, from: chart.top, to: chart.bottom, padding: 0.3)
        for (i, item) in items.enumerated() {
            let x0 = x.position(0)
            let x1 = x.position(item.value)
            chart.rect(x: min(x0, x1), y: y.start(i), width: abs(x1 - x0), height: y.width, fill: fill, stroke: nil)
            chart.whisker(
                at: y.center(i), from: x.position(item.low), to: x.position(item.high), vertical: false, cap: 4)
            chart.label(chart.left - 8, y.center(i) + 4, item.label, anchor: "end", halo: false)
            let end = [x1, x.position(item.high)].filter(\.isFinite).max() ?? x1
            chart.label(end + 6, y.center(i) + 4, item.text, weight: "600", halo: false)
        }
        return chart.render()
    }

    // MARK: Forest plot

    struct ForestRow {
        var label: String
        var estimate: Double
        var low: Double
        var high: Double
        var significant: Bool
        /// The right-hand column: the difference and its interval in the metric's unit.
        var text: String
    }

    /// One row per metric: the estimate and its CI against a zero line; significant rows drawn
    /// as filled diamonds with bold labels, others as hollow circles.
    static func forest(
        id: String, title: String, rows: [ForestRow], axisLabel: String, width: Double = fullWidth,
        rowHeading: String = "Metric",
        valueHeading: String = "Difference (95% CI)"
    ) -> String {
        let labelWidth = min(
            290,
            (rows.map { SVGChart.textWidth($0.label, size: SVGChart.tickFontSize) * ($0.significant ? 1.1 : 1) }.max()
                ?? 40) + 18)
        let textWidth = min(
            250, (rows.map { SVGChart.textWidth($0.text, size: SVGChart.tickFontSize) }.max() ?? 40) + 20)
        let legend: [(label: String, swatch: Swatch)] = [
            ("Significant: 95% CI excludes 0", .marker(color: ChartPalette.vermillion, filled: true)),
            ("Not significant", .marker(color: ChartPalette.blue, filled: false)),
            ("95% CI", .whisker(color: ChartPalette.ink)),
        ]
        var chart = SVGChart(
            id: id, width: width, height: 200, title: title, legend: legend,
            margins: .init(left: labelWidth, right: textWidth, bottom: 44))
        let row = 24.0
        chart.fitPlot(height: row * Double(rows.count) + 22)
        let plotTop = chart.top + 22
        let x = ChartScale(
            covering: rows.flatMap { [$0.low, $0.high, $0.estimate] }, from: chart.left, to: chart.right, ticks: 6,
            includeZero: true)
        chart.xAxis(x, label: axisLabel, format: { ($0 > 0 ? "+" : "") + x.label($0) })
        chart.label(chart.left - 8, chart.top + 12, rowHeading, anchor: "end", weight: "600", halo: false)
        chart.label(chart.right + 12, chart.top + 12, valueHeading, weight: "600", halo: false)
        let y = BandScale(count: rows.count, from: plotTop, to: chart.bottom, padding: 0)
        for i in rows.indices where i % 2 == 1 {  // zebra stripes guide the eye along a row
            chart.raw(
                "<rect x=\"0\" y=\"\(chart.n(y.start(i)))\" width=\"\(chart.n(width))\" height=\"\(chart.n(y.width))\" fill=\"#000\" fill-opacity=\"0.035\"/>"
            )
        }
        chart.raw(
            "<path d=\"M\(chart.n(x.position(0))) \(chart.n(chart.top))L\(chart.n(x.position(0))) \(chart.n(chart.bottom))\" stroke=\"\(ChartPalette.ink)\" stroke-width=\"1.5\"/>"
        )
        for (i, r) in rows.enumerated() {
            let cy = y.center(i)
            let color = r.significant ? ChartPalette.vermillion : ChartPalette.blue
            chart.whisker(
                at: cy, from: x.position(r.low), to: x.position(r.high), vertical: false, color: color, cap: 4)
            chart.marker(x: x.position(r.estimate), y: cy, color: color, filled: r.significant, size: 5)
            chart.label(
                chart.left - 8, cy + 4, r.label, anchor: "end", weight: r.significant ? "700" : nil, halo: false)
            chart.label(chart.right + 12, cy + 4, r.text, weight: r.significant ? "700" : nil, halo: false)
        }
        return chart.render(
            summary: "Forest plot of differences from the base, one row per metric, with 95% confidence intervals.")
    }

    // MARK: Sweep curve

    /// A metric against a varied setting: mean with its 95% CI band per series, an optional
    /// target line, the recommended point, and an optional line of replication quantiles.
    static func sweep(
        id: String, title: String, x xValues: [Double], xLabel: String,
        series: [(label: String, mean: [Double], low: [Double], high: [Double])],
        unit: String, target: (value: Double, label: String)?, recommended: Int?,
        quantile: (label: String, values: [Double])?,
        width: Double = halfWidth, height: Double = 250
    ) -> String {
        var legend: [(label: String, swatch: Swatch)] = []
        for (i, s) in series.enumerated() {
            legend.append(
                (
                    series.count == 1 ? "Mean" : s.label,
                    .line(color: ChartPalette.series[i], dash: i == 0 ? nil : ["6 3", "2 2", "8 3 2 3"][(i - 1) % 3])
                ))
        }
        legend.append(("95% CI", .band(color: ChartPalette.series[0], opacity: 0.2)))
        if let quantile { legend.append((quantile.label, .line(color: ChartPalette.purple, dash: "2 3", width: 2))) }
        if let target { legend.append((target.label, .line(color: ChartPalette.ink, dash: "7 4", width: 1.5))) }
        if recommended != nil { legend.append(("Recommended", .marker(color: ChartPalette.green, filled: true))) }
        var chart = SVGChart(
            id: id, width: width, height: height, title: title, legend: legend,
            margins: .init(left: 58, right: 16, bottom: 46), unitLabel: unit)
        var values = series.flatMap { $0.mean + $0.low + $0.high }
        if let target { values.append(target.value) }
        if let quantile { values += quantile.values }
        let y = ChartScale(covering: values, from: chart.bottom, to: chart.top, ticks: 5)
        let x = ChartScale(
            covering: xValues, from: chart.left + 10, to: chart.right - 10, ticks: min(6, max(xValues.count - 1, 1)))
        chart.yAxis(y)
        let xs = xValues.map(x.position)
        for (i, s) in series.enumerated() {
            let color = ChartPalette.series[i]
            chart.band(
                upper: zip(xs, s.high.map(y.position)).map { ($0, $1) },
                lower: zip(xs, s.low.map(y.position)).map { ($0, $1) }, color: color, opacity: 0.2)
            let points = zip(xs, s.mean.map(y.position)).map { ($0, $1) }
            chart.line(points, color: color, width: 2.2, dash: i == 0 ? nil : ["6 3", "2 2", "8 3 2 3"][(i - 1) % 3])
            for p in points { chart.marker(x: p.0, y: p.1, color: color, filled: false, size: 3.5) }
        }
        if let quantile {
            chart.line(
                zip(xs, quantile.values.map(y.position)).map { ($0, $1) }, color: ChartPalette.purple, width: 2,
                dash: "2 3", onTop: true)
        }
        if let target {
            let ty = y.position(target.value)
            chart.raw(
                "<path d=\"M\(chart.n(chart.left)) \(chart.n(ty))L\(chart.n(chart.right)) \(chart.n(ty))\" stroke=\"\(ChartPalette.ink)\" stroke-width=\"1.5\" stroke-dasharray=\"7 4\"/>"
            )
            chart.label(chart.right - 2, ty - 5, target.label.lowercased(), anchor: "end", weight: "600", size: 11)
        }
        if let r = recommended, r < xs.count, let s = series.first, r < s.mean.count {
            let px = xs[r]
            let py = y.position(s.mean[r])
            chart.raw(
                "<path d=\"M\(chart.n(px)) \(chart.n(chart.top))L\(chart.n(px)) \(chart.n(chart.bottom))\" stroke=\"\(ChartPalette.green)\" stroke-width=\"1.5\" stroke-dasharray=\"3 3\"/>"
            )
            chart.marker(x: px, y: py, color: ChartPalette.green, filled: true, size: 6)
            chart.label(
                px + 9, py + 16, "recommended: \(setting(xValues[r], among: xValues))", fill: "#00573f", size: 11)
        }
        let ticks = xValues.count <= 8 ? xValues : x.ticks
        let marks = ticks.map { (x: x.position($0), lines: [setting($0, among: ticks)]) }
        chart.xLabels(marks, label: xLabel)
        return chart.render(summary: "\(title) against \(xLabel).")
    }

    /// A setting with as many decimals as its neighbours need ("240", "0.25").
    static func setting(_ x: Double, among xs: [Double]) -> String {
        ChartScale.format(
            x, decimals: ChartScale(low: 0, high: 1, step: decimalsStep(xs + [x]), from: 0, to: 1).decimals)
    }

    /// The smallest difference between distinct values (for choosing decimals).
    static func decimalsStep(_ xs: [Double]) -> Double {
        let sorted = Set(xs.filter(\.isFinite)).sorted()
        var step = sorted.count == 1 ? (sorted[0] == sorted[0].rounded() ? 1 : 0.1) : 1.0
        for (a, b) in zip(sorted, sorted.dropFirst()) { step = min(step, b - a) }
        for x in sorted where x != x.rounded() { step = min(step, x - x.rounded(.down)) }
        return step
    }
}
