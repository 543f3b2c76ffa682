import Foundation

/// One edit a planner makes: a catalog field's path and its new value (a number, or `true` or
/// `false` for a switch).
public struct ScenarioEdit: Sendable, Equatable {
    /// The field's path, as ``ScenarioFieldCatalog`` lists it (`services.reablement.capacity`).
    public var path: String
    public var value: JSONValue

    public init(path: String, value: JSONValue) {
        self.path = path
        self.value = value
    }
}

/// A scenario variant: a JSON5 file that `extends` a base scenario and holds only what a planner
/// changed, with a header comment saying what it changes and from which base.
///
/// ```json5
/// // Variant of baseline.json5 ("Baseline: mid-sized system 2016-17").
/// // It changes 1 field; everything else is the base's:
/// //   services.reablement.capacity: 230 -> 250 (clients at a time)
/// {
///   extends: "baseline.json5",
///   name: "Baseline: mid-sized system 2016-17, reablement capacity 250",
///   description: "...",
///   services: {
///     reablement: {
///       capacity: 250, // was 230
///     },
///   },
/// }
/// ```
///
/// `extends` merges objects key by key (``ScenarioLoader/overlay(_:with:)``), so the variant
/// needs no more than the changed leaves: a capacity calendar gets `capacity: { base: N }`, which
/// keeps the base's dated changes; a scheme is switched with `schemes: { NAME: { enabled: false } }`,
/// which keeps the scheme's definition (so that a variant of the variant can switch it on again).
public struct ScenarioVariant: Sendable {
    /// One field the variant changes: the field as the base has it, and its new value.
    public struct Change: Sendable, Equatable {
        public var field: ScenarioField
        public var value: JSONValue

        /// The change in words: "reablement capacity 250", "7-day discharge on".
        public var phrase: String {
            if case .bool(let on) = value { return "\(field.label) \(on ? "on" : "off")" }
            return "\(field.label) \(ScenarioField.text(value))"
        }
    }

    /// The base scenario's file, as given.
    public var baseFile: String
    /// Where the variant is to be written (its `extends` is relative to this file's folder).
    public var file: String
    /// The fields changed, in catalog order (edits equal to the base's values are left out).
    public var changes: [Change]
    public var name: String
    public var description: String
    /// The variant's JSON5 text.
    public var text: String

    /// A variant of `base`, to be written at `file`, holding `edits`.
    ///
    /// - Parameters:
    ///   - base: the base scenario, loaded (its catalog names the fields that may be edited).
    ///   - edits: paths and new values; an edit equal to the base's value changes nothing and is
    ///     left out.
    ///   - file: where the variant will be written; it must be in the base's folder or a folder
    ///     above it, since `extends` reads only the folder of the file being read and below it.
    ///   - name: the variant's name (default: the base's name and the changes).
    ///   - description: its description (default: what it changes, from which base).
    /// - Throws: `ScenarioError` naming `file` and the path: a path that is not in the catalog
    ///   (with the nearest one that is), a path edited twice, a value that is neither a number
    ///   nor a switch, or a base outside the variant's folder. Ranges are the validator's to
    ///   check: see ``validated()``.
    public init(
        base: LoadedScenario, edits: [ScenarioEdit], file: String, name: String? = nil, description: String? = nil
    ) throws(ScenarioError) {
        let catalog = ScenarioFieldCatalog(base)
        var issues: [ScenarioIssue] = []
        var seen = Set<String>()
        var wanted: [String: JSONValue] = [:]
        for edit in edits {
            guard let field = catalog.field(edit.path) else {
                let hint = catalog.suggestion(for: edit.path).map { " (did you mean '\($0)'?)" } ?? ""
                issues.append(
                    ScenarioIssue(
                        file: file, path: edit.path,
                        message: "is not a field that can be edited in \(base.file)\(hint)"))
                continue
            }
            guard seen.insert(edit.path).inserted else {
                issues.append(ScenarioIssue(file: file, path: edit.path, message: "is edited more than once"))
                continue
            }
            switch edit.value {
            case .number, .bool: wanted[field.path] = edit.value
            default:
                issues.append(
                    ScenarioIssue(
                        file: file, path: edit.path,
                        message: "must be a number or true or false, got \(edit.value.jsonText())"))
            }
        }
        if !ScenarioLoader.canExtend(base.file, from: file) {
            issues.append(
                ScenarioIssue(
                    file: file, path: "extends",
                    message:
                        "the base scenario '\(base.file)' is outside the variant's folder ('extends' reads only the folder of the file being read and below it): write the variant in the base's folder or above it"
                ))
        }
        if !issues.isEmpty { throw ScenarioError(issues: issues) }
        changes = catalog.fields.compactMap { field in
            guard let value = wanted[field.path], !Self.isUnchanged(field, value, in: base) else { return nil }
            return Change(field: field, value: value)
        }
        baseFile = base.file
        self.file = file
        let baseName = base.scenario.name
        self.name = name ?? Self.defaultName(baseName, changes)
        let relative = PathName.relative(base.file, from: PathName.parent(of: file))
        self.description =
            description
            ?? "Variant of \(relative) (\(baseName)) that changes \(changes.count == 1 ? "one field" : "\(changes.count) fields"): "
            + changes.map { $0.phrase }.joined(separator: "; ") + "."
        text = Self.render(
            base: relative, baseName: baseName, name: self.name, description: self.description, changes: changes,
            merged: base.merged)
    }

