/// What the projections need to know besides the events: names, calendar, population and
/// unit costs.
///
/// It is derived from a scenario and written into every event log's header, so a log can be
/// replayed (or real activity projected) without the scenario file.
public struct ProjectionContext: Sendable, Equatable {
    public struct ServiceInfo: Sendable, Equatable {
        public var name: String
        public var kind: ServiceKind
        /// The service's cost lines and who pays each.
        public var costs: ServiceCosts
        /// Whether the service has a finite `waitingList` (then its placements out of area are
        /// reported; without one there are none, and no such metric is emitted).
        public var hasWaitingList: Bool

        public init(name: String, kind: ServiceKind, costs: ServiceCosts, hasWaitingList: Bool = false) {
            self.name = name
            self.kind = kind
            self.costs = costs
            self.hasWaitingList = hasWaitingList
        }

        /// A service with only spot and episode costs, paid by its kind's default payer.
        public init(name: String, kind: ServiceKind, costPerDay: Double, costPerEpisode: Double) {
            var costs = ServiceCosts(payer: .default(for: kind))
            costs.perOccupiedDay = costPerDay
            costs.perEpisode = costPerEpisode
            self.init(name: name, kind: kind, costs: costs)
        }

        /// Cost of one occupied place for one day: `costs.perOccupiedDay`.
        public var costPerDay: Double { costs.perOccupiedDay }
        /// Cost of one episode: `costs.perEpisode`.
        public var costPerEpisode: Double { costs.perEpisode }
    }

    /// A scheme's cost and dates (its cost is part of the projections; its effects are in the events).
    public struct SchemeInfo: Sendable, Equatable {
        public var name: String
        public var startDay: Int
        public var endDay: Int?
        public var oneOffCost: Double
        public var costPerYear: Double
        /// Who pays the scheme's costs.
        public var payer: Payer = .schemeDefault

        /// Cost falling inside [from, to): the one-off cost if the scheme starts inside it, and
        /// the yearly cost pro rata for the days it runs inside it.
        public func cost(from: Double, to: Double) -> Double {
            let start = Double(startDay)
            let end = endDay.map(Double.init) ?? .infinity
            var cost = start >= from && start < to ? oneOffCost : 0
            let overlap = min(end, to) - max(start, from)
            if overlap > 0 { cost += costPerYear * overlap / 365.25 }
            return cost
        }
    }

    public struct CohortInfo: Sendable, Equatable {
        public var name: String
        public var minimumAge: Int
        /// The mean of the cohort's acute length of stay (days): how long a diverted patient
        /// stays out of area unless the acute hospital's `costs.daysOutOfArea` says otherwise.
        /// Recorded only when a cost depends on it (the acute hospital prices days out of area
        /// and gives no `daysOutOfArea`), so that an uncertain stay does not otherwise change
        /// the context; 0 otherwise, and in logs written before it was recorded.
        public var meanAcuteStayDays: Double = 0
    }

    /// Date at simulated time 0.
    public var origin: CivilDate
    public var warmupDays: Int
    public var days: Int
    public var services: [ServiceInfo]
    public var acute: Int
    public var cohorts: [CohortInfo]
    public var pathways: [String]
    public var schemes: [SchemeInfo] = []
    /// People at the start of the measured period: all ages, adults (18+) and aged 65+.
    public var population: Double
    public var adultPopulation: Double
    public var population65: Double

    public init(scenario: Scenario) {
        origin = scenario.origin
        warmupDays = scenario.warmupDays
        days = scenario.days
        services = scenario.services.map {
            ServiceInfo(name: $0.name, kind: $0.kind, costs: $0.costs, hasWaitingList: $0.waitingList != nil)
        }
        acute = scenario.acute
        let acuteCosts = scenario.services[scenario.acute].costs
        let usesStay = acuteCosts.perDayOutOfArea > 0 && acuteCosts.daysOutOfArea == nil
        cohorts = scenario.cohorts.map {
            CohortInfo(
                name: $0.name, minimumAge: scenario.population[$0.band].minimumAge,
                meanAcuteStayDays: usesStay ? $0.lengthOfStay.mean : 0)
        }
        pathways = scenario.pathways.map(\.name)
        schemes = scenario.schemes.map {
            SchemeInfo(
                name: $0.name, startDay: $0.startDay, endDay: $0.endDay, oneOffCost: $0.oneOffCost,
                costPerYear: $0.costPerYear, payer: $0.payer)
        }
        func people(_ include: (PopulationBand) -> Bool) -> Double {
            scenario.population.filter(include).reduce(0) { $0 + $1.people }
        }
        population = people { _ in true }
        adultPopulation = people { $0.minimumAge >= 18 }
        population65 = people { $0.minimumAge >= 65 }
    }

