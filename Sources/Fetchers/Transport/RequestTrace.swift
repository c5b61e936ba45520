import Foundation

/// Who asked for a request, for `--timings`: the fetch (flake reference) a request belongs
/// to and the request whose result made that fetch known. A request depends on the last
/// request finished in its trace, or, for the first, on the request its trace was forked
/// after: a ref resolution precedes its archive in one trace; a child input's fetch is
/// forked from the walk after the parent's archive was read.
///
/// Nothing is recorded unless a caller sets ``current`` (the CLI does for `--timings`);
/// ``SourceFetcher`` forks a trace per fetch, and the task-local follows the fetch's
/// tasks (unstructured `Task {}` inherits it).
public final class RequestTrace: @unchecked Sendable {
    // @unchecked: `last` is guarded by `lock`; the rest is immutable.
    @TaskLocal public static var current: RequestTrace?

    /// The fetch this trace stands for (its flake reference), or `"(walk)"` for the root.
    public let label: String
    private let inherited: Int?
    private let lock = NSLock()
    private var last: Int?

    public init(label: String, after request: Int? = nil) {
        self.label = label
        self.inherited = request
    }

    /// The request a request issued now in this trace depends on.
    public var dependency: Int? { lock.withLock { last ?? inherited } }

    /// Records that `request` finished in this trace (it becomes the next one's dependency).
    public func finished(_ request: Int) { lock.withLock { last = request } }

    /// A trace for a fetch started now from this one.
    public func fork(label: String) -> RequestTrace { RequestTrace(label: label, after: dependency) }

    /// The caller waited for `other` and now knows its result.
    public func learned(from other: RequestTrace) {
        if let d = other.dependency { finished(d) }
    }
}

/// What the transport saw of each exchange (one hop, one attempt) of a request, for `-vv`
/// and `--timings`. A caller that wants them sets ``current`` around `get`; a transport
/// that can tell (libcurl) appends to it.
public final class HTTPExchangeLog: @unchecked Sendable {
    // @unchecked: `entries` is guarded by `lock`.
    @TaskLocal public static var current: HTTPExchangeLog?

    public struct Exchange: Sendable, Equatable {
        /// `host:port` the TCP connection went to (the proxy's, when one is used).
        public var peer: String
        /// The exchange opened a connection rather than reusing one.
        public var newConnection: Bool
        /// The negotiated HTTP version (`1.1`, `2`), when known.
        public var httpVersion: String
        /// Seconds from the exchange's start to the connection being ready (0 when reused).
        public var connectSeconds: Double
        /// Seconds from the exchange's start to the first response byte.
        public var firstByteSeconds: Double
        public var totalSeconds: Double

        public init(
            peer: String, newConnection: Bool, httpVersion: String, connectSeconds: Double,
            firstByteSeconds: Double, totalSeconds: Double
        ) {
            self.peer = peer
            self.newConnection = newConnection
            self.httpVersion = httpVersion
            self.connectSeconds = connectSeconds
            self.firstByteSeconds = firstByteSeconds
            self.totalSeconds = totalSeconds
        }
    }

    private let lock = NSLock()
    private var entries: [Exchange] = []

    public init() {}

    public func append(_ e: Exchange) { lock.withLock { entries.append(e) } }
    public var exchanges: [Exchange] { lock.withLock { entries } }
}
