import Foundation

/// Grows the number of concurrent transfers to one peer (`host:port`, or the proxy's) the
/// way TCP slow start grows a window: at first `initial` transfers may run, and each
/// transfer that opened a connection allows one more as soon as its handshakes (TCP, TLS,
/// proxy tunnel) completed, up to `maximum`. Transfers beyond the window wait for a slot and then mostly reuse one of the
/// connections already open (the transport's libcurl share handle keeps them).
///
/// So at most about `initial` connection handshakes are ever outstanding to a peer: a burst
/// of new TLS connections cannot overflow a small accept queue (a listen backlog of 5, as
/// Python's servers and many small proxies use), where every dropped SYN costs a 1 s
/// retransmit.
final class ConnectionRamp: @unchecked Sendable {
    // @unchecked: `peers` and `nextWaiter` are guarded by `lock`.
    private struct Peer {
        var window: Int
        var active = 0
        var waiting: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    }

    let initial: Int
    let maximum: Int
    private let lock = NSLock()
    private var peers: [String: Peer] = [:]
    private var nextWaiter = 0

    init(initial: Int, maximum: Int) {
        self.initial = max(1, initial)
        self.maximum = max(self.initial, maximum)
    }

    /// Runs `body` in a slot of `peer`'s window.
    func withSlot<T>(_ peer: String, _ body: () async throws -> T) async throws -> T {
        try await acquire(peer)
        defer { release(peer) }
        return try await body()
    }

    /// A transfer to `peer` opened a connection and its handshakes completed: the window
    /// grows by one.
    func connected(_ peer: String) {
        let ready: [CheckedContinuation<Void, any Error>] = lock.withLock {
            guard var p = peers[peer] else { return [] }
            p.window = min(maximum, p.window + 1)
            let r = takeReady(&p)
            peers[peer] = p
            return r
        }
        for c in ready { c.resume() }
    }

    /// The current window of `peer` (tests, diagnostics).
    func window(_ peer: String) -> Int { lock.withLock { peers[peer]?.window ?? initial } }

    private func acquire(_ peer: String) async throws {
        let id: Int? = lock.withLock {
            var p = peers[peer] ?? Peer(window: initial)
            defer { peers[peer] = p }
            if p.active < p.window && p.waiting.isEmpty {
                p.active += 1
                return nil
            }
            nextWaiter += 1
            return nextWaiter
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let ready: Bool = lock.withLock {
                    var p = peers[peer] ?? Peer(window: initial)
                    defer { peers[peer] = p }
                    if Task.isCancelled { return false }
                    p.waiting.append((id, c))
                    return true
                }
                if !ready { c.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let c: CheckedContinuation<Void, any Error>? = lock.withLock {
                guard var p = peers[peer], let i = p.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                let c = p.waiting.remove(at: i).continuation
                peers[peer] = p
                return c
            }
            c?.resume(throwing: CancellationError())
        }
    }

    private func release(_ peer: String) {
        let ready: [CheckedContinuation<Void, any Error>] = lock.withLock {
            guard var p = peers[peer] else { return [] }
            p.active -= 1
            let r = takeReady(&p)
            peers[peer] = p
            return r
        }
        for c in ready { c.resume() }
    }

    /// Hands free slots to waiters, first come first served (call under `lock`).
    private func takeReady(_ p: inout Peer) -> [CheckedContinuation<Void, any Error>] {
        var out: [CheckedContinuation<Void, any Error>] = []
        while p.active < p.window, !p.waiting.isEmpty {
            p.active += 1
            out.append(p.waiting.removeFirst().continuation)
        }
        return out
    }
}
