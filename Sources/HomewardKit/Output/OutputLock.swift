import Foundation

/// An exclusive lock on an output folder or event log, held for a whole command so that a
/// second run on the same output fails at once instead of both reporting success over files
/// they each wrote half of.
///
/// The lock is `flock(LOCK_EX | LOCK_NB)` on a lock file: `DIR/.homeward.lock` for a folder,
/// `.NAME.homeward.lock` beside a log `NAME`. The file holds the owner's process id, for the
/// message. It is never removed (removing it would let two runs lock two different files of the
/// same name); the kernel drops the lock when its holder exits, however it exits.
///
/// - Note: `flock` locks are advisory: they keep Homeward runs apart, not other programs. On
///   network file systems where `flock` is not shared between machines, two runs on different
///   machines are not kept apart.
public final class OutputLock: @unchecked Sendable {  // `fd` changes only in `init` and under `guardFD`
    /// The locked path (a folder, or a log file).
    public let path: String
    /// The lock file.
    public let lockFile: String
    private var fd: Int32
    /// Guards `fd` once the lock is made, so that `release()` from two threads closes it once.
    private let guardFD = NSLock()

    /// Takes the lock of a folder (which must exist) or of a file (`isFolder` false).
    ///
    /// - Throws: `OutputError.badInput` ("DIR is in use by another homeward run (pid N)") when
    ///   another run holds it, `OutputError.io` when the lock file cannot be created.
    public init(_ path: String, isFolder: Bool) throws(OutputError) {
        self.path = path
        let folder = isFolder ? path : SafeFile.directory(of: path)
        lockFile =
            isFolder
            ? folder + "/.homeward.lock" : folder + "/." + (path as NSString).lastPathComponent + ".homeward.lock"
        fd = open(lockFile, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .io("cannot lock '\(path)': cannot open '\(lockFile)': \(SafeFile.reason(errno))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            _ = close(fd)
            throw .badInput("cannot lock '\(path)': '\(lockFile)' is not a regular file")
        }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            if e == EINTR { continue }
            let owner = Self.owner(fd)
            _ = close(fd)
            if e == EWOULDBLOCK {
                throw .badInput(
                    "\(path) is in use by another homeward run\(owner.map { " (pid \($0))" } ?? ""); wait for it to finish or choose another output"
                )
            }
            throw .io("cannot lock '\(path)': \(SafeFile.reason(e))")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit { release() }

    /// Releases the lock (also done when the lock is deallocated or the process ends).
    public func release() {
        guardFD.lock()
        defer { guardFD.unlock() }
        guard fd >= 0 else { return }
        _ = flock(fd, LOCK_UN)
        _ = close(fd)
        fd = -1
    }

    /// The process id written in the lock file by its holder, if readable.
    static func owner(_ fd: Int32) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 31, 0) }
        guard n > 0 else { return nil }
        return Int(String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// The outputs of one command: the locks it holds until it ends. `HomewardCLI.main` opens a
/// session around each command; library code finds it through `OutputSession.current`.
public final class OutputSession: @unchecked Sendable {  // `locks` is read and written only under `lock`
    /// The session of the command running on this task or thread, if any.
    @TaskLocal public static var current: OutputSession?

    private let lock = NSLock()
    private var locks: [String: OutputLock] = [:]
    /// The command line (`homeward` and its arguments), recorded in result manifests.
    public let command: [String]
    /// The command and operands whose results it writes, recorded in result manifests (set by
    /// `OutputPlan.claim()`).
    public var owner: ResultOwner? {
        get {
            lock.lock()
            defer { lock.unlock() }
            return recordedOwner
        }
        set {
            lock.lock()
            recordedOwner = newValue
            lock.unlock()
        }
    }
    private var recordedOwner: ResultOwner?

    /// An empty session of the command `command` (arguments after the program name).
    public init(command: [String] = []) { self.command = ["homeward"] + command }

    /// Takes (once per session) the lock of a folder or a log file, held until `close()`.
    ///
    /// - Throws: `OutputError.badInput` when another run holds it.
    public func hold(_ path: String, isFolder: Bool) throws(OutputError) {
        let key = Self.identity(path) ?? path
        lock.lock()
        defer { lock.unlock() }
        if locks[key] != nil { return }
        locks[key] = try OutputLock(path, isFolder: isFolder)
    }

    /// Releases every lock of the session.
    public func close() {
        lock.lock()
        let held = locks.values
        locks.removeAll()
        lock.unlock()
        for l in held { l.release() }
    }

    /// The canonical path of `path`'s folder plus its name (nil when the folder does not exist).
    static func identity(_ path: String) -> String? {
        guard let parent = realpath(SafeFile.directory(of: path), nil) else { return nil }
        defer { free(parent) }
        return String(cString: parent) + "/" + (path as NSString).lastPathComponent
    }

    /// Runs `body` with the lock of `path` held: the current session's (kept after `body`), or a
    /// lock of its own for the duration of `body` when there is no session.
    static func withLock<R>(_ path: String, isFolder: Bool, _ body: () throws(OutputError) -> R)
        throws(OutputError) -> R
    {
        if let session = current {
            try session.hold(path, isFolder: isFolder)
            return try body()
        }
        let own = try OutputLock(path, isFolder: isFolder)
        defer { own.release() }
        return try body()
    }
}
