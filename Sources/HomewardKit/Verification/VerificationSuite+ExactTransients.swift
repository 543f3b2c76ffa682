import Foundation

extension VerificationSuite {
    /// The margin of the cases whose theory is an exact transient from an empty start over the
    /// simulated period itself (no finite-horizon or warm-up effect to allow for): only the
    /// numerical error of the solution, below 1 in 10^5 (the tests halve the step).
    static let exactMargin = 0.001

    /// Readmission windows against the exact renewal counts (`ReadmissionRenewal`).
    static func readmissionChecks(_ s: Scenario, replications: Int, threads: Int) throws -> [Check] {
        let cohort = s.cohorts[0]
        guard s.cohorts.count == 1, case .perYear(let perYear) = cohort.rate, s.warmupDays == 0,
            case .fixed(let stay) = cohort.lengthOfStay, stay >= 1.0 / 24, cohort.conveyance == 1,
            cohort.inHospitalMortality == 0, cohort.sinusoid == nil,
            !s.services.contains(where: { $0.kind == .crisisResponse })
        else {
            throw VerificationError.unsupported(
                "readmission-windows: needs one cohort with a perYear rate, a fixed stay of at least an hour, "
                    + "conveyance 1, no deaths, no warm-up and no crisis response")
        }
        let exact = ReadmissionRenewal(
            arrivalRate: perYear / 365.25, stay: stay, within30: cohort.readmissionWithin30,
            within91: cohort.readmissionWithin91
        ).expected(from: 0, to: Double(s.days))
        let runs = replicate(s, replications, threads)
        return [
            check(
                s.name, "admissions (renewal equation)", exact.admissions,
                runs.map { $0.metrics[.nelAdmissions] ?? .nan }, margin: exactMargin),
            check(
                s.name, "readmissions within 30 days", exact.within30,
                runs.map { $0.metrics[.readmissions] ?? .nan }, margin: exactMargin),
            check(
                s.name, "readmissions within 91 days", exact.within91,
                runs.map { $0.metrics[.readmissions91] ?? .nan }, margin: exactMargin),
            // Those after 30 days alone, where a window's last day weighs most.
            check(
                s.name, "readmissions after 30 and within 91 days", exact.within91 - exact.within30,
                runs.map { ($0.metrics[.readmissions91] ?? .nan) - ($0.metrics[.readmissions] ?? .nan) },
                margin: exactMargin),
        ]
    }

    /// A crisis-response service with few teams and overnight hours against the exact
    /// hour-by-hour Markov chain (`OpenHoursLossChain`): hour by hour, the rate at which crises
    /// are taken is the cohort's rate (perYear / 365.25 x weekday weight x hour weight) times the
    /// suitable share when the service is open (judged at the middle of the hour, as the hours
    /// are whole), 0 when it is closed.
    static func crisisResponseHoursChecks(_ s: Scenario, replications: Int, threads: Int) throws -> [Check] {
        let cohort = s.cohorts[0]
        guard s.cohorts.count == 1, case .perYear(let perYear) = cohort.rate, s.warmupDays == 0,
            cohort.sinusoid == nil, cohort.month.allSatisfy({ $0 == cohort.month[0] }),
            let r = s.services.firstIndex(where: { $0.kind == .crisisResponse }),
            case .exponential(let mean) = s.services[r].duration, s.services[r].capacity.changes.isEmpty,
            s.services.filter({ $0.kind == .crisisResponse }).count == 1
        else {
            throw VerificationError.unsupported(
                "crisis-response-overnight: needs one cohort with a perYear rate, no warm-up or yearly cycle, "
                    + "and one crisis-response service with a fixed capacity and exponential episodes")
        }
        let service = s.services[r]
        let calendar = ReferenceCalendar(origin: s.origin, days: s.days, bankHolidays: s.working.bankHolidays)
        let taken = (0..<(s.days * 24)).map { k -> Double in
            let weekday = calendar.weekday[k / 24]
            let rate = perYear / 365.25 * cohort.month[0] * cohort.dayOfWeek[weekday - 1] * cohort.hourOfDay[k % 24]
            return calendar.isOpen((Double(k) + 0.5) / 24, service.hours.window) ? rate * service.eligibility[0] : 0
        }
        let exact = OpenHoursLossChain(servers: service.capacity.initial, meanDuration: mean, taken: taken).solve()
        let runs = replicate(s, replications, threads)
        let c = service.capacity.initial
        return [
            check(
                s.name, "crises taken by \(c) teams (Kolmogorov equations)", exact.crisesTaken,
                runs.map { $0.metrics[.serviceAdmissions, service.name] ?? .nan }, margin: exactMargin),
            check(
                s.name, "mean teams busy", exact.meanBusy,
                runs.map { $0.metrics[.serviceOccupancyMean, service.name] ?? .nan }, margin: exactMargin),
            check(
                s.name, "admissions avoided (taken x success \(format(service.successRate)))",
                exact.crisesTaken * service.successRate, runs.map { $0.metrics[.admissionsAvoided] ?? .nan },
                margin: exactMargin),
        ]
    }

