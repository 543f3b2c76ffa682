import Foundation

/// The planner's template: the field catalog of a scenario as a CSV table (one row per field,
/// a blank `new value` column), and the way back, from a filled-in template to a scenario
/// variant.
///
/// The table opens in Excel; "Save as CSV" (or "CSV UTF-8") gives back what ``read(path:catalog:)``
/// reads: a UTF-8 byte-order mark, CRLF line ends, quoted cells and blank rows are all
/// accepted, columns are found by their header (so they may be moved, and others added), and
/// numbers are read as Excel writes them (``ScenarioField/value(fromText:)``). Every problem
/// names the file, the row and the column as a spreadsheet shows them, the field and what it
/// takes.
public enum PlanTemplate {
    /// The columns, in order. `path` and `new value` are the two read back.
    public static let columns = [
        "group", "path", "label", "unit", "allowed", "current value", "new value", "meaning", "note", "source",
    ]
    static let pathColumn = "path"
    static let newValueColumn = "new value"

    /// The most bytes a filled-in template may hold: as much as a scenario file
    /// (``ScenarioLoader/maximumFileBytes``), refused by its size before it is read.
    public static let maximumFileBytes = ScenarioLoader.maximumFileBytes

    /// The line above the header: what the table is and how it is read back.
    static func instructions(_ catalog: ScenarioFieldCatalog) -> String {
        "Plan for \(catalog.file): write a value in the 'new value' column of each field to change, save as CSV, then: homeward variant \(catalog.file) --from THIS.csv --out VARIANT.json5"
    }

    /// The rows of the template, one per field of the catalog (numbers as numbers).
    public static func rows(_ catalog: ScenarioFieldCatalog) -> [[Workbook.Cell]] {
        catalog.fields.map { f in
            let current: Workbook.Cell =
                if case .number(let x) = f.current { .number(x) } else { .text(f.currentText) }
            return [
                .text(f.group.rawValue), .text(f.path), .text(f.label), .text(f.unit), .text(f.range.description),
                current, .empty, .text(f.meaning), .text(f.note ?? ""), .text(f.source),
            ]
        }
    }

    /// The template as CSV text (spreadsheet-safe: see ``CSV``): a line of instructions, the
    /// header, then one row per field.
    public static func csv(_ catalog: ScenarioFieldCatalog) -> String {
        var out = CSV.row([.text(instructions(catalog))]) + CSV.row(columns.map { .text($0) })
        for row in rows(catalog) {
            out += CSV.row(
                row.map { cell in
                    switch cell {
                    case .text(let s): .text(s)
                    case .number(let x): .number(x)
                    case .empty: .text("")
                    }
                })
        }
        return out
    }

    /// The template as a workbook sheet named "Plan", with the same header and rows.
    public static func sheet(_ catalog: ScenarioFieldCatalog) -> Workbook.Sheet {
        Workbook.Sheet(name: "Plan", header: columns, rows: rows(catalog))
    }

    // MARK: - Reading a filled-in template

    /// One new value read from the template, and where it was.
    public struct Entry: Sendable, Equatable {
        public var edit: ScenarioEdit
        /// The spreadsheet row (1 is the first line of the file).
        public var row: Int
        /// The column of the new value (0 is column A).
        public var column: Int
    }

    /// The edits of the filled-in template at `path`: the rows with a `new value`, in order.
    ///
    /// - Throws: `PlanError` with every problem found: the file missing, larger than
    ///   ``maximumFileBytes`` (refused before reading), not UTF-8, with no header naming `path`
    ///   and `new value`, or with no new value at all; and for each row, a path that is not in
    ///   the catalog, a path given a new value twice, a value that is not a number (or switch).
    public static func read(path file: String, catalog: ScenarioFieldCatalog) throws(PlanError) -> [Entry] {
        try read(bytes: try bytes(file), file: file, catalog: catalog)
    }

    /// The edits of a filled-in template held in `bytes`, named `file` in messages (see
    /// ``read(path:catalog:)``).
    public static func read(bytes: [UInt8], file: String, catalog: ScenarioFieldCatalog) throws(PlanError) -> [Entry] {
        let (entries, problems) = readAll(bytes: bytes, file: file, catalog: catalog)
        if !problems.isEmpty { throw PlanError(problems) }
        return entries
    }

    /// The file at `path` read whole (at most ``maximumFileBytes``, refused by size first).
    static func bytes(_ file: String) throws(PlanError) -> [UInt8] {
        do {
            return try BoundedFile.read(path: file, limit: maximumFileBytes)
        } catch {
            let message =
                switch error.reason {
                case .tooLarge: error.message + "; not a plan template"
                default: error.message
                }
            throw PlanError([.init(file: file, message: message)])
        }
    }

