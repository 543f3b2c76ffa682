/// A planner's text as a field's value: what a spreadsheet cell or a form box holds.
///
/// Numbers are read as spreadsheets write them: `1200`, `1200.0`, `1,200` (a comma only as a
/// thousands separator, in groups of three after a first digit that is not 0), `1.2E+06`, `-3`;
/// `85%` in a field that is not a whole number (0.85); `£400` in a field counted in GBP.
/// Anything a reader could take two ways is refused rather than guessed: `1,5` and `0,125` may
/// be a decimal comma or a misplaced separator, `1 200` may be a number or two. Switches are
/// `true`/`false`, as Excel writes them (`TRUE`), or `yes`/`no`, `on`/`off`, `1`/`0`. Ranges
/// are not checked here: the validator checks them (``ScenarioVariant/validated()``).
extension ScenarioField {
    /// Why a text is not a value of the field; `description` says it in words, quoting the text.
    public enum TextProblem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not a number at all (`ten`).
        case notANumber(String)
        /// A number that could be read two ways (`1,5`).
        case ambiguous(String)
        /// A number too large for any field (`1e400`).
        case notFinite(String)
        /// A formula (`=A1*2`): a spreadsheet saved its text, not its value.
        case formula(String)
        /// Not `true` or `false` for a switch.
        case notASwitch(String)

        public var description: String {
            switch self {
            case .notANumber(let t): "\(Self.quote(t)) is not a number"
            case .ambiguous(let t):
                "\(Self.quote(t)) is ambiguous: a comma is read only as a thousands separator (1,500), so write a decimal point (1.5) or the number without commas"
            case .notFinite(let t): "\(Self.quote(t)) is too large to be a value"
            case .formula(let t):
                "\(Self.quote(t)) is a formula, not a value: put the number itself in the cell (Paste Special, Values)"
            case .notASwitch(let t): "\(Self.quote(t)) is not a switch: write true or false"
            }
        }

        /// The text in quotes, at most 40 characters, line breaks shown as `\n`.
        static func quote(_ text: String) -> String {
            var t = text.count > 40 ? String(text.prefix(40)) + "..." : text
            t = t.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
            return "'\(t)'"
        }
    }

    /// The value `text` gives this field: a number, or `true`/`false` for a switch.
    /// - Throws: ``TextProblem`` when the text is not one (see the type's description).
    public func value(fromText text: String) throws(TextProblem) -> JSONValue {
        let t = CSV.trimmed(text)
        if range.kind == .boolean {
            switch t.lowercased() {
            case "true", "yes", "on", "1": return .bool(true)
            case "false", "no", "off", "0": return .bool(false)
            default:
                if Self.looksLikeFormula(t) { throw .formula(text) }
                throw .notASwitch(text)
            }
        }
        var body = Substring(t)
        var percent = false
        if unit.hasPrefix("GBP"), body.hasPrefix("£") { body = body.dropFirst() }
        if range.kind != .wholeNumber, body.hasSuffix("%") {
            body = body.dropLast()
            percent = true
        }
        guard let x = try Self.number(String(body), original: text) else {
            if Self.looksLikeFormula(t) { throw .formula(text) }
            throw .notANumber(text)
        }
        // x / 100 is the double nearest the percentage's value (85% is exactly 0.85's double).
        return .number(percent ? x / 100 : x)
    }

    /// A formula as a spreadsheet writes one: `=`, or `+`, `-`, `@` before something that is
    /// not a number.
    static func looksLikeFormula(_ t: String) -> Bool {
        guard let first = t.first else { return false }
        return ["=", "+", "-", "@"].contains(first)
    }

    /// The bytes a plain number is written with.
    private static let numberBytes = Set("0123456789+-.eE".utf8)

    /// `text` as a number, nil when it is not one.
    /// - Throws: ``TextProblem/ambiguous(_:)`` for a comma that is not a thousands separator,
    ///   ``TextProblem/notFinite(_:)`` beyond the largest double.
    static func number(_ text: String, original: String) throws(TextProblem) -> Double? {
        var t = text
        if t.contains(",") {
            guard isThousands(t) else {
                // Only digits, commas, a sign and a point: a number written another way.
                if t.utf8.allSatisfy({ numberBytes.contains($0) || $0 == UInt8(ascii: ",") }),
                    t.contains(where: \.isNumber)
                {
                    throw .ambiguous(original)
                }
                return nil
            }
            t = t.replacingOccurrences(of: ",", with: "")
        }
        guard !t.isEmpty, t.utf8.allSatisfy({ numberBytes.contains($0) }), let x = Double(t) else { return nil }
        guard x.isFinite else { throw .notFinite(original) }
        return x
    }

    /// `1,200`, `-12,345.5`, `1,234,567`: a first group of 1 to 3 digits not starting with 0,
    /// then groups of exactly three, then an optional fraction.
    static func isThousands(_ t: String) -> Bool {
        var s = Substring(t)
        if s.first == "-" || s.first == "+" { s = s.dropFirst() }
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 && (parts[1].isEmpty || !parts[1].allSatisfy(\.isASCIIDigit)) { return false }
        let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
        guard groups.count >= 2, let first = groups.first, (1...3).contains(first.count),
            first.first != "0", first.allSatisfy(\.isASCIIDigit)
        else { return false }
        return groups.dropFirst().allSatisfy { $0.count == 3 && $0.allSatisfy(\.isASCIIDigit) }
    }
}

extension Character {
    /// 0 to 9 (not other scripts' digits).
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
