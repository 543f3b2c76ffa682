/// The report of one forecast (`summary.json` of `run`, `replay` or `merge`).
extension HTMLReport {
    static func runReport(_ r: RunResults, source: String) -> String {
        let name = r.scenarioName ?? "Homeward forecast"
        var page = HTMLPage(title: "\(name): Homeward forecast")
        page.add(cover(r, name: name))
        page.add(overloadCallout(r))
        page.add(atAGlance(r))
        page.section(
            "Headline metrics", id: "headline",
            headlineTable(r, keys: headlineKeys(r))
                + "<p class=\"note\">Rows marked BCF (shaded, with a bar at the left) are the Better Care Fund metrics. The mean is across replications. \(HTML.escape(intervalLegend))</p>"
        )
        page.section("Demand: non-elective admissions", id: "demand", demandFigure(r, &page))
        page.section("Delayed transfers of care", id: "delays", delayFigures(r, &page))
        page.section("Bed occupancy", id: "occupancy", occupancyFigures(r, &page))
        page.section("Waits and blocking by service", id: "services", serviceTable(r))
        page.section("Cost", id: "cost", costFigure(r, &page) + costByPayerTable(r))
        if let uncertainty = uncertaintySection(r, &page) {
            page.section("Where the spread comes from", id: "uncertainty", uncertainty)
        }
        page.section("Scenario assumptions", id: "assumptions", assumptionsTable(r))
        page.section("Run manifest", id: "manifest", manifestTable(r))
        page.add(footer(source))
        return page.render()
    }

    static func cover(_ r: RunResults, name: String) -> String {
        let m = r.manifest
        var facts: [String] = []
        if let n = m["replications"]?.numberValue { facts.append("\(count(n)) replications") }
        if let days = m["horizonDays"]?.numberValue {
            let start = m["start"]?.stringValue.flatMap { CivilDate(iso: $0) }
            let end = start.map { $0.adding(days: Int(days) - 1) }
            facts.append(
                "\(count(days)) days" + (start.map { " from \(longDate($0))" } ?? "")
                    + (end.map { " to \(longDate($0))" } ?? ""))
        }
        if let w = m["warmupDays"]?.numberValue { facts.append("warm-up \(count(w)) days") }
        if let seed = m["seed"]?.numberValue, seed.isFinite { facts.append("seed \(String(Int64(seed)))") }
        var s = "<header class=\"cover\"><p class=\"kicker\">Homeward forecast</p><h1>\(HTML.escape(name))</h1>"
        if let d = r.scenarioDescription, !d.isEmpty { s += "<p class=\"lede\">\(HTML.escape(d))</p>" }
        s += "<p class=\"meta\">\(HTML.escape(facts.joined(separator: " · ")))</p></header>"
        return s
    }

    /// The overload warnings of `summary.json`, first thing after the cover: a forecast of an
    /// overloaded system must not be read as if it were settled (empty when there are none).
    static func overloadCallout(_ r: RunResults) -> String {
        guard !r.warnings.isEmpty else { return "" }
        let items = r.warnings.map { "<li>\(HTML.escape($0))</li>" }.joined()
        return
            "<section id=\"warnings\"><div class=\"callout missed\" role=\"alert\"><strong>Overload warnings.</strong> The system modelled does not settle: read the numbers below as the consequence of demand beyond capacity, not as a steady state.<ul>\(items)</ul><p class=\"note\">Thresholds: the scenario's <code>warnings</code> (see docs/metrics.md, \"Overload warnings\").</p></div></section>"
    }

    // MARK: At a glance

    static func atAGlance(_ r: RunResults) -> String {
        let metrics: [Metric] = [
            .nelAdmissions, .dtocPer100kPerMonth, .reablementAtHome91Rate, .permanentCareHomeAdmissionsPer100k65,
            .acuteOccupancyMean, .acuteDaysAbove92Percent, .delayedBedDaysMidnight, .totalCost,
        ]
        let tiles = metrics.compactMap { m in r[m].map { tile(m.key, $0) } }.joined()
        let messages = keyMessages(r).map { "<li>\($0)</li>" }.joined()
        return "<section id=\"glance\"><h2>At a glance</h2><div class=\"tiles\">\(tiles)</div>"
            + (messages.isEmpty ? "" : "<ul class=\"messages\">\(messages)</ul>") + "</section>"
    }

