import Foundation

/// Turns a scenario's JSON tree into a validated `Scenario`, reporting every problem.
///
/// The file format is documented field by field in `Scenarios/README.md`.
public enum ScenarioReader {
    static let topLevelFields = [
        "name", "description", "extends", "start", "horizonDays", "warmupDays", "replications", "seed", "population",
        "cohorts", "services", "pathways", "working", "census", "targets", "schemes", "demandVariation",
        "warnings",
    ]

    /// Limits that keep runs finite and meaningful; documented in Scenarios/README.md.
    public static let maximumHorizonDays = 36_525  // 100 years
    public static let maximumReplications = 100_000
    public static let maximumPeoplePerService = 1_000_000
    /// At most this many cohorts, services, pathways or age bands (each), and names this long.
    public static let maximumEntries = 1_000
    public static let maximumNameLength = 200
    /// Expected crises in one replication beyond which a run cannot finish in reasonable time:
    /// a replication's time grows in proportion to its crises (the fuzzer found scenarios with
    /// tens of millions that ran for minutes; Benchmarks/README.md has the current speed). The
    /// largest English systems have well under a million crises a year, so this is ten years
    /// of the largest.
    public static let maximumExpectedCrises = 10_000_000.0

    /// Reads and validates; throws every problem found.
    public static func read(_ root: JSONValue, file: String) throws(ScenarioError) -> Scenario {
        var r = FieldReader(file: file)
        let scenario = read(root, &r)
        guard r.issues.isEmpty, let scenario else {
            throw ScenarioError(
                issues: r.issues.isEmpty
                    ? [ScenarioIssue(file: file, path: "", message: "is not a valid scenario")] : r.issues,
                more: r.moreIssues)
        }
        return scenario
    }

    static func read(_ root: JSONValue, _ r: inout FieldReader) -> Scenario? {
        guard case .object = root else {
            r.fail("", "a scenario file holds one object ({ name: ..., start: ..., ... }), got \(r.describe(root))")
            return nil
        }
        guard let top = r.object(root, "", allowed: topLevelFields) else { return nil }
        let name = r.string(top, "name", "") ?? ""
        let description = r.string(top, "description", "", default: "") ?? ""
        let start = r.date(top, "start", "")
        let days = r.integer(top, "horizonDays", "", in: .horizonDays)
        let warmup = r.integer(top, "warmupDays", "", default: 0, in: .warmupDays) ?? 0
        if let days, days + warmup > maximumHorizonDays {
            r.fail(
                "warmupDays",
                "warm-up plus horizon must be at most \(maximumHorizonDays) days (100 years), got \(days + warmup)")
        }
        let replications = r.integer(top, "replications", "", default: 20, in: .replications) ?? 20
        let seed = r.integer(top, "seed", "", default: 1, in: .seed) ?? 1

        // Names first, so that references resolve whatever the order in the file.
        let bandEntries = r.map(
            r.object(top["population"], "population", allowed: ["bands"])?["bands"], "population.bands")
        let cohortEntries = r.map(top["cohorts"], "cohorts")
        let serviceEntries = r.map(top["services"], "services")
        let pathwayEntries = r.map(top["pathways"], "pathways")
        for (path, entries) in [
            ("population.bands", bandEntries.count), ("cohorts", cohortEntries.count),
            ("services", serviceEntries.count), ("pathways", pathwayEntries.count),
        ]
        where entries > maximumEntries {
            r.fail(path, "at most \(maximumEntries) entries, got \(entries)")
            return nil
        }
        for (path, entries) in [
            ("population.bands", bandEntries), ("cohorts", cohortEntries), ("services", serviceEntries),
            ("pathways", pathwayEntries),
        ] {
            for (name, _) in entries where name.count > maximumNameLength {
                r.fail(path, "names must be at most \(maximumNameLength) characters, got one of \(name.count)")
                return nil
            }
        }
        var names = Names(
            bands: NameList(bandEntries.map(\.0)), cohorts: NameList(cohortEntries.map(\.0)),
            services: NameList(serviceEntries.map(\.0)), pathways: NameList(pathwayEntries.map(\.0)), serviceKinds: [:])
        for (key, value) in serviceEntries {
            if case .object(let o) = value, case .string(let k)? = o["kind"], let kind = ServiceKind(rawValue: k) {
                names.serviceKinds[key] = kind
            }
        }
        let origin = (start ?? CivilDate(year: 2000, month: 1, day: 1)).adding(days: -warmup)

        let population = bandEntries.map { readBand($0.0, $0.1, &r) }
        if bandEntries.isEmpty { r.fail("population.bands", "must list at least one age band") }
        let cohorts = cohortEntries.map { readCohort($0.0, $0.1, names, &r) }
        let pathways = pathwayEntries.map { readPathway($0.0, $0.1, names, &r) }
        let read = serviceEntries.map {
            readService($0.0, $0.1, names, origin: origin, horizon: warmup + (days ?? 1), &r)
        }
        let services = read.compactMap { $0 }
        let working = readWorking(top["working"], origin: origin, horizon: warmup + (days ?? 1), &r)
        let census = readCensus(top["census"], names, &r)
        let targets = readTargets(top["targets"], &r)
        let schemes = readSchemes(top["schemes"], names, origin: origin, horizon: warmup + (days ?? 1), &r)
        let demandVariation = readDemandVariation(top["demandVariation"], &r)
        let warnings = readWarnings(top["warnings"], &r)

        let acutes = services.indices.filter { services[$0].kind == .acute }
        if serviceEntries.count > 0 && services.count == read.count && acutes.count != 1 {
            r.fail("services", "must have exactly one service of kind \"acute\", got \(acutes.count)")
        }
        if pathwayEntries.isEmpty { r.fail("pathways", "must list at least one discharge pathway") }
        if serviceEntries.isEmpty && top["services"] != nil {
            r.fail("services", "must list at least one service (an acute hospital of kind \"acute\")")
        }
        if cohortEntries.isEmpty { r.fail("cohorts", "must list at least one cohort") }
        guard let start, let days, r.issues.isEmpty, acutes.count == 1, services.count == read.count else { return nil }

        var scenario = Scenario(
            name: name, description: description, start: start, days: days, warmupDays: warmup,
            replications: replications, seed: UInt64(seed), population: population, cohorts: cohorts,
            services: services,
            acute: acutes[0], pathways: pathways, working: working, census: census, targets: targets, sources: r.sources
        )
        scenario.schemes = schemes
        scenario.demandVariation = demandVariation
        scenario.warnings = warnings
        crossCheck(scenario, &r)
        checkWorkload(scenario, &r)
        if !targets.isEmpty {
            let list = metricKeys(scenario)
            let keys = Set(list)
            for (i, t) in targets.enumerated() where !keys.contains(t.metric) {
                if r.isFull {
                    r.moreIssues += 1
                } else {
                    // The search for near names runs only for the issues that are shown.
                    r.fail("targets[\(i)].metric", Metric.unknownMessage(t.metric, among: list))
                }
            }
        }
        return r.issues.isEmpty ? scenario : nil
    }

