import Foundation

extension ScenarioReader {
    static let demandVariationFields = ["annualLevelCV", "winterSeverityCV", "winterMonths"]

    /// `demandVariation: { annualLevelCV, winterSeverityCV, winterMonths?, source }`; nil when
    /// absent (demand varies by chance alone, as before the block existed).
    static func readDemandVariation(_ value: JSONValue?, _ r: inout FieldReader) -> DemandVariation? {
        let p = "demandVariation"
        guard let o = r.object(value, p, allowed: demandVariationFields, required: false) else { return nil }
        let level = r.number(o, "annualLevelCV", p, in: .variationCV)
        let winter = r.number(o, "winterSeverityCV", p, in: .variationCV)
        var months = DemandVariation.defaultWinterMonths
        if let list = o["winterMonths"] {
            months = []
            if case .array(let items) = list, items.isEmpty {
                r.fail("\(p).winterMonths", "must list at least one calendar month (1-12)")
            } else if case .array(let items) = list {
                for (i, item) in items.enumerated() {
                    guard let m = r.checkInteger(item, "\(p).winterMonths[\(i)]", min: 1, max: 12) else { continue }
                    if months.contains(m) {
                        r.fail("\(p).winterMonths[\(i)]", "month \(m) is listed twice")
                    } else {
                        months.append(m)
                    }
                }
            } else {
                r.fail("\(p).winterMonths", "must be a list of calendar months 1-12, got \(r.describe(list))")
            }
        }
        guard let level, let winter else { return nil }
        return DemandVariation(annualLevelCV: level, winterSeverityCV: winter, winterMonths: months)
    }
}
