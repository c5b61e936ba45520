import FlakeLockBasics
import Foundation
import NixCompat

/// Hashes a directory tree on disk with two threads: a walker that does the system calls
/// (`openat`, `fstat`, `read`, `readdir`) and reads file contents ahead in NAR order, and
/// the calling thread, which frames the NAR and feeds SHA-256. The queue between them is
/// bounded by bytes, so memory stays small whatever the tree's size.
///
/// Blocking: call it from ``BlockingExecutor``.
enum DiskTreeWalker {
    enum Event {
        case directoryStart
        case directoryEnd
        case entry([UInt8])
        case entryEnd
        case regular(executable: Bool, size: UInt64)
        /// File bytes in a slab of ``SlabPool``: valid until the consumer sees `.releaseSlab`.
        case chunk(UnsafeRawBufferPointer)
        case releaseSlab(Int)
        case regularEnd
        case symlink([UInt8])
    }

    static func hash(path: String) throws -> TreeHasher.Result {
        let queue = BoundedEventQueue(maxBytes: 4 << 20)
        let slabs = SlabPool(count: 16, size: 1 << 20)
        defer { slabs.deallocate() }
        let walker = Thread {
            var producer = Producer(queue: queue, slabs: slabs)
            do {
                try producer.walkRoot(path)
                producer.releaseCurrentSlab()
                producer.flush()
                queue.finish(error: nil, maxMtime: producer.maxMtime)
            } catch {
                producer.flush()
                queue.finish(error: error, maxMtime: producer.maxMtime)
            }
        }
        walker.stackSize = 16 << 20
        walker.start()

        var w = NARWriter(sink: SHA256Sink())
        do {
            while let batch = queue.pop() {
                for event in batch { try apply(event, to: &w, slabs: slabs) }
            }
        } catch {
            queue.cancel()
            slabs.cancel()
            while queue.pop() != nil {}  // let the walker finish before the slabs go away
            walker.waitUntilFinished(queue)
            throw error
        }
        walker.waitUntilFinished(queue)
        if let error = queue.error {
            if case NARError.sizeMismatch = error { throw TreeHashError.changedWhileReading(path: path) }
            throw error
        }
        let sink = try w.finish()
        return TreeHasher.Result(narHash: sink.finalize(), narSize: sink.count, lastModified: queue.maxMtime)
    }

    private static func apply(_ e: Event, to w: inout NARWriter<SHA256Sink>, slabs: SlabPool) throws {
        switch e {
        case .directoryStart: try w.beginDirectory()
        case .directoryEnd: try w.endDirectory()
        case .entry(let n): try w.beginEntry(name: n)
        case .entryEnd: try w.endEntry()
        case .regular(let x, let size): try w.beginRegular(executable: x, size: size)
        case .chunk(let c): try w.writeContents(c)
        case .releaseSlab(let i): slabs.release(i)
        case .regularEnd: try w.endRegular()
        case .symlink(let t): try w.writeSymlink(target: t)
        }
    }

    /// The walking side: produces events in NAR order (entries sorted by bytes).
    struct Producer {
        let queue: BoundedEventQueue
        let slabs: SlabPool
        var slab: Int? = nil
        var slabOffset = 0
        var batch: [Event] = []
        var batchBytes = 0
        var maxMtime: Int64 = 0
        static let chunkSize = 1 << 20

        init(queue: BoundedEventQueue, slabs: SlabPool) {
            self.queue = queue
            self.slabs = slabs
            batch.reserveCapacity(512)
        }

        mutating func emit(_ e: Event, bytes: Int = 16) throws {
            batch.append(e)
            batchBytes += bytes
            if batch.count >= 512 || batchBytes >= 1 << 20 { try flushOrCancel() }
        }

        mutating func flushOrCancel() throws {
            flush()
            if queue.isCancelled { throw CancellationError() }
        }

        mutating func flush() {
            guard !batch.isEmpty else { return }
            queue.push(batch, bytes: batchBytes)
            batch = []
            batch.reserveCapacity(512)
            batchBytes = 0
        }

