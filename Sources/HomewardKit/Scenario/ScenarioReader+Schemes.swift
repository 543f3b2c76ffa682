/// Schemes in scenario files:
///
/// ```json5
/// schemes: {
///   "7-day discharge": {
///     description: "...", start: "2016-06-01", end: "2017-03-31", rampUpDays: 60,
///     enabled: true,                             // false: checked, but left out of the run
///     cost: { oneOff: 20000, perYear: 300000 },
///     plan: { nelsAvoided: 120 },                // what the plan says it delivers (optional)
///     effects: {
///       capacity: { reablement: 20 },            // places added (negative removes)
///       crisisRate: { careHomeResidents: 0.85 }, // factors; "*" for every cohort
///       conveyance: { careHomeResidents: 0.8 },
///       eligibility: { crisisResponse: { frail: 0.25 } },
///       successRate: { crisisResponse: 0.8 },
///       hours: { crisisResponse: "24/7" },
///       sevenDayAssessment: true, sevenDayDischarge: true, sevenDayEquipment: true,
///       acceptsWeekends: ["residentialHomes"],
///       assessmentTime: { "2": 0.5 },            // per pathway, "*" for all
///       lengthOfStay: { frail: 0.9 },
///       duration: { reablement: 2 },
///       readmission: { older: 0.8 },
///       pathwayMix: { frail: { "1": 0.55, "2": 0.25, "3": 0.1, "4": 0.05, "5": 0.05 } },
///     },
///   },
/// }
/// ```
extension ScenarioReader {
    static let schemeFields = ["description", "start", "end", "rampUpDays", "cost", "effects", "plan", "enabled"]
    /// The measures a scheme's `plan` may state (each a saving, measured over the run).
    static let planMeasures = ["nelsAvoided", "bedDaysSaved", "delayedBedDaysSaved", "careHomeAdmissionsAvoided"]
    static let effectFields = [
        "capacity", "crisisRate", "conveyance", "eligibility", "successRate", "hours", "sevenDayAssessment",
        "sevenDayDischarge", "sevenDayEquipment", "acceptsWeekends", "assessmentTime", "lengthOfStay", "duration",
        "readmission", "pathwayMix",
    ]

    static func readSchemes(
        _ value: JSONValue?, _ names: Names, origin: CivilDate, horizon: Int, _ r: inout FieldReader
    ) -> [Scheme] {
        var schemes: [Scheme] = []
        for (name, v) in r.map(value, "schemes", required: false) {
            let p = "schemes.\(name)"
            let o = r.object(v, p, allowed: schemeFields)
            guard let start = r.date(o, "start", p) else { continue }
            let end = r.date(o, "end", p, required: false)
            if let end, end <= start { r.fail("\(p).end", "must be after start (\(start)), got \(end)") }
            let ramp = r.integer(o, "rampUpDays", p, default: 0, min: 0, max: maximumHorizonDays) ?? 0
            let cost = r.object(o?["cost"], "\(p).cost", allowed: ["oneOff", "perYear", "payer"], required: false)
            let effectsObject = r.object(o?["effects"], "\(p).effects", allowed: effectFields, required: o != nil)
            let effects = readEffects(effectsObject, "\(p).effects", names, &r)
            if effectsObject != nil && effects.isEmpty && r.issues.isEmpty {
                r.fail("\(p).effects", "must give at least one effect")
            }
            let planObject = r.object(o?["plan"], "\(p).plan", allowed: planMeasures, required: false)
            let plan = planMeasures.compactMap { key in
                r.number(planObject, key, "\(p).plan", default: .nan, in: .schemeAmount).flatMap {
                    $0.isNaN ? nil : (measure: key, value: $0)
                }
            }
            // A scheme switched off is checked like any other (so that switching it on in a
            // variant cannot fail), then left out: the scenario runs as if it were not listed.
            let enabled = r.bool(o, "enabled", p, default: true)
            let scheme = Scheme(
                name: name, description: r.string(o, "description", p, default: "") ?? "",
                startDay: start.daysSinceEpoch - origin.daysSinceEpoch,
                endDay: end.map { $0.daysSinceEpoch - origin.daysSinceEpoch },
                rampUpDays: ramp,
                oneOffCost: r.number(cost, "oneOff", "\(p).cost", default: 0, in: .schemeAmount) ?? 0,
                costPerYear: r.number(cost, "perYear", "\(p).cost", default: 0, in: .schemeAmount) ?? 0,
                payer: cost?["payer"].flatMap { readPayer($0, "\(p).cost.payer", &r) } ?? Payer.schemeDefault,
                effects: effects, plan: plan)
            if enabled { schemes.append(scheme) }
        }
        return schemes
    }

