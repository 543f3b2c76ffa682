import Foundation

/// One SVG chart: a title, a legend, a plot area with axes, and drawing primitives in plot
/// coordinates. Every string drawn is XML-escaped. Element ids are prefixed with `id`, which
/// must be unique in the page (inline SVGs share the document's id space).
struct SVGChart {
    struct Margins: Sendable {
        var left: Double = 64, right: Double = 20, bottom: Double = 44
    }

    static let fontSize = 12.0
    static let tickFontSize = 11.5

    let id: String
    let width: Double
    private(set) var height: Double
    let title: String
    private let bottomMargin: Double
    /// The plot area.
    private(set) var left: Double
    private(set) var right: Double
    private(set) var top: Double
    private(set) var bottom: Double
    private var defs: [String] = []
    private var patternsDefined: Set<String> = []
    private var body: [String] = []
    private var overlay: [String] = []

    init(
        id: String, width: Double, height: Double, title: String, legend: [(label: String, swatch: Swatch)],
        margins: Margins = Margins(), unitLabel: String? = nil
    ) {
        self.id = id
        self.width = width
        self.height = height
        self.title = title
        left = margins.left
        right = width - margins.right
        bottom = height - margins.bottom
        bottomMargin = margins.bottom
        top = 0
        var y = 22.0
        // The title, wrapped if long.
        let titleLines = SVGChart.wrap(title, width: width - 8, size: 14.5)
        for line in titleLines {
            body.append(text(4, y, line, size: 14.5, weight: "600"))
            y += 19
        }
        y += 2
        // Legend entries flow left to right and wrap.
        var x = 4.0
        var rowY = y
        var rows = legend.isEmpty ? 0 : 1
        for item in legend {
            let w = 30 + SVGChart.textWidth(item.label, size: SVGChart.fontSize) + 16
            if x + w > width - 4 && x > 4 {
                x = 4
                rowY += 18
                rows += 1
            }
            body.append(swatch(item.swatch, x: x, y: rowY))
            body.append(text(x + 30, rowY + 4, item.label, size: SVGChart.fontSize))
            x += w
        }
        y = rowY + (rows > 0 ? 14 : -4)
        if let unitLabel {
            y += 16
            body.append(text(4, y, unitLabel, size: SVGChart.fontSize, fill: ChartPalette.muted))
        }
        top = y + 12
    }

    /// Sets the plot area's height (the chart grows or shrinks to fit).
    mutating func fitPlot(height plotHeight: Double) {
        bottom = top + plotHeight
        height = bottom + bottomMargin
    }

    // MARK: Text

    /// Approximate rendered width of `s` in a sans-serif font.
    static func textWidth(_ s: String, size: Double) -> Double { Double(s.count) * size * 0.56 }

    /// Greedy word wrap to a width.
    static func wrap(_ s: String, width: Double, size: Double) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in s.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if textWidth(candidate, size: size) > width && !current.isEmpty {
                lines.append(current)
                current = String(word)
            } else {
                current = candidate
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines.isEmpty ? [""] : lines
    }

    func text(
        _ x: Double, _ y: Double, _ s: String, size: Double = SVGChart.fontSize, anchor: String = "start",
        weight: String? = nil, fill: String = ChartPalette.ink
    ) -> String {
        var a = "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\""
        if anchor != "start" { a += " text-anchor=\"\(anchor)\"" }
        if let weight { a += " font-weight=\"\(weight)\"" }
        if fill != ChartPalette.ink { a += " fill=\"\(fill)\"" }
        return a + ">\(HTML.escape(s))</text>"
    }

    /// A number for an attribute: at most two decimals, no exponent.
    func n(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let r = (x * 100).rounded() / 100
        if r == r.rounded() { return String(Int(r)) }
        return String(format: "%.2f", r).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }

    // MARK: Axes

