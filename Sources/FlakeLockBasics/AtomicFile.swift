import Foundation

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
///
/// Temporary files are named `.<name>.tmp-<pid>-<random>-<n>` beside the file they replace,
/// so that a later run can recognise and remove those that a killed run left behind
/// (``removeStaleTemporaries(for:)``).
public enum AtomicFile {
    /// Replaces the file at `path` with `bytes`.
    ///
    /// When `path` is a symbolic link, the file it points to (following every link) is
    /// replaced and the link stays, as Nix writes through it. A temporary file is created in
    /// the target's directory, with the mode and, where the process may, the owner of the
    /// file it replaces (a new file gets mode 0666 minus the umask); the bytes are written
    /// and flushed with `fsync`, the file is renamed over the target, and the directory is
    /// flushed. On failure the temporary file is removed and the target is left as it was.
    ///
    /// - Throws: ``AtomicFileError``.
    public static func write(_ bytes: [UInt8], to path: String) throws(AtomicFileError) {
        _ = ProcessStart.seconds
        let target = try resolveLinks(path)
        let (dir, base) = split(target)
        var old = stat()
        let replacing = stat(target, &old) == 0
        var fd: Int32 = -1
        var tmp = ""
        for attempt in 0..<100 {
            tmp = "\(dir)/\(temporaryPrefix(base))\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(attempt)"
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
        if replacing {
            // Owner first: changing it may clear set-id bits, which the mode then restores.
            if fchown(fd, old.st_uid, old.st_gid) != 0 && errno != EPERM { throw fail("keep the owner of") }
            if fchmod(fd, old.st_mode & 0o7777) != 0 { throw fail("keep the mode of") }
        }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { buf in
                Platform.write(fd, buf.baseAddress.map { $0 + offset }, bytes.count - offset)
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
        if rename(tmp, target) != 0 {
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

    /// Removes the temporary files that earlier, killed runs left beside `path` (or beside
    /// the file its symbolic links lead to): those named like ours whose process no longer
    /// exists and that were last written before this process first used `AtomicFile`.
    /// Files of runs still going are kept. Errors are ignored; this only tidies.
    /// - Returns: the paths removed.
    @discardableResult
    public static func removeStaleTemporaries(for path: String) -> [String] {
        guard let target = try? resolveLinks(path) else { return [] }
        let (dir, base) = split(target)
        let prefix = temporaryPrefix(base)
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        let started = ProcessStart.seconds
        var removed: [String] = []
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasPrefix(prefix), let pid = ownerPID(String(name.dropFirst(prefix.count))), pid != getpid()
            else {
                continue
            }
            let full = dir + "/" + name
            var st = stat()
            guard lstat(full, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG,
                Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9 < started
            else {
                continue
            }
            if kill(pid, 0) == 0 || errno == EPERM { continue }
            if unlink(full) == 0 { removed.append(full) }
        }
        return removed
    }

    /// `.<base>.tmp-`: the start of every temporary file name for `base`.
    static func temporaryPrefix(_ base: String) -> String { ".\(base).tmp-" }

    /// The process id in a temporary-name suffix `<pid>-<random>-<n>`, or nil if the suffix
    /// is not of that form.
    static func ownerPID(_ suffix: String) -> pid_t? {
        let parts = suffix.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let pid = pid_t(parts[0]), pid > 0
        else { return nil }
        return pid
    }

    /// (directory, last component) of `path`.
    static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        return (slash == path.startIndex ? "/" : String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    /// `path` with symbolic links in its last component followed (at most 40, like the
    /// kernel), relative targets taken from the link's directory. A dangling link gives its
    /// target, which the write then creates.
    static func resolveLinks(_ path: String) throws(AtomicFileError) -> String {
        var current = path
        for _ in 0..<40 {
            var buf = [Int8](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buf, buf.count - 1)
            if n < 0 {
                if errno == EINVAL || errno == ENOENT { return current }
                throw AtomicFileError(path: path, operation: "read the symbolic link", errno: errno)
            }
            let link = String(decoding: buf[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link : split(current).0 + "/" + link
        }
        throw AtomicFileError(path: path, operation: "follow the symbolic links of", errno: ELOOP)
    }
}

/// When this process first tidied or wrote with ``AtomicFile`` (seconds since the epoch):
/// a temporary file last written before then belongs to an earlier run.
enum ProcessStart {
    static let seconds: Double = now()

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
