import Foundation

/// The run report's account of uncertain inputs: where each headline metric's spread comes
/// from (inputs or chance) and a tornado chart of the inputs that matter most (read from the
/// `uncertainty` object of `summary.json`, written by ``SensitivityAnalysis``).
extension HTMLReport {
    /// The metrics that get a tornado chart, when the analysis has them.
    static let tornadoMetrics: [Metric] = [.nelAdmissions, .delayedBedDays, .totalCost]

    /// The inputs a tornado chart shows at most (the rest are in `sensitivity.csv`).
    static let tornadoRows = 10

    static func uncertaintySection(_ r: RunResults, _ page: inout HTMLPage) -> String? {
        guard let u = r.uncertainty else { return nil }
        let inputs = (u["inputs"]?.arrayValue ?? []).compactMap(\.objectValue)
        var html = "<p>"
        html += HTML.escape(
            "\(inputs.count) value\(inputs.count == 1 ? " is" : "s are") uncertain in this scenario: each replication draws its own value from the range given (listed below), so the planning ranges include what is not known about the inputs as well as chance. Each metric's spread is split by a linear regression of its per-replication values on the drawn inputs: the share the inputs explain (adjusted R-squared) and the rest, chance (with any effect of the inputs that is not linear). An input's effect is how much the metric moves when that input goes from its 10th to its 90th percentile, the others held."
        )
        html += "</p>"
        let metrics = (u["metrics"]?.arrayValue ?? []).compactMap(\.objectValue)
        if let note = u["note"]?.stringValue {
            html +=
                "<p class=\"callout\">\(HTML.escape("Not split: " + note + ". Run more replications to see which inputs matter."))</p>"
        }
        if !metrics.isEmpty {
            let rows = metrics.map { m -> HTML.Row in
                let key = m["key"]?.stringValue ?? ""
                let top = m["drivers"]?.arrayValue?.compactMap(\.objectValue).first { $0["clear"]?.boolValue == true }
                return HTML.Row(cells: [
                    HTML.escape(Metric.lookup(key)?.label ?? key),
                    HTML.escape(percent(RunResults.number(m["inputShare"]))),
                    HTML.escape(percent(RunResults.number(m["chanceShare"]))),
                    HTML.escape(top?["input"]?.stringValue ?? "none stands out from chance"),
                    HTML.escape(top.map { signed(RunResults.number($0["effect"])) } ?? ""),
                ])
            }
            html += HTML.table(
                [
                    HTML.Column(title: "Metric"), HTML.Column(title: "Spread from inputs", numeric: true),
                    HTML.Column(title: "Spread from chance", numeric: true),
                    HTML.Column(title: "Input that matters most"),
                    HTML.Column(title: "Its effect, P10 to P90", numeric: true),
                ], rows, className: "split")
        }
        for (i, metric) in tornadoMetrics.enumerated() {
            guard let m = metrics.first(where: { $0["key"]?.stringValue == metric.key }) else { continue }
            let drivers = (m["drivers"]?.arrayValue ?? []).compactMap(\.objectValue).prefix(tornadoRows)
            let bars = drivers.compactMap { d -> ReportCharts.TornadoBar? in
                let effect = RunResults.number(d["effect"])
                guard effect.isFinite, let name = d["input"]?.stringValue else { return nil }
                let ci = RunResults.numbers(d["effectCI95"])
                return ReportCharts.TornadoBar(
                    label: name, effect: effect, low: ci.count == 2 ? ci[0] : .nan,
                    high: ci.count == 2 ? ci[1] : .nan, clear: d["clear"]?.boolValue ?? false)
            }
            guard !bars.isEmpty else { continue }
            let unit = metric.unit
            let svg = ReportCharts.tornado(
                id: "fig-tornado-\(i)", title: "\(metric.label): which uncertain inputs move it", bars: bars,
                axisLabel: "change in \(metric.label) (\(unit)) as the input goes from its P10 to its P90")
            html += HTML.figure(
                svg,
                caption: page.nextFigure()
                    + HTML.escape(
                        "Tornado chart: the change in \(metric.label) when each uncertain input moves from its 10th to its 90th percentile, the others held (regression slope times the input's P10-P90 width), with its 95% interval; largest first. Bars to the right raise the metric, to the left lower it; pale bars are effects whose interval includes zero, which these replications cannot tell from chance. The inputs explain \(percent(RunResults.number(m["inputShare"]))) of its spread."
                    ))
        }
        let inputRows = inputs.map { o in
            HTML.Row(cells: [
                HTML.escape(o["name"]?.stringValue ?? ""), HTML.escape(o["law"]?.stringValue ?? ""),
                HTML.escape(number(RunResults.number(o["p10"]))), HTML.escape(number(RunResults.number(o["p90"]))),
            ])
        }
        html += HTML.table(
            [
                HTML.Column(title: "Uncertain input"), HTML.Column(title: "Range"),
                HTML.Column(title: "P10 drawn", numeric: true), HTML.Column(title: "P90 drawn", numeric: true),
            ], inputRows, className: "assumptions")
        return html
    }
}

