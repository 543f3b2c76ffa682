/// The report of a sweep (`sweep.json`): each headline metric against the varied setting, the
/// target and the recommended point, the verdict and the table of points.
extension HTMLReport {
    struct SweepPoint {
        var values: [String: Double]
        var metrics: [String: MetricValue]
        var met: Bool?
        var share: Double?
        /// "met", "missed" or "undecided" (a sweep written before verdicts had three outcomes
        /// gives only `met`, read as met or missed).
        var verdict: String?
        /// The interval the verdict was judged on, and the replications it was judged on.
        var judged: (low: Double, high: Double)?
        var replications: Double?
    }

    struct SweepTarget {
        var metric: String
        var bound: String
        var value: Double
        var confidence: Double?
        var verdict: String

        var label: String { "Target \(bound == ">=" ? "≥" : "≤") \(count(value))" }
    }

    static func sweepReport(_ json: JSONValue, directory: String) throws(ReportError) -> String {
        let file = directory + "/sweep.json"
        guard let top = json.objectValue, let axesArray = top["axes"]?.arrayValue,
            let pointsArray = top["points"]?.arrayValue
        else {
            throw .badInput("\(file): not a Homeward sweep (no 'axes' and 'points')")
        }
        let manifest = top["manifest"]?.objectValue ?? JSONObject()
        let axes = axesArray.compactMap { a -> (field: String, values: [Double])? in
            guard let o = a.objectValue, let f = o["field"]?.stringValue else { return nil }
            return (f, RunResults.numbers(o["values"]))
        }
        guard let xAxis = axes.first, !pointsArray.isEmpty else {
            throw .badInput("\(file): the sweep has no axes or no points")
        }
        let points = pointsArray.compactMap { p -> SweepPoint? in
            guard let o = p.objectValue else { return nil }
            var values: [String: Double] = [:]
            for (k, v) in o["values"]?.objectValue ?? JSONObject() { values[k] = v.numberValue ?? .nan }
            var keys: [String] = []
            var metrics: [String: MetricValue] = [:]
            RunResults.flatten(o["metrics"]?.objectValue ?? JSONObject(), prefix: "", keys: &keys, into: &metrics)
            let t = o["target"]?.objectValue
            let met = t?["met"]?.boolValue
            let judged = t.flatMap { t -> (Double, Double)? in
                guard let low = t["low"]?.numberValue, let high = t["high"]?.numberValue else { return nil }
                return (low, high)
            }
            return SweepPoint(
                values: values, metrics: metrics, met: met, share: t?["shareWithin"]?.numberValue,
                verdict: t?["verdict"]?.stringValue ?? met.map { $0 ? "met" : "missed" }, judged: judged,
                replications: t?["replications"]?.numberValue)
        }
        let target = top["target"]?.objectValue.flatMap { t -> SweepTarget? in
            guard let metric = t["metric"]?.stringValue, let value = t["value"]?.numberValue else { return nil }
            return SweepTarget(
                metric: metric, bound: t["bound"]?.stringValue ?? "<=", value: value,
                confidence: t["confidence"]?.numberValue, verdict: t["verdict"]?.stringValue ?? "")
        }

        // Series: one per combination of the other axes' values, in grid order.
        let others = axes.dropFirst().map(\.field)
        var combos: [[Double]] = []
        for p in points {
            let c = others.map { p.values[$0] ?? .nan }
            if !combos.contains(c) { combos.append(c) }
        }
        // Each point by its settings: the x axis's value, then the other axes' values.
        var lookup: [[Double]: Int] = [:]
        for (i, p) in points.enumerated() {
            let key = [p.values[xAxis.field] ?? .nan] + others.map { p.values[$0] ?? .nan }
            if lookup[key] == nil { lookup[key] = i }
        }
        func index(_ series: Int, _ x: Int) -> Int? { lookup[[xAxis.values[x]] + combos[series]] }
        let recommendedPoint = points.firstIndex { $0.met == true }
        var recommended: (series: Int, x: Int)?
        if let r = recommendedPoint {
            for s in combos.indices { for x in xAxis.values.indices where index(s, x) == r { recommended = (s, x) } }
        }
        let seriesLabel = { (s: Int) -> String in
            zip(others, combos[s]).map { "\(shortField($0))=\(ReportCharts.setting($1, among: [$1]))" }.joined(
                separator: ", ")
        }

        func chart(_ key: String, id: String, width: Double, height: Double, withTarget: Bool) -> String? {
            var series: [(label: String, mean: [Double], low: [Double], high: [Double])] = []
            var unit = Metric.unit(of: key)
            for s in combos.indices {
                let ms = xAxis.values.indices.map { x in index(s, x).flatMap { points[$0].metrics[key] } }
                guard ms.contains(where: { $0 != nil }) else { continue }
                if let u = ms.compactMap({ $0?.unit }).first { unit = u }
                series.append(
                    (
                        seriesLabel(s), ms.map { $0?.mean ?? .nan }, ms.map { $0?.low ?? .nan },
                        ms.map { $0?.high ?? .nan }
                    ))
            }
            guard !series.isEmpty else { return nil }
            var quantile: (label: String, values: [Double])?
            if withTarget, let t = target, let p = t.confidence, combos.count == 1 {
                let q = t.bound == ">=" ? 1 - p : p
                let values = xAxis.values.indices.map { x in
                    index(0, x).flatMap { points[$0].metrics[key] }.map {
                        Statistics.quantile($0.values.filter(\.isFinite), q)
                    } ?? .nan
                }
                quantile = ("\(ordinal(q)) percentile of replications", values)
            }
            return ReportCharts.sweep(
                id: id, title: name(of: key), x: xAxis.values, xLabel: xAxis.field, series: series, unit: unit,
                target: withTarget ? target.map { ($0.value, $0.label) } : nil,
                recommended: withTarget && recommended?.series == 0 ? recommended?.x : nil,
                quantile: quantile, width: width, height: height)
        }

        var page = HTMLPage(title: "Sweep of \(axes.map(\.field).joined(separator: " and "))")
        var cover =
            "<header class=\"cover\"><p class=\"kicker\">Homeward sweep</p><h1>\(HTML.escape("How the forecast changes with " + axes.map(\.field).joined(separator: " and ")))</h1>"
        var facts: [String] = []
        if let f = manifest["scenarioFile"]?.stringValue { facts.append("scenario \(f)") }
        facts.append("\(points.count) points")
        if let n = manifest["replications"]?.numberValue { facts.append("\(count(n)) replications each") }
        if let seed = manifest["seed"]?.numberValue { facts.append("seed \(String(Int64(seed)))") }
        if manifest["commonRandomNumbers"]?.boolValue == true { facts.append("common random numbers") }
        cover += "<p class=\"meta\">\(HTML.escape(facts.joined(separator: " · ")))</p></header>"
        page.add(cover)

        if let t = target {
            let met = recommendedPoint != nil
            var html =
                "<p class=\"callout\(met ? "" : " missed")\"><b>\(met ? "Target met." : points.contains { $0.verdict == "undecided" } ? "Target not shown to be met." : "Target not met.")</b> \(HTML.escape(t.verdict))</p>"
            html += "<p class=\"note\">\(HTML.escape(targetExplanation(t)))</p>"
            if let svg = chart(
                t.metric, id: "fig-sweep-target", width: ReportCharts.fullWidth, height: 330, withTarget: true)
            {
                html += HTML.figure(
                    svg,
                    caption: page.nextFigure()
                        + HTML.escape(
                            "\(name(of: t.metric)) at each setting: mean across replications with its 95% CI. The dashed black line is the target"
                                + (t.confidence.map {
                                    "; the dotted line is the \(ordinal(t.bound == ">=" ? 1 - $0 : $0)) percentile of the replications, which must be within the target for it to be met"
                                } ?? "")
                                + (recommended != nil
                                    ? "; the green diamond marks the recommended (first) setting meeting it." : ".")))
            }
            page.section("Verdict", id: "verdict", html)
        }

        var grid = "<div class=\"grid2\">"
        var n = 0
        for key in Metric.headline.map(\.key) where key != target?.metric {
            guard
                let svg = chart(
                    key, id: "fig-sweep-\(n)", width: ReportCharts.halfWidth, height: 250, withTarget: false)
            else { continue }
            grid += HTML.figure(svg, caption: page.nextFigure() + HTML.escape("\(name(of: key)) (mean, 95% CI)."))
            n += 1
        }
        grid += "</div>"
        page.section("Headline metrics against \(xAxis.field)", id: "metrics", grid)
        page.section(
            "Points", id: "points",
            pointsTable(points, axes: axes.map(\.field), target: target, recommended: recommendedPoint))
        page.section(
            "Run manifest", id: "manifest",
            compareManifest(
                manifest,
                analysis:
                    manifest["sequentialVerdicts"] == nil
                    ? "At each point, the mean across replications with a 95% Student t confidence interval; a target with a confidence is judged on the share of replications within the bound"
                    : "At each point, the mean across replications with a 95% Student t confidence interval. Each point ran until its verdict on the target was clear or the cap was reached; a target with a confidence is judged on the exact (Clopper-Pearson) interval of the share of replications within the bound, a target on the mean on the Student t interval of the mean, each look at level 1 - 5%/(number of looks), so that a verdict is wrong with probability at most 5%"
            ))
        page.add(footer(file))
        return page.render()
    }