    /// Horizontal grid lines and labels for a y scale (whose `from`/`to` must be `bottom`/`top`).
    mutating func yAxis(_ scale: ChartScale, format: ((Double) -> String)? = nil) {
        for t in scale.ticks {
            let y = scale.position(t)
            body.append(
                "<line x1=\"\(n(left))\" x2=\"\(n(right))\" y1=\"\(n(y))\" y2=\"\(n(y))\" stroke=\"\(ChartPalette.grid)\"/>"
            )
            body.append(
                text(
                    left - 6, y + 4, format?(t) ?? scale.label(t), size: SVGChart.tickFontSize, anchor: "end",
                    fill: ChartPalette.muted))
        }
        body.append("<line x1=\"\(n(left))\" x2=\"\(n(left))\" y1=\"\(n(top))\" y2=\"\(n(bottom))\" stroke=\"#999\"/>")
    }

    /// Vertical grid lines and labels for an x scale, with an axis title under them.
    mutating func xAxis(_ scale: ChartScale, label: String, format: ((Double) -> String)? = nil, grid: Bool = true) {
        for t in scale.ticks {
            let x = scale.position(t)
            if grid {
                body.append(
                    "<line x1=\"\(n(x))\" x2=\"\(n(x))\" y1=\"\(n(top))\" y2=\"\(n(bottom))\" stroke=\"\(ChartPalette.grid)\"/>"
                )
            }
            body.append(
                "<line x1=\"\(n(x))\" x2=\"\(n(x))\" y1=\"\(n(bottom))\" y2=\"\(n(bottom + 4))\" stroke=\"#999\"/>")
            body.append(
                text(
                    x, bottom + 17, format?(t) ?? scale.label(t), size: SVGChart.tickFontSize, anchor: "middle",
                    fill: ChartPalette.muted))
        }
        baseline()
        body.append(
            text(
                (left + right) / 2, bottom + 36, label, size: SVGChart.fontSize, anchor: "middle",
                fill: ChartPalette.muted))
    }

    /// Labelled ticks at given positions (months, categories); each label may have two lines.
    mutating func xLabels(_ marks: [(x: Double, lines: [String])], label: String?) {
        for m in marks {
            body.append(
                "<line x1=\"\(n(m.x))\" x2=\"\(n(m.x))\" y1=\"\(n(bottom))\" y2=\"\(n(bottom + 4))\" stroke=\"#999\"/>")
            for (k, line) in m.lines.enumerated() {
                body.append(
                    text(
                        m.x, bottom + 17 + Double(k) * 13, line, size: SVGChart.tickFontSize, anchor: "middle",
                        fill: k == 0 ? ChartPalette.muted : ChartPalette.ink))
            }
        }
        baseline()
        if let label {
            body.append(
                text(
                    (left + right) / 2, bottom + 44, label, size: SVGChart.fontSize, anchor: "middle",
                    fill: ChartPalette.muted))
        }
    }

    private mutating func baseline() {
        body.append(
            "<line x1=\"\(n(left))\" x2=\"\(n(right))\" y1=\"\(n(bottom))\" y2=\"\(n(bottom))\" stroke=\"#999\"/>")
    }

    // MARK: Primitives (plot coordinates)

    /// Runs of consecutive finite points.
    static func segments(_ points: [(Double, Double)]) -> [[(Double, Double)]] {
        var runs: [[(Double, Double)]] = [[]]
        for p in points {
            if p.0.isFinite && p.1.isFinite {
                runs[runs.count - 1].append(p)
            } else if !runs[runs.count - 1].isEmpty {
                runs.append([])
            }
        }
        return runs.filter { !$0.isEmpty }
    }

    func pathData(_ points: [(Double, Double)]) -> String {
        points.enumerated().map { ($0.offset == 0 ? "M" : "L") + n($0.element.0) + " " + n($0.element.1) }.joined()
    }

    mutating func line(
        _ points: [(Double, Double)], color: String, width: Double = 2.5, dash: String? = nil, onTop: Bool = false
    ) {
        for run in SVGChart.segments(points) where run.count > 1 {
            let d = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            let element =
                "<path class=\"data\" d=\"\(pathData(run))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(n(width))\" stroke-linejoin=\"round\"\(d)/>"
            if onTop { overlay.append(element) } else { body.append(element) }
        }
    }

