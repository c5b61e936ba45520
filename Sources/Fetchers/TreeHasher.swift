import FlakeLockBasics
import Foundation
import NixCompat

/// Errors from reading a tree on disk. Wording follows Nix.
public enum TreeHashError: UserFacingError, Equatable {
    case cannotStat(path: String, errno: Int32)
    case cannotOpen(path: String, errno: Int32)
    case cannotRead(path: String, errno: Int32)
    case unsupportedType(path: String)
    case changedWhileReading(path: String)

    public var description: String {
        switch self {
        case .cannotStat(let p, let e): "getting status of '\(p)': \(String(cString: strerror(e)))"
        case .cannotOpen(let p, let e): "opening '\(p)': \(String(cString: strerror(e)))"
        case .cannotRead(let p, let e): "reading '\(p)': \(String(cString: strerror(e)))"
        case .unsupportedType(let p): "file '\(p)' has an unsupported type"
        case .changedWhileReading(let p): "file '\(p)' changed while it was being read"
        }
    }
}

/// A file-system path as a NAR tree node. Symlinks are not followed; the executable bit is
/// the owner-execute bit; sockets, FIFOs and devices are refused (Nix refuses them too).
///
/// All calls block: use it from ``BlockingExecutor``, never from an async context directly.
public struct DiskTreeNode: NARTreeNode {
    public let path: String
    /// Largest `st_mtime` seen so far, shared by all nodes of one walk (`path:` inputs'
    /// `lastModified`).
    let stats: WalkStats

    final class WalkStats {
        var maxMtime: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
    }

    public init(path: String) {
        self.path = path
        self.stats = WalkStats()
    }

    init(path: String, stats: WalkStats) {
        self.path = path
        self.stats = stats
    }

    private func lstatOrThrow() throws -> stat {
        var st = stat()
        guard lstat(path, &st) == 0 else { throw TreeHashError.cannotStat(path: path, errno: errno) }
        stats.maxMtime = max(stats.maxMtime, Platform.modificationSeconds(st))
        return st
    }

    public func kind() throws -> NARNodeKind {
        let st = try lstatOrThrow()
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            return .regular(executable: st.st_mode & S_IXUSR != 0, size: UInt64(st.st_size))
        case S_IFLNK:
            return .symlink(target: try DiskEntries.linkTarget(in: AT_FDCWD, path, size: Int(st.st_size), path: path))
        case S_IFDIR:
            return .directory
        default:
            throw TreeHashError.unsupportedType(path: path)
        }
    }

    public func children() throws -> [(name: [UInt8], node: DiskTreeNode)] {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw TreeHashError.cannotOpen(path: path, errno: errno) }
        defer { close(fd) }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        return try DiskEntries.list(directoryFD: fd, path: path).map { entry in
            (entry.name, DiskTreeNode(path: prefix + String(decoding: entry.name, as: UTF8.self), stats: stats))
        }
    }

    public func readContents(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw TreeHashError.cannotOpen(path: path, errno: errno) }
        defer { close(fd) }
        Platform.adviseSequentialRead(fd)
        try stats.buffer.withUnsafeMutableBytes { buf in
            while true {
                let n = read(fd, buf.baseAddress, buf.count)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw TreeHashError.cannotRead(path: path, errno: errno)
                }
                if n == 0 { break }
                try consume(UnsafeRawBufferPointer(rebasing: buf[0..<n]))
            }
        }
    }
}

/// Hashes trees on disk as `nix hash path` does (NAR, SHA-256).
public enum TreeHasher {
    public struct Result: Sendable, Equatable {
        public var narHash: NixHash
        public var narSize: UInt64
        /// The largest modification time (whole seconds) of any entry, the top included.
        public var lastModified: Int64
    }

    /// Hashes the tree at `path` synchronously (blocking; it uses one extra thread to read
    /// ahead while this one hashes).
    public static func hashPathBlocking(_ path: String) throws -> Result {
        try DiskTreeWalker.hash(path: path)
    }

    /// Hashes the tree at `path` on the blocking pool.
    public static func hashPath(_ path: String, executor: BlockingExecutor = .shared) async throws -> Result {
        try await executor.run { try hashPathBlocking(path) }
    }
}