    /// A field without its "services." prefix ("reablement.capacity").
    static func shortField(_ field: String) -> String {
        field.hasPrefix("services.") ? String(field.dropFirst("services.".count)) : field
    }

    static func ordinal(_ p: Double) -> String {
        let n = Int((p * 100).rounded())
        let suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
        return "\(n)\(suffix)"
    }

    /// A name inside a sentence: "Delayed bed days" becomes "delayed bed days", "NELs" stays.
    static func inSentence(_ name: String) -> String {
        guard let first = name.first, first.isUppercase, name.dropFirst().first?.isLowercase == true else {
            return name
        }
        return first.lowercased() + name.dropFirst()
    }

    static func targetExplanation(_ t: SweepTarget) -> String {
        let bound = t.bound == ">=" ? "at least" : "at most"
        if let p = t.confidence {
            return
                "The target: \(inSentence(name(of: t.metric))) \(bound) \(count(t.value)) in at least \(TableRenderer.percent(p)) of replications (each replication is one possible year), not only on average."
        }
        return "The target: the mean of \(inSentence(name(of: t.metric))) \(bound) \(count(t.value))."
    }

    static func pointsTable(_ points: [SweepPoint], axes: [String], target: SweepTarget?, recommended: Int?) -> String {
        var keys = SweepResult.columns
        if let t = target { keys.removeAll { $0 == t.metric } }
        var columns = axes.map { HTML.Column(title: shortField($0), numeric: true) }
        let judged = points.contains { $0.judged != nil }
        if let t = target {
            columns += [
                HTML.Column(title: "\(name(of: t.metric)) (95% CI)", numeric: true),
                HTML.Column(title: "Share within", numeric: true),
            ]
            if judged {
                columns += [
                    HTML.Column(title: "Interval judged on", numeric: true),
                    HTML.Column(title: "Replications", numeric: true),
                ]
            }
            columns.append(HTML.Column(title: "Verdict"))
        }
        columns += keys.map { HTML.Column(title: name(of: $0), numeric: true) }
        let rows = points.enumerated().map { (i, p) -> HTML.Row in
            var cells = axes.map { HTML.escape(p.values[$0].map(count) ?? "n/a") }
            if let t = target {
                let m = p.metrics[t.metric]
                cells.append(HTML.escape(m.map { "\(number($0.mean)) (\(interval($0.low, $0.high)))" } ?? "n/a"))
                cells.append(HTML.escape(p.share.map(TableRenderer.percent) ?? "n/a"))
                if judged {
                    let f = t.confidence == nil ? number : TableRenderer.percent
                    cells.append(HTML.escape(p.judged.map { "\(f($0.low)) to \(f($0.high))" } ?? "n/a"))
                    cells.append(HTML.escape(p.replications.map(count) ?? "n/a"))
                }
                let verdict = p.verdict ?? "n/a"
                cells.append(i == recommended ? "<b>\(HTML.escape(verdict)), recommended</b>" : HTML.escape(verdict))
            }
            cells += keys.map { HTML.escape(p.metrics[$0].map { number($0.mean) } ?? "n/a") }
            return HTML.Row(
                cells: cells,
                className: [p.met == true ? "met" : nil, i == recommended ? "recommended" : nil].compactMap { $0 }
                    .joined(separator: " "))
        }
        return HTML.table(columns, rows, className: "points")
            + "<p class=\"note\">Means across replications. Shaded rows meet the target; the first of them in grid order is recommended."
            + (judged
                ? " A point is undecided when the interval judged on straddles the target after the most replications allowed: its setting may or may not be enough."
                : "") + "</p>"
    }
}
