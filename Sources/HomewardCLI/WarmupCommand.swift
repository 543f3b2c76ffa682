import Foundation
import HomewardKit

/// `homeward warmup SCENARIO`: Welch's method, against a warmed-up reference.
enum WarmupCommand {
    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let o = try SharedOptions(
            args,
            .init(
                shared: [.replications, .seed, .threads, .out, .quiet, .overwrite], valued: ["window"],
                operands: (1...1, "warmup needs exactly one scenario file\n\n" + Help.warmup),
                replications: 2...10_000))
        let a = o.arguments
        let replications = o.replications ?? 10
        let window = try a.integer("window", min: 1, max: 365) ?? 7
        let loaded = try ScenarioLoader.load(path: a.positional[0])
        let s = loaded.scenario
        let out = o.out ?? "results/warmup-\(ResultFolders.baseName(a.positional[0]))"
        var plan = o.outputPlan("warmup")
        plan.scenario(a.positional[0])
        plan.folders = [("--out", out, ["warmup.csv"])]
        try plan.claim()
        let analysis = WarmupAnalysis.run(
            s, seed: o.seed ?? s.seed, replications: replications, threads: o.threads, halfWindow: window)
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
        // The reference is warmed up for one year, so a service with stays of years is judged
        // against a reference that has not settled either: say so from the stays themselves.
        for note in s.slowToSettle(file: loaded.file) {
            console.err("warning: warm-up: \(note.description)\n")
        }
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