    /// The variant read by the validator of `homeward validate`, as the file ``file`` (its
    /// `extends` resolved from there, the base read from disk): every problem names ``file`` and
    /// the field, in the validator's words.
    /// - Throws: `ScenarioError` with every problem.
    public func validated() throws(ScenarioError) -> LoadedScenario {
        try ScenarioLoader.load(text: text, file: file)
    }

    /// Whether `value` is what the base already has for `field`: a plain value (not an
    /// uncertain one, which a number would replace) equal to it.
    static func isUnchanged(_ field: ScenarioField, _ value: JSONValue, in base: LoadedScenario) -> Bool {
        guard value == field.current else { return false }
        if !field.isGiven { return true }
        var keys = ScenarioPath.keys(field.path)
        var given = ScenarioPath.value(at: keys, in: base.merged)
        if ScenarioPath.isCapacityCalendar(given) {
            keys.append("base")
            given = ScenarioPath.value(at: keys, in: base.merged)
        }
        return given == value
    }

    /// "BASE, reablement capacity 250" (up to three changes), "BASE, 5 changes" beyond.
    static func defaultName(_ base: String, _ changes: [Change]) -> String {
        guard !changes.isEmpty else { return base + ", unchanged" }
        guard changes.count <= 3 else { return base + ", \(changes.count) changes" }
        return base + ", " + changes.map { $0.phrase }.joined(separator: ", ")
    }

    // MARK: - The JSON5 text

    static func render(
        base: String, baseName: String, name: String, description: String, changes: [Change], merged: JSONValue
    ) -> String {
        var out = "// Variant of \(oneLine(base)) (\"\(oneLine(baseName))\").\n"
        if changes.isEmpty {
            out += "// It changes nothing: every value is the base's.\n"
        } else {
            out +=
                "// It changes \(changes.count == 1 ? "1 field" : "\(changes.count) fields"); everything else is the base's:\n"
            for c in changes {
                let unit = c.field.unit.isEmpty ? "" : " (\(c.field.unit))"
                out +=
                    "//   \(oneLine(c.field.path)): \(c.field.currentText) -> \(ScenarioField.text(c.value))\(oneLine(unit))\n"
            }
        }
        out += "{\n"
        out += "  extends: \(escapeJSONString(base)),\n"
        out += "  name: \(escapeJSONString(name)),\n"
        out += "  description: \(escapeJSONString(description)),\n"
        // The changed leaves as a tree, in catalog order.
        let tree = Node()
        for c in changes {
            var keys = ScenarioPath.keys(c.field.path)
            if ScenarioPath.isCapacityCalendar(ScenarioPath.value(at: keys, in: merged)) { keys.append("base") }
            tree.insert(keys[...], value: c.value, comment: "was \(c.field.currentText)")
        }
        tree.write(into: &out, indent: "  ")
        out += "}\n"
        return out
    }

    /// A nested object of changed leaves, keys in insertion order.
    final class Node {
        var keys: [String] = []
        var children: [String: Node] = [:]
        var leaves: [String: (value: JSONValue, comment: String)] = [:]

        func insert(_ keys: ArraySlice<String>, value: JSONValue, comment: String) {
            guard let head = keys.first else { return }
            if keys.count == 1 {
                if leaves[head] == nil && children[head] == nil { self.keys.append(head) }
                leaves[head] = (value, comment)
                return
            }
            let child = children[head] ?? Node()
            if children[head] == nil && leaves[head] == nil { self.keys.append(head) }
            children[head] = child
            child.insert(keys.dropFirst(), value: value, comment: comment)
        }

        func write(into out: inout String, indent: String) {
            for key in keys {
                if let leaf = leaves[key] {
                    out +=
                        "\(indent)\(ScenarioVariant.key(key)): \(leaf.value.jsonText()), // \(oneLine(leaf.comment))\n"
                } else if let child = children[key] {
                    out += "\(indent)\(ScenarioVariant.key(key)): {\n"
                    child.write(into: &out, indent: indent + "  ")
                    out += "\(indent)},\n"
                }
            }
        }
    }

    /// A key as JSON5 writes it: bare when it is an identifier, else a quoted string.
    static func key(_ k: String) -> String {
        let bytes = Array(k.utf8)
        func letter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F }
        guard let first = bytes.first, letter(first),
            bytes.allSatisfy({ letter($0) || ($0 >= 0x30 && $0 <= 0x39) })
        else { return escapeJSONString(k) }
        return k
    }
}

/// Text for a `//` comment: line breaks (and the two Unicode line terminators JSON5 counts)
/// shown as escapes, so a name cannot end the comment.
private func oneLine(_ s: String) -> String {
    s.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
        .replacingOccurrences(of: "\u{2028}", with: "\\u2028").replacingOccurrences(of: "\u{2029}", with: "\\u2029")
}
