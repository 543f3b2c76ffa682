/// Real activity as Homeward events, so that the projections that measure a forecast measure
/// the actuals with the same ruler (`docs/actuals.md` lists which events each spell gives).
public struct ActivityEvents: Sendable {
    /// The measured window and names: the scenario's, with the activity's calendar.
    public var context: ProjectionContext
    /// Events in time order, ending with `.end` at the horizon.
    public var events: [Event]
    /// Patients (distinct pseudonyms) and spells read.
    public var patients: Int
    public var spells: Int

    /// - Parameters:
    ///   - activity: the spells, with times in days since `origin`.
    ///   - scenario: names, population, capacities and unit costs.
    ///   - origin: time 0 of `activity` (the start of its warm-up).
    ///   - from: first measured day; events before it are warm-up (as in a simulation).
    ///   - days: measured days.
    public init(activity: ActivityFile, scenario: Scenario, origin: CivilDate, from: CivilDate, days: Int) {
        var context = ProjectionContext(scenario: scenario)
        context.origin = origin
        context.warmupDays = from.daysSinceEpoch - origin.daysSinceEpoch
        context.days = days
        // Scheme dates are days since the scenario's origin; move them to this calendar.
        let shift = scenario.origin.daysSinceEpoch - origin.daysSinceEpoch
        for i in context.schemes.indices {
            context.schemes[i].startDay += shift
            context.schemes[i].endDay = context.schemes[i].endDay.map { $0 + shift }
        }
        self.context = context
        let horizon = context.horizon

        // Events are made in the order of their tie-break (the capacities, then each patient's
        // in turn, in the order they happen to that patient), with that position held in
        // `sequence` until they are sorted by time: 32 bytes an event, sorted in place.
        var events: [Event] = []
        events.reserveCapacity(activity.spells.count * 6 + scenario.services.count * 4 + 1)
        func add(
            _ time: Double, _ kind: EventKind, patient: UInt32, cohort: Int, service: Int, detail: Int32
        ) {
            guard time < horizon else { return }
            events.append(
                Event(
                    time: time, sequence: UInt64(events.count), patient: patient, kind: kind, cohort: Int16(cohort),
                    service: Int16(service), detail: detail))
        }
        // Capacities from the scenario: the initial one at time 0, then its dated changes.
        for (s, service) in scenario.services.enumerated() {
            add(
                0, .capacity, patient: Event.noPatient, cohort: -1, service: s,
                detail: Int32(service.capacity.initial))
            for change in service.capacity.changes {
                add(
                    max(Double(change.day + shift), 0), .capacity, patient: Event.noPatient, cohort: -1,
                    service: s, detail: Int32(change.capacity))
            }
        }

        patients = activity.patients.count
        spells = activity.spells.count
        let acute = scenario.acute
        activity.forEachPatient { p, list in
            let id = UInt32(p)
            // The care home whose bed is held while its resident is in hospital: coming back
            // to it is a return, not a new admission.
            var heldHome: Int?
            for (k, spell) in list.enumerated() {
                let previous = k > 0 ? list[k - 1] : nil
                let s = spell.service
                let c = spell.cohort
                let cameFromHere = previous.map { $0.destination == Int32(s) } ?? false
                let kind = scenario.services[s].kind
                if kind == .crisisResponse {
                    add(
                        spell.admitted, .crisis, patient: id, cohort: c, service: -1,
                        detail: spell.readmission ? 1 : 0)
                }
                if s == acute {
                    // A crisis response that failed has already counted the crisis.
                    let fromCrisisResponse =
                        previous.map {
                            scenario.services[$0.service].kind == .crisisResponse && $0.destination == Int32(acute)
                        } ?? false
                    if !fromCrisisResponse {
                        add(
                            spell.arrival, .crisis, patient: id, cohort: c, service: -1,
                            detail: spell.readmission ? 1 : 0)
                    }
                    add(spell.arrival, .conveyance, patient: id, cohort: c, service: acute, detail: 0)
                    if spell.admitted > spell.arrival {
                        add(spell.arrival, .edWait, patient: id, cohort: c, service: acute, detail: 0)
                    }
                } else if cameFromHere, let previous {
                    // The wait for this place runs from when the patient was ready to leave the
                    // spell before (the activity does not record when the referral was made).
                    add(
                        previous.optimised ?? previous.discharged ?? spell.admitted, .transferWait,
                        patient: id, cohort: c, service: s, detail: 0)
                }
                if spell.waiting { continue }  // in ED at the end of the data: conveyed, not admitted
                add(spell.admitted, .enter, patient: id, cohort: c, service: s, detail: -1)
                if scenario.services[s].kind == .careHome && heldHome == s {
                    heldHome = nil
                } else if scenario.services[s].kind == .careHome {
                    let source: AdmissionSource =
                        cameFromHere ? (previous!.service == acute ? .hospital : .intermediateCare) : .community
                    add(
                        spell.admitted, .careHomeAdmission, patient: id, cohort: c, service: s,
                        detail: source.rawValue)
                }
                if let optimised = spell.optimised, s == acute {
                    add(
                        optimised, .medicallyOptimised, patient: id, cohort: c, service: acute,
                        detail: Int32(spell.pathway ?? -1))
                }
                if let delay = spell.delay, let from = spell.delayedFrom {
                    add(from, .delay, patient: id, cohort: c, service: s, detail: delay.packed)
                }
                guard let discharged = spell.discharged, let destination = spell.destination else { continue }
                // A resident leaving for hospital (or crisis response) keeps the bed.
                if scenario.services[s].kind == .careHome && destination >= 0
                    && scenario.services[Int(destination)].kind != .careHome
                {
                    heldHome = s
                }
                if s != acute && scenario.services[s].kind != .careHome {
                    add(
                        discharged, .serviceEnd, patient: id, cohort: c, service: s,
                        detail: Self.outcome(destination, from: s, scenario).rawValue)
                }
                if destination == Destination.died {
                    add(discharged, .death, patient: id, cohort: c, service: s, detail: 0)
                }
                add(discharged, .leave, patient: id, cohort: c, service: s, detail: destination)
                if s == acute, destination >= 0, scenario.services[Int(destination)].countsAsReablement {
                    let status = Self.followUpStatus(at: discharged + 91, of: list, scenario)
                    add(
                        discharged + 91, .followUp91, patient: id, cohort: c, service: -1,
                        detail: status.rawValue)
                }
            }
        }
        events.sort { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
        events.append(
            Event(time: horizon, sequence: 0, patient: Event.noPatient, kind: .end, cohort: -1, service: -1, detail: 0))
        for i in events.indices { events[i].sequence = UInt64(i) }
        self.events = events
    }

    /// The outcome a spell's destination implies, as the simulation records it.
    static func outcome(_ destination: Int32, from service: Int, _ scenario: Scenario) -> Outcome {
        if destination == Destination.died { return .died }
        if scenario.services[service].kind == .crisisResponse {
            return destination == Int32(scenario.acute) ? .conveyed : .avoided
        }
        if destination < 0 { return .independent }
        switch scenario.services[Int(destination)].kind {
        case .acute: return .readmitted
        case .careHome: return .careHome
        case .homeCare: return .homeCare
        case .crisisResponse, .homeReablement, .bedBased: return .independent
        }
    }

    /// Where a patient is at time `t`, from their spells (as the 91-day follow-up asks).
    static func followUpStatus(at t: Double, of spells: [Spell], _ scenario: Scenario) -> FollowUpStatus {
        for s in spells where s.destination == Destination.died {
            if let d = s.discharged, d <= t { return .dead }
        }
        for s in spells where s.admitted <= t && (s.discharged.map { t < $0 } ?? true) {
            switch scenario.services[s.service].kind {
            case .acute: return .inHospital
            case .careHome: return .inCareHome
            case .bedBased: return .inBedBasedCare
            case .crisisResponse, .homeReablement, .homeCare: return .atHome
            }
        }
        return .atHome
    }

    /// The metrics of the activity, through the same projection as a simulation.
    public func metrics(recordingDaily: Bool = false) -> ReplicationMetrics {
        var projection = Projection(context: context, recordingDaily: recordingDaily)
        for e in events { projection.append(e) }
        return projection.metrics()
    }
}
