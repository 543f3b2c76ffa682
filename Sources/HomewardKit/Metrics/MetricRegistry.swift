// The registry: every metric a replication emits, each defined once, in the order the fold
// (`Projection.metrics()`) emits them. Adding a metric: a `static let` here, its entry in
// `all`, and a `put` in the fold.

extension Metric {
    /// Every metric, in emission order: values, then monthly series, then daily series.
    public static let all: [Metric] = [
        nelAdmissions, nelAdmissionsPer1000PerYear, nelAdmissionsByCohort, crises, admissionsAvoided,
        crisesNotConveyed, readmissions, readmissions91, edWaitHours, edWaitsOver4Hours, edWaitShare, diversions,
        acuteOccupancyMean, acuteOccupancyP95, acuteDaysAbove92Percent, acuteDaysAbove95Percent, delayedBedDays,
        delayedBedDaysMidnight, dtocPer100kPerMonth, delayedBedDaysPerMonth, delayedBedDaysWorstMonth,
        delayedBedDaysByReason, delayedBedDaysMidnightByReason, delayedBedDaysByPathway, delayedBedDaysByResponsible,
        delayedBedDaysMidnightByResponsible, dtocPer100kPerMonthByResponsible, delayedPerDayPer100k,
        delayedPerDayPer100kByResponsible, delayedPatients, meanDelayDays, delayedAtMonthEnd, reablementAtHome91Rate,
        reablementFollowUps65,
        permanentCareHomeAdmissions, permanentCareHomeAdmissionsBySource, permanentCareHomeAdmissions65,
        councilSupportedCareHomeAdmissions65,
        selfFundedCareHomeAdmissions65, permanentCareHomeAdmissionsPer100k65, allCareHomeAdmissionsPer100k65, deaths,
        serviceOccupancyMean, serviceOccupancyMidnightMean, serviceOccupancySD, serviceAdmissions, serviceMeanWaitDays,
        serviceDepartures, serviceMeanStayDays, serviceOccupiedDays, serviceBlockedDays, serviceCapacityMean,
        serviceDaysOverCapacity, serviceExcessMean, serviceExcessMax, serviceExcessOccupiedDays, serviceOfferedLoad,
        serviceQueueMidnightMean, serviceQueueGrowth, servicePlacedOutOfArea, servicePlacedOutOfAreaShare,
        costByService,
        schemeCostByScheme, schemeCost, totalCost, costByPayer, costByLine,
        monthlyNelAdmissions, monthlyAdmissionsAvoided, monthlyDelayedBedDays, monthlyDelayedBedDaysMidnight,
        monthlyDtocPer100k, monthlyDelayedAtMonthEnd, monthlyAcuteOccupancyMean,
        monthlyPermanentCareHomeAdmissions65, monthlyDelayedBedDaysMidnightByReason, monthlyTotalCost,
        monthlyCostByPayer,
        dailyOccupancy, dailyCapacity, dailyDelayedPatients,
    ]

    /// The columns of `sweep`'s terminal table, in order.
    public static let sweepColumns: [Metric] = [
        nelAdmissions, delayedBedDays, delayedBedDaysWorstMonth, acuteOccupancyMean, reablementAtHome91Rate,
        totalCost,
    ]

    /// The monthly series `compare-actuals` sets against the actuals.
    public static let actualsMonthly: [Metric] = [
        monthlyNelAdmissions, monthlyDelayedBedDays, monthlyDelayedBedDaysMidnight, monthlyAcuteOccupancyMean,
    ]

    /// The monthly series `compare-actuals` shows month by month in the terminal.
    public static let actualsMonthlyTabled: [Metric] = [monthlyNelAdmissions, monthlyDelayedBedDays]

    // MARK: Demand

