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

    public struct Option: Sendable {
        public var name: String
        public var measures: [Measure]
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
    public init(scenarioName: String, base: [ReplicationMetrics], options: [(name: String, runs: [ReplicationMetrics])])
    {
        self.scenarioName = scenarioName
        self.options = options.map { name, runs in
            func paired(_ metric: Metric, _ sign: Double, member: String? = nil) -> ConfidenceInterval {
                let values = zip(runs, base).compactMap { v, b -> Double? in
                    guard let x = v[metric, member], let y = b[metric, member], !x.isNaN, !y.isNaN else { return nil }
                    return sign * (x - y)
                }
                return ConfidenceInterval(values: values)
            }
            let nels = paired(.nelAdmissions, -1)
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
                "bedDaysSaved": paired(.serviceOccupiedDays, -1, member: "acute"),
                "delayedBedDaysSaved": paired(.delayedBedDays, -1),
                "careHomeAdmissionsAvoided": paired(.permanentCareHomeAdmissions, -1),
                "reablementAtHome91Change": paired(.reablementAtHome91Rate, 1),
                "schemeCost": cost,
                "costPerNELAvoided": perNEL,
                "netCost": paired(.totalCost, 1),
            ]
            return Option(
                name: name,
                measures: SchemeEvaluation.measureNames.map {
                    Measure(key: $0.key, label: $0.label, unit: $0.unit, interval: intervals[$0.key]!)
                })
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
}
