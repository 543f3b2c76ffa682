import Foundation
import HomewardKit

/// `homeward verify [--quick] [--scenarios DIR]`
enum VerifyCommand {
    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let o = try SharedOptions(
            args, .init(shared: [.threads, .quiet], valued: ["scenarios", "csv"], flags: ["quick", "full"]))
        let a = o.arguments
        guard a.positional.isEmpty else {
            throw CommandFailure.usage(
                "verify takes no operands, got '\(a.positional[0])' (the cases are the files in --scenarios DIR/verification)\n\n"
                    + Help.verify)
        }
        let dir = a.value("scenarios") ?? "Scenarios"
        guard FileManager.default.fileExists(atPath: dir + "/verification") else {
            throw CommandFailure.usage(
                "\(dir)/verification: no verification cases here (run from the repository, or give --scenarios DIR)")
        }
        let full = !a.flag("quick")
        var plan = OutputPlan()
        for input in OutputPlan.filesOfResults(dir + "/verification") { plan.input("a verification case", input) }
        if let file = a.value("csv") { plan.files = [("--csv", file)] }
        try plan.claim()
        let checks: [VerificationSuite.Check]
        do {
            checks = try VerificationSuite.run(scenarios: dir, full: full, threads: o.threads) { name in
                if !o.quiet && console.interactive { console.err("running: \(name)\n") }
            }
        } catch let error as ScenarioError {
            throw error
        } catch {
            throw CommandFailure.usage("verify: \(error)")
        }
        console.out(table(checks, full: full, color: console.color))
        if let file = a.value("csv") {
            try AtomicFile.write(VerificationSuite.csv(checks), to: file)
        }
        let failures = checks.filter { !$0.passed }.count
        console.out("verify: \(checks.count - failures) passed, \(failures) failed\n")
        return failures == 0 ? .success : .targetsMissed
    }
}

extension VerifyCommand {
    /// The widest line of the table, so that it reads in a terminal of 100 columns.
    static let width = 100

    /// The checks as one table per case: each measure (wrapped), the theory, the simulated
    /// mean, its 99% CI and the verdict, then the case's notes (wrapped).
    static func table(_ checks: [VerificationSuite.Check], full: Bool, color: Bool) -> String {
        let renderer = TableRenderer(color: color)
        var out =
            "Verification (\(full ? "full" : "quick") mode): simulation against exact results;\n"
            + "PASS when theory is inside the 99% CI widened by 2%\n"
        var cases: [String] = []
        for c in checks where !cases.contains(c.caseName) { cases.append(c.caseName) }
        for name in cases {
            let group = checks.filter { $0.caseName == name }
            var rows: [[String]] = []
            var failed: Set<Int> = []
            for c in group {
                let lines = TableRenderer.wrap(c.measure, width: 44)
                if !c.passed { failed.insert(rows.count) }
                rows.append([
                    lines[0], TableRenderer.format(c.theory), TableRenderer.format(c.simulated.mean),
                    TableRenderer.interval(c.simulated), renderer.verdict(c.passed),
                ])
                rows += lines.dropFirst().map { ["  " + $0, "", "", "", ""] }
            }
            out += "\n"
            out += renderer.render(
                title: name, header: ["measure", "theory", "simulated", "99% CI", ""], rows: rows,
                rightAligned: [1, 2, 3], highlighted: failed)
            for c in group where !c.note.isEmpty {
                for line in TableRenderer.wrap("\(c.measure): \(c.note)", width: width - 8).enumerated() {
                    out += (line.offset == 0 ? "  note: " : "        ") + line.element + "\n"
                }
            }
        }
        return out
    }
}

extension TableRenderer {
    func verdict(_ passed: Bool) -> String {
        if color { return passed ? "\u{1B}[32mPASS\u{1B}[0m" : "\u{1B}[31mFAIL\u{1B}[0m" }
        return passed ? "PASS" : "FAIL"
    }
}