    public static let nelAdmissions = Metric(
        "nelAdmissions", unit: "admissions", bounds: .count, direction: .lowerIsBetter,
        label: "Non-elective admissions",
        meaning: "Non-elective admissions (conveyances to hospital), measured period", headline: true, bcf: true,
        precision: true)
    public static let nelAdmissionsPer1000PerYear = Metric(
        "nelAdmissionsPer1000PerYear", unit: "per 1,000 people a year", bounds: .nonNegative,
        direction: .lowerIsBetter, label: "NELs per 1,000 people a year",
        meaning: "NELs per 1,000 population a year", headline: true)
    public static let nelAdmissionsByCohort = Metric(
        "nelAdmissionsByCohort", family: Family(member: "cohort"), unit: "admissions", bounds: .count,
        direction: .lowerIsBetter, label: "NELs by cohort", meaning: "NELs by cohort")
    public static let crises = Metric(
        "crises", unit: "crises", bounds: .count, direction: .lowerIsBetter, label: "Crises",
        meaning: "Crises (new and readmission), measured period")
    public static let admissionsAvoided = Metric(
        "admissionsAvoided", unit: "admissions", bounds: .count, direction: .higherIsBetter,
        label: "Admissions avoided by crisis response",
        meaning: "Crises managed at home by crisis response (admission avoided)", headline: true, precision: true)
    public static let crisesNotConveyed = Metric(
        "crisesNotConveyed", unit: "crises", bounds: .count, direction: .higherIsBetter,
        label: "Crises not conveyed",
        meaning: "Crises that did not end in conveyance (cohort conveyance probability)")
    public static let readmissions = Metric(
        "readmissions", unit: "admissions", bounds: .count, direction: .lowerIsBetter,
        label: "Readmissions within 30 days",
        meaning: "NELs within 30 days of the patient's previous acute discharge", headline: true)
    public static let readmissions91 = Metric(
        "readmissions91", unit: "admissions", bounds: .count, direction: .lowerIsBetter,
        label: "Readmissions within 91 days",
        meaning: "NELs within 91 days of the patient's previous acute discharge")

    // MARK: The acute hospital

    public static let edWaitHours = Metric(
        "edWaitHours", unit: "hours", bounds: .nonNegative, direction: .lowerIsBetter,
        label: "Mean ED wait for a bed",
        meaning: "Mean ED/escalation wait for an acute bed, per admitted patient", headline: true)
    public static let edWaitsOver4Hours = Metric(
        "edWaitsOver4Hours", unit: "patients", bounds: .count, direction: .lowerIsBetter,
        label: "ED waits over 4 hours", meaning: "Admitted patients who waited more than 4 hours for a bed")
    public static let edWaitShare = Metric(
        "edWaitShare", unit: "proportion", bounds: .proportion, direction: .lowerIsBetter,
        label: "Share who wait in ED for a bed",
        meaning:
            "Share of admitted patients who found no bed free and waited in ED (Erlang C's P(wait) in an M/M/c hospital)"
    )
    public static let diversions = Metric(
        "diversions", unit: "patients", bounds: .count, direction: .lowerIsBetter, label: "Diversions out of area",
        meaning: "Patients diverted out of area after the ED wait limit", headline: true)
    public static let acuteOccupancyMean = Metric(
        "acuteOccupancyMean", unit: "beds", bounds: .nonNegative, direction: .lowerIsBetter,
        label: "Acute beds occupied at midnight", meaning: "Acute beds occupied at midnight, mean", headline: true,
        precision: true)
    public static let acuteOccupancyP95 = Metric(
        "acuteOccupancyP95", unit: "beds", bounds: .nonNegative, direction: .lowerIsBetter,
        label: "Acute beds occupied, 95th percentile", meaning: "Acute beds occupied at midnight, 95th percentile",
        headline: true)
    public static let acuteDaysAbove92Percent = Metric(
        "acuteDaysAbove92Percent", unit: "days", bounds: .count, direction: .lowerIsBetter,
        label: "Days above 92% acute occupancy", meaning: "Days whose midnight occupancy exceeded 92% of capacity",
        headline: true)
    public static let acuteDaysAbove95Percent = Metric(
        "acuteDaysAbove95Percent", unit: "days", bounds: .count, direction: .lowerIsBetter,
        label: "Days above 95% acute occupancy", meaning: "Days whose midnight occupancy exceeded 95% of capacity")

