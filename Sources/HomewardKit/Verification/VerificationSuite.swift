import Foundation

/// `homeward verify`: cases whose exact answers are known, run and compared with theory.
///
/// Every case is an ordinary scenario file (Scenarios/verification/ and the baseline), and every
/// theory value is computed from that file's numbers, never typed in. A statistical check passes
/// when the theory lies inside the simulation's 99% confidence interval across replications,
/// widened by `margin` (2%) of the theory value for the finite-horizon and warm-up effects (by
/// `exactMargin`, 0.1%, for the cases whose theory is the exact transient of the simulated
/// period itself). The
/// seeds are fixed, so the verdicts are deterministic.
public enum VerificationSuite {
    public struct Check: Sendable {
        public var caseName: String
        public var measure: String
        public var theory: Double
        public var simulated: ConfidenceInterval
        public var passed: Bool
        public var note: String
    }

    public static let margin = 0.02
    public static let level = 0.99

    /// Runs the suite on the scenario files under `scenarios` (the repository's Scenarios/).
    /// `full` runs four times as many replications as the quick mode.
    public static func run(scenarios: String, full: Bool, threads: Int, progress: (String) -> Void = { _ in }) throws
        -> [Check]
    {
        var checks: [Check] = []
        let dir = scenarios + "/verification"
        func load(_ name: String) throws -> Scenario { try ScenarioLoader.load(path: dir + "/" + name).scenario }
        func reps(_ s: Scenario) -> Int { s.replications * (full ? 4 : 1) }
        // The cases whose checks need only the scenario, its replications and the threads.
        func each(_ files: [String], _ cases: (Scenario, Int, Int) throws -> [Check]) throws {
            for file in files {
                let s = try load(file)
                progress(s.name)
                checks += try cases(s, reps(s), threads)
            }
        }

        for file in ["erlang-b.json5", "erlang-b-lognormal.json5"] {
            let s = try load(file)
            progress(s.name)
            let (lambda, meanStay) = try arrivalsAndStay(s)
            let c = s.services[s.acute].capacity.initial
            let theory = QueueingTheory.erlangB(servers: c, offeredLoad: lambda * meanStay)
            let runs = replicate(s, reps(s), threads)
            let loss = runs.map { ($0.metrics[.diversions] ?? .nan) / ($0.metrics[.nelAdmissions] ?? .nan) }
            checks.append(check(s.name, "share diverted = Erlang B(\(c), \(format(lambda * meanStay)))", theory, loss))
            // The midnight census: pi_k = (a^k / k!) / sum over j <= c of a^j / j!.
            var pi = [1.0]
            for k in 1...c { pi.append(pi[k - 1] * lambda * meanStay / Double(k)) }
            let total = pi.reduce(0, +)
            pi = pi.map { $0 / total }
            func above(_ share: Double) -> Double {
                pi.indices.filter { Double($0) > share * Double(c) }.reduce(0) { $0 + pi[$1] }
            }
            let days = Double(s.days)
            checks.append(
                check(
                    s.name, "mean midnight census = a(1 - B)", pi.indices.reduce(0) { $0 + Double($1) * pi[$1] },
                    runs.map { $0.metrics[.acuteOccupancyMean] ?? .nan }))
            checks.append(
                check(
                    s.name, "days above 92% of \(c) beds (census above \(format(0.92 * Double(c))))",
                    days * above(0.92), runs.map { $0.metrics[.acuteDaysAbove92Percent] ?? .nan }))
            // Admissions per 1,000 people a year: the file's rate over its population.
            let people = s.population.reduce(0) { $0 + $1.people }
            checks.append(
                check(
                    s.name, "admissions per 1,000 people a year (\(format(people)) people)",
                    lambda * 365.25 / (people / 1000), runs.map { $0.metrics[.nelAdmissionsPer1000PerYear] ?? .nan }))
        }

        do {
            let s = try load("erlang-c.json5")
            progress(s.name)
            let (lambda, meanStay) = try arrivalsAndStay(s)
            let c = s.services[s.acute].capacity.initial
            let a = lambda * meanStay
            let runs = replicate(s, reps(s), threads)
            checks.append(
                check(
                    s.name, "mean ED wait, hours (M/M/\(c) Wq)",
                    QueueingTheory.mmcMeanWait(arrivalRate: lambda, meanService: meanStay, servers: c) * 24,
                    runs.map { $0.metrics["edWaitHours"] ?? .nan }))
            checks.append(
                check(
                    s.name, "share who wait = Erlang C(\(c), \(format(a)))",
                    QueueingTheory.erlangC(servers: c, offeredLoad: a),
                    runs.map { Double($0.counts.edWaits) / Double($0.counts.conveyances) }))
            // Waits over four hours: P(W > t) = C(c, a) exp(-(c mu - lambda) t), t in days.
            let hours = 4.0
            checks.append(
                check(
                    s.name, "share waiting over \(format(hours)) h = C(c, a) exp(-(c mu - lambda) t)",
                    QueueingTheory.erlangC(servers: c, offeredLoad: a)
                        * exp(-(Double(c) / meanStay - lambda) * hours / 24),
                    runs.map { ($0.metrics[.edWaitsOver4Hours] ?? .nan) / Double($0.counts.conveyances) }))
        }

        do {
            let s = try load("mmc-patience.json5")
            progress(s.name)
            let (lambda, meanStay) = try arrivalsAndStay(s)
            let acute = s.services[s.acute]
            guard let hours = acute.divertAfterHours, acute.capacity.changes.isEmpty else {
                throw VerificationError.unsupported("mmc-patience: the acute service needs divertAfterHours")
            }
            let c = acute.capacity.initial
            let exact = QueueingTheory.mmcDeterministicPatience(
                servers: c, arrivalRate: lambda, meanService: meanStay, patience: hours / 24)
            let runs = replicate(s, reps(s), threads)
            checks.append(
                check(
                    s.name, "share diverted after \(format(hours)) h (M/M/\(c)+D, P(V > tau))", exact.abandonment,
                    runs.map { ($0.metrics[.diversions] ?? .nan) / ($0.metrics[.nelAdmissions] ?? .nan) }))
            checks.append(
                check(
                    s.name, "share who wait (P(V > 0))", exact.wait,
                    runs.map { Double($0.counts.edWaits) / Double($0.counts.conveyances) }))
        }

        do {
            let s = try load("mmck-waiting-room.json5")
            progress(s.name)
            let (lambda, meanStay) = try arrivalsAndStay(s)
            let acute = s.services[s.acute]
            let c = acute.capacity.initial
            guard let room = acute.edWaitingRoom else {
                throw VerificationError.unsupported("mmck-waiting-room: the acute service needs edWaitingRoom")
            }
            let exact = QueueingTheory.mmcK(servers: c, waitingRoom: room, offeredLoad: lambda * meanStay)
            let runs = replicate(s, reps(s), threads)
            checks.append(
                check(
                    s.name, "share diverted, waiting room full (M/M/\(c)/\(c + room) pi_K)", exact.blocking,
                    runs.map { ($0.metrics[.diversions] ?? .nan) / ($0.metrics[.nelAdmissions] ?? .nan) }))
            checks.append(
                check(
                    s.name, "mean ED wait of those admitted, hours (Lq / lambda(1 - pi_K))",
                    exact.meanQueue / (lambda * (1 - exact.blocking)) * 24,
                    runs.map { $0.metrics["edWaitHours"] ?? .nan }))
        }

        checks += try downstreamWaitingListChecks(load("mmck-downstream.json5"), full, threads, progress)

        // Uncapacitated hospitals under month weights and under a smooth yearly cycle: the rate
        // is the cohort's perYear times its month weight and its cycle's factor (each 1 when
        // the scenario has none).
        for file in ["mg-infinity-seasonal.json5", "mg-infinity-sinusoid.json5"] {
            let s = try load(file)
            progress(s.name)
            let cohort = s.cohorts[0]
            guard case .perYear(let perYear) = cohort.rate else {
                throw VerificationError.unsupported("\(file): rate must be perYear")
            }
            let calendar = ReferenceCalendar(origin: s.origin, days: s.warmupDays + s.days)
            let origin = s.origin
            let lambda: (Double) -> Double = { t in
                guard t >= 0 else { return 0 }
                let cycle = cohort.sinusoid?.factor(at: t, origin: origin) ?? 1
                let day = min(Int(t), calendar.month.count - 1)
                return perYear / 365.25 * cohort.month[calendar.month[day] - 1] * cycle
            }
            let runs = replicate(s, reps(s), threads, daily: true)
            let series = runs.map { r in
                r.metrics.series(.dailyOccupancy, s.services[s.acute].name) ?? []
            }
            for day in stride(from: 30, through: s.days - 5, by: 60) {
                // The census at midnight `day` is the value of the day that ends there.
                let theory = QueueingTheory.mgInfinityMeanOccupancy(
                    at: Double(day), arrivalRate: lambda, survival: cohort.lengthOfStay.survival)
                let date = s.origin.adding(days: day)
                checks.append(
                    check(
                        s.name, "in hospital at midnight \(date) (m(t))", theory,
                        series.map { $0.count >= day ? $0[day - 1] : .nan }))
            }
            // Under month weights, each calendar month's admissions are the integral of the rate
            // over its days: exact, so a month given the wrong number of days shows.
            guard cohort.month.contains(where: { $0 != 1 }) else { continue }
            var months: [(label: String, admissions: Double)] = []
            for day in 0..<s.days {
                if day == 0 || calendar.month[day] != calendar.month[day - 1] {
                    months.append((String(s.origin.adding(days: day).description.prefix(7)), 0))
                }
                months[months.count - 1].admissions += lambda(Double(day))
            }
            let monthly = runs.map { $0.metrics.series(.monthlyNelAdmissions) ?? [] }
            for (m, month) in months.enumerated() {
                checks.append(
                    check(
                        s.name, "admissions in \(month.label) (the rate summed over its days)", month.admissions,
                        monthly.map { $0.count > m ? $0[m] : .nan }, margin: exactMargin))
            }
        }

        try each(["calendar-demand.json5"], calendarDemandChecks)

        try each(["demand-growth.json5"], demandGrowthChecks)

        try each(["readmission-windows.json5"], readmissionChecks)

        try each(["crisis-response-overnight.json5"], crisisResponseHoursChecks)

        try each(["discharge-calendar.json5", "discharge-calendar-seven-day.json5"], dischargeCalendarChecks)

        try each(["census-downstream.json5", "census-acute.json5"], censusChecks)

        try each(["reablement-follow-up.json5"], followUpChecks)

        do {
            let s = try load("interval-coverage.json5")
            progress(s.name)
            checks += try intervalCoverageChecks(s, experiments: full ? 4000 : 1000, threads: threads)
        }

        try each(["care-home-queue.json5"], careHomeChecks)

        try each(["care-home-sources.json5"], careHomeSourceChecks)

        try each(["capacity-opening.json5"], capacityOpeningChecks)

        do {
            let loaded = try ScenarioLoader.load(path: dir + "/stay-distributions.json5")
            progress(loaded.scenario.name)
            checks += try stayDistributionChecks(loaded, replications: reps(loaded.scenario), threads: threads)
        }

        do {
            let s = try load("blocking-network.json5")
            progress(s.name)
            let (lambda, meanStay) = try arrivalsAndStay(s)
            guard let r = s.serviceIndex(named: "reablement"), let p2 = s.pathwayIndex(named: "2"),
                let duration = s.services[r].duration
            else { throw VerificationError.unsupported("blocking-network: needs a reablement service and pathway 2") }
            let network = BlockingNetwork(
                arrivalRate: lambda, treatmentRate: 1 / meanStay, reablementShare: s.cohorts[0].pathwayMix[p2],
                reablementRate: 1 / duration.mean, acuteBeds: s.services[s.acute].capacity.initial,
                slots: s.services[r].capacity.initial)
            guard let exact = network.solve() else {
                throw VerificationError.unsupported("the Markov chain could not be solved")
            }
            let runs = replicate(s, reps(s), threads)
            let days = Double(s.days)
            checks.append(
                check(
                    s.name, "share diverted (Markov chain, \(exact.states) states)", exact.lossProbability,
                    runs.map { ($0.metrics[.diversions] ?? .nan) / ($0.metrics[.nelAdmissions] ?? .nan) }))
            checks.append(
                check(
                    s.name, "mean patients blocked in acute beds", exact.meanBlocked,
                    runs.map { ($0.metrics[.delayedBedDays] ?? .nan) / days }))
            checks.append(
                check(
                    s.name, "mean blocked days per admission", exact.meanBlockedTimePerAdmission,
                    runs.map {
                        ($0.metrics[.delayedBedDays] ?? .nan)
                            / ($0.metrics[.serviceAdmissions, s.services[s.acute].name] ?? .nan)
                    }))
        }

        try each(["demand-variation.json5"], demandVariationChecks)

        do {
            let s = try ScenarioLoader.load(path: scenarios + "/baseline.json5").scenario
            progress(s.name + " (Little's law, conservation)")
            let runs = replicate(s, full ? 4 : 1, threads, checkConservation: true)
            let days = Double(s.days)
            for service in s.services {
                let name = service.name
                let departures = runs.map { $0.metrics[.serviceDepartures, name] ?? 0 }
                let stays = runs.map { $0.metrics[.serviceMeanStayDays, name] ?? .nan }
                guard Statistics.mean(departures) >= 50, Statistics.mean(stays) <= days / 10 else { continue }
                let l = runs.map { $0.metrics[.serviceOccupancyMean, name] ?? .nan }
                let lw = zip(departures, stays).map { $0 / days * $1 }
                let gap = abs(Statistics.mean(l) - Statistics.mean(lw)) / Statistics.mean(l)
                checks.append(
                    Check(
                        caseName: "Little's law on the baseline", measure: "\(service.name): L vs lambda x W",
                        theory: Statistics.mean(lw),
                        simulated: ConfidenceInterval(values: l, level: level), passed: gap <= 0.05,
                        note: "gap \(format(gap * 100))% (at most 5%: edge effects of a finite window)"))
            }
            let violations = runs.reduce(0) { $0 + $1.counts.violations.count }
            checks.append(
                Check(
                    caseName: "Conservation of patients on the baseline",
                    measure:
                        "violations (two places at once, occupancy below 0 or above capacity, leave without enter)",
                    theory: 0, simulated: ConfidenceInterval(values: [Double(violations)]), passed: violations == 0,
                    note: runs.first?.counts.violations.first
                        ?? "\(runs.reduce(0) { $0 + $1.counts.events }) events checked"))
        }
        return checks
    }

