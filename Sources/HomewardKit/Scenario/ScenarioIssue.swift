/// One problem found in a scenario file, with where it is.
///
/// Printed as `FILE: field.path: message`, the form every Homeward error about input takes.
public struct ScenarioIssue: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// Dotted path of the field (`services.reablement.capacity`); empty for the whole file.
    public var path: String
    public var message: String

    public init(file: String, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)" }
}

/// Every problem found in a scenario (validation reports them all, not just the first).
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public var issues: [ScenarioIssue]

    public init(issues: [ScenarioIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
