import Foundation

/// The files a command writes into an output folder, committed as a whole: after a kill at any
/// instant the folder holds the complete old set, the complete new set, or a set that readers
/// recognise as incomplete and refuse.
///
/// The commit:
/// 1. writes every file as an exclusive temporary in its final folder, and `fsync`s it;
/// 2. writes a journal (`.homeward-results.journal`) naming each temporary and its final name;
/// 3. removes the old manifest (from here until step 5 readers refuse the folder);
/// 4. renames every temporary into place, and removes the files of the old set that the new
///    set does not have;
/// 5. writes the manifest `homeward-results.json` last: the format, its version, Homeward's
///    version, the command, and every file of the set with its size in bytes and SHA-256;
/// 6. removes the journal.
///
/// A later commit into the folder that finds a journal from a run that died in steps 3-5 rolls
/// it forward first (every temporary it names was complete before the journal was written).
/// Readers call `verify(_:)`, which checks every listed file's size and checksum.
public struct ResultSet: Sendable {
    /// The manifest's file name.
    public static let manifestName = "homeward-results.json"
    /// The journal's file name.
    public static let journalName = ".homeward-results.journal"
    /// The manifest's `format` field.
    public static let format = "homeward-results"
    /// The manifest's `version` field.
    public static let version = 1

    /// The output folder.
    public let directory: String
    /// The files of the set: a name relative to `directory` (a file of the folder, or of one of
    /// its subfolders) and the bytes.
    public private(set) var files: [(name: String, bytes: [UInt8])] = []

    /// An empty set for the folder `directory`.
    public init(directory: String) {
        self.directory =
            directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    }

    /// Adds (or replaces) the file `name`: relative to the folder, without `.` or `..` parts
    /// (`commit()` refuses any other name).
    public mutating func add(_ name: String, _ text: String) {
        files.removeAll { $0.name == name }
        files.append((name, Array(text.utf8)))
    }

    /// Commits the set (see the type's description). Holds the folder's lock (`OutputLock`) while
    /// it writes: the command's own when the command holds it, else one taken for the commit.
    ///
    /// - Throws: `OutputError.badInput` when another run holds the folder or a path in the way
    ///   is not a folder, `OutputError.io` when a file cannot be written (the folder is then
    ///   left with its old set).
    public func commit() throws(OutputError) { try commit(stoppingAt: nil) }

    /// `commit()`, or, for tests, its first `stop - 1` steps only, as if the process had been
    /// killed at the `stop`th step: nothing is cleaned up, and `SimulatedKill` is thrown.
    func commit(stoppingAt stop: Int?) throws(OutputError) {
        for name in files.map(\.name) where !Self.isSafeName(name) {
            throw .badInput(
                "\(directory): '\(name)' cannot be the name of a result file (it must stay inside the folder)")
        }
        try SafeFile.makeDirectory(directory)
        for name in files.map(\.name) where name.contains("/") {
            try SafeFile.makeDirectory(directory + "/" + PathName.parent(of: name))
        }
        try OutputSession.withLock(directory, isFolder: true) { () throws(OutputError) in
            try Self.recover(directory)
            var steps = KillPoints(stop: stop)
            try write(&steps)
        }
        OutputRegistry.shared.finished(directory + "/")
    }

    /// The steps of a commit, numbered, so that tests can stop it at any one of them.
    struct KillPoints {
        let stop: Int?
        var passed = 0

        /// The message of the failure a stopped commit throws.
        static let message = "simulated kill during a result set's commit"

        mutating func step() throws(OutputError) {
            passed += 1
            if passed == stop { throw .io(Self.message) }
        }
    }

    private func write(_ steps: inout KillPoints) throws(OutputError) {
        var staged: [(temporary: String, name: String)] = []
        func discard() { for s in staged { OutputRegistry.shared.remove(s.temporary) } }
        for file in files {
            let target = directory + "/" + file.name
            try OutputTarget.check(target)
            if OutputTarget.of(target).writtenInPlace {
                discard()
                throw .badInput("\(target): a result file cannot be a device or named pipe")
            }
            do throws(OutputError) {
                staged.append((try Self.stage(file.bytes, for: target), file.name))
            } catch {
                discard()
                throw error
            }
            try steps.step()
        }
        let manifestText = manifest().jsonText(pretty: true) + "\n"
        let manifestPath = directory + "/" + Self.manifestName
        let stagedManifest: String
        do throws(OutputError) {
            stagedManifest = try Self.stage(Array(manifestText.utf8), for: manifestPath)
        } catch {
            discard()
            throw error
        }
        staged.append((stagedManifest, Self.manifestName))
        try steps.step()
        let journal = JSONValue.object(
            JSONObject([
                ("format", .string(Self.format + "-journal")), ("version", .number(Double(Self.version))),
                (
                    "staged",
                    .array(
                        staged.map {
                            .object(
                                JSONObject([
                                    ("temporary", .string(Self.relative($0.temporary, to: directory))),
                                    ("name", .string($0.name)),
                                ]))
                        })
                ),
            ]))
        let old = Self.listedFiles(directory)
        try OutputRegistry.shared.committing { () throws(OutputError) in
            do throws(OutputError) {
                try SafeFile.write(Array((journal.jsonText() + "\n").utf8), to: directory + "/" + Self.journalName)
            } catch {
                discard()
                throw error
            }
            try steps.step()
            unlink(manifestPath)
            SafeFile.syncDirectory(directory)
            try steps.step()
            for s in staged.dropLast() {
                try SafeFile.rename(s.temporary, over: directory + "/" + s.name)
                try steps.step()
            }
            let names = Set(files.map(\.name))
            for name in old where !names.contains(name) && OutputTarget.of(directory + "/" + name) == .regular {
                unlink(directory + "/" + name)
                try steps.step()
            }
            try SafeFile.rename(stagedManifest, over: manifestPath)
            try steps.step()
            unlink(directory + "/" + Self.journalName)
            SafeFile.syncDirectory(directory)
        }
    }

