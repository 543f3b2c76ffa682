import Foundation

extension ResultSet {
    /// What a reader learns about a results folder.
    public enum Verification: Equatable, Sendable {
        /// The manifest lists the files, and each has the listed size and SHA-256.
        case verified(files: [String])
        /// No manifest and no journal: a folder written by a version before manifests (or by
        /// hand). Its files cannot be checked; readers accept it with a warning.
        case unmanaged
    }

    /// Checks the result set in `directory` before it is read.
    ///
    /// - Returns: `.verified` with the listed names, or `.unmanaged` for a folder without a
    ///   manifest or journal.
    /// - Throws: `OutputError.badInput` naming the folder and the file when the set is
    ///   incomplete (a journal without a manifest: a commit was interrupted), when a listed
    ///   file is missing, or when its size or SHA-256 differs from the manifest (changed or cut
    ///   short since), or when the manifest itself is unreadable.
    public static func verify(_ directory: String) throws(OutputError) -> Verification {
        let dir = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let manifestPath = dir + "/" + manifestName
        let rerun = "run the command that wrote it again"
        guard OutputTarget.of(manifestPath) != .missing else {
            if OutputTarget.of(dir + "/" + journalName) != .missing {
                throw .badInput(
                    "\(dir): the results are incomplete: a run was stopped while replacing them (\(journalName) is there, \(manifestName) is not); \(rerun)"
                )
            }
            return .unmanaged
        }
        guard let json = readJSON(manifestPath), let top = json.objectValue,
            top["format"]?.stringValue == format, let files = top["files"]?.arrayValue
        else {
            throw .badInput("\(manifestPath): not a readable Homeward results manifest; \(rerun)")
        }
        guard let v = top["version"]?.numberValue, v == Double(version) else {
            throw .badInput(
                "\(manifestPath): manifest version \(top["version"]?.numberValue.map { String(Int($0)) } ?? "?") is not \(version), the version this build reads; \(rerun)"
            )
        }
        var names: [String] = []
        for entry in files {
            guard let o = entry.objectValue, let name = o["name"]?.stringValue, isSafeName(name),
                let size = o["bytes"]?.numberValue, let sum = o["sha256"]?.stringValue
            else {
                throw .badInput("\(manifestPath): a file entry lacks its name, bytes or sha256; \(rerun)")
            }
            let path = dir + "/" + name
            guard OutputTarget.of(path) == .regular else {
                throw .badInput(
                    "\(dir): \(name) is listed in \(manifestName) but is missing; the set is incomplete; \(rerun)")
            }
            guard let bytes = readFile(path, limit: 1 << 30) else {
                throw .badInput("\(dir): \(name) cannot be read")
            }
            guard Double(bytes.count) == size else {
                throw .badInput(
                    "\(dir): \(name) has \(bytes.count) bytes, \(manifestName) says \(Int(size)): it was changed or cut short since it was written; \(rerun)"
                )
            }
            guard SHA256.hex(bytes) == sum else {
                throw .badInput(
                    "\(dir): \(name) does not match its SHA-256 in \(manifestName): it was changed since it was written; \(rerun)"
                )
            }
            names.append(name)
        }
        return .verified(files: names)
    }

    /// `verify(_:)` for a reader that warns: an unmanaged folder is read with a warning (for
    /// the command line, on standard error).
    public static func verify(_ directory: String, warn: (String) -> Void) throws(OutputError) {
        if try verify(directory) == .unmanaged {
            warn(
                "warning: \(directory): no \(manifestName) (written by an older version, or by hand): the files cannot be checked for completeness\n"
            )
        }
    }
}
