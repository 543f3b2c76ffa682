import Foundation

/// Path arithmetic on strings, as `NSString`'s path methods spell it.
///
/// `NSString.deletingLastPathComponent` traps on a one-character path in the toolchain's
/// Foundation on Linux (`--out r` crashed every command that wrote to it), so the project uses
/// this instead. It gives the same answers as `NSString` on every path where that does not trap,
/// except `//`, the root, whose parent it gives as `/` (`NSString` says `""`); `PathNameTests`
/// compares the two.
public enum PathName {
    /// The path without its last component: `""` for a bare name, `"/"` for a name in the
    /// root, and `"a"` for `"a/b"`, `"a//b"` or `"a/b/"` (trailing slashes do not count).
    public static func parent(of path: String) -> String {
        let bytes = Array(path.utf8)
        let slash = UInt8(ascii: "/")
        var end = bytes.count
        while end > 1 && bytes[end - 1] == slash { end -= 1 }
        if end == 1 && bytes[0] == slash { return "/" }
        guard let last = bytes[..<end].lastIndex(of: slash) else { return "" }
        var cut = last
        while cut > 0 && bytes[cut - 1] == slash { cut -= 1 }
        if cut == 0 { return "/" }
        return String(decoding: bytes[..<cut], as: UTF8.self)
    }

    /// `target` as a path relative to the folder `base` (both as given, made absolute from the
    /// current directory; `.` and `..` resolved, symbolic links not): how a written scenario
    /// names the file it `extends`.
    public static func relative(_ target: String, from base: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ p: String) -> [String] {
            let full = p.hasPrefix("/") ? p : cwd + "/" + p
            var parts: [String] = []
            for part in full.split(separator: "/") {
                if part == "." || part.isEmpty { continue }
                if part == ".." { if !parts.isEmpty { parts.removeLast() } } else { parts.append(String(part)) }
            }
            return parts
        }
        let t = absolute(target)
        let b = absolute(base.isEmpty ? "." : base)
        var common = 0
        while common < min(t.count, b.count) && t[common] == b[common] { common += 1 }
        let up = Array(repeating: "..", count: b.count - common)
        return (up + t[common...]).joined(separator: "/")
    }
}
