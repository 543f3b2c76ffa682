/// Units and meanings of every metric key, and which ones the terminal table shows.
public enum MetricCatalogue {
    public struct Info: Sendable {
        public var unit: String
        public var meaning: String
        /// A Better Care Fund metric.
        public var bcf: Bool
    }

    /// Exact keys, then group prefixes (ending in ".") for keyed families.
    static let table: [(key: String, info: Info)] = [
        (
            "nelAdmissions",
            Info(
                unit: "admissions", meaning: "Non-elective admissions (conveyances to hospital), measured period",
                bcf: true)
        ),
        (
            "nelAdmissionsPer1000PerYear",
            Info(unit: "per 1,000 people a year", meaning: "NELs per 1,000 population a year", bcf: false)
        ),
        ("nelAdmissionsByCohort.", Info(unit: "admissions", meaning: "NELs by cohort", bcf: false)),
        ("crises", Info(unit: "crises", meaning: "Crises (new and readmission), measured period", bcf: false)),
        (
            "admissionsAvoided",
            Info(
                unit: "admissions", meaning: "Crises managed at home by crisis response (admission avoided)", bcf: false
            )
        ),
        (
            "crisesNotConveyed",
            Info(
                unit: "crises", meaning: "Crises that did not end in conveyance (cohort conveyance probability)",
                bcf: false)
        ),
        (
            "readmissions",
            Info(
                unit: "admissions", meaning: "NELs within 30 days of the patient's previous acute discharge", bcf: false
            )
        ),
        (
            "readmissions91",
            Info(
                unit: "admissions", meaning: "NELs within 91 days of the patient's previous acute discharge", bcf: false
            )
        ),
        (
            "edWaitHours",
            Info(unit: "hours", meaning: "Mean ED/escalation wait for an acute bed, per admitted patient", bcf: false)
        ),
        (
            "edWaitsOver4Hours",
            Info(unit: "patients", meaning: "Admitted patients who waited more than 4 hours for a bed", bcf: false)
        ),
        (
            "diversions",
            Info(unit: "patients", meaning: "Patients diverted out of area after the ED wait limit", bcf: false)
        ),
        ("acuteOccupancyMean", Info(unit: "beds", meaning: "Acute beds occupied at midnight, mean", bcf: false)),
        (
            "acuteOccupancyP95",
            Info(unit: "beds", meaning: "Acute beds occupied at midnight, 95th percentile", bcf: false)
        ),
        (
            "acuteDaysAbove92Percent",
            Info(unit: "days", meaning: "Days whose midnight occupancy exceeded 92% of capacity", bcf: false)
        ),
        (
            "acuteDaysAbove95Percent",
            Info(unit: "days", meaning: "Days whose midnight occupancy exceeded 95% of capacity", bcf: false)
        ),
        ("delayedBedDays", Info(unit: "bed days", meaning: "Delayed bed days in acute, exact time", bcf: false)),
        (
            "delayedBedDaysMidnight",
            Info(
                unit: "bed days", meaning: "Delayed bed days in acute, midnight census (sitrep definition)", bcf: false)
        ),
        (
            "dtocPer100kPerMonth",
            Info(
                unit: "days per 100,000 adults a month",
                meaning: "Delayed transfers of care (midnight census) per 100,000 adults (18+) per month", bcf: true)
        ),
        (
            "delayedBedDaysPerMonth",
            Info(
                unit: "bed days a month",
                meaning:
                    "Delayed bed days (midnight census) per calendar month, mean of the whole months in the window",
                bcf: false)
        ),
        (
            "delayedBedDaysWorstMonth",
            Info(
                unit: "bed days a month",
                meaning: "Delayed bed days (midnight census) in the worst whole calendar month", bcf: false)
        ),
        (
            "delayedBedDaysByReason.",
            Info(unit: "bed days", meaning: "Delayed bed days (exact) by DTOC reason", bcf: false)
        ),
        (
            "delayedBedDaysMidnightByReason.",
            Info(unit: "bed days", meaning: "Delayed bed days (midnight census) by DTOC reason", bcf: false)
        ),
        (
            "delayedBedDaysByPathway.",
            Info(unit: "bed days", meaning: "Delayed bed days (exact) by discharge pathway", bcf: false)
        ),
        (
            "delayedBedDaysByResponsible.",
            Info(unit: "bed days", meaning: "Delayed bed days (exact) by responsible organisation", bcf: false)
        ),
        (
            "delayedPatients",
            Info(unit: "patients", meaning: "Patients discharged from acute after any delay", bcf: false)
        ),
        ("meanDelayDays", Info(unit: "days", meaning: "Mean delay per delayed patient", bcf: false)),
        (
            "delayedAtMonthEnd",
            Info(unit: "patients", meaning: "Patients delayed at the last midnight of each month, mean", bcf: false)
        ),
        (
            "reablementAtHome91Rate",
            Info(
                unit: "proportion",
                meaning: "People 65+ discharged from hospital into reablement who are at home 91 days later", bcf: true)
        ),
        (
            "reablementFollowUps65",
            Info(unit: "people", meaning: "People 65+ followed up 91 days after discharge into reablement", bcf: false)
        ),
        (
            "permanentCareHomeAdmissions",
            Info(unit: "admissions", meaning: "Permanent admissions to care homes, all ages", bcf: false)
        ),
        (
            "permanentCareHomeAdmissions65",
            Info(unit: "admissions", meaning: "Permanent admissions to care homes, people 65+", bcf: false)
        ),
        (
            "permanentCareHomeAdmissionsPer100k65",
            Info(
                unit: "per 100,000 people 65+ a year",
                meaning: "Permanent care-home admissions 65+ per 100,000 population 65+ a year", bcf: true)
        ),
        ("deaths", Info(unit: "people", meaning: "Deaths in hospital, services and care homes", bcf: false)),
        ("services.", Info(unit: "", meaning: "Per-service occupancy, admissions, waits and blocking", bcf: false)),
        ("costByService.", Info(unit: "GBP", meaning: "Cost of occupied places and episodes by service", bcf: false)),
        (
            "schemeCost",
            Info(
                unit: "GBP",
                meaning:
                    "Cost of the schemes in the measured period (one-off costs when they start in it, yearly costs pro rata)",
                bcf: false)
        ),
        ("schemeCostByScheme.", Info(unit: "GBP", meaning: "Cost of each scheme in the measured period", bcf: false)),
        ("totalCost", Info(unit: "GBP", meaning: "Total cost: occupied places, episodes and schemes", bcf: false)),
    ]

