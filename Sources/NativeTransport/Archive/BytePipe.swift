import Fetchers
import FlakeLockBasics
import Foundation

/// A bounded blocking byte queue between one producer thread (the HTTP write callback)
/// and one consumer thread (libarchive's read callback).
///
/// The producer blocks while `capacity` bytes are queued; the consumer blocks while the
/// queue is empty. Either side can end the pipe: ``finish()`` / ``fail(_:)`` from the
/// producer, ``abandon(_:)`` from the consumer (the producer's next write then throws,
/// which aborts the download).
///
/// When the transport retries a transfer that already delivered bytes, ``restart()`` drops
/// what is queued and makes the consumer's next read throw ``Restarted``: the consumer then
/// starts over from the first byte of the new attempt, so a partial body is never hashed.
final class BytePipe: HTTPBodySink, @unchecked Sendable {
    // @unchecked: all mutable state is guarded by `condition`.
    private let condition = NSCondition()
    private var chunks: [[UInt8]] = []
    private var head = 0
    private var queued = 0
    private var finished = false
    private var discarding = false
    private var producerError: (any Error)?
    private var consumerError: (any Error)?
    private var restartPending = false
    private let capacity: Int
    /// Total bytes written (for `file` mode sizes and tests).
    private(set) var totalWritten: UInt64 = 0

    init(capacity: Int = 4 << 20) { self.capacity = capacity }

    struct Abandoned: Error {}

    /// Thrown to the consumer when the producer restarted the body: begin again.
    struct Restarted: Error {}

    // MARK: Producer

    func receive(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        while queued >= capacity && consumerError == nil && !discarding { condition.wait() }
        if let e = consumerError { throw e }
        if discarding {
            totalWritten += UInt64(bytes.count)
            return
        }
        chunks.append(Array(bytes))
        queued += bytes.count
        totalWritten += UInt64(bytes.count)
        condition.broadcast()
    }

    /// The transport retries from the start: the consumer is told to start over. A consumer
    /// that already has its whole archive (discarding the rest) keeps its result; one that
    /// gave up cannot restart.
    func restart() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if consumerError != nil { return false }
        totalWritten = 0
        if discarding { return true }
        chunks.removeAll()
        head = 0
        queued = 0
        restartPending = true
        condition.broadcast()
        return true
    }

    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    func fail(_ error: any Error) {
        condition.lock()
        if producerError == nil { producerError = error }
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    // MARK: Consumer

    /// The next chunk, or nil at the end. Throws the producer's error, or ``Restarted``
    /// once after a restart (before any byte of the new attempt).
    func next() throws -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        while head == chunks.count && !finished && !restartPending { condition.wait() }
        if restartPending {
            restartPending = false
            throw Restarted()
        }
        if head < chunks.count {
            let c = chunks[head]
            head += 1
            if head > 64 {
                chunks.removeFirst(head)
                head = 0
            }
            queued -= c.count
            condition.broadcast()
            return c
        }
        if let e = producerError { throw e }
        return nil
    }

    /// Whether the consumer gave up (its error is then the cause of a failed download).
    var wasAbandoned: Bool {
        condition.lock()
        defer { condition.unlock() }
        return consumerError != nil
    }

    /// The consumer stops reading; the producer's next write throws `error`.
    func abandon(_ error: any Error) {
        condition.lock()
        if consumerError == nil { consumerError = error }
        condition.broadcast()
        condition.unlock()
    }

    /// Drops everything not yet read and everything still to come (the consumer has all it
    /// needs, e.g. the archive's end marker came before the end of the stream).
    func discardRemaining() {
        condition.lock()
        discarding = true
        chunks.removeAll()
        head = 0
        queued = 0
        condition.broadcast()
        condition.unlock()
    }
}
