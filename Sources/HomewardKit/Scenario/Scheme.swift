/// A Better Care Fund scheme: a named, dated, costed change to the scenario.
///
/// Effects that scale something (rates, probabilities, lengths) phase in linearly over the
/// ramp-up from `startDay`; capacity changes phase in place by place; switches (7-day working,
/// weekend acceptance, opening hours) take effect on `startDay`. Everything reverts after
/// `endDay`.
public struct Scheme: Sendable {
    public var name: String
    public var description: String
    /// Simulated days since the origin.
    public var startDay: Int
    public var endDay: Int?
    public var rampUpDays: Int
    public var oneOffCost: Double
    public var costPerYear: Double
    /// Who pays the scheme's costs (default: the pooled fund).
    public var payer: Payer = .schemeDefault
    public var effects: [SchemeEffect]
    /// What the scheme's plan says it will deliver (`plan: { nelsAvoided: 191 }`), by
    /// scheme-evaluation measure; `homeward schemes` reports the chance of reaching each.
    public var plan: [(measure: String, value: Double)] = []

    /// How much of the scheme is in force at time `t`: 0 before the start, rising linearly to 1
    /// over the ramp-up, 0 again after the end.
    @inlinable
    public func strength(at t: Double) -> Double {
        let start = Double(startDay)
        guard t >= start else { return 0 }
        if let endDay, t >= Double(endDay) { return 0 }
        guard rampUpDays > 0 else { return 1 }
        return min(1, (t - start) / Double(rampUpDays))
    }

    /// Whether a switch of this scheme is on at `t` (from the start day, until the end).
    @inlinable
    public func isOn(at t: Double) -> Bool {
        t >= Double(startDay) && (endDay.map { t < Double($0) } ?? true)
    }

    /// Whether a switch is on for the whole of calendar day `day`.
    public func isOn(day: Int) -> Bool { isOn(at: Double(day)) }
}

/// What a scheme changes. Indices refer to the scenario's cohorts, services and pathways;
/// a nil cohort or pathway means all of them.
public enum SchemeEffect: Sendable {
    /// More (or fewer) places in a service.
    case capacity(service: Int, change: Int)
    /// A cohort's crisis rate multiplied by `factor` (0.9 = 10% fewer crises).
    case crisisRate(cohort: Int?, factor: Double)
    /// A cohort's conveyance probability multiplied by `factor` (enhanced care in care homes).
    case conveyance(cohort: Int?, factor: Double)
    /// The share of a cohort's crises suitable for a crisis-response service.
    case eligibility(service: Int, cohort: Int, share: Double)
    /// A crisis-response service's success rate.
    case successRate(service: Int, rate: Double)
    /// A crisis-response service's opening hours (a switch).
    case hours(service: Int, hours: Hours)
    /// 7-day working for assessments, discharges and equipment (switches).
    case sevenDayAssessment, sevenDayDischarge, sevenDayEquipment
    /// A service accepts transfers at weekends (a switch).
    case acceptsWeekends(service: Int)
    /// Assessment time multiplied by `factor` (trusted assessors, integrated discharge teams).
    case assessmentTime(pathway: Int?, factor: Double)
    /// Acute length of stay multiplied by `factor`.
    case lengthOfStay(cohort: Int?, factor: Double)
    /// A service's duration multiplied by `factor` (home rehabilitation from 10 to 20 days: 2).
    case duration(service: Int, factor: Double)
    /// Readmission risk multiplied by `factor`.
    case readmission(cohort: Int?, factor: Double)
    /// A cohort's pathway mix replaced (indexed like the scenario's pathways).
    case pathwayMix(cohort: Int, mix: [Double])
}

extension Scenario {
    /// The scenario with only the schemes whose indices are given (none: the scenario "without
    /// schemes" that `homeward schemes` compares against).
    public func keepingSchemes(_ kept: [Int]) -> Scenario {
        var s = self
        s.schemes = kept.map { schemes[$0] }
        return s
    }
}
