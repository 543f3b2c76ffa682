import Foundation

/// A scenario read from disk, with what a run manifest needs to identify it.
public struct LoadedScenario: Sendable {
    public var scenario: Scenario
    /// The file as given by the user.
    public var file: String
    /// The merged JSON (after `extends`), as validated.
    public var merged: JSONValue
    /// FNV-1a 64-bit hash of the merged scenario's canonical JSON text, in hex.
    public var hash: String
    /// The values written as distributions (empty for most scenarios); `scenario` then holds
    /// each at its nominal value and every replication draws its own (``scenario(seed:replication:)``).
    public var uncertain: UncertainInputs
    /// Applied to each replication's scenario after its inputs are drawn (for example, keeping
    /// only some schemes, as `homeward schemes` does).
    public var adjust: (@Sendable (Scenario) -> Scenario)?

    public init(
        scenario: Scenario, file: String, merged: JSONValue, hash: String, uncertain: UncertainInputs = .init(),
        adjust: (@Sendable (Scenario) -> Scenario)? = nil
    ) {
        self.scenario = scenario
        self.file = file
        self.merged = merged
        self.hash = hash
        self.uncertain = uncertain
        self.adjust = adjust
    }

    /// The same scenario with `transform` applied to it and to every replication's draw of it.
    public func adjusted(_ transform: @escaping @Sendable (Scenario) -> Scenario) -> LoadedScenario {
        var copy = self
        copy.scenario = transform(scenario)
        let previous = adjust
        copy.adjust = { transform(previous?($0) ?? $0) }
        return copy
    }

    /// The scenario replication `replication` runs: `scenario` itself when no value is
    /// uncertain, else the scenario with each uncertain value drawn for this replication.
    /// - Throws: `ScenarioError` when the drawn values together break a rule of the scenario
    ///   (for example shares that no longer sum to 1), naming the replication and the draws.
    public func scenario(seed: UInt64, replication: Int) throws(ScenarioError) -> Scenario {
        guard !uncertain.isEmpty else { return scenario }
        let values = uncertain.draw(seed: seed, replication: replication)
        do {
            let drawn = try ScenarioReader.read(uncertain.substitute(values, in: merged), file: file)
            return adjust?(drawn) ?? drawn
        } catch {
            let draws = zip(uncertain.inputs, values).prefix(5).map { "\($0.path) = \($1.jsonText())" }
                .joined(separator: ", ")
            let more = uncertain.inputs.count > 5 ? ", ..." : ""
            throw ScenarioError(
                issues: error.issues.map {
                    var issue = $0
                    issue.message +=
                        " (replication \(replication), seed \(seed), with the uncertain values drawn as \(draws)\(more))"
                    return issue
                }, more: error.more)
        }
    }
}

/// Loads scenario files: JSON5 text, `extends` chains, validation.
public enum ScenarioLoader {
    /// Reads, merges and validates `path`.
    ///
    /// - Throws: `ScenarioError` listing every problem, each naming the file and field.
    public static func load(path: String) throws(ScenarioError) -> LoadedScenario {
        var additions: [Addition] = []
        let merged = try mergedJSON(path: path, chain: [], root: confinementRoot(of: path), additions: &additions)
        return try prepare(merged, file: path, additions: additions)
    }

