import Foundation

/// Writes a single output file whole, or not at all (see `SafeFile` for how).
///
/// A missing or regular target is written to an exclusive temporary beside it and renamed over
/// it; a character device or named pipe is written in place; a symbolic link, a folder, a
/// socket or a block device is refused. For several files that belong together, use
/// `ResultSet`.
public enum AtomicFile {
    /// Writes `text` (UTF-8) to `path`.
    ///
    /// - Throws: `OutputError.badInput` for a target Homeward does not write,
    ///   `OutputError.io` when the file cannot be written (the old file is then unchanged).
    public static func write(_ text: String, to path: String) throws(OutputError) {
        try write(bytes: Array(text.utf8), to: path)
    }

    /// Writes `bytes` to `path` (see `write(_:to:)`).
    public static func write(bytes: [UInt8], to path: String) throws(OutputError) {
        try SafeFile.write(bytes, to: path)
        OutputRegistry.shared.finished(path)
    }

    /// Creates the folder `path` and its missing parents.
    ///
    /// - Throws: `OutputError.io` when part of the path is not a folder (the message names
    ///   it) or the folder cannot be created.
    public static func makeDirectory(_ path: String) throws(OutputError) {
        try SafeFile.makeDirectory(path)
    }
}