    /// A band between two lines sharing x positions (gaps where either end is undefined).
    mutating func band(upper: [(Double, Double)], lower: [(Double, Double)], color: String, opacity: Double) {
        let pairs = zip(upper, lower).map { ($0.0, $0.1, $1.1) }
        var runs: [[(Double, Double, Double)]] = [[]]
        for p in pairs {
            if p.0.isFinite && p.1.isFinite && p.2.isFinite {
                runs[runs.count - 1].append(p)
            } else if !runs[runs.count - 1].isEmpty {
                runs.append([])
            }
        }
        for run in runs where run.count > 1 {
            let top = run.map { ($0.0, $0.1) }
            let low = run.reversed().map { ($0.0, $0.2) }
            body.append(
                "<path class=\"data\" d=\"\(pathData(top + low))Z\" fill=\"\(color)\" fill-opacity=\"\(n(opacity))\" stroke=\"none\"/>"
            )
        }
    }

    mutating func rect(x: Double, y: Double, width w: Double, height h: Double, fill: Fill, stroke: String? = "#ffffff")
    {
        guard w.isFinite, h.isFinite, w > 0, h > 0 else { return }
        let s = stroke.map { " stroke=\"\($0)\" stroke-width=\"0.75\"" } ?? ""
        body.append(
            "<rect class=\"data\" x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(h))\" fill=\"\(paint(fill))\"\(s)/>"
        )
    }

    /// An interval drawn as a whisker with end caps, vertical or horizontal.
    mutating func whisker(
        at c: Double, from a: Double, to b: Double, vertical: Bool, color: String = ChartPalette.ink, cap: Double = 4
    ) {
        guard a.isFinite, b.isFinite, c.isFinite else { return }
        let d =
            vertical
            ? "M\(n(c)) \(n(a))L\(n(c)) \(n(b))M\(n(c - cap)) \(n(a))L\(n(c + cap)) \(n(a))M\(n(c - cap)) \(n(b))L\(n(c + cap)) \(n(b))"
            : "M\(n(a)) \(n(c))L\(n(b)) \(n(c))M\(n(a)) \(n(c - cap))L\(n(a)) \(n(c + cap))M\(n(b)) \(n(c - cap))L\(n(b)) \(n(c + cap))"
        overlay.append("<path class=\"data\" d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\"/>")
    }

