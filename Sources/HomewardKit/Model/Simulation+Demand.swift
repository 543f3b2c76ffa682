import Foundation

/// Demand: crises arriving from cohorts, crisis response, conveyance to hospital.
extension Simulation {
    // MARK: - Arrival rates

    /// The crisis rate of cohort `c` at time `t`, per day.
    ///
    /// base rate x population growth x trend x day-of-week x hour-of-day x month weights, and
    /// for care-home residents x the number of residents present now; with a
    /// `demandVariation`, x the day's level and winter-severity factor.
    // Inlined on purpose, like the other non-mutating helpers called from mutating methods
    // (`baseRate`, `durationFactor`, `acceptanceHours`, `pick`): called out of line, each call
    // copied the whole `Simulation` (the projection included) to pass `self`.
    @inline(__always)
    func rate(cohort c: Int, at t: Double) -> Double {
        // Fields are read one by one: binding the whole record would copy it (memcpy).
        let day = clock.dayIndex(t)
        let hour = min(Int((t - Double(Int(t))) * 24), 23)
        let profile =
            parameters.dayOfWeek(cohort: c, Int(clock.weekday[day]) - 1) * parameters.hourOfDay(cohort: c, hour)
            * parameters.month(cohort: c, Int(clock.monthOfYear[day]) - 1)
        var rate = baseRate(cohort: c, at: t) * profile
        let amplitude = parameters.cohorts[c].sinusoidAmplitude
        if amplitude != 0 {
            rate *= Sinusoid.factor(amplitude: amplitude, phase: parameters.cohorts[c].sinusoidPhase, at: t)
        }
        // Without a demandVariation nothing is multiplied, so results are bit-identical to a
        // model without it.
        if !demandFactor.isEmpty { rate *= demandFactor[day] }
        return effects.isEmpty ? rate : rate * effects.factor(effects.crisisRate[c], at: t)
    }

    /// The rate without the within-year profiles, per day.
    @inline(__always)
    func baseRate(cohort c: Int, at t: Double) -> Double {
        let years = t / 365.25
        let trend = parameters.trend(cohort: c, years: years)
        let r = parameters.cohorts[c].rate
        switch parameters.cohorts[c].rateKind {
        case .perYear:
            return r / 365.25 * trend
        case .perThousandPerYear:
            let people = parameters.people(band: parameters.cohorts[c].band, atYears: years - parameters.warmupYears)
            return r * people / 1000 / 365.25 * trend
        case .perResidentPerYear:
            return r / 365.25 * trend * Double(residents[c].count)
        }
    }

    /// An upper bound of `rate(cohort:at:)` over the whole run, for thinning.
    func maximumRate(cohort c: Int) -> Double {
        let cohort = scenario.cohorts[c]
        let peak =
            (cohort.dayOfWeek.max() ?? 1) * (cohort.hourOfDay.max() ?? 1) * (cohort.month.max() ?? 1)
            * (1 + (cohort.sinusoid?.amplitude ?? 0)) * effects.maximumFactor(effects.crisisRate[c])
            * maximumDemandFactor
        let years = horizon / 365.25
        let trend = max(1, pow(1 + cohort.trendPerYear, years))
        switch cohort.rate {
        case .perYear(let r):
            return r / 365.25 * trend * peak
        case .perThousandPerYear(let r):
            let band = scenario.population[cohort.band]
            let fromStart = Double(scenario.warmupDays) / 365.25
            let people = max(band.people(atYears: -fromStart), band.people(atYears: years - fromStart))
            return r * people / 1000 / 365.25 * trend * peak
        case .perResidentPerYear(let r):
            let beds = scenario.services.indices.filter {
                scenario.services[$0].kind == .careHome && scenario.services[$0].residentCohort == c
            }
            .reduce(0) { $0 + capacitySchedules[$1].maximum }
            return r / 365.25 * trend * peak * Double(beds)
        }
    }

    /// Candidate arrivals come at the bounding rate; each is kept with probability
    /// rate(t) / bound (Lewis-Shedler thinning), which samples the non-homogeneous Poisson
    /// process exactly.
    mutating func scheduleNextArrival(cohort c: Int) {
        let gap = arrivalStreams[c].exponential(mean: 1 / lambdaMax[c])
        let t = now + gap
        if t < horizon {
            calendar.schedule(at: t, Action(kind: .arrival, subject: Int32(c)))
        }
    }

    mutating func arrival(cohort c: Int) {
        scheduleNextArrival(cohort: c)
        let u = arrivalStreams[c].uniform()
        guard u * lambdaMax[c] <= rate(cohort: c, at: now) else { return }
        if parameters.cohorts[c].rateKind == .perResidentPerYear {
            let present = residents[c].count
            guard present > 0 else { return }
            let p = residents[c][arrivalStreams[c].index(below: present)]
            crisis(p, readmission: false)
        } else {
            crisis(newCohortPatient(cohort: c), readmission: false)
        }
    }

    /// A service's duration factor at the current time (schemes that lengthen or shorten it).
    @inline(__always)
    func durationFactor(_ s: Int) -> Double { effects.isEmpty ? 1 : effects.factor(effects.duration[s], at: now) }

    // MARK: - Crisis and crisis response

