import Foundation
import Testing

@testable import HomewardWorkbench

#if canImport(Glibc)
    import Glibc
#endif

/// The server on a real socket, with small limits so that each is reached quickly.
@Suite struct HTTPServerTests {
    /// A server on a free port answering every request with its path, serving forever on a
    /// thread of its own.
    static func start(_ limits: HTTPLimits) throws -> Int {
        let server = try HTTPServer(port: 0, limits: limits) { request in .text(request.path, status: 200) }
        Thread.detachNewThread { server.serve() }
        return server.port
    }

    static func connect(_ port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    static func send(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Everything the server sends until it closes (or 10 s pass).
    static func readAll(_ fd: Int32) -> String {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out += chunk[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let port = try Self.start(HTTPLimits())
        let fd = Self.connect(port)
        defer { close(fd) }
        Self.send(fd, "GET /one HTTP/1.1\r\nHost: h\r\n\r\nGET /two HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        let reply = Self.readAll(fd)
        let one = try #require(reply.range(of: "/one\n"))
        let two = try #require(reply.range(of: "/two\n"))
        #expect(one.upperBound <= two.lowerBound)
        #expect(reply.components(separatedBy: "HTTP/1.1 200 OK").count == 3)
    }

    @Test func aSlowClientIsAnswered408() throws {
        var limits = HTTPLimits()
        limits.requestSeconds = 0.5
        let port = try Self.start(limits)
        let fd = Self.connect(port)
        defer { close(fd) }
        let began = Date()
        Self.send(fd, "GET / HTTP/1.1\r\nHo")
        Thread.sleep(forTimeInterval: 0.3)
        Self.send(fd, "st: h")  // still within the deadline, but not the whole request
        let reply = Self.readAll(fd)
        #expect(reply.hasPrefix("HTTP/1.1 408 "))
        #expect(Date().timeIntervalSince(began) < 5)
    }

    @Test func connectionsBeyondTheLimitAre503() throws {
        var limits = HTTPLimits()
        limits.connections = 2
        let port = try Self.start(limits)
        let held = [Self.connect(port), Self.connect(port)]
        defer { for fd in held { close(fd) } }
        // Let the server accept both and start their threads.
        Self.send(held[0], "GET / HTTP/1.1\r\nHost: h\r\n")
        Self.send(held[1], "GET / HTTP/1.1\r\nHost: h\r\n")
        Thread.sleep(forTimeInterval: 0.3)
        let extra = Self.connect(port)
        defer { close(extra) }
        #expect(Self.readAll(extra).hasPrefix("HTTP/1.1 503 "))
        // The held connections are still served.
        Self.send(held[0], "Connection: close\r\n\r\n")
        #expect(Self.readAll(held[0]).hasPrefix("HTTP/1.1 200 "))
    }

    @Test func aRefusedRequestIsAnsweredAndClosed() throws {
        let port = try Self.start(HTTPLimits())
        let fd = Self.connect(port)
        defer { close(fd) }
        Self.send(fd, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999\r\n\r\n")
        #expect(Self.readAll(fd).hasPrefix("HTTP/1.1 413 "))
    }
}
