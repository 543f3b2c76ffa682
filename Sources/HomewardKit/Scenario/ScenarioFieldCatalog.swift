/// The fields of a scenario that a planner may edit, derived from the scenario itself: every
/// service's capacity, every cohort's demand, every scheme's switch, every cost the scenario
/// states, and the run's settings.
///
/// The catalog is declarative: a list of field kinds (``Kind``), each a path pattern in which
/// `*` stands for every named entry of a list (`services.*.capacity`), with its group, label,
/// unit, meaning and range (the validator's own, from ``FieldRange``). A new service, cohort or
/// scheme in a scenario is in the catalog with no change here; a new kind of field is one more
/// entry in ``kinds``.
///
/// Named lists (services, cohorts, schemes, age bands) are objects keyed by name, so an entry's
/// field is addressed by its name: `schemes.7-day discharge.enabled`. A scheme is switched off
/// and on through its `enabled` field (`ScenarioReader+Schemes.swift`), never by deleting it, so a
/// variant can switch a scheme of its base either way. Lists written as arrays (capacity
/// calendar changes, bank holidays, targets) are not edited field by field: a capacity edit
/// replaces a calendar's `base` and keeps its dated changes, as `sweep --vary` does.
public struct ScenarioFieldCatalog: Sendable {
    /// The fields, grouped in ``ScenarioField/Group`` order, then in the scenario's order.
    public private(set) var fields: [ScenarioField]
    /// The scenario file the catalog describes, as given.
    public var file: String

    private var byPath: [String: Int]

