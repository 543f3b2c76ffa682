import Foundation

/// What wrote a results folder: the command and its operands (the scenario files, or the logs,
/// partial results or activity files it read), as its manifest records them (`owner`).
///
/// A command writes into a folder only if the folder is new or empty, or holds the results of
/// the same command on the same operands (which it replaces), or, with `--overwrite`, anything
/// at all: results are never replaced silently by those of another command or other scenarios
/// (see `OutputPlan.claim()` and docs/reliability.md).
public struct ResultOwner: Sendable, Equatable {
    /// The command's name (`run`, `compare`, ...).
    public var command: String
    /// Its operands as given on the command line; nil when a manifest of an older version
    /// named only the command.
    public var inputs: [String]?

    /// The command `command` on the operands `inputs`.
    public init(command: String, inputs: [String]?) {
        self.command = command
        self.inputs = inputs
    }

    /// The manifest's record of the owner.
    var json: JSONValue {
        .object(
            JSONObject([
                ("command", .string(command)), ("inputs", .array((inputs ?? []).map { .string($0) })),
            ]))
    }

    /// The owner a manifest records: its `owner`, or, in a manifest of an older version, the
    /// command named first in its `command` line (`homeward run ...`), with operands unknown.
    init?(manifest: JSONValue) {
        let top = manifest.objectValue
        if let owner = top?["owner"]?.objectValue, let command = owner["command"]?.stringValue,
            let inputs = owner["inputs"]?.arrayValue
        {
            self.init(command: command, inputs: inputs.compactMap(\.stringValue))
        } else if let line = top?["command"]?.arrayValue?.compactMap(\.stringValue), line.count > 1 {
            self.init(command: line[1], inputs: nil)
        } else {
            return nil
        }
    }

    /// True when `other` is the same command on the same operands: spelt the same (so a
    /// project folder moved or copied with its results keeps them), or naming the same files
    /// from the current folder (`./x` is `x`); operands an older manifest did not record are
    /// taken to be the same.
    public func isSame(as other: ResultOwner) -> Bool {
        guard command == other.command else { return false }
        guard let mine = inputs, let theirs = other.inputs else { return true }
        let spelt = { (paths: [String]) in paths.map { ($0 as NSString).standardizingPath } }
        return spelt(mine) == spelt(theirs) || mine.map(Self.resolved) == theirs.map(Self.resolved)
    }

    /// `path` made absolute from the current folder, with `.`, `..` and symbolic links resolved
    /// as far as the file exists.
    static func resolved(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        return url.resolvingSymlinksInPath().path
    }

    /// `'compare a.json5 b.json5'`, `'run'`.
    public var description: String {
        "'" + ([command] + (inputs ?? [])).joined(separator: " ") + "'"
    }
}

extension OutputPlan {
    /// Refuses to write into `folder` results of `owner` when it holds results of another
    /// command or other operands, or files Homeward did not write (see `ResultOwner`).
    ///
    /// - Parameters:
    ///   - names: the names (relative to the folder) of the files `owner` writes there.
    /// - Throws: `OutputError.badInput` naming the folder, what it holds and the way out.
    static func checkOwner(
        of folder: String, option: String, names: [String], for owner: ResultOwner
    ) throws(OutputError) {
        let wayOut = "give --overwrite to replace them, or choose another \(option)"
        if let manifest = ResultSet.readJSON(folder + "/" + ResultSet.manifestName),
            let holder = ResultOwner(manifest: manifest)
        {
            guard holder.isSame(as: owner) else {
                throw .badInput(
                    "\(option) \(folder): the folder holds the results of \(holder.description), which \(owner.description) would replace; \(wayOut)"
                )
            }
            return
        }
        let ours = Set(names.compactMap { $0.split(separator: "/").first.map(String.init) } + [ResultSet.manifestName])
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        let foreign = entries.filter { !ours.contains($0) && !Self.isHomewardHiddenFile($0) }
        guard foreign.isEmpty else {
            let shown =
                foreign.prefix(3).joined(separator: ", ") + (foreign.count > 3 ? " and \(foreign.count - 3) more" : "")
            throw .badInput(
                "\(option) \(folder): the folder holds files Homeward did not write (\(shown)), and no results manifest; give --overwrite to write the results of \(owner.description) there anyway, or choose another \(option)"
            )
        }
    }

    /// A lock, journal or temporary file Homeward keeps in an output folder.
    static func isHomewardHiddenFile(_ name: String) -> Bool {
        name == ".homeward.lock" || name == ResultSet.journalName || (name.hasPrefix(".") && name.hasSuffix(".tmp"))
    }
}
