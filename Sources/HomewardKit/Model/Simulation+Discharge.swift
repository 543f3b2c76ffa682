/// The acute stay's end: medically optimised, pathway choice, assessment, equipment, waiting
/// for a place (blocking after service) and departure.
extension Simulation {
    mutating func acuteEnd(_ p: Int32, dies: Bool) {
        if dies {
            emit(.death, patient: p, service: acute, detail: 0)
            leave(p, to: Destination.died)
            return
        }
        let c = Int(patients[Int(p)].cohort)
        let pathway: Int
        if effects.isEmpty {
            pathway = Self.pick(
                parameters.pathwayMix, from: parameters.cohorts[c].mixStart, count: parameters.cohorts[c].mixCount,
                uniform(p))
        } else {
            var mix = scenario.cohorts[c].pathwayMix
            // Schemes move the mix towards theirs as they phase in (a mixture: one draw as before).
            for x in effects.pathwayMix[c] {
                let s = effects.schemes[x.scheme].strength(at: now)
                if s > 0 { for i in mix.indices { mix[i] += (x.mix[i] - mix[i]) * s } }
            }
            pathway = Self.pick(mix, uniform(p))
        }
        patients[Int(p)].pathway = Int16(pathway)
        emit(.medicallyOptimised, patient: p, service: acute, detail: Int32(pathway))
        if parameters.pathways[pathway].needsAssessment {
            setDelay(p, DelayCode(reason: .a, responsible: parameters.pathways[pathway].assessmentResponsible))
            emit(.assessmentStart, patient: p, service: acute, detail: Int32(pathway))
            let work =
                sample(parameters.assessmentHours[pathway], p)
                * (effects.isEmpty ? 1 : effects.factor(effects.assessmentTime[pathway], at: now))
            var window = assessmentHours
            if effects.switchedOn(effects.sevenDayAssessment, at: now) { window.allDays = true }
            let done = clock.addingWorkingTime(work, to: now, hours: window)
            calendar.schedule(at: done, Action(kind: .assessmentEnd, patient: p, token: patients[Int(p)].token))
        } else {
            afterAssessment(p)
        }
    }

    mutating func assessmentEnd(_ p: Int32) {
        emit(.assessmentEnd, patient: p, service: acute, detail: Int32(patients[Int(p)].pathway))
        afterAssessment(p)
    }

    /// Equipment (reason F) may be needed before the patient can go.
    mutating func afterAssessment(_ p: Int32) {
        let pathway = Int(patients[Int(p)].pathway)
        let needsEquipment = uniform(p) < parameters.pathways[pathway].equipmentProbability
        if needsEquipment {
            setDelay(p, DelayCode(reason: .f, responsible: parameters.pathways[pathway].assessmentResponsible))
            var window = equipmentHours
            if effects.switchedOn(effects.sevenDayEquipment, at: now) { window.allDays = true }
            let ready = clock.nextOpen(now + sample(parameters.equipmentDays[pathway], p), hours: window)
            calendar.schedule(at: ready, Action(kind: .equipmentEnd, patient: p, token: patients[Int(p)].token))
        } else {
            seekPlace(p)
        }
    }

    mutating func equipmentEnd(_ p: Int32) { seekPlace(p) }

    /// Chooses the destination and takes a place there, or joins its queue.
    mutating func seekPlace(_ p: Int32) {
        let home = Int(patients[Int(p)].heldHome)
        if home >= 0 {
            // A care-home resident returns to the bed held for them.
            patients[Int(p)].target = Int16(home)
            scheduleDeparture(p, window: acceptanceHours(home), reason: parameters.services[home].delay)
            return
        }
        let pathway = Int(patients[Int(p)].pathway)
        let draw = uniform(p)
        guard parameters.pathways[pathway].destinationsCount > 0 else {
            patients[Int(p)].target = -1
            let window = parameters.pathways[pathway].needsAssessment ? dischargeHours : parameters.simpleDischargeHours
            scheduleDeparture(p, window: window, reason: parameters.pathways[pathway].dischargeDelay)
            return
        }
        let first = parameters.pathways[pathway].destinationsStart
        let end = first + parameters.pathways[pathway].destinationsCount
        var s = parameters.destinationService[end - 1]
        var cumulative = 0.0
        for k in first..<end {
            cumulative += parameters.destinationShare[k]
            if draw < cumulative {
                s = parameters.destinationService[k]
                break
            }
        }
        requestPlace(p, in: s)
    }

    /// Takes a free place in `s` now, or queues for one (blocking the current place), or, when
    /// `s`'s waiting list is full, is placed out of area.
    mutating func requestPlace(_ p: Int32, in s: Int) {
        if occupied[s] < capacity[s] && queues[s].isEmpty {
            reserve(p, in: s)
        } else if let list = parameters.services[s].waitingList, queues[s].count >= list {
            // Everyone in a downstream queue is still waiting: nobody leaves one except to take
            // a place (`pull`), so its count is the number waiting.
            placeOutOfArea(p, service: s)
        } else {
            emit(.transferWait, patient: p, service: s, detail: 0)
            if patients[Int(p)].location == .inService {
                setDelay(p, parameters.services[s].delay)
            }
            patients[Int(p)].target = Int16(s)
            queues[s].push(Waiting(patient: p, token: patients[Int(p)].token))
        }
    }

