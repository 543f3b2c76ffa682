import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the server could not start.
public struct HTTPServerError: Error, CustomStringConvertible, Sendable {
    /// What failed and the system's reason (`cannot listen on 127.0.0.1:8737: Address already in use`).
    public var description: String
}

/// An HTTP/1.1 server on the system's sockets: one listening socket on a loopback address, one
/// thread per connection up to `HTTPLimits.connections`, each request read with `poll` under a
/// deadline, parsed by `HTTPRequestParser`, answered by the handler. Keep-alive and pipelined
/// requests are served in order. Nothing a client sends can stop the server: a refused request
/// is answered with its status and the connection closed.
public final class HTTPServer: @unchecked Sendable {  // `active` is read and written only under `lock`
    /// Answers one request.
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    /// The limits every connection is held to.
    public let limits: HTTPLimits
    /// The port listened on (the one the system chose when asked for port 0).
    public let port: Int
    /// The address listened on (`127.0.0.1`).
    public let host: String
    private let listener: Int32
    private let handler: Handler
    private let lock = NSLock()
    private var active = 0

    /// Opens a listening socket on `host`:`port` (port 0: any free port).
    ///
    /// - Throws: `HTTPServerError` when the address is not an IPv4 address or cannot be bound.
    public init(host: String = "127.0.0.1", port: Int, limits: HTTPLimits = HTTPLimits(), handler: @escaping Handler)
        throws(HTTPServerError)
    {
        self.limits = limits
        self.host = host
        self.handler = handler
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw HTTPServerError(description: "cannot open a socket: \(Self.systemError())") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw HTTPServerError(description: "'\(host)' is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let why = Self.systemError()
            close(fd)
            throw HTTPServerError(description: "cannot listen on \(host):\(port): \(why)")
        }
        var actual = sockaddr_in()
        var size = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &size) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        listener = fd
    }

    /// Accepts connections until the process ends (never returns).
    public func serve() -> Never {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                // EMFILE and the like: wait a little rather than spin.
                if errno != EINTR { usleep(10_000) }
                continue
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            var yes: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            guard reserve() else {
                // Over the connection limit: a short answer, then close; no thread is started.
                let response = HTTPResponse.text("too many connections; try again", status: 503)
                _ = send(client, response, close: true, deadline: Date().addingTimeInterval(1))
                close(client)
                continue
            }
            let thread = Thread { [self] in
                serveConnection(client)
                close(client)
                release()
            }
            // The main thread's size (8 MiB): a request may load a scenario, whose parser recurses
            // up to `JSON5.maximumDepth` levels. Only the pages touched are resident.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// The number of connections being served now.
    public var activeConnections: Int {
        lock.lock()
        defer { lock.unlock() }
        return active
    }

    private func reserve() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard active < limits.connections else { return false }
        active += 1
        return true
    }

    private func release() {
        lock.lock()
        active -= 1
        lock.unlock()
    }

    /// Reads, answers and repeats until the client closes, asks to close, breaks a limit or
    /// stays silent too long.
    private func serveConnection(_ client: Int32) {
        var buffer: [UInt8] = []
        var served = 0
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while served < limits.requestsPerConnection {
            // The idle wait before a request's first byte, then the deadline for the whole request.
            var deadline = Date().addingTimeInterval(buffer.isEmpty && served > 0 ? limits.idleSeconds : 0)
            var started = !buffer.isEmpty || served == 0
            if started { deadline = Date().addingTimeInterval(limits.requestSeconds) }
            var outcome = HTTPRequestParser.parse(buffer[...], limits: limits)
            while outcome == .incomplete {
                let wait = deadline.timeIntervalSinceNow
                guard wait > 0, readable(client, seconds: wait) else {
                    if started && !buffer.isEmpty {
                        let response = HTTPResponse.text("the request took too long to arrive", status: 408)
                        if send(client, response, close: true, deadline: Date().addingTimeInterval(1)) {
                            linger(client)
                        }
                    }
                    return
                }
                let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    // The client closed: a partial request (a body shorter than Content-Length)
                    // cannot be answered on a closed connection; nothing more to do.
                    return
                }
                if !started {
                    started = true
                    deadline = Date().addingTimeInterval(limits.requestSeconds)
                }
                buffer.append(contentsOf: chunk[0..<n])
                outcome = HTTPRequestParser.parse(buffer[...], limits: limits)
            }
            switch outcome {
            case .incomplete: return
            case .failure(let error):
                let response = HTTPResponse.text(error.reason, status: error.status)
                if send(client, response, close: true, deadline: Date().addingTimeInterval(limits.requestSeconds)) {
                    linger(client)
                }
                return
            case .request(let request, let consumed):
                buffer.removeFirst(consumed)
                served += 1
                let response = handler(request)
                let close = request.wantsClose || served >= limits.requestsPerConnection
                let sendDeadline = Date().addingTimeInterval(max(limits.requestSeconds, 60))
                guard send(client, response, close: close, deadline: sendDeadline), !close else { return }
            }
        }
    }

    /// The most bytes and seconds spent reading what a refused client still sends, after its
    /// answer, so that closing does not reset the connection before the client has read the
    /// answer (a "lingering close", as nginx's `lingering_close`): 4 MiB, 2 s.
    static let lingerBytes = 4 << 20
    static let lingerSeconds = 2.0

    /// Ends the sending side and discards what the client still sends, within the bounds above.
    private func linger(_ fd: Int32) {
        shutdown(fd, Int32(SHUT_WR))
        let deadline = Date().addingTimeInterval(Self.lingerSeconds)
        var discarded = 0
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while discarded < Self.lingerBytes {
            let wait = deadline.timeIntervalSinceNow
            guard wait > 0, readable(fd, seconds: wait) else { return }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            discarded += n
        }
    }

    /// Waits up to `seconds` for bytes (or the end) from `fd`.
    private func readable(_ fd: Int32, seconds: Double) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let result = poll(&entry, 1, Int32(max(1, min(seconds * 1000, 60_000))))
        return result > 0
    }

    /// Sends the response; false if the client went away or stopped reading before `deadline`.
    private func send(_ fd: Int32, _ response: HTTPResponse, close: Bool, deadline: Date) -> Bool {
        switch response.body {
        case .bytes(let body):
            return write(fd, response.serialisedHead(length: body.count, close: close) + body, deadline: deadline)
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else {
                let missing = HTTPResponse.text("the file is no longer there", status: 404)
                return send(fd, missing, close: close, deadline: deadline)
            }
            defer { try? handle.close() }
            let length = (try? handle.seekToEnd()).map(Int.init) ?? 0
            try? handle.seek(toOffset: 0)
            guard write(fd, response.serialisedHead(length: length, close: close), deadline: deadline) else {
                return false
            }
            var left = length
            while left > 0 {
                guard let data = try? handle.read(upToCount: min(left, 256 * 1024)), !data.isEmpty else { return false }
                guard write(fd, Array(data), deadline: deadline) else { return false }
                left -= data.count
            }
            return true
        }
    }

    private func write(_ fd: Int32, _ bytes: [UInt8], deadline: Date) -> Bool {
        var done = 0
        while done < bytes.count {
            var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let wait = deadline.timeIntervalSinceNow
            guard wait > 0, poll(&entry, 1, Int32(max(1, min(wait * 1000, 60_000)))) > 0 else { return false }
            let n = bytes.withUnsafeBytes { buffer in
                #if canImport(Glibc)
                    Glibc.send(fd, buffer.baseAddress! + done, bytes.count - done, Int32(MSG_NOSIGNAL))
                #else
                    Darwin.send(fd, buffer.baseAddress! + done, bytes.count - done, 0)
                #endif
            }
            if n > 0 {
                done += n
            } else if n < 0 && (errno == EINTR || errno == EAGAIN) {
                continue
            } else {
                return false
            }
        }
        return true
    }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}
