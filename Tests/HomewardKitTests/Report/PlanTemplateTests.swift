import Foundation
import Testing

@testable import HomewardKit

/// The planner's CSV template and the way back: a filled-in template becomes a variant with
/// exactly its new values, and every hostile file gets a message naming file, row, column,
/// field and range.
@Suite struct PlanTemplateTests {
    /// The small fixture in a fresh folder, loaded, with its catalog and template.
    struct Setup {
        var dir: String
        var base: LoadedScenario
        var catalog: ScenarioFieldCatalog
        var rows: [[String]]
    }

    func setup(_ text: String = Fixtures.small) throws -> Setup {
        let dir = Fixtures.temporaryDirectory()
        try text.write(toFile: dir + "/small.json5", atomically: true, encoding: .utf8)
        let base = try ScenarioLoader.load(path: dir + "/small.json5")
        let catalog = ScenarioFieldCatalog(base)
        return Setup(dir: dir, base: base, catalog: catalog, rows: CSVText.rows(PlanTemplate.csv(catalog)))
    }

    /// The template's rows with `values` in the `new value` column of the rows with those paths.
    func filled(_ rows: [[String]], _ values: [String: String]) -> [[String]] {
        let header = rows[1]
        let p = header.firstIndex(of: "path")!
        let n = header.firstIndex(of: "new value")!
        return rows.map { row in
            var row = row
            if row.count > n, let v = values[row[p]] { row[n] = v }
            return row
        }
    }

