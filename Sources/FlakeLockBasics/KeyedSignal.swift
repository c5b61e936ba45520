import Foundation

/// One-shot signals by key: ``wait(_:)`` suspends until ``fire(_:)`` is called for the key
/// (returning at once if it already was), or until the waiting task is cancelled. A signal,
/// once fired, stays fired for the life of the object.
public final class KeyedSignal: @unchecked Sendable {
    // @unchecked: `fired`, `waiters` and `nextID` are guarded by `lock`.
    private let lock = NSLock()
    private var fired: Set<String> = []
    private var waiters: [String: [Int: CheckedContinuation<Void, Never>]] = [:]
    private var nextID = 0

    public init() {}

    public func isFired(_ key: String) -> Bool {
        lock.withLock { fired.contains(key) }
    }

    /// Fires `key`, resuming every waiter; true the first time.
    @discardableResult
    public func fire(_ key: String) -> Bool {
        let (first, resumed) = lock.withLock { () -> (Bool, [CheckedContinuation<Void, Never>]) in
            let first = fired.insert(key).inserted
            return (first, Array((waiters.removeValue(forKey: key) ?? [:]).values))
        }
        for continuation in resumed { continuation.resume() }
        return first
    }

    /// Returns once `key` is fired, or as soon as the calling task is cancelled.
    public func wait(_ key: String) async {
        let id = lock.withLock { () -> Int in
            nextID += 1
            return nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = lock.withLock { () -> Bool in
                    if fired.contains(key) || Task.isCancelled { return true }
                    waiters[key, default: [:]][id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = lock.withLock { waiters[key]?.removeValue(forKey: id) }
            continuation?.resume()
        }
    }
}
