/// The process exit status of `homeward`, one meaning per value (README and `homeward --help`
/// list them).
public enum ExitStatus: Int32, Sendable {
    /// The command did what was asked.
    case success = 0
    /// `check`: a target was missed; `verify`: a check failed.
    case targetsMissed = 1
    /// Bad input or usage: an unknown option, a malformed scenario, activity file, log or
    /// results folder, an output Homeward refuses to write; the message names it.
    case badInput = 2
    /// An output could not be written (a full disk, a closed pipe, a folder in the way), a
    /// file could not be read, or an internal failure.
    case outputFailed = 3
    /// Stopped by Ctrl-C (SIGINT); unfinished files were removed. The library's signal handler
    /// exits with this value (`OutputRegistry.interruptedStatus`; a test checks they agree).
    case interrupted = 130
    /// Stopped by SIGTERM; unfinished files were removed (`OutputRegistry.terminatedStatus`).
    case terminated = 143
}

extension HomewardCLI {
    /// `ExitStatus`, by a name that files importing Swift Testing (which has an `ExitStatus`
    /// of its own) can spell.
    public typealias Status = ExitStatus
}
