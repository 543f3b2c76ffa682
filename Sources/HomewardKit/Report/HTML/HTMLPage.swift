/// Escaping and small builders for HTML text.
package enum HTML {
    /// XML/HTML escaping for text and attribute values: `& < > " '`; control characters other
    /// than tab and line breaks (not allowed in XML) become U+FFFD. Also the workbench's.
    package static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab and line breaks are not allowed in XML.
                if c.value < 0x20 && c != "\t" && c != "\n" && c != "\r" {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out
    }

    /// A table column: its heading (plain text) and whether it holds numbers (right-aligned).
    struct Column {
        var title: String
        var numeric = false
    }

    /// A table row: cells as HTML (escape plain text first) and an optional class.
    struct Row {
        var cells: [String]
        var className: String?
    }

    static func table(_ columns: [Column], _ rows: [Row], className: String? = nil, caption: String? = nil) -> String {
        var s = "<table\(className.map { " class=\"\($0)\"" } ?? "")>"
        if let caption { s += "<caption>\(escape(caption))</caption>" }
        s +=
            "<thead><tr>"
            + columns.map { "<th\($0.numeric ? " class=\"num\"" : "") scope=\"col\">\(escape($0.title))</th>" }.joined()
            + "</tr></thead><tbody>"
        for row in rows {
            s += "<tr\(row.className.flatMap { $0.isEmpty ? nil : " class=\"\($0)\"" } ?? "")>"
            for (i, cell) in row.cells.enumerated() {
                let numeric = i < columns.count && columns[i].numeric
                s += "<td\(numeric ? " class=\"num\"" : "")>\(cell)</td>"
            }
            s += "</tr>"
        }
        return s + "</tbody></table>"
    }

    /// A numbered figure that is never split across pages.
    static func figure(_ svg: String, caption: String, className: String? = nil) -> String {
        "<figure\(className.map { " class=\"\($0)\"" } ?? "")>\(svg)<figcaption>\(caption)</figcaption></figure>"
    }
}

/// A whole report page: one self-contained HTML document (inline CSS and SVG, no scripts, no
/// external resources) that reads on screen and prints on A4.
struct HTMLPage {
    var title: String
    private var parts: [String] = []
    private var figures = 0

    init(title: String) { self.title = title }

    mutating func add(_ html: String) { parts.append(html) }

    /// Adds a section with a heading (plain text) and its content (HTML).
    mutating func section(_ heading: String, id: String, _ content: String) {
        parts.append("<section id=\"\(HTML.escape(id))\"><h2>\(HTML.escape(heading))</h2>\(content)</section>")
    }

    /// The next figure's caption prefix ("Figure 3.").
    mutating func nextFigure() -> String {
        figures += 1
        return "<b>Figure \(figures).</b> "
    }

    func render() -> String {
        """
        <!DOCTYPE html>
        <html lang="en-GB">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="Homeward \(HTML.escape(Homeward.version))">
        <title>\(HTML.escape(title))</title>
        <style>
        \(HTMLPage.css)
        </style>
        </head>
        <body>
        <main>
        \(parts.joined(separator: "\n"))
        </main>
        </body>
        </html>

        """
    }

