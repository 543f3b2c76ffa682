import Foundation
import HomewardKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where commands write: standard output for results, standard error for messages.
public struct Console: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void
    /// Whether standard error is a terminal (progress bars and colour only then).
    public var interactive: Bool
    /// Whether colour is allowed (a terminal, and `NO_COLOR` not set).
    public var color: Bool
    /// Why writing to standard output failed (the system's message for the first failure), or
    /// nil while every write has succeeded. `HomewardCLI.main` ends the command with exit 3.
    public var outputFailure: String? { stream?.failure }
    let stream: StandardStream?

    public init(
        out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void, interactive: Bool,
        color: Bool
    ) {
        self.init(out: out, err: err, interactive: interactive, color: color, stream: nil)
    }

    init(
        out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void, interactive: Bool,
        color: Bool, stream: StandardStream?
    ) {
        self.out = out
        self.err = err
        self.interactive = interactive
        self.color = color
        self.stream = stream
    }

    /// The process's real standard output and error, written with `write(2)`: a full disk, a
    /// closed pipe or a closed descriptor is recorded in `outputFailure` (SIGPIPE is ignored),
    /// never a crash.
    public static var standard: Console {
        let output = StandardStream.output
        let error = StandardStream.error
        return Console(
            out: { output.write($0) }, err: { error.write($0) }, interactive: isatty(STDERR_FILENO) == 1,
            color: colorAllowed(terminal: isatty(STDOUT_FILENO) == 1, environment: ProcessInfo.processInfo.environment),
            stream: output)
    }

    /// Prepares the process's standard output and error before anything else opens a file
    /// descriptor: SIGPIPE ignored, and a closed descriptor 1 or 2 held on /dev/null, so that
    /// nothing opened later (a result file, or the descriptors Dispatch opens for signal
    /// sources) takes its number. The executable calls it first.
    public static func prepareStandardStreams() {
        _ = StandardStream.output
        _ = StandardStream.error
    }

    /// Colour only on a terminal, and never when `NO_COLOR` is set to anything (no-color.org).
    public static func colorAllowed(terminal: Bool, environment: [String: String]) -> Bool {
        terminal && (environment["NO_COLOR"] ?? "").isEmpty
    }
}

/// Standard output or error of the process, written with `write(2)` in a loop (partial writes
/// and EINTR handled). After the first failure (EPIPE, ENOSPC, EBADF...) the stream keeps the
/// system's message and drops later writes, so that a command whose output nobody reads stops
/// writing at once and ends with exit 3.
final class StandardStream: @unchecked Sendable {  // `failed` is read and written only under `lock`
    let descriptor: Int32
    private let lock = NSLock()
    private var failed: String?

    /// The process's standard output and error, prepared once: SIGPIPE ignored (a closed pipe
    /// becomes EPIPE), and a closed descriptor 1 or 2 held open on /dev/null so that no file
    /// opened later takes its number (the failure is still recorded for standard output).
    static let output = StandardStream(STDOUT_FILENO)
    static let error = StandardStream(STDERR_FILENO)

    private init(_ descriptor: Int32) {
        self.descriptor = descriptor
        signal(SIGPIPE, SIG_IGN)
        if fcntl(descriptor, F_GETFD) < 0 && errno == EBADF {
            failed = String(cString: strerror(EBADF))
            let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
            if null >= 0 && null != descriptor {
                dup2(null, descriptor)
                close(null)
            }
        }
    }

    /// The first failure's message, if any.
    var failure: String? {
        lock.lock()
        defer { lock.unlock() }
        return failed
    }

    func write(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        guard failed == nil else { return }
        let bytes = Array(text.utf8)
        let count = bytes.count
        var done = 0
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            while done < count {
                let n = writeBytes(descriptor, base + done, count - done)
                if n > 0 {
                    done += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    failed = String(cString: strerror(n < 0 ? errno : EIO))
                    return
                }
            }
        }
    }
}

/// `write(2)`, under a name that `StandardStream.write` does not hide.
private func writeBytes(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

/// A progress bar with an ETA on standard error, drawn only on a terminal; or, with
/// `--progress-lines`, one machine-readable line `progress DONE TOTAL` per step (at most ten a
/// second, and always the last), whatever standard error is.
final class ProgressBar: @unchecked Sendable {  // `lastDraw` is read and written only under `lock`
    private let lock = NSLock()
    private let total: Int
    private let label: String
    private let console: Console
    private let enabled: Bool
    private let lines: Bool
    private let began = Date()
    private var lastDraw = Date.distantPast

    init(total: Int, label: String, console: Console, quiet: Bool, lines: Bool = false) {
        self.total = total
        self.label = label
        self.console = console
        self.lines = lines
        self.enabled = lines || (console.interactive && !quiet && total > 1)
    }

    /// The line `--progress-lines` writes after `done` of `total` steps.
    static func line(done: Int, total: Int) -> String { "progress \(done) \(total)\n" }

    func update(_ done: Int) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        if lines {
            console.err(Self.line(done: done, total: total))
            return
        }
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
