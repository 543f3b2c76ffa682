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

/// Every problem found in a scenario (validation reports them all, not just the first), up
/// to `maximumShown`; beyond that they are counted.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    /// Problems listed in full; more are counted in `more` (a file with millions of unknown
    /// keys must not take minutes and gigabytes to say so).
    public static let maximumShown = 100

    /// The problems shown (at most `maximumShown`).
    public var issues: [ScenarioIssue]
    /// How many more problems were found.
    public var more: Int

    /// Keeps the first `maximumShown` of `issues` and counts the rest, with `more` already
    /// counted elsewhere.
    public init(issues: [ScenarioIssue], more: Int = 0) {
        self.issues = Array(issues.prefix(Self.maximumShown))
        self.more = more + issues.count - self.issues.count
    }

    /// One problem a line, then `FILE: ... and N more problems` when some are not shown (named
    /// by the last problem's file, so that every line starts with a file).
    public var description: String {
        let shown = issues.map(\.description).joined(separator: "\n")
        guard more > 0 else { return shown }
        let file = issues.last.map { "\($0.file): " } ?? ""
        return shown + "\n\(file)... and \(more) more problem\(more == 1 ? "" : "s")"
    }
}