    /// Rows as CSV the way Excel saves them: a cell quoted only when it holds a comma, a quote or
    /// a line break, and never neutralised (`-3` and `=A1` as they are); CRLF line ends.
    func csv(_ rows: [[String]], lineEnd: String = "\r\n") -> String {
        func cell(_ t: String) -> String {
            t.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline })
                ? "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : t
        }
        return rows.map { $0.map(cell).joined(separator: ",") }.joined(separator: lineEnd) + lineEnd
    }

    /// The problems the variant of `text` (as the plan file) meets, one line each.
    func problems(_ s: Setup, _ text: String) throws -> [String] {
        let plan = s.dir + "/plan.csv"
        try text.write(toFile: plan, atomically: true, encoding: .utf8)
        do {
            _ = try PlanTemplate.variant(base: s.base, plan: plan, file: s.dir + "/plan.json5")
            return []
        } catch {
            return error.problems.map { $0.description.replacingOccurrences(of: s.dir + "/", with: "") }
        }
    }

    /// The row (1-based, as a spreadsheet numbers them) of `path` in the template.
    func row(_ s: Setup, _ path: String) -> Int { s.rows.firstIndex { $0.count > 1 && $0[1] == path }! + 1 }

    @Test func theTemplateHasAHeaderAndOneRowPerField() throws {
        let s = try setup()
        #expect(s.rows[0].count == 1 && s.rows[0][0].hasPrefix("Plan for "))
        #expect(s.rows[1] == PlanTemplate.columns)
        #expect(s.rows.count == 2 + s.catalog.fields.count)
        let capacity = try #require(s.rows.first { $0.count > 1 && $0[1] == "services.reablement.capacity" })
        #expect(
            capacity == [
                "Services", "services.reablement.capacity", "reablement capacity", "clients at a time",
                "whole number from 0 to 1,000,000", "8", "",
                "clients of reablement at home at once; patients wait in hospital for a place", "", "",
            ])
    }

    @Test func aRoundTripChangesExactlyTheFilledRows() throws {
        let s = try setup()
        let text = csv(filled(s.rows, ["services.reablement.capacity": "12", "cohorts.older.conveyance": "0.8"]))
        let plan = s.dir + "/plan.csv"
        try text.write(toFile: plan, atomically: true, encoding: .utf8)
        let (variant, loaded) = try PlanTemplate.variant(base: s.base, plan: plan, file: s.dir + "/plan.json5")
        #expect(variant.changes.map(\.field.path) == ["cohorts.older.conveyance", "services.reablement.capacity"])
        var expected = s.base.merged.objectValue!
        expected["name"] = .string(variant.name)
        expected["description"] = .string(variant.description)
        var cohorts = expected["cohorts"]!.objectValue!
        var older = cohorts["older"]!.objectValue!
        older["conveyance"] = .number(0.8)
        cohorts["older"] = .object(older)
        expected["cohorts"] = .object(cohorts)
        var services = expected["services"]!.objectValue!
        var reablement = services["reablement"]!.objectValue!
        reablement["capacity"] = .number(12)
        services["reablement"] = .object(reablement)
        expected["services"] = .object(services)
        #expect(loaded.merged == .object(expected))
        // Written and read back as a file, it is the same scenario.
        try variant.text.write(toFile: variant.file, atomically: true, encoding: .utf8)
        #expect(try ScenarioLoader.load(path: variant.file).hash == loaded.hash)
    }

    @Test func excelsByteOrderMarkCRLFQuotesAndBlankRowsAreRead() throws {
        let s = try setup()
        var rows = filled(s.rows, ["services.beds.capacity": "1,200", "working.sevenDayDischarge": "TRUE"])
        // Blank rows as Excel writes them (all cells empty), and rows of a second table below.
        rows.insert(Array(repeating: "", count: 10), at: 2)
        rows += Array(repeating: Array(repeating: "", count: 10), count: 10_000)
        rows.append(["Services", "services.homeCare.capacity", "", "", "", "", "25"])
        let text = "\u{FEFF}" + csv(rows)
        let entries = try PlanTemplate.read(bytes: Array(text.utf8), file: "plan.csv", catalog: s.catalog)
        #expect(
            entries.map(\.edit) == [
                ScenarioEdit(path: "services.beds.capacity", value: .number(1200)),
                ScenarioEdit(path: "working.sevenDayDischarge", value: .bool(true)),
                ScenarioEdit(path: "services.homeCare.capacity", value: .number(25)),
            ])
        // Rows are counted as a spreadsheet shows them, blank ones included.
        #expect(
            entries.map(\.row) == [
                row(s, "services.beds.capacity") + 1, row(s, "working.sevenDayDischarge") + 1, rows.count,
            ])
        #expect(entries.allSatisfy { $0.column == 6 })
        // LF line ends and a moved column read the same.
        let moved = rows.enumerated().map { i, row in [i == 1 ? "my notes" : "note"] + row }
        let again = try PlanTemplate.read(
            bytes: Array(csv(moved, lineEnd: "\n").utf8), file: "p.csv", catalog: s.catalog)
        #expect(again.map(\.edit) == entries.map(\.edit))
        #expect(again.allSatisfy { $0.column == 7 })
    }

    @Test func hostileRowsGetExactMessages() throws {
        let s = try setup()
        var rows = filled(
            s.rows,
            [
                "services.reablement.capacity": "ten", "services.beds.capacity": "-3",
                "cohorts.older.conveyance": "1,5",
                "seed": "=A1*2", "working.sevenDayAssessment": "maybe", "services.homeCare.capacity": "1e400",
            ])
        rows.append(["Services", "services.reablment.capacity", "", "", "", "", "5"])
        rows.append(["Services", "services.beds.capacity", "", "", "", "", "5"])
        rows.append(["Services", "", "", "", "", "", "5"])
        let n = rows.count
        #expect(
            try problems(s, csv(rows))
                == [
                    "plan.csv, row \(row(s, "seed")), column G (new value): '=A1*2' is a formula, not a value: put the number itself in the cell (Paste Special, Values) (seed takes a whole number from 0 to 2,147,483,647)",
                    "plan.csv, row \(row(s, "cohorts.older.conveyance")), column G (new value): '1,5' is ambiguous: a comma is read only as a thousands separator (1,500), so write a decimal point (1.5) or the number without commas (cohorts.older.conveyance takes a share from 0 to 1)",
                    "plan.csv, row \(row(s, "services.reablement.capacity")), column G (new value): 'ten' is not a number (services.reablement.capacity takes a whole number from 0 to 1,000,000)",
                    "plan.csv, row \(row(s, "services.beds.capacity")), column G (new value): must be a whole number >= 0, got -3 (services.beds.capacity takes a whole number from 0 to 1,000,000)",
                    "plan.csv, row \(row(s, "services.homeCare.capacity")), column G (new value): '1e400' is too large to be a value (services.homeCare.capacity takes a whole number from 0 to 1,000,000)",
                    "plan.csv, row \(row(s, "working.sevenDayAssessment")), column G (new value): 'maybe' is not a switch: write true or false (working.sevenDayAssessment takes true or false)",
                    "plan.csv, row \(n - 2), column B (path): 'services.reablment.capacity' is not a field that can be edited in small.json5 (did you mean 'services.reablement.capacity'?)",
                    "plan.csv, row \(n - 1), column B (path): services.beds.capacity has a new value on row \(row(s, "services.beds.capacity")) too: give each field once",
                    "plan.csv, row \(n), column B (path): is empty, but the row has a new value",
                ].sorted { a, b in
                    // In row order, as the error lists them.
                    func r(_ t: String) -> Int { Int(t.split(separator: ",")[1].split(separator: " ")[1])! }
                    return r(a) < r(b)
                })
        #expect(!FileManager.default.fileExists(atPath: s.dir + "/plan.json5"))
        // Cells written by Homeward's own CSV writer (neutralised: '-3, '=A1*2) read the same.
        let neutralised = rows.map { $0.map { CSV.field($0) }.joined(separator: ",") }.joined(separator: "\r\n")
        #expect(neutralised.contains(",\"'-3\""))
        #expect(try problems(s, neutralised) == problems(s, csv(rows)))
    }

    @Test func aProblemTheValidatorFindsAcrossFieldsNamesTheVariant() throws {
        let s = try setup()
        let text = csv(filled(s.rows, ["horizonDays": "36500", "warmupDays": "100"]))
        #expect(
            try problems(s, text) == [
                "plan.csv, row \(row(s, "warmupDays")), column G (new value): warm-up plus horizon must be at most 36525 days (100 years), got 36600 (warmupDays takes a whole number from 0 to 36,525)"
            ])
    }

    @Test func wholeFileProblemsAreSaidOnce() throws {
        let s = try setup()
        #expect(
            try problems(s, "a,b\r\n1,2\r\n") == [
                "plan.csv: no header row with the columns 'path' and 'new value' (write the template with: homeward template small.json5 --out FILE.csv)"
            ])
        #expect(
            try problems(s, csv(s.rows)) == [
                "plan.csv: no row has a new value: fill in the 'new value' column of the fields to change"
            ])
        #expect(
            try problems(s, "") == [
                "plan.csv: no header row with the columns 'path' and 'new value' (write the template with: homeward template small.json5 --out FILE.csv)"
            ])
        let semicolons = filled(s.rows, ["seed": "3"]).map { $0.joined(separator: ";") }.joined(separator: "\r\n")
        #expect(
            try problems(s, semicolons) == [
                "plan.csv: its cells are separated by semicolons, not commas (as a spreadsheet saves them where the comma is the decimal sign): save it as 'CSV UTF-8 (Comma delimited)', or with a comma as the list separator"
            ])
        var latin1 = Array(csv(filled(s.rows, ["seed": "3"])).utf8)
        latin1 += [0x22, 0xE9, 0x22, 0x0D, 0x0A]
        try Data(latin1).write(to: URL(fileURLWithPath: s.dir + "/latin1.csv"))
        #expect(throws: PlanError.self) {
            _ = try PlanTemplate.variant(base: s.base, plan: s.dir + "/latin1.csv", file: s.dir + "/v.json5")
        }
        do {
            _ = try PlanTemplate.read(path: s.dir + "/latin1.csv", catalog: s.catalog)
        } catch {
            #expect(
                error.description
                    == "\(s.dir)/latin1.csv, row \(s.rows.count + 1): not UTF-8 text (save it from Excel as 'CSV UTF-8 (Comma delimited)')"
            )
        }
        do {
            _ = try PlanTemplate.read(path: s.dir + "/missing.csv", catalog: s.catalog)
        } catch {
            #expect(error.description == "\(s.dir)/missing.csv: no such file")
        }
    }

    @Test func aHundredMegabyteFileIsRefusedByItsSizeBeforeReading() throws {
        let s = try setup()
        let path = s.dir + "/huge.csv"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        // Sparse: the size is there, the bytes are not, so the test is quick.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 100 << 20)
        try handle.close()
        do {
            _ = try PlanTemplate.read(path: path, catalog: s.catalog)
            Issue.record("a 100 MB file was read")
        } catch {
            #expect(error.description == "\(path): is larger than 64 MB (104857600 bytes); not a plan template")
        }
    }

    @Test func textThatLooksLikeAFormulaIsNeutralisedInTheTemplate() throws {
        let hostile = Fixtures.small.replacingOccurrences(
            of: "name: \"small\",", with: "name: \"small\", source: \"=HYPERLINK(\\\"http://x\\\")\",")
        let s = try setup(hostile)
        let text = PlanTemplate.csv(s.catalog)
        #expect(text.contains(",\"'=HYPERLINK(\"\"http://x\"\")\"\r\n"))
        #expect(!text.contains(",=HYPERLINK"))
    }

    /// Seeded property loop: whatever bytes a plan holds (a template cut, spliced and salted
    /// with quotes, separators, line breaks, formulas and bytes that are not UTF-8), reading it
    /// either gives edits of catalog fields with values of their kind, on rows in order, or
    /// throws `PlanError` with at least one problem, each naming the file. Never a crash.
    @Test func anyBytesGiveEditsOfTheRightKindOrProblems() throws {
        let s = try setup()
        let template = Array(csv(filled(s.rows, ["seed": "3", "working.sevenDayDischarge": "TRUE"])).utf8)
        let salt: [[UInt8]] = [
            Array("\"".utf8), Array(",".utf8), Array("\r\n".utf8), Array("\n".utf8), Array(";".utf8),
            Array("=A1".utf8), Array("-".utf8), Array("1,5".utf8), Array("\u{FEFF}".utf8), [0xFF], [0xC3],
            Array("services.reablement.capacity".utf8), Array("new value".utf8), Array("9".utf8),
        ]
        var rng = SplitMix64(state: 18)
        var outcomes = (edits: 0, problems: 0)
        for _ in 0..<2_000 {
            var bytes = template
            for _ in 0..<(1 + Int(rng.next() % 6)) {
                let at = Int(rng.next() % UInt64(bytes.count + 1))
                switch rng.next() % 3 {
                case 0: bytes.insert(contentsOf: salt[Int(rng.next() % UInt64(salt.count))], at: at)
                case 1: bytes.removeSubrange(at..<min(bytes.count, at + Int(rng.next() % 40)))
                default: if at < bytes.count { bytes[at] = UInt8(truncatingIfNeeded: rng.next()) }
                }
            }
            do {
                let entries = try PlanTemplate.read(bytes: bytes, file: "plan.csv", catalog: s.catalog)
                outcomes.edits += 1
                #expect(!entries.isEmpty)
                #expect(entries.map(\.row) == entries.map(\.row).sorted())
                for entry in entries {
                    guard let field = s.catalog.field(entry.edit.path) else {
                        Issue.record("\(entry.edit.path) is not in the catalog")
                        continue
                    }
                    switch (field.range.kind, entry.edit.value) {
                    case (.boolean, .bool): break
                    case (.boolean, _): Issue.record("\(entry.edit.path): a switch read as \(entry.edit.value)")
                    case (_, .number(let x)): #expect(x.isFinite)
                    default: Issue.record("\(entry.edit.path): a number read as \(entry.edit.value)")
                    }
                }
            } catch {
                outcomes.problems += 1
                #expect(!error.problems.isEmpty)
                #expect(error.problems.allSatisfy { $0.description.hasPrefix("plan.csv") })
            }
        }
        // Both ways out are taken, so the loop tests both.
        #expect(outcomes.edits > 100 && outcomes.problems > 100, "\(outcomes)")
    }

    @Test func columnLettersAreTheSpreadsheets() {
        #expect(
            [0, 6, 25, 26, 27, 701, 702].map(PlanError.Problem.letter) == ["A", "G", "Z", "AA", "AB", "ZZ", "AAA"])
    }
}