    // MARK: Delayed discharges

    public static let delayedBedDays = Metric(
        "delayedBedDays", unit: "bed days", bounds: .nonNegative, direction: .lowerIsBetter,
        label: "Delayed bed days (exact time)", meaning: "Delayed bed days in acute, exact time", headline: true,
        precision: true)
    public static let delayedBedDaysMidnight = Metric(
        "delayedBedDaysMidnight", unit: "bed days", bounds: .count, direction: .lowerIsBetter,
        label: "Delayed bed days (midnight census)",
        meaning: "Delayed bed days in acute, midnight census (sitrep definition)", headline: true, precision: true)
    public static let dtocPer100kPerMonth = Metric(
        "dtocPer100kPerMonth", unit: "days per 100,000 adults a month", bounds: .nonNegative,
        direction: .lowerIsBetter, label: "Delayed transfers of care per 100,000 adults",
        meaning: "Delayed transfers of care (midnight census) per 100,000 adults (18+) per month", headline: true,
        bcf: true, precision: true)
    public static let delayedBedDaysPerMonth = Metric(
        "delayedBedDaysPerMonth", unit: "bed days a month", bounds: .nonNegative, direction: .lowerIsBetter,
        label: "Delayed bed days a month",
        meaning: "Delayed bed days (midnight census) per calendar month, mean of the whole months in the window")
    public static let delayedBedDaysWorstMonth = Metric(
        "delayedBedDaysWorstMonth", unit: "bed days a month", bounds: .count, direction: .lowerIsBetter,
        label: "Delayed bed days in the worst month",
        meaning: "Delayed bed days (midnight census) in the worst whole calendar month")
    public static let delayedBedDaysByReason = Metric(
        "delayedBedDaysByReason", family: Family(member: "DTOC reason code"), unit: "bed days",
        bounds: .nonNegative, direction: .lowerIsBetter, label: "Delayed bed days by reason",
        meaning: "Delayed bed days (exact) by DTOC reason")
    public static let delayedBedDaysMidnightByReason = Metric(
        "delayedBedDaysMidnightByReason", family: Family(member: "DTOC reason code"), unit: "bed days",
        bounds: .count, direction: .lowerIsBetter, label: "Delayed bed days (midnight) by reason",
        meaning: "Delayed bed days (midnight census) by DTOC reason")
    public static let delayedBedDaysByPathway = Metric(
        "delayedBedDaysByPathway", family: Family(member: "pathway"), unit: "bed days", bounds: .nonNegative,
        direction: .lowerIsBetter, label: "Delayed bed days by pathway",
        meaning: "Delayed bed days (exact) by discharge pathway")
    public static let delayedBedDaysByResponsible = Metric(
        "delayedBedDaysByResponsible", family: Family(member: "nhs, socialCare or both"), unit: "bed days",
        bounds: .nonNegative, direction: .lowerIsBetter, label: "Delayed bed days by responsible organisation",
        meaning: "Delayed bed days (exact) by responsible organisation")
    public static let delayedBedDaysMidnightByResponsible = Metric(
        "delayedBedDaysMidnightByResponsible", family: Family(member: "nhs, socialCare or both"), unit: "bed days",
        bounds: .count, direction: .lowerIsBetter, label: "Delayed bed days (midnight) by responsible organisation",
        meaning: "Delayed bed days (midnight census) by responsible organisation")
    public static let dtocPer100kPerMonthByResponsible = Metric(
        "dtocPer100kPerMonthByResponsible", family: Family(member: "nhs, socialCare or both"),
        unit: "days per 100,000 adults a month", bounds: .nonNegative, direction: .lowerIsBetter,
        label: "Delayed transfers of care per 100,000 adults, by responsible organisation",
        meaning:
            "Delayed transfers of care (midnight census) per 100,000 adults (18+) a month, by responsible organisation")
    public static let delayedPerDayPer100k = Metric(
        "delayedPerDayPer100k", unit: "patients per 100,000 adults", bounds: .nonNegative, direction: .lowerIsBetter,
        label: "Patients delayed per day per 100,000 adults",
        meaning: "Average number of patients delayed at midnight per day, per 100,000 adults (18+)")
    public static let delayedPerDayPer100kByResponsible = Metric(
        "delayedPerDayPer100kByResponsible", family: Family(member: "nhs, socialCare or both"),
        unit: "patients per 100,000 adults", bounds: .nonNegative, direction: .lowerIsBetter,
        label: "Patients delayed per day per 100,000 adults, by responsible organisation",
        meaning:
            "Patients delayed at midnight per day on average, per 100,000 adults (18+), by responsible organisation")
    public static let delayedPatients = Metric(
        "delayedPatients", unit: "patients", bounds: .count, direction: .lowerIsBetter, label: "Delayed patients",
        meaning: "Patients discharged from acute after any delay")
    public static let meanDelayDays = Metric(
        "meanDelayDays", unit: "days", bounds: .nonNegative, direction: .lowerIsBetter,
        label: "Mean delay per delayed patient", meaning: "Mean delay per delayed patient", headline: true)
    public static let delayedAtMonthEnd = Metric(
        "delayedAtMonthEnd", unit: "patients", bounds: .nonNegative, direction: .lowerIsBetter,
        label: "Patients delayed at month end", meaning: "Patients delayed at the last midnight of each month, mean",
        headline: true)