    static let css = """
        @page { size: A4; margin: 14mm 13mm 15mm 13mm; }
        :root { --ink: #1d1d1d; --muted: #5a5a5a; --rule: #d6d6d6; --accent: #0072B2; --bcf: #fdf3d3; --bcf-rule: #E69F00; }
        * { box-sizing: border-box; }
        html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        body { margin: 0; background: #eef0f2; color: var(--ink);
          font-family: "Segoe UI", "Helvetica Neue", Helvetica, Arial, "Liberation Sans", "DejaVu Sans", sans-serif;
          font-size: 15px; line-height: 1.45; }
        main { max-width: 860px; margin: 24px auto; background: #fff; padding: 36px 44px 48px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
        header.cover { border-bottom: 3px solid var(--ink); padding-bottom: 14px; margin-bottom: 20px; }
        .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); margin: 0 0 4px; font-weight: 600; }
        h1 { font-size: 28px; line-height: 1.2; margin: 0 0 8px; }
        h2 { font-size: 20px; margin: 30px 0 10px; padding-top: 6px; border-top: 1px solid var(--rule); break-after: avoid; page-break-after: avoid; }
        h3 { font-size: 16px; margin: 18px 0 6px; break-after: avoid; page-break-after: avoid; }
        p { margin: 0 0 10px; }
        .lede { font-size: 16px; margin: 0 0 8px; }
        .meta { color: var(--muted); font-size: 13.5px; margin: 0; }
        .note { color: var(--muted); font-size: 13px; }
        .callout { border-left: 5px solid var(--accent); background: #eef6fb; padding: 10px 14px; margin: 10px 0 16px; font-size: 15.5px; break-inside: avoid; }
        .callout.missed { border-left-color: #D55E00; background: #fcefe6; }
        .tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; margin: 8px 0 14px; }
        .tile { border: 1px solid var(--rule); border-top: 4px solid #999; padding: 8px 10px 9px; break-inside: avoid; }
        .tile.bcf { border-top-color: var(--bcf-rule); background: var(--bcf); }
        .tile .label { font-size: 12.5px; color: var(--muted); line-height: 1.25; min-height: 2.5em; }
        .tile .value { font-size: 23px; font-weight: 700; line-height: 1.2; margin-top: 2px; font-variant-numeric: tabular-nums; }
        .tile .unit { font-size: 12px; color: var(--muted); }
        .tile .ci, .tile .range { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
        .badge { display: inline-block; font-size: 10.5px; font-weight: 700; letter-spacing: .04em; border: 1px solid var(--bcf-rule); color: #7a4f00; background: #fff; border-radius: 3px; padding: 0 4px; margin-left: 4px; vertical-align: 1px; }
        .sig { display: inline-block; font-size: 10.5px; font-weight: 700; border: 1px solid #D55E00; color: #8a3a00; border-radius: 3px; padding: 0 4px; }
        ul.messages { margin: 0 0 8px 0; padding-left: 20px; }
        ul.messages li { margin-bottom: 4px; }
        table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 6px 0 14px; font-variant-numeric: tabular-nums; }
        caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
        th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--rule); vertical-align: top; }
        thead th { border-bottom: 2px solid var(--ink); font-size: 12.5px; }
        th.num, td.num { text-align: right; }
        td.num { white-space: nowrap; }
        tr { break-inside: avoid; page-break-inside: avoid; }
        thead { display: table-header-group; }
        tr.bcf td { background: var(--bcf); }
        tr.bcf td:first-child { box-shadow: inset 4px 0 0 var(--bcf-rule); font-weight: 600; }
        tr.met td { background: #e7f4ee; }
        tr.met td:first-child { box-shadow: inset 4px 0 0 #009E73; font-weight: 600; }
        tr.recommended td { font-weight: 700; }
        tr.significant td:first-child { box-shadow: inset 4px 0 0 #D55E00; }
        td .key { display: block; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 11px; color: var(--muted); font-weight: 400; }
        table.assumptions td:first-child { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 11.5px; white-space: nowrap; }
        table.manifest { break-inside: avoid; page-break-inside: avoid; }
        table.manifest th { width: 30%; font-weight: 600; border-bottom: 1px solid var(--rule); }
        figure { margin: 10px 0 20px; break-inside: avoid; page-break-inside: avoid; }
        figure svg.chart { display: block; width: 100%; height: auto; }
        figcaption { font-size: 12.5px; color: var(--muted); margin-top: 4px; }
        .grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 22px; }
        .grid2 figure { margin-bottom: 12px; }
        footer { margin-top: 30px; border-top: 1px solid var(--rule); padding-top: 8px; font-size: 12px; color: var(--muted); }
        @media (max-width: 720px) { main { padding: 18px; } .tiles { grid-template-columns: repeat(2, 1fr); } .grid2 { grid-template-columns: 1fr; } }
        @media print {
          body { background: #fff; font-size: 10pt; }
          main { max-width: none; margin: 0; padding: 0; box-shadow: none; }
          h1 { font-size: 21pt; }
          h2 { font-size: 14pt; margin-top: 16pt; }
          h3 { font-size: 11.5pt; }
          .lede { font-size: 11pt; }
          .meta, .note, figcaption { font-size: 8.5pt; }
          .callout { font-size: 10.5pt; }
          table { font-size: 8.5pt; }
          thead th { font-size: 8.5pt; }
          .tile .value { font-size: 15pt; }
          .tile .label, .tile .unit, .tile .ci, .tile .range { font-size: 8pt; }
          section.break { break-before: page; page-break-before: always; }
          a { color: inherit; text-decoration: none; }
        }
        """
}