    /// A rate per 1,000 people of a growing band with a trend, against its exact integral. The
    /// band grows from `start` (people x (1 + growth)^((t - warm-up) / 365.25)) and the trend
    /// runs from time 0 ((1 + trend)^(t / 365.25)), so the rate is A e^(kt) with
    /// k = (ln(1 + growth) + ln(1 + trend)) / 365.25, and its integral over the measured period
    /// is A (e^(k end) - e^(k begin)) / k.
    static func demandGrowthChecks(_ s: Scenario, replications: Int, threads: Int) throws -> [Check] {
        let cohort = s.cohorts[0]
        guard s.cohorts.count == 1, case .perThousandPerYear(let perThousand) = cohort.rate,
            s.population.indices.contains(cohort.band), cohort.sinusoid == nil, s.demandVariation == nil,
            [cohort.dayOfWeek, cohort.hourOfDay, cohort.month].allSatisfy({ w in w.allSatisfy { $0 == w[0] } })
        else {
            throw VerificationError.unsupported(
                "demand-growth: needs one cohort with a perThousandPerYear rate and flat weekly, daily and yearly profiles"
            )
        }
        let band = s.population[cohort.band]
        let year = 365.25
        let warmup = Double(s.warmupDays)
        let k = (log(1 + band.annualGrowth) + log(1 + cohort.trendPerYear)) / year
        let a = perThousand * band.people / 1000 / year * pow(1 + band.annualGrowth, -warmup / year)
        let (begin, end) = (warmup, warmup + Double(s.days))
        let crises = k == 0 ? a * (end - begin) : a * (exp(k * end) - exp(k * begin)) / k
        let runs = replicate(s, replications, threads)
        return [
            check(
                s.name, "crises (integral of the growing, declining rate)", crises,
                runs.map { $0.metrics[.crises] ?? .nan }, margin: exactMargin)
        ]
    }
}