    /// The catalog of `scenario` (its merged JSON, after `extends`).
    public init(_ scenario: LoadedScenario) {
        file = scenario.file
        // Each field with its sort key: its group, its list (the pattern before the first `*`,
        // in the order the kinds name them), its entry's position in that list, its kind.
        var found: [(key: [Int], field: ScenarioField)] = []
        var lists: [String] = []
        let groups = Dictionary(uniqueKeysWithValues: ScenarioField.Group.allCases.enumerated().map { ($1, $0) })
        for (k, kind) in Self.kinds.enumerated() {
            let list = ScenarioPath.path(Array(kind.pattern.prefix { $0 != "*" }))
            if !lists.contains(list) { lists.append(list) }
            let listIndex = lists.firstIndex(of: list)!
            for (entry, field) in kind.fields(in: scenario) {
                found.append(([groups[field.group]!, listIndex, entry, k], field))
            }
        }
        fields = found.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.field)
        byPath = Dictionary(fields.enumerated().map { ($1.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The field at `path`, or nil when the catalog has none there.
    public func field(_ path: String) -> ScenarioField? { byPath[path].map { fields[$0] } }

    /// The field a validator problem at `path` is about: the field at `path`, or the field whose
    /// value holds it (`services.acute.capacity` for `services.acute.capacity.base`); nil when
    /// the problem is about no field of the catalog. For showing a problem beside its field.
    public func field(containing path: String) -> ScenarioField? {
        if let exact = field(path) { return exact }
        var keys = ScenarioPath.keys(path)
        while keys.count > 1 {
            keys.removeLast()
            if let enclosing = field(ScenarioPath.path(keys)) { return enclosing }
        }
        return nil
    }

    /// The catalog's path nearest to a misspelt one (within two edits), for "did you mean".
    public func suggestion(for path: String) -> String? {
        Suggestion.closest(to: path, among: fields.map(\.path))
    }

    /// The fields of one group, in catalog order.
    public func fields(in group: ScenarioField.Group) -> [ScenarioField] { fields.filter { $0.group == group } }
}

// MARK: - Kinds of field

extension ScenarioFieldCatalog {
    /// What a kind of field's texts may depend on: the names that `*` matched and the object of
    /// the innermost named entry (a service's `kind`, for example).
    public struct Context: Sendable {
        /// The entry names matched by each `*` of the pattern, in order.
        public var names: [String]
        /// The innermost named entry (the service, cohort or scheme), when the pattern has one.
        public var entry: JSONObject?

        /// The last name matched (the service's, the cohort's...), or "".
        public var name: String { names.last ?? "" }
        /// The service kind of the entry (`homeReablement`...), or "".
        public var serviceKind: String { entry?["kind"]?.stringValue ?? "" }
    }

    /// One kind of editable field: a path pattern and what every field it matches shares.
    public struct Kind: Sendable {
        /// Keys from the top; `*` matches every named entry of the object at that level.
        public var pattern: [String]
        public var group: ScenarioField.Group
        public var range: FieldRange
        /// The value the model uses when the scenario leaves the field out; nil when the field
        /// is listed only where the scenario gives it (costs, rates).
        public var absent: JSONValue?
        /// Which entries have the field (for example only crisis-response services); nil: all.
        public var applies: (@Sendable (Context) -> Bool)?
        public var label: @Sendable (Context) -> String
        public var unit: @Sendable (Context) -> String
        public var meaning: @Sendable (Context) -> String

        /// A kind of field (see the properties for each parameter).
        public init(
            _ pattern: String, _ group: ScenarioField.Group, _ range: FieldRange, absent: JSONValue? = nil,
            applies: (@Sendable (Context) -> Bool)? = nil, label: @escaping @Sendable (Context) -> String,
            unit: @escaping @Sendable (Context) -> String, meaning: @escaping @Sendable (Context) -> String
        ) {
            self.pattern = ScenarioPath.keys(pattern)
            self.group = group
            self.range = range
            self.absent = absent
            self.applies = applies
            self.label = label
            self.unit = unit
            self.meaning = meaning
        }

        /// The fields of this kind in `scenario`, in the scenario's order, each with the position of
        /// its entry in its list (0 for a field outside any list).
        func fields(in scenario: LoadedScenario) -> [(entry: Int, field: ScenarioField)] {
            var out: [(entry: Int, field: ScenarioField)] = []
            expand(
                scenario.merged, depth: 0, keys: [], context: Context(names: [], entry: nil), position: 0, scenario,
                &out)
            return out
        }

        private func expand(
            _ node: JSONValue, depth: Int, keys: [String], context: Context, position: Int,
            _ scenario: LoadedScenario, _ out: inout [(entry: Int, field: ScenarioField)]
        ) {
            guard depth < pattern.count else { return }
            guard case .object(let o) = node else { return }
            let key = pattern[depth]
            let last = depth == pattern.count - 1
            if key == "*" {
                // A pattern never ends in `*`.
                guard !last else { return }
                for (i, name) in o.keys.filter({ $0 != "source" }).enumerated() {
                    guard let child = o[name] else { continue }
                    var inner = context
                    inner.names.append(name)
                    inner.entry = child.objectValue
                    expand(
                        child, depth: depth + 1, keys: keys + [name], context: inner,
                        position: context.names.isEmpty ? i : position, scenario, &out)
                }
                return
            }
            guard last else {
                let child = o[key] ?? .object(JSONObject())
                // An absent object still holds fields with defaults (`working` left out).
                if o[key] == nil && absent == nil { return }
                expand(
                    child, depth: depth + 1, keys: keys + [key], context: context, position: position, scenario, &out)
                return
            }
            if let applies, !applies(context) { return }
            let given = o[key]
            guard given != nil || absent != nil else { return }
            out.append((position, field(keys + [key], given: given, context: context, scenario)))
        }

        private func field(_ keys: [String], given: JSONValue?, context: Context, _ scenario: LoadedScenario)
            -> ScenarioField
        {
            let path = ScenarioPath.path(keys)
            var current = given ?? absent ?? .null
            var note: String?
            var valuePath = path
            if ScenarioPath.isCapacityCalendar(given), let o = given?.objectValue {
                valuePath += ".base"
                current = o["base"] ?? .null
                let changes = o["changes"]?.arrayValue ?? []
                note =
                    "capacity calendar: base \(ScenarioField.text(current)) with \(changes.count) dated change\(changes.count == 1 ? "" : "s") (\(Self.describe(changes))); a new value replaces the base and keeps the changes"
            }
            var ownSource: String?
            if let input = scenario.uncertain.inputs.first(where: { $0.path == valuePath }) {
                let nominal = input.nominal
                note =
                    (note.map { $0 + "; " } ?? "")
                    + "uncertain (\(input.description)), \(ScenarioField.text(nominal)) at its most likely; a new value replaces the range with that one value"
                current = nominal
                ownSource = input.source
            }
            if given == nil {
                note = "not given in the scenario: the model uses \(ScenarioField.text(current))"
            }
            return ScenarioField(
                path: path, group: group, label: label(context), unit: unit(context), meaning: meaning(context),
                range: range, current: current, isGiven: given != nil, note: note,
                source: ownSource ?? Self.nearestSource(keys, in: scenario.merged))
        }

        /// `2016-12-01 to 2017-03-31: 680` for each change, at most three, then "...".
        static func describe(_ changes: [JSONValue]) -> String {
            let shown = changes.prefix(3).map { c -> String in
                let o = c.objectValue
                let from = o?["from"]?.stringValue ?? "?"
                let to = o?["to"]?.stringValue.map { " to \($0)" } ?? " on"
                return "\(from)\(to): \(o?["capacity"].map(ScenarioField.text) ?? "?")"
            }
            return shown.joined(separator: ", ") + (changes.count > 3 ? ", ..." : "")
        }

        /// The `source` string of the nearest object enclosing the field at `keys`.
        static func nearestSource(_ keys: [String], in root: JSONValue) -> String {
            var depth = keys.count - 1
            while depth >= 0 {
                if let source = ScenarioPath.value(at: Array(keys.prefix(depth)) + ["source"], in: root)?.stringValue {
                    return source
                }
                depth -= 1
            }
            return ""
        }
    }

    /// Every kind of editable field, in display order within each group.
    public static let kinds: [Kind] = runKinds + demandKinds + serviceKinds + workingKinds + schemeKinds + costKinds

    static let runKinds: [Kind] = [
        Kind(
            "horizonDays", .run, .horizonDays, label: { _ in "horizon" }, unit: { _ in "days" },
            meaning: { _ in "days measured after the warm-up, from the start date" }),
        Kind(
            "warmupDays", .run, .warmupDays, absent: .number(0), label: { _ in "warm-up" }, unit: { _ in "days" },
            meaning: { _ in "days simulated before the start date and left out of every metric" }),
        Kind(
            "replications", .run, .replications, absent: .number(20), label: { _ in "replications" },
            unit: { _ in "replications" },
            meaning: { _ in "simulated years run by default, each with its own random numbers" }),
        Kind(
            "seed", .run, .seed, absent: .number(1), label: { _ in "seed" }, unit: { _ in "" },
            meaning: { _ in "master seed of the random numbers: the same seed gives the same results" }),
    ]

    static let demandKinds: [Kind] = [
        Kind(
            "population.bands.*.people", .demand, .people, label: { "people aged \($0.name)" },
            unit: { _ in "people" }, meaning: { "people in the \($0.name) age band at the start" }),
        Kind(
            "population.bands.*.annualGrowth", .demand, .annualGrowth, absent: .number(0),
            label: { "growth of \($0.name)" }, unit: { _ in "a year (0.02 is 2%)" },
            meaning: { "yearly growth of the \($0.name) age band" }),
        Kind(
            "cohorts.*.crises.perYear", .demand, .crisisRate, label: { "\($0.name) crises" },
            unit: { _ in "crises a year" }, meaning: { "crises a year in the \($0.name) cohort" }),
        Kind(
            "cohorts.*.crises.perThousandPerYear", .demand, .crisisRate, label: { "\($0.name) crisis rate" },
            unit: { _ in "crises per 1,000 people a year" },
            meaning: { "crises a year per 1,000 people of the \($0.name) cohort's age band" }),
        Kind(
            "cohorts.*.crises.perResidentPerYear", .demand, .crisisRate, label: { "\($0.name) crisis rate" },
            unit: { _ in "crises per resident a year" },
            meaning: { "crises a year per care-home resident of the \($0.name) cohort" }),
        Kind(
            "cohorts.*.trendPerYear", .demand, .annualGrowth, absent: .number(0), label: { "\($0.name) trend" },
            unit: { _ in "a year (0.03 is 3%)" },
            meaning: { "yearly change of the \($0.name) cohort's crisis rate, beyond population growth" }),
        Kind(
            "cohorts.*.conveyance", .demand, .probability, absent: .number(1),
            label: { "\($0.name) conveyance" }, unit: { _ in "share" },
            meaning: {
                "share of the \($0.name) cohort's crises conveyed to hospital unless crisis response takes them"
            }
        ),
        Kind(
            "demandVariation.annualLevelCV", .demand, .variationCV, label: { _ in "year-to-year demand variation" },
            unit: { _ in "coefficient of variation" },
            meaning: { _ in "how much a year's demand differs from the expected beyond chance" }),
        Kind(
            "demandVariation.winterSeverityCV", .demand, .variationCV, label: { _ in "winter severity variation" },
            unit: { _ in "coefficient of variation" },
            meaning: { _ in "how much a winter's demand differs from the expected beyond chance" }),
    ]

    static let serviceKinds: [Kind] = [
        Kind(
            "services.*.capacity", .services, .capacity, label: { "\($0.name) capacity" },
            unit: { capacityUnit($0.serviceKind) }, meaning: { capacityMeaning($0.serviceKind) }),
        Kind(
            "services.*.successRate", .services, .probability,
            applies: { $0.serviceKind == ServiceKind.crisisResponse.rawValue },
            label: { "\($0.name) success rate" }, unit: { _ in "share" },
            meaning: { "share of the crises \($0.name) takes on in which the patient stays at home" }),
        Kind(
            "services.*.divertAfterHours", .services, .divertAfterHours, label: { "\($0.name) diversion after" },
            unit: { _ in "hours" },
            meaning: { "hours a patient waits for a bed in \($0.name) before being diverted out of area" }),
        Kind(
            "services.*.edWaitingRoom", .services, .edWaitingRoom, label: { "\($0.name) ED waiting room" },
            unit: { _ in "patients" },
            meaning: {
                "most patients who can wait in ED for a bed in \($0.name) at once; one more is diverted at once"
            }),
        Kind(
            "services.*.waitingList", .services, .waitingList,
            applies: {
                ![ServiceKind.acute.rawValue, ServiceKind.crisisResponse.rawValue].contains($0.serviceKind)
            },
            label: { "\($0.name) waiting list" }, unit: { _ in "patients" },
            meaning: {
                "most patients who can wait for a place in \($0.name) at once; one more is placed out of area at once"
            }),
    ]

    /// What a service's capacity counts, by its kind.
    static func capacityUnit(_ kind: String) -> String {
        switch ServiceKind(rawValue: kind) {
        case .acute, .bedBased, .careHome: "beds"
        case .crisisResponse: "cases at a time"
        case .homeReablement: "clients at a time"
        case .homeCare: "packages at a time"
        case nil: "places"
        }
    }

    /// What a service's capacity is, by its kind.
    static func capacityMeaning(_ kind: String) -> String {
        switch ServiceKind(rawValue: kind) {
        case .acute: "general and acute beds: when all are full, admissions wait (and may be diverted out of area)"
        case .crisisResponse:
            "crises the crisis-response service works on at once; a crisis finding it full is conveyed"
        case .homeReablement: "clients of reablement at home at once; patients wait in hospital for a place"
        case .bedBased: "beds of bed-based reablement, interim or community care; patients wait in hospital for one"
        case .careHome: "care-home beds for permanent residents; patients wait in hospital for one"
        case .homeCare: "home-care packages running at once; patients wait (in hospital or reablement) for one"
        case nil: "places of the service"
        }
    }

    static let workingKinds: [Kind] = [
        Kind(
            "working.sevenDayAssessment", .working, .boolean, absent: .bool(false),
            label: { _ in "7-day assessment" }, unit: { _ in "" },
            meaning: { _ in "assessments for discharge happen every day, not only on working days" }),
        Kind(
            "working.sevenDayDischarge", .working, .boolean, absent: .bool(false), label: { _ in "7-day discharge" },
            unit: { _ in "" }, meaning: { _ in "discharges to services happen every day, not only on working days" }),
        Kind(
            "working.sevenDayEquipment", .working, .boolean, absent: .bool(false), label: { _ in "7-day equipment" },
            unit: { _ in "" }, meaning: { _ in "equipment is delivered every day, not only on working days" }),
    ]

    static let schemeKinds: [Kind] = [
        Kind(
            "schemes.*.enabled", .schemes, .boolean, absent: .bool(true), label: { "scheme '\($0.name)'" },
            unit: { _ in "" },
            meaning: {
                let d = $0.entry?["description"]?.stringValue ?? ""
                return "whether the scheme is in the run" + (d.isEmpty ? "" : ": \(d)")
            })
    ]

    static let costKinds: [Kind] = [
        cost(
            "services.*.costPerDay", "cost per occupied day", .costRate, "GBP an occupied day", "spot cost of a day in"),
        cost(
            "services.*.costPerWeek", "cost per occupied week", .costPerUnit, "GBP an occupied week",
            "spot cost of a week in"),
        cost(
            "services.*.costPerEpisode", "cost per episode", .costPerUnit, "GBP an episode", "cost of each episode in"),
        cost(
            "services.*.costs.perFundedPlacePerDay", "cost per funded place a day", .costRate,
            "GBP a funded place a day",
            "block-contract cost of each place of the capacity of"),
        cost(
            "services.*.costs.perOccupiedDay", "cost per occupied day", .costRate, "GBP an occupied day",
            "spot cost of a day in"),
        cost("services.*.costs.perEpisode", "cost per episode", .costRate, "GBP an episode", "cost of each episode in"),
        cost(
            "services.*.costs.perDelayedDay", "cost per delayed day", .costRate, "GBP a delayed day",
            "cost of a delayed day in"),
        cost(
            "services.*.costs.perDiversion", "cost per diversion", .costRate, "GBP a diversion",
            "cost of a diversion out of area from"),
        cost(
            "services.*.costs.perDayOutOfArea", "cost per day out of area", .costRate, "GBP a day out of area",
            "cost of a day out of area for a patient diverted from"),
        Kind(
            "services.*.costs.daysOutOfArea", .costs, .daysOutOfArea, label: { "\($0.name) days out of area" },
            unit: { _ in "days" }, meaning: { "days a patient diverted from \($0.name) stays out of area" }),
        Kind(
            "schemes.*.cost.oneOff", .costs, .schemeAmount, label: { "'\($0.name)' one-off cost" },
            unit: { _ in "GBP" }, meaning: { "one-off cost of the scheme '\($0.name)'" }),
        Kind(
            "schemes.*.cost.perYear", .costs, .schemeAmount, label: { "'\($0.name)' cost a year" },
            unit: { _ in "GBP a year" }, meaning: { "running cost of the scheme '\($0.name)'" }),
    ]

    /// A service's cost field, listed where the scenario gives it.
    static func cost(_ pattern: String, _ label: String, _ range: FieldRange, _ unit: String, _ meaning: String) -> Kind
    {
        Kind(
            pattern, .costs, range, label: { "\($0.name) \(label)" }, unit: { _ in unit },
            meaning: { "\(meaning) \($0.name)" })
    }
}
