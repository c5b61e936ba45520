internal import CLibCurl
import FlakeLockBasics
import Foundation

/// One libcurl multi handle (`CURLM`) and the thread that drives it: every GET of a
/// transport runs on it, so transfers to a server that speaks HTTP/2 become streams of one
/// connection instead of a connection each, as in Nix's own downloader (one multi handle,
/// `CURLMOPT_PIPELINING = CURLPIPE_MULTIPLEX`, src/libstore/filetransfer.cc). Servers that
/// speak only HTTP/1.1 keep one request per connection at a time, reused across requests
/// (keep-alive), exactly as before.
///
/// libcurl's multi and easy handles are not thread-safe: only the loop thread touches them
/// while a transfer runs. Callers hand transfers over as commands and wake the loop with
/// `curl_multi_wakeup` (the one call libcurl allows from any thread). The write callback
/// runs on the loop thread and only queues body bytes for the caller's thread
/// (``MultiTransfer``), which feeds its sink there: a slow sink (an archive being unpacked)
/// never stalls the other transfers. When a transfer's queue is full, its callback answers
/// `CURL_WRITEFUNC_PAUSE` and the caller unpauses it once it has drained the queue.
///
/// Queues are generous (``QueueBudget``) because a pause is not free: a paused HTTP/2
/// stream keeps libcurl (7.88 here) from consuming its data, and once, in a full test run
/// under heavy load, requests sharing the connection with a paused stream were seen to wait
/// for it (a quiet machine shows no such wait). A transfer pauses only when its own queue
/// holds 16 MiB, or 1 MiB while all queues together hold 64 MiB: memory stays bounded, and
/// on a lock's archives (a few MiB each) no stream ever pauses.
///
/// The thread runs while transfers are in flight and ends when none is left; the multi
/// handle, and so its idle connections, live as long as the transport.
final class CurlMultiLoop: @unchecked Sendable {
    // @unchecked: `commands`, `threadRunning` and `closed` are guarded by `lock`; `multi` and
    // `active` are used by the loop thread only (one thread at a time: a new thread starts
    // only after the previous one gave up under `lock`).
    private var multi: UnsafeMutableRawPointer?
    private let lock = NSLock()
    private var commands: [Command] = []
    private var threadRunning = false
    private var active: [UnsafeMutableRawPointer: MultiTransfer] = [:]
    /// The bytes queued by all of this loop's transfers.
    let budget: QueueBudget

    init(budget: QueueBudget = QueueBudget()) { self.budget = budget }

    enum Command {
        case add(MultiTransfer)
        case unpause(MultiTransfer)
        case abort(MultiTransfer)
    }

    deinit {
        // No transfer can be in flight: each holds the transport, which holds this loop.
        if let multi { curl_multi_cleanup(multi) }
    }

    /// Queues `command` and makes sure a thread runs the loop. The multi handle is made on
    /// first use (after `curl_global_init`).
    func submit(_ command: Command) {
        let start: Bool? = lock.withLock {
            if multi == nil, let m = curl_multi_init() {
                _ = flk_curl_multi_setopt_long(m, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
                // Idle connections kept for reuse (keep-alive), across hosts.
                _ = flk_curl_multi_setopt_long(m, CURLMOPT_MAXCONNECTS, 64)
                multi = m
            }
            guard multi != nil else { return nil }
            commands.append(command)
            if threadRunning { return false }
            threadRunning = true
            return true
        }
        guard let start else {
            if case .add(let transfer) = command { transfer.complete(CURLE_OUT_OF_MEMORY) }
            return
        }
        if start {
            let t = Thread { [self] in run() }
            t.name = "flakelock-curl-multi"
            t.stackSize = 8 << 20  // as the BlockingExecutor's threads, which ran libcurl before
            t.start()
        } else {
            if let multi = lock.withLock({ self.multi }) { curl_multi_wakeup(multi) }
        }
    }

    private func run() {
        guard let multi = lock.withLock({ self.multi }) else { return }
        while true {
            let pending: [Command]? = lock.withLock {
                if commands.isEmpty && active.isEmpty {
                    threadRunning = false
                    return nil
                }
                defer { commands.removeAll() }
                return commands
            }
            guard let pending else { return }
            for command in pending { apply(command, multi) }
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            var easy: UnsafeMutableRawPointer? = nil
            var result = CURLE_OK
            while flk_curl_multi_next_done(multi, &easy, &result) != 0 {
                if let easy { finish(easy, result, multi) }
            }
            if !active.isEmpty { _ = curl_multi_poll(multi, nil, 0, 1000, nil) }
        }
    }

    private func apply(_ command: Command, _ multi: UnsafeMutableRawPointer) {
        switch command {
        case .add(let transfer):
            transfer.handle.withHandle { h in
                if curl_multi_add_handle(multi, h) == CURLM_OK {
                    active[h] = transfer
                } else {
                    transfer.complete(CURLE_FAILED_INIT)
                }
            }
        case .unpause(let transfer):
            transfer.handle.withHandle { h in
                if active[h] != nil { _ = curl_easy_pause(h, CURLPAUSE_CONT) }
            }
        case .abort(let transfer):
            transfer.handle.withHandle { h in
                if active[h] != nil { finish(h, CURLE_ABORTED_BY_CALLBACK, multi) }
            }
        }
    }

    private func finish(_ easy: UnsafeMutableRawPointer, _ result: CURLcode, _ multi: UnsafeMutableRawPointer) {
        guard let transfer = active.removeValue(forKey: easy) else { return }
        curl_multi_remove_handle(multi, easy)
        transfer.complete(result)
    }
}

/// One GET between the loop thread, which receives its bytes, and the caller's thread, which
/// waits in ``run(on:flag:deliver:)`` and hands them to the sink.
final class MultiTransfer: @unchecked Sendable {
    // @unchecked: `chunks`, `buffered`, `paused` and `result` are guarded by `condition`;
    // `handle` is touched by the loop thread between `.add` and `complete`, by the caller
    // before and after.
    let handle: CurlEasyHandle
    private let budget: QueueBudget
    private let condition = NSCondition()
    private var chunks: [[UInt8]] = []
    private var buffered = 0
    private var paused = false
    private var result: CURLcode?