/// A planner's text as a field's value: numbers as spreadsheets write them, ambiguity refused.
@Suite struct FieldTextTests {
    struct Case: CustomStringConvertible {
        var text: String
        var range: FieldRange
        var unit = ""
        var expected: Result<JSONValue, ScenarioField.TextProblem>
        var description: String { "'\(text)' as \(range.description)" }
    }

    static let cases: [Case] = [
        Case(text: "1200", range: .capacity, expected: .success(.number(1200))),
        Case(text: "1,200", range: .capacity, expected: .success(.number(1200))),
        Case(text: "1,234,567.5", range: .people, expected: .success(.number(1_234_567.5))),
        Case(text: "1200.0", range: .capacity, expected: .success(.number(1200))),
        Case(text: "1.2E+06", range: .capacity, expected: .success(.number(1_200_000))),
        Case(text: " 250 ", range: .capacity, expected: .success(.number(250))),
        Case(text: "-3", range: .capacity, expected: .success(.number(-3))),
        Case(text: "+5", range: .capacity, expected: .success(.number(5))),
        Case(text: "85%", range: .probability, expected: .success(.number(0.85))),
        Case(text: "85%", range: .capacity, expected: .failure(.notANumber("85%"))),
        Case(text: "£400", range: .costRate, unit: "GBP an occupied day", expected: .success(.number(400))),
        Case(text: "£400", range: .capacity, expected: .failure(.notANumber("£400"))),
        Case(text: "1,5", range: .probability, expected: .failure(.ambiguous("1,5"))),
        Case(text: "0,125", range: .probability, expected: .failure(.ambiguous("0,125"))),
        Case(text: "12,00", range: .capacity, expected: .failure(.ambiguous("12,00"))),
        Case(text: "1,200,", range: .capacity, expected: .failure(.ambiguous("1,200,"))),
        Case(text: "1 200", range: .capacity, expected: .failure(.notANumber("1 200"))),
        Case(text: "1e400", range: .capacity, expected: .failure(.notFinite("1e400"))),
        Case(text: "0x10", range: .capacity, expected: .failure(.notANumber("0x10"))),
        Case(text: "nan", range: .capacity, expected: .failure(.notANumber("nan"))),
        Case(text: "inf", range: .capacity, expected: .failure(.notANumber("inf"))),
        Case(text: "=A1", range: .capacity, expected: .failure(.formula("=A1"))),
        Case(text: "@SUM(A1)", range: .capacity, expected: .failure(.formula("@SUM(A1)"))),
        Case(text: "-A1", range: .capacity, expected: .failure(.formula("-A1"))),
        Case(text: "TRUE", range: .boolean, expected: .success(.bool(true))),
        Case(text: "no", range: .boolean, expected: .success(.bool(false))),
        Case(text: "On", range: .boolean, expected: .success(.bool(true))),
        Case(text: "0", range: .boolean, expected: .success(.bool(false))),
        Case(text: "maybe", range: .boolean, expected: .failure(.notASwitch("maybe"))),
        Case(text: "=TRUE()", range: .boolean, expected: .failure(.formula("=TRUE()"))),
    ]

