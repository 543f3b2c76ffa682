import Foundation
import HomewardKit

/// `homeward warmup SCENARIO`: Welch's method, against a warmed-up reference.
enum WarmupCommand {
    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let a = try Arguments(args, valued: ["replications", "seed", "threads", "out", "window"], flags: ["quiet"])
        guard a.positional.count == 1 else {
            throw CommandFailure.usage("warmup needs exactly one scenario file\n\n" + Help.warmup)
        }
        let replications = try a.integer("replications", min: 2, max: 10_000) ?? 10
        let requestedSeed = try a.integer("seed", min: 0, max: Int(Int32.max)).map(UInt64.init)
        let threads = try a.integer("threads", min: 1, max: 1024) ?? ProcessInfo.processInfo.activeProcessorCount
        let window = try a.integer("window", min: 1, max: 365) ?? 7
        let loaded = try ScenarioLoader.load(path: a.positional[0])
        let s = loaded.scenario
        let out = a.value("out") ?? "results/warmup-\(ResultFolders.baseName(a.positional[0]))"
        var plan = OutputPlan()
        plan.scenario(a.positional[0])
        plan.folders = [("--out", out, ["warmup.csv"])]
        try plan.claim()
        let analysis = WarmupAnalysis.run(
            s, seed: requestedSeed ?? s.seed, replications: replications, threads: threads, halfWindow: window)
        var set = ResultSet(directory: out)
        set.add("warmup.csv", analysis.csv)
        try set.commit()
        let rows = analysis.series.map { series -> [String] in
            [
                series.name, series.suggestedDays.map { "\($0) days" } ?? "does not settle",
                TableRenderer.format(series.smoothed.last ?? .nan),
            ]
        }
        console.out(
            TableRenderer(color: console.color).render(
                title:
                    "Warm-up of \(s.name): \(replications) replications from empty vs. a reference warmed up for a year (moving average of \(2 * window + 1) days)",
                header: ["measure", "settles after", "level at the end"], rows: rows, rightAligned: [1, 2]))
        if let days = analysis.suggestedDays {
            console.out(
                "Suggested warm-up: \(days) days (the scenario uses \(s.warmupDays)).\(days > s.warmupDays ? " Consider a longer warm-up." : "")\n"
            )
        } else {
            console.out(
                "Some measures do not settle within the run: lengthen the run or check for a capacity shortfall that grows without limit.\n"
            )
        }
        console.out(
            "Daily series written to \(out)/warmup.csv (plot moving_average against reference_moving_average).\n")
        return .success
    }
}
