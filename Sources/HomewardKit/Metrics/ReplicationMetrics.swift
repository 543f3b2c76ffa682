/// The metrics of one replication: named scalar values and monthly series.
///
/// Keys are stable identifiers (`nelAdmissions`, `delayedBedDaysByReason.D(ii)`, ...); group
/// keys have the form `group.member`. Every key is defined once in the registry (`Metric.all`).
public struct ReplicationMetrics: Sendable, Equatable {
    public var values: [(key: String, value: Double)]
    public var monthLabels: [String]
    public var monthly: [(key: String, values: [Double])]
    /// Per-day series (midnight census of each service, `occupancy.NAME`; its capacity,
    /// `capacity.NAME`; delayed acute patients, `delayedPatients`), one value per measured day.
    /// Only when asked for (`RunOptions.recordDaily`), since they grow with the run's length.
    public var daily: [(key: String, values: [Double])]

    public init(
        values: [(key: String, value: Double)], monthLabels: [String], monthly: [(key: String, values: [Double])],
        daily: [(key: String, values: [Double])] = []
    ) {
        self.values = values
        self.monthLabels = monthLabels
        self.monthly = monthly
        self.daily = daily
    }

    public subscript(key: String) -> Double? { values.first { $0.key == key }?.value }

    /// A metric's value, or a family member's (`metrics[.serviceAdmissions, "acute"]`).
    public subscript(metric: Metric, member: String? = nil) -> Double? {
        self[member.map { metric.key(member: $0) } ?? metric.key]
    }

    /// A monthly or daily series by its metric.
    public func series(_ metric: Metric, _ member: String? = nil) -> [Double]? {
        let key = member.map { metric.key(member: $0) } ?? metric.key
        return (metric.series == .daily ? daily : monthly).first { $0.key == key }?.values
    }

    public static func == (a: ReplicationMetrics, b: ReplicationMetrics) -> Bool {
        a.monthLabels == b.monthLabels
            && a.values.elementsEqual(b.values) { $0.key == $1.key && $0.value.bitPattern == $1.value.bitPattern }
            && a.monthly.elementsEqual(b.monthly) {
                $0.key == $1.key && $0.values.map(\.bitPattern) == $1.values.map(\.bitPattern)
            }
            && a.daily.elementsEqual(b.daily) {
                $0.key == $1.key && $0.values.map(\.bitPattern) == $1.values.map(\.bitPattern)
            }
    }
}

extension Projection {
    /// The metrics, once the `.end` event has been folded in.
    public func metrics() -> ReplicationMetrics {
        let c = context
        let years = Double(c.days) / 365.25
        let months = Double(c.days) / (365.25 / 12)
        func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : .nan }
        var out = MetricEmitter()
        func put(_ metric: Metric, _ value: Double) { out.put(metric, value) }
        func put(_ metric: Metric, _ member: String, _ value: Double) { out.put(metric, member, value) }

