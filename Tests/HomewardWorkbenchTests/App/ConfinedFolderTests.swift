import Foundation
import Testing

@testable import HomewardWorkbench

@Suite struct ConfinedFolderTests {
    /// A folder with a file, a hidden file, a subfolder, a file beside it, and links inside and out.
    func makeFolder() throws -> (root: String, folder: ConfinedFolder) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("confined-\(UUID().uuidString)").path
        let inside = root + "/scenarios"
        try FileManager.default.createDirectory(atPath: inside + "/sub", withIntermediateDirectories: true)
        try "a".write(toFile: inside + "/a.json5", atomically: true, encoding: .utf8)
        try "h".write(toFile: inside + "/.hidden.json5", atomically: true, encoding: .utf8)
        try "s".write(toFile: inside + "/sub/b.json5", atomically: true, encoding: .utf8)
        try "secret".write(toFile: root + "/secret.json5", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: inside + "/out.json5", withDestinationPath: root + "/secret.json5")
        try FileManager.default.createSymbolicLink(atPath: inside + "/in.json5", withDestinationPath: "a.json5")
        return (root, ConfinedFolder(path: inside))
    }

    @Test func onlyPlainNamesOfFilesDirectlyInsideResolve() throws {
        let (root, folder) = try makeFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(folder.existingFile("a.json5") == folder.path + "/a.json5")
        #expect(folder.existingFile("in.json5") != nil, "a link that stays inside is allowed")
        for name in [
            "../secret.json5", "..", ".", "", "sub/b.json5", "sub", ".hidden.json5", "out.json5",
            root + "/secret.json5",
            "/etc/passwd", "a.json5\u{0}", "missing.json5", "a\\b", String(repeating: "x", count: 300),
        ] {
            #expect(folder.existingFile(name) == nil, "\(name.debugDescription) resolved")
        }
        #expect(folder.names(endingIn: ".json5") == ["a.json5", "in.json5"])
    }

    @Test func newFilesNeverReplaceOne() throws {
        let (root, folder) = try makeFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(folder.newFile("b.json5") == folder.path + "/b.json5")
        #expect(folder.newFile("a.json5") == nil)
        #expect(folder.newFile("out.json5") == nil, "a link's name is taken even when it points out")
        #expect(folder.newFile("../b.json5") == nil)
    }
}
