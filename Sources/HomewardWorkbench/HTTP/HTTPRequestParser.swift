import Foundation

/// Why a request was refused before it reached the workbench: each case is the status the
/// client is answered with, and a short reason for the page.
public enum HTTPParseError: Error, Equatable, Sendable {
    /// 400: the request line or a header field is malformed, or the body is shorter than
    /// `Content-Length` when the connection ends.
    case badRequest(String)
    /// 413: `Content-Length` is over `HTTPLimits.bodyBytes`.
    case bodyTooLarge
    /// 431: the request line and headers are over `HTTPLimits.headerBytes`, or there are more
    /// than `HTTPLimits.headerCount` fields.
    case headersTooLarge
    /// 501: a `Transfer-Encoding` body (chunked uploads are not accepted; send `Content-Length`).
    case transferEncoding
    /// 505: a version other than HTTP/1.0 or HTTP/1.1.
    case version

    /// The response status.
    public var status: Int {
        switch self {
        case .badRequest: 400
        case .bodyTooLarge: 413
        case .headersTooLarge: 431
        case .transferEncoding: 501
        case .version: 505
        }
    }

    /// What the client is told.
    public var reason: String {
        switch self {
        case .badRequest(let why): "bad request: \(why)"
        case .bodyTooLarge: "the request body is too large"
        case .headersTooLarge: "the request headers are too large"
        case .transferEncoding: "Transfer-Encoding is not supported; send Content-Length"
        case .version: "only HTTP/1.0 and HTTP/1.1 are supported"
        }
    }
}

/// Reads HTTP/1.1 requests (RFC 9112) from the bytes a connection has received so far. A pure
/// function of those bytes and the limits: no I/O, so every case is tested without a socket.
///
/// Accepted: a request line `METHOD /origin-form HTTP/1.x`, header fields `name: value` with
/// token names and visible ASCII values, a body of `Content-Length` bytes. Refused with an
/// `HTTPParseError`: anything else, and anything over `HTTPLimits`.
public enum HTTPRequestParser {
    /// The outcome of looking at the bytes received so far.
    public enum Outcome: Equatable, Sendable {
        /// A whole request, and how many bytes it took (the rest is the next, pipelined request).
        case request(HTTPRequest, consumed: Int)
        /// Not a whole request yet: read more (within the limits and the time allowed).
        case incomplete
        /// A request that will never be acceptable: answer with the error's status and close.
        case failure(HTTPParseError)
    }

    /// Parses the first request in `bytes`.
    ///
    /// - Complexity: O(n) in the header bytes (at most `limits.headerBytes` are looked at).
    public static func parse(_ bytes: ArraySlice<UInt8>, limits: HTTPLimits) -> Outcome {
        let origin = bytes.startIndex
        var bytes = bytes
        // RFC 9112 section 2.2: a server should ignore empty lines before the request line.
        while bytes.first == 13 || bytes.first == 10 { bytes.removeFirst() }
        guard let end = headerEnd(bytes, within: limits.headerBytes) else {
            return bytes.count > limits.headerBytes ? .failure(.headersTooLarge) : .incomplete
        }
        let head = bytes[bytes.startIndex..<end]
        var lines = split(head)
        guard !lines.isEmpty else { return .failure(.badRequest("no request line")) }
        let requestLine = lines.removeFirst()
        guard lines.count <= limits.headerCount else { return .failure(.headersTooLarge) }
        let parts = requestLine.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, let method = ascii(parts[0]), let target = ascii(parts[1]),
            let version = ascii(parts[2])
        else { return .failure(.badRequest("the request line must be METHOD TARGET VERSION")) }
        guard !method.isEmpty, method.utf8.allSatisfy(isTokenByte) else {
            return .failure(.badRequest("the method is not a token"))
        }
        guard version.hasPrefix("HTTP/") else { return .failure(.badRequest("no HTTP version")) }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { return .failure(.version) }
        guard target.hasPrefix("/"), target.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            return .failure(.badRequest("the target must be a path starting with /"))
        }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                return .failure(.badRequest("a header line has no name"))
            }
            let name = line[line.startIndex..<colon]
            guard name.allSatisfy(isTokenByte), let nameText = ascii(name) else {
                return .failure(.badRequest("a header name is not a token"))
            }
            let rawValue = line[(colon + 1)...]
            // Visible ASCII, spaces and tabs (obs-text above 127 is refused: nothing here needs it).
            guard rawValue.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 < 127) }), let value = ascii(rawValue) else {
                return .failure(.badRequest("the value of \(nameText) holds a control or non-ASCII byte"))
            }
            headers.append((nameText, value.trimmingCharacters(in: [" ", "\t"])))
        }
        let lower = headers.map { $0.name.lowercased() }
        if lower.contains("transfer-encoding") { return .failure(.transferEncoding) }
        guard lower.filter({ $0 == "host" }).count == 1 || version == "HTTP/1.0" else {
            return .failure(.badRequest("HTTP/1.1 needs exactly one Host header"))
        }
        var length = 0
        let lengths = Set(zip(lower, headers).filter { $0.0 == "content-length" }.map(\.1.value))
        if lengths.count > 1 { return .failure(.badRequest("conflicting Content-Length headers")) }
        if let text = lengths.first {
            guard !text.isEmpty, text.count <= 12, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int(text)
            else { return .failure(.badRequest("Content-Length must be a whole number")) }
            guard n <= limits.bodyBytes else { return .failure(.bodyTooLarge) }
            length = n
        }
        let bodyStart = end + 4
        guard bytes.endIndex - bodyStart >= length else { return .incomplete }
        let body = Array(bytes[bodyStart..<(bodyStart + length)])
        let request = HTTPRequest(method: method, target: target, version: version, headers: headers, body: body)
        return .request(request, consumed: bodyStart + length - origin)
    }

    /// Where the `\r\n\r\n` ending the header section starts, looking no further than `limit`
    /// bytes.
    static func headerEnd(_ bytes: ArraySlice<UInt8>, within limit: Int) -> Int? {
        let last = min(bytes.endIndex, bytes.startIndex + limit + 4) - 4
        var i = bytes.startIndex
        while i <= last {
            if bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 { return i }
            i += 1
        }
        return nil
    }

    /// The lines of a header section, split at CRLF (a bare LF is refused as a header line
    /// holding a control byte).
    static func split(_ head: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = head.startIndex
        var i = head.startIndex
        while i < head.endIndex {
            if head[i] == 13 && i + 1 < head.endIndex && head[i + 1] == 10 {
                lines.append(head[start..<i])
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        lines.append(head[start..<head.endIndex])
        return lines
    }

    private static func ascii(_ bytes: ArraySlice<UInt8>) -> String? {
        guard bytes.allSatisfy({ $0 < 128 }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The `tchar`s of RFC 9110 section 5.6.2.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
