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
        var mix = scenario.cohorts[c].pathwayMix
        if !effects.isEmpty {
            // Schemes move the mix towards theirs as they phase in (a mixture: one draw as before).
            for x in effects.pathwayMix[c] {
                let s = effects.schemes[x.scheme].strength(at: now)
                if s > 0 { for i in mix.indices { mix[i] += (x.mix[i] - mix[i]) * s } }
            }
        }
        let pathway = pick(mix, uniform(p))
        patients[Int(p)].pathway = Int16(pathway)
        emit(.medicallyOptimised, patient: p, service: acute, detail: Int32(pathway))
        let rules = scenario.pathways[pathway]
        if rules.needsAssessment {
            setDelay(p, DelayCode(reason: .a, responsible: rules.assessmentResponsible))
            emit(.assessmentStart, patient: p, service: acute, detail: Int32(pathway))
            let work = sample(rules.assessmentHours, p) * (effects.isEmpty ? 1 : effects.factor(effects.assessmentTime[pathway], at: now))
            var window = assessmentHours
            if effects.switchedOn(effects.sevenDayAssessment, at: now) { window.allDays = true }
            let done = clock.addingWorkingTime(work, to: now, hours: window)
            calendar.schedule(at: done, Action(kind: .assessmentEnd, subject: p, token: patients[Int(p)].token))
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
        let rules = scenario.pathways[Int(patients[Int(p)].pathway)]
        let needsEquipment = uniform(p) < rules.equipmentProbability
        if needsEquipment {
            setDelay(p, DelayCode(reason: .f, responsible: rules.assessmentResponsible))
            var window = equipmentHours
            if effects.switchedOn(effects.sevenDayEquipment, at: now) { window.allDays = true }
            let ready = clock.nextOpen(now + sample(rules.equipmentDays, p), hours: window)
            calendar.schedule(at: ready, Action(kind: .equipmentEnd, subject: p, token: patients[Int(p)].token))
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
            scheduleDeparture(p, window: acceptanceHours(home), reason: scenario.services[home].delay)
            return
        }
        let rules = scenario.pathways[Int(patients[Int(p)].pathway)]
        let draw = uniform(p)
        guard !rules.destinations.isEmpty else {
            patients[Int(p)].target = -1
            let window = rules.needsAssessment ? dischargeHours : scenario.working.simpleDischargeHours
            scheduleDeparture(p, window: window, reason: rules.dischargeDelay)
            return
        }
        var s = rules.destinations[rules.destinations.count - 1].service
        var cumulative = 0.0
        for d in rules.destinations {
            cumulative += d.share
            if draw < cumulative {
                s = d.service
                break
            }
        }
        requestPlace(p, in: s)
    }

    /// Takes a free place in `s` now, or queues for one (blocking the current place).
    mutating func requestPlace(_ p: Int32, in s: Int) {
        if occupied[s] < capacity[s] && queues[s].isEmpty {
            reserve(p, in: s)
        } else {
            emit(.transferWait, patient: p, service: s, detail: 0)
            if patients[Int(p)].location == .inService {
                setDelay(p, scenario.services[s].delay)
            }
            patients[Int(p)].target = Int16(s)
            queues[s].push(Waiting(patient: p, token: patients[Int(p)].token))
        }
    }

    /// Holds a place in `s` for the patient, who moves at the next time `s` accepts transfers.
    mutating func reserve(_ p: Int32, in s: Int) {
        occupied[s] += 1
        patients[Int(p)].target = Int16(s)
        scheduleDeparture(p, window: acceptanceHours(s), reason: scenario.services[s].delay)
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
        calendar.schedule(at: at, Action(kind: .depart, subject: p, token: patients[Int(p)].token))
    }

    /// The hours in which `s` takes new patients.
    func acceptanceHours(_ s: Int) -> Hours {
        let w = scenario.working
        var allDays = scenario.services[s].acceptsAllDays ?? w.sevenDayDischarge
        if !allDays && !effects.isEmpty {
            allDays = (scenario.services[s].acceptsAllDays == nil && effects.switchedOn(effects.sevenDayDischarge, at: now))
                || effects.switchedOn(effects.acceptsWeekends[s], at: now)
        }
        return Hours(from: w.hours.from, to: w.hours.to, allDays: allDays)
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
        if fromAcute && scenario.services[target].countsAsReablement {
            patients[Int(p)].pending += 1
            // The follow-up is reported under the cohort (age band) the patient has now.
            calendar.schedule(at: now + 91, Action(kind: .followUp, subject: p, token: UInt32(patients[Int(p)].cohort)))
        }
        if scenario.services[target].kind == .careHome {
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

    /// Picks an index from probabilities that sum to one.
    func pick(_ probabilities: [Double], _ u: Double) -> Int {
        var cumulative = 0.0
        for (i, q) in probabilities.enumerated() {
            cumulative += q
            if u < cumulative { return i }
        }
        return probabilities.lastIndex { $0 > 0 } ?? 0
    }
}
