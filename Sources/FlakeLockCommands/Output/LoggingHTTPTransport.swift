import Fetchers
import Foundation
import Logging

/// An HTTP transport that logs every request at `.debug` (`-vv`, `--debug`): the URL, then
/// its status, size and time, or its failure; and shows it on the progress line. Headers,
/// and so tokens, are never logged.
struct LoggingHTTPTransport: HTTPTransport {
    let base: any HTTPTransport
    let logger: Logger
    var progress: ProgressLine?

    func get(_ request: HTTPRequest, into sink: any HTTPBodySink) async throws -> HTTPResponse {
        logger.debug("downloading '\(request.url)'")
        let id = progress?.started(StderrLogHandler.redactPasswords(request.url))
        defer { if let id { progress?.finished(id) } }
        let counter = CountingSink(sink, progress: progress, id: id)
        let start = ContinuousClock.now
        do {
            let response = try await base.get(request, into: counter)
            logger.debug(
                "downloaded '\(request.url)': HTTP \(response.status), \(counter.count) bytes in \(Self.milliseconds(since: start)) ms"
            )
            return response
        } catch {
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