    /// A marker: a filled diamond, or a hollow circle.
    mutating func marker(x: Double, y: Double, color: String, filled: Bool, size: Double = 5) {
        guard x.isFinite, y.isFinite else { return }
        if filled {
            overlay.append(
                "<path d=\"M\(n(x)) \(n(y - size - 1))L\(n(x + size + 1)) \(n(y))L\(n(x)) \(n(y + size + 1))L\(n(x - size - 1)) \(n(y))Z\" fill=\"\(color)\" stroke=\"#fff\" stroke-width=\"1\"/>"
            )
        } else {
            overlay.append(
                "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(size - 0.5))\" fill=\"#fff\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            )
        }
    }

    /// Free text inside the chart, drawn above the data.
    mutating func label(
        _ x: Double, _ y: Double, _ s: String, anchor: String = "start", weight: String? = nil,
        fill: String = ChartPalette.ink, size: Double = SVGChart.tickFontSize, halo: Bool = true
    ) {
        let t = text(x, y, s, size: size, anchor: anchor, weight: weight, fill: fill)
        // A white halo keeps labels readable over lines and bands.
        if halo {
            overlay.append(
                t.replacingOccurrences(
                    of: "<text ", with: "<text stroke=\"#fff\" stroke-width=\"3\" stroke-linejoin=\"round\" "))
        }
        overlay.append(t)
    }

    /// Raw SVG (already escaped) drawn above the data.
    mutating func raw(_ element: String) { overlay.append(element) }

    // MARK: Fills and legend swatches

    private mutating func paint(_ fill: Fill) -> String {
        guard fill.pattern != .solid else { return fill.color }
        let key = "\(fill.color)-\(fill.pattern.rawValue)"
        let pid = "\(id)-p\(fill.pattern.rawValue)-\(fill.color.dropFirst())"
        if !patternsDefined.contains(key) {
            patternsDefined.insert(key)
            let marks: String
            switch fill.pattern {
            case .solid: marks = ""
            case .diagonal: marks = "<path d=\"M-1 1L1 -1M0 8L8 0M7 9L9 7\" stroke=\"#fff\" stroke-width=\"1.6\"/>"
            case .backDiagonal: marks = "<path d=\"M-1 7L1 9M0 0L8 8M7 -1L9 1\" stroke=\"#fff\" stroke-width=\"1.6\"/>"
            case .dots:
                marks =
                    "<circle cx=\"2\" cy=\"2\" r=\"1.3\" fill=\"#fff\"/><circle cx=\"6\" cy=\"6\" r=\"1.3\" fill=\"#fff\"/>"
            case .horizontal: marks = "<path d=\"M0 4L8 4\" stroke=\"#fff\" stroke-width=\"1.6\"/>"
            case .vertical: marks = "<path d=\"M4 0L4 8\" stroke=\"#fff\" stroke-width=\"1.6\"/>"
            case .crosshatch: marks = "<path d=\"M0 0L8 8M8 0L0 8\" stroke=\"#fff\" stroke-width=\"1.2\"/>"
            case .grid: marks = "<path d=\"M0 4L8 4M4 0L4 8\" stroke=\"#fff\" stroke-width=\"1.2\"/>"
            }
            defs.append(
                "<pattern id=\"\(pid)\" patternUnits=\"userSpaceOnUse\" width=\"8\" height=\"8\"><rect width=\"8\" height=\"8\" fill=\"\(fill.color)\"/>\(marks)</pattern>"
            )
        }
        return "url(#\(pid))"
    }

    private mutating func swatch(_ s: Swatch, x: Double, y: Double) -> String {
        switch s {
        case .line(let color, let dash, let w):
            let d = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            return
                "<path d=\"M\(n(x)) \(n(y))L\(n(x + 24)) \(n(y))\" stroke=\"\(color)\" stroke-width=\"\(n(w))\"\(d)/>"
        case .band(let color, let opacity):
            return
                "<rect x=\"\(n(x))\" y=\"\(n(y - 6))\" width=\"24\" height=\"12\" fill=\"\(color)\" fill-opacity=\"\(n(opacity))\"/>"
        case .fill(let fill):
            return
                "<rect x=\"\(n(x + 4))\" y=\"\(n(y - 7))\" width=\"16\" height=\"14\" fill=\"\(paint(fill))\" stroke=\"#666\" stroke-width=\"0.5\"/>"
        case .marker(let color, let filled):
            return filled
                ? "<path d=\"M\(n(x + 12)) \(n(y - 6))L\(n(x + 18)) \(n(y))L\(n(x + 12)) \(n(y + 6))L\(n(x + 6)) \(n(y))Z\" fill=\"\(color)\"/>"
                : "<circle cx=\"\(n(x + 12))\" cy=\"\(n(y))\" r=\"4.5\" fill=\"#fff\" stroke=\"\(color)\" stroke-width=\"2\"/>"
        case .whisker(let color):
            return
                "<path d=\"M\(n(x + 12)) \(n(y - 6))L\(n(x + 12)) \(n(y + 6))M\(n(x + 8)) \(n(y - 6))L\(n(x + 16)) \(n(y - 6))M\(n(x + 8)) \(n(y + 6))L\(n(x + 16)) \(n(y + 6))\" stroke=\"\(color)\" stroke-width=\"1.5\" fill=\"none\"/>"
        }
    }

    // MARK: Output

    /// The finished `<svg>` element, described for screen readers by its title and `summary`.
    func render(summary: String? = nil) -> String {
        var s =
            "<svg class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\" role=\"img\" aria-labelledby=\"\(id)-title\(summary == nil ? "" : " \(id)-desc")\" font-family=\"inherit\">"
        s += "<title id=\"\(id)-title\">\(HTML.escape(title))</title>"
        if let summary { s += "<desc id=\"\(id)-desc\">\(HTML.escape(summary))</desc>" }
        if !defs.isEmpty { s += "<defs>" + defs.joined() + "</defs>" }
        s += body.joined(separator: "\n") + "\n" + overlay.joined(separator: "\n") + "</svg>"
        return s
    }
}