    /// The rows that give a usable new value, and the problems of the others (a problem
    /// without a row is about the whole file: nothing in it can be used).
    static func readAll(bytes: [UInt8], file: String, catalog: ScenarioFieldCatalog) -> (
        entries: [Entry], problems: [PlanError.Problem]
    ) {
        let reader = CSVRecordReader(bytes: bytes, maximumRecordBytes: max(bytes.count, 1))
        var problems: [PlanError.Problem] = []
        var entries: [Entry] = []
        var firstRow: [String: Int] = [:]
        var columnsFound: (path: Int, newValue: Int)?
        var separator: String?
        var row = 0
        while true {
            let record: (line: Int, fields: [CSVField])?
            do {
                record = try reader.next()
            } catch {
                problems.append(.init(file: file, row: row + 1, message: Self.describe(error)))
                break
            }
            guard let record else { break }
            row += 1
            let cells = record.fields.map { CSV.trimmed($0.text) }
            if cells.allSatisfy(\.isEmpty) { continue }
            guard let (pathIndex, newIndex) = columnsFound else {
                let names = cells.map { CSV.decodeText($0).lowercased() }
                if let p = names.firstIndex(of: pathColumn), let n = names.firstIndex(of: newValueColumn) {
                    columnsFound = (p, n)
                } else if separator == nil {
                    // The header written with another separator: a spreadsheet where the comma
                    // is the decimal sign saves "CSV" with semicolons.
                    separator = [";", "\t"].first { sep in
                        names.contains { $0.components(separatedBy: sep).map(CSV.trimmed).contains(newValueColumn) }
                    }
                }
                continue
            }
            // A cell neutralised by a CSV writer ('-3) reads as its text, as names do.
            let newText = newIndex < cells.count ? CSV.decodeText(cells[newIndex]) : ""
            guard !newText.isEmpty else { continue }
            let pathText = pathIndex < cells.count ? CSV.decodeText(cells[pathIndex]) : ""
            let pathCell = (column: pathIndex, header: pathColumn)
            let newCell = (column: newIndex, header: newValueColumn)
            guard !pathText.isEmpty else {
                problems.append(
                    .init(file: file, row: row, cell: pathCell, message: "is empty, but the row has a new value"))
                continue
            }
            guard let field = catalog.field(pathText) else {
                let hint = catalog.suggestion(for: pathText).map { " (did you mean '\($0)'?)" } ?? ""
                problems.append(
                    .init(
                        file: file, row: row, cell: pathCell,
                        message:
                            "\(ScenarioField.TextProblem.quote(pathText)) is not a field that can be edited in \(catalog.file)\(hint)"
                    ))
                continue
            }
            if let earlier = firstRow[field.path] {
                problems.append(
                    .init(
                        file: file, row: row, cell: pathCell,
                        message: "\(field.path) has a new value on row \(earlier) too: give each field once"))
                continue
            }
            firstRow[field.path] = row
            do {
                let value = try field.value(fromText: newText)
                entries.append(Entry(edit: ScenarioEdit(path: field.path, value: value), row: row, column: newIndex))
            } catch {
                problems.append(
                    .init(
                        file: file, row: row, cell: newCell,
                        message: "\(error.description) (\(field.path) takes \(takes(field.range)))"))
            }
        }
        if columnsFound == nil && problems.isEmpty, let separator {
            let name = separator == ";" ? "semicolons" : "tabs"
            problems.append(
                .init(
                    file: file,
                    message:
                        "its cells are separated by \(name), not commas (as a spreadsheet saves them where the comma is the decimal sign): save it as 'CSV UTF-8 (Comma delimited)', or with a comma as the list separator"
                ))
        } else if columnsFound == nil && problems.isEmpty {
            problems.append(
                .init(
                    file: file,
                    message:
                        "no header row with the columns 'path' and 'new value' (write the template with: homeward template \(catalog.file) --out FILE.csv)"
                ))
        } else if entries.isEmpty && problems.isEmpty {
            problems.append(
                .init(
                    file: file,
                    message: "no row has a new value: fill in the 'new value' column of the fields to change"))
        }
        return (entries, problems)
    }

    /// What a range takes, after "takes": "a whole number from 0 to 1,000,000", "true or false".
    static func takes(_ range: FieldRange) -> String {
        range.kind == .boolean ? range.description : "a " + range.description
    }

    static func describe(_ error: CSVReadError) -> String {
        switch error {
        case .notUTF8: "not UTF-8 text (save it from Excel as 'CSV UTF-8 (Comma delimited)')"
        case .unterminatedQuote: "a quoted cell is opened here and never closed"
        case .recordTooLong(_, let limit): "the row is longer than \(limit) bytes"
        case .io(let why): "cannot be read (\(why))"
        }
    }

    // MARK: - From a filled-in template to a variant