    /// Plain sentences drawn from the numbers (HTML, with every value escaped).
    static func keyMessages(_ r: RunResults) -> [String] {
        var out: [String] = []
        let days = r.manifest["horizonDays"]?.numberValue
        if let nel = r[.nelAdmissions] {
            var s = "<b>Demand.</b> \(prose(nel.mean)) non-elective admissions"
            if let per = r[.nelAdmissionsPer1000PerYear] { s += " (\(prose(per.mean)) per 1,000 people a year)" }
            if let series = r.series(.monthlyNelAdmissions),
                let peak = peakMonth(series.mean, r.months, skippingPartial: true)
            {
                s += "; the busiest month is \(monthName(peak.month)), with \(prose(peak.value))"
            }
            out.append(
                HTML.escape(s).replacingOccurrences(of: "&lt;b&gt;", with: "<b>").replacingOccurrences(
                    of: "&lt;/b&gt;", with: "</b>") + ".")
        }
        if let occ = r[.acuteOccupancyMean] {
            var s = "Acute beds: \(prose(occ.mean)) occupied at midnight on average"
            if let cap = r.band(.dailyCapacity, "acute")?.median.filter(\.isFinite), !cap.isEmpty {
                let mean = cap.reduce(0, +) / Double(cap.count)
                s +=
                    " against \(prose(mean.rounded())) beds (\(ChartScale.format(occ.mean / mean * 100, decimals: 0))%)"
            }
            if let above = r[.acuteDaysAbove92Percent] {
                s +=
                    "; above 92% of capacity on \(prose(above.mean))" + (days.map { " of \(prose($0))" } ?? "")
                    + " days"
            }
            out.append("<b>Occupancy.</b> " + HTML.escape(s) + ".")
        }
        if let dbd = r[.delayedBedDaysMidnight] {
            var s = "\(prose(dbd.mean)) delayed bed days (midnight census)"
            if dbd.p90.isFinite { s += ", below \(prose(dbd.p90)) in 9 years of 10" }
            if let dtoc = r[.dtocPer100kPerMonth] { s += ", \(prose(dtoc.mean)) per 100,000 adults a month" }
            let byReason = DelayReason.allCases.compactMap { reason in
                r[.delayedBedDaysMidnightByReason, reason.code].map { (reason, $0.mean) }
            }
            if let top = byReason.max(by: { $0.1 < $1.1 }), top.1 > 0, dbd.mean > 0 {
                s +=
                    "; the largest reason is \(top.0.code), \(top.0.meaning) (\(ChartScale.format(top.1 / dbd.mean * 100, decimals: 0))%)"
            }
            if let worst = r[.delayedBedDaysWorstMonth], worst.mean.isFinite {
                s += "; the worst month averages \(prose(worst.mean))"
            }
            out.append("<b>Delays.</b> " + HTML.escape(s) + ".")
        }
        if let rate = r[.reablementAtHome91Rate], rate.mean.isFinite {
            var s =
                "\(display(rate.mean, unit: "proportion")) of people 65+ discharged into reablement are at home 91 days later"
            if let ch = r[.permanentCareHomeAdmissionsPer100k65] {
                s += "; \(prose(ch.mean)) permanent care-home admissions per 100,000 aged 65+ a year"
            }
            out.append("<b>Outcomes.</b> " + HTML.escape(s) + ".")
        }
        if let total = r[.totalCost] {
            var s = "\(money(total.mean)) in total"
            if let acute = r[.costByService, "acute"], total.mean > 0 {
                s +=
                    ", of which acute beds \(money(acute.mean)) (\(ChartScale.format(acute.mean / total.mean * 100, decimals: 0))%)"
            }
            out.append("<b>Cost.</b> " + HTML.escape(s) + ".")
        }
        return out
    }