    public var warmup: Double { Double(warmupDays) }
    public var horizon: Double { Double(warmupDays + days) }
    public var start: CivilDate { origin.adding(days: warmupDays) }

    /// Calendar months of the measured period, as `YYYY-MM` labels, and for each simulated day
    /// of the measured period its month's index in that list.
    public func measuredMonths() -> (labels: [String], monthOfDay: [Int]) {
        var labels: [String] = []
        var monthOfDay: [Int] = []
        var date = start
        for _ in 0..<days {
            let label = date.monthLabel
            if labels.last != label { labels.append(label) }
            monthOfDay.append(labels.count - 1)
            date = date.adding(days: 1)
        }
        return (labels, monthOfDay)
    }
}

// MARK: - JSON form (the event-log header)

extension ProjectionContext {
    public var json: JSONValue {
        .object(
            JSONObject([
                ("origin", .string(origin.description)),
                ("warmupDays", .number(Double(warmupDays))),
                ("days", .number(Double(days))),
                ("acute", .number(Double(acute))),
                ("population", .number(population)),
                ("adultPopulation", .number(adultPopulation)),
                ("population65", .number(population65)),
                ("pathways", .array(pathways.map { .string($0) })),
                (
                    "cohorts",
                    .array(
                        cohorts.map {
                            .object(
                                JSONObject(
                                    [("name", .string($0.name)), ("minimumAge", .number(Double($0.minimumAge)))]
                                        + ($0.meanAcuteStayDays == 0
                                            ? [] : [("meanAcuteStayDays", .number($0.meanAcuteStayDays))]))
                            )
                        })
                ),
                (
                    "schemes",
                    .array(
                        schemes.map {
                            .object(
                                JSONObject(
                                    [
                                        ("name", .string($0.name)), ("startDay", .number(Double($0.startDay))),
                                        ("endDay", $0.endDay.map { .number(Double($0)) } ?? .null),
                                        ("oneOffCost", .number($0.oneOffCost)),
                                        ("costPerYear", .number($0.costPerYear)),
                                    ] + ($0.payer == .schemeDefault ? [] : [("payer", .string($0.payer.rawValue))])))
                        })
                ),
                (
                    "services",
                    .array(
                        services.map {
                            .object(
                                JSONObject(
                                    [
                                        ("name", .string($0.name)), ("kind", .string($0.kind.rawValue)),
                                        ("costPerDay", .number($0.costPerDay)),
                                        ("costPerEpisode", .number($0.costPerEpisode)),
                                    ] + (Self.json($0.costs, kind: $0.kind).map { [("costs", $0)] } ?? [])
                                        + ($0.hasWaitingList ? [("waitingList", .bool(true))] : [])))
                        })
                ),
            ]))
    }

    /// The cost lines beyond `costPerDay` and `costPerEpisode`, in a log's header: only the
    /// fields that differ from their defaults (nil when none does), so that a header without
    /// them is the header written before they existed, and a damaged key cannot pass
    /// unnoticed as a default value.
    static func json(_ c: ServiceCosts, kind: ServiceKind) -> JSONValue? {
        var fields: [(String, JSONValue)] = []
        if c.perFundedPlacePerDay != 0 { fields.append(("perFundedPlacePerDay", .number(c.perFundedPlacePerDay))) }
        if c.perDiversion != 0 { fields.append(("perDiversion", .number(c.perDiversion))) }
        if c.perDayOutOfArea != 0 { fields.append(("perDayOutOfArea", .number(c.perDayOutOfArea))) }
        if let d = c.daysOutOfArea { fields.append(("daysOutOfArea", .number(d))) }
        if let d = c.perDelayedDay { fields.append(("perDelayedDay", .number(d))) }
        let payers = ServiceCosts.Line.allCases.filter { c.payer($0) != .default(for: kind) }
        if !payers.isEmpty {
            fields.append(("payers", .object(JSONObject(payers.map { ($0.rawValue, .string(c.payer($0).rawValue)) }))))
        }
        return fields.isEmpty ? nil : .object(JSONObject(fields))
    }

