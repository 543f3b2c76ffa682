/// The costs of one replication, by service, line, payer and month (see docs/model.md, "Costs
/// and who pays").
struct CostTotals {
    /// Each service's cost (all its lines), indexed like the context's services.
    var byService: [Double]
    /// Each line's cost, indexed like `CostTotals.lines`.
    var byLine: [Double]
    /// Each payer's cost, indexed like `Payer.allCases`.
    var byPayer: [Double]
    /// `monthlyByPayer[payer][month]`.
    var monthlyByPayer: [[Double]]
    /// Each scheme's cost, indexed like the context's schemes.
    var byScheme: [Double]

    /// The members of `costByLine`: the service lines, then the schemes.
    static let lines = ServiceCosts.Line.allCases.map(\.rawValue) + ["schemes"]

    /// The total of every service line (without the schemes).
    var services: Double { byService.reduce(0, +) }
}

extension Projection {
    /// Prices the replication's quantities (funded place days, occupied days, admissions,
    /// diversions and their days out of area, delayed acute bed days, schemes) at the
    /// context's rates, and adds each cost to its line and its payer, in total and by month.
    ///
    /// A service's cost is added in the order occupied days + episodes + funded places +
    /// diversions + delayed days, so that a service with only the older `costPerDay` and
    /// `costPerEpisode` costs exactly what it did before the other lines existed.
    func costs() -> CostTotals {
        let c = context
        let months = monthLabels.count
        let lineCount = ServiceCosts.Line.allCases.count
        var totals = CostTotals(
            byService: [], byLine: Array(repeating: 0, count: lineCount + 1),
            byPayer: Array(repeating: 0, count: Payer.allCases.count),
            monthlyByPayer: Array(repeating: Array(repeating: 0, count: months), count: Payer.allCases.count),
            byScheme: [])
        func payerIndex(_ p: Payer) -> Int { Payer.allCases.firstIndex(of: p)! }
        func lineIndex(_ l: ServiceCosts.Line) -> Int { ServiceCosts.Line.allCases.firstIndex(of: l)! }
        let occupiedDays = occupancyIntegral
        let fundedDays = capacityIntegral
        let admissions = entries
        let (monthlyOccupiedDays, monthlyFundedPlaceDays, monthlyEntries) = monthlyServiceDays()
        for (s, info) in c.services.enumerated() {
            let k = info.costs
            let isAcute = s == c.acute
            // Delayed acute days are priced at their own rate, when there is one, instead of
            // the occupied-day rate.
            let separatesDelays = isAcute && k.perDelayedDay != nil
            let delayed = separatesDelays ? delayExact : 0
            let lines: [(ServiceCosts.Line, Double)] = [
                (.occupiedDays, k.perOccupiedDay * (occupiedDays[s] - delayed)),
                (.episodes, k.perEpisode * admissions[s]),
                (.fundedPlaces, k.perFundedPlacePerDay * fundedDays[s]),
                (.diversions, isAcute ? k.perDiversion * diversions + k.perDayOutOfArea * outOfAreaDays : 0),
                (.delayedDays, (k.perDelayedDay ?? 0) * delayed),
            ]
            var serviceCost = lines[0].1 + lines[1].1
            for (_, cost) in lines.dropFirst(2) { serviceCost += cost }
            totals.byService.append(serviceCost)
            for (line, cost) in lines {
                totals.byLine[lineIndex(line)] += cost
                totals.byPayer[payerIndex(k.payer(line))] += cost
            }
            for m in 0..<months {
                let i = s * months + m
                let delayedInMonth = separatesDelays ? monthlyDelayExact[m] : 0
                var monthly: [(ServiceCosts.Line, Double)] = [
                    (.occupiedDays, k.perOccupiedDay * (monthlyOccupiedDays[i] - delayedInMonth)),
                    (.episodes, k.perEpisode * monthlyEntries[i]),
                    (.fundedPlaces, k.perFundedPlacePerDay * monthlyFundedPlaceDays[i]),
                ]
                if isAcute {
                    monthly.append(
                        (
                            .diversions,
                            k.perDiversion * monthlyDiversions[m] + k.perDayOutOfArea * monthlyOutOfAreaDays[m]
                        ))
                    monthly.append((.delayedDays, (k.perDelayedDay ?? 0) * delayedInMonth))
                }
                for (line, cost) in monthly { totals.monthlyByPayer[payerIndex(k.payer(line))][m] += cost }
            }
        }
        let starts = [c.warmup] + monthEnd.dropLast()
        for scheme in c.schemes {
            let cost = scheme.cost(from: c.warmup, to: c.horizon)
            totals.byScheme.append(cost)
            totals.byLine[lineCount] += cost
            totals.byPayer[payerIndex(scheme.payer)] += cost
            for m in 0..<months {
                totals.monthlyByPayer[payerIndex(scheme.payer)][m] += scheme.cost(from: starts[m], to: monthEnd[m])
            }
        }
        return totals
    }
}
