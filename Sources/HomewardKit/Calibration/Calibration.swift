import Foundation

/// Scenario parameters estimated from real activity (`homeward calibrate`): per cohort the
/// crisis rate and its day-of-week, hour-of-day and month profiles, the length of stay (the
/// best of four laws by AIC), in-hospital mortality and the pathway mix; per service the
/// duration of an episode. Observed delays are fitted too, but only reported: in Homeward
/// delays are an output (they emerge from capacity), not an input.
public struct Calibration: Sendable {
    /// A fitted duration: every family's fit, best (lowest AIC) first, or why there is none.
    public struct Durations: Sendable {
        public var what: String
        public var fits: [DistributionFit]
        /// Values left out as zero or negative (same-minute stays and the like).
        public var droppedNonPositive: Int
        public var failure: String?
        /// Set when every value is the same to within 0.1% (sd / mean below 0.001): a fixed
        /// duration, which no continuous law describes.
        public var fixed: Double?
        public var count: Int

        init(_ what: String, values: [Double]) {
            self.what = what
            let positive = values.filter { $0 > 0 }
            droppedNonPositive = values.count - positive.count
            count = positive.count
            if positive.count >= DistributionFitting.minimumSampleSize {
                let mean = Statistics.mean(positive)
                if Statistics.standardDeviation(positive) < 1e-3 * mean {
                    fixed = mean
                    fits = []
                    failure = nil
                    return
                }
            }
            do {
                fits = try DistributionFitting.fitAll(positive)
                failure = nil
            } catch {
                fits = []
                failure = error.description
            }
        }

        public var best: DistributionFit? { fits.first }
    }

    public struct CohortFit: Sendable {
        public var name: String
        /// Crises seen: admissions not via crisis response, and crisis-response episodes.
        public var admissions: Int
        public var crisisResponseEpisodes: Int
        /// Crises a year implied: crisis-response episodes + admissions / conveyance probability.
        public var crisesPerYear: Double
        public var conveyance: Double
        /// The rate in the form the scenario's cohort uses, with how it was derived.
        public var rate: (key: String, value: Double, explanation: String)?
        public var dayOfWeek: [Double]?
        public var hourOfDay: [Double]?
        public var month: [Double]?
        public var stays: Durations
        public var deaths: Int
        public var closedStays: Int
        /// Shares of each of the scenario's pathways among stays with a pathway.
        public var pathwayMix: [(name: String, share: Double)]
        public var staysWithPathway: Int
        public var delays: Durations
        /// Going home (with no service) followed by a new crisis within 30 and 91 days, among
        /// homecomings with 91 days of the window after them, divided by the conveyance
        /// probability (only conveyed crises are seen).
        public var readmission: (within30: Double, within91: Double, homecomings: Int, seen30: Int, seen91: Int)?
        /// Crises seen that were readmissions (left out of the base rate).
        public var readmissions: Int
    }

    public struct ServiceFit: Sendable {
        public var name: String
        public var durations: Durations
    }

    public var file: String
    public var scenarioFile: String
    public var from: CivilDate
    public var to: CivilDate
    public var spells: Int
    public var cohorts: [CohortFit]
    public var services: [ServiceFit]
    /// Year-to-year variation of all cohorts' first crises together (a `demandVariation`
    /// block), or why it cannot be estimated from this window.
    public var demandVariation: DemandVariationEstimate

    /// Days in the window.
    public var days: Int { to.daysSinceEpoch - from.daysSinceEpoch }