    /// A merged scenario, validated: its uncertain values found and checked, the scenario read
    /// with each at its nominal value, and read again with every value at the low end of its
    /// range, at the high end, inside it (each at its 37th percentile, which catches a whole
    /// number field given a continuous range) and at each value of every choice, so that a range
    /// a field cannot take is an error now rather than in some replication.
    /// - Throws: `ScenarioError` naming the file, the field and the problem.
    public static func prepare(
        _ merged: JSONValue, file: String, additions: [Addition] = []
    ) throws(ScenarioError) -> LoadedScenario {
        let uncertain = try UncertainInputs.find(in: merged, file: file)
        guard !uncertain.isEmpty else {
            let scenario = try read(merged, file: file, additions: additions)
            return LoadedScenario(scenario: scenario, file: file, merged: merged, hash: hash(merged))
        }
        let nominal = uncertain.inputs.map(\.nominal)
        let scenario = try read(uncertain.substitute(nominal, in: merged), file: file, additions: additions)
        var checks: [(String, [JSONValue])] = [
            ("every uncertain value at the low end of its range", uncertain.inputs.map { $0.value(at: 0) }),
            ("every uncertain value at the high end of its range", uncertain.inputs.map { $0.value(at: 1) }),
            ("every uncertain value at its 37th percentile", uncertain.inputs.map { $0.value(at: 0.37) }),
        ]
        for (i, input) in uncertain.inputs.enumerated() {
            guard case .choice(let values, _) = input.law else { continue }
            for value in values {
                var drawn = nominal
                drawn[i] = value
                checks.append(("\(input.path) = \(value.jsonText())", drawn))
            }
        }
        var issues: [ScenarioIssue] = []
        for (label, values) in checks {
            do {
                _ = try ScenarioReader.read(uncertain.substitute(values, in: merged), file: file)
            } catch {
                for issue in error.issues where !issues.contains(where: { $0.path == issue.path }) {
                    var issue = issue
                    issue.message += " (with \(label))"
                    issues.append(issue)
                }
            }
            if issues.count >= ScenarioError.maximumShown { break }
        }
        if !issues.isEmpty { throw ScenarioError(issues: Array(issues.prefix(ScenarioError.maximumShown))) }
        return LoadedScenario(scenario: scenario, file: file, merged: merged, hash: hash(merged), uncertain: uncertain)
    }

    /// Parses text (no `extends` resolution unless `directory` is given).
    public static func load(text: String, file: String) throws(ScenarioError) -> LoadedScenario {
        let root = try parse(text: text, file: file)
        var additions: [Addition] = []
        let merged = try resolveExtends(
            root, file: file, chain: [], confinedTo: confinementRoot(of: file), additions: &additions)
        return try prepare(merged, file: file, additions: additions)
    }

    /// An entry that a variant adds to a named list of its base (`services`, `cohorts`,
    /// `pathways`, ...) under a name close to one the base already has: most likely a misspelt
    /// name (`reablment`, `Frail`) rather than a new entry.
    public struct Addition: Equatable, Sendable {
        /// `services.reablment`
        var path: String
        /// The base's names it is close to (`reablement`).
        var near: [String]
        /// The file that adds it.
        var file: String
    }

    /// Validates the merged scenario. Problems inside an entry that a variant added under a name
    /// close to one of its base's are replaced by one problem that names the likely intended entry,
    /// since "services.reablment.kind: is required" hides the misspelling behind its consequence.
    static func read(_ merged: JSONValue, file: String, additions: [Addition]) throws(ScenarioError) -> Scenario {
        do {
            return try ScenarioReader.read(merged, file: file)
        } catch {
            guard !additions.isEmpty else { throw error }
            var issues: [ScenarioIssue] = []
            var explained = Set<String>()
            for issue in error.issues {
                guard
                    let addition = additions.first(where: {
                        issue.path == $0.path || issue.path.hasPrefix($0.path + ".")
                            || issue.path.hasPrefix($0.path + "[")
                    })
                else {
                    issues.append(issue)
                    continue
                }
                guard explained.insert(addition.path).inserted else { continue }
                let list = addition.path.split(separator: ".").first.map(String.init) ?? addition.path
                let kind = list.hasSuffix("s") ? String(list.dropLast()) : "entry"
                let names = addition.near.map { "'\($0)'" }.joined(separator: " or ")
                issues.append(
                    ScenarioIssue(
                        file: issue.file, path: addition.path,
                        message:
                            "no such \(kind) in the base scenario (did you mean \(names)?); read as a new \(kind) it fails: \(issue.path): \(issue.message)"
                    ))
            }
            throw ScenarioError(issues: issues, more: error.more)
        }
    }

    /// The entries `top` adds to the named lists (objects one level down) of `base` under a
    /// name that differs from a base entry's only in case or by at most two edits.
    static func nearAdditions(base: JSONValue, top: JSONValue, file: String) -> [Addition] {
        guard case .object(let b) = base, case .object(let t) = top else { return [] }
        var found: [Addition] = []
        for (list, value) in t {
            guard case .object(let entries) = value, case .object(let baseEntries)? = b[list] else { continue }
            for (name, _) in entries where baseEntries[name] == nil {
                // Names are short; a long one is near none (and the search stays cheap).
                guard name.utf8.count <= 64 else { continue }
                let near = baseEntries.keys.filter {
                    $0.lowercased() == name.lowercased() || Suggestion.isNear($0, name, within: 2)
                }
                if !near.isEmpty { found.append(Addition(path: "\(list).\(name)", near: near.sorted(), file: file)) }
            }
        }
        return found
    }

