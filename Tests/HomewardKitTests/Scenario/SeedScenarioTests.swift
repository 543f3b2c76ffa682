import Foundation
import HomewardKit
import Testing

@testable import HomewardCLI

/// The scenarios built from the seed documents (Scenarios/rutland.json5, bromley.json5, ...):
/// they validate, they carry costed schemes, and the plans' stated claims are put through the
/// model. Runs are kept short enough for a debug build (a few replications; Bromley on a
/// shortened window).
@Suite struct SeedScenarioTests {
    static let folder = Fixtures.repositoryRoot + "/Scenarios"

    /// One scenario per seed document (000-004).
    static let seedScenarios = [
        "central-bedfordshire-care-homes.json5", "bedford.json5", "ashford.json5", "rutland.json5", "bromley.json5",
    ]

    /// Every scenario file in Scenarios/ and its subfolders.
    static var allScenarioFiles: [String] {
        let files = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".json5") }.sorted()
    }

    @Test func everyScenarioInTheFolderValidates() {
        let files = Self.allScenarioFiles
        #expect(files.count >= Self.seedScenarios.count + 2)
        for file in files {
            do {
                _ = try ScenarioLoader.load(path: Self.folder + "/" + file)
            } catch {
                Issue.record("\(file): \(error.issues.map(\.description).joined(separator: "; "))")
            }
        }
        for seed in Self.seedScenarios { #expect(files.contains(seed), "missing \(seed)") }
    }

    @Test(arguments: seedScenarios)
    func everySeedScenarioHasACostedScheme(_ file: String) throws {
        let s = try ScenarioLoader.load(path: Self.folder + "/" + file).scenario
        #expect(s.days == 365)
        let costed = s.schemes.filter { $0.costPerYear > 0 || $0.oneOffCost > 0 }
        #expect(!costed.isEmpty, "\(file) has no scheme with a cost")
    }

    /// Counts the end-of-episode outcomes of one service inside the measured window.
    struct OutcomeCounter: EventSink {
        let service: Int16
        let window: Range<Double>
        var ended = 0
        var independent = 0
        mutating func append(_ e: Event) {
            guard e.kind == .serviceEnd, e.service == service, window.contains(e.time) else { return }
            ended += 1
            if e.detail == Outcome.independent.rawValue { independent += 1 }
        }
    }

    /// REACH (003 section 2.1, line 230): "consistently over 85% of people discharged from
    /// hospital who have received reablement remaining at home 91 days after discharge, and
    /// approximately 60% of people requiring no on-going social care at the end of their
    /// reablement period. The average time on reablement is 4 weeks."
    @Test func rutlandReachFiguresComeOutOfTheRutlandBaseline() throws {
        let loaded = try ScenarioLoader.load(path: Self.folder + "/rutland.json5")
        let s = loaded.scenario
        let replications = 4
        let result = try Runner.run(loaded, options: RunOptions(replications: replications, seed: s.seed, threads: 2))
        let summary = Summary(result.replications)

        // 1. At home 91 days after discharge into reablement (people 65+): over 0.85.
        let atHome = try #require(summary["reablementAtHome91Rate"]?.interval)
        #expect(atHome.mean > 0.85 && atHome.mean < 0.97, "at home at 91 days: \(atHome.mean)")

        // 2. No ongoing care at the end of reablement: about 0.60 (within 0.05), from the log.
        let reach = try #require(s.serviceIndex(named: "reablement"))
        var ended = 0
        var independent = 0
        for r in 0..<replications {
            let counter = OutcomeCounter(service: Int16(reach), window: Double(s.warmupDays)..<s.horizon)
            var sim = Simulation(scenario: s, seed: s.seed, replication: r, sink: counter)
            sim.run()
            ended += sim.sink.ended
            independent += sim.sink.independent
        }
        #expect(ended > 1000)
        let share = Double(independent) / Double(ended)
        #expect(abs(share - 0.60) < 0.05, "independent at the end of reablement: \(share)")

        // 3. Time on reablement, blocking for home care included: about 28 days (within 3).
        let stay = try #require(summary["services.reablement.meanStayDays"]?.interval.mean)
        let blocked = try #require(summary["services.reablement.blockedDays"]?.interval.mean)
        let departures = try #require(summary["services.reablement.departures"]?.interval.mean)
        let episode = try #require(s.services[reach].duration?.mean)
        #expect(abs(episode - 28) < 1e-9)
        #expect(abs(stay - 28) < 3, "mean time on reablement: \(stay) days")
        let blockingPerClient = blocked / departures
        #expect(blockingPerClient >= 0 && blockingPerClient < 3)
        print(
            String(
                format:
                    "Rutland REACH: at home at 91 days %.3f (95%% CI %.3f to %.3f; claim > 0.85); no ongoing care %.3f of %d endings (claim about 0.60); mean time on reablement %.1f days (claim 28) = %.0f-day episodes + %.1f days a client waiting in the slot for home care",
                atHome.mean, atHome.low, atHome.high, share, ended, stay, episode, blockingPerClient))
    }

    /// Bromley scheme 1 (004 line 113): "a reduction of 191 non elective admissions ... in the
    /// first year of the plan (308 full-year effect)". The model's reduction, with its interval,
    /// is computed by `homeward schemes` and written beside the plan's figures; agreement is a
    /// finding, not a requirement. A shortened window of the full-year variant keeps it quick:
    /// the plan's comparable figure is its full-year rate pro rata.
    @Test func bromleySchemeOneReductionIsComparedWithThePlan() throws {
        let dir = Fixtures.temporaryDirectory()
        let days = 91
        let variant = dir + "/bromley-short.json5"
        // `extends` reads only inside the variant's folder: the chain is copied beside it.
        for file in ["bromley.json5", "bromley-full-year.json5"] {
            try FileManager.default.copyItem(atPath: Self.folder + "/" + file, toPath: dir + "/" + file)
        }
        try """
        // Bromley's full-year variant over a shortened window, for a quick test.
        { extends: "bromley-full-year.json5", warmupDays: 60, horizonDays: \(days) }
        """.write(toFile: variant, atomically: true, encoding: .utf8)
        let c = CLITests.Captured()
        let status = HomewardCLI.main(
            ["schemes", variant, "--replications", "3", "--threads", "2", "--out", dir + "/out", "--quiet"],
            console: c.console)
        #expect(status == 0, "\(c.err)")

        let json = try JSON5.parse(String(contentsOfFile: dir + "/out/schemes.json", encoding: .utf8))
        let options = try #require(json.objectValue?["evaluation"]?.objectValue?["options"]?.arrayValue)
        #expect(options.count == 4)  // schemes 1, 2 and 7 alone, and all together
        let scheme1 = try #require(
            options.first { $0.objectValue?["name"]?.stringValue == "Scheme 1: step-up/step-down" })
        let nels = try #require(scheme1.objectValue?["measures"]?.objectValue?["nelsAvoided"]?.objectValue)
        let mean = try #require(nels["mean"]?.numberValue)
        let ci = (nels["ci95"]?.arrayValue ?? []).compactMap { $0.numberValue }
        try #require(ci.count == 2)
        #expect(mean.isFinite && ci[0].isFinite && ci[1].isFinite && ci[0] <= mean && mean <= ci[1])

        let planFullYear = 308.0
        let planYearOne = 191.0
        let planForWindow = planFullYear * Double(days) / 365
        let findings = String(
            format:
                "Bromley scheme 1 at full strength over %d days: NELs avoided %.1f (95%% CI %.1f to %.1f) against %.1f for the plan's full-year 308 pro rata (004 line 113; year one %.0f); ratio %.2f",
            days, mean, ci[0], ci[1], planForWindow, planYearOne, mean / planForWindow)
        try (findings + "\n").write(toFile: dir + "/out/findings.txt", atomically: true, encoding: .utf8)
        let written = try String(contentsOfFile: dir + "/out/findings.txt", encoding: .utf8)
        #expect(written.contains("308") && written.contains(String(format: "%.1f", mean)))
        print(findings)
    }
}