    // MARK: Reablement and care homes

    public static let reablementAtHome91Rate = Metric(
        "reablementAtHome91Rate", unit: "proportion", bounds: .proportion, direction: .higherIsBetter,
        label: "At home 91 days after reablement (65+)",
        meaning: "People 65+ discharged from hospital into reablement who are at home 91 days later",
        headline: true, bcf: true, precision: true)
    public static let reablementFollowUps65 = Metric(
        "reablementFollowUps65", unit: "people", bounds: .count, direction: .neither,
        label: "Reablement follow-ups (65+)",
        meaning: "People 65+ followed up 91 days after discharge into reablement")
    public static let permanentCareHomeAdmissions = Metric(
        "permanentCareHomeAdmissions", unit: "admissions", bounds: .count, direction: .lowerIsBetter,
        label: "Care-home admissions", meaning: "Permanent admissions to care homes, all ages")
    public static let permanentCareHomeAdmissionsBySource = Metric(
        "permanentCareHomeAdmissionsBySource", family: Family(member: "hospital, intermediateCare or community"),
        unit: "admissions", bounds: .count, direction: .neither, label: "Care-home admissions by where from",
        meaning:
            "Permanent admissions to care homes, all ages, by where the resident came from: straight from an acute "
            + "hospital, from intermediate care (reablement or a bed-based service) or from the community")
    public static let permanentCareHomeAdmissions65 = Metric(
        "permanentCareHomeAdmissions65", unit: "admissions", bounds: .count, direction: .lowerIsBetter,
        label: "Care-home admissions (65+)", meaning: "Permanent admissions to care homes, people 65+")
    public static let councilSupportedCareHomeAdmissions65 = Metric(
        "councilSupportedCareHomeAdmissions65", unit: "admissions", bounds: .count, direction: .lowerIsBetter,
        label: "Council-supported care-home admissions (65+)",
        meaning: "Permanent admissions to care homes of people 65+ that the council supports (not self-funded)")
    public static let selfFundedCareHomeAdmissions65 = Metric(
        "selfFundedCareHomeAdmissions65", unit: "admissions", bounds: .count, direction: .neither,
        label: "Self-funded care-home admissions (65+)",
        meaning: "Permanent admissions to care homes of people 65+ who pay for their own care")
    public static let permanentCareHomeAdmissionsPer100k65 = Metric(
        "permanentCareHomeAdmissionsPer100k65", unit: "per 100,000 people 65+ a year", bounds: .nonNegative,
        direction: .lowerIsBetter, label: "Council-supported care-home admissions per 100,000 aged 65+",
        meaning: "Council-supported permanent care-home admissions 65+ per 100,000 population 65+ a year (ASCOF 2A(2))",
        headline: true, bcf: true, precision: true)
    public static let allCareHomeAdmissionsPer100k65 = Metric(
        "allCareHomeAdmissionsPer100k65", unit: "per 100,000 people 65+ a year", bounds: .nonNegative,
        direction: .lowerIsBetter, label: "All care-home admissions per 100,000 aged 65+",
        meaning: "Permanent care-home admissions 65+, self-funded included, per 100,000 population 65+ a year")
    public static let deaths = Metric(
        "deaths", unit: "people", bounds: .count, direction: .neither, label: "Deaths",
        meaning: "Deaths in hospital, services and care homes")