    /// Names in file order, with an index for finding one in constant time (a file may hold
    /// millions of references, so a linear search per reference would be quadratic).
    struct NameList: RandomAccessCollection {
        let names: [String]
        private let positions: [String: Int]

        init(_ names: [String]) {
            self.names = names
            positions = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }

        var startIndex: Int { names.startIndex }
        var endIndex: Int { names.endIndex }
        subscript(i: Int) -> String { names[i] }

        /// The position of `name`, or nil. - Complexity: O(1) expected.
        func position(of name: String) -> Int? { positions[name] }
    }

    /// The names defined in the file, for resolving references.
    struct Names {
        var bands: NameList
        var cohorts: NameList
        var services: NameList
        var pathways: NameList
        var serviceKinds: [String: ServiceKind]

        func list(_ xs: NameList) -> String { xs.isEmpty ? "none defined" : xs.joined(separator: ", ") }
    }

    static func reference(_ value: String?, in known: NameList, what: String, _ p: String, _ r: inout FieldReader)
        -> Int?
    {
        guard let value else { return nil }
        if let i = known.position(of: value) { return i }
        if r.isFull {
            r.moreIssues += 1
            return nil
        }
        r.fail(
            p,
            "refers to unknown \(what) '\(value)' (known: \(known.isEmpty ? "none defined" : known.joined(separator: ", ")))"
        )
        return nil
    }

    // MARK: - Population and cohorts

    static func readBand(_ name: String, _ value: JSONValue, _ r: inout FieldReader) -> PopulationBand {
        let p = "population.bands.\(name)"
        let o = r.object(value, p, allowed: ["people", "annualGrowth", "fromAge"])
        let people = r.number(o, "people", p, in: .people) ?? 0
        let growth = r.number(o, "annualGrowth", p, default: 0, in: .annualGrowth) ?? 0
        var from = parseFromAge(name)
        if o?["fromAge"] != nil || from == nil {
            from = r.integer(o, "fromAge", p, min: 0, max: 120)
        }
        return PopulationBand(name: name, people: people, annualGrowth: growth, minimumAge: from ?? 0)
    }

