import Fetchers
import Foundation
import Logging

/// An HTTP transport that logs every request at `.debug` (`-vv`, `--debug`): the URL, then
/// its status, size and time, or its failure, and each connection it opened; and shows it on
/// the progress line. With `--timings` it records the request in ``RequestTimings``.
/// Headers, and so tokens, are never logged.
struct LoggingHTTPTransport: HTTPTransport {
    let base: any HTTPTransport
    let logger: Logger
    var progress: ProgressLine?
    var tally: ConnectionTally
    var timings: RequestTimings?

    func get(_ request: HTTPRequest, into sink: any HTTPBodySink) async throws -> HTTPResponse {
        logger.debug("downloading '\(request.url)'")
        let id = progress?.started(StderrLogHandler.redactPasswords(request.url))
        defer { if let id { progress?.finished(id) } }
        let counter = CountingSink(sink, progress: progress, id: id)
        let start = ContinuousClock.now
        let trace = RequestTrace.current
        let timed = timings?.begin(url: request.url, trace: trace)
        let log = HTTPExchangeLog()
        func finish(_ status: Int?, _ error: (any Error)?) {
            let exchanges = log.exchanges
            for e in exchanges where e.newConnection {
                let n = tally.opened()
                logger.debug(
                    "opened connection #\(n) to \(e.peer) (HTTP/\(e.httpVersion), ready after \(Int(e.connectSeconds * 1000)) ms) for '\(request.url)'"
                )
            }
            tally.reused(exchanges.filter { !$0.newConnection }.count)
            if let timed {
                timings?.end(timed, status: status, bytes: counter.count, exchanges: exchanges, error: error)
                trace?.finished(timed)
            }
        }
        do {
            let response = try await HTTPExchangeLog.$current.withValue(log) {
                try await base.get(request, into: counter)
            }
            finish(response.status, nil)
            logger.debug(
                "downloaded '\(request.url)': HTTP \(response.status), \(counter.count) bytes in \(Self.milliseconds(since: start)) ms"
            )
            return response
        } catch {
            finish(nil, error)
            logger.debug("download of '\(request.url)' failed after \(Self.milliseconds(since: start)) ms: \(error)")
            throw error
        }
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int64 {
        milliseconds(ContinuousClock.now - start)
    }

    static func milliseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }
}

/// Passes chunks on and counts their bytes.
final class CountingSink: HTTPBodySink, @unchecked Sendable {
    // @unchecked: a transfer delivers its chunks one at a time; `count` is read after it ends.
    let base: any HTTPBodySink
    let progress: ProgressLine?
    let id: Int?
    private(set) var count = 0

    init(_ base: any HTTPBodySink, progress: ProgressLine? = nil, id: Int? = nil) {
        self.base = base
        self.progress = progress
        self.id = id
    }

    func receive(_ bytes: UnsafeRawBufferPointer) throws {
        count += bytes.count
        if let progress, let id { progress.received(id, bytes: bytes.count) }
        try base.receive(bytes)
    }

    func restart() -> Bool {
        count = 0
        return base.restart()
    }
}

/// Connections opened and reused by a run's HTTP requests, for `-vv`'s summary.
final class ConnectionTally: @unchecked Sendable {
    // @unchecked: the counters are guarded by `lock`.
    private let lock = NSLock()
    private var openedCount = 0
    private var reusedCount = 0

    /// Counts a new connection; returns its number.
    func opened() -> Int {
        lock.withLock {
            openedCount += 1
            return openedCount
        }
    }

    func reused(_ n: Int) { lock.withLock { reusedCount += n } }

    var counts: (opened: Int, reused: Int) { lock.withLock { (openedCount, reusedCount) } }

    /// `HTTP connections: 3 opened, 21 exchanges reused one`.
    var summary: String {
        let (o, r) = counts
        return "HTTP connections: \(o) opened, \(r) exchanges reused one"
    }
}
