// JSONValueTests.swift
//
// Tests for the JSON5 parser, the order-preserving JSONObject and the deterministic writer.

import HomewardKit
import Testing

// MARK: - Helpers

/// A tiny deterministic generator (64-bit LCG, Knuth's MMIX constants) for reproducible trees.
private struct LCG {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        // Mix the high bits down; the low bits of an LCG are weak.
        return state ^ (state >> 29)
    }

    /// A value in `0..<bound` (bound > 0).
    mutating func below(_ bound: Int) -> Int {
        Int((next() >> 33) % UInt64(bound))
    }
}

/// Equality that also requires numbers to have identical bit patterns (so -0.0 ≠ 0.0).
private func bitIdentical(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.number(let x), .number(let y)): return x.bitPattern == y.bitPattern
    case (.string(let x), .string(let y)): return x == y
    case (.array(let x), .array(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { bitIdentical($0, $1) }
    case (.object(let x), .object(let y)):
        return x.keys == y.keys && zip(x, y).allSatisfy { bitIdentical($0.value, $1.value) }
    default: return false
    }
}

private func parse(_ text: String) throws(JSON5ParseError) -> JSONValue {
    try JSON5.parse(text)
}

/// The parse error's description, or nil if parsing succeeded.
private func parseErrorText(_ text: String) -> String? {
    do {
        _ = try JSON5.parse(text)
        return nil
    } catch {
        return error.description
    }
}

/// Builds a random tree from a seeded LCG: nested arrays and objects of awkward strings and
/// numbers (random bit patterns plus hand-picked edge cases, all finite).
private func randomValue(_ random: inout LCG, depth: Int) -> JSONValue {
    let specialNumbers: [Double] = [
        0, -0.0, 1, -1, 0.1, 0.2, 1e-300, -1e-300, 123_456_789.123, .leastNonzeroMagnitude,
        2.2250738585072014e-308,
        .greatestFiniteMagnitude, 9_007_199_254_740_991, 9_007_199_254_740_992, 9_007_199_254_740_994,
        -9_007_199_254_740_994, 1e21, 1e22, 1.2345678901234568e23, 0.5, 1.0 / 3,
    ]
    let pieces = [
        "", "a", "Z9", " ", "\"", "\\", "/", "\n", "\r\n", "\t", "\0", "\u{1}", "\u{1F}", "\u{7F}",
        "é", "中文", "😀", "\u{2028}", "\u{FEFF}", "'", "{", "]", "//", "/*", "\\u0041",
    ]
    func randomString(_ random: inout LCG) -> String {
        (0..<random.below(5)).map { _ in pieces[random.below(pieces.count)] }.joined()
    }
    let kind = depth >= 5 ? random.below(4) : random.below(6)
    switch kind {
    case 0: return random.below(4) == 0 ? .null : .bool(random.below(2) == 0)
    case 1:
        switch random.below(4) {
        case 0: return .number(specialNumbers[random.below(specialNumbers.count)])
        case 1: return .number(Double(Int64(bitPattern: random.next()) >> random.below(64)))
        default:
            var number = Double(bitPattern: random.next())
            while !number.isFinite { number = Double(bitPattern: random.next()) }
            return .number(number)
        }
    case 2, 3: return .string(randomString(&random))
    case 4: return .array((0..<random.below(5)).map { _ in randomValue(&random, depth: depth + 1) })
    default:
        let pairs = (0..<random.below(5)).map { _ in
            (randomString(&random), randomValue(&random, depth: depth + 1))
        }
        return .object(JSONObject(pairs))
    }
}

@Suite struct JSONValueTests {
    // MARK: - JSON5 features

    struct ParseCase: Sendable, CustomTestStringConvertible {
        let name: String
        let input: String
        let expected: JSONValue
        var testDescription: String { name }
    }