extension VerificationSuite {
    /// A service started from a census, against M/G/infinity with an equilibrium start: the
    /// census patients leave as the equilibrium residual R (`equilibriumCDF`) and the new ones,
    /// arriving at the acute rate (for a downstream service from the end of the fixed acute stay
    /// D; for the acute hospital itself at once, D = 0), as fresh stays. The mean occupancy over
    /// [0, T] is (1/T) [N integral_0^T P(R > t) dt + lambda integral_0^(T-D) (T - D - v) P(X > v) dv],
    /// both integrals by Simpson's rule.
    static func censusChecks(_ s: Scenario, replications: Int, threads: Int) throws -> [Check] {
        let cohort = s.cohorts[0]
        guard s.cohorts.count == 1, case .perYear(let perYear) = cohort.rate, s.warmupDays == 0,
            cohort.inHospitalMortality == 0, cohort.conveyance == 1, s.pathways.count == 1,
            !s.pathways[0].needsAssessment, s.pathways[0].equipmentProbability == 0, s.census.count == 1,
            s.census[0].delayedOnPathway == nil, s.working.hours.from == 0, s.working.hours.to == 24,
            s.working.sevenDayDischarge, s.working.simpleDischargeHours.from == 0,
            s.working.simpleDischargeHours.to == 24, s.working.simpleDischargeHours.allDays
        else {
            throw VerificationError.unsupported(
                "census: needs one cohort, one pathway without assessment or equipment, one census entry, "
                    + "and discharge round the clock")
        }
        let target = s.census[0].service
        let destinations = s.pathways[0].destinations
        let stays: Distribution
        let delay: Double
        if target == s.acute, destinations.isEmpty {
            (stays, delay) = (cohort.lengthOfStay, 0)
        } else if destinations.count == 1, destinations[0].service == target,
            case .fixed(let acuteStay) = cohort.lengthOfStay, let duration = s.services[target].duration
        {
            (stays, delay) = (duration, acuteStay)
        } else {
            throw VerificationError.unsupported(
                "census: the census is on the acute hospital, whose patients then go home, or on the one "
                    + "service the pathway goes to after a fixed acute stay")
        }
        let service = s.services[target]
        let lambda = perYear / 365.25
        let n = Double(s.census[0].patients)
        let end = Double(s.days)
        func simpson(_ a: Double, _ b: Double, _ f: (Double) -> Double) -> Double {
            let steps = 4000
            let h = (b - a) / Double(steps)
            var total = f(a) + f(b)
            for i in 1..<steps { total += f(a + Double(i) * h) * (i % 2 == 1 ? 4 : 2) }
            return total * h / 3
        }
        let census = n * simpson(0, end) { 1 - stays.equilibriumCDF(at: $0) }
        let arrivals = lambda * simpson(0, end - delay) { (end - delay - $0) * stays.survival($0) }
        let runs = replicate(s, replications, threads)
        return [
            check(
                s.name, "mean \(service.name) occupied (census leaving as equilibrium stays)",
                (census + arrivals) / end,
                runs.map { $0.metrics[.serviceOccupancyMean, service.name] ?? .nan })
        ]
    }
}

extension VerificationSuite {
    /// The 91-day follow-up of reablement against exact values. Discharges are instant and
    /// at a constant rate, so the follow-ups counted (discharges in the measured period whose
    /// 91 days end within the run) are rate x share x (days - 91). With no readmissions, a client
    /// of home-based reablement whose only outcome is death is at home at 91 days when still in
    /// it, P(duration > 91); one of a bed-based service whose only outcome is going home
    /// independent is at home when it has ended, P(duration <= 91).
    static func followUpChecks(_ s: Scenario, replications: Int, threads: Int) throws -> [Check] {
        let cohort = s.cohorts[0]
        let band = s.population[cohort.band]
        guard s.cohorts.count == 1, case .perYear(let perYear) = cohort.rate, band.minimumAge >= 65,
            case .fixed(let stay) = cohort.lengthOfStay, Double(s.warmupDays) >= stay, s.days > 91,
            cohort.inHospitalMortality == 0, cohort.conveyance == 1, cohort.readmissionWithin91 == 0,
            s.working.hours.from == 0, s.working.hours.to == 24, s.working.sevenDayDischarge
        else {
            throw VerificationError.unsupported(
                "reablement-follow-up: needs one 65+ cohort with fixed stays, no deaths in hospital or "
                    + "readmissions, and discharges round the clock")
        }
        var followed = 0.0
        var atHome = 0.0
        for (k, share) in cohort.pathwayMix.enumerated() where share > 0 {
            let pathway = s.pathways[k]
            guard pathway.destinations.count == 1, !pathway.needsAssessment, pathway.equipmentProbability == 0 else {
                throw VerificationError.unsupported("reablement-follow-up: each pathway goes straight to one service")
            }
            let service = s.services[pathway.destinations[0].service]
            guard service.countsAsReablement else { continue }
            guard let d = service.duration, service.outcomes.count == 1 else {
                throw VerificationError.unsupported("reablement-follow-up: each service has one outcome")
            }
            switch (service.kind, service.outcomes[0].outcome) {
            case (.homeReablement, .died): atHome += share * d.survival(91)
            case (.bedBased, .independent): atHome += share * (1 - d.survival(91))
            default:
                throw VerificationError.unsupported(
                    "reablement-follow-up: home reablement must end in death and beds in going home")
            }
            followed += share
        }
        let rate = perYear / 365.25
        let runs = replicate(s, replications, threads)
        return [
            check(
                s.name, "follow-ups of discharges into reablement", rate * followed * Double(s.days - 91),
                runs.map { $0.metrics[.reablementFollowUps65] ?? .nan }, margin: exactMargin),
            check(
                s.name, "share at home 91 days later", atHome / followed,
                runs.map { $0.metrics[.reablementAtHome91Rate] ?? .nan }, margin: exactMargin),
        ]
    }
}

