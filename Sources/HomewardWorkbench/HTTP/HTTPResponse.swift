import Foundation

/// One HTTP response: a status, header fields and a body held in memory or read from a file
/// as it is sent.
public struct HTTPResponse: Sendable {
    /// Where the body comes from.
    public enum Body: Sendable, Equatable {
        /// These bytes.
        case bytes([UInt8])
        /// The file at this path, sent in pieces (for event logs and workbooks of any size).
        case file(String)
    }

    /// The status code (200, 303, 403...).
    public var status: Int
    /// Header fields besides those every response gets (see `serialisedHead`).
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: Body

    /// A response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// An HTML page.
    public static func html(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: .bytes(Array(text.utf8)))
    }

    /// A plain-text message (for refusals before any page can be shown).
    public static func text(_ text: String, status: Int) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: [("Content-Type", "text/plain; charset=utf-8")],
            body: .bytes(Array((text + "\n").utf8)))
    }

    /// A JSON document.
    public static func json(_ text: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: .bytes(Array(text.utf8)))
    }

    /// 303 See Other to `location` (after a form is posted, or to drop the token from the URL).
    public static func redirect(_ location: String, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: 303, headers: [("Location", location)] + headers)
    }

    /// A file to download, named `filename` in the browser's save dialogue.
    public static func download(_ path: String, filename: String, type: String) -> HTTPResponse {
        let safe = String(filename.unicodeScalars.filter { $0.isASCII && $0.value >= 32 && $0 != "\"" && $0 != "\\" })
        return HTTPResponse(
            status: 200,
            headers: [("Content-Type", type), ("Content-Disposition", "attachment; filename=\"\(safe)\"")],
            body: .file(path))
    }

    /// The reason phrase of a status.
    public static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 303: "See Other"
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 421: "Misdirected Request"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status"
        }
    }

    /// The status line and headers, ending with the blank line, for a body of `length` bytes.
    /// Every response says its length, forbids caching (pages carry the session's CSRF field),
    /// sniffing and framing, and sends a referrer only to the workbench itself (the first URL
    /// holds the access token; `no-referrer` would make browsers send `Origin: null` with the
    /// workbench's own forms, which the CSRF check refuses).
    public func serialisedHead(length: Int, close: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        var fields = headers
        if !fields.contains(where: { $0.name.lowercased() == "content-security-policy" }) {
            fields.append(("Content-Security-Policy", Self.policy))
        }
        fields += [
            ("Content-Length", String(length)), ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"), ("Referrer-Policy", "same-origin"),
            ("Connection", close ? "close" : "keep-alive"),
        ]
        for (name, value) in fields { text += "\(name): \(value)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    /// The content security policy of the workbench's own pages: its own styles and scripts
    /// only, nothing from the network, no framing, forms posted only to itself.
    public static let policy =
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
}
