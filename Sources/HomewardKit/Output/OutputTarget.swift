import Foundation

/// What is at an output path before Homeward writes it, read with `lstat` (a symbolic link is
/// reported as a link, never followed).
///
/// The kind decides how the output is written:
/// - `missing` and `regular`: a new file is written beside it under an unpredictable name and
///   renamed over the path when complete (`SafeFile`);
/// - `characterDevice` and `fifo`: written in place, the node is never replaced
///   (`/dev/null`, `/dev/stdout`, a named pipe read by another program);
/// - `symbolicLink`, `directory`, `socket`, `blockDevice`: refused with exit status 2.
public enum OutputTarget: Equatable, Sendable {
    case missing
    case regular
    case directory
    case symbolicLink
    case characterDevice
    case fifo
    case socket
    case blockDevice

    /// The kind of the node at `path` (`missing` when there is none or it cannot be examined).
    public static func of(_ path: String) -> OutputTarget {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symbolicLink
        case S_IFCHR: return .characterDevice
        case S_IFIFO: return .fifo
        case S_IFSOCK: return .socket
        case S_IFBLK: return .blockDevice
        default: return .regular
        }
    }

    /// Whether the output is written into the existing node rather than replaced.
    public var writtenInPlace: Bool { self == .characterDevice || self == .fifo }

    /// Refuses the kinds Homeward never writes.
    ///
    /// - Parameters:
    ///   - path: the output path, as the user gave it.
    ///   - option: the option or operand that named it, for the message (`--events`), or nil.
    /// - Throws: `OutputError.badInput` for a symbolic link, a directory, a socket or a block
    ///   device.
    public static func check(_ path: String, option: String? = nil) throws(OutputError) {
        let named = option.map { "\($0) \(path)" } ?? path
        switch of(path) {
        case .symbolicLink:
            throw .badInput("\(named): '\(path)' is a symbolic link; write to its target directly")
        case .directory:
            throw .badInput("\(named): '\(path)' is a directory; give a file name")
        case .socket:
            throw .badInput("\(named): '\(path)' is a socket; Homeward writes files, devices and named pipes only")
        case .blockDevice:
            throw .badInput("\(named): '\(path)' is a block device; Homeward does not write to disks directly")
        case .missing, .regular, .characterDevice, .fifo:
            return
        }
    }
}
