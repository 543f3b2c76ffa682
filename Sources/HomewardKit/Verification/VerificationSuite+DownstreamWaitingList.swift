import Foundation

extension VerificationSuite {
    /// A waiting list before a downstream service against the M/M/c/K queue.
    ///
    /// The acute hospital has so many beds that nobody waits for one (checked: the Poisson tail
    /// of the number in treatment at or above the beds left when the whole list waits in acute
    /// beds is below 1e-9), so with exponential stays the times patients are ready to leave are
    /// the departures of an M/M/infinity queue, a Poisson stream at the arrival rate (Burke's
    /// theorem for c = infinity). Every patient asks for the one downstream service at once (no
    /// assessment, transfers at any hour), whose exponential duration, `capacity` c and
    /// `waitingList` K - c make it M/M/c/K with offered load a = lambda x mean duration. The
    /// share placed out of area is pi_K and the mean wait of those admitted (from the request)
    /// is L_q / (lambda (1 - pi_K)) (`QueueingTheory.mmcK`).
    /// `full` runs four times the scenario's replications.
    static func downstreamWaitingListChecks(
        _ s: Scenario, _ full: Bool, _ threads: Int, _ progress: (String) -> Void
    ) throws -> [Check] {
        progress(s.name)
        let (lambda, meanStay) = try arrivalsAndStay(s)
        guard let d = s.services.firstIndex(where: { $0.waitingList != nil }), let list = s.services[d].waitingList,
            let duration = s.services[d].duration, s.cohorts[0].lengthOfStay.mean > 0
        else {
            throw VerificationError.unsupported(
                "mmck-downstream: needs a downstream service with a waitingList and a duration")
        }
        let service = s.services[d]
        let beds = s.services[s.acute].capacity.initial
        // P(N >= beds - list) for N ~ Poisson(lambda x mean stay): the chance that a bed is short.
        let inTreatment = lambda * meanStay
        var term = exp(-inTreatment)
        var below = 0.0
        for n in 0..<max(beds - list, 0) {
            below += term
            term *= inTreatment / Double(n + 1)
        }
        guard 1 - below < 1e-9 else {
            throw VerificationError.unsupported(
                "mmck-downstream: the acute hospital must have beds enough that nobody waits for one")
        }
        let c = service.capacity.initial
        let a = lambda * duration.mean
        let exact = QueueingTheory.mmcK(servers: c, waitingRoom: list, offeredLoad: a)
        let runs = replicate(s, s.replications * (full ? 4 : 1), threads)
        let name = service.name
        return [
            check(
                s.name, "share of \(name) requests placed out of area (M/M/\(c)/\(c + list) pi_K)", exact.blocking,
                runs.map { $0.metrics[.servicePlacedOutOfAreaShare, name] ?? .nan }),
            check(
                s.name, "mean wait for \(name) of those admitted, days (Lq / lambda(1 - pi_K))",
                exact.meanQueue / (lambda * (1 - exact.blocking)),
                runs.map { $0.metrics[.serviceMeanWaitDays, name] ?? .nan }),
        ]
    }
}
