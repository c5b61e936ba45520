#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

private func posixWrite(_ fd: Int32, _ buf: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
        Glibc.write(fd, buf, count)
    #elseif canImport(Musl)
        Musl.write(fd, buf, count)
    #else
        Darwin.write(fd, buf, count)
    #endif
}

/// An error writing a file atomically; names the path and the failed step.
public struct AtomicFileError: UserFacingError, Equatable {
    public var path: String
    public var operation: String
    public var errno: Int32

    public var description: String {
        let reason = String(cString: strerror(errno))
        return "cannot \(operation) '\(path)': \(reason)"
    }
}

/// Writes whole files atomically: readers see the old content or the new, never a mix.
public enum AtomicFile {
    /// Replaces the file at `path` with `bytes`.
    ///
    /// A temporary file is created in the same directory (mode 0666 minus the umask), the
    /// bytes are written and flushed with `fsync`, the file is renamed over `path`, and the
    /// directory is flushed. On failure the temporary file is removed and `path` is left as
    /// it was. Nothing of the old file (mode, owner, extended attributes) is preserved.
    ///
    /// - Throws: ``AtomicFileError``.
    public static func write(_ bytes: [UInt8], to path: String) throws(AtomicFileError) {
        let dir: String
        let base: String
        if let slash = path.lastIndex(of: "/") {
            dir = slash == path.startIndex ? "/" : String(path[..<slash])
            base = String(path[path.index(after: slash)...])
        } else {
            dir = "."
            base = path
        }
        var fd: Int32 = -1
        var tmp = ""
        for attempt in 0..<100 {
            tmp = "\(dir)/.\(base).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(attempt)"
            fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw AtomicFileError(path: path, operation: "create a temporary file for", errno: errno) }
        func fail(_ op: String) -> AtomicFileError {
            let e = errno
            close(fd)
            unlink(tmp)
            return AtomicFileError(path: path, operation: op, errno: e)
        }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { buf in
                posixWrite(fd, buf.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("write")
            }
            offset += n
        }
        if fsync(fd) != 0 { throw fail("sync") }
        if close(fd) != 0 {
            let e = errno
            unlink(tmp)
            throw AtomicFileError(path: path, operation: "close", errno: e)
        }
        if rename(tmp, path) != 0 {
            let e = errno
            unlink(tmp)
            throw AtomicFileError(path: path, operation: "rename a temporary file to", errno: e)
        }
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }
}
