import Foundation

/// The outputs a command is about to write, checked against its inputs before anything runs:
/// no output may be one of the command's input files (the same file by device and inode, so
/// hard links, `./x` and symbolic links to it are caught too), no output file may be a symbolic
/// link, a folder, a socket or a block device, and every output folder is created and locked
/// (`OutputLock`) for the rest of the command.
public struct OutputPlan {
    /// An input file and what it is, for messages ("the scenario file").
    public var inputs: [(what: String, path: String)] = []
    /// Output files and the option that named them.
    public var files: [(option: String, path: String)] = []
    /// Output folders, the option that named them, and the names (relative to the folder) of
    /// the files the command writes there.
    public var folders: [(option: String, path: String, names: [String])] = []
    /// Event logs (also locked, unless they are a device or named pipe).
    public var logs: [(option: String, path: String)] = []
    /// The command and operands whose results the folders will hold (recorded in their
    /// manifests); nil for a plan that writes no results folder.
    public var owner: ResultOwner?
    /// Whether folders holding other results, or files Homeward did not write, may be written.
    public var overwrite = false

    /// An empty plan for the results of `owner`, if any.
    public init(owner: ResultOwner? = nil, overwrite: Bool = false) {
        self.owner = owner
        self.overwrite = overwrite
    }

    /// Adds a scenario file and every file its `extends` chain names.
    public mutating func scenario(_ path: String) {
        for file in Self.scenarioChain(path) { inputs.append(("the scenario file", file)) }
    }

    /// Adds an input.
    public mutating func input(_ what: String, _ path: String) { inputs.append((what, path)) }

    /// Checks the plan, then creates and locks the folders and locks the logs (held by the
    /// current `OutputSession` until the command ends).
    ///
    /// - Throws: `OutputError.badInput` naming the output and the input when an output is an
    ///   input, when an output file is of a kind Homeward does not write, when another run
    ///   holds a folder or log, or (without `overwrite`) when a folder holds the results of
    ///   another command or other operands than `owner`, or files Homeward did not write;
    ///   `OutputError.io` when a folder cannot be created.
    public func claim() throws(OutputError) {
        let identities = inputs.compactMap { input in Self.identity(input.path).map { ($0, input) } }
        func refuseIfInput(_ output: String, option: String) throws(OutputError) {
            guard let id = Self.identity(output) else { return }
            for (inputID, input) in identities where inputID == id {
                throw .badInput(
                    "\(option) \(output): this output is \(input.what) '\(input.path)', an input of the command; writing it would destroy it (choose another output)"
                )
            }
        }
        for (option, path) in files + logs {
            try OutputTarget.check(path, option: option)
            try refuseIfInput(path, option: option)
        }
        for (option, path, names) in folders {
            for name in names + [ResultSet.manifestName] {
                try refuseIfInput(path + "/" + name, option: option)
            }
        }
        for (option, path, names) in folders {
            do throws(OutputError) {
                try SafeFile.makeDirectory(path)
            } catch {
                throw OutputError(kind: error.kind, message: "\(option) \(path): \(error.message)")
            }
            try OutputSession.current?.hold(path, isFolder: true)
            if let owner, !overwrite { try Self.checkOwner(of: path, option: option, names: names, for: owner) }
        }
        if let owner { OutputSession.current?.owner = owner }
        for (_, path) in logs where !OutputTarget.of(path).writtenInPlace {
            let folder = SafeFile.directory(of: path)
            try SafeFile.makeDirectory(folder)
            try OutputSession.current?.hold(path, isFolder: false)
        }
    }

    /// Device and inode of the file at `path` (following links), nil when there is none.
    static func identity(_ path: String) -> [UInt64]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }

    /// A scenario file and the files of its `extends` chain (as far as they can be read; the
    /// loader reports any problem with them).
    static func scenarioChain(_ path: String) -> [String] {
        var chain = [path]
        var current = path
        while chain.count <= 32, let bytes = ResultSet.readFile(current, limit: 64 << 20),
            let json = try? JSON5.parse(String(decoding: bytes, as: UTF8.self)),
            let relative = json.objectValue?["extends"]?.stringValue
        {
            let directory = PathName.parent(of: current)
            let base =
                (relative as NSString).isAbsolutePath
                ? relative : (directory as NSString).appendingPathComponent(relative)
            if chain.contains(base) { break }
            chain.append(base)
            current = base
        }
        return chain
    }

    /// The files of the results folder `directory` that a reader reads: those its manifest
    /// lists (and the manifest), or, in a folder without one, its `.json` and `.csv` files and
    /// those of its immediate subfolders. (Not any other file, such as an earlier report.)
    package static func resultFiles(_ directory: String) -> [String] {
        let listed = ResultSet.listedFiles(directory)
        if !listed.isEmpty { return listed.map { directory + "/" + $0 } + [directory + "/" + ResultSet.manifestName] }
        return filesOfResults(directory).filter { $0.hasSuffix(".json") || $0.hasSuffix(".csv") }
    }

    /// The regular files in `directory` and in its immediate subfolders.
    package static func filesOfResults(_ directory: String) -> [String] {
        let manager = FileManager.default
        var files: [String] = []
        for entry in (try? manager.contentsOfDirectory(atPath: directory)) ?? [] {
            let path = directory + "/" + entry
            switch OutputTarget.of(path) {
            case .regular: files.append(path)
            case .directory:
                for inner in (try? manager.contentsOfDirectory(atPath: path)) ?? [] {
                    if OutputTarget.of(path + "/" + inner) == .regular { files.append(path + "/" + inner) }
                }
            default: break
            }
        }
        return files
    }
}