        mutating func walkRoot(_ path: String) throws {
            try visit(parentFD: AT_FDCWD, name: path, type: nil, path: path)
        }

        /// Opens or stats one entry. When `readdir` says it is a regular file or directory,
        /// one `openat` + `fstat` replaces `fstatat` + `openat` (one path lookup, not two);
        /// `O_NONBLOCK` keeps a FIFO that raced into its place from blocking the open.
        mutating func visit(parentFD: Int32, name: String, type: UInt8?, path: @autoclosure () -> String) throws {
            var st = stat()
            var fd: Int32 = -1
            if type == UInt8(DT_REG) || type == UInt8(DT_DIR) {
                let dirFlag = type == UInt8(DT_DIR) ? O_DIRECTORY : 0
                fd = openat(parentFD, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | dirFlag)
                if fd >= 0 {
                    guard fstat(fd, &st) == 0 else {
                        let e = errno
                        close(fd)
                        throw TreeHashError.cannotStat(path: path(), errno: e)
                    }
                } else if errno != ELOOP && errno != ENOTDIR {
                    throw TreeHashError.cannotOpen(path: path(), errno: errno)
                }
            }
            if fd < 0 {
                guard fstatat(parentFD, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
                    throw TreeHashError.cannotStat(path: path(), errno: errno)
                }
                let kind = st.st_mode & S_IFMT
                if kind == S_IFREG || kind == S_IFDIR {
                    fd = openat(parentFD, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
                    guard fd >= 0 else { throw TreeHashError.cannotOpen(path: path(), errno: errno) }
                }
            }
            defer { if fd >= 0 { close(fd) } }
            try walk(fd: fd, parentFD: parentFD, name: name, path: path(), st: st)
        }

        mutating func walk(fd: Int32, parentFD: Int32, name: String, path: @autoclosure () -> String, st: stat) throws {
            maxMtime = max(maxMtime, Platform.modificationSeconds(st))
            switch st.st_mode & S_IFMT {
            case S_IFREG:
                let size = UInt64(st.st_size)
                try emit(.regular(executable: st.st_mode & S_IXUSR != 0, size: size))
                try readContents(fd: fd, size: size, path: path())
                try emit(.regularEnd)
            case S_IFLNK:
                let target = try DiskEntries.linkTarget(in: parentFD, name, size: Int(st.st_size), path: path())
                try emit(.symlink(target), bytes: target.count)
            case S_IFDIR:
                let dirPath = path()
                let entries = try DiskEntries.list(directoryFD: fd, path: dirPath)
                try emit(.directoryStart)
                for (child, type) in entries {
                    let childName = String(decoding: child, as: UTF8.self)
                    try emit(.entry(child), bytes: child.count)
                    try visit(
                        parentFD: fd, name: childName, type: type,
                        path: dirPath.hasSuffix("/") ? dirPath + childName : dirPath + "/" + childName)
                    try emit(.entryEnd)
                }
                try emit(.directoryEnd)
            default:
                throw TreeHashError.unsupportedType(path: path())
            }
        }

        mutating func releaseCurrentSlab() {
            if let current = slab {
                batch.append(.releaseSlab(current))
                slab = nil
            }
        }

        /// Space for up to `want` bytes in the current slab, moving to a fresh one when full.
        mutating func reserve(_ want: Int) throws -> UnsafeMutableRawBufferPointer {
            if let current = slab, slabOffset < slabs.size {
                let n = min(want, slabs.size - slabOffset)
                return UnsafeMutableRawBufferPointer(start: slabs.base(current) + slabOffset, count: n)
            }
            releaseCurrentSlab()
            try flushOrCancel()  // the consumer must see the release before we may wait on a slab
            guard let next = slabs.acquire() else { throw CancellationError() }
            slab = next
            slabOffset = 0
            return UnsafeMutableRawBufferPointer(start: slabs.base(next), count: min(want, slabs.size))
        }

        /// Reads exactly `size` bytes (the size `fstatat` reported) into slabs. A file that
        /// shrank makes the NAR writer fail with a size mismatch; like Nix, growth after the
        /// stat is not looked for.
        mutating func readContents(fd: Int32, size: UInt64, path: String) throws {
            if size > UInt64(slabs.size) { Platform.adviseSequentialRead(fd) }
            var remaining = Int(clamping: size)
            while remaining > 0 {
                let space = try reserve(remaining)
                var got = 0
                while got < space.count {
                    let n = read(fd, space.baseAddress! + got, space.count - got)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw TreeHashError.cannotRead(path: path, errno: errno)
                    }
                    if n == 0 { break }
                    got += n
                }
                if got == 0 { break }
                try emit(.chunk(UnsafeRawBufferPointer(rebasing: space[0..<got])), bytes: 16)
                slabOffset += got
                remaining -= got
                if got < space.count { break }
            }
        }
    }
}

