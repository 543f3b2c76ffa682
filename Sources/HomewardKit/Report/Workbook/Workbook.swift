/// A workbook for spreadsheet programs: named sheets of typed cells, each with a header row,
/// written as an Office Open XML spreadsheet (`.xlsx`, ECMA-376 Part 1), which Excel,
/// LibreOffice, Google Sheets and Numbers open.
///
/// Written with the project's own code: a `.xlsx` file is a zip (`ZipArchive`, stored entries) of
/// a few XML parts. Numbers are numbers (never text that looks like one), text cells are inline
/// strings (never formulas, so a name that starts with `=` is shown, not run), the header row is
/// bold and frozen, and columns are sized to their content. The same workbook gives the same
/// bytes.
public struct Workbook: Sendable {
    /// One cell.
    public enum Cell: Sendable, Equatable {
        case text(String)
        /// A number; NaN and infinities are written as empty cells (undefined, as in the CSV).
        case number(Double)
        case empty
    }

    /// A sheet: a header row, then rows of cells (rows may be shorter than the header).
    public struct Sheet: Sendable {
        public var name: String
        public var header: [String]
        public var rows: [[Cell]]

        public init(name: String, header: [String], rows: [[Cell]]) {
            self.name = name
            self.header = header
            self.rows = rows
        }
    }

    /// Why a workbook cannot be written.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// A sheet has more rows or columns than spreadsheet programs open (1,048,576 rows,
        /// 16,384 columns).
        case sheetTooLarge(sheet: String, rows: Int, columns: Int)
        /// The workbook is larger than a zip without ZIP64 holds (4 GiB).
        case tooLarge

