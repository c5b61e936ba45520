import Fetchers
import FlakeLockBasics
import Foundation

/// An ``HTTPTransport`` that answers from a table of routes, in memory: no socket, no curl.
/// Bodies are delivered on ``BlockingExecutor`` threads (as the real transport does), so a
/// sink that blocks (the archive hasher's pipe) never holds up Swift's cooperative pool.
///
///     let http = FakeHTTPTransport()
///     http.serve("https://api.github.com/repos/o/r/commits/main", json: #"{"sha":"…"}"#)
///     http.serve("https://github.com/o/r/archive/….tar.gz", body: tarball)
///
/// An unknown URL is a 404, as from a server that has no such file.
public final class FakeHTTPTransport: HTTPTransport, @unchecked Sendable {
    // @unchecked: `routes` and `log` are guarded by `lock`.
    public struct Route: Sendable {
        public var status: Int
        public var headers: [HTTPHeaderField]
        public var body: [UInt8]
        public init(status: Int = 200, headers: [HTTPHeaderField] = [], body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    private let lock = NSLock()
    private var routes: [String: Route] = [:]
    private var log: [HTTPRequest] = []
    private var latency: @Sendable (String) -> Duration = { _ in .zero }
    private var cancelledLog: [String] = []
    private var running = 0
    private var peak = 0
    private var eventLog: [Event] = []
    /// How many bytes one `receive` call gets (small, so streaming consumers see several chunks).
    public var chunkSize = 4096

    public init() {}

    public func serve(_ url: String, _ route: Route) {
        lock.withLock { routes[url] = route }
    }

    public func serve(_ url: String, body: [UInt8], headers: [HTTPHeaderField] = []) {
        serve(url, Route(headers: headers, body: body))
    }

    public func serve(_ url: String, json: String) {
        serve(
            url,
            Route(headers: [HTTPHeaderField(name: "Content-Type", value: "application/json")], body: Array(json.utf8)))
    }

    /// Removes a route (the URL answers 404 again).
    public func remove(_ url: String) {
        lock.withLock { routes[url] = nil }
    }

    /// The requests made so far, in the order they started.
    public var requests: [HTTPRequest] { lock.withLock { log } }

    /// Makes every request to `url` take `latency(url)` before it is answered (a sleep, not a
    /// blocked thread), as a server far away would.
    public func setLatency(_ latency: @escaping @Sendable (String) -> Duration) {
        lock.withLock { self.latency = latency }
    }

    /// A request's start or end (the end once its answer was delivered, or it failed).
    public enum Event: Sendable, Equatable {
        case started(String)
        case finished(String)
    }

    /// Every request's start and end, in the order they happened.
    public var events: [Event] { lock.withLock { eventLog } }

    /// The requests that were cancelled while they waited for their answer (their latency).
    public var cancelledRequests: [String] { lock.withLock { cancelledLog } }

    /// The most requests that were ever under way at once.
    public var peakConcurrency: Int { lock.withLock { peak } }

    public func get(_ request: HTTPRequest, into sink: any HTTPBodySink) async throws -> HTTPResponse {
        let delay = lock.withLock { () -> Duration in
            log.append(request)
            eventLog.append(.started(request.url))
            running += 1
            peak = max(peak, running)
            return latency(request.url)
        }
        defer {
            lock.withLock {
                running -= 1
                eventLog.append(.finished(request.url))
            }
        }
        if delay > .zero {
            do { try await Task.sleep(for: delay) } catch {
                lock.withLock { cancelledLog.append(request.url) }
                throw error
            }
        }
        let route = lock.withLock { routes[request.url] }
        guard let route else {
            throw HTTPTransportError.httpStatus(url: request.url, status: 404, reason: "Not Found", body: "")
        }
        let response = HTTPResponse(status: route.status, headers: route.headers, effectiveURL: request.url)
        if let tag = request.ifNoneMatch, tag == response.etag {
            return HTTPResponse(status: 304, headers: route.headers, effectiveURL: request.url)
        }
        // Rate limits as the curl transport reads them (without its bounded retry).
        if let answer = RateLimitAnswer(response, body: String(decoding: route.body.prefix(4096), as: UTF8.self)) {
            throw answer.error(url: request.url)
        }
        guard (200..<300).contains(route.status) else {
            throw HTTPTransportError.httpStatus(
                url: request.url, status: route.status, reason: "",
                body: String(decoding: route.body.prefix(200), as: UTF8.self))
        }
        let chunk = max(1, chunkSize)
        try await BlockingExecutor.shared.run {
            var start = 0
            repeat {
                let end = min(route.body.count, start + chunk)
                try route.body[start..<end].withUnsafeBytes { try sink.receive($0) }
                start = end
            } while start < route.body.count
        }
        return response
    }
}
