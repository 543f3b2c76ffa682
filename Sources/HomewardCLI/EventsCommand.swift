import Foundation
import HomewardKit

/// `homeward events convert IN OUT` and `homeward events info LOG`.
enum EventsCommand {
    static let help = """
        USAGE: homeward events convert IN OUT [--to hwlog|jsonl|csv] [--salvage]
               homeward events info LOG
               homeward events activity LOG OUT.csv [--replication R]

        Event logs come in three formats holding the same information, bit for bit: binary
        (.hwlog, checksummed blocks: the default and the one to use for large logs and for
        integrity), JSON Lines (.jsonl) and CSV (.csv). A log's format is recognised from its
        first bytes, whatever its name.

        convert   Rewrites the log IN in another format: the one OUT's extension implies (.jsonl,
                  .csv, anything else binary) or --to. Lossless: replaying OUT gives the same
                  summary as IN, to the last digit. IN is checked as it is read; OUT is written
                  to a temporary beside it, renamed when complete. With --salvage, a damaged IN gives an OUT
                  with the replications that are whole before the damage, and a warning of what
                  was lost.
        info      Reads the whole log, checking every checksum, block's place, field, sequence
                  number and time, and prints its format, header and the events of each
                  replication. Exit code 2 if it is damaged (the message says where), exactly
                  when replay refuses it.
        activity  Writes one replication of the log (default 0) as an activity file: one row
                  per spell in the CSV format of real activity (docs/actuals.md), which
                  `homeward actuals`, `compare-actuals`, `calibrate` and `--census-from` read.

        """

    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        guard let sub = args.first else {
            throw CommandFailure.usage("events needs a subcommand: convert, info or activity\n\n" + help)
        }
        let rest = Array(args.dropFirst())
        switch sub {
        case "convert": return try convert(rest, console)
        case "info": return try info(rest, console)
        case "activity": return try activity(rest, console)
        default: throw CommandFailure.usage("unknown events subcommand '\(sub)' (convert, info or activity)\n\n" + help)
        }
    }

    static func activity(_ args: [String], _ console: Console) throws -> ExitStatus {
        let a = try Arguments(args, valued: ["replication"], flags: ["quiet"])
        guard a.positional.count == 2 else {
            throw CommandFailure.usage("events activity needs a log and an output file\n\n" + help)
        }
        let replication = try a.integer("replication", min: 0, max: Int(Int32.max)) ?? 0
        var plan = OutputPlan()
        plan.input("the input log", a.positional[0])
        plan.files = [("events activity OUT", a.positional[1])]
        try plan.claim()
        let csv = try ActivityExport.csv(path: a.positional[0], replication: replication)
        try AtomicFile.write(csv, to: a.positional[1])
        if !a.flag("quiet") {
            console.out(
                "\(a.positional[1]): \(csv.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } - 1) spells of replication \(replication)\n"
            )
        }
        return .success
    }

    static func convert(_ args: [String], _ console: Console) throws -> ExitStatus {
        let a = try Arguments(args, valued: ["to"], flags: ["salvage", "quiet"])
        guard a.positional.count == 2 else {
            throw CommandFailure.usage("events convert needs an input log and an output file\n\n" + help)
        }
        var format: EventLogFormat?
        if let name = a.value("to") {
            guard let f = EventLogFormat(name: name) else {
                throw CommandFailure.usage("--to must be hwlog, jsonl or csv, got '\(name)'")
            }
            format = f
        }
        let (input, output) = (a.positional[0], a.positional[1])
        var plan = OutputPlan()
        plan.input("the input log", input)
        plan.logs = [("events convert OUT", output)]
        try plan.claim()
        let result = try EventLogConversion.convert(
            input: input, output: output, format: format, salvage: a.flag("salvage"))
        if let report = result.salvage { console.err(report.description + "\n") }
        if !a.flag("quiet") {
            console.out(
                "converted \(input) (\(result.from.label), \(grouped(UInt64(result.bytesRead))) bytes) to \(output) (\(result.to.label), "
                    + "\(grouped(UInt64(result.bytesWritten))) bytes): \(result.replications) replications, \(grouped(result.events)) events\n"
            )
        }
        return .success
    }

    static func info(_ args: [String], _ console: Console) throws -> ExitStatus {
        let a = try Arguments(args, valued: [], flags: [])
        guard a.positional.count == 1 else {
            throw CommandFailure.usage("events info needs exactly one event log\n\n" + help)
        }
        console.out(try EventLogInfo(path: a.positional[0]).description)
        return .success
    }
}

/// `homeward replay LOG [--out DIR] [--format table|json|csv] [--salvage]`: replays a log of
/// any format. (Replaces `ReplayCommand`: the dispatch in HomewardCLI.swift points here.)
enum EventLogReplayCommand {
    static let help = """
        USAGE: homeward replay LOG [--out DIR] [--format table|json|csv] [--salvage]

        Reads an event log written by `run --events` (binary .hwlog, JSON Lines or CSV: the
        format is recognised from the file's first bytes) and recomputes every metric from the
        events alone; the summary equals the run's to the last digit.

        A damaged log is never absorbed: a log cut short or corrupted stops the replay with exit
        code 2 and a message saying "truncated" or "corrupt" and where (line, or block and byte
        offset).

        OPTIONS
          --out DIR          Also write DIR/summary.json, summary.csv and monthly.csv
        \(Help.overwrite)
          --format F         table (default), json or csv on standard output
          --salvage          Replay what is whole before the damage: whole replications only (a
                             replication's metrics need its `end` event), with a warning on
                             standard error of what was lost (replications, events, blocks,
                             bytes)

        """

    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let o = try SharedOptions(
            args,
            .init(
                shared: [.out, .format, .quiet, .overwrite], flags: ["salvage"],
                operands: (1...1, "replay needs exactly one event log\n\n" + help)))
        let format = o.format
        let path = o.positional[0]
        if let out = o.out {
            var plan = o.outputPlan("replay")
            plan.input("the input log", path)
            plan.folders = [("--out", out, SummaryFiles.names)]
            try plan.claim()
        }
        let replay = try EventLogReader.replay(path: path, salvage: o.arguments.flag("salvage"))
        let header = replay.header
        if let report = replay.salvage { console.err(report.description + "\n") }
        let summary = Summary(replay.replications)
        let manifest = replay.manifest(path: path)
        if let out = o.out { try SummaryFiles.write(summary, manifest: manifest, to: out) }
        if format == "json" {
            console.out(SummaryFiles.summaryJSON(summary, manifest: manifest))
        } else if format == "csv" {
            console.out(SummaryFiles.summaryCSV(summary))
        } else {
            let count =
                replay.salvage == nil
                ? "\(header.replications) replications"
                : "\(replay.replications.count) of \(header.replications) replications (salvaged)"
            console.out(TableRenderer(color: console.color).summaryTable(summary, title: "Replay of \(path): \(count)"))
        }
        return .success
    }
}