        put(.nelAdmissions, nel)
        put(.nelAdmissionsPer1000PerYear, ratio(nel, years * c.population / 1000))
        for (i, cohort) in c.cohorts.enumerated() { put(.nelAdmissionsByCohort, cohort.name, nelByCohort[i]) }
        put(.crises, crises)
        put(.admissionsAvoided, avoided)
        put(.crisesNotConveyed, notConveyed)
        put(.readmissions, readmissions30)
        put(.readmissions91, readmissions91)
        put(.edWaitHours, ratio(edWaitSum, edWaitCount) * 24)
        put(.edWaitsOver4Hours, edWaitsOver4h)
        put(.edWaitShare, ratio(edWaitsAny, edWaitCount))
        put(.diversions, diversions)
        let a = c.acute
        put(.acuteOccupancyMean, ratio(censusSum[a], censusCount))
        put(.acuteOccupancyP95, histogramQuantile(acuteCensusHistogram, 0.95))
        put(.acuteDaysAbove92Percent, acuteDaysAbove92)
        put(.acuteDaysAbove95Percent, acuteDaysAbove95)
        put(.delayedBedDays, delayExact)
        put(.delayedBedDaysMidnight, delayMidnight)
        put(.dtocPer100kPerMonth, ratio(delayMidnight, months * c.adultPopulation / 100_000))
        // Per calendar month (midnight census), over the months wholly inside the window.
        let whole = wholeMonths()
        let perMonth = whole.map { monthlyDelayMidnight[$0] }
        put(.delayedBedDaysPerMonth, perMonth.isEmpty ? .nan : perMonth.reduce(0, +) / Double(perMonth.count))
        put(.delayedBedDaysWorstMonth, perMonth.max() ?? .nan)
        for r in DelayReason.allCases { put(.delayedBedDaysByReason, r.code, delayExactByReason[Int(r.rawValue)]) }
        for r in DelayReason.allCases {
            put(.delayedBedDaysMidnightByReason, r.code, delayMidnightByReason[Int(r.rawValue)])
        }
        for (i, p) in c.pathways.enumerated() { put(.delayedBedDaysByPathway, p, delayExactByPathway[i]) }
        for o in Responsible.allCases {
            put(.delayedBedDaysByResponsible, o.key, delayExactByResponsible[Int(o.rawValue)])
        }
        // The published delays measures count patients delayed at midnight (NHS England's
        // monthly DTOC return), per 100,000 adults.
        let adultsPer100k = c.adultPopulation / 100_000
        for o in Responsible.allCases {
            put(.delayedBedDaysMidnightByResponsible, o.key, delayMidnightByResponsible[Int(o.rawValue)])
        }
        for o in Responsible.allCases {
            put(
                .dtocPer100kPerMonthByResponsible, o.key,
                ratio(delayMidnightByResponsible[Int(o.rawValue)], months * adultsPer100k))
        }
        put(.delayedPerDayPer100k, ratio(delayMidnight, Double(c.days) * adultsPer100k))
        for o in Responsible.allCases {
            put(
                .delayedPerDayPer100kByResponsible, o.key,
                ratio(delayMidnightByResponsible[Int(o.rawValue)], Double(c.days) * adultsPer100k))
        }
        put(.delayedPatients, delayedPatients)
        put(.meanDelayDays, ratio(delayedPatientDays, delayedPatients))
        let monthEnds = Double(isMonthEnd.filter { $0 }.count)
        put(.delayedAtMonthEnd, ratio(monthlySnapshot.reduce(0, +), monthEnds))
        put(.reablementAtHome91Rate, ratio(atHome65, followUps65))
        put(.reablementFollowUps65, followUps65)
        put(.permanentCareHomeAdmissions, careHomeAdmissions)
        for (source, member) in [
            (AdmissionSource.hospital, "hospital"), (.intermediateCare, "intermediateCare"), (.community, "community"),
        ] {
            put(.permanentCareHomeAdmissionsBySource, member, careHomeAdmissionsBySource[Int(source.rawValue)])
        }
        put(.permanentCareHomeAdmissions65, careHomeAdmissions65)
        let councilSupported65 = careHomeAdmissions65 - selfFundedAdmissions65
        put(.councilSupportedCareHomeAdmissions65, councilSupported65)
        put(.selfFundedCareHomeAdmissions65, selfFundedAdmissions65)
        put(.permanentCareHomeAdmissionsPer100k65, ratio(councilSupported65, years * c.population65 / 100_000))
        put(.allCareHomeAdmissionsPer100k65, ratio(careHomeAdmissions65, years * c.population65 / 100_000))
        put(.deaths, deaths)
        let costs = costs()
        for (s, info) in c.services.enumerated() {
            let name = info.name
            put(.serviceOccupancyMean, name, ratio(occupancyIntegral[s], Double(c.days)))
            put(.serviceOccupancyMidnightMean, name, ratio(censusSum[s], censusCount))
            let days = Double(c.days)
            let meanOccupancy = occupancyIntegral[s] / days
            let squares = perService[s].occupancySquaredIntegral / days
            let spread = days > 0 ? max(0, squares - meanOccupancy * meanOccupancy).squareRoot() : .nan
            put(.serviceOccupancySD, name, spread)
            put(.serviceAdmissions, name, entries[s])
            put(.serviceMeanWaitDays, name, ratio(waitSum[s], waitCount[s]))
            put(.serviceDepartures, name, departures[s])
            put(.serviceMeanStayDays, name, ratio(staySum[s], departures[s]))
            put(.serviceOccupiedDays, name, occupancyIntegral[s])
            put(.serviceBlockedDays, name, s == a ? delayExact : downstreamDelay[s])
            let totals = perService[s]
            put(.serviceCapacityMean, name, ratio(totals.capacityIntegral, Double(c.days)))
            put(.serviceDaysOverCapacity, name, totals.overCapacityDays)
            put(.serviceExcessMean, name, ratio(totals.excessIntegral, Double(c.days)))
            put(.serviceExcessMax, name, Double(totals.excessMax))
            put(.serviceExcessOccupiedDays, name, totals.excessIntegral)
            // Little's law gives the mean holding time (occupied days / admissions); requests a
            // day times it is the offered load, which is exact for M/M/c above and below c.
            put(.serviceOfferedLoad, name, ratio(occupancyIntegral[s] * totals.requests, entries[s] * Double(c.days)))
            put(.serviceQueueMidnightMean, name, ratio(totals.queueSum, totals.queueN))
            put(.serviceQueueGrowth, name, totals.queueGrowth(block: queueBlockDays))
            if info.hasWaitingList {
                put(.servicePlacedOutOfArea, name, totals.placedOutOfArea)
                put(.servicePlacedOutOfAreaShare, name, ratio(totals.placedOutOfArea, totals.requests))
            }
            put(.costByService, name, costs.byService[s])
        }
        var schemeCost = 0.0
        for (i, scheme) in c.schemes.enumerated() {
            schemeCost += costs.byScheme[i]
            put(.schemeCostByScheme, scheme.name, costs.byScheme[i])
        }
        put(.schemeCost, schemeCost)
        put(.totalCost, costs.services + schemeCost)
        for (i, payer) in Payer.allCases.enumerated() { put(.costByPayer, payer.rawValue, costs.byPayer[i]) }
        for (i, line) in CostTotals.lines.enumerated() { put(.costByLine, line, costs.byLine[i]) }