    // MARK: Each service

    static func service(
        _ field: String, unit: String, bounds: Bounds, direction: Direction = .neither, label: String,
        meaning: String
    ) -> Metric {
        Metric(
            "services", family: Family(member: "service", field: field), unit: unit, bounds: bounds,
            direction: direction, label: label, meaning: meaning)
    }
    public static let serviceOccupancyMean = service(
        "occupancyMean", unit: "places", bounds: .nonNegative, label: "Places occupied",
        meaning: "Places occupied, time-weighted mean")
    public static let serviceOccupancyMidnightMean = service(
        "occupancyMidnightMean", unit: "places", bounds: .nonNegative, label: "Places occupied at midnight",
        meaning: "Places occupied at midnight, mean")
    public static let serviceOccupancySD = service(
        "occupancySD", unit: "places", bounds: .nonNegative, label: "Spread of places occupied",
        meaning:
            "Places occupied, time-weighted standard deviation over the measured period (about the period's own mean)"
    )
    public static let serviceAdmissions = service(
        "admissions", unit: "patients", bounds: .count, label: "Admissions",
        meaning: "Patients admitted to the service")
    public static let serviceMeanWaitDays = service(
        "meanWaitDays", unit: "days", bounds: .nonNegative, direction: .lowerIsBetter, label: "Mean wait",
        meaning: "Mean wait for a place, per admitted patient")
    public static let serviceDepartures = service(
        "departures", unit: "patients", bounds: .count, label: "Departures",
        meaning: "Patients who left the service")
    public static let serviceMeanStayDays = service(
        "meanStayDays", unit: "days", bounds: .nonNegative, label: "Mean stay",
        meaning: "Mean stay (including any delay) per departing patient")
    public static let serviceOccupiedDays = service(
        "occupiedDays", unit: "days", bounds: .nonNegative, label: "Occupied place days",
        meaning: "Place days occupied")
    public static let serviceBlockedDays = service(
        "blockedDays", unit: "days", bounds: .nonNegative, direction: .lowerIsBetter, label: "Blocked days",
        meaning: "Days patients stayed after they were ready to move on (delayed or waiting for the next service)")

    // Over capacity and overload (docs/metrics.md, "Capacity and overload"). A service runs
    // over capacity when its census starts above its capacity or its capacity falls below its
    // occupancy; it then takes nobody new until it is below capacity (docs/model.md).

