/// The schemes of a scenario, indexed for the simulation: what each parameter is multiplied by
/// at time t, which switches are on, and the capacity calendars with scheme changes applied.
struct SchemeEffects: Sendable {
    /// A factor phased in by a scheme.
    struct Phased: Sendable {
        var scheme: Int
        var factor: Double
    }

    let schemes: [Scheme]
    var crisisRate: [[Phased]]  // by cohort
    var conveyance: [[Phased]]
    var lengthOfStay: [[Phased]]
    var readmission: [[Phased]]
    var assessmentTime: [[Phased]]  // by pathway
    var duration: [[Phased]]  // by service
    var eligibility: [[(scheme: Int, cohort: Int, share: Double)]]  // by service
    var successRate: [[(scheme: Int, rate: Double)]]
    var hours: [[(scheme: Int, hours: Hours)]]
    var pathwayMix: [[(scheme: Int, mix: [Double])]]  // by cohort
    var sevenDayAssessment: [Int] = []  // schemes
    var sevenDayDischarge: [Int] = []
    var sevenDayEquipment: [Int] = []
    var acceptsWeekends: [[Int]]  // by service: schemes
    let isEmpty: Bool

    init(_ scenario: Scenario) {
        schemes = scenario.schemes
        let c = scenario.cohorts.count
        let s = scenario.services.count
        let p = scenario.pathways.count
        crisisRate = Array(repeating: [], count: c)
        conveyance = crisisRate
        lengthOfStay = crisisRate
        readmission = crisisRate
        assessmentTime = Array(repeating: [], count: p)
        duration = Array(repeating: [], count: s)
        eligibility = Array(repeating: [], count: s)
        successRate = Array(repeating: [], count: s)
        hours = Array(repeating: [], count: s)
        pathwayMix = Array(repeating: [], count: c)
        acceptsWeekends = Array(repeating: [], count: s)
        isEmpty = scenario.schemes.isEmpty
        func each(_ target: Int?, _ count: Int, _ body: (Int) -> Void) {
            if let target { body(target) } else { for i in 0..<count { body(i) } }
        }
        for (k, scheme) in scenario.schemes.enumerated() {
            for effect in scheme.effects {
                switch effect {
                case .capacity: break  // applied to the capacity calendars
                case .crisisRate(let cohort, let f):
                    each(cohort, c) { crisisRate[$0].append(Phased(scheme: k, factor: f)) }
                case .conveyance(let cohort, let f):
                    each(cohort, c) { conveyance[$0].append(Phased(scheme: k, factor: f)) }
                case .lengthOfStay(let cohort, let f):
                    each(cohort, c) { lengthOfStay[$0].append(Phased(scheme: k, factor: f)) }
                case .readmission(let cohort, let f):
                    each(cohort, c) { readmission[$0].append(Phased(scheme: k, factor: f)) }
                case .assessmentTime(let pathway, let f):
                    each(pathway, p) { assessmentTime[$0].append(Phased(scheme: k, factor: f)) }
                case .duration(let service, let f): duration[service].append(Phased(scheme: k, factor: f))
                case .eligibility(let service, let cohort, let share): eligibility[service].append((k, cohort, share))
                case .successRate(let service, let rate): successRate[service].append((k, rate))
                case .hours(let service, let h): hours[service].append((k, h))
                case .pathwayMix(let cohort, let mix): pathwayMix[cohort].append((k, mix))
                case .sevenDayAssessment: sevenDayAssessment.append(k)
                case .sevenDayDischarge: sevenDayDischarge.append(k)
                case .sevenDayEquipment: sevenDayEquipment.append(k)
                case .acceptsWeekends(let service): acceptsWeekends[service].append(k)
                }
            }
        }
    }

    /// The product of the phased factors in force at `t`: each scheme moves its factor from 1
    /// to `factor` over its ramp-up.
    @inline(__always)
    func factor(_ list: [Phased], at t: Double) -> Double {
        var f = 1.0
        for x in list {
            let s = schemes[x.scheme].strength(at: t)
            if s > 0 { f *= 1 + (x.factor - 1) * s }
        }
        return f
    }

    /// The largest value `factor` can take over the run (for bounding arrival rates).
    func maximumFactor(_ list: [Phased]) -> Double {
        list.reduce(1) { $0 * max(1, $1.factor) }
    }

    /// A probability or share moved towards a scheme's value as it phases in (the last scheme
    /// listed wins where several apply).
    func blended(_ base: Double, _ list: [(scheme: Int, value: Double)], at t: Double) -> Double {
        var v = base
        for x in list {
            let s = schemes[x.scheme].strength(at: t)
            if s > 0 { v += (x.value - v) * s }
        }
        return v
    }

    func switchedOn(_ list: [Int], at t: Double) -> Bool { list.contains { schemes[$0].isOn(at: t) } }

    /// The capacity calendar of service `s` with every scheme's change applied, day by day:
    /// a change of n places is phased in place by place over the ramp-up.
    func capacity(_ scenario: Scenario, service s: Int, horizon: Int) -> CapacitySchedule {
        let base = scenario.services[s].capacity
        let changes = schemes.enumerated().flatMap { k, scheme in
            scheme.effects.compactMap { effect -> (Int, Int)? in
                if case .capacity(let service, let change) = effect, service == s { return (k, change) }
                return nil
            }
        }
        guard !changes.isEmpty, horizon > 0 else { return base }
        var perDay = [Int](repeating: base.initial, count: horizon)
        // Expand the base calendar, then add each scheme's change as it phases in.
        var current = base.initial
        var i = 0
        for d in 0..<horizon {
            while i < base.changes.count && base.changes[i].day <= d {
                current = base.changes[i].capacity
                i += 1
            }
            var value = current
            for (k, change) in changes {
                // Day d counts from its start; the strength at the day's start decides.
                value += Int((Double(change) * schemes[k].strength(at: Double(d) + 1e-9)).rounded(.towardZero))
            }
            perDay[d] = max(0, value)
        }
        var result: [(day: Int, capacity: Int)] = []
        var last = perDay[0]
        for d in 1..<horizon where perDay[d] != last {
            result.append((d, perDay[d]))
            last = perDay[d]
        }
        return CapacitySchedule(initial: perDay[0], changes: result)
    }
}