        out.series(.monthlyNelAdmissions, monthlyNEL)
        out.series(.monthlyAdmissionsAvoided, monthlyAvoided)
        out.series(.monthlyDelayedBedDays, monthlyDelayExact)
        out.series(.monthlyDelayedBedDaysMidnight, monthlyDelayMidnight)
        out.series(.monthlyDtocPer100k, monthlyDelayMidnight.map { $0 / c.adultPopulation * 100_000 })
        out.series(.monthlyDelayedAtMonthEnd, monthlySnapshot)
        out.series(.monthlyAcuteOccupancyMean, zip(monthlyAcuteCensus, monthlyMidnights).map { ratio($0, $1) })
        out.series(.monthlyPermanentCareHomeAdmissions65, monthlyCareHome65)
        for r in DelayReason.allCases {
            out.series(
                .monthlyDelayedBedDaysMidnightByReason, r.code,
                monthlyDelayMidnightByReason.map { $0[Int(r.rawValue)] })
        }
        out.series(
            .monthlyTotalCost,
            (0..<monthLabels.count).map { m in costs.monthlyByPayer.reduce(0) { $0 + $1[m] } })
        for (i, payer) in Payer.allCases.enumerated() {
            out.series(.monthlyCostByPayer, payer.rawValue, costs.monthlyByPayer[i])
        }
        if recordsDaily {
            for (s, info) in c.services.enumerated() where info.kind != .crisisResponse {
                out.series(.dailyOccupancy, info.name, dailyCensus[s])
                out.series(.dailyCapacity, info.name, dailyCapacity[s])
            }
            out.series(.dailyDelayedPatients, dailyDelayed)
        }
        return ReplicationMetrics(values: out.values, monthLabels: monthLabels, monthly: out.monthly, daily: out.daily)
    }

    /// Indexes of the calendar months that lie wholly inside the measured window.
    func wholeMonths() -> [Int] {
        var counts = [Int](repeating: 0, count: monthLabels.count)
        for m in monthOfDay { counts[m] += 1 }
        return counts.indices.filter { m in
            let parts = monthLabels[m].split(separator: "-")
            guard parts.count == 2, let y = Int(parts[0]), let mo = Int(parts[1]) else { return false }
            return counts[m] == CivilDate.daysInMonth(year: y, month: mo)
        }
    }

    /// Type-7 quantile of values given as a histogram (index = value, entry = count).
    func histogramQuantile(_ histogram: [Double], _ p: Double) -> Double {
        let n = histogram.reduce(0, +)
        guard n > 0 else { return .nan }
        let h = (n - 1) * p
        let lowRank = h.rounded(.down)
        func value(atRank rank: Double) -> Double {
            var seen = 0.0
            for (v, count) in histogram.enumerated() {
                seen += count
                if seen > rank { return Double(v) }
            }
            return Double(histogram.count - 1)
        }
        let lo = value(atRank: lowRank)
        let hi = value(atRank: min(lowRank + 1, n - 1))
        return lo + (h - lowRank) * (hi - lo)
    }
}

/// Collects a replication's metrics under their registered keys, in the order they are put.
struct MetricEmitter {
    var values: [(key: String, value: Double)] = []
    var monthly: [(key: String, values: [Double])] = []
    var daily: [(key: String, values: [Double])] = []

    mutating func put(_ metric: Metric, _ value: Double) {
        assert(metric.series == .value && metric.family == nil, "\(metric) is not a single value")
        values.append((metric.name, value))
    }

    mutating func put(_ metric: Metric, _ member: String, _ value: Double) {
        assert(metric.series == .value && metric.family != nil, "\(metric) is not a family of values")
        values.append((metric.key(member: member), value))
    }

    mutating func series(_ metric: Metric, _ xs: [Double]) {
        assert(metric.series != .value && metric.family == nil, "\(metric) is not a single series")
        append(metric, metric.name, xs)
    }

    mutating func series(_ metric: Metric, _ member: String, _ xs: [Double]) {
        assert(metric.series != .value && metric.family != nil, "\(metric) is not a family of series")
        append(metric, metric.key(member: member), xs)
    }

    private mutating func append(_ metric: Metric, _ key: String, _ xs: [Double]) {
        if metric.series == .monthly { monthly.append((key, xs)) } else { daily.append((key, xs)) }
    }
}
