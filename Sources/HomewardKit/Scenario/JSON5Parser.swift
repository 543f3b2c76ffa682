// JSON5Parser.swift
//
// A JSON5 (https://spec.json5.org) parser producing `JSONValue` trees. It works on the UTF-8
// bytes of the text, keeps its own stack of open containers (no recursion, so no stack
// overflow however deep the input) and computes line/column only when it reports an error.

/// A JSON5 syntax error with the 1-based position of the offending character.
///
/// `column` counts Unicode scalars from the start of the line (a tab counts as one). Lines are
/// separated by LF, CR or CRLF. At the end of the input the position is just past the last
/// character.
public struct JSON5ParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based line of the offending character.
    public var line: Int
    /// 1-based column (in Unicode scalars) of the offending character.
    public var column: Int
    /// A plain-English message such as `unexpected character '}'`.
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line L, column C: message`.
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// The JSON5 parser entry point.
public enum JSON5 {
    /// The deepest nesting of arrays and objects that ``parse(_:limits:)`` accepts.
    public static let maximumDepth = 512

    /// Bounds on what one document may hold, checked while it is parsed, so that the memory a
    /// parse takes is bounded by them and not only by the text's length (a parsed value takes
    /// 100 to 500 bytes, many times its text).
    public struct Limits: Sendable, Equatable {
        /// The most values (numbers, strings, booleans, nulls, arrays and objects) inside the
        /// document's top-level value.
        public var maximumValues: Int
        /// The most members in one object.
        public var maximumMembers: Int

        /// Creates limits.
        public init(maximumValues: Int, maximumMembers: Int) {
            self.maximumValues = maximumValues
            self.maximumMembers = maximumMembers
        }

        /// No bounds beyond the text's own length (results and partial files, whose size is
        /// bounded before they are read).
        public static let none = Limits(maximumValues: .max, maximumMembers: .max)
    }

    /// Parses JSON5 text (a superset of JSON).
    ///
    /// Supported beyond JSON: `//` and `/* */` comments; trailing commas; unquoted
    /// ECMAScript identifier keys (including `\uXXXX` escapes); single-quoted strings; the
    /// escapes `\v \0 \' \xHH`, any other non-digit character escaping to itself, and
    /// backslash–line-break continuations; numbers with a leading or trailing decimal point,
    /// explicit `+`, hexadecimal (`0x1F`), `Infinity`, `-Infinity` and `NaN`; JSON5 whitespace
    /// (including the BOM, NBSP, U+2028/U+2029 and the other Unicode space separators).
    ///
    /// Choices where the specification leaves room:
    /// - A lone surrogate in a `\u` escape (one not forming a valid pair) becomes U+FFFD.
    /// - A decimal number too large for `Double` becomes ±infinity; a hexadecimal number above
    ///   2^64 is accumulated in `Double` and may be off in its last bits.
    /// - `-0` parses to `-0.0` (the sign is kept).
    /// - Duplicate object keys are allowed: see ``JSONObject/duplicateKeys``.
    /// - Nesting deeper than ``maximumDepth`` is an error.
    ///
    /// Invalid UTF-8 never reaches the parser: Swift `String`s are always valid (bad bytes
    /// were already replaced by U+FFFD when the string was made). The parser never traps.
    ///
    /// - Throws: ``JSON5ParseError`` with the line, column and a message.
    /// - Complexity: O(n) in the length of `text`.
    public static func parse(_ text: String, limits: Limits = .none) throws(JSON5ParseError) -> JSONValue {
        var text = text
        let result: Result<JSONValue, JSON5ParseError> = text.withUTF8 { bytes in
            var parser = JSON5Parser(bytes: bytes, limits: limits)
            do throws(JSON5ParseError) {
                return .success(try parser.parseDocument())
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let value): return value
        case .failure(let error): throw error
        }
    }
}

// MARK: - Parser

