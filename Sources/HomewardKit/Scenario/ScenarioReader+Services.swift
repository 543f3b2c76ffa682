/// Services and the checks that need the whole scenario.
extension ScenarioReader {
    static let commonServiceFields = ["kind", "capacity", "costPerDay", "costPerWeek", "costPerEpisode", "costs"]

    static func serviceFields(_ kind: ServiceKind) -> [String] {
        switch kind {
        case .acute: commonServiceFields + ["divertAfterHours", "edWaitingRoom"]
        case .crisisResponse: commonServiceFields + ["hours", "eligibility", "durationDays", "successRate"]
        case .homeReablement, .bedBased:
            commonServiceFields + [
                "durationDays", "outcomes", "delayReason", "responsible", "countsAsReablement", "acceptsWeekends",
                "waitingList",
            ]
        case .careHome:
            commonServiceFields + [
                "initialResidents", "annualMortality", "communityAdmissionsPerYear", "residentCohort", "delayReason",
                "responsible", "acceptsWeekends", "selfFunderShare", "waitingList",
            ]
        case .homeCare:
            commonServiceFields + ["durationDays", "delayReason", "responsible", "acceptsWeekends", "waitingList"]
        }
    }

    static func defaultDelay(_ kind: ServiceKind) -> DelayCode {
        switch kind {
        case .bedBased: DelayCode(reason: .c, responsible: .nhs)
        case .careHome: DelayCode(reason: .di, responsible: .socialCare)
        default: DelayCode(reason: .e, responsible: .socialCare)
        }
    }

    static func readService(
        _ name: String, _ value: JSONValue, _ names: Names, origin: CivilDate, horizon: Int, _ r: inout FieldReader
    ) -> Service? {
        let p = "services.\(name)"
        var kindUnknown = false
        var kind = ServiceKind.bedBased
        var allowed = commonServiceFields + ServiceKind.allCases.flatMap(serviceFields)
        if case .object(let o) = value {
            if let k = o["kind"] {
                if case .string(let s) = k, let known = ServiceKind(rawValue: s) {
                    kind = known
                    allowed = serviceFields(known)
                } else {
                    r.fail(
                        "\(p).kind",
                        "must be one of \(ServiceKind.allCases.map(\.rawValue).joined(separator: ", ")), got \(r.describe(k))"
                    )
                    kindUnknown = true
                }
            } else {
                r.fail("\(p).kind", "is required")
                kindUnknown = true
            }
        }
        if kindUnknown { return nil }
        // The acute hospital and crisis response refuse a waiting list with a reason (below),
        // rather than as an unknown field.
        if kind == .acute || kind == .crisisResponse, case .object(let given) = value, given["waitingList"] != nil {
            allowed.append("waitingList")
        }
        let o = r.object(value, p, allowed: allowed)
        let capacity = readCapacity(o?["capacity"], "\(p).capacity", origin: origin, horizon: horizon, &r)
        let costs = readCosts(o, p, kind: kind, &r)
        let needsDuration = [.crisisResponse, .homeReablement, .bedBased, .homeCare].contains(kind)
        var delay = defaultDelay(kind)
        if o?["delayReason"] != nil || o?["responsible"] != nil {
            var dr = delay.reason
            if let code = r.string(o, "delayReason", p, default: delay.reason.code) {
                if let known = DelayReason(code: code) {
                    dr = known
                } else {
                    r.fail(
                        "\(p).delayReason",
                        "must be a DTOC reason code (\(DelayReason.allCases.map(\.code).joined(separator: ", "))), got \"\(code)\""
                    )
                }
            }
            delay = DelayCode(reason: dr, responsible: responsible(o, p, default: delay.responsible, &r))
        }
        var service = Service(
            name: name, kind: kind, capacity: capacity,
            duration: needsDuration ? r.distribution(o, "durationDays", p, required: o != nil) : nil,
            outcomes: [], delay: delay,
            countsAsReablement: r.bool(
                o, "countsAsReablement", p, default: kind == .homeReablement || kind == .bedBased),
            acceptsAllDays: o?["acceptsWeekends"] != nil ? r.bool(o, "acceptsWeekends", p, default: false) : nil,
            costs: costs,
            hours: .always, eligibility: Array(repeating: 0, count: names.cohorts.count), successRate: 0,
            divertAfterHours: nil, initialResidents: 0, annualMortality: 0, communityAdmissionsPerYear: 0,
            residentCohort: nil)
        if o?["waitingList"] != nil {
            switch kind {
            case .acute:
                r.fail(
                    "\(p).waitingList",
                    "is for downstream services; the acute hospital's limit on patients waiting is edWaitingRoom")
            case .crisisResponse:
                r.fail(
                    "\(p).waitingList",
                    "is for downstream services; crisis response has no queue (a crisis finding it full is conveyed)")
            case .homeReablement, .bedBased, .homeCare, .careHome:
                service.waitingList = r.integer(o, "waitingList", p, in: .waitingList)
            }
        }
        switch kind {
        case .acute:
            if o?["divertAfterHours"] != nil {
                service.divertAfterHours = r.number(o, "divertAfterHours", p, in: .divertAfterHours)
            }
            if o?["edWaitingRoom"] != nil {
                service.edWaitingRoom = r.integer(o, "edWaitingRoom", p, in: .edWaitingRoom)
            }
        case .crisisResponse:
            service.hours = readHours(o?["hours"], "\(p).hours", &r)
            service.successRate = r.probability(o, "successRate", p) ?? 0
            for (cohort, v) in r.map(o?["eligibility"], "\(p).eligibility", required: o != nil) {
                let kp = "\(p).eligibility.\(cohort)"
                if let c = reference(cohort, in: names.cohorts, what: "cohort", kp, &r),
                    let q = r.checkProbability(v, kp)
                {
                    service.eligibility[c] = q
                }
            }
        case .homeReablement, .bedBased:
            service.outcomes = readOutcomes(o?["outcomes"], "\(p).outcomes", names, &r)
        case .careHome:
            service.initialResidents =
                r.integer(o, "initialResidents", p, default: 0, min: 0, max: maximumPeoplePerService) ?? 0
            service.annualMortality = r.number(o, "annualMortality", p, default: 0, min: 0, max: 50) ?? 0
            service.communityAdmissionsPerYear =
                r.number(o, "communityAdmissionsPerYear", p, default: 0, min: 0, max: 1e7) ?? 0
            service.selfFunderShare = r.probability(o, "selfFunderShare", p, default: 0) ?? 0
            if o?["residentCohort"] != nil {
                service.residentCohort = reference(
                    r.string(o, "residentCohort", p), in: names.cohorts, what: "cohort", "\(p).residentCohort", &r)
            }
            if service.residentCohort == nil && (service.initialResidents > 0 || service.communityAdmissionsPerYear > 0)
                && o?["residentCohort"] == nil
            {
                r.fail(
                    "\(p).residentCohort",
                    "is required when the home has residents (name the cohort whose crises they have)")
            }
        // More residents than beds is allowed: the home runs over capacity until enough leave
        // (see `Scenario.overCapacityAtStart`, which `validate` reports as a warning).
        case .homeCare:
            break
        }
        return service
    }

