import HomewardKit

/// The command line, as a layer that raises errors of its own.
public enum CommandLineLayer: ErrorLayer {}

/// A failure of the command line itself (an unknown option, a missing operand, an option
/// value out of range), or one a command raises about its own request, with its kind.
/// The library's layers throw their own errors (`OutputError`, `ExperimentError`,
/// `ReportError`, ...); `HomewardCLI.report` maps them all to exit statuses.
public typealias CommandFailure = LayerError<CommandLineLayer>

extension LayerError where Layer == CommandLineLayer {
    /// A usage error (bad input): the option or operand, and what is wrong with it.
    public static func usage(_ message: String) -> Self { .badInput(message) }
}