    /// A number for a sentence: rounded as people say it ("610", "99.5", "4.32").
    static func prose(_ x: Double) -> String {
        guard x.isFinite else { return "n/a" }
        return ChartScale.format(x, decimals: abs(x) >= 100 ? 0 : abs(x) >= 10 ? 1 : 2)
    }

    /// The month with the largest value (whole months first: partial first and last months are
    /// skipped when the window has more than two).
    static func peakMonth(_ values: [Double], _ months: [String], skippingPartial: Bool) -> (
        month: String, value: Double
    )? {
        let n = min(values.count, months.count)
        guard n > 0 else { return nil }
        let range = skippingPartial && n > 2 ? 1..<(n - 1) : 0..<n
        guard let i = range.filter({ values[$0].isFinite }).max(by: { values[$0] < values[$1] }) else { return nil }
        return (months[i], values[i])
    }

    // MARK: Figures

    static func demandFigure(_ r: RunResults, _ page: inout HTMLPage) -> String {
        guard let nel = r.series(.monthlyNelAdmissions), !r.months.isEmpty else {
            return "<p class=\"note\">No monthly series in this result.</p>"
        }
        let series: [(label: String, data: MonthlySeries)] = [("NELs", nel)]
        let reps = r.manifest["replications"]?.numberValue.map { Int($0) }
        let svg = ReportCharts.monthly(
            id: "fig-nel", title: "Non-elective admissions by month", months: r.months, series: series,
            unit: "admissions a month", replications: reps)
        return HTML.figure(
            svg,
            caption: page.nextFigure()
                + "Monthly non-elective admissions (NELs): the line is the mean across replications, the darker band its 95% confidence interval and the lighter band the planning range from P10 to P90 (8 years in 10; drawn from 10 replications on). A first or last month that is only partly in the window has fewer days."
        )
    }

    static func delayFigures(_ r: RunResults, _ page: inout HTMLPage) -> String {
        var html = ""
        let present = DelayReason.allCases.enumerated().compactMap {
            (i, reason) -> (label: String, legend: String, values: [Double], fill: Fill)? in
            guard let s = r.series(.monthlyDelayedBedDaysMidnightByReason, reason.code),
                s.mean.contains(where: { $0 > 0 })
            else { return nil }
            return (reason.code, "\(reason.code) \(reason.meaning)", s.mean, ChartPalette.fill(i))
        }
        if !present.isEmpty {
            let svg = ReportCharts.stackedMonthly(
                id: "fig-dtoc", title: "Delayed bed days by reason for delay, by month (midnight census)",
                months: r.months, stacks: present,
                total: r.series(.monthlyDelayedBedDaysMidnight), unit: "delayed bed days a month")
            html += HTML.figure(
                svg,
                caption: page.nextFigure()
                    + "Acute patients delayed at each midnight, summed over the month (the sitrep definition), stacked by DTOC reason; each reason has its own colour and pattern and is labelled beside the last bar. Whiskers show the monthly total's planning range, P10 to P90 across replications (8 years in 10), or its 95% CI with fewer than 10 replications. Reasons that never occurred are left out."
            )
        } else {
            html += "<p class=\"note\">No delays by reason were recorded in this result.</p>"
        }
        if let delayed = r.band(.dailyDelayedPatients), !r.dates.isEmpty {
            let svg = ReportCharts.fan(
                id: "fig-delayed", title: "Patients delayed in acute beds at midnight", dates: r.dates, band: delayed,
                capacity: nil, unit: "patients", height: 260, color: ChartPalette.orange)
            html += HTML.figure(
                svg,
                caption: page.nextFigure()
                    + "Daily midnight count of delayed patients: median across replications, with the middle 50% and 90% of replications shaded."
            )
        }
        return html
    }