    /// What one scenario file may hold: at most 1,000,000 values and 10,000 members in an
    /// object. A scenario's lists hold at most 1,000 named entries (``ScenarioReader/maximumEntries``)
    /// and its longest arrays are empirical distributions, so real files are far inside these;
    /// they bound the memory a hostile file takes while it is parsed and merged.
    public static let parseLimits = JSON5.Limits(maximumValues: 1_000_000, maximumMembers: 10_000)

    static func parse(text: String, file: String) throws(ScenarioError) -> JSONValue {
        let root: JSONValue
        do {
            root = try JSON5.parse(text, limits: parseLimits)
        } catch {
            throw ScenarioError(issues: [
                ScenarioIssue(file: file, path: "", message: "not valid JSON5: \(error.description)")
            ])
        }
        // Checked here, on each file as written, because merging files keeps one value per key.
        var duplicates: [ScenarioIssue] = []
        findDuplicateKeys(root, path: "", file: file, into: &duplicates)
        if !duplicates.isEmpty { throw ScenarioError(issues: duplicates) }
        return root
    }

    static func findDuplicateKeys(_ value: JSONValue, path: String, file: String, into issues: inout [ScenarioIssue]) {
        switch value {
        case .object(let o):
            for key in o.duplicateKeys {
                // Beyond what is shown, a placeholder only counts (ScenarioError keeps the first).
                guard issues.count < ScenarioError.maximumShown else {
                    issues.append(ScenarioIssue(file: "", path: "", message: ""))
                    continue
                }
                issues.append(
                    ScenarioIssue(
                        file: file, path: path.isEmpty ? key : "\(path).\(key)", message: "is given more than once"))
            }
            for (key, child) in o {
                findDuplicateKeys(child, path: path.isEmpty ? key : "\(path).\(key)", file: file, into: &issues)
            }
        case .array(let items):
            for (i, item) in items.enumerated() {
                findDuplicateKeys(item, path: "\(path)[\(i)]", file: file, into: &issues)
            }
        default:
            break
        }
    }

    /// The most bytes a scenario file may hold (64 MB): checked before reading.
    public static let maximumFileBytes = 64 << 20

    /// Reads `path` (at most `maximumFileBytes`, checked before reading) and resolves its
    /// `extends` within `root`.
    static func mergedJSON(path: String, chain: [String], root: String, additions: inout [Addition])
        throws(ScenarioError) -> JSONValue
    {
        let text: String
        do {
            text = try BoundedFile.text(path: path, limit: maximumFileBytes)
        } catch {
            let message: String
            switch error.reason {
            case .notFound: message = "no such file"
            case .tooLarge: message = error.message + "; not a scenario file"
            case .directory, .unreadable: message = error.message
            }
            throw ScenarioError(issues: [ScenarioIssue(file: path, path: "", message: message)])
        }
        let value = try parse(text: text, file: path)
        return try resolveExtends(value, file: path, chain: chain, confinedTo: root, additions: &additions)
    }

