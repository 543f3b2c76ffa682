extension Metric {
    /// The registry as a Markdown table, one row per metric in registry order (`docs/metrics.md`
    /// keeps a copy between `<!-- metric-registry:begin -->` and `<!-- metric-registry:end -->`).
    public static func markdownTable() -> String {
        var lines = [
            "| key | series | unit | bounds | better | shown as | meaning |",
            "|---|---|---|---|---|---|---|",
        ]
        for m in all {
            let roles = [
                m.isHeadline ? "headline" : nil, m.isBCF ? "BCF" : nil, m.drivesPrecision ? "precision" : nil,
            ].compactMap { $0 }
            let better =
                switch m.direction {
                case .lowerIsBetter: "lower"
                case .higherIsBetter: "higher"
                case .neither: "neither"
                }
            let cells = [
                "`\(m.key)`", m.series.rawValue, m.unit, m.bounds.rawValue, better, roles.joined(separator: ", "),
                m.meaning,
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
