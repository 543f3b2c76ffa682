import Dispatch
import Foundation

/// Every temporary and part file this process has created and not yet renamed or removed, and
/// every result it has finished, so that an interrupt can clean up and say what it kept.
///
/// Creation and registration happen under one lock, as do the renames of a result set's
/// commit (`committing`): an interrupt handled while a commit is under way waits for it to
/// finish, so a set is either wholly committed or not at all.
public final class OutputRegistry: @unchecked Sendable {  // every stored var only under `lock`
    /// The process's registry.
    public static let shared = OutputRegistry()

    /// Recursive: a commit (`committing`) renames and registers files while holding it.
    private let lock = NSRecursiveLock()
    private var temporaries: Set<String> = []
    private var kept: [String] = []
    private var sources: [DispatchSourceSignal] = []

    /// Creates a file with `body` (which returns a descriptor or -1) and registers `path` in
    /// the same step, so no file exists that an interrupt would miss.
    func creating(_ path: String, _ body: () -> Int32) -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        let fd = body()
        if fd >= 0 { temporaries.insert(path) }
        return fd
    }

    /// Forgets `path` (it was renamed into place).
    func forget(_ path: String) {
        lock.lock()
        temporaries.remove(path)
        lock.unlock()
    }

    /// Removes the temporary `path` and forgets it.
    func remove(_ path: String) {
        lock.lock()
        unlink(path)
        temporaries.remove(path)
        lock.unlock()
    }

    /// Runs `body` (the renames of a commit) with interrupts held off until it returns.
    func committing<R>(_ body: () throws(OutputError) -> R) throws(OutputError) -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Notes a finished result (a file or a result set's folder), for the interrupt message.
    func finished(_ path: String) {
        lock.lock()
        if !kept.contains(path) { kept.append(path) }
        lock.unlock()
    }

    /// The temporaries currently registered (for tests).
    var pending: Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return temporaries
    }

    /// The exit status of a process ended by `signalNumber`: 128 + the signal's number, as
    /// shells report it.
    public static func exitStatus(after signalNumber: Int32) -> Int32 { 128 + signalNumber }
    /// The exit status after Ctrl-C (SIGINT): 130.
    public static let interruptedStatus = exitStatus(after: SIGINT)
    /// The exit status after SIGTERM: 143.
    public static let terminatedStatus = exitStatus(after: SIGTERM)

    /// Installs the handlers of SIGINT and SIGTERM: remove every registered temporary, say on
    /// standard error what was kept and what was discarded, and exit with
    /// `exitStatus(after:)` the signal (`interruptedStatus`, `terminatedStatus`).
    ///
    /// The work is done on a Dispatch queue, not in a signal handler, so it may take locks and
    /// allocate; the signals themselves are ignored so that only the Dispatch sources see them.
    /// Call once, from the executable (never from tests that run commands in-process).
    public static func installInterruptHandlers() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(
                signal: signalNumber, queue: DispatchQueue.global(qos: .userInitiated))
            source.setEventHandler { shared.interrupted(by: signalNumber) }
            source.resume()
            shared.lock.lock()
            shared.sources.append(source)
            shared.lock.unlock()
        }
    }

    /// Cleans up after an interrupt and ends the process (never returns).
    func interrupted(by signalNumber: Int32) -> Never {
        lock.lock()  // held until _exit: no file is created or renamed after this point
        var removed: [String] = []
        for path in temporaries.sorted() where unlink(path) == 0 || errno != ENOENT { removed.append(path) }
        temporaries.removeAll()
        let name = signalNumber == SIGINT ? "SIGINT" : signalNumber == SIGTERM ? "SIGTERM" : "signal \(signalNumber)"
        var message = "homeward: interrupted by \(name)."
        if removed.isEmpty {
            message += " No unfinished file to discard."
        } else {
            let shown = removed.prefix(5).joined(separator: ", ")
            message += " Discarded \(removed.count) unfinished file\(removed.count == 1 ? "" : "s") (\(shown)"
            message += removed.count > 5 ? ", ...)." : ")."
        }
        if kept.isEmpty {
            message += " Nothing finished by this run; results already in the output folders are unchanged.\n"
        } else {
            let shown = kept.prefix(5).joined(separator: ", ")
            message += " Kept the finished results: \(shown)\(kept.count > 5 ? " and \(kept.count - 5) more" : "").\n"
        }
        let bytes = Array(message.utf8)
        _ = bytes.withUnsafeBytes { SafeFile.writeAll(2, $0) }
        _exit(Self.exitStatus(after: signalNumber))
    }
}