    /// A patient's crisis: crisis response if suitable, open and free; else conveyance.
    ///
    /// The patient's stream gives, in a fixed order, one draw per crisis-response service the
    /// cohort is eligible for (suitable or not), one for success and one for conveyance, so
    /// changes of capacity do not shift the patient's later draws.
    mutating func crisis(_ p: Int32, readmission: Bool) {
        emit(.crisis, patient: p, service: -1, detail: readmission ? 1 : 0)
        let c = Int(patients[Int(p)].cohort)
        var chosen = -1
        let first = parameters.cohorts[c].servicesStart
        for k in first..<(first + parameters.cohorts[c].servicesCount) {
            let s = parameters.cohortServices[k]
            var share = parameters.cohortServiceShare[k]
            var hours = parameters.services[s].hours
            if !effects.isEmpty {
                share = effects.blended(
                    share, effects.eligibility[s].filter { $0.cohort == c }.map { ($0.scheme, $0.share) }, at: now)
                for h in effects.hours[s] where effects.schemes[h.scheme].isOn(at: now) { hours = h.hours }
            }
            let suitable = uniform(p) < share
            if chosen < 0, suitable, occupied[s] < capacity[s], clock.isOpen(now, hours: hours) {
                chosen = s
            }
        }
        let successDraw = uniform(p)
        let conveyDraw = uniform(p)
        if chosen >= 0 {
            leaveCareHomeIfResident(p, to: chosen)
            occupied[chosen] += 1
            setLocation(p, .inCrisisResponse, place: chosen)
            emit(.enter, patient: p, service: chosen, detail: -1)
            let base = parameters.services[chosen].successRate
            let successRate =
                effects.isEmpty
                ? base : effects.blended(base, effects.successRate[chosen].map { ($0.scheme, $0.rate) }, at: now)
            let success = successDraw < successRate
            let duration =
                (parameters.services[chosen].hasDuration ? sample(parameters.serviceDuration[chosen], p) : 0)
                * durationFactor(chosen)
            calendar.schedule(
                at: now + duration,
                Action(kind: .crisisResponseEnd, flag: success, patient: p, token: patients[Int(p)].token))
            return
        }
        let conveyance = min(
            1, parameters.cohorts[c].conveyance * (effects.isEmpty ? 1 : effects.factor(effects.conveyance[c], at: now))
        )
        if conveyDraw < conveyance {
            convey(p)
        } else {
            emit(.notConveyed, patient: p, service: -1, detail: 0)
            if patients[Int(p)].location == .atHome { releaseIfIdle(p) }
        }
    }

    mutating func crisisResponseEnd(_ p: Int32, succeeded: Bool) {
        let s = Int(patients[Int(p)].place)
        occupied[s] -= 1
        emit(.serviceEnd, patient: p, service: s, detail: (succeeded ? Outcome.avoided : .conveyed).rawValue)
        if succeeded {
            let home = Int(patients[Int(p)].heldHome)
            if home >= 0 {
                emit(.leave, patient: p, service: s, detail: Int32(home))
                returnToCareHome(p)
            } else {
                emit(.leave, patient: p, service: s, detail: Destination.home)
                setLocation(p, .atHome, place: -1)
                releaseIfIdle(p)
            }
        } else {
            emit(.leave, patient: p, service: s, detail: Int32(acute))
            setLocation(p, .atHome, place: -1)
            convey(p)
        }
    }

    // MARK: - Conveyance and the front door

    /// Conveyance to hospital: a non-elective admission. An emergency is never refused: with no
    /// free bed the patient waits in ED/escalation, and may be diverted after the limit, or at
    /// once when the ED waiting room is full.
    mutating func convey(_ p: Int32) {
        leaveCareHomeIfResident(p, to: acute)
        emit(.conveyance, patient: p, service: acute, detail: 0)
        if occupied[acute] < capacity[acute] && queues[acute].isEmpty {
            admit(p)
            return
        }
        let limit = parameters.services[acute].divertAfterHours
        if limit == 0 {
            divert(p)
            return
        }
        if let room = parameters.services[acute].edWaitingRoom, inED >= room {
            divert(p)
            return
        }
        setLocation(p, .inED, place: acute)
        emit(.edWait, patient: p, service: acute, detail: 0)
        queues[acute].push(Waiting(patient: p, token: patients[Int(p)].token))
        if let limit {
            calendar.schedule(
                at: now + limit / 24,
                Action(kind: .edTimeout, patient: p, token: patients[Int(p)].token))
        }
    }

    mutating func edTimeout(_ p: Int32, token: UInt32) {
        guard patients[Int(p)].token == token, patients[Int(p)].location == .inED else { return }
        divert(p)
    }

    /// Diverted out of area: the patient leaves the modelled system (a held care-home bed is
    /// given up).
    mutating func divert(_ p: Int32) {
        emit(.diversion, patient: p, service: acute, detail: 0)
        // Move the patient first: releasing the held bed can cascade into the ED queue.
        setLocation(p, .atHome, place: -1)
        releaseHeldBed(p)
        releaseIfIdle(p)
    }

    /// Admission to an acute bed; the stay until medically optimised (or death) is drawn now.
    mutating func admit(_ p: Int32) {
        patients[Int(p)].admissions &+= 1
        if patients[Int(p)].admissions > Self.maximumAdmissionsPerPatient && runaway == nil {
            runaway = admissionCycleExplanation(p)
        }
        occupied[acute] += 1
        setLocation(p, .inService, place: acute)
        emit(.enter, patient: p, service: acute, detail: -1)
        let c = Int(patients[Int(p)].cohort)
        let stay =
            sample(parameters.lengthOfStay[c], p)
            * (effects.isEmpty ? 1 : effects.factor(effects.lengthOfStay[c], at: now))
        let dies = uniform(p) < parameters.cohorts[c].inHospitalMortality
        calendar.schedule(
            at: now + stay, Action(kind: .acuteEnd, flag: dies, patient: p, token: patients[Int(p)].token))
    }
}
