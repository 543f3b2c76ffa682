import HomewardKit

/// A failure of the command line itself (an unknown option, a missing operand, an option
/// value out of range), or one a command raises about its own request, with its kind.
/// The library's layers throw their own errors (`OutputError`, `ExperimentError`,
/// `ReportError`, ...); `HomewardCLI.report` maps them all to exit statuses.
public struct CommandFailure: HomewardError {
    public var kind: FailureKind
    public var message: String
    public init(kind: FailureKind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// A usage error (bad input): the option or operand, and what is wrong with it.
    public static func usage(_ message: String) -> CommandFailure { .badInput(message) }
}