    public static let serviceCapacityMean = service(
        "capacityMean", unit: "places", bounds: .nonNegative, label: "Capacity",
        meaning: "Places available, time-weighted mean over the measured period")
    public static let serviceDaysOverCapacity = service(
        "daysOverCapacity", unit: "days", bounds: .nonNegative, direction: .lowerIsBetter,
        label: "Days over capacity", meaning: "Days (exact time) with more occupants than places")
    public static let serviceExcessMean = service(
        "excessMean", unit: "places", bounds: .nonNegative, direction: .lowerIsBetter,
        label: "Mean excess over capacity",
        meaning: "Occupants above the capacity, time-weighted mean over the measured period (0 when never over)")
    public static let serviceExcessMax = service(
        "excessMax", unit: "places", bounds: .count, direction: .lowerIsBetter, label: "Largest excess over capacity",
        meaning: "Most occupants above the capacity at any time in the measured period")
    public static let serviceExcessOccupiedDays = service(
        "excessOccupiedDays", unit: "days", bounds: .nonNegative, direction: .lowerIsBetter,
        label: "Occupied days above capacity", meaning: "Place days occupied above the capacity")
    public static let serviceOfferedLoad = service(
        "offeredLoad", unit: "places", bounds: .nonNegative, direction: .lowerIsBetter, label: "Offered load",
        meaning:
            "Places the demand would keep busy: requests a day times the mean holding time (occupied days / admissions); exact for M/M/c whether or not the queue is stable"
    )
    public static let serviceQueueMidnightMean = service(
        "queueMidnightMean", unit: "patients", bounds: .nonNegative, direction: .lowerIsBetter,
        label: "Waiting at midnight", meaning: "Patients waiting for a place at midnight (in ED for acute), mean")
    public static let serviceQueueGrowth = service(
        "queueGrowth", unit: "patients", bounds: .unbounded, direction: .lowerIsBetter, label: "Queue growth",
        meaning:
            "Patients waiting at midnight in the last 4 weeks of the measured period minus in its first 4 weeks, means (a quarter of the period each when shorter than 16 weeks)"
    )

    // Only for services with a `waitingList` (docs/model.md, "A waiting list before a
    // downstream service"): without one nobody is placed out of area, and nothing is emitted.

    public static let servicePlacedOutOfArea = service(
        "placedOutOfArea", unit: "patients", bounds: .count, direction: .lowerIsBetter,
        label: "Placed out of area",
        meaning:
            "Patients placed out of area because no place was free and the waiting list was full (services with a waitingList)"
    )
    public static let servicePlacedOutOfAreaShare = service(
        "placedOutOfAreaShare", unit: "share", bounds: .proportion, direction: .lowerIsBetter,
        label: "Share placed out of area",
        meaning: "Placed out of area / requests for a place (services with a waitingList)")

    // MARK: Costs

    public static let costByService = Metric(
        "costByService", family: Family(member: "service"), unit: "GBP", bounds: .nonNegative,
        direction: .lowerIsBetter, label: "Cost by service",
        meaning:
            "Cost of each service: funded places, occupied days and episodes, and for the acute hospital diversions out of area and delayed bed days"
    )
    public static let schemeCostByScheme = Metric(
        "schemeCostByScheme", family: Family(member: "scheme"), unit: "GBP", bounds: .nonNegative,
        direction: .lowerIsBetter, label: "Cost by scheme", meaning: "Cost of each scheme in the measured period")
    public static let schemeCost = Metric(
        "schemeCost", unit: "GBP", bounds: .nonNegative, direction: .lowerIsBetter, label: "Cost of the schemes",
        meaning:
            "Cost of the schemes in the measured period (one-off costs when they start in it, yearly costs pro rata)")
    public static let totalCost = Metric(
        "totalCost", unit: "GBP", bounds: .nonNegative, direction: .lowerIsBetter, label: "Total cost",
        meaning: "Total cost: every service's cost lines and the schemes", headline: true, precision: true)
    public static let costByPayer = Metric(
        "costByPayer", family: Family(member: "payer"), unit: "GBP", bounds: .nonNegative,
        direction: .lowerIsBetter, label: "Cost by payer",
        meaning: "Total cost paid by each payer: nhs, council, bcf (the pooled Better Care Fund)")
    public static let costByLine = Metric(
        "costByLine", family: Family(member: "cost line"), unit: "GBP", bounds: .nonNegative,
        direction: .lowerIsBetter, label: "Cost by line",
        meaning:
            "Total cost by line: fundedPlaces (block), occupiedDays (spot), episodes, diversions (out of area), delayedDays (acute), schemes"
    )

    // MARK: Monthly series

