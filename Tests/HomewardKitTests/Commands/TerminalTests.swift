import Foundation
import Testing

@testable import HomewardCLI
@testable import HomewardKit

/// The terminal: colour only on a TTY and never with NO_COLOR; aligned tables with units.
@Suite struct TerminalTests {
    @Test func colourOnlyOnATerminalAndNeverWithNoColor() {
        #expect(Console.colorAllowed(terminal: true, environment: [:]))
        #expect(!Console.colorAllowed(terminal: false, environment: [:]))
        #expect(!Console.colorAllowed(terminal: true, environment: ["NO_COLOR": "1"]))
        #expect(Console.colorAllowed(terminal: true, environment: ["NO_COLOR": ""]))  // no-color.org: set and non-empty
    }

    @Test func tablesAreAlignedAndPlainWithoutColour() {
        let plain = TableRenderer(color: false).render(
            title: "T", header: ["metric", "mean"], rows: [["a", "1"], ["longer", "12,345"]], rightAligned: [1])
        #expect(!plain.contains("\u{1B}["))
        let lines = plain.split(separator: "\n").map(String.init)
        #expect(lines[3].count == lines[4].count)  // right-aligned numbers end in the same column
        #expect(lines[3].hasSuffix("     1"))  // right-aligned under "12,345"
        let coloured = TableRenderer(color: true).render(
            title: "T", header: ["m"], rows: [["a"]], rightAligned: [], highlighted: [0])
        #expect(coloured.contains("\u{1B}[1m"))
    }

    @Test func numbersReadAsPeopleWriteThem() {
        #expect(TableRenderer.format(1234567.8) == "1,234,568")
        #expect(TableRenderer.format(0.85) == "0.850")
        #expect(TableRenderer.format(-12.345) == "-12.35")
        #expect(TableRenderer.format(.nan) == "n/a")
        #expect(TableRenderer.format(1e300) == "1e+300")
        #expect(TableRenderer.percent(0.925) == "92.5%")
    }

    @Test func everyTableHasACSV() throws {
        // check writes check.csv beside its results, whatever the format on screen.
        let dir = Fixtures.temporaryDirectory()
        let text = Fixtures.small.replacingOccurrences(
            of: "name: \"small\",", with: "name: \"small\", targets: [{ metric: 'crises', atLeast: 1 }],")
        try text.write(toFile: dir + "/plan.json5", atomically: true, encoding: .utf8)
        let c = CLITests.Captured()
        #expect(
            HomewardCLI.main(
                ["check", dir + "/plan.json5", "--replications", "2", "--out", dir + "/out", "--quiet"],
                console: c.console) == 0)
        let csv = try String(contentsOfFile: dir + "/out/check.csv", encoding: .utf8)
        #expect(
            csv.hasPrefix(
                "scenario_file,scenario,target,metric,bound,value,confidence,achieved_mean,ci95_low,ci95_high,share_within,met,verdict,share_low,share_high,judged_low,judged_high,judged_level,replications\r\n"
            ))
        #expect(csv.contains(",crises,>=,1,,"))
    }
}

/// The progress bar: on standard error, with an ETA, only on a terminal and not with --quiet.
@Suite struct ProgressBarTests {
    final class Sink: @unchecked Sendable {
        var text = ""
        let lock = NSLock()
        func console(interactive: Bool) -> Console {
            Console(
                out: { _ in },
                err: { s in
                    self.lock.lock()
                    self.text += s
                    self.lock.unlock()
                }, interactive: interactive, color: false)
        }
    }

    @Test func drawsWithAnETAOnATerminal() {
        let sink = Sink()
        let bar = ProgressBar(total: 4, label: "replications", console: sink.console(interactive: true), quiet: false)
        for i in 1...4 { bar.update(i) }
        #expect(sink.text.contains("replications ["))
        #expect(sink.text.contains("ETA"))
        #expect(sink.text.contains("4/4"))
        #expect(sink.text.hasSuffix("\r"))  // cleared at the end
    }

    @Test func silentWhenNotATerminalOrQuiet() {
        for (interactive, quiet) in [(false, false), (true, true)] {
            let sink = Sink()
            let bar = ProgressBar(total: 4, label: "x", console: sink.console(interactive: interactive), quiet: quiet)
            for i in 1...4 { bar.update(i) }
            #expect(sink.text.isEmpty)
        }
    }
}
