// The system calls whose names or fields differ between Linux (Glibc, Musl) and macOS
// (Darwin). Every other file uses these instead of `#if` blocks of its own, so that porting
// means reading this file only. The rest of the POSIX calls the project makes (`openat`,
// `fstatat`, `readlinkat`, `fdopendir`, `readdir`, `O_DIRECTORY`, `O_NOFOLLOW`,
// `O_CLOEXEC`, `AT_SYMLINK_NOFOLLOW`, `mkdtemp`, …) exist under the same names on both.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#else
    #error("flakelock supports Linux (Glibc or Musl) and macOS (Darwin)")
#endif

/// Platform-specific system calls, with one implementation per C library.
public enum Platform {
    /// The modification time of `st` in whole seconds (`st_mtim` on Linux, `st_mtimespec`
    /// on Darwin).
    @inlinable
    public static func modificationSeconds(_ st: stat) -> Int64 {
        #if canImport(Darwin)
            Int64(st.st_mtimespec.tv_sec)
        #else
            Int64(st.st_mtim.tv_sec)
        #endif
    }

    /// Tells the kernel that `fd` will be read sequentially, from start to end, so that it
    /// reads ahead more (`posix_fadvise` on Linux, `F_RDAHEAD` on Darwin). Only a hint.
    @inlinable
    public static func adviseSequentialRead(_ fd: Int32) {
        #if canImport(Darwin)
            _ = fcntl(fd, F_RDAHEAD, 1)
        #else
            _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        #endif
    }

    /// `write(2)`, named through its module because Foundation declares other `write`s.
    @inlinable
    public static func write(_ fd: Int32, _ buf: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
            Glibc.write(fd, buf, count)
        #elseif canImport(Musl)
            Musl.write(fd, buf, count)
        #else
            Darwin.write(fd, buf, count)
        #endif
    }

    /// The name in a directory entry from `readdir`, without its terminating NUL
    /// (`d_name` is a fixed-size C array on every platform, of different sizes).
    @inlinable
    public static func entryName(_ entry: UnsafeMutablePointer<dirent>) -> [UInt8] {
        withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
    }

    /// Runs `body` on a new thread with a stack of `stackSize` bytes and waits for it to
    /// finish. Returns false, without running `body`, when no thread could be created.
    /// (`pthread_t` is an integer on Linux and a pointer on Darwin.)
    public static func runOnThread(stackSize: Int, _ body: @escaping () -> Void) -> Bool {
        let context = Unmanaged.passRetained(ThreadJob(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        #if canImport(Darwin)
            var thread: pthread_t?
        #else
            var thread = pthread_t()
        #endif
        let status = pthread_create(&thread, &attributes, { raw in Platform.startThread(raw) }, context)
        guard status == 0 else {
            Unmanaged<ThreadJob>.fromOpaque(context).release()
            return false
        }
        #if canImport(Darwin)
            if let thread { pthread_join(thread, nil) }
        #else
            pthread_join(thread, nil)
        #endif
        return true
    }

    private final class ThreadJob: @unchecked Sendable {
        // Run once by the new thread; the caller waits for it in `pthread_join`.
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    private static func startThread(_ raw: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
        guard let raw else { return nil }
        Unmanaged<ThreadJob>.fromOpaque(raw).takeRetainedValue().body()
        return nil
    }
}