        public var description: String {
            switch self {
            case .sheetTooLarge(let sheet, let rows, let columns):
                "sheet '\(sheet)' has \(rows) rows and \(columns) columns; spreadsheets hold at most \(Workbook.maximumRows) rows and \(Workbook.maximumColumns) columns"
            case .tooLarge: "the workbook would be larger than 4 GiB"
            }
        }
    }

    /// Excel's limits (Excel specifications and limits: 1,048,576 rows by 16,384 columns; 32,767
    /// characters in a cell; 31 in a sheet name).
    public static let maximumRows = 1_048_576
    public static let maximumColumns = 16_384
    public static let maximumCellCharacters = 32_767
    public static let maximumSheetNameLength = 31

    public private(set) var sheets: [Sheet] = []

    public init() {}

    /// Adds a sheet. Its name is made acceptable to spreadsheet programs: the characters
    /// `[ ] : * ? / \` and control characters become `-`, it is cut to 31 characters, an empty name becomes `Sheet`, and a
    /// name already used (in any case) gets ` (2)`, ` (3)`...
    public mutating func add(_ sheet: Sheet) {
        var sheet = sheet
        sheet.name = uniqueName(Self.sheetName(sheet.name))
        sheets.append(sheet)
    }

    /// Adds a sheet of `name` with `header` and `rows`.
    public mutating func add(_ name: String, header: [String], rows: [[Cell]]) {
        add(Sheet(name: name, header: header, rows: rows))
    }

    static func sheetName(_ name: String) -> String {
        let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
        let control = { (c: Character) in c.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }
        var clean = String(name.map { forbidden.contains($0) || control($0) ? "-" : $0 })
        // An apostrophe may not start or end a sheet name.
        while clean.hasPrefix("'") { clean.removeFirst() }
        while clean.hasSuffix("'") { clean.removeLast() }
        clean = Self.prefix(clean, utf16: maximumSheetNameLength)
        return clean.isEmpty ? "Sheet" : clean
    }

    private func uniqueName(_ name: String) -> String {
        let used = Set(sheets.map { $0.name.lowercased() })
        guard used.contains(name.lowercased()) else { return name }
        var k = 2
        while true {
            let suffix = " (\(k))"
            let candidate = Self.prefix(name, utf16: Self.maximumSheetNameLength - suffix.utf16.count) + suffix
            if !used.contains(candidate.lowercased()) { return candidate }
            k += 1
        }
    }

    /// The longest prefix of `s` of at most `limit` UTF-16 units (spreadsheets count those),
    /// never cutting a character.
    static func prefix(_ s: String, utf16 limit: Int) -> String {
        guard s.utf16.count > limit else { return s }
        var out = ""
        var count = 0
        for c in s {
            let n = c.utf16.count
            if count + n > limit { break }
            out.append(c)
            count += n
        }
        return out
    }

    // MARK: - Writing

    /// The workbook as `.xlsx` bytes.
    /// - Throws: `Failure` when a sheet or the whole is larger than spreadsheet programs open.
    public func xlsx() throws(Failure) -> [UInt8] {
        let sheets = self.sheets.isEmpty ? [Sheet(name: "Sheet", header: [], rows: [])] : self.sheets
        for s in sheets {
            let columns = max(s.header.count, s.rows.map(\.count).max() ?? 0)
            if s.rows.count + 1 > Self.maximumRows || columns > Self.maximumColumns {
                throw .sheetTooLarge(sheet: s.name, rows: s.rows.count + 1, columns: columns)
            }
        }
        var zip = ZipArchive()
        do {
            try zip.add("[Content_Types].xml", text: contentTypes(sheetCount: sheets.count))
            try zip.add("_rels/.rels", text: Self.packageRelationships)
            try zip.add("xl/workbook.xml", text: workbookPart(sheets))
            try zip.add("xl/_rels/workbook.xml.rels", text: workbookRelationships(sheetCount: sheets.count))
            try zip.add("xl/styles.xml", text: Self.styles)
            for (i, s) in sheets.enumerated() { try zip.add("xl/worksheets/sheet\(i + 1).xml", text: worksheet(s)) }
        } catch {
            throw .tooLarge
        }
        return zip.bytes
    }

    static let xmlDeclaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipsNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    func contentTypes(sheetCount: Int) -> String {
        var xml = Self.xmlDeclaration
        xml += #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
        xml += #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
        xml += #"<Default Extension="xml" ContentType="application/xml"/>"#
        xml +=
            #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
        xml +=
            #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
        for i in 1...sheetCount {
            xml +=
                #"<Override PartName="/xl/worksheets/sheet\#(i).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        }
        return xml + "</Types>"
    }

    static let packageRelationships =
        xmlDeclaration + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        + #"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#
        + "</Relationships>"

    func workbookPart(_ sheets: [Sheet]) -> String {
        var xml = Self.xmlDeclaration
        xml += #"<workbook xmlns="\#(Self.mainNamespace)" xmlns:r="\#(Self.relationshipsNamespace)"><sheets>"#
        for (i, s) in sheets.enumerated() {
            xml += #"<sheet name="\#(Self.escaped(s.name))" sheetId="\#(i + 1)" r:id="rId\#(i + 1)"/>"#
        }
        return xml + "</sheets></workbook>"
    }

    func workbookRelationships(sheetCount: Int) -> String {
        var xml = Self.xmlDeclaration
        xml += #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        for i in 1...sheetCount {
            xml +=
                #"<Relationship Id="rId\#(i)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#(i).xml"/>"#
        }
        xml +=
            #"<Relationship Id="rId\#(sheetCount + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#
        return xml + "</Relationships>"
    }

    /// Two cell formats: 0 the default, 1 bold (the header row).
    static let styles =
        xmlDeclaration + #"<styleSheet xmlns="\#(mainNamespace)">"#
        + #"<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>"#
        + #"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#
        + #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
        + #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
        + #"<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#
        + #"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>"#
        + #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#
        + "</styleSheet>"

    func worksheet(_ sheet: Sheet) -> String {
        let rows: [[Cell]] = [sheet.header.map(Cell.text)] + sheet.rows
        let columns = rows.map(\.count).max() ?? 0
        var xml = Self.xmlDeclaration + #"<worksheet xmlns="\#(Self.mainNamespace)">"#
        xml += #"<sheetViews><sheetView workbookViewId="0">"#
        if !sheet.header.isEmpty {
            xml += #"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        }
        xml += "</sheetView></sheetViews>"
        if columns > 0 {
            xml += "<cols>"
            for c in 0..<columns {
                xml +=
                    #"<col min="\#(c + 1)" max="\#(c + 1)" width="\#(Self.width(of: c, in: rows))" customWidth="1"/>"#
            }
            xml += "</cols>"
        }
        xml += "<sheetData>"
        for (r, row) in rows.enumerated() {
            xml += #"<row r="\#(r + 1)">"#
            let style = r == 0 && !sheet.header.isEmpty ? #" s="1""# : ""
            for (c, cell) in row.enumerated() {
                let ref = Self.columnName(c) + String(r + 1)
                switch cell {
                case .text(let s):
                    xml += #"<c r="\#(ref)"\#(style) t="inlineStr"><is><t xml:space="preserve">"#
                    xml += Self.escaped(Self.prefix(s, utf16: Self.maximumCellCharacters)) + "</t></is></c>"
                case .number(let x) where x.isFinite:
                    xml += #"<c r="\#(ref)"\#(style)><v>\#(Self.numberText(x))</v></c>"#
                case .number, .empty:
                    break
                }
            }
            xml += "</row>"
        }
        return xml + "</sheetData></worksheet>"
    }

    /// A column's width in characters: its longest cell (numbers as about 12), between 8 and 60.
    static func width(of column: Int, in rows: [[Cell]]) -> Int {
        var widest = 8
        for row in rows where column < row.count {
            switch row[column] {
            case .text(let s): widest = max(widest, min(s.count + 2, 60))
            case .number: widest = max(widest, 12)
            case .empty: break
            }
        }
        return widest
    }

    /// `A`, `B`, ... `Z`, `AA`, ... for column index 0, 1, ...
    static func columnName(_ index: Int) -> String {
        var n = index + 1
        var letters: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.append(Character(Unicode.Scalar(UInt8(65 + r))))
            n = (n - 1) / 26
        }
        return String(letters.reversed())
    }

    /// Shortest round-trip decimal: what the CSV files write, so the two agree digit for digit.
    static func numberText(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        return String(x)
    }

    /// Text as XML character data: `&`, `<`, `>` and `"` escaped; characters XML 1.0 cannot hold
    /// (controls other than tab, line feed and carriage return) written as the format's `_xHHHH_`
    /// escape, and a literal `_xHHHH_` protected by escaping its underscore (`_x005F_`), so every
    /// string reads back exactly.
    static func escaped(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        let scalars = Array(s.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let u = scalars[i]
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            case "_" where looksLikeEscape(scalars, at: i): out += "_x005F_"
            default:
                if u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF {
                    out += "_x" + hex4(u.value) + "_"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
            i += 1
        }
        return out
    }

    /// Whether `_xHHHH_` (four hexadecimal digits) starts at `i`.
    static func looksLikeEscape(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        guard i + 6 < s.count, s[i + 1] == "x", s[i + 6] == "_" else { return false }
        return s[(i + 2)...(i + 5)].allSatisfy { $0.properties.isASCIIHexDigit }
    }

    static func hex4(_ v: UInt32) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