    /// Placed out of area: no place in `s` is free and its waiting list is full, so a place of
    /// that kind is bought outside the modelled capacity. The patient leaves the place they
    /// waited in (freeing it for the next in its queue, and ending their delay) and the
    /// modelled system, as a diversion from ED does (a held care-home bed is given up).
    mutating func placeOutOfArea(_ p: Int32, service s: Int) {
        emit(.diversion, patient: p, service: s, detail: 0)
        if patients[Int(p)].location == .inService {
            leave(p, to: Int32(s))
        }
        patients[Int(p)].target = -1
        setLocation(p, .atHome, place: -1)
        releaseHeldBed(p)
        releaseIfIdle(p)
    }

    /// Holds a place in `s` for the patient, who moves at the next time `s` accepts transfers.
    mutating func reserve(_ p: Int32, in s: Int) {
        occupied[s] += 1
        patients[Int(p)].target = Int16(s)
        scheduleDeparture(p, window: acceptanceHours(s), reason: parameters.services[s].delay)
    }

    /// Departs now if the window is open, or at its next opening (delayed meanwhile).
    mutating func scheduleDeparture(_ p: Int32, window: Hours, reason: DelayCode?) {
        let at = clock.nextOpen(now, hours: window)
        if at <= now {
            depart(p)
            return
        }
        if let reason, patients[Int(p)].location == .inService {
            setDelay(p, reason)  // no change if already delayed for this reason
        }
        calendar.schedule(at: at, Action(kind: .depart, patient: p, token: patients[Int(p)].token))
    }

    /// The hours in which `s` takes new patients.
    @inline(__always)
    func acceptanceHours(_ s: Int) -> Hours {
        let accepts = parameters.services[s].acceptsAllDays
        var allDays = accepts ?? parameters.sevenDayDischarge
        if !allDays && !effects.isEmpty {
            allDays =
                (accepts == nil && effects.switchedOn(effects.sevenDayDischarge, at: now))
                || effects.switchedOn(effects.acceptsWeekends[s], at: now)
        }
        let hours = parameters.workingHours
        return Hours(from: hours.from, to: hours.to, allDays: allDays)
    }

    /// Records that the patient is delayed (for a new reason) where they are.
    mutating func setDelay(_ p: Int32, _ code: DelayCode) {
        let packed = code.packed
        guard patients[Int(p)].delay != packed else { return }
        patients[Int(p)].delay = packed
        emit(.delay, patient: p, service: Int(patients[Int(p)].place), detail: packed)
    }

    /// The patient moves from where they are to the reserved place (or home).
    mutating func depart(_ p: Int32) {
        let target = Int(patients[Int(p)].target)
        let from = patients[Int(p)].location == .inService ? Int(patients[Int(p)].place) : -1
        let fromAcute = from == acute
        if from >= 0 {
            leave(p, to: target >= 0 ? Int32(target) : Destination.home, thenHome: target < 0)
        }
        guard target >= 0 else { return }
        patients[Int(p)].target = -1
        if fromAcute && parameters.services[target].countsAsReablement {
            patients[Int(p)].pending += 1
            // The follow-up is reported under the cohort (age band) the patient has now.
            calendar.schedule(at: now + 91, Action(followUpOf: p, dischargeCohort: patients[Int(p)].cohort))
        }
        if parameters.services[target].kind == .careHome {
            if Int(patients[Int(p)].heldHome) == target {
                returnToCareHome(p)
            } else {
                let source: AdmissionSource =
                    fromAcute ? .hospital : (from >= 0 ? .intermediateCare : .community)
                moveIntoCareHome(p, home: target, source: source)
            }
        } else {
            setLocation(p, .inService, place: target)
            emit(.enter, patient: p, service: target, detail: -1)
            startServiceClock(p, service: target, residualFraction: false)
        }
    }

    /// Leaves the current service (freeing the place for the next in its queue).
    mutating func leave(_ p: Int32, to destination: Int32, thenHome: Bool = false) {
        let s = Int(patients[Int(p)].place)
        occupied[s] -= 1
        patients[Int(p)].delay = -1
        emit(.leave, patient: p, service: s, detail: destination)
        if destination == Destination.died {
            setLocation(p, .dead, place: -1)
            releaseHeldBed(p)
            releaseIfIdle(p)
        } else if thenHome {
            goHome(p, fromAcute: s == acute)
        } else {
            setLocation(p, .atHome, place: -1)  // in transit; the caller places them
        }
        pull(s)
    }

    /// `pick` over `count` probabilities stored from `start` in `list` (the same sums in the
    /// same order); returns an index from 0. Static, so that a call taking `uniform(p)` as its
    /// argument does not hold a copy of the simulation (and so share its buffers) while
    /// `uniform` changes them.
    @inline(__always)
    static func pick(_ list: [Double], from start: Int, count: Int, _ u: Double) -> Int {
        var cumulative = 0.0
        for i in 0..<count {
            cumulative += list[start + i]
            if u < cumulative { return i }
        }
        var i = count - 1
        while i >= 0 && !(list[start + i] > 0) { i -= 1 }
        return max(i, 0)
    }

    /// Picks an index from probabilities that sum to one.
    static func pick(_ probabilities: [Double], _ u: Double) -> Int {
        var cumulative = 0.0
        for (i, q) in probabilities.enumerated() {
            cumulative += q
            if u < cumulative { return i }
        }
        return probabilities.lastIndex { $0 > 0 } ?? 0
    }
}
