import Fetchers
import FlakeLockBasics
import Foundation

/// An exclusive `flock` on `<repository>.lock`, the lock every flakelock process takes
/// before creating or fetching into a cache repository (as Nix locks each Git cache
/// directory, `src/libfetchers/git.cc`). The lock belongs to the open file: it ends when
/// this value is deinitialised (keep it alive with `withExtendedLifetime`) or when the
/// process dies, so a killed run never leaves it behind.
final class RepositoryFileLock: Sendable {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    /// The lock file of a cache repository.
    static func lockFile(for repository: String) -> String {
        var r = repository
        while r.count > 1 && r.hasSuffix("/") { r.removeLast() }
        return r + ".lock"
    }

    /// Takes the lock if it is free (nil if another holder has it). Never waits.
    static func tryAcquire(for repository: String) throws -> RepositoryFileLock? {
        try acquire(for: repository, wait: false)
    }

    /// Takes the lock, waiting for it on the calling (blocking) thread.
    static func acquireBlocking(for repository: String) throws -> RepositoryFileLock {
        guard let l = try acquire(for: repository, wait: true) else {
            throw GitTransportError.library(
                operation: "locking '\(lockFile(for: repository))'", code: -1, message: "lock not taken")
        }
        return l
    }

    private static func acquire(for repository: String, wait: Bool) throws -> RepositoryFileLock? {
        let path = lockFile(for: repository)
        let parent = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(path, "opening") }
        while flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            if e == EINTR { continue }
            close(fd)
            if e == EWOULDBLOCK { return nil }
            errno = e
            throw failure(path, "locking")
        }
        return RepositoryFileLock(fd: fd)
    }

    private static func failure(_ path: String, _ what: String) -> GitTransportError {
        .library(operation: "\(what) '\(path)'", code: -1, message: String(cString: strerror(errno)))
    }

    /// Takes the lock without tying up a thread while it is busy: each attempt is a
    /// non-blocking `flock` on `executor`, and the waits between attempts are task sleeps.
    static func acquire(for repository: String, executor: BlockingExecutor) async throws -> RepositoryFileLock {
        var delay = Duration.milliseconds(5)
        while true {
            if let l = try await runCancellable(on: executor, { _ in try tryAcquire(for: repository) }) { return l }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .milliseconds(200))
        }
    }
}
