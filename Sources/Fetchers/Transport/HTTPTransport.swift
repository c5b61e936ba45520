import FlakeLockBasics

/// One request header. Headers marked ``isSensitive`` (and, always, `Authorization`,
/// `Private-Token`, `Cookie` and `Proxy-Authorization`) are never sent to another origin
/// after a redirect and never appear in errors or logs.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String
    public var isSensitive: Bool

    public init(_ name: String, _ value: String, sensitive: Bool = false) {
        self.name = name
        self.value = value
        self.isSensitive = sensitive || HTTPHeader.alwaysSensitive.contains(name.lowercased())
    }

    static let alwaysSensitive: Set<String> = ["authorization", "private-token", "cookie", "proxy-authorization"]
}

/// A GET request.
public struct HTTPRequest: Sendable, Hashable {
    public var url: String
    /// Extra headers (tokens, `Accept`). `User-Agent` comes from the transport's configuration.
    public var headers: [HTTPHeader]
    /// Sends `If-None-Match: <etag>`; a `304` answer is returned, not thrown.
    public var ifNoneMatch: String?

    public init(url: String, headers: [HTTPHeader] = [], ifNoneMatch: String? = nil) {
        self.url = url
        self.headers = headers
        self.ifNoneMatch = ifNoneMatch
    }
}

/// The final response of a request (after redirects).
public struct HTTPResponse: Sendable, Hashable {
    /// HTTP status: 2xx, or 304 when ``HTTPRequest/ifNoneMatch`` matched.
    public var status: Int
    /// The final response's header fields in arrival order (names as sent).
    public var headers: [HTTPHeaderField]
    /// The URL of the final response (after redirects).
    public var effectiveURL: String

    public init(status: Int, headers: [HTTPHeaderField], effectiveURL: String) {
        self.status = status
        self.headers = headers
        self.effectiveURL = effectiveURL
    }

    /// The last value of a header (name compared case-insensitively).
    public func header(_ name: String) -> String? {
        let n = name.lowercased()
        return headers.last { $0.name.lowercased() == n }?.value
    }

    public var etag: String? { header("ETag") }
    /// The raw `Link` header (lockable tarball protocol).
    public var link: String? { header("Link") }
    public var isNotModified: Bool { status == 304 }
}

/// A response header field.
public struct HTTPHeaderField: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Receives a response body. Called on a blocking thread, chunk by chunk, only for the
/// final 2xx response (never for redirects or error bodies).
///
/// Conforming types are classes that are safe to hand to another thread: the transport
/// calls them from one thread at a time.
public protocol HTTPBodySink: AnyObject, Sendable {
    /// Consumes a chunk. Throwing aborts the transfer with that error.
    func receive(_ bytes: UnsafeRawBufferPointer) throws
    /// Called when a transfer that already delivered bytes is retried. Return `true` after
    /// discarding what was received, or `false` (the default) to make the failure final.
    func restart() -> Bool
}

extension HTTPBodySink {
    public func restart() -> Bool { false }
}

/// Collects a (small) body in memory, failing beyond `limit` bytes.
public final class CollectingBodySink: HTTPBodySink, @unchecked Sendable {
    // @unchecked: mutated only by the transport's single delivering thread, read after the
    // transfer completed (the transport's completion orders the accesses).
    public private(set) var bytes: [UInt8] = []
    public let limit: Int

    public init(limit: Int = 64 << 20) { self.limit = limit }

    public func receive(_ chunk: UnsafeRawBufferPointer) throws {
        guard bytes.count + chunk.count <= limit else {
            throw MessageError("response body is larger than \(limit) bytes")
        }
        bytes.append(contentsOf: chunk)
    }

    public func restart() -> Bool {
        bytes.removeAll(keepingCapacity: true)
        return true
    }
}