    @Test(arguments: cases) func readsAsASpreadsheetWritesIt(_ c: Case) {
        let field = ScenarioField(
            path: "x", group: .services, label: "x", unit: c.unit, meaning: "", range: c.range, current: .number(0),
            isGiven: true, note: nil, source: "")
        let got = Result { () throws(ScenarioField.TextProblem) -> JSONValue in try field.value(fromText: c.text) }
        #expect(got == c.expected)
    }

    /// Seeded property loop against an exact reference: any whole number, or a number with up
    /// to three decimals, written with thousands separators as Excel writes them (and without),
    /// reads back as the same number.
    @Test func numbersWithThousandsSeparatorsReadBackExactly() throws {
        let field = ScenarioField(
            path: "x", group: .demand, label: "x", unit: "", meaning: "", range: .people, current: .number(0),
            isGiven: true, note: nil, source: "")
        var rng = SplitMix64(state: 7)
        for _ in 0..<5_000 {
            let whole = Int64(rng.next() % 1_000_000_000_000) >> (rng.next() % 40)
            let thousandths = Int64(rng.next() % 1000)
            let negative = rng.next() % 4 == 0
            var grouped = ""
            for (i, c) in String(whole).enumerated() {
                if i > 0 && (String(whole).count - i) % 3 == 0 { grouped.append(",") }
                grouped.append(c)
            }
            let fraction = rng.next() % 2 == 0 ? "" : "." + String(thousandths).leftPadded(to: 3, with: "0")
            let sign = negative ? "-" : ""
            let expected = Double(sign + String(whole) + fraction)!
            #expect(try field.value(fromText: sign + grouped + fraction) == .number(expected), "\(grouped)\(fraction)")
            #expect(try field.value(fromText: sign + String(whole) + fraction) == .number(expected))
        }
    }

    @Test func aLongOrMultiLineTextIsQuotedShort() {
        #expect(
            ScenarioField.TextProblem.notANumber(String(repeating: "x", count: 50) + "\n").description
                == "'\(String(repeating: "x", count: 40))...' is not a number")
        #expect(ScenarioField.TextProblem.notANumber("a\nb").description == "'a\\nb' is not a number")
    }
}
