/// Services after hospital: reablement, beds, home care, care homes; readmissions, the
/// 91-day follow-up, capacity changes and the queues that release blocked places.
extension Simulation {
    // MARK: - Reablement, beds and home care

    /// Starts the service's duration; `residualFraction` draws the remaining time of someone
    /// already part-way through it (the census at time 0).
    mutating func startServiceClock(_ p: Int32, service s: Int, residualFraction: Bool) {
        switch parameters.services[s].kind {
        case .homeReablement, .bedBased, .homeCare, .crisisResponse:
            let length: Double
            if parameters.services[s].hasDuration {
                let d = parameters.serviceDuration[s]
                length = (residualFraction ? remainingTime(d, p) : sample(d, p)) * durationFactor(s)
            } else {
                length = 0
            }
            calendar.schedule(at: now + length, Action(kind: .serviceEnd, patient: p, token: patients[Int(p)].token))
        case .acute, .careHome:
            break
        }
    }

    mutating func serviceEnd(_ p: Int32) {
        let s = Int(patients[Int(p)].place)
        let outcomes = (start: parameters.services[s].outcomesStart, count: parameters.services[s].outcomesCount)
        if parameters.services[s].kind == .homeCare || outcomes.count == 0 {
            emit(.serviceEnd, patient: p, service: s, detail: Outcome.independent.rawValue)
            leave(p, to: Destination.home, thenHome: true)
            return
        }
        let k =
            outcomes.start
            + Self.pick(parameters.outcomeProbability, from: outcomes.start, count: outcomes.count, uniform(p))
        let outcome = parameters.outcome[k]
        emit(.serviceEnd, patient: p, service: s, detail: outcome.rawValue)
        switch outcome {
        case .independent, .avoided, .conveyed:
            leave(p, to: Destination.home, thenHome: true)
        case .homeCare, .careHome:
            let next = parameters.outcomeNext[k]
            requestPlace(p, in: next >= 0 ? next : s)
        case .readmitted:
            leave(p, to: Destination.home)
            setLocation(p, .atHome, place: -1)
            crisis(p, readmission: true)
        case .died:
            emit(.death, patient: p, service: s, detail: 0)
            leave(p, to: Destination.died)
        }
    }

    /// At home with no service: the readmission risk runs from now (cumulative probabilities
    /// within 30 and within 91 days; the time is uniform within each window).
    mutating func goHome(_ p: Int32, fromAcute: Bool) {
        setLocation(p, .atHome, place: -1)
        let c = Int(patients[Int(p)].cohort)
        let risk = effects.isEmpty ? 1 : effects.factor(effects.readmission[c], at: now)
        let u = uniform(p)
        let v = uniform(p)
        var at = -1.0
        if u < min(1, parameters.cohorts[c].readmissionWithin30 * risk) {
            at = now + 30 * v
        } else if u < min(1, parameters.cohorts[c].readmissionWithin91 * risk) {
            at = now + 30 + 61 * v
        }
        if at >= 0 {
            patients[Int(p)].pending += 1
            calendar.schedule(at: at, Action(kind: .readmission, subject: p))
        }
        releaseIfIdle(p)
    }

    mutating func readmission(_ p: Int32) {
        patients[Int(p)].pending -= 1
        if patients[Int(p)].location == .atHome {
            crisis(p, readmission: true)
        } else {
            releaseIfIdle(p)
        }
    }

    /// The 91-day follow-up of a discharge from hospital into reablement: where is the patient?
    mutating func followUp(_ p: Int32, dischargeCohort: Int16) {
        patients[Int(p)].pending -= 1
        let r = patients[Int(p)]
        let status: FollowUpStatus
        switch r.location {
        case .atHome, .waitingAtHome, .inCrisisResponse, .free:
            status = r.heldHome >= 0 ? .inCareHome : .atHome
        case .inED:
            status = .inHospital
        case .dead:
            status = .dead
        case .inService:
            switch parameters.services[Int(r.place)].kind {
            case .acute: status = .inHospital
            case .careHome: status = .inCareHome
            case .bedBased: status = .inBedBasedCare
            case .homeReablement, .homeCare, .crisisResponse: status = .atHome
            }
        }
        // Reported under the patient's cohort at discharge, not any cohort joined since.
        let current = patients[Int(p)].cohort
        patients[Int(p)].cohort = dischargeCohort
        emit(.followUp91, patient: p, service: -1, detail: status.rawValue)
        patients[Int(p)].cohort = current
        releaseIfIdle(p)
    }

    // MARK: - Care homes

