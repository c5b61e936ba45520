import Foundation

/// A fixed pool of threads for blocking work (C library calls, file-system walks), so that
/// Swift's cooperative pool is never blocked. Work is bridged with a checked continuation.
public final class BlockingExecutor: @unchecked Sendable {
    // @unchecked: all mutable state is guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [() -> Void] = []
    private var threads: [Thread] = []
    private var shuttingDown = false

    /// The process-wide pool. Its size follows the number of cores, at least 4, since most
    /// blocking work here waits on the network rather than the CPU.
    public static let shared = BlockingExecutor(threads: max(4, ProcessInfo.processInfo.activeProcessorCount * 4))

    public init(threads count: Int) {
        precondition(count > 0)
        for i in 0..<count {
            let t = Thread { [unowned self] in self.workerLoop() }
            t.name = "flakelock-blocking-\(i)"
            t.stackSize = 8 << 20
            threads.append(t)
            t.start()
        }
    }

    private func workerLoop() {
        while true {
            condition.lock()
            while queue.isEmpty && !shuttingDown { condition.wait() }
            if queue.isEmpty && shuttingDown {
                condition.unlock()
                return
            }
            let job = queue.removeFirst()
            condition.unlock()
            job()
        }
    }

    private func enqueue(_ job: @escaping () -> Void) {
        condition.lock()
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs `body` on one of the pool's threads and returns its result.
    ///
    /// If the calling task is cancelled before `body` starts, `body` is not run and
    /// `CancellationError` is thrown. A running `body` is not interrupted: it should poll
    /// its own cancellation flag where that matters (e.g. a libcurl progress callback).
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try Task.checkCancellation()
        return try await withCheckedThrowingContinuation { (cont: CheckedContinuation<T, any Error>) in
            enqueue { cont.resume(with: Result { try body() }) }
        }
    }
}
