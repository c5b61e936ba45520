internal import CLibCurl
import Fetchers
import FlakeLockBasics
import Foundation

/// Settings for ``CurlHTTPTransport``.
public struct HTTPConfiguration: Sendable {
    /// Seconds allowed for connecting (Nix's `connect-timeout`); 0 means libcurl's default.
    public var connectTimeout: Int
    /// Abort a transfer that moves less than 1 byte/s for this many seconds (Nix's
    /// `stalled-download-timeout`, 300); 0 disables.
    public var stallTimeout: Int
    /// Total attempts for retryable failures (Nix's `download-attempts`, 5).
    public var attempts: Int
    /// First back-off delay; doubles with each retry.
    public var retryBaseDelay: Duration
    /// The longest `Retry-After`/`X-RateLimit-Reset` wait honoured before giving up.
    public var maxRetryAfter: Duration
    public var maxRedirects: Int
    /// CA bundle (`NIX_SSL_CERT_FILE`, `SSL_CERT_FILE`, `CURL_CA_BUNDLE`); nil: libcurl's default.
    public var caFile: String?
    /// Proxies; environment variables are *not* read by the transport (it passes these explicitly).
    public var proxy: ProxySettings
    /// Appended to `curl/<version>` in the User-Agent (Nix sends `curl/<ver> Nix/<ver>`).
    public var userAgentProduct: String
    /// Where blocking transfers run.
    public var executor: BlockingExecutor
    /// Transfers allowed at first to one peer (`host:port`, or the proxy); each transfer
    /// that opened a connection allows one more, up to ``maxConnectionsPerPeer``
    /// (``ConnectionRamp``).
    public var initialConnectionsPerPeer: Int = 4
    public var maxConnectionsPerPeer: Int = 16
    /// A netrc file with credentials per host (Nix's `netrc-file`); nil: none.
    public var netrcFile: String?
    /// Negotiate HTTP/2 over TLS where the server offers it (Nix's `http2`, default true);
    /// false: HTTP/1.1 only.
    public var http2: Bool = true
    /// Told of each retry before its back-off: the failure, the delay, the attempt that
    /// failed and the number of attempts allowed (Nix warns `…; retrying in N ms`).
    public var onRetry: (@Sendable (_ error: any Error, _ delay: Duration, _ attempt: Int, _ attempts: Int) -> Void)?

    public init(
        connectTimeout: Int = 0, stallTimeout: Int = 300, attempts: Int = 5,
        retryBaseDelay: Duration = .milliseconds(250),
        maxRetryAfter: Duration = .seconds(60), maxRedirects: Int = 10, caFile: String? = nil,
        proxy: ProxySettings = ProxySettings(), userAgentProduct: String = "flakelock/0.1",
        executor: BlockingExecutor = .shared
    ) {
        self.connectTimeout = connectTimeout
        self.stallTimeout = stallTimeout
        self.attempts = attempts
        self.retryBaseDelay = retryBaseDelay
        self.maxRetryAfter = maxRetryAfter
        self.maxRedirects = maxRedirects
        self.caFile = caFile
        self.proxy = proxy
        self.userAgentProduct = userAgentProduct
        self.executor = executor
    }
}

/// ``HTTPTransport`` over libcurl.
///
/// Redirects are followed by this type, not by libcurl, so that sensitive headers
/// (``HTTPHeader/isSensitive``) are dropped as soon as a redirect leaves the original
/// origin (scheme, host, port). Retries (connection errors, timeouts, truncation, 408, 429,
/// 5xx) back off exponentially and happen only while no body byte has reached the sink,
/// unless the sink agrees to ``HTTPBodySink/restart()``.
public final class CurlHTTPTransport: HTTPTransport {
    public let configuration: HTTPConfiguration
    private let pool = CurlHandlePool()
    private let loop: CurlMultiLoop
    private let ramp: ConnectionRamp
    private let userAgent: String

    public convenience init(configuration: HTTPConfiguration = HTTPConfiguration()) {
        self.init(configuration: configuration, budget: QueueBudget())
    }

    /// `budget`: how much body data transfers may queue before pausing (tests make it small).
    init(configuration: HTTPConfiguration, budget: QueueBudget) {
        self.loop = CurlMultiLoop(budget: budget)
        self.configuration = configuration
        self.userAgent = configuration.userAgent
        self.ramp = ConnectionRamp(
            initial: configuration.initialConnectionsPerPeer, maximum: configuration.maxConnectionsPerPeer)
    }

    /// Where a transfer of `url` goes.
    struct Route {
        /// What its connection goes to: the proxy, else the URL's scheme, host and port; nil
        /// for `file://`.
        var peer: String?
        /// The URL's origin (what answers it, and may multiplex).
        var origin: String
        /// Whether it goes through a proxy.
        var proxied: Bool
    }

    func route(for url: String) -> Route {
        let u = URLParts(url)
        let origin = u?.origin ?? url
        if let proxy = configuration.proxy.proxy(for: url), !proxy.isEmpty {
            return Route(peer: "proxy " + proxy, origin: origin, proxied: true)
        }
        guard let u, u.scheme != "file" else { return Route(peer: nil, origin: origin, proxied: false) }
        let peer = "\(u.scheme)://\(u.host):\(u.port ?? (u.scheme == "https" ? 443 : 80))"
        return Route(peer: peer, origin: origin, proxied: false)
    }