    static let parseCases: [ParseCase] = [
        // Plain JSON.
        ParseCase(
            name: "plain JSON", input: #"{"a": [1, 2.5, "x", true, false, null], "b": {}}"#,
            expected: ["a": [1, 2.5, "x", true, false, .null], "b": .object(JSONObject())]),
        ParseCase(name: "top-level true", input: "true", expected: true),
        ParseCase(name: "top-level null", input: " null ", expected: .null),
        ParseCase(
            name: "empty containers", input: "{a: [], b: {}, c: [[]]}", expected: ["a": [], "b": [:], "c": [[]]]),
        // Comments.
        ParseCase(name: "line comments", input: "// head\n[1, // one\n 2]", expected: [1, 2]),
        ParseCase(name: "line comment at end of input", input: "1 // trailing", expected: 1),
        ParseCase(name: "block comments", input: "/* a */ [1, /* b\n c */ 2] /* end */", expected: [1, 2]),
        ParseCase(name: "block comment with stars", input: "/** a * b **/3", expected: 3),
        ParseCase(name: "comment between key and colon", input: "{a /* k */ : /* v */ 1}", expected: ["a": 1]),
        // Trailing commas.
        ParseCase(name: "trailing comma in array", input: "[1, 2,]", expected: [1, 2]),
        ParseCase(name: "trailing comma in object", input: "{a: 1, b: 2,}", expected: ["a": 1, "b": 2]),
        ParseCase(name: "trailing comma before comment", input: "[1, /* c */ ]", expected: [1]),
        // Keys.
        ParseCase(
            name: "identifier keys", input: "{a: 1, _b: 2, $c: 3, d4: 4, $: 5, _: 6}",
            expected: ["a": 1, "_b": 2, "$c": 3, "d4": 4, "$": 5, "_": 6]),
        ParseCase(
            name: "non-ASCII identifier keys", input: "{café: 1, ünï_cödé9: 2, 名前: 3}",
            expected: ["café": 1, "ünï_cödé9": 2, "名前": 3]),
        ParseCase(name: "escaped identifier key", input: #"{\u0061b\u0063: 1}"#, expected: ["abc": 1]),
        ParseCase(
            name: "identifier keys that are reserved words", input: "{true: 1, null: 2, NaN: 3}",
            expected: ["true": 1, "null": 2, "NaN": 3]),
        ParseCase(name: "single-quoted key", input: "{'a b': 1}", expected: ["a b": 1]),
        // Strings.
        ParseCase(name: "single-quoted string", input: #"'it\'s "fine"'"#, expected: #"it's "fine""#),
        ParseCase(name: "apostrophe in double-quoted string", input: #""it's""#, expected: "it's"),
        ParseCase(
            name: "single-character escapes", input: #""\n\t\r\b\f\v\0\'\"\\\/""#,
            expected: "\n\t\r\u{8}\u{C}\u{B}\0'\"\\/"),
        ParseCase(name: "unicode escapes", input: #""\u00e9\u4E2D\u0041""#, expected: "é中A"),
        ParseCase(name: "surrogate pair", input: #""\uD83D\uDE00""#, expected: "😀"),
        ParseCase(name: "lone high surrogate becomes U+FFFD", input: #""\uD800x""#, expected: "\u{FFFD}x"),
        ParseCase(name: "lone low surrogate becomes U+FFFD", input: #""\uDC00""#, expected: "\u{FFFD}"),
        ParseCase(name: "two high surrogates", input: #""\uD800\uD800""#, expected: "\u{FFFD}\u{FFFD}"),
        ParseCase(name: "high surrogate then non-surrogate escape", input: #""\uD800\u0041""#, expected: "\u{FFFD}A"),
        ParseCase(name: "hex escape", input: #""\x41\x7e""#, expected: "A~"),
        ParseCase(name: "non-escape characters stand for themselves", input: #""\a\q\é""#, expected: "aqé"),
        ParseCase(name: "line continuation LF", input: "\"ab\\\ncd\"", expected: "abcd"),
        ParseCase(name: "line continuation CRLF", input: "\"ab\\\r\ncd\"", expected: "abcd"),
        ParseCase(name: "line continuation CR", input: "\"ab\\\rcd\"", expected: "abcd"),
        ParseCase(name: "line continuation U+2028", input: "\"ab\\\u{2028}cd\"", expected: "abcd"),
        ParseCase(name: "raw U+2028 and tab in string", input: "\"a\u{2028}b\tc\"", expected: "a\u{2028}b\tc"),
        ParseCase(name: "non-ASCII text", input: "'ñ 中文 😀'", expected: "ñ 中文 😀"),
        // Numbers.
        ParseCase(name: "leading decimal point", input: ".5", expected: 0.5),
        ParseCase(name: "trailing decimal point", input: "5.", expected: 5),
        ParseCase(name: "trailing point and exponent", input: "5.e2", expected: 500),
        ParseCase(name: "explicit plus", input: "+1", expected: 1),
        ParseCase(name: "negative leading point", input: "-.5e1", expected: -5),
        ParseCase(name: "hexadecimal", input: "0x1F", expected: 31),
        ParseCase(name: "hexadecimal upper X, lower digits", input: "0X1f", expected: 31),
        ParseCase(name: "negative hexadecimal", input: "-0x10", expected: -16),
        ParseCase(name: "positive hexadecimal", input: "+0xff", expected: 255),
        ParseCase(name: "64-bit hexadecimal", input: "0xFFFFFFFFFFFFFFFF", expected: .number(0x1p64)),
        ParseCase(name: "hexadecimal above 2^64", input: "0x100000000000000000", expected: .number(0x1p68)),
        ParseCase(name: "Infinity", input: "Infinity", expected: .number(.infinity)),
        ParseCase(name: "-Infinity", input: "-Infinity", expected: .number(-.infinity)),
        ParseCase(name: "+Infinity", input: "+Infinity", expected: .number(.infinity)),
        ParseCase(name: "exponent", input: "[1e3, 1E-3, 2.5e+2, -4e0]", expected: [1000, 0.001, 250, -4]),
        ParseCase(name: "zero forms", input: "[0, 0.0, 0e5, 0.]", expected: [0, 0, 0, 0]),
        ParseCase(
            name: "integer beyond 2^53", input: "123456789012345678901234567890",
            expected: .number(1.2345678901234568e29)),
        ParseCase(name: "fifteen-digit integer", input: "999999999999999", expected: .number(999_999_999_999_999)),
        ParseCase(name: "sixteen-digit integer", input: "9007199254740993", expected: .number(9_007_199_254_740_992)),
        ParseCase(name: "overflowing exponent is infinity", input: "1e400", expected: .number(.infinity)),
        ParseCase(name: "underflowing exponent is zero", input: "1e-400", expected: 0),
        ParseCase(
            name: "smallest subnormal", input: "4.9406564584124654e-324",
            expected: .number(.leastNonzeroMagnitude)),
        // Whitespace.
        ParseCase(
            name: "Unicode whitespace",
            input: "\u{FEFF}\u{00A0}[\u{2028}1\u{2029},\u{3000}2\u{000B}\u{000C}"
                + "\u{1680}\u{2000}\u{200A}\u{202F}\u{205F}]\u{2003}",
            expected: [1, 2]),
        ParseCase(name: "CRLF line breaks", input: "{\r\n  a: 1,\r\n  b: 2\r\n}\r\n", expected: ["a": 1, "b": 2]),
    ]

    @Test("JSON5 feature", arguments: JSONValueTests.parseCases)
    func parsesJSON5Feature(_ c: ParseCase) throws {
        let value = try parse(c.input)
        #expect(value == c.expected)
    }

    @Test func nanParsesToNaN() throws {
        for text in ["NaN", "-NaN", "+NaN"] {
            let value = try parse(text)
            #expect(value.numberValue?.isNaN == true, "\(text)")
        }
    }

    @Test func negativeZeroKeepsItsSign() throws {
        for text in ["-0", "-0.0", "-0x0", "-0e3"] {
            let number = try #require(try parse(text).numberValue)
            #expect(number == 0 && number.sign == .minus, "\(text)")
        }
        #expect(try parse("0").numberValue?.sign == .plus)
    }

    // MARK: - Errors

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let input: String
        let expected: String
        var testDescription: String { String(reflecting: input) }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(input: "", expected: "line 1, column 1: unexpected end of input"),
        ErrorCase(input: "   ", expected: "line 1, column 4: unexpected end of input"),
        ErrorCase(input: "[", expected: "line 1, column 2: unexpected end of input"),
        ErrorCase(input: "{a", expected: "line 1, column 3: unexpected end of input"),
        ErrorCase(input: #"{"a":1"#, expected: "line 1, column 7: unexpected end of input"),
        ErrorCase(input: #"{"a": }"#, expected: "line 1, column 7: unexpected character '}'"),
        ErrorCase(input: #"{"a" 1}"#, expected: "line 1, column 6: expected ':' after object key"),
        ErrorCase(input: "[1 2]", expected: "line 1, column 4: expected ',' or ']' after array element"),
        ErrorCase(input: "{a: 1 b: 2}", expected: "line 1, column 7: expected ',' or '}' after object member"),
        ErrorCase(input: "{a\u{00A0}b: 1}", expected: "line 1, column 4: expected ':' after object key"),
        ErrorCase(input: "[1, 2] x", expected: "line 1, column 8: trailing characters after the top-level value"),
        ErrorCase(input: "[1]]", expected: "line 1, column 4: trailing characters after the top-level value"),
        ErrorCase(input: "{'a':1}}", expected: "line 1, column 8: trailing characters after the top-level value"),
        ErrorCase(input: "[,]", expected: "line 1, column 2: unexpected character ','"),
        ErrorCase(input: "[1,,]", expected: "line 1, column 4: unexpected character ','"),
        ErrorCase(input: "{,}", expected: "line 1, column 2: unexpected character ','"),
        ErrorCase(input: "{1: 2}", expected: "line 1, column 2: unexpected character '1'"),
        ErrorCase(input: #"{\u0031: 1}"#, expected: "line 1, column 2: invalid escape sequence in identifier"),
        // Strings.
        ErrorCase(input: #""abc"#, expected: "line 1, column 1: unterminated string"),
        ErrorCase(input: "[1, 'abc", expected: "line 1, column 5: unterminated string"),
        ErrorCase(input: "\"a\\", expected: "line 1, column 1: unterminated string"),
        ErrorCase(input: "[\n  'abc\n]", expected: "line 2, column 7: unescaped line break in string"),
        ErrorCase(input: #""\x4""#, expected: #"line 1, column 2: expected 2 hexadecimal digits after \x"#),
        ErrorCase(input: #""ab\u12G4""#, expected: #"line 1, column 4: expected 4 hexadecimal digits after \u"#),
        ErrorCase(input: #""\1""#, expected: "line 1, column 2: octal escape sequences are not allowed"),
        ErrorCase(input: #"'\01'"#, expected: "line 1, column 2: octal escape sequences are not allowed"),
        // Numbers.
        ErrorCase(input: "01", expected: "line 1, column 2: leading zeros are not allowed"),
        ErrorCase(input: "[1,\n 2,\n 00]", expected: "line 3, column 3: leading zeros are not allowed"),
        ErrorCase(input: "-007", expected: "line 1, column 3: leading zeros are not allowed"),
        ErrorCase(input: "1a", expected: "line 1, column 2: unexpected character 'a'"),
        ErrorCase(input: "0x", expected: "line 1, column 3: unexpected end of input"),
        ErrorCase(input: "0xG", expected: "line 1, column 3: unexpected character 'G'"),
        ErrorCase(input: "0x1g", expected: "line 1, column 4: unexpected character 'g'"),
        ErrorCase(input: "1e", expected: "line 1, column 3: unexpected end of input"),
        ErrorCase(input: "[1e+]", expected: "line 1, column 5: unexpected character ']'"),
        ErrorCase(input: ".", expected: "line 1, column 2: unexpected end of input"),
        ErrorCase(input: "-", expected: "line 1, column 2: unexpected end of input"),
        ErrorCase(input: "--1", expected: "line 1, column 2: unexpected character '-'"),
        ErrorCase(input: "1.5.5", expected: "line 1, column 4: trailing characters after the top-level value"),
        ErrorCase(input: "-Infinityy", expected: "line 1, column 10: unexpected character 'y'"),
        ErrorCase(input: "NaNx", expected: "line 1, column 4: unexpected character 'x'"),
        ErrorCase(input: "infinity", expected: "line 1, column 1: unexpected character 'i'"),
        // Literals.
        ErrorCase(input: "tru", expected: "line 1, column 4: unexpected end of input"),
        ErrorCase(input: "trux", expected: "line 1, column 4: unexpected character 'x'"),
        ErrorCase(input: "truex", expected: "line 1, column 5: unexpected character 'x'"),
        ErrorCase(input: "[nul]", expected: "line 1, column 5: unexpected character ']'"),
        ErrorCase(input: "undefined", expected: "line 1, column 1: unexpected character 'u'"),
        // Comments.
        ErrorCase(input: "/* open", expected: "line 1, column 1: unterminated comment"),
        ErrorCase(input: "[1,\n/* x\n", expected: "line 2, column 1: unterminated comment"),
        ErrorCase(input: "[1, /", expected: "line 1, column 5: unexpected character '/'"),
        ErrorCase(input: "/", expected: "line 1, column 1: unexpected character '/'"),
        // Positions: columns count Unicode scalars; CR, LF and CRLF each end a line.
        ErrorCase(input: "[\"é\", ü]", expected: "line 1, column 7: unexpected character 'ü'"),
        ErrorCase(input: "[1,\r\n2,\r\nx]", expected: "line 3, column 1: unexpected character 'x'"),
        ErrorCase(input: "[1,\r2,\rx]", expected: "line 3, column 1: unexpected character 'x'"),
        ErrorCase(input: "\t\t@", expected: "line 1, column 3: unexpected character '@'"),
        ErrorCase(input: "[\u{7}]", expected: "line 1, column 2: unexpected character U+0007"),
        ErrorCase(input: "[\u{200B}]", expected: "line 1, column 2: unexpected character U+200B"),
        ErrorCase(
            input: "{\n  \"beds\": 12,\n  \"wards\": [1, 2,, 3]\n}",
            expected: "line 3, column 18: unexpected character ','"),
    ]

    @Test("malformed input is reported with position and message", arguments: JSONValueTests.errorCases)
    func reportsParseError(_ c: ErrorCase) {
        #expect(parseErrorText(c.input) == c.expected)
    }

    @Test func parseErrorFieldsMatchDescription() {
        #expect(throws: JSON5ParseError(line: 2, column: 6, message: "unexpected character '}'")) {
            try JSON5.parse("{\n  a: }")
        }
    }

    // MARK: - Objects

    @Test func keyOrderIsPreserved() throws {
        let value = try parse("{z: 1, a: 2, m: 3, b: {y: 1, x: 2}}")
        let object = try #require(value.objectValue)
        #expect(object.keys == ["z", "a", "m", "b"])
        #expect(object.map(\.key) == ["z", "a", "m", "b"])
        #expect(object["b"]?.objectValue?.keys == ["y", "x"])
        #expect(value.jsonText() == #"{"z":1,"a":2,"m":3,"b":{"y":1,"x":2}}"#)
    }

    @Test func objectEqualityIsOrderSensitive() {
        let ab = JSONObject([("a", 1), ("b", 2)])
        let ba = JSONObject([("b", 2), ("a", 1)])
        #expect(ab != ba)
        #expect(ab == JSONObject([("a", 1), ("b", 2)]))
    }

    @Test func duplicateKeysAreRecorded() throws {
        let value = try parse("{a: 1, b: 2, a: 3, 'a': 4, inner: {x: 1, x: 2}}")
        let object = try #require(value.objectValue)
        #expect(object.keys == ["a", "b", "inner"])
        #expect(object["a"] == 4)
        #expect(object.duplicateKeys == ["a", "a"])
        #expect(object["inner"]?.objectValue?.duplicateKeys == ["x"])
        #expect(object["inner"]?.objectValue?["x"] == 2)
        // Duplicates are a note about the source, not part of the value.
        #expect(object == JSONObject([("a", 4), ("b", 2), ("inner", ["x": 2])]))
    }

    @Test func initFromPairsRecordsDuplicates() {
        let object = JSONObject([("k", 1), ("j", 2), ("k", 3)])
        #expect(object.keys == ["k", "j"])
        #expect(object["k"] == 3)
        #expect(object.duplicateKeys == ["k"])
        #expect(object.count == 2)
    }

    @Test func subscriptSetsReplacesAndRemoves() {
        var object = JSONObject()
        #expect(object.isEmpty)
        object["b"] = 1
        object["a"] = 2
        object["b"] = 3  // replace keeps position, is not a duplicate
        #expect(object.keys == ["b", "a"])
        #expect(object["b"] == 3)
        #expect(object.duplicateKeys.isEmpty)
        object["b"] = nil
        object["missing"] = nil
        #expect(object.keys == ["a"])
        #expect(object.count == 1)
        #expect(object["b"] == nil)
        object["b"] = .null
        #expect(object.keys == ["a", "b"])
        #expect(object.values == [2, .null])
    }

    @Test func accessorsReturnPayloadOnlyForMatchingCase() {
        let object: JSONValue = ["k": "v"]
        #expect(object.objectValue?["k"] == "v")
        #expect(object.arrayValue == nil)
        #expect(JSONValue.array([1]).arrayValue == [1])
        #expect(JSONValue.string("s").stringValue == "s")
        #expect(JSONValue.string("s").numberValue == nil)
        #expect(JSONValue.number(2).numberValue == 2)
        #expect(JSONValue.bool(false).boolValue == false)
        #expect(JSONValue.null.isNull)
        #expect(!JSONValue.bool(false).isNull)
        #expect(JSONValue.null.boolValue == nil)
    }

    // MARK: - Nesting

    @Test func nestingUpTo512LevelsIsAccepted() throws {
        var value = try parse(String(repeating: "[", count: 512) + String(repeating: "]", count: 512))
        var depth = 1
        while case .array(let items) = value, let first = items.first {
            value = first
            depth += 1
        }
        #expect(depth == 512)
        _ = try parse(String(repeating: "{a:", count: 512) + "1" + String(repeating: "}", count: 512))
    }

    @Test func nestingDeeperThan512LevelsIsAnError() {
        #expect(
            parseErrorText(String(repeating: "[", count: 513) + String(repeating: "]", count: 513))
                == "line 1, column 513: nesting deeper than 512 levels")
        #expect(
            parseErrorText(String(repeating: "{a:", count: 600))
                == "line 1, column 1537: nesting deeper than 512 levels")
        #expect(
            parseErrorText(String(repeating: "[{x:", count: 300))
                == "line 1, column 1025: nesting deeper than 512 levels")
        // Far deeper input fails the same way, without exhausting the stack.
        #expect(
            parseErrorText(String(repeating: "[", count: 1_000_000))
                == "line 1, column 513: nesting deeper than 512 levels")
    }

    // MARK: - Robustness

    @Test func invalidUTF8IsRepairedBeforeParsing() throws {
        let text = String(decoding: [0x5B, 0x22, 0x61, 0xFF, 0xC3, 0x22, 0x5D] as [UInt8], as: UTF8.self)
        #expect(try parse(text) == ["a\u{FFFD}\u{FFFD}"])
        let bare = String(decoding: [0xFF, 0xFE] as [UInt8], as: UTF8.self)
        #expect(parseErrorText(bare) == "line 1, column 1: unexpected character '\u{FFFD}'")
    }

    @Test func neverCrashesOnMutatedOrRandomInput() {
        let seed = Array(
            """
            // scenario
            {name: 'ward \\u00e9', beds: [1, -2.5e3, .5, 0x1F, +Infinity, NaN,], "q": "a\\
            b", nested: {x: [true, false, null], /* c */ y: {}}, 名: '😀'}
            """.utf8)
        let alphabet: [UInt8] =
            Array("{}[],:'\"\\/*\n\r\t 0123456789.eExX+-abcnulltrueINa$_".utf8)
            + [0x00, 0x7F, 0xC3, 0xA9, 0xE2, 0x80, 0xA8, 0xF0, 0x9F, 0x98, 0x80, 0xFF]
        var random = LCG(seed: 42)
        var succeeded = 0
        for _ in 0..<3000 {
            var bytes = seed
            for _ in 0..<(1 + random.below(4)) {
                let index = random.below(bytes.count + 1)
                switch random.below(3) {
                case 0 where index < bytes.count: bytes.remove(at: index)
                case 1 where index < bytes.count: bytes[index] = alphabet[random.below(alphabet.count)]
                default: bytes.insert(alphabet[random.below(alphabet.count)], at: index)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                let value = try JSON5.parse(text)
                succeeded += 1
                // Whatever parsed must write out as text that parses again.
                _ = try JSON5.parse(value.jsonText(pretty: random.below(2) == 0))
            } catch {
                #expect(error.line >= 1 && error.column >= 1 && !error.message.isEmpty)
            }
        }
        #expect(succeeded > 0)
        for _ in 0..<2000 {
            let bytes = (0..<random.below(40)).map { _ in alphabet[random.below(alphabet.count)] }
            _ = try? JSON5.parse(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func parsesLargeDocument() throws {
        var text = "["
        for i in 0..<20_000 {
            text += "{id: \(i), rate: \(Double(i) / 7), name: 'patient \(i)', flags: [true, null]},\n"
        }
        text += "]"
        let items = try #require(try parse(text).arrayValue)
        #expect(items.count == 20_000)
        #expect(items[19_999].objectValue?["rate"]?.numberValue == 19_999.0 / 7)
        #expect(items[123].objectValue?["name"] == "patient 123")
    }

    // MARK: - Writing

    struct NumberCase: Sendable, CustomTestStringConvertible {
        let value: Double
        let text: String
        var testDescription: String { text }
    }

    static let numberCases: [NumberCase] = [
        NumberCase(value: 3, text: "3"),
        NumberCase(value: -12, text: "-12"),
        NumberCase(value: 0, text: "0"),
        NumberCase(value: -0.0, text: "-0"),  // sign kept so that it round-trips
        NumberCase(value: 0.1, text: "0.1"),
        NumberCase(value: 2.5, text: "2.5"),
        NumberCase(value: 1e-300, text: "1e-300"),
        NumberCase(value: -1.5e-7, text: "-1.5e-07"),
        NumberCase(value: 123_456_789.123, text: "123456789.123"),
        NumberCase(value: 1e15, text: "1000000000000000"),
        NumberCase(value: 9_007_199_254_740_991, text: "9007199254740991"),
        NumberCase(value: -9_007_199_254_740_991, text: "-9007199254740991"),
        NumberCase(value: 9_007_199_254_740_992, text: "9007199254740992.0"),
        NumberCase(value: 1e21, text: "1e+21"),
        NumberCase(value: .leastNonzeroMagnitude, text: "5e-324"),
        NumberCase(value: .greatestFiniteMagnitude, text: "1.7976931348623157e+308"),
        NumberCase(value: -.greatestFiniteMagnitude, text: "-1.7976931348623157e+308"),
        NumberCase(value: .nan, text: "null"),
        NumberCase(value: .infinity, text: "null"),
        NumberCase(value: -.infinity, text: "null"),
    ]

    @Test("number text", arguments: JSONValueTests.numberCases)
    func writesNumber(_ c: NumberCase) throws {
        let text = JSONValue.number(c.value).jsonText()
        #expect(text == c.text)
        if c.value.isFinite {
            let back = try #require(try parse(text).numberValue)
            #expect(back.bitPattern == c.value.bitPattern)
        }
    }

    @Test func nonFiniteNumbersAreWrittenAsNull() {
        let value: JSONValue = [.number(.nan), .number(.infinity), ["x": .number(-.infinity)]]
        #expect(value.jsonText() == #"[null,null,{"x":null}]"#)
    }

    struct EscapeCase: Sendable, CustomTestStringConvertible {
        let input: String
        let output: String
        var testDescription: String { output }
    }

    static let escapeCases: [EscapeCase] = [
        EscapeCase(input: "", output: #""""#),
        EscapeCase(input: "plain", output: #""plain""#),
        EscapeCase(input: "say \"hi\"", output: #""say \"hi\"""#),
        EscapeCase(input: #"back\slash"#, output: #""back\\slash""#),
        EscapeCase(input: "a/b", output: #""a/b""#),
        EscapeCase(input: "\n\t\r\u{8}\u{C}", output: #""\n\t\r\b\f""#),
        EscapeCase(input: "\0\u{1}\u{1F}\u{B}", output: #""\u0000\u0001\u001f\u000b""#),
        EscapeCase(input: "\u{7F}é中😀\u{2028}", output: "\"\u{7F}é中😀\u{2028}\""),
    ]

    @Test("string escaping", arguments: JSONValueTests.escapeCases)
    func escapesString(_ c: EscapeCase) throws {
        #expect(escapeJSONString(c.input) == c.output)
        #expect(JSONValue.string(c.input).jsonText() == c.output)
        #expect(try parse(c.output) == .string(c.input))
    }

    @Test func compactOutputHasNoWhitespace() {
        let value: JSONValue = ["a": [1, "two", .null], "b": [:], "c": [], "d": ["e": false]]
        #expect(value.jsonText() == #"{"a":[1,"two",null],"b":{},"c":[],"d":{"e":false}}"#)
    }

    @Test func prettyOutputShape() {
        let value: JSONValue = [
            "name": "ward",
            "beds": [1, 2],
            "empty": [],
            "nested": ["x": .null, "o": [:]],
            "ok": true,
        ]
        #expect(
            value.jsonText(pretty: true) == """
                {
                  "name": "ward",
                  "beds": [
                    1,
                    2
                  ],
                  "empty": [],
                  "nested": {
                    "x": null,
                    "o": {}
                  },
                  "ok": true
                }
                """)
        #expect(JSONValue.array([1, [2]]).jsonText(pretty: true, indent: "\t") == "[\n\t1,\n\t[\n\t\t2\n\t]\n]")
        #expect(JSONValue.number(7).jsonText(pretty: true) == "7")
    }

    // MARK: - Round trip

    @Test("parse(jsonText(v)) == v for random trees", arguments: [1, 2, 3, 2024] as [UInt64])
    func randomTreesRoundTrip(seed: UInt64) throws {
        var random = LCG(seed: seed)
        for _ in 0..<150 {
            let value = randomValue(&random, depth: 0)
            let compact = value.jsonText()
            let pretty = value.jsonText(pretty: true)
            let fromCompact = try parse(compact)
            let fromPretty = try parse(pretty)
            #expect(fromCompact == value)
            #expect(bitIdentical(fromCompact, value), "\(compact)")
            #expect(bitIdentical(fromPretty, value))
            #expect(fromCompact.jsonText() == compact)  // writing is deterministic
        }
    }
}