    static func check(
        _ name: String, _ measure: String, _ theory: Double, _ values: [Double], margin: Double = margin
    ) -> Check {
        let ci = ConfidenceInterval(values: values.filter { !$0.isNaN }, level: level)
        let slack = margin * abs(theory)
        let passed = !ci.low.isNaN && theory >= ci.low - slack && theory <= ci.high + slack
        return Check(caseName: name, measure: measure, theory: theory, simulated: ci, passed: passed, note: "")
    }

    /// Arrival rate per day and mean acute stay of a single-cohort case.
    static func arrivalsAndStay(_ s: Scenario) throws -> (Double, Double) {
        guard s.cohorts.count == 1, case .perYear(let perYear) = s.cohorts[0].rate else {
            throw VerificationError.unsupported("\(s.name): a verification case has one cohort with a perYear rate")
        }
        return (perYear / 365.25, s.cohorts[0].lengthOfStay.mean)
    }

    struct Replication {
        var metrics: ReplicationMetrics
        var counts: Counts
    }

    static func replicate(_ s: Scenario, _ n: Int, _ threads: Int, daily: Bool = false, checkConservation: Bool = false)
        -> [Replication]
    {
        let slots = ResultSlots<Replication>(count: n)
        let context = ProjectionContext(scenario: s)
        Runner.parallelFor(count: n, threads: threads) { rep in
            var sim = Simulation(
                scenario: s, seed: s.seed, replication: rep,
                sink: Tee(
                    Projection(context: context, recordingDaily: daily),
                    Counts(services: s.services.count, warmup: context.warmup, checking: checkConservation)))
            sim.run()
            slots.set(rep, Replication(metrics: sim.sink.first.metrics(), counts: sim.sink.second))
        }
        return slots.allValues
    }