extension ReportCharts {
    /// One bar of a tornado chart: an input's effect with its 95% interval.
    struct TornadoBar {
        var label: String
        var effect: Double
        var low: Double
        var high: Double
        /// Whether the interval excludes zero.
        var clear: Bool
    }

    /// A tornado chart: one bar per input from zero to its effect, largest first, right for a
    /// rise and left for a fall, with the effect's 95% interval as a whisker; effects whose
    /// interval includes zero are pale. The signed effect is written at the bar's end.
    static func tornado(
        id: String, title: String, bars: [TornadoBar], axisLabel: String, width: Double = fullWidth
    ) -> String {
        let texts = bars.map { HTMLReport.signed($0.effect) }
        let labelWidth = min(
            300, (bars.map { SVGChart.textWidth($0.label, size: SVGChart.tickFontSize) }.max() ?? 40) + 14)
        let textWidth = (texts.map { SVGChart.textWidth($0, size: SVGChart.tickFontSize) }.max() ?? 40) + 16
        let pale = 0.35
        var chart = SVGChart(
            id: id, width: width, height: 200, title: title,
            legend: [
                ("Raises it", .fill(Fill(color: ChartPalette.vermillion))),
                ("Lowers it", .fill(Fill(color: ChartPalette.blue))),
                ("95% interval (pale bar: includes zero)", .whisker(color: ChartPalette.ink)),
            ],
            margins: .init(left: labelWidth, right: textWidth, bottom: 44))
        chart.fitPlot(height: 26 * Double(bars.count))
        let ends = bars.flatMap { [$0.effect, $0.low, $0.high] }.filter(\.isFinite)
        let x = ChartScale(covering: ends + [0], from: chart.left, to: chart.right, ticks: 5, includeZero: true)
        chart.xAxis(x, label: axisLabel, format: { ($0 > 0 ? "+" : "") + x.label($0) })
        let y = BandScale(count: bars.count, from: chart.top, to: chart.bottom, padding: 0.3)
        for (i, bar) in bars.enumerated() {
            let x0 = x.position(0)
            let x1 = x.position(bar.effect)
            let color = bar.effect >= 0 ? ChartPalette.vermillion : ChartPalette.blue
            let left = min(x0, x1)
            let w = max(abs(x1 - x0), 1)
            chart.raw(
                "<rect x=\"\(chart.n(left))\" y=\"\(chart.n(y.start(i)))\" width=\"\(chart.n(w))\" height=\"\(chart.n(y.width))\" fill=\"\(color)\"\(bar.clear ? "" : " fill-opacity=\"\(pale)\"")/>"
            )
            var end = max(x0, x1)
            if bar.low.isFinite && bar.high.isFinite {
                chart.whisker(
                    at: y.center(i), from: x.position(bar.low), to: x.position(bar.high), vertical: false, cap: 4)
                end = max(end, x.position(bar.high))
            }
            chart.label(
                chart.left - 8, y.center(i) + 4, bar.label, anchor: "end", weight: bar.clear ? "600" : nil, halo: false)
            chart.label(end + 6, y.center(i) + 4, texts[i], weight: bar.clear ? "600" : nil, halo: false)
        }
        return chart.render(
            summary:
                "Tornado chart of the uncertain inputs' effects with their 95% intervals, largest first, one bar per input."
        )
    }
}