    /// `capacity: 40` or `capacity: {base: 40, changes: [{from, to?, capacity}]}`; `to` is
    /// inclusive and optional (a permanent change). Later changes override earlier ones.
    static func readCapacity(_ value: JSONValue?, _ p: String, origin: CivilDate, horizon: Int, _ r: inout FieldReader)
        -> CapacitySchedule
    {
        guard let value else {
            r.fail(p, "is required")
            return CapacitySchedule(initial: 0)
        }
        if case .object = value {
        } else {
            return CapacitySchedule(initial: r.checkInteger(value, p, in: .capacity) ?? 0)
        }
        guard let o = r.object(value, p, allowed: ["base", "changes"]) else { return CapacitySchedule(initial: 0) }
        let base = r.integer(o, "base", p, in: .capacity) ?? 0
        guard let list = o["changes"] else { return CapacitySchedule(initial: base) }
        guard case .array(let items) = list else {
            r.fail("\(p).changes", "must be a list of {from, to, capacity}")
            return CapacitySchedule(initial: base)
        }
        var perDay = [Int](repeating: base, count: max(horizon, 1))
        for (i, item) in items.enumerated() {
            let ip = "\(p).changes[\(i)]"
            let c = r.object(item, ip, allowed: ["from", "to", "capacity"])
            guard let from = r.date(c, "from", ip),
                let value = r.integer(c, "capacity", ip, in: .capacity)
            else { continue }
            let to = r.date(c, "to", ip, required: false)
            if let to, to < from {
                r.fail("\(ip).to", "must not be before from (\(from)), got \(to)")
                continue
            }
            let first = max(from.daysSinceEpoch - origin.daysSinceEpoch, 0)
            let last = min(to.map { $0.daysSinceEpoch - origin.daysSinceEpoch } ?? horizon - 1, horizon - 1)
            if first <= last { for d in first...last { perDay[d] = value } }
        }
        var changes: [(day: Int, capacity: Int)] = []
        var current = perDay[0]
        for d in 1..<perDay.count where perDay[d] != current {
            changes.append((d, perDay[d]))
            current = perDay[d]
        }
        return CapacitySchedule(initial: perDay[0], changes: changes)
    }

