import Foundation

/// The report of a scheme evaluation (`schemes.json`, written by `homeward schemes`): what each
/// scheme is worth alone and all together, against the scenario without any.
extension HTMLReport {
    struct SchemeMeasure {
        var label: String
        var unit: String
        var mean: Double
        var low: Double
        var high: Double

        /// Whether the 95% CI excludes zero (a fixed cost has no interval and never counts).
        var excludesZero: Bool { low.isFinite && high.isFinite && low < high && (low > 0 || high < 0) }
    }

    struct SchemeOption {
        var name: String
        var measures: [String: SchemeMeasure]
        /// Chances (reaching a plan figure, saving more than it costs), in file order.
        var chances: [(key: String, label: String, probability: Double, low: Double, high: Double)] = []
    }

    static func schemesReport(_ json: JSONValue, directory: String) throws(ReportError) -> String {
        let file = directory + "/schemes.json"
        guard let top = json.objectValue, let evaluation = top["evaluation"]?.objectValue,
            let list = evaluation["options"]?.arrayValue
        else {
            throw .badInput("\(file): not a Homeward scheme evaluation (no 'evaluation.options' list)")
        }
        let manifest = top["manifest"]?.objectValue ?? JSONObject()
        let scenario = evaluation["scenario"]?.stringValue ?? "the scenario"
        var options: [SchemeOption] = []
        for item in list {
            guard let o = item.objectValue, let name = o["name"]?.stringValue, let measures = o["measures"]?.objectValue
            else {
                throw .badInput("\(file): an option lacks its 'name' or 'measures'")
            }
            var parsed: [String: SchemeMeasure] = [:]
            for (key, value) in measures {
                guard let m = value.objectValue else { continue }
                let ci = RunResults.numbers(m["ci95"])
                parsed[key] = SchemeMeasure(
                    label: m["label"]?.stringValue ?? key, unit: m["unit"]?.stringValue ?? "",
                    mean: RunResults.number(m["mean"]),
                    low: ci.count == 2 ? ci[0] : .nan, high: ci.count == 2 ? ci[1] : .nan)
            }
            var chances: [(key: String, label: String, probability: Double, low: Double, high: Double)] = []
            for (key, value) in o["chances"]?.objectValue ?? JSONObject() {
                guard let c = value.objectValue else { continue }
                let bounds = RunResults.numbers(c["interval95"])
                chances.append(
                    (
                        key, c["label"]?.stringValue ?? key, RunResults.number(c["probability"]),
                        bounds.count == 2 ? bounds[0] : .nan, bounds.count == 2 ? bounds[1] : .nan
                    ))
            }
            options.append(SchemeOption(name: name, measures: parsed, chances: chances))
        }
        guard !options.isEmpty else { throw .badInput("\(file): the evaluation lists no schemes") }

        var page = HTMLPage(title: "Schemes of \(scenario)")
        var cover =
            "<header class=\"cover\"><p class=\"kicker\">Homeward scheme evaluation</p><h1>\(HTML.escape(scenario))</h1>"
        cover +=
            "<p class=\"lede\">each scheme alone and all together, against the same scenario without any scheme</p>"
        var facts: [String] = []
        if let n = manifest["replications"]?.numberValue { facts.append("\(count(n)) replications each") }
        if let seed = manifest["seed"]?.numberValue { facts.append("seed \(String(Int64(seed)))") }
        if manifest["commonRandomNumbers"]?.boolValue == true {
            facts.append("common random numbers (paired differences)")
        }
        cover += "<p class=\"meta\">\(HTML.escape(facts.joined(separator: " · ")))</p></header>"
        page.add(cover)

        // Headline: NELs avoided, with confidence.
        let avoiding = options.filter { $0.measures["nelsAvoided"].map { $0.excludesZero && $0.mean > 0 } ?? false }
        var summary = "<p class=\"callout\">"
        summary += HTML.escape(
            "\(avoiding.count) of \(options.count) options avoid non-elective admissions with 95% confidence"
                + (avoiding.isEmpty ? "." : ": " + avoiding.map(\.name).joined(separator: ", ") + "."))
        summary += "</p>"
        page.section("Summary", id: "summary", summary)

        // One forest chart per key measure: options as rows.
        let charted: [(key: String, title: String, axis: String)] = [
            ("nelsAvoided", "Non-elective admissions avoided", "NELs avoided over the measured period"),
            ("delayedBedDaysSaved", "Delayed bed days saved", "delayed bed days saved"),
            ("netCost", "Net cost after savings at the scenario's unit costs", "net cost, GBP (negative: saves money)"),
        ]
        var figures = ""
        for (i, c) in charted.enumerated() {
            let rows = options.compactMap { o -> ReportCharts.ForestRow? in
                guard let m = o.measures[c.key], m.mean.isFinite else { return nil }
                let low = m.low.isFinite ? m.low : m.mean
                let high = m.high.isFinite ? m.high : m.mean
                return ReportCharts.ForestRow(
                    label: o.name, estimate: m.mean, low: low, high: high, significant: m.excludesZero,
                    text:
                        "\(c.key == "netCost" ? money(m.mean) : signed(m.mean)) (\(interval(m.low, m.high, withSign: c.key != "netCost")))"
                )
            }
            guard !rows.isEmpty else { continue }
            let svg = ReportCharts.forest(
                id: "fig-schemes-\(i)", title: c.title, rows: rows, axisLabel: c.axis, rowHeading: "Option",
                valueHeading: "Mean (95% CI)")
            figures += HTML.figure(
                svg,
                caption: page.nextFigure()
                    + HTML.escape(
                        "\(c.title) by each scheme alone and by all together: the mean paired difference from the scenario without schemes, with its 95% CI. Filled diamonds with bold labels: the interval excludes zero."
                    ))
        }
        page.section("What each option is worth", id: "charts", figures)

        // How likely each option is to deliver: shares of replications, each a possible year.
        let chanceRows = options.flatMap { o in
            o.chances.map { c in
                HTML.Row(cells: [
                    HTML.escape(o.name), HTML.escape(c.label), HTML.escape(percent(c.probability)),
                    HTML.escape(c.low.isFinite ? "\(percent(c.low)) to \(percent(c.high))" : "n/a"),
                ])
            }
        }
        if !chanceRows.isEmpty {
            page.section(
                "How likely each option is to deliver", id: "chances",
                "<p>"
                    + HTML.escape(
                        "Each replication is one possible year: its uncertain inputs (scheme effects, costs, demand) drawn from their ranges and its patients from chance. The chance of an outcome is the share of replications in which it happened, with an exact (Clopper-Pearson) 95% interval for that share. A plan figure is the scheme's own promise (its 'plan' in the scenario), compared with the saving against the same replication without schemes."
                    ) + "</p>"
                    + HTML.table(
                        [
                            HTML.Column(title: "Option"), HTML.Column(title: "Outcome"),
                            HTML.Column(title: "Chance", numeric: true),
                            HTML.Column(title: "95% interval", numeric: true),
                        ], chanceRows, className: "chances"))
        }

        // The full table: every measure of every option.
        let columns = [
            HTML.Column(title: "Measure"), HTML.Column(title: "Mean", numeric: true),
            HTML.Column(title: "95% CI", numeric: true), HTML.Column(title: "Unit"),
            HTML.Column(title: "CI excludes zero"),
        ]
        for (i, o) in options.enumerated() {
            let rows = SchemeEvaluation.measureNames.compactMap { spec -> HTML.Row? in
                guard let m = o.measures[spec.key] else { return nil }
                let fixed = spec.key == "schemeCost"
                let value = m.unit == "GBP" ? money(m.mean) : number(m.mean)
                let ci = fixed ? "fixed" : (m.low.isFinite ? interval(m.low, m.high, withSign: false) : "n/a")
                return HTML.Row(
                    cells: [
                        HTML.escape(m.label), HTML.escape(value), HTML.escape(ci), HTML.escape(m.unit),
                        fixed || !m.mean.isFinite ? "" : (m.excludesZero ? "<span class=\"sig\">yes</span>" : "no"),
                    ],
                    className: !fixed && m.excludesZero ? "significant" : nil)
            }
            page.section(o.name, id: "option-\(i)", HTML.table(columns, rows, className: "differences"))
        }
        page.section(
            "How to read this", id: "notes",
            "<p>"
                + HTML.escape(
                    "Each option is the scenario with only that scheme (or all of them) switched on; every replication uses the same random numbers as the same replication without schemes, so differences are paired and their intervals are Student t intervals of the per-replication differences. Cost per NEL avoided is shown only when the NELs-avoided interval is above zero; its interval is the scheme cost divided by the ends of that interval. Net cost is the change in total cost (services at the scenario's unit costs plus the schemes' costs): negative means the option saves more than it costs."
                ) + "</p>")
        page.section(
            "Run manifest", id: "manifest",
            compareManifest(
                manifest,
                analysis:
                    "Paired difference (option minus no schemes) per replication, mean with a 95% Student t confidence interval"
            ))
        page.add(footer(file))
        return page.render()
    }
}