    public static let monthlyNelAdmissions = Metric(
        "nelAdmissions", .monthly, unit: "admissions a month", bounds: .count, direction: .lowerIsBetter,
        label: "Non-elective admissions a month", meaning: "Non-elective admissions in each calendar month")
    public static let monthlyAdmissionsAvoided = Metric(
        "admissionsAvoided", .monthly, unit: "admissions a month", bounds: .count, direction: .higherIsBetter,
        label: "Admissions avoided a month", meaning: "Admissions avoided by crisis response in each month")
    public static let monthlyDelayedBedDays = Metric(
        "delayedBedDays", .monthly, unit: "bed days a month", bounds: .nonNegative, direction: .lowerIsBetter,
        label: "Delayed bed days a month (exact time)", meaning: "Delayed bed days (exact time) in each month")
    public static let monthlyDelayedBedDaysMidnight = Metric(
        "delayedBedDaysMidnight", .monthly, unit: "bed days a month", bounds: .count, direction: .lowerIsBetter,
        label: "Delayed bed days a month (midnight census)",
        meaning: "Delayed bed days (midnight census) in each month")
    public static let monthlyDtocPer100k = Metric(
        "dtocPer100k", .monthly, unit: "days per 100,000 adults", bounds: .nonNegative, direction: .lowerIsBetter,
        label: "Delayed transfers of care per 100,000 adults",
        meaning: "Delayed bed days (midnight census) per 100,000 adults (18+) in each month")
    public static let monthlyDelayedAtMonthEnd = Metric(
        "delayedAtMonthEnd", .monthly, unit: "patients", bounds: .count, direction: .lowerIsBetter,
        label: "Patients delayed at month end", meaning: "Patients delayed at the last midnight of each month")
    public static let monthlyAcuteOccupancyMean = Metric(
        "acuteOccupancyMean", .monthly, unit: "beds", bounds: .nonNegative, direction: .lowerIsBetter,
        label: "Acute beds occupied at midnight", meaning: "Acute beds occupied at midnight, mean of each month")
    public static let monthlyPermanentCareHomeAdmissions65 = Metric(
        "permanentCareHomeAdmissions65", .monthly, unit: "admissions a month", bounds: .count,
        direction: .lowerIsBetter, label: "Care-home admissions a month (65+)",
        meaning: "Permanent admissions to care homes of people 65+ in each month")
    public static let monthlyDelayedBedDaysMidnightByReason = Metric(
        "delayedBedDaysMidnightByReason", .monthly, family: Family(member: "DTOC reason code"),
        unit: "bed days a month", bounds: .count, direction: .lowerIsBetter,
        label: "Delayed bed days a month by reason",
        meaning: "Delayed bed days (midnight census) by DTOC reason in each month")

    public static let monthlyTotalCost = Metric(
        "totalCost", .monthly, unit: "GBP a month", bounds: .nonNegative, direction: .lowerIsBetter,
        label: "Total cost a month",
        meaning: "Total cost in each calendar month (a diversion's whole cost in the month it happens)")
    public static let monthlyCostByPayer = Metric(
        "costByPayer", .monthly, family: Family(member: "payer"), unit: "GBP a month", bounds: .nonNegative,
        direction: .lowerIsBetter, label: "Cost a month by payer",
        meaning: "Cost paid by each payer (nhs, council, bcf) in each calendar month")

    // MARK: Daily series

    public static let dailyOccupancy = Metric(
        "occupancy", .daily, family: Family(member: "service"), unit: "places", bounds: .count,
        direction: .neither, label: "Places occupied at midnight",
        meaning: "Places occupied at each midnight (services other than crisis response)")
    public static let dailyCapacity = Metric(
        "capacity", .daily, family: Family(member: "service"), unit: "places", bounds: .count, direction: .neither,
        label: "Capacity", meaning: "Places available on each day (services other than crisis response)")
    public static let dailyDelayedPatients = Metric(
        "delayedPatients", .daily, unit: "patients", bounds: .count, direction: .lowerIsBetter,
        label: "Delayed patients at midnight", meaning: "Patients in acute whose discharge is delayed, each midnight")
}
