import Foundation

/// Who may use the workbench, decided for every request before anything else: the request
/// must name this server as its Host (no DNS rebinding), carry the access token (in the URL
/// once, then in a cookie), and, when it changes anything, come from the workbench's own pages
/// (POST only, Origin equal to the server's when sent, and the session's CSRF field).
public struct AccessGuard: Sendable {
    /// The name of the cookie holding the access token.
    public static let cookieName = "homeward_token"
    /// The name of the form field (or `X-CSRF-Token` header) holding the CSRF token.
    public static let csrfField = "csrf"

    /// The access token printed at start (hex, 256 bits).
    public let token: String
    /// The token every state-changing request must carry in its form (hex, 256 bits).
    public let csrf: String
    /// The port the server listens on.
    public let port: Int

    /// A guard with the given tokens (tests); `random(port:)` draws them.
    public init(token: String, csrf: String, port: Int) {
        self.token = token
        self.csrf = csrf
        self.port = port
    }

    /// A guard with a fresh access token and CSRF token, each 256 bits from the system's
    /// cryptographically secure generator (`SystemRandomNumberGenerator`: getrandom(2) on Linux).
    public static func random(port: Int) -> AccessGuard {
        AccessGuard(token: randomHex(bytes: 32), csrf: randomHex(bytes: 32), port: port)
    }

    /// `bytes` random bytes from `SystemRandomNumberGenerator`, as lower-case hex.
    public static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// The Host values this server answers to: the loopback names with its port.
    public var allowedHosts: Set<String> { ["127.0.0.1:\(port)", "localhost:\(port)", "[::1]:\(port)"] }

    /// The origins a state-changing request may come from.
    public var allowedOrigins: Set<String> { Set(allowedHosts.map { "http://" + $0 }) }

    /// What to do with a request.
    public enum Decision: Equatable, Sendable {
        /// Serve it.
        case allow
        /// Set the cookie and send the browser to `location` (the same URL without the token).
        case enter(location: String, cookie: String)
        /// Refuse it with this status and reason.
        case deny(status: Int, reason: String)
    }

    /// The decision for `request`: Host first, then the token, then, for anything but GET and
    /// HEAD, POST only with a matching Origin (when present) and CSRF field.
    public func decide(_ request: HTTPRequest) -> Decision {
        guard let host = request.header("host"), allowedHosts.contains(host.lowercased()) else {
            return .deny(status: 421, reason: "this server answers only to 127.0.0.1:\(port) or localhost:\(port)")
        }
        let safe = request.method == "GET" || request.method == "HEAD"
        if safe, let given = request.queryValue("token") {
            guard Self.equal(given, token) else { return .deny(status: 403, reason: "wrong access token") }
            let rest = request.query.filter { $0.name != "token" }
                .map { FormCoding.encode($0.name) + "=" + FormCoding.encode($0.value) }
            // Only a path on this server: `//host/...` would send the browser elsewhere.
            var path = request.target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
            if !path.hasPrefix("/") || path.hasPrefix("//") || path.hasPrefix("/\\") { path = "/" }
            return .enter(
                location: path + (rest.isEmpty ? "" : "?" + rest.joined(separator: "&")),
                cookie: "\(Self.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict")
        }
        guard let cookie = request.cookies[Self.cookieName], Self.equal(cookie, token) else {
            return .deny(
                status: 403, reason: "no access token: open the address homeward serve printed, with its ?token=")
        }
        if safe { return .allow }
        guard request.method == "POST" else {
            return .deny(status: 405, reason: "only GET and POST are served")
        }
        if let origin = request.header("origin"), !allowedOrigins.contains(origin.lowercased()) {
            return .deny(status: 403, reason: "cross-origin request refused (Origin \(origin))")
        }
        let field = request.header("x-csrf-token") ?? request.formValue(Self.csrfField) ?? ""
        guard Self.equal(field, csrf) else {
            return .deny(status: 403, reason: "the form's CSRF field is missing or wrong: reload the page")
        }
        return .allow
    }

    /// Compares two strings in time that depends only on their lengths, not on where they
    /// first differ (so the token cannot be guessed a character at a time from timings).
    public static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return difference == 0
    }
}
