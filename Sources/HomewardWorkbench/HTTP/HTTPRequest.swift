import Foundation

/// One HTTP/1.1 request as the parser read it: the method, the decoded path and query, the
/// header fields in order, and the body.
public struct HTTPRequest: Sendable, Equatable {
    /// The method, as sent (`GET`, `POST`...).
    public var method: String
    /// The request target as sent (`/jobs/abc?token=x`).
    public var target: String
    /// The target's path, percent-decoded (`/scenarios/baseline.json5`).
    public var path: String
    /// The target's query fields, percent-decoded, in order.
    public var query: [(name: String, value: String)]
    /// `HTTP/1.1` or `HTTP/1.0`.
    public var version: String
    /// The header fields in order, names as sent.
    public var headers: [(name: String, value: String)]
    /// The body (empty without `Content-Length`).
    public var body: [UInt8]

    /// A request; used by the parser and by tests.
    public init(
        method: String, target: String, version: String = "HTTP/1.1", headers: [(name: String, value: String)] = [],
        body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = FormCoding.decode(String(parts.first ?? ""), plusIsSpace: false) ?? ""
        query = parts.count > 1 ? FormCoding.fields(String(parts[1])) : []
    }

    /// The value of the first header field called `name` (case-insensitive), if any.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The first query field called `name`, if any.
    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }

    /// The cookies of the `Cookie` header fields, by name (the first of a repeated name).
    public var cookies: [String: String] {
        var out: [String: String] = [:]
        for field in headers where field.name.lowercased() == "cookie" {
            for pair in field.value.split(separator: ";") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                guard kv.count == 2 else { continue }
                let name = kv[0].trimmingCharacters(in: .whitespaces)
                if out[name] == nil { out[name] = kv[1].trimmingCharacters(in: .whitespaces) }
            }
        }
        return out
    }

    /// The body's fields when it is a form (`application/x-www-form-urlencoded`), in order;
    /// empty for any other body or one that is not UTF-8.
    public var form: [(name: String, value: String)] {
        guard let type = header("content-type"), type.lowercased().hasPrefix("application/x-www-form-urlencoded"),
            let text = String(validating: body, as: UTF8.self)
        else { return [] }
        return FormCoding.fields(text)
    }

    /// The first form field called `name`, if any.
    public func formValue(_ name: String) -> String? { form.first { $0.name == name }?.value }

    /// True when the client asked to close the connection after this request, or speaks
    /// HTTP/1.0 without asking to keep it.
    public var wantsClose: Bool {
        let connection = header("connection")?.lowercased() ?? ""
        return connection.contains("close") || (version == "HTTP/1.0" && !connection.contains("keep-alive"))
    }

    public static func == (a: HTTPRequest, b: HTTPRequest) -> Bool {
        a.method == b.method && a.target == b.target && a.version == b.version && a.body == b.body
            && a.headers.map { [$0.name, $0.value] } == b.headers.map { [$0.name, $0.value] }
    }
}

/// Percent-encoding as URLs and HTML forms use it.
public enum FormCoding {
    /// `text` with `%XX` escapes decoded (and `+` as a space when `plusIsSpace`); nil when an
    /// escape is malformed or the result is not UTF-8.
    public static func decode(_ text: String, plusIsSpace: Bool = true) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%") {
                guard iterator.count >= 2, let high = hex(iterator.removeFirst()), let low = hex(iterator.removeFirst())
                else { return nil }
                bytes.append(high << 4 | low)
            } else if byte == UInt8(ascii: "+") && plusIsSpace {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The fields of `a=1&b=2`, decoded; a field that does not decode is left out.
    public static func fields(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&").compactMap { pair in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(String(kv[0])), let value = decode(kv.count > 1 ? String(kv[1]) : "") else {
                return nil
            }
            return (name, value)
        }
    }

    /// `text` percent-encoded for a query value or a path segment (only unreserved characters
    /// are left as they are, RFC 3986 section 2.3).
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
