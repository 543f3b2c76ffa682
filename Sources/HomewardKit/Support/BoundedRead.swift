import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a file could not be read whole within its limit.
public struct BoundedReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Equatable {
        /// The path names nothing.
        case notFound
        /// The path is a directory.
        case directory
        /// The file holds more than `limit` bytes (`size` when the file system says, else nil).
        case tooLarge(size: Int64?, limit: Int)
        /// Opening or reading failed (the system's message).
        case unreadable(String)
    }

    /// The file, as given.
    public var path: String
    public var reason: Reason

    /// The problem without the file's name: "no such file", "is larger than the 64 MB limit ...".
    public var message: String {
        switch reason {
        case .notFound: "no such file"
        case .directory: "cannot be read (it is a directory)"
        case .tooLarge(let size, let limit):
            "is larger than \(BoundedFile.describe(limit))" + (size.map { " (\($0) bytes)" } ?? "")
        case .unreadable(let why): "cannot be read (\(why))"
        }
    }

    /// `PATH: message`.
    public var description: String { "\(path): \(message)" }
}

/// Reads files whole, never holding more than a stated number of bytes: the size is checked
/// with `fstat` before reading, and the read itself stops one byte past the limit, because
/// the size the file system gives can be wrong (`/proc`) or absent (pipes, FIFOs).
public enum BoundedFile {
    /// The bytes of `path`, which must hold at most `limit` bytes.
    ///
    /// - Parameters:
    ///   - path: the file (a regular file, or a pipe such as `/dev/stdin` or `<(...)`).
    ///   - limit: the most bytes accepted.
    /// - Throws: `BoundedReadError` naming the file: missing, a directory, unreadable, or larger
    ///   than `limit` (refused before reading when the file system gives the size).
    /// - Complexity: O(min(size, limit)) time and memory.
    public static func read(path: String, limit: Int) throws(BoundedReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BoundedReadError(path: path, reason: openFailure(errno)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw BoundedReadError(path: path, reason: .unreadable(String(cString: strerror(errno))))
        }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR { throw BoundedReadError(path: path, reason: .directory) }
        if kind == S_IFREG && Int64(info.st_size) > Int64(limit) {
            throw BoundedReadError(path: path, reason: .tooLarge(size: Int64(info.st_size), limit: limit))
        }
        var bytes: [UInt8] = []
        if kind == S_IFREG { bytes.reserveCapacity(Int(info.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let room = min(chunk.count, limit + 1 - bytes.count)
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, room) }
            if n < 0 {
                if errno == EINTR { continue }
                throw BoundedReadError(path: path, reason: .unreadable(String(cString: strerror(errno))))
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > limit { throw BoundedReadError(path: path, reason: .tooLarge(size: nil, limit: limit)) }
        }
    }

    /// The text of `path` (UTF-8, invalid bytes replaced), which must hold at most `limit` bytes.
    /// - Throws: `BoundedReadError` as `read(path:limit:)`.
    public static func text(path: String, limit: Int) throws(BoundedReadError) -> String {
        String(decoding: try read(path: path, limit: limit), as: UTF8.self)
    }

    static func openFailure(_ code: Int32) -> BoundedReadError.Reason {
        code == ENOENT || code == ENOTDIR ? .notFound : .unreadable(String(cString: strerror(code)))
    }

    /// A limit as people say it: "1 GB" or "64 MB" for whole gibi- or mebibytes, else bytes.
    static func describe(_ limit: Int) -> String {
        if limit >= 1 << 30 && limit % (1 << 30) == 0 { return "\(limit >> 30) GB" }
        return limit >= 1 << 20 && limit % (1 << 20) == 0 ? "\(limit >> 20) MB" : "\(limit) bytes"
    }
}

/// `read(2)`, under a name that the static `read(path:limit:)` does not hide.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
