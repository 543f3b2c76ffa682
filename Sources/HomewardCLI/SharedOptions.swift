import Foundation
import HomewardKit

/// The options that run-like commands share, parsed and checked in one place, so that every
/// command spells, bounds and reports them the same way (`--replications must be a whole
/// number from 2 to 100000, got 'x'` from run, compare, sweep, ... alike). A command declares
/// which of them it accepts, its own options and its operands (`Spec`); anything else is an
/// unknown option.
struct SharedOptions {
    /// An option that run-like commands share.
    enum Option: String, CaseIterable, Sendable {
        case replications, seed, threads, out, format, html, xlsx, events, shard, precision
        case maxReplications = "max-replications"
        case quiet, daily, resume, overwrite
        case progressLines = "progress-lines"

        /// True for a flag (an option that takes no value).
        var isFlag: Bool { [.quiet, .daily, .resume, .overwrite, .progressLines].contains(self) }
    }

    /// What a command accepts.
    struct Spec {
        /// The shared options it accepts.
        var shared: Set<Option>
        /// Its own options that take a value, and its own flags.
        var valued: Set<String> = []
        var flags: Set<String> = []
        /// How many operands it takes, and the message (the command's usage) when the count is
        /// wrong; nil when the command checks its operands itself.
        var operands: (count: ClosedRange<Int>, message: String)?
        /// The bounds of `--replications`.
        var replications: ClosedRange<Int> = 2...ScenarioReader.maximumReplications
        /// The values `--format` may take; nil when any value is passed on unchecked.
        var formats: [String]? = ["table", "json", "csv"]
    }

    /// Everything on the command line, for the command's own options and its operands.
    let arguments: Arguments
    /// `--replications N`, if given.
    var replications: Int?
    /// `--seed N`, if given.
    var seed: UInt64?
    /// `--threads N`, else the number of active processors.
    var threads: Int
    /// `--out DIR`, if given.
    var out: String?
    /// `--format F`, else `table`.
    var format: String
    /// `--html FILE`, `--xlsx FILE`, `--events FILE`, if given.
    var html: String?
    var xlsx: String?
    var events: String?
    /// `--shard I/N`, if given.
    var shard: Shard?
    /// `--precision P` as a share (5% is 0.05), if given.
    var precision: Double?
    /// `--max-replications N`, else 1000.
    var maximumReplications: Int
    /// The flags `--quiet`, `--daily`, `--resume` and `--overwrite`.
    var quiet: Bool
    /// `--progress-lines`: progress as `progress DONE TOTAL` lines on standard error, for a
    /// program that runs the command (the workbench of `homeward serve`).
    var progressLines: Bool
    var daily: Bool
    var resume: Bool
    var overwrite: Bool

    /// The operands.
    var positional: [String] { arguments.positional }

    /// Parses `args` as `spec` says: the operands' count first, then each shared option's value.
    ///
    /// - Throws: `CommandFailure` (usage) for an unknown option, a wrong number of operands or
    ///   a value out of range; `ExperimentError` for a malformed `--shard`.
    init(_ args: [String], _ spec: Spec) throws {
        let accepted = spec.shared
        arguments = try Arguments(
            args, valued: spec.valued.union(accepted.filter { !$0.isFlag }.map(\.rawValue)),
            flags: spec.flags.union(accepted.filter(\.isFlag).map(\.rawValue)))
        let a = arguments
        if let (count, message) = spec.operands, !count.contains(a.positional.count) {
            throw CommandFailure.usage(message)
        }
        format = a.value("format") ?? "table"
        if let formats = spec.formats, accepted.contains(.format), !formats.contains(format) {
            throw CommandFailure.usage("--format must be \(Self.alternatives(formats)), got '\(format)'")
        }
        replications = try a.integer(
            "replications", min: spec.replications.lowerBound, max: spec.replications.upperBound)
        seed = try a.integer("seed", min: 0, max: Int(Int32.max)).map(UInt64.init)
        threads = try a.integer("threads", min: 1, max: 1024) ?? ProcessInfo.processInfo.activeProcessorCount
        maximumReplications =
            try a.integer("max-replications", min: 2, max: ScenarioReader.maximumReplications) ?? 1000
        if let text = a.value("precision") {
            let number = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
            guard let p = number, p > 0, p < 1 else {
                throw CommandFailure.usage("--precision must be a share like 5% or 0.05, got '\(text)'")
            }
            precision = p
        }
        shard = try a.value("shard").map { (text: String) throws(ExperimentError) -> Shard in
            try Shard.parse(text, environment: ProcessInfo.processInfo.environment)
        }
        out = a.value("out")
        html = a.value("html")
        xlsx = a.value("xlsx")
        events = a.value("events")
        quiet = a.flag("quiet")
        progressLines = a.flag("progress-lines")
        daily = a.flag("daily")
        resume = a.flag("resume")
        overwrite = a.flag("overwrite")
    }

    /// An output plan for the results of `command` on these operands: a folder holding other
    /// results is refused unless `--overwrite` was given (see `ResultOwner`).
    func outputPlan(_ command: String) -> OutputPlan {
        OutputPlan(owner: ResultOwner(command: command, inputs: positional), overwrite: overwrite)
    }

    /// "a, b or c".
    static func alternatives(_ words: [String]) -> String {
        words.count < 2 ? words.joined() : words.dropLast().joined(separator: ", ") + " or " + words.last!
    }
}