    /// The variant of `base` that the filled-in template at `plan` describes, to be written at
    /// `file`, validated by the validator of `homeward validate`.
    ///
    /// - Parameters:
    ///   - base: the scenario the template was written from.
    ///   - plan: the filled-in template (CSV).
    ///   - file: where the variant will be written (in the base's folder or above it).
    ///   - name: the variant's name (default: the base's and the changes).
    ///   - description: its description (default: what it changes, and from which base).
    /// - Returns: the variant (its text to write) and the scenario it loads as.
    /// - Throws: `PlanError` with every problem, each at its row and column where it has one:
    ///   those of ``read(path:catalog:)``, then the validator's, each placed on the row of the
    ///   field it names.
    public static func variant(
        base: LoadedScenario, plan: String, file: String, name: String? = nil, description: String? = nil
    ) throws(PlanError) -> (variant: ScenarioVariant, loaded: LoadedScenario) {
        let catalog = ScenarioFieldCatalog(base)
        let (entries, problems) = readAll(bytes: try bytes(plan), file: plan, catalog: catalog)
        // A problem with the whole file (no header, no new value) leaves nothing to check.
        if problems.contains(where: { $0.row == nil }) { throw PlanError(problems) }
        // Otherwise the rows that were read are checked too, so that one pass shows every problem.
        let variant: ScenarioVariant
        do {
            variant = try ScenarioVariant(
                base: base, edits: entries.map(\.edit), file: file, name: name, description: description)
        } catch {
            throw PlanError(problems + placed(error, entries, plan: plan, catalog: catalog))
        }
        let loaded: LoadedScenario
        do {
            loaded = try variant.validated()
        } catch {
            throw PlanError(problems + placed(error, entries, plan: plan, catalog: catalog))
        }
        if !problems.isEmpty { throw PlanError(problems) }
        return (variant, loaded)
    }

    /// The validator's problems, each on the row of the edit it names (its field or a field
    /// inside it), in the `new value` column; a problem no edit explains is given whole.
    static func placed(_ error: ScenarioError, _ entries: [Entry], plan: String, catalog: ScenarioFieldCatalog)
        -> [PlanError.Problem]
    {
        var problems: [PlanError.Problem] = []
        for issue in error.issues {
            if let field = catalog.field(containing: issue.path),
                let entry = entries.first(where: { $0.edit.path == field.path })
            {
                problems.append(
                    .init(
                        file: plan, row: entry.row, cell: (entry.column, newValueColumn),
                        message: (issue.path == field.path ? "" : "\(issue.path): ")
                            + "\(issue.message) (\(field.path) takes \(takes(field.range)))"
                    ))
            } else {
                problems.append(.init(file: plan, message: "with these new values, \(issue.description)"))
            }
        }
        if error.more > 0 {
            problems.append(.init(file: plan, message: "... and \(error.more) more problems"))
        }
        return problems
    }
}

/// The problems of a filled-in plan template: each names the file, the row and the column where
/// it has them, and the problem.
public struct PlanError: Error, Sendable, CustomStringConvertible {
    /// One problem: `plan.csv, row 14, column G (new value): 'ten' is not a number (...)`.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        /// The spreadsheet row, when the problem has one.
        public var row: Int?
        /// The column (0 is column A), when the problem has one.
        public var column: Int?
        /// The column's header (`new value`).
        public var header: String
        public var message: String

        init(file: String, row: Int? = nil, message: String) {
            self.init(file: file, row: row, cell: nil, message: message)
        }

        init(file: String, row: Int?, cell: (column: Int, header: String)?, message: String) {
            self.file = file
            self.row = row
            column = cell?.column
            header = cell?.header ?? ""
            self.message = message
        }

        /// The column as a spreadsheet names it (`G`), when the problem has one.
        public var columnLetter: String? { column.map(Self.letter) }

        public var description: String {
            var place = file
            if let row { place += ", row \(row)" }
            if let columnLetter { place += ", column \(columnLetter) (\(header))" }
            return "\(place): \(message)"
        }

        /// A spreadsheet's column letters for a 0-based index: A, ..., Z, AA, AB, ...
        static func letter(_ index: Int) -> String {
            var n = index + 1
            var letters = ""
            while n > 0 {
                let r = (n - 1) % 26
                letters = String(UnicodeScalar(UInt8(65 + r))) + letters
                n = (n - 1) / 26
            }
            return letters
        }
    }

    /// The problems shown (at most ``ScenarioError/maximumShown``), in row order.
    public var problems: [Problem]
    /// How many more were found.
    public var more: Int

    init(_ problems: [Problem]) {
        let sorted = problems.enumerated().sorted { a, b in
            let (ra, rb) = (a.element.row ?? .max, b.element.row ?? .max)
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
        self.problems = Array(sorted.prefix(ScenarioError.maximumShown))
        more = sorted.count - self.problems.count
    }

    /// One problem a line, then `... and N more problems` when some are not shown.
    public var description: String {
        let shown = problems.map(\.description).joined(separator: "\n")
        guard more > 0, let file = problems.first?.file else { return shown }
        return shown + "\n\(file): ... and \(more) more problem\(more == 1 ? "" : "s")"
    }
}