    /// The most days a scheme may start or end away from the origin, in a log's header.
    static let maximumSchemeDayOffset = 1_000_000
    /// The oldest `minimumAge` a cohort may have, in a log's header.
    static let maximumMinimumAge = 200

    /// Reads the header form back, with every field bounded before it is used: the limits a
    /// scenario has (days, counts of entries, name lengths, non-negative finite costs and
    /// populations), so that a crafted header is refused rather than trusted.
    ///
    /// - Throws: `LogError.corrupt` ("header: ...") naming the field and the problem.
    public init(json: JSONValue) throws(LogError) {
        func fail(_ m: String) -> LogError { LogError.corrupt("header: \(m)") }
        guard let o = json.objectValue else { throw fail("context is not an object") }
        func shown(_ v: JSONValue?) -> String { v.map { String($0.jsonText().prefix(40)) } ?? "nothing" }
        /// A whole number in `range` (never converted before it is known to fit).
        func whole(_ v: JSONValue?, _ name: String, _ range: ClosedRange<Int>) throws(LogError) -> Int {
            guard let x = v?.numberValue, x.isFinite, x == x.rounded(), x >= Double(range.lowerBound),
                x <= Double(range.upperBound)
            else {
                throw fail(
                    "'\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(shown(v))")
            }
            return Int(x)
        }
        /// A finite number >= 0.
        func amount(_ v: JSONValue?, _ name: String) throws(LogError) -> Double {
            guard let x = v?.numberValue, x.isFinite, x >= 0 else {
                throw fail("'\(name)' must be a finite number >= 0, got \(shown(v))")
            }
            return x
        }
        /// A number of days from 0 to `ScenarioReader.maximumDaysOutOfArea` (a stay).
        func stayDays(_ v: JSONValue?, _ name: String) throws(LogError) -> Double {
            let limit = ScenarioReader.maximumDaysOutOfArea
            guard let x = v?.numberValue, x.isFinite, x >= 0, x <= limit else {
                throw fail("'\(name)' must be a number of days from 0 to \(limit), got \(shown(v))")
            }
            return x
        }
        func payer(_ v: JSONValue?, _ name: String) throws(LogError) -> Payer {
            guard let p = v?.stringValue.flatMap(Payer.init(rawValue:)) else {
                throw fail(
                    "'\(name)' must be one of \(Payer.allCases.map(\.rawValue).joined(separator: ", ")), got \(shown(v))"
                )
            }
            return p
        }
        /// A service's `costs` object: every field optional (absent: no such cost, the kind's payer).
        func readCosts(_ v: JSONValue, into costs: inout ServiceCosts) throws(LogError) {
            guard let c = v.objectValue else { throw fail("'costs' must be an object, got \(shown(v))") }
            func optional(_ key: String) throws(LogError) -> Double? {
                guard let x = c[key], !x.isNull else { return nil }
                return try amount(x, key)
            }
            costs.perFundedPlacePerDay = try optional("perFundedPlacePerDay") ?? 0
            costs.perDiversion = try optional("perDiversion") ?? 0
            costs.perDayOutOfArea = try optional("perDayOutOfArea") ?? 0
            costs.perDelayedDay = try optional("perDelayedDay")
            if let x = c["daysOutOfArea"], !x.isNull { costs.daysOutOfArea = try stayDays(x, "daysOutOfArea") }
            if let p = c["payers"] {
                guard let o = p.objectValue else { throw fail("'payers' must be an object, got \(shown(p))") }
                for line in ServiceCosts.Line.allCases {
                    if let x = o[line.rawValue] { costs.setPayer(try payer(x, "payers.\(line.rawValue)"), for: line) }
                }
            }
        }
        func names(_ key: String, _ list: [String]) throws(LogError) {
            guard list.count <= ScenarioReader.maximumEntries else {
                throw fail("'\(key)' has \(list.count) entries, at most \(ScenarioReader.maximumEntries)")
            }
            var seen = Set<String>()
            for name in list {
                guard name.count <= ScenarioReader.maximumNameLength else {
                    throw fail(
                        "'\(key)': names must be at most \(ScenarioReader.maximumNameLength) characters, got one of \(name.count)"
                    )
                }
                guard seen.insert(name).inserted else {
                    throw fail("'\(key)': the name \(shown(.string(name))) is repeated")
                }
            }
        }
        func list(_ key: String) throws(LogError) -> [JSONValue] {
            guard let a = o[key]?.arrayValue else { throw fail("missing '\(key)'") }
            guard a.count <= ScenarioReader.maximumEntries else {
                throw fail("'\(key)' has \(a.count) entries, at most \(ScenarioReader.maximumEntries)")
            }
            return a
        }
        guard let originText = o["origin"]?.stringValue, let origin = CivilDate(iso: originText) else {
            throw fail("missing or bad 'origin'")
        }
        self.origin = origin
        let limit = ScenarioReader.maximumHorizonDays
        warmupDays = try whole(o["warmupDays"], "warmupDays", 0...limit - 1)
        days = try whole(o["days"], "days", 1...limit)
        guard warmupDays + days <= limit else {
            throw fail("'warmupDays' plus 'days' must be at most \(limit), got \(warmupDays + days)")
        }
        population = try amount(o["population"], "population")
        adultPopulation = try amount(o["adultPopulation"], "adultPopulation")
        population65 = try amount(o["population65"], "population65")
        var pathways: [String] = []
        for item in try list("pathways") {
            guard let name = item.stringValue else { throw fail("'pathways': \(shown(item)) is not a name") }
            pathways.append(name)
        }
        try names("pathways", pathways)
        self.pathways = pathways
        var cohorts: [CohortInfo] = []
        for item in try list("cohorts") {
            guard let name = item.objectValue?["name"]?.stringValue else { throw fail("bad cohort entry") }
            let age = try whole(item.objectValue?["minimumAge"], "minimumAge", 0...Self.maximumMinimumAge)
            let stay = item.objectValue?["meanAcuteStayDays"]
            cohorts.append(
                CohortInfo(
                    name: name, minimumAge: age,
                    meanAcuteStayDays: stay == nil ? 0 : try stayDays(stay, "meanAcuteStayDays")))
        }
        try names("cohorts", cohorts.map(\.name))
        self.cohorts = cohorts
        var services: [ServiceInfo] = []
        for item in try list("services") {
            guard let obj = item.objectValue, let name = obj["name"]?.stringValue,
                let kind = obj["kind"]?.stringValue.flatMap(ServiceKind.init(rawValue:))
            else { throw fail("bad service entry") }
            var costs = ServiceCosts(payer: .default(for: kind))
            costs.perOccupiedDay = try amount(obj["costPerDay"], "costPerDay")
            costs.perEpisode = try amount(obj["costPerEpisode"], "costPerEpisode")
            if let c = obj["costs"] { try readCosts(c, into: &costs) }
            // Written only when true, so a header without it is the header written before it existed.
            var hasWaitingList = false
            if let w = obj["waitingList"] {
                guard case .bool(let b) = w else { throw fail("'waitingList' must be true or false, got \(shown(w))") }
                hasWaitingList = b
            }
            services.append(ServiceInfo(name: name, kind: kind, costs: costs, hasWaitingList: hasWaitingList))
        }
        try names("services", services.map(\.name))
        self.services = services
        guard !services.isEmpty else { throw fail("'services' is empty") }
        acute = try whole(o["acute"], "acute", 0...services.count - 1)
        let dayRange = -Self.maximumSchemeDayOffset...Self.maximumSchemeDayOffset
        let schemeList: [JSONValue] = o["schemes"] == nil ? [] : try list("schemes")
        for item in schemeList {
            guard let obj = item.objectValue, let name = obj["name"]?.stringValue else {
                throw fail("bad scheme entry")
            }
            var endDay: Int?
            if let e = obj["endDay"], !e.isNull { endDay = try whole(e, "endDay", dayRange) }
            schemes.append(
                SchemeInfo(
                    name: name, startDay: try whole(obj["startDay"], "startDay", dayRange), endDay: endDay,
                    oneOffCost: try amount(obj["oneOffCost"], "oneOffCost"),
                    costPerYear: try amount(obj["costPerYear"], "costPerYear"),
                    payer: obj["payer"] == nil ? .schemeDefault : try payer(obj["payer"], "payer")))
        }
    }
}

/// A damaged or unreadable event log.
public enum LogError: Error, Equatable, Sendable, CustomStringConvertible {
    case corrupt(String)
    case truncated(String)
    case io(String)

    public var description: String {
        switch self {
        case .corrupt(let m): "corrupt event log: \(m)"
        case .truncated(let m): "truncated event log: \(m)"
        case .io(let m): m
        }
    }
}
