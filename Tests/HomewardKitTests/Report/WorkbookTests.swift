import Foundation
import Testing

@testable import HomewardCLI
@testable import HomewardKit

/// The `.xlsx` writer: a zip read back by an independent reader in the test (the format's
/// structures decoded field by field), the check value of its CRC, Excel's cell references,
/// sheet names and limits, and text that survives the trip exactly.
@Suite struct WorkbookTests {
    /// A zip's entries, read from its central directory and each local header.
    static func entries(_ zip: [UInt8]) throws -> [String: [UInt8]] {
        func u16(_ at: Int) -> Int { Int(zip[at]) | Int(zip[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        let end = zip.count - 22
        #expect(u32(end) == 0x0605_4B50, "end of central directory record last")
        let count = u16(end + 10)
        var at = u32(end + 16)
        #expect(at + u32(end + 12) == end, "the directory ends where the end record starts")
        var out: [String: [UInt8]] = [:]
        for _ in 0..<count {
            #expect(u32(at) == 0x0201_4B50)
            #expect(u16(at + 10) == 0, "stored")
            let crc = u32(at + 16)
            let size = u32(at + 24)
            let nameLength = u16(at + 28)
            let local = u32(at + 42)
            let name = String(decoding: zip[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            #expect(u32(local) == 0x0403_4B50, "\(name): local header")
            #expect(u32(local + 14) == crc && u32(local + 22) == size, "\(name): local header agrees")
            let start = local + 30 + u16(local + 26) + u16(local + 28)
            let data = Array(zip[start..<(start + size)])
            #expect(CRC32.checksum(data) == UInt32(crc), "\(name): CRC")
            out[name] = data
            at += 46 + nameLength + u16(at + 30) + u16(at + 32)
        }
        return out
    }

    /// Undoes the XML and `_xHHHH_` escapes of a `<t>` element's text.
    static func unescaped(_ s: String) -> String {
        var text = s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        var out = ""
        while let r = text.range(of: #"_x[0-9A-F]{4}_"#, options: .regularExpression) {
            out += text[..<r.lowerBound]
            let hex = text[r].dropFirst(2).dropLast()
            out.unicodeScalars.append(Unicode.Scalar(UInt32(hex, radix: 16)!)!)
            text = String(text[r.upperBound...])
        }
        return out + text
    }

    @Test func crc32HasItsCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test func zipEntriesReadBack() throws {
        var zip = ZipArchive()
        try zip.add("a.txt", text: "hello")
        try zip.add("dir/b.bin", [0, 1, 2, 255])
        try zip.add("empty", [])
        let read = try Self.entries(zip.bytes)
        #expect(read == ["a.txt": Array("hello".utf8), "dir/b.bin": [0, 1, 2, 255], "empty": []])
        #expect(throws: ZipArchive.Failure.badName("../x")) { try zip.add("../x", []) }
        #expect(throws: ZipArchive.Failure.badName("/x")) { try zip.add("/x", []) }
        #expect(throws: ZipArchive.Failure.badName("")) { try zip.add("", []) }
    }

    @Test func columnNamesAreExcels() {
        let cases = [
            (0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA"), (16_383, "XFD"),
        ]
        for (i, name) in cases { #expect(Workbook.columnName(i) == name, "\(i)") }
    }

    @Test func sheetNamesAreMadeAcceptableAndUnique() {
        var book = Workbook()
        book.add("Summary", header: [], rows: [])
        book.add("summary", header: [], rows: [])
        book.add("a/b:c*d?[e]\\f\u{7}", header: [], rows: [])
        book.add(String(repeating: "x", count: 40), header: [], rows: [])
        book.add(String(repeating: "x", count: 40), header: [], rows: [])
        book.add("''", header: [], rows: [])
        #expect(
            book.sheets.map(\.name) == [
                "Summary", "summary (2)", "a-b-c-d--e--f-", String(repeating: "x", count: 31),
                String(repeating: "x", count: 27) + " (2)", "Sheet",
            ])
    }

    /// Numbers stay numbers, undefined ones are empty, and awkward text (markup, controls, a
    /// literal escape, a formula, non-Latin and astral characters) reads back exactly.
    @Test func cellsReadBackExactly() throws {
        let texts = [
            "plain", "a < b & c > \"d\"", "tab\there\nline", "bell\u{7}null\u{0}", "_x0041_ stays", "=1+1",
            "Zoë 東京 🏥", "  spaced  ",
        ]
        var book = Workbook()
        book.add(
            "Cells", header: ["text", "number"],
            rows: texts.enumerated().map { [.text($1), .number(Double($0) + 0.125)] } + [
                [.text("undefined"), .number(.nan)], [.text("big"), .number(1e300)], [.text("tiny"), .number(-2.5e-9)],
                [.text("whole"), .number(123_456_789)], [.empty, .text("after an empty cell")],
            ])
        let files = try Self.entries(try book.xlsx())
        for part in [
            "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
            "xl/worksheets/sheet1.xml",
        ] {
            #expect(files[part] != nil, "\(part)")
        }
        let sheet = String(decoding: try #require(files["xl/worksheets/sheet1.xml"]), as: UTF8.self)
        #expect(sheet.contains(#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#))
        #expect(sheet.contains(#"<c r="A1" s="1" t="inlineStr"><is><t xml:space="preserve">text</t></is></c>"#))
        // Every text cell, in order, unescaped.
        var read: [String] = []
        var rest = Substring(sheet)
        while let open = rest.range(of: #"<t xml:space="preserve">"#), let close = rest.range(of: "</t>") {
            read.append(Self.unescaped(String(rest[open.upperBound..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        #expect(Array(read.prefix(2 + texts.count)) == ["text", "number"] + texts)
        #expect(!sheet.contains("\u{7}") && !sheet.contains("\u{0}"), "no character XML cannot hold")
        #expect(sheet.contains(#"<c r="B2"><v>0.125</v></c>"#))
        #expect(sheet.contains(#"<c r="B11"><v>1e+300</v></c>"#))
        #expect(sheet.contains(#"<c r="B12"><v>-2.5e-09</v></c>"#))
        #expect(sheet.contains(#"<c r="B13"><v>123456789</v></c>"#))
        #expect(!sheet.contains(#"<c r="B10">"#), "NaN is an empty cell")
        #expect(!sheet.contains(#"<c r="A14""#) && sheet.contains(#"<c r="B14" t="inlineStr">"#))
        #expect(try book.xlsx() == (try book.xlsx()), "the same workbook gives the same bytes")
    }

    @Test func tooLargeASheetIsRefused() {
        var book = Workbook()
        book.add("Wide", header: Array(repeating: "c", count: Workbook.maximumColumns + 1), rows: [])
        #expect(throws: Workbook.Failure.sheetTooLarge(sheet: "Wide", rows: 1, columns: 16_385)) { try book.xlsx() }
    }

    @Test func aLongCellIsCutToExcelsLimit() throws {
        var book = Workbook()
        book.add("Long", header: ["t"], rows: [[.text(String(repeating: "é", count: 40_000))]])
        let sheet = String(decoding: try Self.entries(try book.xlsx())["xl/worksheets/sheet1.xml"]!, as: UTF8.self)
        #expect(sheet.components(separatedBy: "é").count - 1 == Workbook.maximumCellCharacters)
    }

    /// `run --xlsx` writes a sheet per table of its results folder, then the assumptions and
    /// the manifest; the summary's numbers are numbers, the same as in `summary.csv`;
    /// `report DIR --xlsx` gives the same bytes; `report` with neither format is a usage error.
    @Test func aRunsWorkbookHasItsTables() throws {
        let dir = Fixtures.temporaryDirectory()
        let scenario = dir + "/small.json5"
        try Fixtures.small.write(toFile: scenario, atomically: true, encoding: .utf8)
        let console = CapturedConsole()
        let status = HomewardCLI.main(
            ["run", scenario, "--replications", "2", "--out", dir + "/out", "--xlsx", dir + "/run.xlsx", "--quiet"],
            console: console.console)
        #expect(status == 0, "\(console.err)")
        let bytes = try #require(FileManager.default.contents(atPath: dir + "/run.xlsx"))
        let files = try Self.entries(Array(bytes))
        let workbook = String(decoding: try #require(files["xl/workbook.xml"]), as: UTF8.self)
        let names = workbook.components(separatedBy: "<sheet name=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(names == ["Summary", "Monthly", "Assumptions", "Manifest"])
        let sheet = String(decoding: try #require(files["xl/worksheets/sheet1.xml"]), as: UTF8.self)
        let csv = try String(contentsOfFile: dir + "/out/summary.csv", encoding: .utf8)
        let nel = try #require(csv.split(separator: "\r\n").first { $0.hasPrefix("nelAdmissions,") })
        let mean = String(nel.split(separator: ",")[2])
        #expect(sheet.contains("<v>\(mean)</v>"), "the mean NELs \(mean) is a number cell")
        let again = HomewardCLI.main(
            ["report", dir + "/out", "--xlsx", dir + "/report.xlsx", "--quiet"], console: CapturedConsole().console)
        #expect(again == 0)
        #expect(FileManager.default.contents(atPath: dir + "/report.xlsx") == bytes)
        let neither = CapturedConsole()
        #expect(HomewardCLI.main(["report", dir + "/out"], console: neither.console) == 2)
        #expect(neither.err.contains("--html FILE or --xlsx FILE"))
    }
}