    static func occupancyFigures(_ r: RunResults, _ page: inout HTMLPage) -> String {
        var html = ""
        let hasDaily = r.band(.dailyOccupancy, "acute") != nil && !r.dates.isEmpty
        if hasDaily, let acute = r.band(.dailyOccupancy, "acute") {
            let svg = ReportCharts.fan(
                id: "fig-fan-acute", title: "Acute beds occupied at midnight", dates: r.dates, band: acute,
                capacity: r.band(.dailyCapacity, "acute")?.median, unit: "beds", height: 320, threshold: 0.92)
            html +=
                "<div class=\"fan\" id=\"fan-acute\">"
                + HTML.figure(
                    svg,
                    caption: page.nextFigure()
                        + "Fan chart of the acute midnight census: the line is the median across replications, the dark band holds the middle 50% of replications and the light band 90%. The dashed line is the bed capacity in force, the dotted line 92% of it (the level counted in 'Days above 92% acute occupancy')."
                ) + "</div>"
            let services = r.members(of: .dailyOccupancy).filter { $0 != "acute" }
            if !services.isEmpty {
                html += "<h3>Downstream services</h3><div class=\"grid2\">"
                for (i, service) in services.enumerated() {
                    guard let band = r.band(.dailyOccupancy, service) else { continue }
                    let svg = ReportCharts.fan(
                        id: "fig-fan-\(i)", title: service, dates: r.dates, band: band,
                        capacity: r.band(.dailyCapacity, service)?.median,
                        unit: "places", width: ReportCharts.halfWidth, height: 250)
                    html += HTML.figure(
                        svg,
                        caption: page.nextFigure()
                            + "\(HTML.escape(service)): places occupied at midnight (median, 50% and 90% bands) against capacity."
                    )
                }
                html += "</div>"
            }
        } else {
            html +=
                "<p class=\"callout\">Daily occupancy was not recorded for this run, so there are no fan charts. Run with <code>--daily</code> to draw them; the monthly mean acute occupancy with its 95% CI is shown instead, and each service's mean occupancy is in the table below.</p>"
            if let occ = r.series(.monthlyAcuteOccupancyMean), !r.months.isEmpty {
                let svg = ReportCharts.monthly(
                    id: "fig-occ", title: "Acute beds occupied at midnight, monthly mean", months: r.months,
                    series: [("Acute occupancy", occ)], unit: "beds",
                    replications: r.manifest["replications"]?.numberValue.map { Int($0) })
                html += HTML.figure(
                    svg,
                    caption: page.nextFigure()
                        + "Mean acute midnight census in each month, with the 95% CI of the mean (darker) and the planning range P10 to P90 (lighter)."
                )
            }
        }
        return html
    }

    static func serviceTable(_ r: RunResults) -> String {
        let services = r.services
        guard !services.isEmpty else { return "<p class=\"note\">No per-service metrics in this result.</p>" }
        var columns = [
            HTML.Column(title: "Service"), HTML.Column(title: "Admissions", numeric: true),
            HTML.Column(title: "Mean wait (days)", numeric: true),
        ]
        columns += [
            HTML.Column(title: "Blocked days", numeric: true),
            HTML.Column(title: "Mean occupancy (places)", numeric: true),
        ]
        let hasCapacity = services.contains { r.band(.dailyCapacity, $0) != nil }
        if hasCapacity { columns.append(HTML.Column(title: "Mean capacity (places)", numeric: true)) }
        columns.append(HTML.Column(title: "Mean stay (days)", numeric: true))
        // Shown when some service ran over its capacity (a census or a capacity cut above the
        // places left): how long, and by how many at most.
        let wentOver = services.contains { (r[.serviceDaysOverCapacity, $0]?.mean ?? 0) > 0 }
        if wentOver {
            columns += [
                HTML.Column(title: "Days over capacity", numeric: true),
                HTML.Column(title: "Most over capacity (places)", numeric: true),
            ]
        }
        let rows = services.map { s -> HTML.Row in
            func v(_ field: Metric) -> String { HTML.escape(r[field, s].map { number($0.mean) } ?? "n/a") }
            var cells = [
                HTML.escape(s), v(.serviceAdmissions), v(.serviceMeanWaitDays), v(.serviceBlockedDays),
                v(.serviceOccupancyMean),
            ]
            if hasCapacity {
                let cap = r.band(.dailyCapacity, s)?.median.filter(\.isFinite) ?? []
                cells.append(
                    cap.isEmpty ? "" : HTML.escape(ChartScale.format(cap.reduce(0, +) / Double(cap.count), decimals: 0))
                )
            }
            cells.append(v(.serviceMeanStayDays))
            if wentOver { cells += [v(.serviceDaysOverCapacity), v(.serviceExcessMax)] }
            return HTML.Row(cells: cells, className: nil)
        }
        let overNote =
            wentOver
            ? " Over capacity: days with more occupants than places, and the largest excess, while a census or a capacity cut above the places left ran down (nobody new is admitted meanwhile)."
            : ""
        return HTML.table(columns, rows, className: "services")
            + "<p class=\"note\">Means across replications. Wait: from joining the queue to entering (for acute, the ED wait). Blocked days: time patients spent delayed in the service waiting to move on (for acute, the delayed bed days). Occupancy in exact time.\(overNote)</p>"
    }