    /// Writes `bytes` to a new exclusive temporary for `target`, `fsync`ed and closed.
    static func stage(_ bytes: [UInt8], for target: String) throws(OutputError) -> String {
        let (fd, temporary) = try SafeFile.createTemporary(for: target)
        var failure = bytes.withUnsafeBytes { SafeFile.writeAll(fd, $0) }
        if failure == nil && fsync(fd) != 0 && errno != EINVAL { failure = errno }
        if close(fd) != 0 && failure == nil { failure = errno }
        if let failure {
            OutputRegistry.shared.remove(temporary)
            throw .io("cannot write '\(target)': \(SafeFile.reason(failure))")
        }
        return temporary
    }

    /// The manifest of the set.
    func manifest() -> JSONValue {
        let command = OutputSession.current?.command ?? []
        let owner = OutputSession.current?.owner.map { [("owner", $0.json)] } ?? []
        return .object(
            JSONObject(
                [
                    ("format", .string(Self.format)), ("version", .number(Double(Self.version))),
                    ("homewardVersion", .string(Homeward.version)),
                    ("command", .array(command.map { .string($0) })),
                ] + owner + [
                    (
                        "files",
                        .array(
                            files.map {
                                .object(
                                    JSONObject([
                                        ("name", .string($0.name)), ("bytes", .number(Double($0.bytes.count))),
                                        ("sha256", .string(SHA256.hex($0.bytes))),
                                    ]))
                            })
                    )
                ]))
    }

    static func relative(_ path: String, to directory: String) -> String {
        String(path.dropFirst(directory.count + 1))
    }

    /// The names the folder's current manifest lists (empty when there is none or it is unreadable).
    static func listedFiles(_ directory: String) -> [String] {
        guard let json = readJSON(directory + "/" + manifestName),
            let files = json.objectValue?["files"]?.arrayValue
        else { return [] }
        return files.compactMap { $0.objectValue?["name"]?.stringValue }.filter(isSafeName)
    }

    /// A listed name that stays inside the folder.
    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix("/") && !name.split(separator: "/").contains { $0 == ".." || $0 == "." }
    }

    /// Reads a small JSON file (at most 16 MB, never through a symbolic link).
    static func readJSON(_ path: String) -> JSONValue? {
        guard OutputTarget.of(path) == .regular, let bytes = readFile(path, limit: 16 << 20) else { return nil }
        return try? JSON5.parse(String(decoding: bytes, as: UTF8.self))
    }

    /// The bytes of a regular file of at most `limit` bytes (nil otherwise): a symbolic link,
    /// a device or a pipe in its place is not read.
    static func readFile(_ path: String, limit: Int) -> [UInt8]? {
        guard OutputTarget.of(path) == .regular else { return nil }
        return try? BoundedFile.read(path: path, limit: limit)
    }

    /// Completes the commit of a run that died after writing its journal (the caller holds the
    /// folder's lock, so that run is not alive): renames the temporaries that are still there.
    static func recover(_ directory: String) throws(OutputError) {
        let journalPath = directory + "/" + journalName
        guard OutputTarget.of(journalPath) != .missing else { return }
        if let staged = readJSON(journalPath)?.objectValue?["staged"]?.arrayValue {
            for entry in staged {
                guard let temporary = entry.objectValue?["temporary"]?.stringValue,
                    let name = entry.objectValue?["name"]?.stringValue, isSafeName(temporary), isSafeName(name),
                    OutputTarget.of(directory + "/" + temporary) == .regular
                else { continue }
                _ = Foundation.rename(directory + "/" + temporary, directory + "/" + name)
            }
        }
        unlink(journalPath)
        SafeFile.syncDirectory(directory)
    }
}
