import Foundation

/// A fixed pool of threads for blocking work (C library calls, file-system walks), so that
/// Swift's cooperative pool is never blocked. Work is bridged with a checked continuation.
///
/// Threads are started on demand, up to the pool's size, so an executor that is never used
/// costs nothing. They hold only the pool's shared queue, not the executor: when the last
/// reference to an executor goes away, its threads finish the queued work and exit.
public final class BlockingExecutor: @unchecked Sendable {
    // @unchecked: all mutable state lives in `Queue`, guarded by its condition.
    private let queue: Queue

    /// The process-wide pool. Its size follows the number of cores, at least 4, since most
    /// blocking work here waits on the network rather than the CPU.
    public static let shared = BlockingExecutor(threads: max(4, ProcessInfo.processInfo.activeProcessorCount * 4))

    public init(threads count: Int) {
        precondition(count > 0)
        queue = Queue(maxThreads: count)
    }

    deinit {
        queue.shutDown()
    }

    /// Runs `body` on one of the pool's threads and returns its result.
    ///
    /// If the calling task is cancelled before `body` starts, `body` is not run and
    /// `CancellationError` is thrown. A running `body` is not interrupted: it should poll
    /// its own cancellation flag where that matters (e.g. a libcurl progress callback).
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try Task.checkCancellation()
        return try await withCheckedThrowingContinuation { (cont: CheckedContinuation<T, any Error>) in
            queue.enqueue { cont.resume(with: Result { try body() }) }
        }
    }

    /// The job queue the threads share.
    private final class Queue: @unchecked Sendable {
        // @unchecked: every field is guarded by `condition`.
        private let condition = NSCondition()
        private var jobs: [() -> Void] = []
        private var head = 0
        private var shuttingDown = false
        private let maxThreads: Int
        private var threads = 0
        private var idle = 0

        init(maxThreads: Int) { self.maxThreads = maxThreads }

        func enqueue(_ job: @escaping () -> Void) {
            condition.lock()
            jobs.append(job)
            let pending = jobs.count - head
            if pending > idle && threads < maxThreads {
                threads += 1
                let t = Thread { [self] in workerLoop() }
                t.name = "flakelock-blocking-\(threads)"
                t.stackSize = 8 << 20
                t.start()
            }
            condition.signal()
            condition.unlock()
        }

        func shutDown() {
            condition.lock()
            shuttingDown = true
            condition.broadcast()
            condition.unlock()
        }

        func workerLoop() {
            while true {
                condition.lock()
                while head == jobs.count && !shuttingDown {
                    idle += 1
                    condition.wait()
                    idle -= 1
                }
                if head == jobs.count {
                    condition.unlock()
                    return
                }
                let job = jobs[head]
                head += 1
                if head > 256 && head * 2 > jobs.count {
                    jobs.removeFirst(head)
                    head = 0
                }
                condition.unlock()
                job()
            }
        }
    }
}