    /// "65-84" -> 65, "85+" -> 85.
    static func parseFromAge(_ name: String) -> Int? {
        let digits = name.prefix { $0.isNumber }
        guard !digits.isEmpty, let age = Int(digits) else { return nil }
        let rest = name.dropFirst(digits.count)
        return rest.hasPrefix("-") || rest == "+" ? age : nil
    }

    static let cohortFields = [
        "band", "crises", "dayOfWeek", "hourOfDay", "month", "trendPerYear", "conveyance", "lengthOfStayDays",
        "inHospitalMortality", "pathways", "readmission", "sinusoid",
    ]

    static func readCohort(_ name: String, _ value: JSONValue, _ names: Names, _ r: inout FieldReader) -> Cohort {
        let p = "cohorts.\(name)"
        let o = r.object(value, p, allowed: cohortFields)
        let band = reference(r.string(o, "band", p), in: names.bands, what: "population band", "\(p).band", &r) ?? 0
        var rate = CrisisRate.perYear(0)
        if let c = r.object(
            o?["crises"], "\(p).crises", allowed: ["perYear", "perThousandPerYear", "perResidentPerYear"],
            required: o != nil)
        {
            let given = c.keys.filter { $0 != "source" }
            if given.count != 1 {
                r.fail("\(p).crises", "must give exactly one of perYear, perThousandPerYear, perResidentPerYear")
            } else if let x = r.number(c, given[0], "\(p).crises", in: .crisisRate) {
                switch given[0] {
                case "perYear": rate = .perYear(x)
                case "perThousandPerYear": rate = .perThousandPerYear(x)
                default: rate = .perResidentPerYear(x)
                }
            }
        }
        var mix = [Double](repeating: 0, count: names.pathways.count)
        let mixEntries = r.map(o?["pathways"], "\(p).pathways", required: o != nil)
        var mixComplete = true
        for (key, v) in mixEntries {
            let kp = "\(p).pathways.\(key)"
            if let i = reference(key, in: names.pathways, what: "pathway", kp, &r), let q = r.checkProbability(v, kp) {
                mix[i] = q
            } else {
                mixComplete = false
            }
        }
        if !mixEntries.isEmpty && mixComplete {
            checkSum(mix.reduce(0, +), "\(p).pathways", &r)
        }
        let readmission = r.object(
            o?["readmission"], "\(p).readmission", allowed: ["within30Days", "within91Days"], required: false)
        let r30 = r.probability(readmission, "within30Days", "\(p).readmission", default: 0) ?? 0
        let r91 = r.probability(readmission, "within91Days", "\(p).readmission", default: r30) ?? r30
        if r91 < r30 {
            r.fail(
                "\(p).readmission.within91Days",
                "must be >= within30Days (it is cumulative), got \(r.format(r91)) < \(r.format(r30))")
        }
        return Cohort(
            name: name, band: band, rate: rate,
            dayOfWeek: r.profile(o, "dayOfWeek", p, count: 7),
            hourOfDay: r.profile(o, "hourOfDay", p, count: 24),
            month: r.profile(o, "month", p, count: 12),
            sinusoid: readSinusoid(o?["sinusoid"], "\(p).sinusoid", &r),
            trendPerYear: r.number(o, "trendPerYear", p, default: 0, in: .annualGrowth) ?? 0,
            conveyance: r.probability(o, "conveyance", p, default: 1) ?? 1,
            lengthOfStay: r.distribution(o, "lengthOfStayDays", p) ?? .fixed(1),
            inHospitalMortality: r.probability(o, "inHospitalMortality", p, default: 0) ?? 0,
            pathwayMix: mix, readmissionWithin30: r30, readmissionWithin91: r91)
    }

    /// `sinusoid: { amplitude: 0.2, peakDay: 15 }`: a smooth yearly cycle (see `Sinusoid`).
    static func readSinusoid(_ value: JSONValue?, _ p: String, _ r: inout FieldReader) -> Sinusoid? {
        guard value != nil, let o = r.object(value, p, allowed: ["amplitude", "peakDay", "source"]) else { return nil }
        guard let amplitude = r.number(o, "amplitude", p, in: .sinusoidAmplitude),
            let peakDay = r.integer(o, "peakDay", p, in: .dayOfYear)
        else { return nil }
        return Sinusoid(amplitude: amplitude, peakDay: peakDay)
    }

    static func checkSum(_ total: Double, _ p: String, _ r: inout FieldReader) {
        if abs(total - 1) > 1e-6 {
            r.fail(p, "probabilities must sum to 1, got \(r.format((total * 1e6).rounded() / 1e6))")
        }
    }

    // MARK: - Pathways

