import HomewardKit

/// The overload warnings printed under a results table.
enum WarningLines {
    /// One `warning: overload: ...` line per warning, then where the thresholds are set; empty
    /// when there are none.
    static func text(_ warnings: [OverloadWarning], renderer: TableRenderer? = nil) -> String {
        guard !warnings.isEmpty else { return "" }
        var out = ""
        for w in warnings { out += "warning: overload: \(w.message)\n" }
        return out
            + "  (\(warnings.count) overload warning\(warnings.count == 1 ? "" : "s"); thresholds in the scenario's `warnings`, see docs/metrics.md)\n"
    }
}
