import Foundation

/// The one place where Homeward creates, writes and renames output files, with the POSIX calls
/// that make it safe in a folder other users can write to:
///
/// - temporary files get an unpredictable name (64 random bits from the system's generator)
///   and are created with `O_CREAT | O_EXCL | O_NOFOLLOW`, so an existing file or a planted
///   symbolic link is never opened, let alone truncated;
/// - every byte is written (partial writes and `EINTR` are retried), the file is `fsync`ed and
///   only then renamed over the target, and the folder is `fsync`ed after the rename;
/// - a character device or named pipe at the target is written in place, never replaced.
///
/// Every temporary file is listed in `OutputRegistry` from its creation until it is renamed or
/// removed, so that an interrupt removes it.
enum SafeFile {
    /// 16 hexadecimal digits from the system's random number generator.
    static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        let n = generator.next() as UInt64
        return String(n, radix: 16).leftPadded(to: 16, with: "0")
    }

    /// The folder of `path` (`.` for a bare name).
    static func directory(of path: String) -> String {
        let d = PathName.parent(of: path)
        return d.isEmpty ? "." : d
    }

    /// Creates a new, empty temporary file for `path` in `directory` (by default the target's
    /// own folder, so that the final rename stays on one file system), named
    /// `.NAME.TAG.RANDOM.tmp`, and registers it for removal on interrupt.
    ///
    /// - Returns: the open descriptor (write-only, close-on-exec) and the temporary's path.
    /// - Throws: `OutputError.io` when the folder cannot be written.
    static func createTemporary(for path: String, tag: String = "", in directory: String? = nil)
        throws(OutputError) -> (fd: Int32, path: String)
    {
        let folder = directory ?? Self.directory(of: path)
        let name = (path as NSString).lastPathComponent
        var lastError: Int32 = 0
        for _ in 0..<8 {
            let candidate = folder + "/." + name + (tag.isEmpty ? "" : "." + tag) + "." + randomSuffix() + ".tmp"
            let fd = OutputRegistry.shared.creating(candidate) {
                open(candidate, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0o644)
            }
            if fd >= 0 { return (fd, candidate) }
            lastError = errno
            if lastError != EEXIST { break }
        }
        throw .io("cannot write '\(path)': cannot create a temporary file in '\(folder)': \(reason(lastError))")
    }

    /// Opens an existing character device or named pipe for writing, in place (no creation, no
    /// truncation). A named pipe with no reader fails at once instead of waiting for one.
    ///
    /// - Throws: `OutputError.io` when it cannot be opened, or when the node changed kind
    ///   since it was examined.
    static func openInPlace(_ path: String) throws(OutputError) -> Int32 {
        let fd = open(path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENXIO {
                throw .io("cannot write '\(path)': it is a named pipe and nothing is reading it")
            }
            throw .io("cannot write '\(path)': \(reason(errno))")
        }
        var info = stat()
        let kind = fstat(fd, &info) == 0 ? info.st_mode & S_IFMT : 0
        guard kind == S_IFCHR || kind == S_IFIFO else {
            _ = close(fd)
            throw .io("cannot write '\(path)': it changed while being opened (no longer a device or named pipe)")
        }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        return fd
    }

    /// Writes all of `bytes` to `fd`, retrying partial writes and interrupted calls.
    ///
    /// - Returns: nil on success, else the `errno` of the failure.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        guard var p = bytes.baseAddress else { return nil }
        var left = bytes.count
        while left > 0 {
            let n = Foundation.write(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            p += n
            left -= n
        }
        return nil
    }

    /// Renames the complete temporary `temporary` (already written and `fsync`ed) over `path`,
    /// then `fsync`s the folder so that the new name survives a power cut.
    static func rename(_ temporary: String, over path: String) throws(OutputError) {
        guard Foundation.rename(temporary, path) == 0 else {
            let e = errno
            OutputRegistry.shared.remove(temporary)
            throw .io("cannot write '\(path)': \(reason(e))")
        }
        OutputRegistry.shared.forget(temporary)
        syncDirectory(directory(of: path))
    }

    /// `fsync` on a folder (best effort: some file systems refuse it).
    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            _ = close(fd)
        }
    }

    /// Writes `bytes` to `path` as a whole: through an exclusive temporary renamed into place
    /// (absent or regular target), or in place (device or named pipe).
    ///
    /// - Throws: `OutputError.badInput` for a target Homeward does not write (see
    ///   `OutputTarget.check`), `OutputError.io` when writing fails; the target is then left
    ///   as it was (except a device or pipe, which may have received part of the bytes).
    static func write(_ bytes: [UInt8], to path: String) throws(OutputError) {
        try OutputTarget.check(path)
        if OutputTarget.of(path).writtenInPlace {
            let fd = try openInPlace(path)
            let failure = bytes.withUnsafeBytes { writeAll(fd, $0) }
            let closed = close(fd)
            if let failure { throw .io("cannot write '\(path)': \(reason(failure))") }
            if closed != 0 { throw .io("cannot write '\(path)': \(reason(errno))") }
            return
        }
        let (fd, temporary) = try createTemporary(for: path)
        var failure = bytes.withUnsafeBytes { writeAll(fd, $0) }
        if failure == nil && fsync(fd) != 0 && errno != EINVAL { failure = errno }
        if close(fd) != 0 && failure == nil { failure = errno }
        if let failure {
            OutputRegistry.shared.remove(temporary)
            throw .io("cannot write '\(path)': \(reason(failure))")
        }
        try rename(temporary, over: path)
    }

    /// Creates the folder `path` and any missing parents, with messages that name the part of
    /// the path that is in the way.
    ///
    /// - Throws: `OutputError.io` (exit 3, as for any file system state in the way) naming
    ///   the part of the path that is not a folder ("cannot create directory 'file/sub': 'file'
    ///   is not a directory"), or with the system's reason (permission, read-only or full file
    ///   system).
    static func makeDirectory(_ path: String) throws(OutputError) {
        guard !path.isEmpty else { return }
        let absolute = path.hasPrefix("/")
        var prefix = ""
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        for (i, part) in parts.enumerated() {
            prefix += (i == 0 && !absolute ? "" : "/") + part
            if part == "." || part == ".." { continue }
            if mkdir(prefix, 0o777) == 0 { continue }
            let e = errno
            var info = stat()
            if stat(prefix, &info) == 0 {
                if info.st_mode & S_IFMT == S_IFDIR { continue }
                throw .io("cannot create directory '\(path)': '\(prefix)' is not a directory")
            }
            if e == ENOTDIR {
                throw .io("cannot create directory '\(path)': a part of '\(prefix)' is not a directory")
            }
            throw .io("cannot create directory '\(path)': \(reason(e))")
        }
    }

    /// The system's text for an `errno` value.
    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