    init(handle: CurlEasyHandle, budget: QueueBudget) {
        self.handle = handle
        self.budget = budget
    }

    /// Loop thread: queues body bytes; false means "pause me" (the bytes are not taken,
    /// libcurl delivers them again after the unpause).
    func offer(_ raw: UnsafeRawBufferPointer) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if buffered > 0 && budget.full(queued: buffered) {
            paused = true
            return false
        }
        chunks.append(Array(raw))
        buffered += raw.count
        budget.add(raw.count)
        condition.signal()
        return true
    }

    /// Loop thread: the transfer is over (removed from the multi handle).
    func complete(_ code: CURLcode) {
        condition.lock()
        result = code
        condition.signal()
        condition.unlock()
    }

    /// Caller's thread: runs the transfer on `loop`, handing each queued chunk to `deliver`
    /// (which answers false to stop: its sink failed), until libcurl is done with the
    /// handle. A cancelled `flag` aborts the transfer before the next chunk, or within a
    /// fifth of a second when no byte arrives (libcurl's progress callback, which also
    /// checks it, runs only while the transfer moves, not while it is paused).
    func run(on loop: CurlMultiLoop, flag: CancellationFlag, deliver: ([UInt8]) -> Bool) -> CURLcode {
        loop.submit(.add(self))
        var aborted = false
        func abort() {
            if !aborted { loop.submit(.abort(self)) }
            aborted = true
        }
        while true {
            condition.lock()
            while chunks.isEmpty && result == nil {
                if !condition.wait(until: Date(timeIntervalSinceNow: 0.2)), flag.isCancelled {
                    condition.unlock()
                    abort()
                    condition.lock()
                }
            }
            let taken = chunks
            let done = result
            let unpause = paused
            chunks = []
            budget.add(-buffered)
            buffered = 0
            paused = false
            condition.unlock()
            if !aborted {
                for chunk in taken where flag.isCancelled || !deliver(chunk) {
                    abort()
                    break
                }
            }
            if let done { return done }
            if unpause && !aborted { loop.submit(.unpause(self)) }
        }
    }
}

/// How many body bytes transfers may queue for their callers before pausing: `perTransfer`
/// each, or `whenShared` each once all of them hold `total` together.
final class QueueBudget: @unchecked Sendable {
    // @unchecked: `queued` is guarded by `lock`.
    let perTransfer: Int
    let total: Int
    let whenShared: Int
    private let lock = NSLock()
    private var queued = 0
    private var pauseCount = 0

    /// How many times a transfer paused (tests).
    var pauses: Int { lock.withLock { pauseCount } }

    init(perTransfer: Int = 16 << 20, total: Int = 64 << 20, whenShared: Int = 1 << 20) {
        self.perTransfer = perTransfer
        self.total = total
        self.whenShared = whenShared
    }

    func add(_ n: Int) { lock.withLock { queued += n } }

    /// Whether a transfer holding `queued` bytes must pause.
    func full(queued mine: Int) -> Bool {
        lock.withLock {
            let full = mine >= perTransfer || (mine >= whenShared && queued >= total)
            if full { pauseCount += 1 }
            return full
        }
    }
}
