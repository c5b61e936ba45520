import Fetchers
import Foundation
import Logging

/// An HTTP transport that logs every request at `.debug` (`-vv`, `--debug`): the URL, then
/// its status, size and time, or its failure. Headers, and so tokens, are never logged.
struct LoggingHTTPTransport: HTTPTransport {
    let base: any HTTPTransport
    let logger: Logger

    func get(_ request: HTTPRequest, into sink: any HTTPBodySink) async throws -> HTTPResponse {
        logger.debug("downloading '\(request.url)'")
        let counter = CountingSink(sink)
        let start = ContinuousClock.now
        do {
            let response = try await base.get(request, into: counter)
            logger.debug(
                "downloaded '\(request.url)': HTTP \(response.status), \(counter.count) bytes in \(Self.milliseconds(since: start)) ms")
            return response
        } catch {
            logger.debug("download of '\(request.url)' failed after \(Self.milliseconds(since: start)) ms: \(error)")
            throw error
        }
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int64 {
        let d = ContinuousClock.now - start
        return d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }
}

/// Passes chunks on and counts their bytes.
final class CountingSink: HTTPBodySink, @unchecked Sendable {
    // @unchecked: a transfer delivers its chunks one at a time; `count` is read after it ends.
    let base: any HTTPBodySink
    private(set) var count = 0

    init(_ base: any HTTPBodySink) { self.base = base }

    func receive(_ bytes: UnsafeRawBufferPointer) throws {
        count += bytes.count
        try base.receive(bytes)
    }

    func restart() -> Bool {
        count = 0
        return base.restart()
    }
}