    /// Fits the activity admitted in [from, to) (times in `activity` are days since `origin`).
    public init(
        activity: ActivityFile, scenario: Scenario, scenarioFile: String, origin: CivilDate, from: CivilDate,
        to: CivilDate
    ) {
        file = activity.file
        self.scenarioFile = scenarioFile
        self.from = from
        self.to = to
        let lo = Double(from.daysSinceEpoch - origin.daysSinceEpoch)
        let hi = Double(to.daysSinceEpoch - origin.daysSinceEpoch)
        let windowDays = hi - lo
        let inWindow = activity.spells.filter { $0.admitted >= lo && $0.admitted < hi }
        spells = inWindow.count
        // Which acute spells came from a crisis response that failed (their crisis is that
        // episode's): the patient's spell before ended in a conveyance from crisis response.
        var viaCrisisResponse = Set<Int>()
        // Homecomings by cohort: leaving any service but a care home for home, with 91 days to
        // watch, and how many of them were followed by a crisis within 30 and 91 days.
        let cohortCount = scenario.cohorts.count
        var homecomingsByCohort = [Int](repeating: 0, count: cohortCount)
        var seen30ByCohort = homecomingsByCohort
        var seen91ByCohort = homecomingsByCohort
        activity.forEachPatient { _, ordered in
            for (a, b) in zip(ordered, ordered.dropFirst())
            where scenario.services[a.service].kind == .crisisResponse && a.destination == Int32(scenario.acute)
                && b.service == scenario.acute
            {
                viaCrisisResponse.insert(b.line)
            }
            // A patient counts under the cohort of their first row in the file.
            guard let c = ordered.min(by: { $0.line < $1.line })?.cohort else { return }
            for (k, s) in ordered.enumerated() {
                guard s.destination == Destination.home, scenario.services[s.service].kind != .careHome,
                    let home = s.discharged,
                    home >= lo, home + 91 <= hi
                else { continue }
                homecomingsByCohort[c] += 1
                let next = ordered[(k + 1)...].first {
                    scenario.services[$0.service].kind == .crisisResponse
                        || ($0.service == scenario.acute && !viaCrisisResponse.contains($0.line))
                }
                if let t = next.map({ $0.service == scenario.acute ? $0.arrival : $0.admitted }) {
                    if t - home <= 30 { seen30ByCohort[c] += 1 }
                    if t - home <= 91 { seen91ByCohort[c] += 1 }
                }
            }
        }
        // Exposure: how many of each weekday and of each calendar month's days the window has.
        var weekdayDays = [Double](repeating: 0, count: 7)
        var monthDays = [Double](repeating: 0, count: 12)
        for d in 0..<Int(windowDays) {
            let date = from.adding(days: d)
            weekdayDays[date.isoWeekday - 1] += 1
            monthDays[date.month - 1] += 1
        }

        var firstCrisisTimes: [Double] = []
        cohorts = scenario.cohorts.enumerated().map { c, cohort in
            let acute = inWindow.filter { $0.cohort == c && $0.service == scenario.acute }
            let admissions = acute.filter { !viaCrisisResponse.contains($0.line) }
            let responses = inWindow.filter { $0.cohort == c && scenario.services[$0.service].kind == .crisisResponse }
            // Arrival times of every crisis seen (the front door or crisis response).
            let arrivals = admissions.map(\.arrival) + responses.map(\.admitted)
            let conveyance = cohort.conveyance
            // Readmissions come from the readmission risk, not the base rate.
            let firstAdmissions = admissions.filter { !$0.readmission }.count
            let firstResponses = responses.filter { !$0.readmission }.count
            firstCrisisTimes += admissions.filter { !$0.readmission }.map(\.arrival)
            firstCrisisTimes += responses.filter { !$0.readmission }.map(\.admitted)
            let crises = conveyance > 0 ? Double(firstResponses) + Double(firstAdmissions) / conveyance : .nan
            let perYear = crises / windowDays * 365.25
            var rate: (String, Double, String)?
            let derivation =
                "\(firstAdmissions) admissions not via crisis response and not readmissions / conveyance \(Calibration.number(conveyance)) + \(firstResponses) crisis-response episodes, over \(Int(windowDays)) days = \(Calibration.number(perYear)) crises a year"
            if perYear.isFinite {
                switch cohort.rate {
                case .perYear:
                    rate = ("perYear", perYear, derivation)
                case .perThousandPerYear:
                    let band = scenario.population[cohort.band]
                    if band.people > 0 {
                        rate = (
                            "perThousandPerYear", perYear / (band.people / 1000),
                            derivation
                                + ", per 1,000 of the \(Calibration.number(band.people)) people of band \(band.name) at the scenario's start"
                        )
                    }
                case .perResidentPerYear:
                    // Residents present: the time-average number of the window's days spent in
                    // the care homes whose residents form this cohort, from their spells.
                    let homes = Set(scenario.services.indices.filter { scenario.services[$0].residentCohort == c })
                    let residentDays = activity.spells.filter { homes.contains($0.service) }.reduce(0.0) { sum, s in
                        sum + max(0, min(s.discharged ?? hi, hi) - max(s.admitted, lo))
                    }
                    let initial = scenario.services.filter { $0.residentCohort == c }.reduce(0) {
                        $0 + $1.initialResidents
                    }
                    if residentDays > 0 {
                        let present = residentDays / windowDays
                        rate = (
                            "perResidentPerYear", perYear / present,
                            derivation
                                + ", per resident present (\(Calibration.number(present)) on average, from the care-home spells)"
                        )
                    } else if initial > 0 {
                        rate = (
                            "perResidentPerYear", perYear / Double(initial),
                            derivation
                                + ", per resident of the scenario's \(initial) initial residents (the file has no care-home spells)"
                        )
                    }
                }
            }
            func profile(_ bucket: (Double) -> Int, count: Int, exposure: [Double]) -> [Double]? {
                guard arrivals.count >= 10 * count else { return nil }  // too few to say
                var counts = [Double](repeating: 0, count: count)
                for t in arrivals { counts[bucket(t)] += 1 }
                let rates = zip(counts, exposure).map { $1 > 0 ? $0 / $1 : 0 }
                let mean = rates.reduce(0, +) / Double(count)
                return mean > 0 ? rates.map { $0 / mean } : nil
            }
            let dayOfWeek = profile(
                { origin.adding(days: Int($0.rounded(.down))).isoWeekday - 1 }, count: 7, exposure: weekdayDays)
            let hourOfDay = profile(
                { min(Int(($0 - $0.rounded(.down)) * 24), 23) }, count: 24,
                exposure: Array(repeating: windowDays, count: 24))
            // Months only when every calendar month has at least four weeks in the window.
            let month =
                monthDays.allSatisfy { $0 >= 28 }
                ? profile({ origin.adding(days: Int($0.rounded(.down))).month - 1 }, count: 12, exposure: monthDays)
                : nil

            let closed = acute.filter { $0.discharged != nil }
            let stays = closed.map { ($0.optimised ?? $0.discharged!) - $0.admitted }
            let deaths = closed.filter { $0.destination == Destination.died }.count
            let withPathway = acute.compactMap(\.pathway)
            let mix = scenario.pathways.indices.map { p in
                (
                    scenario.pathways[p].name,
                    withPathway.isEmpty ? 0 : Double(withPathway.filter { $0 == p }.count) / Double(withPathway.count)
                )
            }
            let delays = closed.compactMap { s -> Double? in s.delayedFrom.map { s.discharged! - $0 } }
            let homecomings = homecomingsByCohort[c]
            let seen30 = seen30ByCohort[c]
            let seen91 = seen91ByCohort[c]
            var readmission: (Double, Double, Int, Int, Int)?
            if homecomings >= 20 && conveyance > 0 {
                let p30 = min(1, Double(seen30) / Double(homecomings) / conveyance)
                readmission = (
                    p30, max(p30, min(1, Double(seen91) / Double(homecomings) / conveyance)), homecomings, seen30,
                    seen91
                )
            }
            return CohortFit(
                name: cohort.name, admissions: admissions.count, crisisResponseEpisodes: responses.count,
                crisesPerYear: perYear, conveyance: conveyance,
                rate: rate, dayOfWeek: dayOfWeek, hourOfDay: hourOfDay, month: month,
                stays: Durations(
                    "stays (admission to medically optimised, or to discharge when not recorded)", values: stays),
                deaths: deaths,
                closedStays: closed.count, pathwayMix: mix, staysWithPathway: withPathway.count,
                delays: Durations("delays (delayed_from, or optimised, to discharge)", values: delays),
                readmission: readmission,
                readmissions: admissions.count + responses.count - firstAdmissions - firstResponses)
        }
        demandVariation = DemandVariationEstimate(
            times: firstCrisisTimes, origin: origin, from: from, to: to,
            winterMonths: scenario.demandVariation?.winterMonths ?? DemandVariation.defaultWinterMonths)
        services = scenario.services.enumerated().compactMap { s, service in
            guard [.crisisResponse, .homeReablement, .bedBased, .homeCare].contains(service.kind) else { return nil }
            let durations = inWindow.filter { $0.service == s && $0.discharged != nil }.map {
                ($0.delayedFrom ?? $0.discharged!) - $0.admitted
            }
            return ServiceFit(
                name: service.name,
                durations: Durations("episodes (entry to ready to leave, or to discharge)", values: durations))
        }
    }

