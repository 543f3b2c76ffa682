/// What the projections need to know besides the events: names, calendar, population and
/// unit costs.
///
/// It is derived from a scenario and written into every event log's header, so a log can be
/// replayed (or real activity projected) without the scenario file.
public struct ProjectionContext: Sendable, Equatable {
    public struct ServiceInfo: Sendable, Equatable {
        public var name: String
        public var kind: ServiceKind
        public var costPerDay: Double
        public var costPerEpisode: Double
    }

    /// A scheme's cost and dates (its cost is part of the projections; its effects are in the events).
    public struct SchemeInfo: Sendable, Equatable {
        public var name: String
        public var startDay: Int
        public var endDay: Int?
        public var oneOffCost: Double
        public var costPerYear: Double

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
            ServiceInfo(name: $0.name, kind: $0.kind, costPerDay: $0.costPerDay, costPerEpisode: $0.costPerEpisode)
        }
        acute = scenario.acute
        cohorts = scenario.cohorts.map {
            CohortInfo(name: $0.name, minimumAge: scenario.population[$0.band].minimumAge)
        }
        pathways = scenario.pathways.map(\.name)
        schemes = scenario.schemes.map {
            SchemeInfo(
                name: $0.name, startDay: $0.startDay, endDay: $0.endDay, oneOffCost: $0.oneOffCost,
                costPerYear: $0.costPerYear)
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
                                JSONObject([("name", .string($0.name)), ("minimumAge", .number(Double($0.minimumAge)))])
                            )
                        })
                ),
                (
                    "schemes",
                    .array(
                        schemes.map {
                            .object(
                                JSONObject([
                                    ("name", .string($0.name)), ("startDay", .number(Double($0.startDay))),
                                    ("endDay", $0.endDay.map { .number(Double($0)) } ?? .null),
                                    ("oneOffCost", .number($0.oneOffCost)),
                                    ("costPerYear", .number($0.costPerYear)),
                                ]))
                        })
                ),
                (
                    "services",
                    .array(
                        services.map {
                            .object(
                                JSONObject([
                                    ("name", .string($0.name)), ("kind", .string($0.kind.rawValue)),
                                    ("costPerDay", .number($0.costPerDay)),
                                    ("costPerEpisode", .number($0.costPerEpisode)),
                                ]))
                        })
                ),
            ]))
    }

    /// Reads the header form back; nil (with the reason) when it is not a valid context.
    public init(json: JSONValue) throws(LogError) {
        func fail(_ m: String) -> LogError { LogError.corrupt("header: \(m)") }
        guard let o = json.objectValue else { throw fail("context is not an object") }
        func number(_ k: String) throws(LogError) -> Double {
            guard let v = o[k]?.numberValue, v.isFinite else { throw fail("missing number '\(k)'") }
            return v
        }
        guard let originText = o["origin"]?.stringValue, let origin = CivilDate(iso: originText) else {
            throw fail("missing or bad 'origin'")
        }
        self.origin = origin
        warmupDays = Int(try number("warmupDays"))
        days = Int(try number("days"))
        acute = Int(try number("acute"))
        population = try number("population")
        adultPopulation = try number("adultPopulation")
        population65 = try number("population65")
        guard let p = o["pathways"]?.arrayValue else { throw fail("missing 'pathways'") }
        pathways = p.compactMap(\.stringValue)
        guard let c = o["cohorts"]?.arrayValue else { throw fail("missing 'cohorts'") }
        var cohorts: [CohortInfo] = []
        for item in c {
            guard let name = item.objectValue?["name"]?.stringValue,
                let age = item.objectValue?["minimumAge"]?.numberValue
            else { throw fail("bad cohort entry") }
            cohorts.append(CohortInfo(name: name, minimumAge: Int(age)))
        }
        self.cohorts = cohorts
        guard let s = o["services"]?.arrayValue else { throw fail("missing 'services'") }
        var services: [ServiceInfo] = []
        for item in s {
            guard let obj = item.objectValue, let name = obj["name"]?.stringValue,
                let kind = obj["kind"]?.stringValue.flatMap(ServiceKind.init(rawValue:)),
                let perDay = obj["costPerDay"]?.numberValue, let perEpisode = obj["costPerEpisode"]?.numberValue
            else { throw fail("bad service entry") }
            services.append(ServiceInfo(name: name, kind: kind, costPerDay: perDay, costPerEpisode: perEpisode))
        }
        self.services = services
        for item in o["schemes"]?.arrayValue ?? [] {
            guard let obj = item.objectValue, let name = obj["name"]?.stringValue,
                let start = obj["startDay"]?.numberValue,
                let oneOff = obj["oneOffCost"]?.numberValue, let perYear = obj["costPerYear"]?.numberValue
            else { throw fail("bad scheme entry") }
            schemes.append(
                SchemeInfo(
                    name: name, startDay: Int(start), endDay: obj["endDay"]?.numberValue.map { Int($0) },
                    oneOffCost: oneOff, costPerYear: perYear))
        }
        guard warmupDays >= 0, days > 0, acute >= 0, acute < services.count else {
            throw fail("inconsistent calendar or services")
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