/// Byte-level JSON5 parser over a UTF-8 buffer that Swift guarantees is valid UTF-8.
struct JSON5Parser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var pos = 0
    /// Reusable buffer for strings with escapes and for numbers on the slow path.
    private var scratch: [UInt8] = []

    private let limits: JSON5.Limits
    /// Values completed so far (checked against `limits.maximumValues`).
    private var valueCount = 0

    init(bytes: UnsafeBufferPointer<UInt8>, limits: JSON5.Limits = .none) {
        self.bytes = bytes
        self.limits = limits
    }

    private enum ContainerKind {
        case array
        case object
    }

    /// Parses one value followed only by whitespace and comments.
    ///
    /// Open containers live in explicit stacks so nesting depth costs heap, not call stack.
    /// Each stack is mutated in place through its last element so no container is copied.
    mutating func parseDocument() throws(JSON5ParseError) -> JSONValue {
        var kinds: [ContainerKind] = []
        var openArrays: [[JSONValue]] = []
        var openObjects: [JSONObject] = []
        var pendingKeys: [String] = []
        var value: JSONValue

        try skipWhitespace()
        parseValue: while true {
            // Whitespace before the value has been skipped.
            guard pos < bytes.count else { throw unexpected(at: pos) }
            switch bytes[pos] {
            case UInt8(ascii: "{"):
                guard kinds.count < JSON5.maximumDepth else {
                    throw error("nesting deeper than \(JSON5.maximumDepth) levels", at: pos)
                }
                pos += 1
                try skipWhitespace()
                if peek() == UInt8(ascii: "}") {
                    pos += 1
                    value = .object(JSONObject())
                } else {
                    let key = try parseMemberKey()
                    kinds.append(.object)
                    openObjects.append(JSONObject())
                    pendingKeys.append(key)
                    continue parseValue
                }
            case UInt8(ascii: "["):
                guard kinds.count < JSON5.maximumDepth else {
                    throw error("nesting deeper than \(JSON5.maximumDepth) levels", at: pos)
                }
                pos += 1
                try skipWhitespace()
                if peek() == UInt8(ascii: "]") {
                    pos += 1
                    value = .array([])
                } else {
                    kinds.append(.array)
                    openArrays.append([])
                    continue parseValue
                }
            default:
                value = try parseScalar()
            }

            // A value is complete: add it to the innermost open container, closing containers
            // as long as their closing bracket follows.
            fold: while let kind = kinds.last {
                valueCount += 1
                guard valueCount <= limits.maximumValues else {
                    throw error("more than \(limits.maximumValues) values in one document", at: pos)
                }
                switch kind {
                case .array:
                    openArrays[openArrays.count - 1].append(value)
                    try skipWhitespace()
                    switch peek() {
                    case UInt8(ascii: ",")?:
                        pos += 1
                        try skipWhitespace()
                        if peek() == UInt8(ascii: "]") {
                            pos += 1
                            kinds.removeLast()
                            value = .array(openArrays.removeLast())
                            continue fold
                        }
                        continue parseValue
                    case UInt8(ascii: "]")?:
                        pos += 1
                        kinds.removeLast()
                        value = .array(openArrays.removeLast())
                    case nil:
                        throw unexpected(at: pos)
                    default:
                        throw error("expected ',' or ']' after array element", at: pos)
                    }
                case .object:
                    guard openObjects[openObjects.count - 1].count < limits.maximumMembers else {
                        throw error("more than \(limits.maximumMembers) members in one object", at: pos)
                    }
                    openObjects[openObjects.count - 1].insertRecordingDuplicate(
                        pendingKeys.removeLast(), value)
                    try skipWhitespace()
                    switch peek() {
                    case UInt8(ascii: ",")?:
                        pos += 1
                        try skipWhitespace()
                        if peek() == UInt8(ascii: "}") {
                            pos += 1
                            kinds.removeLast()
                            value = .object(openObjects.removeLast())
                            continue fold
                        }
                        pendingKeys.append(try parseMemberKey())
                        continue parseValue
                    case UInt8(ascii: "}")?:
                        pos += 1
                        kinds.removeLast()
                        value = .object(openObjects.removeLast())
                    case nil:
                        throw unexpected(at: pos)
                    default:
                        throw error("expected ',' or '}' after object member", at: pos)
                    }
                }
            }

            try skipWhitespace()
            guard pos >= bytes.count else {
                throw error("trailing characters after the top-level value", at: pos)
            }
            return value
        }
    }

    @inline(__always)
    private func peek() -> UInt8? {
        pos < bytes.count ? bytes[pos] : nil
    }

    // MARK: Whitespace and comments

    /// Skips JSON5 whitespace and comments.
    private mutating func skipWhitespace() throws(JSON5ParseError) {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D:
                pos += 1
            case UInt8(ascii: "/"):
                if byteMatches(pos + 1, UInt8(ascii: "/")) {
                    pos += 2
                    while pos < bytes.count {
                        let b = bytes[pos]
                        if b == 0x0A || b == 0x0D || lineOrParagraphSeparatorLength(at: pos) > 0 {
                            break
                        }
                        pos += 1
                    }
                } else if byteMatches(pos + 1, UInt8(ascii: "*")) {
                    let start = pos
                    pos += 2
                    while true {
                        guard pos + 1 < bytes.count else {
                            pos = bytes.count
                            throw error("unterminated comment", at: start)
                        }
                        if bytes[pos] == UInt8(ascii: "*") && bytes[pos + 1] == UInt8(ascii: "/") {
                            pos += 2
                            break
                        }
                        pos += 1
                    }
                } else {
                    return  // a lone '/' is reported by the caller
                }
            default:
                let length = unicodeWhitespaceLength(at: pos)
                guard length > 0 else { return }
                pos += length
            }
        }
    }

    @inline(__always)
    private func byteMatches(_ index: Int, _ expected: UInt8) -> Bool {
        index < bytes.count && bytes[index] == expected
    }

    /// Byte length of the non-ASCII JSON5 whitespace character at `i`, or 0.
    ///
    /// NBSP, BOM, U+2028, U+2029 and the Zs characters U+1680, U+2000–U+200A, U+202F, U+205F,
    /// U+3000.
    private func unicodeWhitespaceLength(at i: Int) -> Int {
        switch bytes[i] {
        case 0xC2:
            return byteMatches(i + 1, 0xA0) ? 2 : 0
        case 0xE1:
            return byteMatches(i + 1, 0x9A) && byteMatches(i + 2, 0x80) ? 3 : 0
        case 0xE2:
            guard i + 2 < bytes.count else { return 0 }
            let b1 = bytes[i + 1]
            let b2 = bytes[i + 2]
            if b1 == 0x80 && (b2 <= 0x8A || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF) { return 3 }
            if b1 == 0x81 && b2 == 0x9F { return 3 }
            return 0
        case 0xE3:
            return byteMatches(i + 1, 0x80) && byteMatches(i + 2, 0x80) ? 3 : 0
        case 0xEF:
            return byteMatches(i + 1, 0xBB) && byteMatches(i + 2, 0xBF) ? 3 : 0
        default:
            return 0
        }
    }

    /// 3 if U+2028 or U+2029 starts at `i`, else 0.
    private func lineOrParagraphSeparatorLength(at i: Int) -> Int {
        guard i + 2 < bytes.count, bytes[i] == 0xE2, bytes[i + 1] == 0x80 else { return 0 }
        return bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 ? 3 : 0
    }

    // MARK: Keys

    /// Parses an object key, the `:` after it and the whitespace after that.
    private mutating func parseMemberKey() throws(JSON5ParseError) -> String {
        guard let first = peek() else { throw unexpected(at: pos) }
        let key: String
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            key = try parseString(quote: first)
        } else {
            key = try parseIdentifier()
        }
        try skipWhitespace()
        guard let colon = peek() else { throw unexpected(at: pos) }
        guard colon == UInt8(ascii: ":") else {
            throw error("expected ':' after object key", at: pos)
        }
        pos += 1
        try skipWhitespace()
        return key
    }

    /// Parses an ECMAScript 5.1 IdentifierName (letters, digits, `_`, `$`, `\uXXXX`).
    private mutating func parseIdentifier() throws(JSON5ParseError) -> String {
        let start = pos
        var escaped = false
        scratch.removeAll(keepingCapacity: true)
        while pos < bytes.count {
            let isFirst = pos == start
            let b = bytes[pos]
            if b == UInt8(ascii: "\\") {
                guard byteMatches(pos + 1, UInt8(ascii: "u")), let code = hex4(at: pos + 2),
                    let scalar = Unicode.Scalar(code),
                    isFirst ? isIdentifierStart(scalar) : isIdentifierPart(scalar)
                else {
                    throw error("invalid escape sequence in identifier", at: pos)
                }
                if !escaped {
                    escaped = true
                    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<pos]))
                }
                appendUTF8(scalar)
                pos += 6
                continue
            }
            let (scalar, length) = decodeScalar(at: pos)
            guard isFirst ? isIdentifierStart(scalar) : isIdentifierPart(scalar) else { break }
            if escaped {
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[pos..<pos + length]))
            }
            pos += length
        }
        guard pos > start else { throw unexpected(at: pos) }
        if escaped {
            return String(decoding: scratch, as: UTF8.self)
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
    }

    private func isIdentifierStart(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x41...0x5A, 0x61...0x7A, 0x24, 0x5F: return true
        case 0..<0x80: return false
        default: return s.properties.isIDStart
        }
    }

    private func isIdentifierPart(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x24, 0x5F: return true
        case 0..<0x80: return false
        case 0x200C, 0x200D: return true  // ZWNJ, ZWJ
        default: return s.properties.isIDContinue
        }
    }

    /// Whether an identifier character (or digit) starts at `i`: such a character may not
    /// directly follow a number or a literal like `true`.
    private func identifierPartFollows(at i: Int) -> Bool {
        guard i < bytes.count else { return false }
        if bytes[i] == UInt8(ascii: "\\") { return true }
        return isIdentifierPart(decodeScalar(at: i).scalar)
    }

    // MARK: Scalars

    /// Parses a string, number, `true`, `false` or `null` starting at `pos` (not at the end).
    private mutating func parseScalar() throws(JSON5ParseError) -> JSONValue {
        let b = bytes[pos]
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            return .string(try parseString(quote: b))
        case UInt8(ascii: "t"):
            try expectWord("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectWord("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectWord("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "I"), UInt8(ascii: "N"):
            return .number(try parseNumber())
        default:
            throw unexpected(at: pos)
        }
    }

    /// Consumes `word` exactly, not followed by an identifier character.
    private mutating func expectWord(_ word: StaticString) throws(JSON5ParseError) {
        let count = word.utf8CodeUnitCount
        let start = word.utf8Start
        for k in 0..<count {
            guard pos < bytes.count, bytes[pos] == start[k] else { throw unexpected(at: pos) }
            pos += 1
        }
        if identifierPartFollows(at: pos) { throw unexpected(at: pos) }
    }

    @inline(__always)
    private static func isDigit(_ b: UInt8) -> Bool {
        b &- UInt8(ascii: "0") < 10
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The value of four hex digits at `i`, or nil.
    private func hex4(at i: Int) -> UInt32? {
        guard i + 4 <= bytes.count else { return nil }
        var code: UInt32 = 0
        for k in i..<i + 4 {
            guard let h = Self.hexValue(bytes[k]) else { return nil }
            code = code << 4 | UInt32(h)
        }
        return code
    }

    /// Parses a JSON5 number (sign, decimal or hexadecimal, `Infinity`, `NaN`).
    private mutating func parseNumber() throws(JSON5ParseError) -> Double {
        let start = pos
        var negative = false
        if bytes[pos] == UInt8(ascii: "-") || bytes[pos] == UInt8(ascii: "+") {
            negative = bytes[pos] == UInt8(ascii: "-")
            pos += 1
        }
        guard let first = peek() else { throw unexpected(at: pos) }
        if first == UInt8(ascii: "I") {
            try expectWord("Infinity")
            return negative ? -.infinity : .infinity
        }
        if first == UInt8(ascii: "N") {
            try expectWord("NaN")
            return .nan
        }
        if first == UInt8(ascii: "0"), pos + 1 < bytes.count, bytes[pos + 1] | 0x20 == UInt8(ascii: "x") {
            pos += 2
            let magnitude = try parseHexDigits()
            return negative ? -magnitude : magnitude
        }

        // Decimal: int digits, optional '.' and fraction digits, optional exponent.
        let intStart = pos
        if first == UInt8(ascii: "0") {
            pos += 1
            if pos < bytes.count && Self.isDigit(bytes[pos]) {
                throw error("leading zeros are not allowed", at: pos)
            }
        } else {
            while pos < bytes.count && Self.isDigit(bytes[pos]) { pos += 1 }
        }
        let intEnd = pos
        var fracStart = pos
        var fracEnd = pos
        if peek() == UInt8(ascii: ".") {
            pos += 1
            fracStart = pos
            while pos < bytes.count && Self.isDigit(bytes[pos]) { pos += 1 }
            fracEnd = pos
        }
        if intStart == intEnd && fracStart == fracEnd {
            throw unexpected(at: pos)  // "-", ".", "+x", ...
        }
        var expStart = pos
        if let e = peek(), e | 0x20 == UInt8(ascii: "e") {
            pos += 1
            expStart = pos
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { pos += 1 }
            let digitsStart = pos
            while pos < bytes.count && Self.isDigit(bytes[pos]) { pos += 1 }
            if pos == digitsStart { throw unexpected(at: pos) }
        }
        if identifierPartFollows(at: pos) { throw unexpected(at: pos) }

        let hasExponent = pos > expStart
        let intDigits = intEnd - intStart
        if !hasExponent && fracStart == fracEnd && intDigits <= 15 {
            // Fast path: an integer below 10^15 is exact in Double.
            var integer: Int64 = 0
            for k in intStart..<intEnd { integer = integer * 10 + Int64(bytes[k] &- 0x30) }
            let magnitude = Double(integer)
            return negative ? -magnitude : magnitude
        }

        // Slow path: normalise to "digits.digits[e±digits]" and let the standard library do
        // correctly rounded conversion.
        scratch.removeAll(keepingCapacity: true)
        if intDigits == 0 {
            scratch.append(UInt8(ascii: "0"))
        } else {
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[intStart..<intEnd]))
        }
        if fracEnd > fracStart {
            scratch.append(UInt8(ascii: "."))
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[fracStart..<fracEnd]))
        }
        if hasExponent {
            scratch.append(UInt8(ascii: "e"))
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[expStart..<pos]))
        }
        guard let magnitude = Double(String(decoding: scratch, as: UTF8.self)) else {
            throw error("invalid number", at: start)
        }
        return negative ? -magnitude : magnitude
    }

    /// Parses the digits after `0x`: exact up to 2^64, then accumulated in `Double`.
    private mutating func parseHexDigits() throws(JSON5ParseError) -> Double {
        let digitsStart = pos
        var exact: UInt64 = 0
        var approximate: Double = 0
        var overflowed = false
        while pos < bytes.count, let h = Self.hexValue(bytes[pos]) {
            if overflowed {
                approximate = approximate * 16 + Double(h)
            } else {
                let (shifted, o1) = exact.multipliedReportingOverflow(by: 16)
                let (sum, o2) = shifted.addingReportingOverflow(UInt64(h))
                if o1 || o2 {
                    overflowed = true
                    approximate = Double(exact) * 16 + Double(h)
                } else {
                    exact = sum
                }
            }
            pos += 1
        }
        if pos == digitsStart { throw unexpected(at: pos) }
        if identifierPartFollows(at: pos) { throw unexpected(at: pos) }
        return overflowed ? approximate : Double(exact)
    }

    // MARK: Strings

    /// Parses a string delimited by `quote` (`"` or `'`), starting at the opening quote.
    private mutating func parseString(quote: UInt8) throws(JSON5ParseError) -> String {
        let open = pos
        pos += 1
        let start = pos
        // Fast path: no escapes.
        while pos < bytes.count {
            let b = bytes[pos]
            if b == quote {
                let string = String(
                    decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
                pos += 1
                return string
            }
            if b == UInt8(ascii: "\\") || b == 0x0A || b == 0x0D { break }
            pos += 1
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<pos]))
        while pos < bytes.count {
            let b = bytes[pos]
            if b == quote {
                pos += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if b == 0x0A || b == 0x0D {
                throw error("unescaped line break in string", at: pos)
            }
            if b != UInt8(ascii: "\\") {
                scratch.append(b)
                pos += 1
                continue
            }
            try parseEscape()
        }
        throw error("unterminated string", at: open)
    }

    /// Parses the escape sequence at `pos` (a backslash) inside a string, appending to
    /// `scratch`. At the end of the input it returns without consuming anything more, so
    /// the caller reports the unterminated string.
    private mutating func parseEscape() throws(JSON5ParseError) {
        let backslash = pos
        pos += 1
        guard pos < bytes.count else { return }
        let e = bytes[pos]
        switch e {
        case UInt8(ascii: "b"):
            scratch.append(0x08)
            pos += 1
        case UInt8(ascii: "f"):
            scratch.append(0x0C)
            pos += 1
        case UInt8(ascii: "n"):
            scratch.append(0x0A)
            pos += 1
        case UInt8(ascii: "r"):
            scratch.append(0x0D)
            pos += 1
        case UInt8(ascii: "t"):
            scratch.append(0x09)
            pos += 1
        case UInt8(ascii: "v"):
            scratch.append(0x0B)
            pos += 1
        case UInt8(ascii: "0"):
            if pos + 1 < bytes.count && Self.isDigit(bytes[pos + 1]) {
                throw error("octal escape sequences are not allowed", at: backslash)
            }
            scratch.append(0x00)
            pos += 1
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            throw error("octal escape sequences are not allowed", at: backslash)
        case UInt8(ascii: "x"):
            guard pos + 2 < bytes.count, let hi = Self.hexValue(bytes[pos + 1]),
                let lo = Self.hexValue(bytes[pos + 2])
            else {
                throw error("expected 2 hexadecimal digits after \\x", at: backslash)
            }
            appendUTF8(Unicode.Scalar(hi << 4 | lo))
            pos += 3
        case UInt8(ascii: "u"):
            guard let code = hex4(at: pos + 1) else {
                throw error("expected 4 hexadecimal digits after \\u", at: backslash)
            }
            pos += 5
            var scalarValue = code
            if (0xD800...0xDBFF).contains(code) {
                // A high surrogate must be followed by an escaped low surrogate.
                if byteMatches(pos, UInt8(ascii: "\\")), byteMatches(pos + 1, UInt8(ascii: "u")),
                    let low = hex4(at: pos + 2), (0xDC00...0xDFFF).contains(low)
                {
                    scalarValue = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    pos += 6
                } else {
                    scalarValue = 0xFFFD
                }
            } else if (0xDC00...0xDFFF).contains(code) {
                scalarValue = 0xFFFD
            }
            appendUTF8(Unicode.Scalar(scalarValue) ?? "\u{FFFD}")
        case 0x0A:
            pos += 1  // line continuation
        case 0x0D:
            pos += 1  // line continuation (CR or CRLF)
            if byteMatches(pos, 0x0A) { pos += 1 }
        default:
            let separator = lineOrParagraphSeparatorLength(at: pos)
            if separator > 0 {
                pos += separator  // line continuation (U+2028/U+2029)
                return
            }
            // Any other character escapes to itself: \' \" \\ \/ and e.g. \a -> a.
            let length = decodeScalar(at: pos).length
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[pos..<pos + length]))
            pos += length
        }
    }

    private mutating func appendUTF8(_ scalar: Unicode.Scalar) {
        let v = scalar.value
        switch v {
        case 0..<0x80:
            scratch.append(UInt8(v))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | v >> 6))
            scratch.append(UInt8(0x80 | v & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | v >> 12))
            scratch.append(UInt8(0x80 | v >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | v & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | v >> 18))
            scratch.append(UInt8(0x80 | v >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | v >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | v & 0x3F))
        }
    }

    /// Decodes the scalar starting at `i` (which must be in bounds).
    ///
    /// The buffer is valid UTF-8, but the decoder still never reads out of bounds: anything
    /// malformed decodes as U+FFFD of length 1.
    private func decodeScalar(at i: Int) -> (scalar: Unicode.Scalar, length: Int) {
        let b0 = bytes[i]
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        let length: Int
        var value: UInt32
        switch b0 {
        case 0xC0...0xDF:
            length = 2
            value = UInt32(b0 & 0x1F)
        case 0xE0...0xEF:
            length = 3
            value = UInt32(b0 & 0x0F)
        case 0xF0...0xF7:
            length = 4
            value = UInt32(b0 & 0x07)
        default: return ("\u{FFFD}", 1)
        }
        guard i + length <= bytes.count else { return ("\u{FFFD}", 1) }
        for k in i + 1..<i + length {
            let b = bytes[k]
            guard b & 0xC0 == 0x80 else { return ("\u{FFFD}", 1) }
            value = value << 6 | UInt32(b & 0x3F)
        }
        guard let scalar = Unicode.Scalar(value) else { return ("\u{FFFD}", 1) }
        return (scalar, length)
    }

    // MARK: Errors

    /// "unexpected end of input" at the end, otherwise "unexpected character …".
    private func unexpected(at offset: Int) -> JSON5ParseError {
        guard offset < bytes.count else { return error("unexpected end of input", at: offset) }
        return error("unexpected character \(describeCharacter(at: offset))", at: offset)
    }

    /// Quotes a visible character (`'}'`); names invisible or unusual ones (`U+0007`).
    private func describeCharacter(at offset: Int) -> String {
        let scalar = decodeScalar(at: offset).scalar
        if (0x21...0x7E).contains(scalar.value) { return "'\(Character(scalar))'" }
        var visible = scalar.value >= 0x80
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .spaceSeparator,
            .lineSeparator, .paragraphSeparator, .nonspacingMark, .enclosingMark:
            visible = false
        default:
            break
        }
        if visible { return "'\(Character(scalar))'" }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Builds an error at byte `offset`, computing its line and column.
    ///
    /// - Complexity: O(offset); only called once per parse.
    private func error(_ message: String, at offset: Int) -> JSON5ParseError {
        var line = 1
        var column = 1
        let end = min(offset, bytes.count)
        var i = 0
        while i < end {
            let b = bytes[i]
            if b == 0x0A {
                line += 1
                column = 1
            } else if b == 0x0D {
                if !byteMatches(i + 1, 0x0A) {  // CRLF counts once, at the LF
                    line += 1
                    column = 1
                }
            } else if b & 0xC0 != 0x80 {  // count scalars, not continuation bytes
                column += 1
            }
            i += 1
        }
        return JSON5ParseError(line: line, column: column, message: message)
    }
}