    // MARK: The scenario fragment

    /// A number for a scenario file: 6 significant digits, no exponent for ordinary sizes.
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return "null" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        return String(format: "%.6g", x)
    }

    static func json5String(_ s: String) -> String {
        "\""
            + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: " ") + "\""
    }

    static func law(_ d: Distribution) -> String {
        switch d {
        case .exponential(let mean): "{ exponential: { mean: \(number(mean)) } }"
        case .gamma(let shape, let scale): "{ gamma: { shape: \(number(shape)), scale: \(number(scale)) } }"
        case .weibull(let shape, let scale): "{ weibull: { shape: \(number(shape)), scale: \(number(scale)) } }"
        case .lognormal(let mu, let sigma): "{ lognormal: { mu: \(number(mu)), sigma: \(number(sigma)) } }"
        default: "null"
        }
    }

    /// How a duration fit was chosen, for the fragment's comments and `source` notes.
    static func describe(_ d: Durations) -> String {
        if let fixed = d.fixed {
            return "fixed: all \(d.count) \(d.what) last \(number(fixed)) days (sd below 0.1% of the mean)"
        }
        guard let best = d.best else { return "\(d.what): not fitted (\(d.failure ?? "no values"))" }
        let others = d.fits.map { "\($0.family.rawValue) \(number($0.aic))" }.joined(separator: ", ")
        let verdict = best.ksStatistic <= best.ksCriticalValue05 ? "within" : "ABOVE"
        var text =
            "\(best.family.rawValue) by maximum likelihood from \(best.sampleSize) \(d.what); mean \(number(best.mean)) days, sd \(number(best.sd)); "
        text +=
            "AIC \(others); Kolmogorov-Smirnov D \(number(best.ksStatistic)), \(verdict) the 5% critical value \(number(best.ksCriticalValue05))"
        if d.droppedNonPositive > 0 { text += "; \(d.droppedNonPositive) of zero length left out" }
        return text
    }

    /// A JSON5 scenario fragment that extends `base` (a path as the fragment should name it)
    /// with the fitted values; every value says where it came from.
    public func fragment(extends base: String) -> String {
        let period = "\(file), spells admitted \(from) to \(to.adding(days: -1))"
        var out = "// Calibrated by `homeward calibrate` from \(period) (\(spells) spells), against \(scenarioFile).\n"
        out += "// Every value below says where it came from; review before use. Delays are reported, not set:\n"
        out += "// in Homeward they emerge from capacity.\n{\n"
        out += "  extends: \(Self.json5String(base)),\n"
        out += "  cohorts: {\n"
        for c in cohorts {
            var notes: [String] = []
            var fields: [String] = []
            if let rate = c.rate {
                fields.append(
                    "    // crises: \(rate.explanation)\n      crises: { \(rate.key): \(Self.number(rate.value)) },")
                notes.append("crises.\(rate.key) = \(rate.explanation)")
            } else if c.admissions + c.crisisResponseEpisodes > 0 {
                notes.append(
                    "crises not set: the rate cannot be derived (conveyance 0, or no people or residents in the scenario)"
                )
            }
            func list(_ xs: [Double]) -> String {
                "[" + xs.map { Self.number(($0 * 1000).rounded() / 1000) }.joined(separator: ", ") + "]"
            }
            if let d = c.dayOfWeek {
                fields.append(
                    "    // arrivals per day of each weekday (Monday first), normalised to average 1\n      dayOfWeek: \(list(d)),"
                )
                notes.append("dayOfWeek from arrivals per weekday")
            }
            if let h = c.hourOfDay {
                fields.append(
                    "    // arrivals per clock hour (00-01 first), normalised to average 1\n      hourOfDay: \(list(h)),"
                )
                notes.append("hourOfDay from arrivals per clock hour")
            }
            if let m = c.month {
                fields.append(
                    "    // arrivals per day of each calendar month (January first), normalised to average 1\n      month: \(list(m)),"
                )
                notes.append("month from arrivals per day of each calendar month")
            } else {
                notes.append(
                    "month not set: the window does not hold four weeks of every calendar month, so a seasonal profile cannot be told from a trend"
                )
            }
            if let fixed = c.stays.fixed {
                fields.append(
                    "    // \(Self.describe(c.stays))\n      lengthOfStayDays: { fixed: \(Self.number(fixed)) },")
                notes.append("lengthOfStayDays = \(Self.describe(c.stays))")
            } else if let best = c.stays.best {
                fields.append(
                    "    // \(Self.describe(c.stays))\n      lengthOfStayDays: \(Self.law(best.distribution)),")
                notes.append("lengthOfStayDays = \(Self.describe(c.stays))")
            } else {
                notes.append(Self.describe(c.stays))
            }
            if c.closedStays > 0 {
                let m = Double(c.deaths) / Double(c.closedStays)
                fields.append(
                    "    // \(c.deaths) of \(c.closedStays) finished stays ended in death\n      inHospitalMortality: \(Self.number(m)),"
                )
                notes.append("inHospitalMortality = \(c.deaths) deaths / \(c.closedStays) finished stays")
            }
            if c.staysWithPathway > 0 {
                let mix = c.pathwayMix.map { "\(Self.json5String($0.name)): \($0.share == 0 ? "0" : String($0.share))" }
                    .joined(separator: ", ")
                fields.append(
                    "    // shares of the \(c.staysWithPathway) stays with a recorded pathway\n      pathways: { \(mix) },"
                )
                notes.append("pathways = shares of \(c.staysWithPathway) stays with a pathway")
            }
            if let r = c.readmission {
                let text =
                    "\(r.seen30) and \(r.seen91) of \(r.homecomings) homecomings were followed by a crisis within 30 and 91 days, / conveyance \(Self.number(c.conveyance))"
                fields.append(
                    "    // \(text)\n      readmission: { within30Days: \(Self.number(r.within30)), within91Days: \(Self.number(r.within91)) },"
                )
                notes.append("readmission: \(text)")
            }
            if c.delays.best != nil {
                fields.append("    // observed delays (not an input): \(Self.describe(c.delays))")
            }
            guard !fields.isEmpty else { continue }
            out += "    \(Self.json5String(c.name)): {\n"
            out +=
                "      source: \(Self.json5String("homeward calibrate, \(period): " + notes.joined(separator: "; "))),\n"
            for f in fields { out += "  " + f + "\n" }
            out += "    },\n"
        }
        out += "  },\n  services: {\n"
        for s in services {
            if let fixed = s.durations.fixed {
                out += "    \(Self.json5String(s.name)): {\n"
                out +=
                    "      source: \(Self.json5String("homeward calibrate, \(period): durationDays = \(Self.describe(s.durations))")),\n"
                out += "      durationDays: { fixed: \(Self.number(fixed)) },\n    },\n"
                continue
            }
            guard let best = s.durations.best else {
                out += "    // \(s.name): \(Self.describe(s.durations))\n"
                continue
            }
            out += "    \(Self.json5String(s.name)): {\n"
            out +=
                "      source: \(Self.json5String("homeward calibrate, \(period): durationDays = \(Self.describe(s.durations))")),\n"
            out += "      durationDays: \(Self.law(best.distribution)),\n"
            out += "    },\n"
        }
        out += "  },\n"
        out += demandVariationFragment(period: period)
        out += "}\n"
        return out
    }

    /// The fragment's `demandVariation` block, or a comment saying why there is none.
    func demandVariationFragment(period: String) -> String {
        let d = demandVariation
        let months = "[" + d.winterMonths.map(String.init).joined(separator: ", ") + "]"
        guard let level = d.annualLevelCV, let winter = d.winterSeverityCV, let se = d.standardErrors else {
            return "  // demandVariation not estimated: \(d.failure ?? "")\n"
        }
        let note =
            "homeward calibrate, \(period): method of moments on the extra-Poisson variance of first crises (all cohorts) about a straight-line trend, "
            + "\(d.years) whole years outside the winter months \(months) and \(d.winters) winters; "
            + "level CV^2 \(Self.number(level * level)) (standard error \(Self.number(se.levelCV2))), "
            + "winter total CV^2 \(Self.number((1 + level * level) * (1 + winter * winter) - 1)) (standard error \(Self.number(se.winterTotalCV2))); "
            + "with few years these are rough (see docs/model.md, Years that differ)"
        var out =
            "  // years that differ beyond chance, from \(d.years) years and \(d.winters) winters of first crises\n"
        out += "  demandVariation: {\n"
        out += "    source: \(Self.json5String(note)),\n"
        out += "    // extra-Poisson variation of each year's count outside winter, about a straight line\n"
        out += "    annualLevelCV: \(Self.number(level)),\n"
        out += "    // extra-Poisson variation of each winter's count, the level's share removed\n"
        out += "    winterSeverityCV: \(Self.number(winter)),\n"
        out += "    // the months counted as winter\n"
        out += "    winterMonths: \(months),\n"
        out += "  },\n"
        return out
    }
}