    static let pathwayFields = ["national", "service", "services", "assessment", "equipment", "dischargeDelay"]

    static func readPathway(_ name: String, _ value: JSONValue, _ names: Names, _ r: inout FieldReader) -> Pathway {
        let p = "pathways.\(name)"
        let o = r.object(value, p, allowed: pathwayFields)
        var destinations: [(service: Int, share: Double)] = []
        if o?["service"] != nil && o?["services"] != nil {
            r.fail(p, "give either service or services, not both")
        }
        if let single = o?["service"] {
            if case .null = single {
            } else if let s = reference(
                r.string(o, "service", p), in: names.services, what: "service", "\(p).service", &r)
            {
                destinations = [(s, 1)]
            }
        } else if o?["services"] != nil {
            var total = 0.0
            for (key, v) in r.map(o?["services"], "\(p).services") {
                let kp = "\(p).services.\(key)"
                if let s = reference(key, in: names.services, what: "service", kp, &r),
                    let q = r.checkProbability(v, kp)
                {
                    destinations.append((s, q))
                    total += q
                }
            }
            checkSum(total, "\(p).services", &r)
        }
        for (s, _) in destinations {
            let kind = names.serviceKinds[names.services[s]]
            if kind == .acute || kind == .crisisResponse {
                r.fail(p, "cannot send patients to '\(names.services[s])', a service of kind \(kind!.rawValue)")
            }
        }
        var needsAssessment = false
        var hours = Distribution.fixed(0)
        var assessedBy = Responsible.both
        if let a = o?["assessment"] {
            if case .bool(let b) = a {
                needsAssessment = b
                if b {
                    r.fail(
                        "\(p).assessment",
                        "give the assessment as {workingHours: ..., responsible: ...} rather than true")
                }
            } else if let ao = r.object(a, "\(p).assessment", allowed: ["workingHours", "responsible"]) {
                needsAssessment = true
                hours = r.distribution(ao, "workingHours", "\(p).assessment") ?? .fixed(0)
                assessedBy = responsible(ao, "\(p).assessment", default: .both, &r)
            }
        }
        var equipmentProbability = 0.0
        var equipmentDays = Distribution.fixed(0)
        if let e = r.object(o?["equipment"], "\(p).equipment", allowed: ["probability", "days"], required: false) {
            equipmentProbability = r.probability(e, "probability", "\(p).equipment") ?? 0
            equipmentDays = r.distribution(e, "days", "\(p).equipment") ?? .fixed(0)
        }
        var dischargeDelay: DelayCode?
        if let d = r.object(
            o?["dischargeDelay"], "\(p).dischargeDelay", allowed: ["reason", "responsible"], required: false)
        {
            dischargeDelay = DelayCode(
                reason: reason(d, "\(p).dischargeDelay", default: .o, &r),
                responsible: responsible(d, "\(p).dischargeDelay", default: .nhs, &r))
        }
        return Pathway(
            name: name, national: r.string(o, "national", p, default: "") ?? "", destinations: destinations,
            needsAssessment: needsAssessment, assessmentHours: hours, assessmentResponsible: assessedBy,
            equipmentProbability: equipmentProbability, equipmentDays: equipmentDays, dischargeDelay: dischargeDelay)
    }

    static func reason(_ o: JSONObject?, _ p: String, default fallback: DelayReason, _ r: inout FieldReader)
        -> DelayReason
    {
        guard let code = r.string(o, "reason", p, default: fallback.code) else { return fallback }
        guard let reason = DelayReason(code: code) else {
            r.fail(
                "\(p).reason",
                "must be a DTOC reason code (\(DelayReason.allCases.map(\.code).joined(separator: ", "))), got \"\(code)\""
            )
            return fallback
        }
        return reason
    }

    static func responsible(_ o: JSONObject?, _ p: String, default fallback: Responsible, _ r: inout FieldReader)
        -> Responsible
    {
        guard let key = r.string(o, "responsible", p, default: fallback.key) else { return fallback }
        guard let org = Responsible.allCases.first(where: { $0.key == key }) else {
            r.fail("\(p).responsible", "must be one of nhs, socialCare, both, got \"\(key)\"")
            return fallback
        }
        return org
    }

    // MARK: - Working rules and census

