import Testing

@testable import HomewardWorkbench

@Suite struct HTTPRequestParserTests {
    let limits = HTTPLimits()

    func parse(_ text: String, limits: HTTPLimits? = nil) -> HTTPRequestParser.Outcome {
        HTTPRequestParser.parse(Array(text.utf8)[...], limits: limits ?? self.limits)
    }

    @Test func aSimpleGetIsReadWithItsPathQueryAndHeaders() throws {
        let text =
            "GET /scenario?file=base%20line.json5&x=a+b HTTP/1.1\r\nHost: 127.0.0.1:8737\r\nCookie: a=1; homeward_token=t\r\n\r\n"
        guard case .request(let request, let consumed) = parse(text) else {
            Issue.record("not parsed")
            return
        }
        #expect(consumed == text.utf8.count)
        #expect(request.method == "GET")
        #expect(request.path == "/scenario")
        #expect(request.queryValue("file") == "base line.json5")
        #expect(request.queryValue("x") == "a b")
        #expect(request.header("HOST") == "127.0.0.1:8737")
        #expect(request.cookies["homeward_token"] == "t")
        #expect(request.body.isEmpty)
    }

    @Test func aBodyIsReadToItsContentLengthAndPipelinedRequestsFollow() throws {
        let first =
            "POST /run HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 11\r\n\r\nfile=a&b=%2"
        let second = "GET / HTTP/1.1\r\nHost: h\r\n\r\n"
        guard case .request(let request, let consumed) = parse(first + second) else {
            Issue.record("not parsed")
            return
        }
        #expect(consumed == first.utf8.count)
        #expect(request.formValue("file") == "a")
        // A malformed escape drops the field, not the request.
        #expect(request.formValue("b") == nil)
        let rest = Array((first + second).utf8)[consumed...]
        guard case .request(let next, _) = HTTPRequestParser.parse(rest, limits: limits) else {
            Issue.record("second not parsed")
            return
        }
        #expect(next.method == "GET")
    }

    @Test func partialRequestsAskForMore() {
        #expect(parse("GET / HTTP/1.1\r\nHost: h\r\n") == .incomplete)
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc") == .incomplete)
        #expect(parse("") == .incomplete)
    }

    struct Refusal: CustomTestStringConvertible, Sendable {
        var request: String
        var status: Int
        var testDescription: String { "\(status): \(request.debugDescription.prefix(60))" }
    }

    @Test(arguments: [
        Refusal(request: "GARBAGE\r\n\r\n", status: 400),
        Refusal(request: "GET /\r\n\r\n", status: 400),
        Refusal(request: "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        Refusal(request: "GET http://evil/ HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        Refusal(request: "G(T / HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        Refusal(request: "GET / HTTP/2.0\r\nHost: h\r\n\r\n", status: 505),
        Refusal(request: "GET / FTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        Refusal(request: "GET / HTTP/1.1\r\n\r\n", status: 400),
        Refusal(request: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", status: 400),
        Refusal(request: "GET / HTTP/1.1\r\nHost: h\r\nNo colon here\r\n\r\n", status: 400),
        Refusal(request: "GET / HTTP/1.1\r\nHost: h\r\n: empty name\r\n\r\n", status: 400),
        Refusal(request: "GET / HTTP/1.1\r\nHost: h\r\nX: a\u{1}b\r\n\r\n", status: 400),
        Refusal(request: "GET / HTTP/1.1\r\nHost: h\r\nX: caf\u{e9}\r\n\r\n", status: 400),
        Refusal(request: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", status: 400),
        Refusal(request: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1e3\r\n\r\n", status: 400),
        Refusal(request: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n", status: 400),
        Refusal(request: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", status: 400),
        Refusal(request: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1048577\r\n\r\n", status: 413),
        Refusal(request: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", status: 501),
    ])
    func malformedRequestsAreRefusedWithTheirStatus(_ refusal: Refusal) {
        guard case .failure(let error) = parse(refusal.request) else {
            Issue.record("accepted: \(refusal.request.debugDescription)")
            return
        }
        #expect(error.status == refusal.status)
    }

    @Test func headersOverTheLimitAreRefusedBeforeTheyEnd() {
        var limits = HTTPLimits()
        limits.headerBytes = 100
        // Never ends: the parser must not wait for more once over the limit.
        let endless = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 200)
        #expect(parse(endless, limits: limits) == .failure(.headersTooLarge))
        // Just under the limit is still waiting for the end.
        #expect(parse("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 50), limits: limits) == .incomplete)
    }

    @Test func tooManyHeaderFieldsAreRefused() {
        let fields = (0...64).map { "X-\($0): v\r\n" }.joined()
        #expect(parse("GET / HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n") == .failure(.headersTooLarge))
        let fewer = (0..<63).map { "X-\($0): v\r\n" }.joined()
        if case .request = parse("GET / HTTP/1.1\r\nHost: h\r\n" + fewer + "\r\n") {
        } else {
            Issue.record("64 fields refused")
        }
    }

    @Test func leadingEmptyLinesAreSkippedAndCounted() {
        let text = "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"
        guard case .request(_, let consumed) = parse(text) else {
            Issue.record("not parsed")
            return
        }
        #expect(consumed == text.utf8.count)
    }

    /// Every prefix and every one-byte corruption of a valid request ends in an outcome, never
    /// a trap (a seeded property loop over the parser).
    @Test func anyPrefixOrCorruptionEndsInAnOutcome() {
        let text = Array(
            "POST /run?x=1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\nContent-Length: 5\r\nCookie: a=b\r\n\r\nhello".utf8)
        var generator = SplitMix(seed: 7)
        for cut in 0...text.count {
            _ = HTTPRequestParser.parse(text[0..<cut], limits: limits)
        }
        for _ in 0..<2000 {
            var bytes = text
            bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
            _ = HTTPRequestParser.parse(bytes[...], limits: limits)
        }
    }
}

/// A small seeded generator for the property loops (SplitMix64, Steele, Lea and Flood 2014).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
