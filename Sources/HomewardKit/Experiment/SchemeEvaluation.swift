/// What each scheme is worth: each alone and all together against the scenario without any,
/// on common random numbers, with paired 95% confidence intervals.
public struct SchemeEvaluation: Sendable {
    /// One measure of one option (a scheme, or all together).
    public struct Measure: Sendable {
        public var key: String
        public var label: String
        public var unit: String
        public var interval: ConfidenceInterval
    }

    /// How often, across replications, an option delivered something: the chance of it in a
    /// year like the scenario's (input uncertainty and chance together), with its exact
    /// (Clopper-Pearson) 95% interval.
    public struct Chance: Sendable {
        /// `reachesPlan.nelsAvoided`, `savesMoreThanItCosts`.
        public var key: String
        public var label: String
        /// The plan figure, for a `reachesPlan` chance.
        public var plan: Double?
        public var interval: ShareInterval
    }

    public struct Option: Sendable {
        public var name: String
        public var measures: [Measure]
        public var chances: [Chance] = []
    }

    public var scenarioName: String
    public var options: [Option]

    /// The measures, as (key, label, unit) in table order.
    public static let measureNames: [(key: String, label: String, unit: String)] = [
        ("nelsAvoided", "NELs avoided", "admissions"),
        ("bedDaysSaved", "acute bed days saved", "bed days"),
        ("delayedBedDaysSaved", "delayed bed days saved", "bed days"),
        ("careHomeAdmissionsAvoided", "permanent care-home admissions avoided", "admissions"),
        ("reablementAtHome91Change", "change in the 91-day reablement rate", "proportion"),
        ("schemeCost", "cost of the scheme(s)", "GBP"),
        ("costPerNELAvoided", "cost per NEL avoided", "GBP"),
        ("netCost", "net cost after savings", "GBP"),
    ]

    /// - Parameters:
    ///   - scenarioName: the name of the scenario whose schemes are evaluated.
    ///   - base: replications of the scenario without schemes.
    ///   - options: each option's name and replications (same seed and count as `base`).
    ///   - plans: each option's plan figures (by option name; see ``Scheme/plan``).
    public init(
        scenarioName: String, base: [ReplicationMetrics], options: [(name: String, runs: [ReplicationMetrics])],
        plans: [String: [(measure: String, value: Double)]] = [:]
    ) {
        self.scenarioName = scenarioName
        self.options = options.map { name, runs in
            func differences(_ metric: Metric, _ sign: Double, member: String? = nil) -> [Double] {
                zip(runs, base).compactMap { v, b -> Double? in
                    guard let x = v[metric, member], let y = b[metric, member], !x.isNaN, !y.isNaN else { return nil }
                    return sign * (x - y)
                }
            }
            // Per replication: each saving a plan may state, and the net cost; their intervals
            // and the chances below are both taken from these.
            let savings: [String: [Double]] = [
                "nelsAvoided": differences(.nelAdmissions, -1),
                "bedDaysSaved": differences(.serviceOccupiedDays, -1, member: "acute"),
                "delayedBedDaysSaved": differences(.delayedBedDays, -1),
                "careHomeAdmissionsAvoided": differences(.permanentCareHomeAdmissions, -1),
            ]
            let net = differences(.totalCost, 1)
            let nels = ConfidenceInterval(values: savings["nelsAvoided"]!)
            let cost = ConfidenceInterval(values: runs.compactMap { $0[.schemeCost] })
            // The scheme cost is the same in every replication, so the interval of cost per NEL
            // avoided is the cost divided by the ends of the NELs-avoided interval (when that
            // interval is above zero).
            // Undefined (n/a) unless the scheme avoids admissions with confidence.
            var perNEL = ConfidenceInterval(values: [])
            if nels.low > 0 {
                perNEL.mean = cost.mean / nels.mean
                perNEL.count = nels.count
                perNEL.low = cost.mean / nels.high
                perNEL.high = cost.mean / nels.low
            }
            let intervals: [String: ConfidenceInterval] = [
                "nelsAvoided": nels,
                "bedDaysSaved": ConfidenceInterval(values: savings["bedDaysSaved"]!),
                "delayedBedDaysSaved": ConfidenceInterval(values: savings["delayedBedDaysSaved"]!),
                "careHomeAdmissionsAvoided": ConfidenceInterval(values: savings["careHomeAdmissionsAvoided"]!),
                "reablementAtHome91Change": ConfidenceInterval(values: differences(.reablementAtHome91Rate, 1)),
                "schemeCost": cost,
                "costPerNELAvoided": perNEL,
                "netCost": ConfidenceInterval(values: net),
            ]
            var chances: [Chance] = []
            for (measure, figure) in plans[name] ?? [] {
                guard let values = savings[measure], !values.isEmpty,
                    let label = SchemeEvaluation.measureNames.first(where: { $0.key == measure })?.label
                else { continue }
                chances.append(
                    Chance(
                        key: "reachesPlan.\(measure)",
                        label: "chance that \(label) reach the plan's \(TableRenderer.compact(figure))", plan: figure,
                        interval: ShareInterval(
                            successes: values.filter { $0 >= figure }.count, count: values.count, level: 0.95)))
            }
            if !net.isEmpty {
                chances.append(
                    Chance(
                        key: "savesMoreThanItCosts", label: "chance that it saves more than it costs", plan: nil,
                        interval: ShareInterval(successes: net.filter { $0 < 0 }.count, count: net.count, level: 0.95)))
            }
            return Option(
                name: name,
                measures: SchemeEvaluation.measureNames.map {
                    Measure(key: $0.key, label: $0.label, unit: $0.unit, interval: intervals[$0.key]!)
                }, chances: chances)
        }
    }