    public func get(_ request: HTTPRequest, into sink: any HTTPBodySink) async throws -> HTTPResponse {
        try NativeTransport.ensureCurl()
        guard let start = URLParts(request.url) else { throw HTTPTransportError.invalidURL(request.url) }
        guard HTTPSchemePolicy.requestSchemes.contains(start.scheme) else {
            throw HTTPTransportError.unsupportedProtocol(url: request.url, redirectedTo: nil)
        }
        let startOrigin = start.origin
        var url = request.url
        var headers = request.headers
        var redirects = 0
        var deliveredSomething = false
        while true {
            let outcome = try await attemptWithRetries(
                url: url, originalURL: request.url, headers: headers, ifNoneMatch: request.ifNoneMatch, sink: sink,
                delivered: &deliveredSomething)
            switch outcome {
            case .done(let response):
                return response
            case .redirect(let location):
                redirects += 1
                guard redirects <= configuration.maxRedirects else {
                    throw HTTPTransportError.tooManyRedirects(url: request.url)
                }
                // A server may send us on only to http(s): never to `file://` (a local file
                // hashed as the input) or any other scheme libcurl might know.
                guard let next = URLParts(location), HTTPSchemePolicy.redirectSchemes.contains(next.scheme) else {
                    throw HTTPTransportError.unsupportedProtocol(url: request.url, redirectedTo: location)
                }
                if URLParts(location)?.origin != startOrigin { headers.removeAll { $0.isSensitive } }
                url = location
            }
        }
    }

    private enum Outcome: Sendable {
        case done(HTTPResponse)
        case redirect(String)
    }

    private func attemptWithRetries(
        url: String, originalURL: String, headers: [HTTPHeader], ifNoneMatch: String?, sink: any HTTPBodySink,
        delivered: inout Bool
    ) async throws -> Outcome {
        var attempt = 0
        while true {
            attempt += 1
            let route = route(for: url)
            let (peer, origin) = (route.peer, route.origin)
            let log = HTTPExchangeLog.current
            let connected: @Sendable () -> Void = { [ramp] in if let peer { ramp.connected(peer) } }
            // libcurl 7.87–7.88 fails streams multiplexed inside a proxy tunnel: HTTP/1.1 there.
            var transferConfiguration = configuration
            if route.proxied && NativeTransport.proxyTunnelsBreakMultiplexing { transferConfiguration.http2 = false }
            let answered: @Sendable (String) -> Void = { [ramp] in ramp.answered(origin, httpVersion: $0) }
            let (configuration, userAgent, pool, loop) = (transferConfiguration, userAgent, pool, loop)
            let transfer = { [ramp] in
                // An origin known to speak HTTP/2 gets a stream, not a connection of its own.
                let asStream = ramp.multiplexes(origin)
                return try await runCancellable(on: configuration.executor) { flag in
                    try CurlTransfer(
                        pool: pool, loop: loop, url: url, displayURL: originalURL, headers: headers,
                        ifNoneMatch: ifNoneMatch,
                        sink: sink, configuration: configuration, userAgent: userAgent, flag: flag,
                        onNewConnection: connected, waitForMultiplexing: asStream, onAnswer: answered, log: log
                    ).perform()
                }
            }
            let result: TransferResult
            if let peer {
                result = try await ramp.withSlot(peer, origin: origin, transfer)
            } else {
                result = try await transfer()
            }
            switch result {
            case .response(let r): return .done(r)
            case .redirect(let l): return .redirect(l)
            case .failure(let failure):
                if failure.bodyDelivered { delivered = true }
                let last = attempt >= max(1, configuration.attempts)
                guard failure.retryable, !last else { throw failure.error }
                if delivered {
                    guard sink.restart() else { throw failure.error }
                    delivered = false
                }
                var delay = configuration.retryBaseDelay * (1 << min(attempt - 1, 16))
                if let wait = failure.wait {
                    guard wait <= configuration.maxRetryAfter else { throw failure.error }
                    delay = max(delay, wait)
                }
                configuration.onRetry?(failure.error, delay, attempt, max(1, configuration.attempts))
                try await Task.sleep(for: delay)
            }
        }
    }
}

/// Which URL schemes a transfer may touch. `file://` is read only when the request itself
/// names it; redirects lead only to http and https (as Nix, whose libcurl answers any other
/// scheme with "Unsupported protocol"). ``CurlTransfer`` restricts libcurl's own protocol
/// sets the same way, so the rule holds even if libcurl were to follow a redirect itself.
enum HTTPSchemePolicy {
    static let requestSchemes: Set<String> = ["http", "https", "file"]
    static let redirectSchemes: Set<String> = ["http", "https"]

    /// libcurl's `CURLOPT_PROTOCOLS_STR` for a request: only the request's own scheme.
    static func curlProtocols(forRequestURL url: String) -> String {
        URLParts(url)?.scheme == "file" ? "file" : "http,https"
    }

    /// libcurl's `CURLOPT_REDIR_PROTOCOLS_STR`.
    static let curlRedirectProtocols = "http,https"
}

/// The result of one HTTP exchange (one hop, one attempt).
enum TransferResult: Sendable {
    case response(HTTPResponse)
    case redirect(String)
    case failure(TransferFailure)
}

struct TransferFailure: Sendable {
    var error: any Error
    var retryable: Bool
    /// A server-requested wait (`Retry-After`, rate-limit reset).
    var wait: Duration?
    var bodyDelivered: Bool
}
