// JSONWriter.swift
//
// Deterministic JSON output for `JSONValue`: the same tree always gives the same bytes, so
// written scenarios and results can be diffed and hashed.

extension JSONValue {
    /// Deterministic JSON text for this value.
    ///
    /// - Object keys are written in stored order.
    /// - A whole number with magnitude below 2^53 is written without a fraction (`3`, `-12`);
    ///   `-0.0` is written as `-0` so that parsing it back keeps the sign. Any other finite
    ///   number uses Swift's shortest round-trip `description` (`0.1`, `1e-300`,
    ///   `1.7976931348623157e+308`), so parsing gives back the bit-identical `Double`.
    /// - NaN and ±infinity are written as `null` (JSON has no such numbers).
    /// - Strings are escaped as ``escapeJSONString(_:)`` does.
    /// - Compact output has no whitespace at all. Pretty output puts each array element and
    ///   object member on its own line, indented by `indent` per level, with `": "` after keys;
    ///   empty containers stay `[]` and `{}`; there is no trailing newline.
    ///
    /// - Parameters:
    ///   - pretty: Whether to break lines and indent.
    ///   - indent: The indentation for one level when `pretty` is true.
    /// - Complexity: O(n) in the size of the output. Recursion depth equals the nesting depth.
    public func jsonText(pretty: Bool = false, indent: String = "  ") -> String {
        var writer = JSONWriter(pretty: pretty, indent: Array(indent.utf8))
        writer.write(self, depth: 0)
        return String(decoding: writer.buffer, as: UTF8.self)
    }
}

/// Returns `s` as a JSON string literal, with the surrounding double quotes.
///
/// Escapes per RFC 8259: `"` and `\` with a backslash; backspace, form feed, line feed,
/// carriage return and tab as `\b \f \n \r \t`; other control characters below U+0020 as
/// `\u00XX` (lowercase hex). Everything else, including `/`, DEL and non-ASCII, is kept as is
/// (UTF-8).
/// - Complexity: O(n) in the UTF-8 length of `s`.
public func escapeJSONString(_ s: String) -> String {
    var buffer: [UInt8] = []
    buffer.reserveCapacity(s.utf8.count + 2)
    appendEscapedJSONString(s, to: &buffer)
    return String(decoding: buffer, as: UTF8.self)
}

/// Appends `s` as a quoted, escaped JSON string literal to `buffer`.
func appendEscapedJSONString(_ s: String, to buffer: inout [UInt8]) {
    buffer.append(UInt8(ascii: "\""))
    for b in s.utf8 {
        switch b {
        case UInt8(ascii: "\""):
            buffer.append(UInt8(ascii: "\\"))
            buffer.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"):
            buffer.append(UInt8(ascii: "\\"))
            buffer.append(UInt8(ascii: "\\"))
        case 0x08: appendEscape(UInt8(ascii: "b"), to: &buffer)
        case 0x0C: appendEscape(UInt8(ascii: "f"), to: &buffer)
        case 0x0A: appendEscape(UInt8(ascii: "n"), to: &buffer)
        case 0x0D: appendEscape(UInt8(ascii: "r"), to: &buffer)
        case 0x09: appendEscape(UInt8(ascii: "t"), to: &buffer)
        case 0x00..<0x20:
            let hexDigits: StaticString = "0123456789abcdef"
            buffer.append(contentsOf: "\\u00".utf8)
            buffer.append(hexDigits.utf8Start[Int(b >> 4)])
            buffer.append(hexDigits.utf8Start[Int(b & 0x0F)])
        default:
            buffer.append(b)
        }
    }
    buffer.append(UInt8(ascii: "\""))
}

@inline(__always)
private func appendEscape(_ letter: UInt8, to buffer: inout [UInt8]) {
    buffer.append(UInt8(ascii: "\\"))
    buffer.append(letter)
}

/// Writes a `JSONValue` into one growing UTF-8 buffer.
struct JSONWriter {
    var buffer: [UInt8] = []
    let pretty: Bool
    let indent: [UInt8]

    init(pretty: Bool, indent: [UInt8]) {
        self.pretty = pretty
        self.indent = indent
    }

    mutating func write(_ value: JSONValue, depth: Int) {
        switch value {
        case .null:
            buffer.append(contentsOf: "null".utf8)
        case .bool(let bool):
            buffer.append(contentsOf: (bool ? "true" : "false").utf8)
        case .number(let number):
            writeNumber(number)
        case .string(let string):
            appendEscapedJSONString(string, to: &buffer)
        case .array(let items):
            guard !items.isEmpty else {
                buffer.append(contentsOf: "[]".utf8)
                return
            }
            buffer.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                newline(depth: depth + 1)
                write(item, depth: depth + 1)
            }
            newline(depth: depth)
            buffer.append(UInt8(ascii: "]"))
        case .object(let object):
            guard !object.isEmpty else {
                buffer.append(contentsOf: "{}".utf8)
                return
            }
            buffer.append(UInt8(ascii: "{"))
            var first = true
            for (key, member) in object {
                if !first { buffer.append(UInt8(ascii: ",")) }
                first = false
                newline(depth: depth + 1)
                appendEscapedJSONString(key, to: &buffer)
                buffer.append(UInt8(ascii: ":"))
                if pretty { buffer.append(UInt8(ascii: " ")) }
                write(member, depth: depth + 1)
            }
            newline(depth: depth)
            buffer.append(UInt8(ascii: "}"))
        }
    }

    private mutating func newline(depth: Int) {
        guard pretty else { return }
        buffer.append(0x0A)
        for _ in 0..<depth { buffer.append(contentsOf: indent) }
    }

    private mutating func writeNumber(_ number: Double) {
        guard number.isFinite else {
            buffer.append(contentsOf: "null".utf8)
            return
        }
        guard number.rounded(.towardZero) == number, number.magnitude < 9_007_199_254_740_992 else {
            buffer.append(contentsOf: number.description.utf8)
            return
        }
        if number == 0 {
            buffer.append(contentsOf: (number.sign == .minus ? "-0" : "0").utf8)
            return
        }
        // Whole and below 2^53: exact in Int64.
        buffer.append(contentsOf: String(Int64(number)).utf8)
    }
}
