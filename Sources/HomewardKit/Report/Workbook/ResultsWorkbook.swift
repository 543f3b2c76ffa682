import Foundation

/// The Excel workbook of a results folder: one sheet per table the command wrote, then the
/// scenario's assumptions and the run's manifest, so that the workbook alone says what was run.
///
/// Built from the folder, as the HTML report is, so that `--xlsx` on `run`, `compare`, `sweep`
/// and `schemes` and `homeward report DIR --xlsx FILE` give the same workbook, and every table
/// a later command writes gets its sheet without changes here. The sheets hold exactly what
/// the CSV files hold (a test compares them cell by cell), with two additions: numbers are
/// numbers, and a table with a `metric` column but no `unit` gets one, from the registry.
public enum ResultsWorkbook {
    /// The tables, in the order they become sheets, with their sheet names.
    static let tables: [(file: String, sheet: String)] = [
        ("summary.csv", "Summary"), ("compare.csv", "Compare"), ("schemes.csv", "Schemes"), ("sweep.csv", "Sweep"),
        ("check.csv", "Check"), ("compare-actuals.csv", "Against actuals"),
        ("compare-actuals-monthly.csv", "Against actuals by month"), ("monthly.csv", "Monthly"),
        ("daily.csv", "Daily"), ("sensitivity.csv", "Sensitivity"), ("inputs.csv", "Inputs"),
        ("warmup.csv", "Warm-up"),
    ]

    /// The JSON file whose manifest (and scenario) describe the folder, in order of preference.
    static let documents = ["sweep.json", "compare.json", "schemes.json", "summary.json"]

    /// Builds the workbook of `resultsDirectory`.
    /// - Throws: `ReportError` when the folder is missing or holds no tables, or a file cannot
    ///   be read; `OutputError` when its files do not match their manifest; `Workbook.Failure`
    ///   (as `ReportError`) when a table is larger than a spreadsheet holds.
    public static func build(resultsDirectory: String) throws -> [UInt8] {
        let dir =
            resultsDirectory.hasSuffix("/") && resultsDirectory.count > 1
            ? String(resultsDirectory.dropLast()) : resultsDirectory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReportError.badInput("\(dir): no such results directory")
        }
        _ = try ResultSet.verify(dir)
        var book = Workbook()
        for (file, sheet) in tables where HTMLReport.exists(dir + "/" + file) {
            book.add(try Self.sheet(csvFile: dir + "/" + file, name: sheet))
        }
        guard !book.sheets.isEmpty else {
            throw ReportError.badInput(
                "\(dir) holds no Homeward tables: expected summary.csv (from run), compare.csv, schemes.csv or sweep.csv"
            )
        }
        if let document = documents.first(where: { HTMLReport.exists(dir + "/" + $0) }) {
            let json = try HTMLReport.load(dir + "/" + document).objectValue
            if let assumptions = json?["scenario"]?.objectValue?["assumptions"]?.arrayValue {
                let rows = assumptions.map { a -> [Workbook.Cell] in
                    let entry = a.objectValue
                    return [.text(entry?["field"]?.stringValue ?? ""), .text(entry?["source"]?.stringValue ?? "")]
                }
                book.add("Assumptions", header: ["field", "source"], rows: rows)
            }
            if let manifest = json?["manifest"] {
                var rows: [[Workbook.Cell]] = []
                flatten(manifest, path: "", into: &rows)
                book.add("Manifest", header: ["field", "value"], rows: rows)
            }
        }
        do {
            return try book.xlsx()
        } catch {
            throw ReportError.badInput("\(dir): \(error)")
        }
    }

    /// A CSV file as a sheet: its header, then its rows, numbers as numbers and text as text
    /// (the CSV's neutralisation of formula-like text undone: a workbook's text never runs).
    static func sheet(csvFile path: String, name: String) throws -> Workbook.Sheet {
        let reader: CSVRecordReader
        do {
            reader = try CSVRecordReader(path: path, maximumRecordBytes: HTMLReport.maximumResultsFileBytes)
        } catch {
            throw ReportError.badInput("\(path): cannot be read (\(error))")
        }
        var header: [String] = []
        var rows: [[Workbook.Cell]] = []
        do {
            while let (_, fields) = try reader.next() {
                if fields.count == 1 && fields[0].text.isEmpty && !fields[0].quoted { continue }
                if header.isEmpty && rows.isEmpty {
                    header = fields.map { CSV.decodeText($0.text) }
                } else {
                    rows.append(fields.map(cell))
                }
            }
        } catch {
            throw ReportError.badInput("\(path): not a readable CSV table (\(error))")
        }
        // A unit beside each metric, when the table has metric keys but no units.
        if let m = header.firstIndex(of: "metric"), !header.contains("unit") {
            header.insert("unit", at: m + 1)
            for r in rows.indices where m < rows[r].count {
                var unit = ""
                if case .text(let key) = rows[r][m] {
                    unit = Metric.Series.allCases.lazy.compactMap { Metric.lookup(key, in: $0)?.unit }.first ?? ""
                }
                rows[r].insert(.text(unit), at: m + 1)
            }
        }
        return Workbook.Sheet(name: name, header: header, rows: rows)
    }

    /// A CSV field as a cell: an unquoted number is a number, an empty field an empty cell,
    /// anything else text.
    static func cell(_ field: CSVField) -> Workbook.Cell {
        if field.text.isEmpty { return .empty }
        if !field.quoted, field.text.utf8.allSatisfy({ Self.numberBytes.contains($0) }), let x = Double(field.text),
            x.isFinite
        {
            return .number(x)
        }
        return .text(CSV.decodeText(field.text))
    }

    /// The bytes a number the CSV writer writes is made of.
    static let numberBytes = Set("0123456789+-.eE".utf8)

    /// Rows `path`, `value` for every leaf of a JSON value (`options.replications`,
    /// `scenarios[0].name`...).
    static func flatten(_ value: JSONValue, path: String, into rows: inout [[Workbook.Cell]]) {
        switch value {
        case .object(let object):
            for key in object.keys {
                guard let child = object[key] else { continue }
                flatten(child, path: path.isEmpty ? key : path + "." + key, into: &rows)
            }
        case .array(let items):
            for (i, child) in items.enumerated() { flatten(child, path: path + "[\(i)]", into: &rows) }
        case .number(let x): rows.append([.text(path), .number(x)])
        case .string(let s): rows.append([.text(path), .text(s)])
        case .bool(let b): rows.append([.text(path), .text(b ? "true" : "false")])
        case .null: rows.append([.text(path), .empty])
        }
    }
}