extension VerificationSuite {
    /// Counts the crises of a replication (the whole run is measured).
    struct CrisisCount: EventSink {
        var crises = 0
        mutating func append(_ e: Event) { if e.kind == .crisis { crises += 1 } }
    }

    /// The coverage of the reported 95% interval of a count's mean: `experiments` experiments
    /// of the scenario's replications each, the interval built as the results files build it
    /// for a count (`ConfidenceInterval(values:bounds:)`), checked against the exact mean (the
    /// integral of a constant rate). The measured coverage is a share of `experiments`
    /// independent trials, so the check is that 0.95 lies in its 99% interval, widened by 1% of
    /// 0.95: the nominal level is itself approximate for 10 replications of a small count (the
    /// intervals cover about 94.2%, measured over 4,000 experiments), while the faults it is
    /// there for cost several points (90% for the one-sided quantile, 92% for the normal one).
    static func intervalCoverageChecks(_ s: Scenario, experiments: Int, threads: Int) throws -> [Check] {
        let cohort = s.cohorts[0]
        guard s.cohorts.count == 1, case .perYear(let perYear) = cohort.rate, s.warmupDays == 0,
            cohort.sinusoid == nil, s.demandVariation == nil,
            [cohort.dayOfWeek, cohort.hourOfDay, cohort.month].allSatisfy({ w in w.allSatisfy { $0 == w[0] } }),
            !s.services.contains(where: { $0.kind == .crisisResponse }), cohort.readmissionWithin91 == 0
        else {
            throw VerificationError.unsupported(
                "interval-coverage: needs one cohort with a constant perYear rate and no readmissions")
        }
        let exact = perYear / 365.25 * Double(s.days)
        let n = s.replications
        let slots = ResultSlots<Double>(count: n * experiments)
        Runner.parallelFor(count: n * experiments, threads: threads) { rep in
            var sim = Simulation(scenario: s, seed: s.seed, replication: rep, sink: CrisisCount())
            sim.run()
            slots.set(rep, Double(sim.sink.crises))
        }
        let counts = slots.allValues
        // The interval of a count (skewness-corrected, as in the results files) and the Student
        // t interval (as for unbounded metrics and the paired differences of `compare`).
        func coverage(_ interval: ([Double]) -> ConfidenceInterval) -> [Double] {
            (0..<experiments).map { k -> Double in
                let ci = interval(Array(counts[(k * n)..<((k + 1) * n)]))
                return ci.low <= exact && exact <= ci.high ? 1 : 0
            }
        }
        let measure = "of \(experiments) intervals (\(n) replications each) containing \(format(exact))"
        return [
            check(
                s.name, "share " + measure + ", for a count", 0.95,
                coverage { ConfidenceInterval(values: $0, bounds: .count) }, margin: 0.01),
            check(
                s.name, "share " + measure + ", Student t", 0.95, coverage { ConfidenceInterval(values: $0) },
                margin: 0.01),
            // The intervals' width rests on the sample variance, unbiased with n - 1: its mean
            // over the experiments is the Poisson variance, the mean itself.
            check(
                s.name, "mean sample variance of the \(experiments) experiments (Poisson: the mean)", exact,
                (0..<experiments).map { k in Statistics.sampleVariance(Array(counts[(k * n)..<((k + 1) * n)])) },
                margin: exactMargin),
        ] + planningRangeChecks(s.name, counts, mean: exact)
    }

