import Foundation
import HomewardKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The form editor's work: the fields of a base scenario (``ScenarioFieldCatalog``), the edits a
/// posted form makes to them, the variant they give (``ScenarioVariant``), its problems in the
/// validator's own words (the validator of `homeward validate`), each attached to the field it
/// names, and the variant saved under a new name in the scenario folder.
public struct VariantEditor: Sendable {
    /// The prefix of a field's form name: `f.services.reablement.capacity`.
    public static let fieldPrefix = "f."

    /// The base scenario, loaded.
    public let base: LoadedScenario
    /// The base's file name in the folder.
    public let baseName: String
    /// Its editable fields.
    public let catalog: ScenarioFieldCatalog

    /// The editor of `name` in `folder`; nil when it is not a scenario file there.
    /// - Throws: `ScenarioError` when the base itself does not load.
    public init?(folder: ConfinedFolder, name: String) throws(ScenarioError) {
        guard name.hasSuffix(".json5"), let path = folder.existingFile(name) else { return nil }
        base = try ScenarioLoader.load(path: path)
        baseName = name
        catalog = ScenarioFieldCatalog(base)
    }

    /// What a posted form asks for, and what is wrong with it.
    public struct Outcome: Sendable {
        /// The text of every field as posted (or as the base has it), by path.
        public var values: [String: String]
        /// The validator's messages by field path; messages that name no field under "".
        public var messages: [String: [String]]
        /// The variant, when the edits make one (it may still have problems: see `messages`).
        public var variant: ScenarioVariant?
        /// The file name asked for.
        public var fileName: String
        /// True when there is nothing to report.
        public var isValid: Bool { messages.isEmpty }
    }

    /// The outcome of the fields in `form` (`f.PATH=value`, `variant=NAME.json5`) checked as a
    /// variant to be written as `variant` in `folder`.
    public func check(_ form: [(name: String, value: String)], folder: ConfinedFolder) -> Outcome {
        var values: [String: String] = [:]
        for field in catalog.fields { values[field.path] = field.currentText }
        var edits: [ScenarioEdit] = []
        for (name, text) in form where name.hasPrefix(Self.fieldPrefix) {
            let path = String(name.dropFirst(Self.fieldPrefix.count))
            guard let field = catalog.field(path) else { continue }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            values[path] = trimmed
            guard trimmed != field.currentText else { continue }
            edits.append(ScenarioEdit(path: path, value: Self.value(trimmed, for: field)))
        }
        let fileName = form.first { $0.name == "variant" }?.value.trimmingCharacters(in: .whitespaces) ?? ""
        var outcome = Outcome(values: values, messages: [:], variant: nil, fileName: fileName)
        if !ConfinedFolder.isPlainName(fileName) || !fileName.hasSuffix(".json5") || fileName == ".json5" {
            outcome.messages["variant", default: []].append(
                "must be a file name ending in .json5, with no folder (a-z, 0-9, - and _ are safest)")
        } else if folder.newFile(fileName) == nil {
            outcome.messages["variant", default: []].append(
                "\(fileName) already exists in the scenario folder: choose another name (saving never replaces a file)")
        }
        let target = folder.path + "/" + (ConfinedFolder.isPlainName(fileName) ? fileName : "variant.json5")
        do {
            let variant = try ScenarioVariant(base: base, edits: edits, file: target)
            outcome.variant = variant
            if variant.changes.isEmpty {
                outcome.messages["", default: []].append("nothing is changed: every value is the base's")
            }
            _ = try variant.validated()
        } catch {
            for issue in error.issues { outcome.messages[fieldPath(of: issue.path), default: []].append(issue.message) }
        }
        return outcome
    }

    /// The catalog field a validator's path is about (``ScenarioFieldCatalog/field(containing:)``:
    /// `services.x.capacity.base` is about `services.x.capacity`), `variant` for the file name,
    /// "" when it is about no field.
    func fieldPath(of path: String) -> String {
        path == "variant" ? path : catalog.field(containing: path)?.path ?? ""
    }

    /// A form's text as a JSON value for `field`: a number, true or false; anything else is
    /// passed on as text, for ``ScenarioVariant`` to refuse in its own words.
    static func value(_ text: String, for field: ScenarioField) -> JSONValue {
        if field.range.kind == .boolean {
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return .string(text)
            }
        }
        guard let x = Double(text.replacingOccurrences(of: ",", with: "")), x.isFinite else { return .string(text) }
        return .number(x)
    }

    /// Writes `variant` as the new file `name` in `folder`: created exclusively (`O_EXCL`, no
    /// links followed), so an existing file is never replaced.
    ///
    /// - Returns: nil when written, else why not.
    public static func save(_ variant: ScenarioVariant, as name: String, in folder: ConfinedFolder) -> String? {
        guard ConfinedFolder.isPlainName(name), let path = folder.newFile(name) else {
            return "\(name) cannot be written in the scenario folder"
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return "\(name) cannot be written: \(String(cString: strerror(errno)))" }
        let bytes = Array(variant.text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let why = String(cString: strerror(errno))
                close(fd)
                unlink(path)
                return "\(name) could not be written: \(why)"
            }
            done += n
        }
        guard close(fd) == 0 else { return "\(name) could not be written" }
        return nil
    }

    /// A name for the variant that no file in `folder` has: `BASE-variant.json5`, then
    /// `BASE-variant-2.json5` and so on.
    public func suggestedName(in folder: ConfinedFolder) -> String {
        let stem = String(baseName.dropLast(".json5".count)) + "-variant"
        if folder.newFile(stem + ".json5") != nil { return stem + ".json5" }
        for i in 2...999 where folder.newFile("\(stem)-\(i).json5") != nil { return "\(stem)-\(i).json5" }
        return stem + "-\(AccessGuard.randomHex(bytes: 4)).json5"
    }
}