    /// A new permanent resident (the place is already counted in `occupied`).
    mutating func moveIntoCareHome(_ p: Int32, home s: Int, source: AdmissionSource) {
        patients[Int(p)].heldHome = Int16(s)
        setLocation(p, .inService, place: s)
        // Recorded under the patient's own cohort (and so age band); from now on their crises
        // are those of the home's resident cohort.
        emit(.enter, patient: p, service: s, detail: -1)
        // Self-funded with the home's share, from the home's own stream (no draw at share 0, so a
        // scenario without self-funders has the events it had before funding was recorded).
        let share = parameters.services[s].selfFunderShare
        let selfFunded = source != .initialResident && share > 0 && fundingStreams[s].uniform() < share
        emit(
            .careHomeAdmission, patient: p, service: s,
            detail: CareHomeAdmission(source: source, selfFunded: selfFunded).packed)
        if let cohort = parameters.services[s].residentCohort {
            patients[Int(p)].cohort = Int16(cohort)
        }
        becomePresent(p, home: s)
    }

    /// A resident comes back to the bed held for them.
    mutating func returnToCareHome(_ p: Int32) {
        let s = Int(patients[Int(p)].heldHome)
        setLocation(p, .inService, place: s)
        emit(.enter, patient: p, service: s, detail: -1)
        becomePresent(p, home: s)
    }

    mutating func becomePresent(_ p: Int32, home s: Int) {
        if let c = parameters.services[s].residentCohort {
            patients[Int(p)].residentIndex = Int32(residents[c].count)
            residents[c].append(p)
        }
        let mortality = parameters.services[s].annualMortality
        if mortality > 0 {
            let life = patients[Int(p)].rng.exponential(mean: 365.25 / mortality)
            calendar.schedule(
                at: now + life, Action(kind: .residentDeath, patient: p, token: patients[Int(p)].token))
        }
    }

    /// A resident leaves the home for crisis response or hospital; the bed is held.
    mutating func leaveCareHomeIfResident(_ p: Int32, to destination: Int) {
        let r = patients[Int(p)]
        guard r.location == .inService, r.heldHome >= 0, Int(r.place) == Int(r.heldHome) else { return }
        let s = Int(r.heldHome)
        removeFromPresent(p)
        emit(.leave, patient: p, service: s, detail: Int32(destination))
        setLocation(p, .atHome, place: -1)
    }

    mutating func removeFromPresent(_ p: Int32) {
        let r = patients[Int(p)]
        guard r.residentIndex >= 0, let c = parameters.services[Int(r.heldHome)].residentCohort else { return }
        let i = Int(r.residentIndex)
        let last = residents[c].removeLast()
        if i < residents[c].count {
            residents[c][i] = last
            patients[Int(last)].residentIndex = Int32(i)
        }
        patients[Int(p)].residentIndex = -1
    }

    /// Gives up a held care-home bed (the resident died or was diverted elsewhere).
    mutating func releaseHeldBed(_ p: Int32) {
        let s = Int(patients[Int(p)].heldHome)
        guard s >= 0 else { return }
        patients[Int(p)].heldHome = -1
        occupied[s] -= 1
        pull(s)
    }

    mutating func residentDeath(_ p: Int32, token: UInt32) {
        let r = patients[Int(p)]
        guard r.token == token, r.location == .inService, Int(r.place) == Int(r.heldHome) else { return }
        removeFromPresent(p)
        emit(.death, patient: p, service: Int(r.place), detail: 0)
        patients[Int(p)].heldHome = -1
        leave(p, to: Destination.died)
    }

    /// New residents from the community: a Poisson stream per care home.
    mutating func scheduleNextReferral(careHome s: Int) {
        let perDay = parameters.services[s].communityAdmissionsPerYear / 365.25
        let t = now + referralStreams[s].exponential(mean: 1 / perDay)
        if t < horizon { calendar.schedule(at: t, Action(kind: .referral, subject: Int32(s))) }
    }

    mutating func referral(careHome s: Int) {
        scheduleNextReferral(careHome: s)
        guard let cohort = parameters.services[s].residentCohort else { return }
        let ordinal = referralOrdinal[s]
        referralOrdinal[s] += 1
        let p = newPatient(cohort: cohort, stream: StreamID.combine(referralStreamIDs[s], ordinal))
        setLocation(p, .waitingAtHome, place: -1)
        requestPlace(p, in: s)
    }

    // MARK: - Capacity and queues

    mutating func capacityChange(service s: Int, to value: Int) {
        capacity[s] = value
        emit(.capacity, patient: nil, service: s, detail: Int32(value))
        pull(s)
    }

    /// Fills free places in `s` from its queue, oldest first. No one is evicted when capacity
    /// falls: reductions take effect as patients leave.
    mutating func pull(_ s: Int) {
        while occupied[s] < capacity[s], let next = queues[s].pop() {
            let p = next.patient
            guard patients[Int(p)].token == next.token, patients[Int(p)].location != .free else { continue }
            if s == acute {
                guard patients[Int(p)].location == .inED else { continue }
                admit(p)
            } else {
                reserve(p, in: s)
            }
        }
    }
}
