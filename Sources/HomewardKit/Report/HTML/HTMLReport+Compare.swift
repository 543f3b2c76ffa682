import Foundation

/// The report of a comparison (`compare.json` and each scenario's `summary.json`).
extension HTMLReport {
    struct Difference {
        var scenario: String
        var mean: Double
        var difference: Double
        var low: Double
        var high: Double
        /// P10 and P90 of the per-replication differences (NaN when absent or too few).
        var p10: Double = .nan
        var p90: Double = .nan
        var significant: Bool
    }

    struct ComparedMetric {
        var key: String
        var unit: String
        var base: Double
        var variants: [Difference]
    }

    static func compareReport(_ json: JSONValue, directory: String) throws(ReportError) -> String {
        let file = directory + "/compare.json"
        guard let top = json.objectValue, let comparison = top["comparison"]?.objectValue,
            let metricsObject = comparison["metrics"]?.objectValue
        else {
            throw .badInput("\(file): not a Homeward comparison (no 'comparison.metrics' object)")
        }
        let manifest = top["manifest"]?.objectValue ?? JSONObject()
        let names = comparison["scenarios"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var metrics: [String: ComparedMetric] = [:]
        for (key, value) in metricsObject {
            guard let o = value.objectValue else { continue }
            let variants = (o["variants"]?.arrayValue ?? []).compactMap { v -> Difference? in
                guard let d = v.objectValue else { return nil }
                let ci = RunResults.numbers(d["differenceCi95"])
                let range = RunResults.numbers(d["differenceP10P90"])
                return Difference(
                    scenario: d["scenario"]?.stringValue ?? "", mean: RunResults.number(d["mean"]),
                    difference: RunResults.number(d["difference"]),
                    low: ci.count == 2 ? ci[0] : .nan, high: ci.count == 2 ? ci[1] : .nan,
                    p10: range.count == 2 ? range[0] : .nan, p90: range.count == 2 ? range[1] : .nan,
                    significant: d["significant"]?.boolValue ?? false)
            }
            metrics[key] = ComparedMetric(
                key: key, unit: o["unit"]?.stringValue ?? Metric.unit(of: key),
                base: RunResults.number(o["base"]), variants: variants)
        }
        // The headline metrics, with each payer's part of the total cost beside it.
        let payers = Payer.allCases.map { Metric.costByPayer.key(member: $0.rawValue) }
        let keys = (Metric.headline + [.delayedBedDaysWorstMonth]).map(\.key)
            .flatMap { $0 == Metric.totalCost.key ? [$0] + payers : [$0] }
            .filter { metrics[$0] != nil }
        let variantNames =
            names.count > 1
            ? Array(names.dropFirst()) : Array(Set(metrics.values.flatMap { $0.variants.map(\.scenario) })).sorted()
        let baseName = names.first ?? "Base"

        var page = HTMLPage(title: "Comparison: \(variantNames.joined(separator: ", ")) against \(baseName)")
        var cover =
            "<header class=\"cover\"><p class=\"kicker\">Homeward comparison</p><h1>\(HTML.escape(variantNames.joined(separator: "; ")))</h1>"
        cover += "<p class=\"lede\">compared with <b>\(HTML.escape(baseName))</b></p>"
        var facts: [String] = []
        if let n = manifest["replications"]?.numberValue { facts.append("\(count(n)) replications each") }
        if let seed = manifest["seed"]?.numberValue { facts.append("seed \(String(Int64(seed)))") }
        if manifest["commonRandomNumbers"]?.boolValue == true {
            facts.append("common random numbers (paired differences)")
        }
        cover += "<p class=\"meta\">\(HTML.escape(facts.joined(separator: " · ")))</p></header>"
        page.add(cover)

        for (v, variant) in variantNames.enumerated() {
            let diffs = keys.compactMap { key -> (ComparedMetric, Difference)? in
                guard let m = metrics[key],
                    let d = m.variants.first(where: { $0.scenario == variant })
                        ?? (m.variants.count > v ? m.variants[v] : nil)
                else { return nil }
                return (m, d)
            }
            let significant = diffs.filter { $0.1.significant }
            var html =
                "<p class=\"callout\">\(HTML.escape("\(significant.count) of \(diffs.count) headline metrics change significantly (the 95% CI of the paired difference excludes zero)"))"
            if !significant.isEmpty {
                html += ": " + HTML.escape(significant.map { name(of: $0.0.key) }.joined(separator: ", "))
            }
            html += ".</p>"
            let changes = diffs.map { Metric.change(of: $0.0.key, low: $0.1.low, high: $0.1.high) }
            let better = changes.filter { $0 == .better }.count
            let worse = changes.filter { $0 == .worse }.count
            if better + worse > 0 {
                html += "<p class=\"note\">\(better) better, \(worse) worse (by each metric's direction).</p>"
            }
            var rows: [ReportCharts.ForestRow] = []
            var unplotted: [String] = []
            for (m, d) in diffs {
                guard m.base.isFinite, m.base != 0, d.difference.isFinite else {
                    unplotted.append(name(of: m.key))
                    continue
                }
                let scale = 100 / abs(m.base)
                rows.append(
                    ReportCharts.ForestRow(
                        label: name(of: m.key), estimate: d.difference * scale, low: d.low * scale,
                        high: d.high * scale, significant: d.significant,
                        text: "\(signed(d.difference)) (\(interval(d.low, d.high, withSign: true)))"))
            }
            if !rows.isEmpty {
                let svg = ReportCharts.forest(
                    id: "fig-forest-\(v)", title: "Change from the base, as a percentage of the base mean", rows: rows,
                    axisLabel: "difference, % of the base mean")
                html += HTML.figure(
                    svg,
                    caption: page.nextFigure()
                        + "Paired difference (variant minus base) of each headline metric with its 95% CI, as a share of the base's mean so that metrics with different units share one axis; the right-hand column gives the difference in the metric's own unit. Filled diamonds with bold labels: the interval excludes zero."
                        + (unplotted.isEmpty
                            ? ""
                            : HTML.escape(
                                " Not plotted (base mean zero or undefined): \(unplotted.joined(separator: ", ")).")))
            }
            let columns = [
                HTML.Column(title: "Metric"), HTML.Column(title: "Base", numeric: true),
                HTML.Column(title: "Variant", numeric: true),
                HTML.Column(title: "Difference", numeric: true),
                HTML.Column(title: "95% CI of the difference", numeric: true),
                HTML.Column(title: "P10 to P90 of yearly differences", numeric: true), HTML.Column(title: "Unit"),
                HTML.Column(title: "Change"),
            ]
            let tableRows = diffs.map { (m, d) in
                HTML.Row(
                    cells: [
                        metricCell(m.key), HTML.escape(number(m.base)), HTML.escape(number(d.mean)),
                        HTML.escape(signed(d.difference)),
                        HTML.escape(interval(d.low, d.high, withSign: true)),
                        HTML.escape(interval(d.p10, d.p90, withSign: true)), HTML.escape(m.unit),
                        changeCell(Metric.change(of: m.key, low: d.low, high: d.high)),
                    ],
                    className: ([d.significant ? "significant" : nil, isBCF(m.key) ? "bcf" : nil].compactMap { $0 })
                        .joined(separator: " "))
            }
            html += HTML.table(columns, tableRows, className: "differences")
            html += "<p class=\"note\">\(HTML.escape(differenceLegend))</p>"
            page.section(
                variantNames.count > 1 ? "Differences: \(variant)" : "Differences from the base",
                id: "differences-\(v)", html)
        }

        // Each scenario's own headline table, from its folder.
        for (i, folder) in scenarioFolders(manifest: manifest, directory: directory).enumerated() {
            guard exists(folder + "/summary.json") else { continue }
            let results = try RunResults(try load(folder + "/summary.json"), file: folder + "/summary.json")
            let title = i < names.count ? names[i] : (folder as NSString).lastPathComponent
            page.section(
                "\(i == 0 ? "Base" : "Variant"): \(title)", id: "scenario-\(i)",
                headlineTable(results, keys: headlineKeys(results)))
        }
        page.section("Run manifest", id: "manifest", compareManifest(manifest))
        page.add(footer(file))
        return page.render()
    }

    /// Which interval of a difference is which, in plain words.
    static let differenceLegend =
        "95% CI of the difference: where the long-run mean difference lies; it shrinks as replications are added. P10 to P90 of yearly differences: where the difference between the variant and the base falls in 8 years of 10 (replication by replication, on the same random numbers); it does not shrink with more replications, and is given from \(PlanningRange.minimumReplications) replications on."

    /// The folders compare wrote, one per scenario in order (named after each file, with the
    /// position appended when two files share a name); otherwise every subfolder with a summary.
    static func scenarioFolders(manifest: JSONObject, directory: String) -> [String] {
        let files = (manifest["scenarios"]?.arrayValue ?? []).compactMap { $0.objectValue?["file"]?.stringValue }
        if !files.isEmpty {
            return ResultFolders.unique(files).map { directory + "/" + $0 }
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.sorted().map { directory + "/" + $0 }.filter { exists($0 + "/summary.json") }
    }

    static func compareManifest(
        _ m: JSONObject,
        analysis: String =
            "Paired difference (variant minus base) per replication, mean with a 95% Student t confidence interval"
    ) -> String {
        var rows: [(String, String)] = []
        if let v = m["homewardVersion"]?.stringValue { rows.append(("Homeward version", v)) }
        if let f = m["scenarioFile"]?.stringValue { rows.append(("Scenario file", f)) }
        if let g = m["generator"]?.stringValue { rows.append(("Random numbers", g)) }
        if let s = m["seed"]?.numberValue { rows.append(("Master seed", String(Int64(s)))) }
        if let n = m["replications"]?.numberValue { rows.append(("Replications", "\(Int64(n)) per scenario")) }
        if m["commonRandomNumbers"]?.boolValue == true {
            rows.append(
                (
                    "Variance reduction",
                    "Common random numbers: replication r of every scenario uses the same streams; differences are paired"
                ))
        }
        rows.append(("Output analysis", analysis))
        for (i, s) in (m["scenarios"]?.arrayValue ?? []).enumerated() {
            guard let o = s.objectValue else { continue }
            let text = [
                o["name"]?.stringValue, o["file"]?.stringValue.map { "file \($0)" },
                o["hash"]?.stringValue.map { "hash \($0)" },
            ].compactMap { $0 }.joined(separator: "; ")
            rows.append((i == 0 ? "Base scenario" : "Variant \(i)", text))
        }
        let body = rows.map { "<tr><th scope=\"row\">\(HTML.escape($0.0))</th><td>\(HTML.escape($0.1))</td></tr>" }
            .joined()
        return "<table class=\"manifest\"><tbody>\(body)</tbody></table>"
    }
}

extension HTMLReport {
    /// A difference's verdict as a table cell: "better" and "worse" stand out.
    static func changeCell(_ change: Metric.Change) -> String {
        switch change {
        case .better, .worse, .higher, .lower: "<span class=\"sig\">\(change.rawValue)</span>"
        case .noClearChange: change.rawValue
        }
    }
}
