import Foundation
import HomewardKit

/// The scenario files directly in the workbench's folder, each read by the same loader as
/// `homeward run` and `homeward validate`: a file that does not load is listed with its
/// problems, never hidden.
public struct ScenarioLibrary: Sendable {
    /// One scenario file.
    public struct Entry: Sendable {
        /// Its name in the folder (`baseline.json5`).
        public var file: String
        /// The scenario's name and description, when it loads.
        public var name: String?
        public var description: String?
        /// The file it `extends`, when it names one.
        public var base: String?
        /// Its default replications, when it loads.
        public var replications: Int?
        /// Every problem the validator found, empty when it loads.
        public var problems: [String]
        /// The number of Better Care Fund schemes it has (what `homeward schemes` evaluates).
        public var schemes = 0
        /// The fields a sweep may vary: the catalog's numeric fields, by path, with their labels.
        public var numericFields: [(path: String, label: String)] = []
    }

    /// The folder.
    public let folder: ConfinedFolder

    /// The library of `folder`.
    public init(folder: ConfinedFolder) { self.folder = folder }

    /// Every `.json5` file in the folder, loaded and validated, sorted by file name.
    public func entries() -> [Entry] { folder.names(endingIn: ".json5").compactMap(entry) }

    /// The file `name`, loaded and validated; nil when it is not a file directly in the folder.
    public func entry(_ name: String) -> Entry? {
        guard name.hasSuffix(".json5"), let path = folder.existingFile(name) else { return nil }
        var entry = Entry(file: name, problems: [])
        entry.base = Self.base(of: path)
        do {
            let loaded = try ScenarioLoader.load(path: path)
            entry.name = loaded.scenario.name
            entry.description = loaded.scenario.description
            entry.replications = loaded.scenario.replications
            entry.schemes = loaded.scenario.schemes.count
            entry.numericFields = ScenarioFieldCatalog(loaded).fields.filter { $0.range.kind != .boolean }
                .map { ($0.path, $0.label) }
        } catch {
            entry.problems = error.issues.map(\.description)
            if error.more > 0 { entry.problems.append("... and \(error.more) more") }
            if entry.problems.isEmpty { entry.problems = [error.description] }
        }
        return entry
    }

    /// The file named by `extends` at the top of the scenario at `path`, when it is a plain
    /// name (the loader confines `extends` to the same folder).
    static func base(of path: String) -> String? {
        // Files over 4 MiB are not looked into here (the loader reports what is wrong with them).
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int,
            size <= 4 << 20, let text = try? String(contentsOfFile: path, encoding: .utf8),
            case .object(let root)? = try? JSON5.parse(text),
            case .string(let name)? = root["extends"], ConfinedFolder.isPlainName(name)
        else { return nil }
        return name
    }
}