    /// Tidy CSV: `option,measure,unit,mean,ci95_low,ci95_high`.
    public var csv: String {
        var out = CSV.row(["option", "measure", "unit", "mean", "ci95_low", "ci95_high"])
        for o in options {
            for m in o.measures {
                out += CSV.row([
                    .text(o.name), .text(m.key), .text(m.unit), CSV.number(m.interval.mean), CSV.number(m.interval.low),
                    CSV.number(m.interval.high),
                ])
            }
            for c in o.chances {
                out += CSV.row([
                    .text(o.name), .text(c.key), .text("probability"), CSV.number(c.interval.share),
                    CSV.number(c.interval.low), CSV.number(c.interval.high),
                ])
            }
        }
        return out
    }

    public var json: JSONValue {
        .object(
            JSONObject([
                ("scenario", .string(scenarioName)),
                (
                    "options",
                    .array(
                        options.map { o in
                            .object(
                                JSONObject([
                                    ("name", .string(o.name)),
                                    ("chances", SchemeEvaluation.chancesJSON(o.chances)),
                                    (
                                        "measures",
                                        .object(
                                            JSONObject(
                                                o.measures.map {
                                                    (
                                                        $0.key,
                                                        .object(
                                                            JSONObject([
                                                                ("label", .string($0.label)),
                                                                ("unit", .string($0.unit)),
                                                                ("mean", .number($0.interval.mean)),
                                                                (
                                                                    "ci95",
                                                                    .array([
                                                                        .number($0.interval.low),
                                                                        .number($0.interval.high),
                                                                    ])
                                                                ),
                                                            ]))
                                                    )
                                                }))
                                    ),
                                ]))
                        })
                ),
            ]))
    }

    /// An option's chances for `schemes.json`.
    static func chancesJSON(_ chances: [Chance]) -> JSONValue {
        .object(
            JSONObject(
                chances.map { c in
                    var pairs: [(String, JSONValue)] = [
                        ("label", .string(c.label)), ("probability", .number(c.interval.share)),
                        ("interval95", .array([.number(c.interval.low), .number(c.interval.high)])),
                        ("replications", .number(Double(c.interval.count))),
                    ]
                    if let plan = c.plan { pairs.append(("plan", .number(plan))) }
                    return (c.key, .object(JSONObject(pairs)))
                }))
    }
}