    static func readWorking(_ value: JSONValue?, origin: CivilDate, horizon: Int, _ r: inout FieldReader)
        -> WorkingRules
    {
        let p = "working"
        let o = r.object(
            value, p,
            allowed: [
                "hours", "simpleDischargeHours", "sevenDayAssessment", "sevenDayDischarge", "sevenDayEquipment",
                "bankHolidays",
            ], required: false)
        var hours = Hours(from: 9, to: 17, allDays: false)
        if let h = r.object(o?["hours"], "\(p).hours", allowed: ["from", "to"], required: false) {
            let from = r.number(h, "from", "\(p).hours", min: 0, max: 23.99) ?? 9
            let to = r.number(h, "to", "\(p).hours", min: 0.01, max: 24) ?? 17
            if to <= from {
                r.fail(
                    "\(p).hours", "working hours must end after they start, got \(r.format(from)) to \(r.format(to))")
            }
            hours = Hours(from: from, to: to, allDays: false)
        }
        var holidays: [Int] = []
        if let list = o?["bankHolidays"] {
            if case .array(let items) = list {
                for (i, item) in items.enumerated() {
                    if let d = r.checkDate(item, "\(p).bankHolidays[\(i)]") {
                        holidays.append(d.daysSinceEpoch - origin.daysSinceEpoch)
                    }
                }
            } else {
                r.fail("\(p).bankHolidays", "must be a list of dates")
            }
        }
        var simple = Hours(from: 8, to: 20, allDays: true)
        if o?["simpleDischargeHours"] != nil {
            simple = readHours(o?["simpleDischargeHours"], "\(p).simpleDischargeHours", &r)
            if simple.to <= simple.from {
                r.fail("\(p).simpleDischargeHours", "must end after it starts on the same day")
                simple = Hours(from: 8, to: 20, allDays: true)
            }
        }
        return WorkingRules(
            hours: hours, simpleDischargeHours: simple,
            sevenDayAssessment: r.bool(o, "sevenDayAssessment", p, default: false),
            sevenDayDischarge: r.bool(o, "sevenDayDischarge", p, default: false),
            sevenDayEquipment: r.bool(o, "sevenDayEquipment", p, default: false), bankHolidays: holidays)
    }

    static func readCensus(_ value: JSONValue?, _ names: Names, _ r: inout FieldReader) -> [CensusEntry] {
        var entries: [CensusEntry] = []
        for (service, list) in r.map(value, "census", required: false) {
            let p = "census.\(service)"
            guard let s = reference(service, in: names.services, what: "service", p, &r) else { continue }
            guard case .array(let items) = list else {
                r.fail(p, "must be a list of {cohort, patients}")
                continue
            }
            for (i, item) in items.enumerated() {
                let ip = "\(p)[\(i)]"
                let o = r.object(item, ip, allowed: ["cohort", "patients", "delayedOnPathway"])
                let cohort = reference(r.string(o, "cohort", ip), in: names.cohorts, what: "cohort", "\(ip).cohort", &r)
                let n = r.integer(o, "patients", ip, min: 0, max: maximumPeoplePerService)
                var pathway: Int?
                if o?["delayedOnPathway"] != nil {
                    pathway = reference(
                        r.string(o, "delayedOnPathway", ip), in: names.pathways, what: "pathway",
                        "\(ip).delayedOnPathway", &r)
                    if names.serviceKinds[service] != .acute {
                        r.fail("\(ip).delayedOnPathway", "applies only to the acute service")
                    }
                }
                if let cohort, let n {
                    entries.append(CensusEntry(service: s, cohort: cohort, patients: n, delayedOnPathway: pathway))
                }
            }
        }
        return entries
    }
}

extension ScenarioReader {
    /// Rejects scenarios whose runs cannot finish in reasonable time: more than
    /// `maximumExpectedCrises` crises expected in one replication.
    static func checkWorkload(_ s: Scenario, _ r: inout FieldReader) {
        let years = s.horizon / 365.25
        var expected = 0.0
        for c in s.cohorts {
            let peak = (c.dayOfWeek.max() ?? 1) * (c.month.max() ?? 1) * (1 + (c.sinusoid?.amplitude ?? 0))
            let growth = max(1, pow(1 + c.trendPerYear, years))
            switch c.rate {
            case .perYear(let x): expected += x * years * growth * peak
            case .perThousandPerYear(let x):
                let band = s.population[c.band]
                expected += x * max(band.people, band.people(atYears: years)) / 1000 * years * growth * peak
            case .perResidentPerYear(let x):
                let beds = s.services.filter { $0.kind == .careHome }.reduce(0) { $0 + $1.capacity.maximum }
                expected += x * Double(beds) * years * growth * peak
            }
        }
        if expected > maximumExpectedCrises {
            r.fail(
                "cohorts",
                "about \(Int(expected)) crises in one replication (\(Int(s.horizon)) days): more than \(Int(maximumExpectedCrises)) cannot run in reasonable time; shorten the horizon or check the rates' units (per year, per 1,000 people)"
            )
        }
    }
}