    /// The folder that `extends` may read from: the folder of the scenario named on the command
    /// line, with symbolic links resolved.
    static func confinementRoot(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return resolvedPath(".") }
        return resolvedPath(slash == file.startIndex ? "/" : String(file[..<slash]))
    }

    /// Whether a scenario at `file` may extend `base` (`base` is in the folder of `file` or below).
    public static func canExtend(_ base: String, from file: String) -> Bool {
        let folder = confinementRoot(of: file)
        return resolvedPath(base).hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }

    /// `path` made absolute, with `.`, `..` and (for the part that exists) symbolic links resolved.
    static func resolvedPath(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        if let real = realpath(absolute, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        // The part that does not exist (a missing base) keeps its name under its resolved parent.
        guard absolute != "/", let slash = absolute.lastIndex(of: "/") else { return absolute }
        let parent = resolvedPath(slash == absolute.startIndex ? "/" : String(absolute[..<slash]))
        let name = absolute[absolute.index(after: slash)...]
        return parent.hasSuffix("/") ? parent + name : parent + "/" + name
    }

    /// Replaces `extends: "base.json5"` by the base's content overlaid with this file's fields.
    ///
    /// The base must lie in `root` (the top-level scenario's folder) or below it, after
    /// symbolic links are resolved: a scenario cannot make Homeward read other files.
    static func resolveExtends(
        _ root: JSONValue, file: String, chain: [String], confinedTo folder: String, additions: inout [Addition]
    ) throws(ScenarioError) -> JSONValue {
        guard case .object(var o) = root, let ext = o["extends"] else { return root }
        guard case .string(let relative) = ext else {
            throw ScenarioError(issues: [
                ScenarioIssue(file: file, path: "extends", message: "must be a file name (a string)")
            ])
        }
        let directory = PathName.parent(of: file)
        let basePath =
            (relative as NSString).isAbsolutePath ? relative : (directory as NSString).appendingPathComponent(relative)
        let canonical = URL(fileURLWithPath: basePath).standardizedFileURL.path
        let here = URL(fileURLWithPath: file).standardizedFileURL.path
        if chain.contains(canonical) || canonical == here {
            let cycle = (chain + [here, canonical]).map { ($0 as NSString).lastPathComponent }.joined(separator: " -> ")
            throw ScenarioError(issues: [ScenarioIssue(file: file, path: "extends", message: "forms a cycle: \(cycle)")]
            )
        }
        guard chain.count < 32 else {
            throw ScenarioError(issues: [
                ScenarioIssue(file: file, path: "extends", message: "chain is deeper than 32 files")
            ])
        }
        guard resolvedPath(basePath).hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") else {
            throw ScenarioError(issues: [
                ScenarioIssue(
                    file: file, path: "extends",
                    message:
                        "base scenario '\(relative)' is outside the folder '\(folder)' (a base must be in the folder of the scenario being read, or below it)"
                )
            ])
        }
        let base: JSONValue
        do {
            base = try mergedJSON(path: basePath, chain: chain + [here], root: folder, additions: &additions)
        } catch {
            throw ScenarioError(
                issues: error.issues.map {
                    $0.file != basePath || !$0.path.isEmpty
                        ? $0
                        : $0.message == "no such file"
                            ? ScenarioIssue(
                                file: file, path: "extends", message: "base scenario '\(relative)' not found")
                            : ScenarioIssue(
                                file: file, path: "extends", message: "base scenario '\(relative)': \($0.message)")
                },
                more: error.more)
        }
        o["extends"] = nil
        additions += nearAdditions(base: base, top: .object(o), file: file)
        return overlay(base, with: .object(o))
    }

    /// Deep merge: objects merge key by key, anything else replaces; `null` removes a key.
    ///
    /// A distribution is replaced whole when the override names a different family
    /// (`{exponential: ...}` over `{lognormal: ...}`), since two families at once mean nothing;
    /// an uncertain value (`{uncertain: ...}`, see ``UncertainInputs``) is always replaced whole.
    public static func overlay(_ base: JSONValue, with top: JSONValue) -> JSONValue {
        guard case .object(var b) = base, case .object(let t) = top else { return top }
        // An uncertain value is one value: replaced whole, never merged field by field.
        if t["uncertain"] != nil || b["uncertain"] != nil { return top }
        let families = Set(FieldReader.distributionFamilies)
        let topFamilies = t.keys.filter { families.contains($0) }
        if !topFamilies.isEmpty, b.keys.contains(where: { families.contains($0) && !topFamilies.contains($0) }) {
            return top
        }
        for (key, value) in t {
            if case .null = value {
                b[key] = nil
            } else if let existing = b[key] {
                b[key] = overlay(existing, with: value)
            } else {
                b[key] = value
            }
        }
        return .object(b)
    }

    /// FNV-1a 64 of the canonical JSON text, as 16 hex digits.
    public static func hash(_ value: JSONValue) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in value.jsonText().utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        return String(h, radix: 16).leftPadded(to: 16)
    }
}
