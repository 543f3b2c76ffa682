import Foundation

/// Where commands write: standard output for results, standard error for messages.
public struct Console: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void
    /// Whether standard error is a terminal (progress bars and colour only then).
    public var interactive: Bool
    /// Whether colour is allowed (a terminal, and `NO_COLOR` not set).
    public var color: Bool

    public init(
        out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void, interactive: Bool,
        color: Bool
    ) {
        self.out = out
        self.err = err
        self.interactive = interactive
        self.color = color
    }

    /// The process's real standard output and error.
    public static var standard: Console {
        let tty = isatty(STDERR_FILENO) == 1
        return Console(
            out: { FileHandle.standardOutput.write(Data($0.utf8)) },
            err: { FileHandle.standardError.write(Data($0.utf8)) },
            interactive: tty,
            color: colorAllowed(terminal: isatty(STDOUT_FILENO) == 1, environment: ProcessInfo.processInfo.environment))
    }

    /// Colour only on a terminal, and never when `NO_COLOR` is set to anything (no-color.org).
    public static func colorAllowed(terminal: Bool, environment: [String: String]) -> Bool {
        terminal && (environment["NO_COLOR"] ?? "").isEmpty
    }
}

/// A progress bar with an ETA on standard error, drawn only on a terminal.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let label: String
    private let console: Console
    private let enabled: Bool
    private let began = Date()
    private var lastDraw = Date.distantPast

    init(total: Int, label: String, console: Console, quiet: Bool) {
        self.total = total
        self.label = label
        self.console = console
        self.enabled = console.interactive && !quiet && total > 1
    }

    func update(_ done: Int) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let fraction = Double(done) / Double(max(total, 1))
        let width = 30
        let filled = Int(fraction * Double(width))
        let elapsed = now.timeIntervalSince(began)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        console.err("\r\(label) [\(bar)] \(done)/\(total)  ETA \(Int(eta.rounded()))s ")
        if done == total { console.err("\r" + String(repeating: " ", count: label.count + width + 30) + "\r") }
    }
}