    /// The planning range of the same counts, taken 10 at a time (the fewest replications whose
    /// range shows its tails): each group's P10, median and P90, averaged over the groups,
    /// against the exact expectation of the type 7 quantile of 10 Poisson values
    /// (`OrderStatistics`). The mean of many groups is exact in expectation, so the margin is
    /// the exact one.
    static func planningRangeChecks(_ name: String, _ counts: [Double], mean: Double) -> [Check] {
        let n = PlanningRange.minimumReplications
        let experiments = counts.count / n
        let ranges = (0..<experiments).map { k in PlanningRange(values: Array(counts[(k * n)..<((k + 1) * n)])) }
        let cdf = OrderStatistics.poissonCDF(mean: mean)
        return [(0.1, "P10", \PlanningRange.p10), (0.5, "median", \.median), (0.9, "P90", \.p90)].map { p, label, end in
            check(
                name,
                "mean \(label) of the \(experiments) planning ranges (type 7 of \(n) Poisson(\(format(mean))) values)",
                OrderStatistics.expectedTypeSevenQuantile(p, of: n, cdf: cdf), ranges.map { $0[keyPath: end] },
                margin: exactMargin)
        }
    }
}

extension VerificationSuite {
    /// The care home of a care-home case: the only one, its residents without crises of their
    /// own, admitting round the clock; nil when the case is not like that.
    static func soleCareHome(_ s: Scenario) -> Int? {
        guard let h = s.services.firstIndex(where: { $0.kind == .careHome }),
            s.services.filter({ $0.kind == .careHome }).count == 1,
            s.cohorts.allSatisfy({ if case .perResidentPerYear(0) = $0.rate { true } else { false } }),
            s.working.hours.from == 0, s.working.hours.to == 24, s.working.sevenDayDischarge
        else { return nil }
        return h
    }

    /// A care home fed by community referrals only, as M/M/c: residents die at the constant rate
    /// `annualMortality` a year, referrals come at `communityAdmissionsPerYear` and wait first
    /// come, first served. With a = lambda / mu < c, every referral is admitted: admissions are
    /// lambda T, residents present average a, and the mean wait is Erlang C(c, a) / (c mu - lambda).
    static func careHomeChecks(_ s: Scenario, replications: Int, threads: Int) throws -> [Check] {
        guard let h = soleCareHome(s), s.services[h].annualMortality > 0, s.services[h].communityAdmissionsPerYear > 0,
            s.services[h].capacity.changes.isEmpty, s.census.isEmpty
        else {
            throw VerificationError.unsupported(
                "care-home-queue: needs one care home with mortality and community referrals, residents "
                    + "without crises, and admissions round the clock")
        }
        let home = s.services[h]
        let (mu, lambda) = (home.annualMortality, home.communityAdmissionsPerYear)
        let c = home.capacity.initial
        let a = lambda / mu
        let wait = QueueingTheory.mmcMeanWait(arrivalRate: lambda, meanService: 1 / mu, servers: c) * 365.25
        let runs = replicate(s, replications, threads)
        return [
            check(
                s.name, "admissions (lambda T)", lambda / 365.25 * Double(s.days),
                runs.map { $0.metrics[.serviceAdmissions, home.name] ?? .nan }),
            check(
                s.name, "residents present (a = lambda / mu)", a,
                runs.map { $0.metrics[.serviceOccupancyMean, home.name] ?? .nan }),
            check(
                s.name, "mean wait for a bed, days (M/M/\(c) Wq)", wait,
                runs.map { $0.metrics[.serviceMeanWaitDays, home.name] ?? .nan }),
        ]
    }
}

