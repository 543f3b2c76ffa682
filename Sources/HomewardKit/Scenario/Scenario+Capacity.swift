extension Scenario {
    /// Services that start with more occupants than places: a census (or, for a care home, its
    /// initial residents) above the capacity at the start.
    ///
    /// This is allowed (a planner testing a cut need not edit the census): the service runs over
    /// capacity until enough occupants leave and takes nobody new until it is below capacity
    /// (see docs/model.md). `homeward validate` reports each as a warning, `FILE: census.NAME:
    /// ...` in the form of every other note about a scenario.
    ///
    /// - Parameter file: the file named in each note.
    /// - Returns: one note per service over capacity at the start, in service order.
    public func overCapacityAtStart(file: String) -> [ScenarioIssue] {
        let present = presentAtStart
        return services.indices.compactMap { s in
            let service = services[s]
            let n = present[s]
            let c = service.capacity.initial
            guard n > c else { return nil }
            let path =
                service.kind == .careHome ? "services.\(service.name).initialResidents" : "census.\(service.name)"
            return ScenarioIssue(
                file: file, path: path,
                message:
                    "has \(n) patients but the capacity at the start is \(c): the service runs \(n - c) over capacity and takes nobody new until enough leave"
            )
        }
    }
}

extension Scenario {
    /// The share of its settled occupancy a service started empty must reach by the end of the
    /// warm-up, as an infinite-capacity service would (`slowToSettle`).
    public static let settledShare = 0.95

    /// Services that start empty (no census, no `initialResidents`) and whose stays are too
    /// long for the warm-up: even with places to spare, they would hold less than
    /// `settledShare` of their settled occupancy when measurement begins, so the first months
    /// of results (and any wait for them) run low.
    ///
    /// The measure is exact for a service that never fills: started empty, an M/G/∞ service
    /// holds at time t the share F_e(t) = ∫_0^t P(S > u) du / E[S] of its stationary mean
    /// (`Distribution.equilibriumCDF`). A full service with a queue settles more slowly still,
    /// so a service this check passes may still be unsettled (`homeward warmup` measures it);
    /// one it flags certainly is. Care-home stays are exponential with the home's
    /// `annualMortality`; acute and crisis-response stays are short and not checked.
    ///
    /// - Parameter file: the file named in each note.
    /// - Returns: one note per such service, in service order.
    public func slowToSettle(file: String) -> [ScenarioIssue] {
        let present = presentAtStart
        let warmup = Double(warmupDays)
        return services.indices.compactMap { s in
            let service = services[s]
            guard present[s] == 0, service.kind != .acute, service.kind != .crisisResponse else { return nil }
            let stay: Distribution
            if service.kind == .careHome {
                guard service.annualMortality > 0 else { return nil }
                stay = .exponential(mean: 365.25 / service.annualMortality)
            } else {
                guard let duration = service.duration else { return nil }
                stay = duration
            }
            guard stay.mean > 0, stay.equilibriumCDF(at: warmup) < Self.settledShare else { return nil }
            let reached = stay.equilibriumCDF(at: warmup)
            let needed = stay.equilibriumQuantile(Self.settledShare)
            let start = service.kind == .careHome ? "initialResidents" : "a census"
            return ScenarioIssue(
                file: file, path: "services.\(service.name)",
                message:
                    "starts empty and its stays average \(Self.days(stay.mean)) days: even with places to spare it would hold only \(Int((reached * 100).rounded(.down)))% of its settled occupancy after the \(warmupDays)-day warm-up (95% after \(Self.days(needed)) days; a full service with a queue takes longer); start it from \(start) or set warmupDays to at least \(Self.days(needed))"
            )
        }
    }

    private static func days(_ x: Double) -> String {
        x.isFinite && x < 1e9 ? String(Int(x.rounded(.up))) : String(x)
    }
}

extension Scenario {
    /// The patients in each service at time 0: care homes' `initialResidents` and the census.
    var presentAtStart: [Int] {
        var present = services.map { $0.kind == .careHome ? $0.initialResidents : 0 }
        for entry in census { present[entry.service] += entry.patients }
        return present
    }
}
