import Testing

@testable import HomewardWorkbench

@Suite struct AccessGuardTests {
    let access = AccessGuard(token: "tok123", csrf: "csrf456", port: 8737)
    let cookie = ("Cookie", "homeward_token=tok123")

    func request(
        _ method: String = "GET", _ target: String = "/", host: String? = "127.0.0.1:8737",
        headers: [(String, String)] = [], body: String = ""
    ) -> HTTPRequest {
        let all = (host.map { [("Host", $0)] } ?? []) + headers
        return HTTPRequest(
            method: method, target: target, headers: all.map { (name: $0.0, value: $0.1) }, body: Array(body.utf8))
    }

    @Test func theTokenInTheURLBecomesACookieAndLeavesTheURL() {
        let decision = access.decide(request("GET", "/scenario?token=tok123&file=a.json5"))
        #expect(
            decision
                == .enter(
                    location: "/scenario?file=a.json5",
                    cookie: "homeward_token=tok123; Path=/; HttpOnly; SameSite=Strict"))
        #expect(access.decide(request("GET", "/?token=wrong")) == .deny(status: 403, reason: "wrong access token"))
        // The redirect stays on this server.
        for target in ["//evil.example/?token=tok123", "/\\evil.example?token=tok123"] {
            guard case .enter(let location, _) = access.decide(request("GET", target)) else {
                Issue.record("\(target) not entered")
                continue
            }
            #expect(location == "/", "\(target)")
        }
    }

    @Test func withoutTheTokenEveryRequestIsRefused() {
        for target in ["/", "/static/workbench.css", "/jobs/x", "/download/scenario?file=a.json5"] {
            guard case .deny(403, _) = access.decide(request("GET", target)) else {
                Issue.record("\(target) served without a token")
                continue
            }
        }
        guard case .deny(403, _) = access.decide(request("GET", "/", headers: [("Cookie", "homeward_token=tok12")]))
        else {
            Issue.record("a prefix of the token accepted")
            return
        }
        #expect(access.decide(request("GET", "/", headers: [cookie])) == .allow)
    }

    @Test func onlyLoopbackHostsWithThePortAreAnswered() {
        for host in ["127.0.0.1:8737", "localhost:8737", "[::1]:8737", "LOCALHOST:8737"] {
            #expect(access.decide(request("GET", "/", host: host, headers: [cookie])) == .allow, "\(host)")
        }
        for host in ["evil.example:8737", "127.0.0.1", "127.0.0.1:80", "localhost.evil:8737", ""] {
            guard case .deny(421, _) = access.decide(request("GET", "/", host: host, headers: [cookie])) else {
                Issue.record("\(host) answered")
                continue
            }
        }
        guard case .deny(421, _) = access.decide(request("GET", "/?token=tok123", host: nil)) else {
            Issue.record("no Host answered")
            return
        }
    }

    let form = ("Content-Type", "application/x-www-form-urlencoded")

    @Test func changesNeedPostTheOriginAndTheCSRFField() {
        #expect(access.decide(request("POST", "/run", headers: [cookie, form], body: "csrf=csrf456&file=a")) == .allow)
        #expect(
            access.decide(
                request(
                    "POST", "/run", headers: [cookie, form, ("Origin", "http://localhost:8737")],
                    body: "csrf=csrf456")) == .allow)
        #expect(access.decide(request("POST", "/run", headers: [cookie, ("X-CSRF-Token", "csrf456")])) == .allow)
        let refused: [HTTPRequest] = [
            request("POST", "/run", headers: [cookie, form], body: "file=a"),
            request("POST", "/run", headers: [cookie, form], body: "csrf=csrf45"),
            request("POST", "/run", headers: [cookie, form, ("Origin", "http://evil.example")], body: "csrf=csrf456"),
            request("POST", "/run", headers: [cookie, form, ("Origin", "null")], body: "csrf=csrf456"),
            request("POST", "/run", headers: [form], body: "csrf=csrf456"),
            // The token in the URL does not stand for the cookie on a change.
            request("POST", "/run?token=tok123", headers: [form], body: "csrf=csrf456"),
        ]
        for r in refused {
            guard case .deny(403, _) = access.decide(r) else {
                Issue.record("accepted \(r.target) \(r.headers)")
                continue
            }
        }
        guard case .deny(405, _) = access.decide(request("DELETE", "/jobs/x", headers: [cookie])) else {
            Issue.record("DELETE accepted")
            return
        }
    }

    @Test func equalComparesWholeStrings() {
        #expect(AccessGuard.equal("abc", "abc"))
        #expect(!AccessGuard.equal("abc", "abd"))
        #expect(!AccessGuard.equal("abc", "ab"))
        #expect(!AccessGuard.equal("", "a"))
        #expect(AccessGuard.equal("", ""))
        // A zero byte does not stand for a missing one.
        #expect(!AccessGuard.equal("ab\u{0}", "ab"))
    }

    @Test func randomTokensAreLongAndDifferent() {
        let a = AccessGuard.random(port: 1)
        let b = AccessGuard.random(port: 1)
        #expect(a.token.count == 64 && a.csrf.count == 64)
        #expect(a.token.allSatisfy { $0.isHexDigit })
        #expect(a.token != b.token && a.token != a.csrf)
    }
}