extension VerificationSuite {
    /// The mean of a duration as the scenario file gives it (`durationDays: {kind: {...}}`),
    /// computed from the file's numbers by the textbook formula, not by `Distribution`; nil for
    /// a kind or form this case does not use.
    static func fileMean(_ duration: JSONValue?) -> Double? {
        guard case .object(let o)? = duration, let kind = o.keys.first, case .object(let p)? = o[kind] else {
            return nil
        }
        func n(_ key: String) -> Double? { if case .number(let x)? = p[key] { x } else { nil } }
        switch kind {
        case "exponential", "erlang", "lognormal": return n("mean")
        case "gamma": return n("mean") ?? n("shape").flatMap { k in n("scale").map { k * $0 } }
        case "weibull": return n("shape").flatMap { k in n("scale").map { $0 * tgamma(1 + 1 / k) } }
        case "triangular": return n("min").flatMap { a in n("mode").flatMap { c in n("max").map { (a + c + $0) / 3 } } }
        case "uniform": return n("min").flatMap { a in n("max").map { (a + $0) / 2 } }
        default: return nil
        }
    }

    /// Each downstream service fed straight from an uncapacitated hospital holds, once settled,
    /// its arrival rate times the mean stay the file gives (M/G/infinity).
    static func stayDistributionChecks(_ loaded: LoadedScenario, replications: Int, threads: Int) throws -> [Check] {
        let s = loaded.scenario
        guard case .object(let top) = loaded.merged, case .object(let services)? = top["services"] else {
            throw VerificationError.unsupported("stay-distributions: cannot read the file's services")
        }
        var rate = [Double](repeating: 0, count: s.services.count)
        for cohort in s.cohorts {
            guard case .perYear(let perYear) = cohort.rate, cohort.inHospitalMortality == 0 else {
                throw VerificationError.unsupported("stay-distributions: every cohort has a perYear rate, no deaths")
            }
            for (k, share) in cohort.pathwayMix.enumerated() {
                for (service, q) in s.pathways[k].destinations { rate[service] += perYear / 365.25 * share * q }
            }
        }
        let runs = replicate(s, replications, threads)
        return try s.services.indices.filter { rate[$0] > 0 }.map { k in
            let name = s.services[k].name
            guard case .object(let service)? = services[name], let mean = fileMean(service["durationDays"]) else {
                throw VerificationError.unsupported("stay-distributions: \(name) needs a durationDays of a known kind")
            }
            return check(
                s.name, "\(name): occupancy = lambda x mean stay (\(format(mean)) days)", rate[k] * mean,
                runs.map { $0.metrics[.serviceOccupancyMean, name] ?? .nan })
        }
    }
}

extension VerificationSuite {
    /// A care home that opens on day D of a capacity calendar (no places before, more than will
    /// ever be needed after), fed by Poisson community referrals at lambda a day that wait
    /// first come, first served; residents die at mu a day. Given their number the referral
    /// times are uniform on [0, T], so exactly: admissions lambda T, mean wait D^2 / 2T, and
    /// mean residents (1/T) [a (T - D) + (lambda D - a)(1 - exp(-mu (T - D))) / mu], a = lambda / mu.
    static func capacityOpeningChecks(_ s: Scenario, replications: Int, threads: Int) throws -> [Check] {
        guard let h = soleCareHome(s), s.warmupDays == 0, s.census.isEmpty, s.services[h].initialResidents == 0,
            s.services[h].capacity.initial == 0, s.services[h].capacity.changes.count == 1
        else {
            throw VerificationError.unsupported(
                "capacity-opening: needs one care home without places or residents at the start and one "
                    + "capacity change, residents without crises, and admissions round the clock")
        }
        let home = s.services[h]
        let lambda = home.communityAdmissionsPerYear / 365.25
        let mu = home.annualMortality / 365.25
        let a = lambda / mu
        let (d, places) = (Double(home.capacity.changes[0].day), home.capacity.changes[0].capacity)
        let t = Double(s.days)
        // The places must never run out (else the mean wait is not D^2 / 2T): the residents
        // at the opening, lambda D, are Poisson, and so stay far below `places`.
        guard d > 0, d < t, Double(places) > max(lambda * d, a) + 10 * max(lambda * d, a).squareRoot() else {
            throw VerificationError.unsupported(
                "capacity-opening: the opening must fall inside the run, with places to spare")
        }
        let residents = (a * (t - d) + (lambda * d - a) * (1 - exp(-mu * (t - d))) / mu) / t
        let runs = replicate(s, replications, threads)
        return [
            check(
                s.name, "admissions (lambda T)", lambda * t,
                runs.map { $0.metrics[.serviceAdmissions, home.name] ?? .nan }, margin: exactMargin),
            check(
                s.name, "mean wait, days (D^2 / 2T, opening on day \(format(d)))", d * d / (2 * t),
                runs.map { $0.metrics[.serviceMeanWaitDays, home.name] ?? .nan }, margin: exactMargin),
            check(
                s.name, "mean residents (those admitted at the opening dying away)", residents,
                runs.map { $0.metrics[.serviceOccupancyMean, home.name] ?? .nan }, margin: exactMargin),
        ]
    }
}