    static func format(_ x: Double) -> String { TableRenderer.format(x) }
}

public enum VerificationError: Error, CustomStringConvertible {
    case unsupported(String)
    public var description: String {
        switch self {
        case .unsupported(let m): m
        }
    }
}

/// Counts for Erlang C and checks conservation of patients: nobody in two places at once,
/// occupancy never below zero, never above the capacity in force when someone enters, and
/// no leave without a matching enter.
struct Counts: EventSink {
    var conveyances = 0
    var edWaits = 0
    var events = 0
    var violations: [String] = []
    let warmup: Double
    let checking: Bool
    var occupancy: [Int]
    var capacity: [Int]
    var place: [UInt32: Int16] = [:]

    init(services: Int, warmup: Double, checking: Bool) {
        self.warmup = warmup
        self.checking = checking
        occupancy = Array(repeating: 0, count: services)
        capacity = Array(repeating: Int.max, count: services)
    }

    mutating func append(_ e: Event) {
        events += 1
        if e.time >= warmup {
            if e.kind == .conveyance { conveyances += 1 }
            if e.kind == .edWait { edWaits += 1 }
        }
        guard checking else { return }
        func fail(_ m: String) {
            if violations.count < 10 { violations.append("t=\(e.time) patient \(e.patient): \(m)") }
        }
        switch e.kind {
        case .capacity:
            capacity[Int(e.service)] = Int(e.detail)
        case .enter:
            let s = Int(e.service)
            if let other = place[e.patient] { fail("enters service \(s) while in service \(other)") }
            place[e.patient] = e.service
            occupancy[s] += 1
            // Held care-home beds and reserved places count against capacity in the model but are
            // not physical occupancy, so physical occupancy can only be lower than this bound.
            if occupancy[s] > capacity[s] { fail("service \(s) above its capacity \(capacity[s])") }
        case .leave:
            let s = Int(e.service)
            if place[e.patient] != e.service { fail("leaves service \(s) without being in it") }
            place[e.patient] = nil
            occupancy[s] -= 1
            if occupancy[s] < 0 { fail("service \(s) below zero") }
        default:
            break
        }
    }
}

