/// The bounds the workbench's HTTP server holds every client to, so that no request, however
/// malformed, large or slow, can exhaust its memory, threads or time. Each default is chosen
/// for one local user with a browser; the reason is beside it.
public struct HTTPLimits: Sendable, Equatable {
    /// The most bytes of a request line and its headers together (16 KiB: browsers send under
    /// 2 KiB; Apache's and nginx's defaults are 8 KiB a line). More is refused with 431.
    public var headerBytes = 16 * 1024
    /// The most header fields in one request (64; browsers send about 15; Apache's default is
    /// 100). More is refused with 431.
    public var headerCount = 64
    /// The most bytes of a request body (1 MiB: a form of every scenario field is under
    /// 100 KiB, and a scenario file under 64 KiB). More is refused with 413 before it is read.
    public var bodyBytes = 1024 * 1024
    /// The most connections served at once, each on its own thread (32: a browser opens at most
    /// 6 per host). A connection beyond it is answered 503 and closed at once.
    public var connections = 32
    /// Seconds a client has to send a whole request, from its first byte or from the end of the
    /// one before (10 s; a slow or stalled client, as in slowloris, is answered 408 and closed).
    public var requestSeconds = 10.0
    /// Seconds an idle keep-alive connection is kept open between requests (5 s).
    public var idleSeconds = 5.0
    /// The most requests on one connection before it is closed (100, as nginx's default).
    public var requestsPerConnection = 100

    /// The defaults above.
    public init() {}
}