    static func readEffects(_ o: JSONObject?, _ p: String, _ names: Names, _ r: inout FieldReader) -> [SchemeEffect] {
        guard let o else { return [] }
        var effects: [SchemeEffect] = []
        func services(_ key: String, kinds: [ServiceKind]? = nil) -> [(Int, JSONValue, String)] {
            r.map(o[key], "\(p).\(key)", required: false).compactMap { name, v in
                let kp = "\(p).\(key).\(name)"
                guard let s = reference(name, in: names.services, what: "service", kp, &r) else { return nil }
                if let kinds, let kind = names.serviceKinds[name], !kinds.contains(kind) {
                    r.fail(
                        kp,
                        "applies to services of kind \(kinds.map(\.rawValue).joined(separator: " or ")), and '\(name)' is \(kind.rawValue)"
                    )
                    return nil
                }
                return (s, v, kp)
            }
        }
        /// `{cohort: factor}` with "*" for all cohorts (or pathways).
        func factors(_ key: String, in known: NameList, what: String, max: Double) -> [(Int?, Double)] {
            r.map(o[key], "\(p).\(key)", required: false).compactMap { name, v in
                let kp = "\(p).\(key).\(name)"
                guard let f = r.checkNumber(v, kp, min: 0, max: max) else { return nil }
                if name == "*" { return (nil, f) }
                guard let i = reference(name, in: known, what: what, kp, &r) else { return nil }
                return (i, f)
            }
        }
        for (s, v, kp) in services("capacity") {
            if let change = r.checkInteger(v, kp, min: -maximumPeoplePerService, max: maximumPeoplePerService) {
                effects.append(.capacity(service: s, change: change))
            }
        }
        effects += factors("crisisRate", in: names.cohorts, what: "cohort", max: 10).map {
            .crisisRate(cohort: $0.0, factor: $0.1)
        }
        effects += factors("conveyance", in: names.cohorts, what: "cohort", max: 10).map {
            .conveyance(cohort: $0.0, factor: $0.1)
        }
        for (s, v, kp) in services("eligibility", kinds: [.crisisResponse]) {
            for (cohort, share) in r.map(v, kp) {
                if let c = reference(cohort, in: names.cohorts, what: "cohort", "\(kp).\(cohort)", &r),
                    let q = r.checkProbability(share, "\(kp).\(cohort)")
                {
                    effects.append(.eligibility(service: s, cohort: c, share: q))
                }
            }
        }
        for (s, v, kp) in services("successRate", kinds: [.crisisResponse]) {
            if let q = r.checkProbability(v, kp) { effects.append(.successRate(service: s, rate: q)) }
        }
        for (s, v, kp) in services("hours", kinds: [.crisisResponse]) {
            effects.append(.hours(service: s, hours: readHours(v, kp, &r)))
        }
        if r.bool(o, "sevenDayAssessment", p, default: false) { effects.append(.sevenDayAssessment) }
        if r.bool(o, "sevenDayDischarge", p, default: false) { effects.append(.sevenDayDischarge) }
        if r.bool(o, "sevenDayEquipment", p, default: false) { effects.append(.sevenDayEquipment) }
        if let list = o["acceptsWeekends"] {
            if case .array(let items) = list {
                for (i, item) in items.enumerated() {
                    let ip = "\(p).acceptsWeekends[\(i)]"
                    guard case .string(let name) = item else {
                        r.fail(ip, "must be a service name")
                        continue
                    }
                    if let s = reference(name, in: names.services, what: "service", ip, &r) {
                        effects.append(.acceptsWeekends(service: s))
                    }
                }
            } else {
                r.fail("\(p).acceptsWeekends", "must be a list of service names")
            }
        }
        effects += factors("assessmentTime", in: names.pathways, what: "pathway", max: 10).map {
            .assessmentTime(pathway: $0.0, factor: $0.1)
        }
        effects += factors("lengthOfStay", in: names.cohorts, what: "cohort", max: 10).map {
            .lengthOfStay(cohort: $0.0, factor: $0.1)
        }
        for (s, v, kp) in services("duration", kinds: [.crisisResponse, .homeReablement, .bedBased, .homeCare]) {
            if let f = r.checkNumber(v, kp, min: 0, max: 10) { effects.append(.duration(service: s, factor: f)) }
        }
        effects += factors("readmission", in: names.cohorts, what: "cohort", max: 10).map {
            .readmission(cohort: $0.0, factor: $0.1)
        }
        for (cohort, v) in r.map(o["pathwayMix"], "\(p).pathwayMix", required: false) {
            let kp = "\(p).pathwayMix.\(cohort)"
            guard let c = reference(cohort, in: names.cohorts, what: "cohort", kp, &r) else { continue }
            var mix = [Double](repeating: 0, count: names.pathways.count)
            var complete = true
            for (pathway, q) in r.map(v, kp) {
                if let i = reference(pathway, in: names.pathways, what: "pathway", "\(kp).\(pathway)", &r),
                    let x = r.checkProbability(q, "\(kp).\(pathway)")
                {
                    mix[i] = x
                } else {
                    complete = false
                }
            }
            if complete {
                checkSum(mix.reduce(0, +), kp, &r)
                effects.append(.pathwayMix(cohort: c, mix: mix))
            }
        }
        return effects
    }
}