    /// `"24/7"` or `{from, to, days: "all" | "weekdays"}`; `to < from` runs past midnight.
    static func readHours(_ value: JSONValue?, _ p: String, _ r: inout FieldReader) -> Hours {
        guard let value else { return .always }
        if case .string(let s) = value {
            if s == "24/7" { return .always }
            r.fail(p, "must be \"24/7\" or {from, to, days}, got \"\(s)\"")
            return .always
        }
        guard let o = r.object(value, p, allowed: ["from", "to", "days"]) else { return .always }
        let from = r.number(o, "from", p, min: 0, max: 23.99) ?? 0
        let to = r.number(o, "to", p, min: 0.01, max: 24) ?? 24
        if from == to { r.fail(p, "opening and closing hours must differ (use \"24/7\" for always open)") }
        let days = r.string(o, "days", p, default: "all") ?? "all"
        if days != "all" && days != "weekdays" {
            r.fail("\(p).days", "must be \"all\" or \"weekdays\", got \"\(days)\"")
        }
        return Hours(from: from, to: to, allDays: days == "all")
    }

    static func readOutcomes(_ value: JSONValue?, _ p: String, _ names: Names, _ r: inout FieldReader) -> [OutcomeRule]
    {
        let keys = ["independent", "homeCare", "careHome", "readmitted", "died"]
        guard let o = r.object(value, p, allowed: keys, required: false) else { return [] }
        var rules: [OutcomeRule] = []
        for key in keys {
            guard let v = o[key] else { continue }
            let kp = "\(p).\(key)"
            let outcome: Outcome = [.independent, .homeCare, .careHome, .readmitted, .died][keys.firstIndex(of: key)!]
            if outcome == .homeCare || outcome == .careHome {
                let ro = r.object(v, kp, allowed: ["probability", "service"])
                let q = r.probability(ro, "probability", kp) ?? 0
                let s = reference(r.string(ro, "service", kp), in: names.services, what: "service", "\(kp).service", &r)
                if let s {
                    let want: ServiceKind = outcome == .homeCare ? .homeCare : .careHome
                    if names.serviceKinds[names.services[s]] != want {
                        r.fail(
                            "\(kp).service", "must name a service of kind \(want.rawValue), got '\(names.services[s])'")
                    }
                }
                rules.append(OutcomeRule(outcome: outcome, probability: q, next: s))
            } else if let q = r.checkProbability(v, kp) {
                rules.append(OutcomeRule(outcome: outcome, probability: q, next: nil))
            }
        }
        checkSum(rules.reduce(0) { $0 + $1.probability }, p, &r)
        return rules
    }

    // MARK: - Whole-scenario checks

    static func crossCheck(_ s: Scenario, _ r: inout FieldReader) {
        for (c, cohort) in s.cohorts.enumerated() {
            if case .perResidentPerYear = cohort.rate, !s.services.contains(where: { $0.residentCohort == c }) {
                r.fail(
                    "cohorts.\(cohort.name).crises.perResidentPerYear",
                    "no care home names '\(cohort.name)' as its residentCohort, so there are no residents")
            }
        }
        // A service that is never open, or has no places for the whole run, but receives patients, would hold them forever.
        for (pi, pathway) in s.pathways.enumerated() {
            let used = s.cohorts.contains { $0.pathwayMix[pi] > 0 }
            guard used else { continue }
            for (d, share) in pathway.destinations where share > 0 {
                let service = s.services[d]
                if service.capacity.maximum == 0 {
                    r.fail(
                        "services.\(service.name).capacity",
                        "is 0 for the whole run, but pathway '\(pathway.name)' sends patients there: they would wait in acute beds for ever"
                    )
                }
            }
        }
        for service in s.services {
            for rule in service.outcomes where rule.probability > 0 {
                if let next = rule.next, s.services[next].capacity.maximum == 0 {
                    r.fail(
                        "services.\(s.services[next].name).capacity",
                        "is 0 for the whole run, but \(service.name) sends patients there (outcome \(rule.outcome.label)): they would wait in \(service.name) for ever"
                    )
                }
            }
        }
        let acute = s.services[s.acute]
        if acute.capacity.maximum == 0 && acute.divertAfterHours == nil {
            r.fail(
                "services.\(acute.name).capacity",
                "is 0 for the whole run with no divertAfterHours: every admission would wait for ever")
        }
        var censusByService = [Int](repeating: 0, count: s.services.count)
        for entry in s.census { censusByService[entry.service] += entry.patients }
        for (i, n) in censusByService.enumerated() where n > 0 {
            let service = s.services[i]
            if service.kind == .careHome || service.kind == .crisisResponse {
                r.fail(
                    "census.\(service.name)",
                    "a census is not supported for \(service.kind.rawValue) services (use initialResidents for care homes)"
                )
            }
            // A census above the capacity is allowed: the service runs over capacity until enough
            // occupants leave (see `Scenario.overCapacityAtStart`).
        }
        for (c, cohort) in s.cohorts.enumerated() where cohort.pathwayMix.allSatisfy({ $0 == 0 }) {
            r.fail("cohorts.\(s.cohorts[c].name).pathways", "must give at least one pathway")
        }
    }
}