extension VerificationSuite {
    /// Demand by weekday and hour against its exact calendar integral: the expected crises are
    /// the integral of the rate, hour by hour, of `perYear / 365.25 x dayOfWeek[weekday] x
    /// hourOfDay[hour]` (the profiles as read, normalised to mean 1) over the measured period,
    /// and the expected crises avoided are `eligibility x successRate` times the part of it in
    /// the crisis-response service's open hours (it is never full, so it takes every eligible
    /// crisis then). The rate is constant within an hour, so the hourly sum is exact.
    static func calendarDemandChecks(_ s: Scenario, replications: Int, threads: Int) throws -> [Check] {
        let cohort = s.cohorts[0]
        guard case .perYear(let perYear) = cohort.rate, s.warmupDays == 0, cohort.sinusoid == nil,
            let response = s.services.firstIndex(where: { $0.kind == .crisisResponse })
        else {
            throw VerificationError.unsupported(
                "calendar-demand: needs a perYear rate, no warm-up and a crisis-response service")
        }
        let service = s.services[response]
        let calendar = ReferenceCalendar(origin: s.origin, days: s.days, bankHolidays: s.working.bankHolidays)
        var crises = 0.0
        var avoided = 0.0
        for k in 0..<(s.days * 24) {
            let day = k / 24
            let weekday = calendar.weekday[day]
            let perHour = perYear / 365.25 * cohort.dayOfWeek[weekday - 1] * cohort.hourOfDay[k % 24] / 24
            crises += perHour
            if calendar.isOpen((Double(k) + 0.5) / 24, service.hours.window) {
                avoided += perHour * service.eligibility[0] * service.successRate
            }
        }
        let runs = replicate(s, replications, threads)
        return [
            check(
                s.name, "crises (hour-by-hour integral of the rate)", crises, runs.map { $0.metrics[.crises] ?? .nan }),
            check(
                s.name, "crises avoided in the open hours (integral x eligibility x success)", avoided,
                runs.map { $0.metrics[.admissionsAvoided] ?? .nan }),
        ]
    }
}