    public static func info(of key: String) -> Info? {
        if let exact = table.first(where: { $0.key == key }) { return exact.info }
        if key.hasPrefix("services.") {
            let field = key.split(separator: ".").last.map(String.init) ?? ""
            let unit =
                switch field {
                case "occupancyMean", "occupancyMidnightMean": "places"
                case "admissions", "departures": "patients"
                case "meanWaitDays": "days"
                default: "days"
                }
            return Info(unit: unit, meaning: "Service \(field)", bcf: false)
        }
        return table.first { $0.key.hasSuffix(".") && key.hasPrefix($0.key) }?.info
    }

    public static func unit(of key: String) -> String { info(of: key)?.unit ?? "" }

    /// Metrics of the terminal table, in order.
    public static let headline = [
        "nelAdmissions", "nelAdmissionsPer1000PerYear", "admissionsAvoided", "readmissions", "edWaitHours",
        "diversions",
        "acuteOccupancyMean", "acuteOccupancyP95", "acuteDaysAbove92Percent", "delayedBedDays",
        "delayedBedDaysMidnight",
        "dtocPer100kPerMonth", "meanDelayDays", "delayedAtMonthEnd", "reablementAtHome91Rate",
        "permanentCareHomeAdmissionsPer100k65", "totalCost",
    ]
}
