import Foundation

/// Grows the number of concurrent transfers to one peer (`host:port`, or the proxy's) the
/// way TCP slow start grows a window: at first `initial` transfers may run, and each
/// transfer that opened a connection allows one more as soon as its handshakes (TCP, TLS,
/// proxy tunnel) completed, up to `maximum`. Transfers beyond the window wait for a slot
/// and then mostly reuse one of the connections already open (the transport's multi handle
/// keeps them).
///
/// So at most about `initial` connection handshakes are ever outstanding to a peer: a burst
/// of new TLS connections cannot overflow a small accept queue (a listen backlog of 5, as
/// Python's servers and many small proxies use), where every dropped SYN costs a 1 s
/// retransmit.
///
/// An origin (`scheme://host:port`) whose last response came over HTTP/2 needs no slot: a
/// transfer to it becomes a stream of a connection already open, or being opened (libcurl's
/// `CURLOPT_PIPEWAIT` makes it wait for that connection rather than open its own). Its
/// first HTTP/2 answer also lets every transfer to it still waiting for a slot go at once.
/// An HTTP/1.x answer from such an origin (another server behind the same name) puts it
/// back under the window.
final class ConnectionRamp: @unchecked Sendable {
    // @unchecked: `peers`, `multiplexed` and `nextWaiter` are guarded by `lock`.
    private struct Waiter {
        var id: Int
        var origin: String?
        /// Resumed with true for a slot of the window, false to go as a stream.
        var continuation: CheckedContinuation<Bool, any Error>
    }

    private struct Peer {
        var window: Int
        var active = 0
        var waiting: [Waiter] = []
    }

    let initial: Int
    let maximum: Int
    private let lock = NSLock()
    private var peers: [String: Peer] = [:]
    private var multiplexed: Set<String> = []
    private var nextWaiter = 0

    init(initial: Int, maximum: Int) {
        self.initial = max(1, initial)
        self.maximum = max(self.initial, maximum)
    }

    /// Runs `body` in a slot of `peer`'s window, or at once as a stream when `origin` is
    /// known to multiplex.
    func withSlot<T>(_ peer: String, origin: String? = nil, _ body: () async throws -> T) async throws -> T {
        let counted = try await acquire(peer, origin: origin)
        defer { if counted { release(peer) } }
        return try await body()
    }

    /// Whether transfers to `origin` go as streams of one connection.
    func multiplexes(_ origin: String) -> Bool { lock.withLock { multiplexed.contains(origin) } }

    /// A transfer to `peer` opened a connection and its handshakes completed: the window
    /// grows by one.
    func connected(_ peer: String) {
        let ready: [CheckedContinuation<Bool, any Error>] = lock.withLock {
            guard var p = peers[peer] else { return [] }
            p.window = min(maximum, p.window + 1)
            let r = takeReady(&p)
            peers[peer] = p
            return r
        }
        for c in ready { c.resume(returning: true) }
    }

    /// `origin` answered with this HTTP version ("2", "1.1"; "" when unknown).
    func answered(_ origin: String, httpVersion: String) {
        let streams: [CheckedContinuation<Bool, any Error>] = lock.withLock {
            guard httpVersion == "2" || httpVersion == "3" else {
                if !httpVersion.isEmpty { multiplexed.remove(origin) }
                return []
            }
            guard multiplexed.insert(origin).inserted else { return [] }
            var out: [CheckedContinuation<Bool, any Error>] = []
            for key in Array(peers.keys) {
                guard var p = peers[key], p.waiting.contains(where: { $0.origin == origin }) else { continue }
                out += p.waiting.filter { $0.origin == origin }.map(\.continuation)
                p.waiting.removeAll { $0.origin == origin }
                peers[key] = p
            }
            return out
        }
        for c in streams { c.resume(returning: false) }
    }

    /// The current window of `peer` (tests, diagnostics).
    func window(_ peer: String) -> Int { lock.withLock { peers[peer]?.window ?? initial } }

    /// Waits for a slot (true) or, once `origin` multiplexes, for nothing (false).
    private func acquire(_ peer: String, origin: String?) async throws -> Bool {
        let id: Int? = lock.withLock {
            if let origin, multiplexed.contains(origin) { return 0 }
            var p = peers[peer] ?? Peer(window: initial)
            defer { peers[peer] = p }
            if p.active < p.window && p.waiting.isEmpty {
                p.active += 1
                return nil
            }
            nextWaiter += 1
            return nextWaiter
        }
        guard let id else { return true }
        if id == 0 { return false }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Bool, any Error>) in
                let ready: Bool = lock.withLock {
                    var p = peers[peer] ?? Peer(window: initial)
                    defer { peers[peer] = p }
                    if Task.isCancelled { return false }
                    p.waiting.append(Waiter(id: id, origin: origin, continuation: c))
                    return true
                }
                if !ready { c.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let c: CheckedContinuation<Bool, any Error>? = lock.withLock {
                guard var p = peers[peer], let i = p.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                let c = p.waiting.remove(at: i).continuation
                peers[peer] = p
                return c
            }
            c?.resume(throwing: CancellationError())
        }
    }

    private func release(_ peer: String) {
        let ready: [CheckedContinuation<Bool, any Error>] = lock.withLock {
            guard var p = peers[peer] else { return [] }
            p.active -= 1
            let r = takeReady(&p)
            peers[peer] = p
            return r
        }
        for c in ready { c.resume(returning: true) }
    }

    /// Hands free slots to waiters, first come first served (call under `lock`).
    private func takeReady(_ p: inout Peer) -> [CheckedContinuation<Bool, any Error>] {
        var out: [CheckedContinuation<Bool, any Error>] = []
        while p.active < p.window, !p.waiting.isEmpty {
            p.active += 1
            out.append(p.waiting.removeFirst().continuation)
        }
        return out
    }
}