    static func costFigure(_ r: RunResults, _ page: inout HTMLPage) -> String {
        let items = r.members(of: .costByService).compactMap {
            service -> (label: String, value: Double, low: Double, high: Double, text: String)? in
            guard let m = r[.costByService, service] else { return nil }
            return (service, m.mean / 1e6, m.low / 1e6, m.high / 1e6, money(m.mean))
        }.sorted { $0.value > $1.value }
        guard !items.isEmpty else { return "<p class=\"note\">No costs in this result.</p>" }
        let total =
            r[.totalCost].map { " Total \(money($0.mean)) (95% CI \(money($0.low)) to \(money($0.high)))." } ?? ""
        let svg = ReportCharts.horizontalBars(
            id: "fig-cost", title: "Cost by service", items: items, axisLabel: "GBP million")
        return HTML.figure(
            svg,
            caption: page.nextFigure()
                + "Cost of each service (funded places, occupied days, episodes, and for the acute hospital diversions and delayed days), largest first, with 95% CIs."
                + HTML.escape(total))
    }

    /// Who pays what: each payer's cost (mean, 95% CI of the mean, share of the total), then
    /// each cost line's, from the `costByPayer` and `costByLine` metrics.
    static func costByPayerTable(_ r: RunResults) -> String {
        guard r[.costByPayer, Payer.nhs.rawValue] != nil else { return "" }
        let total = r[.totalCost]?.mean ?? .nan
        let columns = [
            HTML.Column(title: "Paid by"), HTML.Column(title: "Mean", numeric: true),
            HTML.Column(title: "95% CI", numeric: true), HTML.Column(title: "Share of total", numeric: true),
        ]
        func row(_ label: String, _ metric: Metric, _ member: String) -> HTML.Row? {
            guard let m = r[metric, member] else { return nil }
            let share = total > 0 ? ChartScale.format(m.mean / total * 100, decimals: 0) + "%" : "n/a"
            return HTML.Row(
                cells: [
                    HTML.escape(label), HTML.escape(money(m.mean)),
                    HTML.escape("\(money(m.low)) to \(money(m.high))"), HTML.escape(share),
                ], className: nil)
        }
        let payers = Payer.allCases.compactMap { row($0.label, .costByPayer, $0.rawValue) }
        let lineLabels = [
            "fundedPlaces": "Funded places (block)", "occupiedDays": "Occupied days (spot)", "episodes": "Episodes",
            "diversions": "Diversions out of area", "delayedDays": "Delayed acute bed days", "schemes": "Schemes",
        ]
        let lines = r.members(of: .costByLine).compactMap { row(lineLabels[$0] ?? $0, .costByLine, $0) }
        var columnsByLine = columns
        columnsByLine[0] = HTML.Column(title: "Cost line")
        return HTML.table(columns, payers, className: "cost-by-payer", caption: "Cost by payer")
            + HTML.table(columnsByLine, lines, className: "cost-by-line", caption: "Cost by line")
            + "<p class=\"note\">Means across replications, with the 95% CI of the mean. BCF pool: the pooled Better Care Fund budget. Funded places are paid whether used or not (block contracts); a diversion's cost includes its days out of area. Each month's cost by payer is in the result's monthly series (costByPayer).</p>"
    }

