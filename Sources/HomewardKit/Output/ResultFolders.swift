import Foundation

/// Names of the folders and files a command derives from its scenario files.
public enum ResultFolders {
    /// A scenario file's name without its folder or `.json5` / `.json` extension: the default
    /// name of its results (`Scenarios/baseline.json5` gives `baseline`).
    public static func baseName(_ path: String) -> String {
        var name = (path as NSString).lastPathComponent
        for ext in [".json5", ".json"] where name.hasSuffix(ext) { name.removeLast(ext.count) }
        return name
    }

    /// One folder name per scenario file: its base name, with its position as a suffix when
    /// files of the same name come from different folders (`a/x.json5 b/x.json5` give `x-0`,
    /// `x-1`).
    public static func unique(_ files: [String]) -> [String] {
        let names = files.map(baseName)
        return names.enumerated().map { i, f in names.filter { $0 == f }.count > 1 ? "\(f)-\(i)" : f }
    }

    /// The files of a results folder that holds `files` and, in each of `subfolders`, one
    /// scenario's summary files (`compare`'s scenarios, `schemes`' options).
    public static func withSummaries(_ files: [String], in subfolders: [String]) -> [String] {
        files + subfolders.flatMap { folder in SummaryFiles.names.map { folder + "/" + $0 } }
    }
}