/// HTTP GET with streaming bodies, redirects, retries and timeouts.
///
/// Implementations: `CurlHTTPTransport` (NativeTransport), fakes in tests.
///
///     let sink = CollectingBodySink()
///     let response = try await http.get(HTTPRequest(url: "https://example.org/x"), into: sink)
public protocol HTTPTransport: Sendable {
    /// Performs a GET, streaming a 2xx body into `sink`.
    ///
    /// - Returns: the final response (2xx, or 304 for a matching `If-None-Match`).
    /// - Throws: ``HTTPTransportError`` for non-2xx statuses (after retries where they
    ///   apply), network failures, timeouts, truncated bodies and cancellation, or whatever
    ///   `sink` threw.
    func get(_ request: HTTPRequest, into sink: any HTTPBodySink) async throws -> HTTPResponse
}

extension HTTPTransport {
    /// GETs a small body into memory (API calls).
    public func data(_ request: HTTPRequest, limit: Int = 64 << 20) async throws -> (HTTPResponse, [UInt8]) {
        let sink = CollectingBodySink(limit: limit)
        let response = try await get(request, into: sink)
        return (response, sink.bytes)
    }
}

/// Transport failures. Descriptions follow Nix's `unable to download '<url>': …` wording and
/// never contain header values.
public enum HTTPTransportError: UserFacingError, Equatable {
    /// A non-success HTTP status (`reason` is the status line's phrase, `body` a prefix of
    /// the error response for diagnostics).
    case httpStatus(url: String, status: Int, reason: String, body: String)
    /// A 429, or a 403 with `X-RateLimit-Remaining: 0`, that could not be waited out.
    case rateLimited(url: String, status: Int, limit: String?, resetsAt: Int64?, retryAfter: Int?)
    /// A network-level failure (curl error code and text).
    case transfer(url: String, code: Int, message: String)
    /// The connection broke before the announced body length arrived.
    case truncated(url: String, received: UInt64, expected: UInt64?)
    case timedOut(url: String, message: String)
    case tooManyRedirects(url: String)
    /// The URL's scheme is not one the transport reads, or a redirect led to a scheme other
    /// than http or https (`redirectedTo` is that location).
    case unsupportedProtocol(url: String, redirectedTo: String?)
    case invalidURL(String)
    case cancelled(url: String)

    public var description: String {
        switch self {
        case .httpStatus(let url, let status, let reason, _):
            return "unable to download '\(url)': HTTP error \(status)" + (reason.isEmpty ? "" : " ('\(reason)')")
        case .rateLimited(let url, let status, let limit, let reset, let retryAfter):
            var s = "unable to download '\(url)': HTTP error \(status) (rate limit exceeded"
            if let limit { s += "; limit \(limit) requests" }
            if let reset { s += "; resets at \(formatUTC(reset)) (\(reset))" }
            if let retryAfter { s += "; retry after \(retryAfter) s" }
            return s + ")"
        case .transfer(let url, let code, let message):
            return "unable to download '\(url)': \(message) (\(code))"
        case .truncated(let url, let received, let expected):
            let e = expected.map { " of \($0)" } ?? ""
            return "unable to download '\(url)': transfer closed with \(received)\(e) bytes received (truncated body)"
        case .timedOut(let url, let message):
            return "unable to download '\(url)': \(message)"
        case .tooManyRedirects(let url):
            return "unable to download '\(url)': too many redirects"
        case .unsupportedProtocol(let url, nil):
            return "unable to download '\(url)': Unsupported protocol"
        case .unsupportedProtocol(let url, let location?):
            return
                "unable to download '\(url)': redirected to '\(location)': Unsupported protocol (only http and https redirects are followed)"
        case .invalidURL(let url):
            return "invalid URL '\(url)'"
        case .cancelled(let url):
            return "download of '\(url)' was interrupted"
        }
    }

    /// The HTTP status, if the failure was one.
    public var status: Int? {
        switch self {
        case .httpStatus(_, let s, _, _), .rateLimited(_, let s, _, _, _): s
        default: nil
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a Unix time (no Foundation, no locale, no time zone).
func formatUTC(_ t: Int64) -> String {
    let days = t >= 0 ? t / 86400 : (t - 86399) / 86400
    let secs = t - days * 86400
    // Civil-from-days (Howard Hinnant).
    let z = days + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
    func p(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(y)-\(p(m))-\(p(d))T\(p(secs / 3600)):\(p(secs % 3600 / 60)):\(p(secs % 60))Z"
}
