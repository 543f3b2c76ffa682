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
        var present = services.map { $0.kind == .careHome ? $0.initialResidents : 0 }
        for entry in census { present[entry.service] += entry.patients }
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
