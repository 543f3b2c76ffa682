extension ScenarioReader {
    /// `warnings: { offeredLoad, queueGrowth, edWaitHours, serviceWaitDays, delayDays, source }`,
    /// each optional (its default when absent, see `WarningThresholds`).
    static func readWarnings(_ value: JSONValue?, _ r: inout FieldReader) -> WarningThresholds {
        let p = "warnings"
        var thresholds = WarningThresholds()
        let allowed = WarningThresholds.fields.map(\.name)
        guard let o = r.object(value, p, allowed: allowed, required: false) else { return thresholds }
        for field in WarningThresholds.fields {
            let fallback = thresholds[keyPath: field.path]
            // A share of capacity, a number of patients, hours or days: all finite and >= 0
            // (1e9 bounds them well beyond any real service and keeps them finite).
            if let x = r.number(o, field.name, p, default: fallback, min: 0, max: 1e9) {
                thresholds[keyPath: field.path] = x
            }
        }
        return thresholds
    }
}
