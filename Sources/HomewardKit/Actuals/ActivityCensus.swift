/// A starting census taken from real activity (`homeward run --census-from ACTIVITY --at DATE`):
/// the patients in hospital and in downstream services at midnight at the start of DATE.
///
/// The scenario is rewritten, before it is read, to start on DATE with no warm-up (the census
/// is the real state, so there is nothing to warm up from), with its `census` and care homes'
/// `initialResidents` replaced by the counts from the activity. Services the file has no spells
/// of at all keep the scenario's own census (an extract of hospital activity alone says nothing
/// about reablement). Remaining times are drawn as for any census (the forward-recurrence law
/// of the scenario's durations, docs/model.md), not from each patient's elapsed time.
public struct ActivityCensus: Sendable {
    public struct Count: Sendable, Equatable {
        public var service: String
        public var patients: Int
        /// Acute patients medically optimised before the date with a pathway: placed as delayed.
        public var delayed: Int
    }

    public var counts: [Count]
    /// Services whose census was taken from the activity (others kept the scenario's).
    public var replaced: [String]
    /// Patients waiting in ED at the date (conveyed, not admitted): a census cannot hold them.
    public var waitingInED: Int
    /// Patients in a crisis-response episode at the date: too short-lived to carry over.
    public var inCrisisResponse: Int
    /// Acute patients optimised before the date without a pathway: placed as not yet optimised.
    public var optimisedWithoutPathway: Int

    /// The merged scenario JSON rewritten to start at `at` from the activity's census.
    /// - Parameters:
    ///   - activity: the spells, read against `scenario`.
    ///   - scenario: the scenario whose services, cohorts and pathways the spells name.
    ///   - origin: time 0 of `activity`.
    ///   - at: the date the run starts on: the census is the spells open at its midnight.
    ///   - root: the scenario's merged JSON (`LoadedScenario.merged`), to be rewritten.
    /// - Returns: the rewritten JSON, and what the census took from the activity.
    public static func apply(
        activity: ActivityFile, scenario: Scenario, origin: CivilDate, at: CivilDate, to root: JSONValue
    ) -> (json: JSONValue, census: ActivityCensus) {
        let t = Double(at.daysSinceEpoch - origin.daysSinceEpoch)
        let present = activity.spells.filter { $0.admitted < t && ($0.discharged.map { $0 > t } ?? true) }
        let servicesWithSpells = Set(activity.spells.map(\.service))
        var census = ActivityCensus(
            counts: [], replaced: [], waitingInED: 0, inCrisisResponse: 0, optimisedWithoutPathway: 0)
        guard case .object(var top) = root else { return (root, census) }
        top["start"] = .string(at.description)
        top["warmupDays"] = .number(0)
        var censusObject = top["census"]?.objectValue ?? JSONObject()
        var services = top["services"]?.objectValue ?? JSONObject()
        for (s, service) in scenario.services.enumerated() where servicesWithSpells.contains(s) {
            let here = present.filter { $0.service == s }
            switch service.kind {
            case .careHome:
                if case .object(var o)? = services[service.name] {
                    o["initialResidents"] = .number(Double(here.count))
                    services[service.name] = .object(o)
                }
                census.counts.append(Count(service: service.name, patients: here.count, delayed: 0))
                census.replaced.append(service.name)
            case .crisisResponse:
                census.inCrisisResponse += here.count
            case .acute, .homeReablement, .bedBased, .homeCare:
                let admitted = here.filter { !$0.waiting }
                census.waitingInED += here.count - admitted.count
                // Groups of (cohort, delayed-on pathway) in the scenario's order.
                var groups: [String: (cohort: Int, pathway: Int?, patients: Int)] = [:]
                var delayed = 0
                for spell in admitted {
                    var pathway: Int?
                    if s == scenario.acute, let optimised = spell.optimised, optimised <= t {
                        if let p = spell.pathway {
                            pathway = p
                            delayed += 1
                        } else {
                            census.optimisedWithoutPathway += 1
                        }
                    }
                    let key = "\(spell.cohort)/\(pathway ?? -1)"
                    groups[key, default: (spell.cohort, pathway, 0)].patients += 1
                }
                let entries = groups.values.sorted { ($0.cohort, $0.pathway ?? -1) < ($1.cohort, $1.pathway ?? -1) }.map
                { g -> JSONValue in
                    var pairs: [(String, JSONValue)] = [
                        ("cohort", .string(scenario.cohorts[g.cohort].name)), ("patients", .number(Double(g.patients))),
                    ]
                    if let p = g.pathway { pairs.append(("delayedOnPathway", .string(scenario.pathways[p].name))) }
                    return .object(JSONObject(pairs))
                }
                censusObject[service.name] = .array(entries)
                census.counts.append(Count(service: service.name, patients: admitted.count, delayed: delayed))
                census.replaced.append(service.name)
            }
        }
        top["census"] = .object(censusObject)
        top["services"] = .object(services)
        return (.object(top), census)
    }

    /// One line for the terminal: what the census holds.
    public var description: String {
        var parts = counts.map { "\($0.service) \($0.patients)" + ($0.delayed > 0 ? " (\($0.delayed) delayed)" : "") }
        if waitingInED > 0 { parts.append("\(waitingInED) waiting in ED left out") }
        if inCrisisResponse > 0 { parts.append("\(inCrisisResponse) in crisis response left out") }
        if optimisedWithoutPathway > 0 {
            parts.append("\(optimisedWithoutPathway) optimised without a pathway placed as not yet optimised")
        }
        return parts.joined(separator: "; ")
    }
}