extension VerificationSuite {
    /// Care-home admissions by source against exact counts (`care-home-sources.json5`):
    /// crises at lambda a day, fixed acute stays D, discharge at once; the share of the pathway
    /// that goes straight to the care home arrives from hospital over [D, T], the share sent to
    /// a service of fixed duration L that ends in the care home with probability q arrives from
    /// intermediate care over [D + L, T], and community referrals over [0, T].
    static func careHomeSourceChecks(_ s: Scenario, replications: Int, threads: Int) throws -> [Check] {
        let patients = s.cohorts.filter { if case .perYear = $0.rate { true } else { false } }
        guard patients.count == 1, let cohort = patients.first, case .perYear(let perYear) = cohort.rate,
            case .fixed(let stay) = cohort.lengthOfStay, cohort.inHospitalMortality == 0, cohort.conveyance == 1,
            cohort.readmissionWithin91 == 0, s.warmupDays == 0, s.census.isEmpty,
            let h = s.services.firstIndex(where: { $0.kind == .careHome }),
            s.services.filter({ $0.kind == .careHome }).count == 1, s.services[h].initialResidents == 0,
            s.services.allSatisfy({ $0.capacity.initial >= 10_000 && $0.capacity.changes.isEmpty }),
            s.pathways.allSatisfy({ !$0.needsAssessment && $0.equipmentProbability == 0 }),
            s.working.hours.from == 0, s.working.hours.to == 24, s.working.sevenDayDischarge
        else {
            throw VerificationError.unsupported(
                "care-home-sources: needs one cohort with fixed stays and no readmissions, one care home, "
                    + "places never short, no assessment or equipment, and discharge round the clock")
        }
        let lambda = perYear / 365.25
        let t = Double(s.days)
        var fromHospital = 0.0
        var fromIntermediateCare = 0.0
        for (k, share) in cohort.pathwayMix.enumerated() where share > 0 {
            for (service, destinationShare) in s.pathways[k].destinations {
                let flow = lambda * share * destinationShare
                if service == h {
                    fromHospital += flow * max(0, t - stay)
                    continue
                }
                guard case .fixed(let length)? = s.services[service].duration else {
                    throw VerificationError.unsupported("care-home-sources: intermediate care needs fixed durations")
                }
                let toHome = s.services[service].outcomes.filter { $0.outcome == .careHome && $0.next == h }
                    .reduce(0) { $0 + $1.probability }
                fromIntermediateCare += flow * toHome * max(0, t - stay - length)
            }
        }
        let community = s.services[h].communityAdmissionsPerYear / 365.25 * t
        let runs = replicate(s, replications, threads)
        func counted(_ member: String) -> [Double] {
            runs.map { $0.metrics[.permanentCareHomeAdmissionsBySource, member] ?? .nan }
        }
        return [
            check(s.name, "admissions from hospital", fromHospital, counted("hospital"), margin: exactMargin),
            check(
                s.name, "admissions from intermediate care", fromIntermediateCare, counted("intermediateCare"),
                margin: exactMargin),
            check(s.name, "admissions from the community", community, counted("community"), margin: exactMargin),
            check(
                s.name, "admissions in all", fromHospital + fromIntermediateCare + community,
                runs.map { $0.metrics[.permanentCareHomeAdmissions] ?? .nan }, margin: exactMargin),
        ]
    }
}
