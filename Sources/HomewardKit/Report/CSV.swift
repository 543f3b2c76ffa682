import Foundation

/// CSV as spreadsheets read it (RFC 4180; UTF-8; CRLF line ends for Excel), safe to open.
///
/// Text and numbers take separate paths. A text cell is quoted (with quotes doubled) when it
/// holds a comma, a quote or a line break, starts or ends with a space or tab, or is
/// neutralised; a text cell that a spreadsheet would run as a formula (starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return, as the OWASP guidance on CSV injection lists) is
/// written with a single quote `'` in front, inside the quotes. Numbers are written as they are:
/// `-3.5` stays `-3.5`. `decodeText` undoes the neutralisation, so names read back exactly.
public enum CSV {
    /// One cell of a row, already encoded: made by `text`, `number` or `integer` (a string
    /// literal is text).
    public struct Cell: Sendable, Equatable, ExpressibleByStringLiteral {
        /// The cell as it appears between the commas.
        public let encoded: String

        /// A text cell (quoted and neutralised as needed).
        public init(stringLiteral value: String) { encoded = CSV.field(value) }

        init(encoded: String) { self.encoded = encoded }

        /// A text cell (quoted and neutralised as needed).
        public static func text(_ s: String) -> Cell { Cell(encoded: CSV.field(s)) }

        /// A number: full precision (shortest round-trip), whole numbers without a fraction,
        /// empty for NaN and infinities (undefined). Never quoted or neutralised.
        public static func number(_ x: Double) -> Cell { Cell(encoded: CSV.numberText(x)) }

        /// A whole number, as decimal digits. Never quoted or neutralised.
        public static func integer(_ x: some BinaryInteger) -> Cell { Cell(encoded: String(x)) }
    }

    /// A number cell (see `Cell.number`).
    public static func number(_ x: Double) -> Cell { .number(x) }

    /// One row: the cells joined by commas, ended by CRLF.
    public static func row(_ cells: [Cell]) -> String { cells.map(\.encoded).joined(separator: ",") + "\r\n" }

    /// The characters that make a spreadsheet treat a cell as a formula when they come first.
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\r\n"]

    /// Whether text must be written with a `'` in front: it starts like a formula, or it starts
    /// with a `'` that `decodeText` would otherwise remove.
    static func needsNeutralising(_ s: String) -> Bool {
        guard let first = s.first else { return false }
        return formulaStarts.contains(first) || decodeText(s) != s
    }

    /// Text as one CSV cell: neutralised when it starts like a formula, quoted when it has to be
    /// (a comma, quote or line break, a space or tab at either end, or neutralised).
    /// - Complexity: O(n) in the length of `s`.
    public static func field(_ s: String) -> String {
        let neutralised = needsNeutralising(s)
        let text = neutralised ? "'" + s : s
        let quote =
            neutralised || s.first == " " || s.first == "\t" || s.last == " " || s.last == "\t"
            || s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline })
        guard quote else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Undoes `field`'s neutralisation on a cell's text (after unquoting): a leading `'` before
    /// a formula character or another `'` is removed; anything else is returned as it is.
    public static func decodeText(_ s: String) -> String {
        var scalars = s.unicodeScalars.makeIterator()
        guard scalars.next() == "'", let second = scalars.next() else { return s }
        switch second {
        case "=", "+", "-", "@", "\t", "\r", "'": return String(s.unicodeScalars.dropFirst())
        default: return s
        }
    }

    /// Full precision (shortest round-trip); whole numbers without a fraction; empty for NaN.
    static func numberText(_ x: Double) -> String {
        if x.isNaN || x.isInfinite { return "" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        return String(x)
    }
}