/// A byte-bounded single-producer, single-consumer queue of event batches.
final class BoundedEventQueue: @unchecked Sendable {
    // @unchecked: every field is guarded by `condition`.
    private let condition = NSCondition()
    private var batches: [[DiskTreeWalker.Event]] = []
    private var head = 0
    private var sizes: [Int] = []
    private var bytes = 0
    private let maxBytes: Int
    private var finished = false
    private var cancelled = false
    private(set) var error: (any Error)?
    private(set) var maxMtime: Int64 = 0

    init(maxBytes: Int) { self.maxBytes = maxBytes }

    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    func push(_ batch: [DiskTreeWalker.Event], bytes n: Int) {
        condition.lock()
        while bytes > maxBytes && !cancelled { condition.wait() }
        if !cancelled {
            batches.append(batch)
            sizes.append(n)
            bytes += n
            condition.broadcast()
        }
        condition.unlock()
    }

    func finish(error: (any Error)?, maxMtime: Int64) {
        condition.lock()
        self.error = error
        self.maxMtime = maxMtime
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    func waitFinished() {
        condition.lock()
        while !finished { condition.wait() }
        condition.unlock()
    }

    /// The next batch, or nil once the producer finished and everything was taken.
    func pop() -> [DiskTreeWalker.Event]? {
        condition.lock()
        defer { condition.unlock() }
        while head == batches.count && !finished { condition.wait() }
        guard head < batches.count else { return nil }
        let b = batches[head]
        bytes -= sizes[head]
        batches[head] = []
        head += 1
        if head > 1024 {
            batches.removeFirst(head)
            sizes.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return b
    }
}

/// Fixed buffers that carry file contents from the walker to the hasher without copying or
/// fresh allocations (fresh pages would cost a page fault each). Slabs are handed out and
/// returned in FIFO order, which bounds the bytes in flight to `count × size`.
final class SlabPool: @unchecked Sendable {
    // @unchecked: `free`/`cancelled` are guarded by `condition`; slab memory is handed over
    // between the two threads through the event queue, which orders the accesses.
    let size: Int
    private let memory: UnsafeMutableRawPointer
    private let condition = NSCondition()
    private var free: [Int]
    private var cancelled = false

    init(count: Int, size: Int) {
        self.size = size
        memory = UnsafeMutableRawPointer.allocate(byteCount: count * size, alignment: 64)
        free = Array((0..<count).reversed())
    }

    func base(_ i: Int) -> UnsafeMutableRawPointer { memory + i * size }

    /// A free slab, waiting for one if needed; nil once cancelled.
    func acquire() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while free.isEmpty && !cancelled { condition.wait() }
        return cancelled ? nil : free.removeLast()
    }

    func release(_ i: Int) {
        condition.lock()
        free.append(i)
        condition.signal()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    func deallocate() { memory.deallocate() }
}

extension Thread {
    /// Waits until the walker thread has published its final state to `queue`.
    func waitUntilFinished(_ queue: BoundedEventQueue) {
        queue.waitFinished()
    }
}
