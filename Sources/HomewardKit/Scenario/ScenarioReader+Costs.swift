/// A service's cost lines: the `costs` object, and the older `costPerDay`, `costPerWeek` and
/// `costPerEpisode` fields, which keep their meaning (spot cost per occupied day, cost per
/// episode).
///
/// ```json5
/// costs: {
///   payer: "council",              // who pays every line unless `payers` says otherwise
///   perFundedPlacePerDay: 95,      // block contract: every place of the capacity calendar
///   perOccupiedDay: 0,             // spot purchase (the same as costPerDay)
///   perEpisode: 0,                 // per admission (the same as costPerEpisode)
///   payers: { fundedPlaces: "bcf" },
///   // acute only:
///   perDiversion: 250, perDayOutOfArea: 313, daysOutOfArea: 7, perDelayedDay: 313,
/// }
/// ```
extension ScenarioReader {
    static let costFields = ["payer", "payers", "perFundedPlacePerDay", "perOccupiedDay", "perEpisode"]
    static let acuteCostFields = ["perDiversion", "perDayOutOfArea", "daysOutOfArea", "perDelayedDay"]
    /// The largest cost rate accepted (GBP), as for `costPerDay`.
    static let maximumCostRate = 1e9
    /// The longest stay out of area accepted, in days (ten years).
    static let maximumDaysOutOfArea = 3652.5

    static func readCosts(_ o: JSONObject?, _ p: String, kind: ServiceKind, _ r: inout FieldReader) -> ServiceCosts {
        var costs = ServiceCosts(payer: .default(for: kind))
        // The older fields.
        costs.perOccupiedDay = r.number(o, "costPerDay", p, default: 0, in: .costRate) ?? 0
        if o?["costPerWeek"] != nil {
            if o?["costPerDay"] != nil { r.fail(p, "give costPerDay or costPerWeek, not both") }
            costs.perOccupiedDay = (r.number(o, "costPerWeek", p, in: .costPerUnit) ?? 0) / 7
        }
        costs.perEpisode = r.number(o, "costPerEpisode", p, default: 0, in: .costPerUnit) ?? 0
        guard o?["costs"] != nil else { return costs }
        let cp = "\(p).costs"
        let allowed = kind == .acute ? costFields + acuteCostFields : costFields
        guard let c = r.object(o?["costs"], cp, allowed: allowed) else { return costs }
        if c["perOccupiedDay"] != nil && (o?["costPerDay"] != nil || o?["costPerWeek"] != nil) {
            r.fail("\(cp).perOccupiedDay", "give costPerDay (or costPerWeek) or costs.perOccupiedDay, not both")
        }
        if c["perEpisode"] != nil && o?["costPerEpisode"] != nil {
            r.fail("\(cp).perEpisode", "give costPerEpisode or costs.perEpisode, not both")
        }
        func rate(_ key: String) -> Double? {
            c[key] == nil ? nil : r.number(c, key, cp, in: .costRate)
        }
        if let x = rate("perFundedPlacePerDay") { costs.perFundedPlacePerDay = x }
        if let x = rate("perOccupiedDay") { costs.perOccupiedDay = x }
        if let x = rate("perEpisode") { costs.perEpisode = x }
        if let x = rate("perDiversion") { costs.perDiversion = x }
        if let x = rate("perDayOutOfArea") { costs.perDayOutOfArea = x }
        costs.perDelayedDay = rate("perDelayedDay")
        if c["daysOutOfArea"] != nil {
            costs.daysOutOfArea = r.number(c, "daysOutOfArea", cp, in: .daysOutOfArea)
        }
        if let value = c["payer"], let payer = readPayer(value, "\(cp).payer", &r) {
            costs.payers = Array(repeating: payer, count: ServiceCosts.Line.allCases.count)
        }
        let lines = ServiceCosts.Line.allCases.filter {
            kind == .acute || ($0 != .diversions && $0 != .delayedDays)
        }
        if let payers = r.object(c["payers"], "\(cp).payers", allowed: lines.map(\.rawValue), required: false) {
            for line in lines {
                guard let value = payers[line.rawValue] else { continue }
                if let payer = readPayer(value, "\(cp).payers.\(line.rawValue)", &r) {
                    costs.setPayer(payer, for: line)
                }
            }
        }
        return costs
    }

    /// `"nhs"`, `"council"` or `"bcf"`.
    static func readPayer(_ value: JSONValue, _ p: String, _ r: inout FieldReader) -> Payer? {
        if case .string(let s) = value, let payer = Payer(rawValue: s) { return payer }
        var got = r.describe(value)
        if case .string(let s) = value, s.count <= ScenarioReader.maximumNameLength { got = "\"\(s)\"" }
        r.fail(p, "must be one of \(Payer.allCases.map(\.rawValue).joined(separator: ", ")), got \(got)")
        return nil
    }
}
