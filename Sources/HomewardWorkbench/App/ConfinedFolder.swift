import Foundation

/// A folder from which only files directly inside may be named: the one place that turns a
/// name from a request into a path. Refused: empty names, `.` and `..`, names with a slash or a
/// NUL byte, hidden names (starting with `.`), names over 255 bytes, and any file whose real
/// path (symbolic links resolved) is not directly inside the folder's real path.
public struct ConfinedFolder: Sendable {
    /// The folder, as given.
    public let path: String

    /// The folder at `path`.
    public init(path: String) { self.path = path }

    /// True when `name` may name a file in this folder (whether or not it exists).
    public static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 255 && !name.hasPrefix(".") && !name.contains("/")
            && !name.contains("\\") && !name.utf8.contains(0) && name.unicodeScalars.allSatisfy { $0.value >= 32 }
    }

    /// The path of the existing regular file `name` directly in this folder, or nil when the
    /// name is not plain, the file does not exist, or its real path leaves the folder.
    public func existingFile(_ name: String) -> String? {
        guard Self.isPlainName(name) else { return nil }
        let candidate = path + "/" + name
        guard let real = Self.realPath(candidate), let root = Self.realPath(path),
            Self.parent(ofReal: real) == root
        else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return nil
        }
        return candidate
    }

    /// The path a new file `name` would have in this folder, or nil when the name is not plain
    /// or something (a file or a link) already has it: saving never replaces a file.
    public func newFile(_ name: String) -> String? {
        guard Self.isPlainName(name) else { return nil }
        let candidate = path + "/" + name
        var info = stat()
        guard lstat(candidate, &info) != 0 else { return nil }
        return candidate
    }

    /// The plain names of the regular files directly in this folder ending in `suffix`, sorted.
    public func names(endingIn suffix: String) -> [String] {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return all.filter { $0.hasSuffix(suffix) && existingFile($0) != nil }.sorted()
    }

    /// `realpath(3)` of `path`, or nil when it does not resolve.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The folder part of a real (absolute, resolved) path.
    static func parent(ofReal path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