    static func assumptionsTable(_ r: RunResults) -> String {
        guard !r.assumptions.isEmpty else {
            return
                "<p class=\"note\">This result does not list the scenario's assumptions (it was written without the scenario's context, for example by compare or replay).</p>"
        }
        let rows = r.assumptions.map {
            HTML.Row(cells: [HTML.escape($0.field), HTML.escape($0.source)], className: nil)
        }
        return
            "<p class=\"note\">Every number in the scenario cites its source or is marked as an assumption. These are the scenario's notes, field by field.</p>"
            + HTML.table(
                [HTML.Column(title: "Field"), HTML.Column(title: "Source or assumption")], rows,
                className: "assumptions")
    }

    /// The run manifest, in the spirit of the STRESS-DES reporting guideline.
    static func manifestTable(_ r: RunResults) -> String {
        let m = r.manifest
        func text(_ key: String) -> String? {
            guard let v = m[key] else { return nil }
            switch v {
            case .string(let s): return s
            case .number(let x): return x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
            case .bool(let b): return b ? "yes" : "no"
            default: return nil
            }
        }
        var rows: [(String, String)] = []
        func add(_ label: String, _ value: String?) { if let value { rows.append((label, value)) } }
        add("Scenario", text("scenario"))
        add("Scenario file", text("scenarioFile"))
        add("Scenario hash", text("scenarioHash"))
        add("Homeward version", text("homewardVersion"))
        add("Model", "Discrete-event simulation; every metric is a projection of the event log")
        if let g = text("generator") {
            // "GENERATOR; how streams are seeded" as two rows.
            let parts = g.split(separator: ";", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            add("Random number generator", parts[0])
            if parts.count > 1 {
                add(
                    "Stream allocation",
                    parts[1].prefix(1).uppercased() + parts[1].dropFirst() + "; common random numbers across scenarios")
            }
        }
        add("Master seed", text("seed"))
        add("Replications", text("replications"))
        if let p = m["precision"]?.objectValue {
            let target = p["target"]?.numberValue.map { TableRenderer.percent($0) } ?? "?"
            let achieved = p["achieved"]?.numberValue.map { TableRenderer.percent($0) } ?? "?"
            let reached = p["reached"]?.boolValue == true ? "reached" : "not reached"
            add(
                "Precision",
                "target \(target) (95% half-width as a share of the mean), \(reached): worst \(achieved) (\(p["worstMetric"]?.stringValue ?? "?"))"
            )
        } else {
            add("Precision", "fixed number of replications (no --precision)")
        }
        add("Start of measured period", text("start"))
        add("Run length", text("horizonDays").map { "\($0) days" })
        add("Warm-up", text("warmupDays").map { "\($0) days (not measured)" })
        add(
            "Output analysis",
            "Mean across replications with a 95% confidence interval (Student t; corrected for skewness by Hall's transformation and kept inside the possible range for bounded metrics), and the planning range P10 to P90 across replications (type 7 quantiles)"
        )
        add("Threads", text("threads"))
        add("Wall time", text("wallSeconds").map { "\($0) s" })
        add("Event log", text("eventsFile"))
        add("Replay of", text("replayOf"))
        let body = rows.map { "<tr><th scope=\"row\">\(HTML.escape($0.0))</th><td>\(HTML.escape($0.1))</td></tr>" }
            .joined()
        return
            "<p class=\"note\">What was run, so the forecast can be reproduced (after the STRESS-DES reporting guideline). The same scenario, seed and replications give bit-identical results on any number of threads.</p><table class=\"manifest\"><tbody>\(body)</tbody></table>"
    }
}
