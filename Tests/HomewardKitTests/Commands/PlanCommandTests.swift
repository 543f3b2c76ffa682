import Foundation
import Testing

@testable import HomewardCLI
@testable import HomewardKit

/// `homeward template` and `homeward variant` as a planner meets them: files, messages and exit
/// codes.
@Suite struct PlanCommandTests {
    func run(_ args: [String]) -> (Int32, String, String) {
        let c = CapturedConsole()
        let status = HomewardCLI.main(args, console: c.console)
        return (status, c.out, c.err)
    }

    /// A folder holding the small fixture scenario and its template, filled with `values`.
    func folder(_ values: [String: String] = [:]) throws -> String {
        let dir = Fixtures.temporaryDirectory()
        try Fixtures.small.write(toFile: dir + "/small.json5", atomically: true, encoding: .utf8)
        let (status, _, err) = run(["template", dir + "/small.json5", "--out", dir + "/plan.csv", "--quiet"])
        #expect(status == 0, "\(err)")
        var rows = CSVText.rows(try String(contentsOfFile: dir + "/plan.csv", encoding: .utf8))
        for i in rows.indices where rows[i].count > 6 {
            if let value = values[rows[i][1]] { rows[i][6] = value }
        }
        let text = rows.map { $0.map { CSV.field($0) }.joined(separator: ",") + "\r\n" }.joined()
        try text.write(toFile: dir + "/plan.csv", atomically: true, encoding: .utf8)
        return dir
    }

    /// The row of `path` in the template of the small scenario, as a spreadsheet numbers it.
    func row(of path: String) throws -> Int {
        let catalog = ScenarioFieldCatalog(try ScenarioLoader.load(text: Fixtures.small, file: "small.json5"))
        return catalog.fields.firstIndex { $0.path == path }! + 3
    }

    @Test func templateWritesTheCatalogToStandardOutputOrAFile() throws {
        let dir = try folder()
        let (status, out, err) = run(["template", dir + "/small.json5"])
        #expect(status == 0, "\(err)")
        #expect(out == (try String(contentsOfFile: dir + "/plan.csv", encoding: .utf8)))
        #expect(out.contains("\r\nServices,services.reablement.capacity,reablement capacity,clients at a time,"))
        let (again, said, _) = run(["template", dir + "/small.json5", "--out", dir + "/t.csv"])
        #expect(again == 0)
        #expect(
            said.hasPrefix(
                "Template of \(ScenarioFieldCatalog(try ScenarioLoader.load(path: dir + "/small.json5")).fields.count) fields written to \(dir)/t.csv"
            ))
        // As a workbook: one sheet, "Plan", with the same rows (numbers as numbers).
        let (book, _, _) = run(["template", dir + "/small.json5", "--xlsx", dir + "/plan.xlsx", "--quiet"])
        #expect(book == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/plan.xlsx"))
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        let sheet = PlanTemplate.sheet(ScenarioFieldCatalog(try ScenarioLoader.load(path: dir + "/small.json5")))
        #expect(sheet.name == "Plan" && sheet.header == PlanTemplate.columns)
        #expect(sheet.rows.count == CSVText.rows(out).count - 2)
    }

    @Test func templateNeverWritesOverItsScenario() throws {
        let dir = try folder()
        let before = try String(contentsOfFile: dir + "/small.json5", encoding: .utf8)
        let (status, _, err) = run(["template", dir + "/small.json5", "--out", dir + "/small.json5"])
        #expect(status == 2)
        #expect(err.contains("--out \(dir)/small.json5: this output is the scenario file"))
        #expect(try String(contentsOfFile: dir + "/small.json5", encoding: .utf8) == before)
    }

    @Test func variantWritesAValidVariantAndSaysWhatItChanges() throws {
        let dir = try folder(["services.reablement.capacity": "12", "working.sevenDayDischarge": "TRUE"])
        let (status, out, err) = run([
            "variant", dir + "/small.json5", "--from", dir + "/plan.csv", "--out", dir + "/plan.json5",
        ])
        #expect(status == 0, "\(err)")
        #expect(
            out == """
                Variant written to \(dir)/plan.json5 (extends \(dir)/small.json5), changing 2 fields:
                  services.reablement.capacity: 8 -> 12
                  working.sevenDayDischarge: false -> true
                Compare it with its base: homeward compare \(dir)/small.json5 \(dir)/plan.json5

                """)
        let (valid, said, _) = run(["validate", dir + "/plan.json5"])
        #expect(valid == 0)
        #expect(said.contains("small, reablement capacity 12, 7-day discharge on"))
    }

    @Test func aBadPlanWritesNothingAndExitsTwo() throws {
        let dir = try folder(["services.reablement.capacity": "ten"])
        let (status, out, err) = run([
            "variant", dir + "/small.json5", "--from", dir + "/plan.csv", "--out", dir + "/plan.json5",
        ])
        #expect(status == 2)
        #expect(out.isEmpty)
        #expect(
            err.hasPrefix(
                "\(dir)/plan.csv, row \(try row(of: "services.reablement.capacity")), column G (new value): 'ten' is not a number (services.reablement.capacity takes a whole number from 0 to 1,000,000)\n"
            ))
        #expect(!FileManager.default.fileExists(atPath: dir + "/plan.json5"))
    }

    @Test func variantRefusesOutputsThatAreInputsOrCannotExtendTheBase() throws {
        let dir = try folder(["seed": "3"])
        let plan = try String(contentsOfFile: dir + "/plan.csv", encoding: .utf8)
        let (onPlan, _, err) = run([
            "variant", dir + "/small.json5", "--from", dir + "/plan.csv", "--out", dir + "/plan.csv",
        ])
        #expect(onPlan == 2)
        #expect(err.contains("--out \(dir)/plan.csv: this output is the plan template '\(dir)/plan.csv'"))
        #expect(try String(contentsOfFile: dir + "/plan.csv", encoding: .utf8) == plan)
        let elsewhere = Fixtures.temporaryDirectory() + "/v.json5"
        let (outside, _, why) = run(["variant", dir + "/small.json5", "--from", dir + "/plan.csv", "--out", elsewhere])
        #expect(outside == 2)
        #expect(why.contains("the variant extends \(dir)/small.json5, which is outside its folder"))
        let (usage, _, needs) = run(["variant", dir + "/small.json5", "--out", dir + "/v.json5"])
        #expect(usage == 2)
        #expect(needs.hasPrefix("homeward: variant needs one scenario file, --from PLAN.csv and --out VARIANT.json5"))
    }

    @Test func theBinaryExitsTwoOnABadPlan() throws {
        guard Subprocess.binary != nil else { return }
        let dir = try folder(["cohorts.older.conveyance": "1,5"])
        let outcome = try Subprocess.run(
            ["variant", dir + "/small.json5", "--from", dir + "/plan.csv", "--out", dir + "/v.json5"],
            stdout: .file("/dev/null"))
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("'1,5' is ambiguous"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/v.json5"))
    }
}
