import FlakeLockBasics
import Foundation

/// The two directory-level reads both disk walkers make: ``DiskTreeNode`` (one path at a
/// time, for trees filtered node by node) and ``DiskTreeWalker`` (descriptor-relative, read
/// ahead for hashing). All calls block.
enum DiskEntries {
    /// The target of the symlink `name` in the directory open as `directoryFD` (`AT_FDCWD`
    /// with a whole path as `name`). `size` is `lstat`'s `st_size`; a target that grew since
    /// is read again with a larger buffer.
    static func linkTarget(
        in directoryFD: Int32, _ name: String, size: Int, path: @autoclosure () -> String
    ) throws -> [UInt8] {
        var buf = [UInt8](repeating: 0, count: size + 1)
        while true {
            let n = readlinkat(directoryFD, name, &buf, buf.count)
            guard n >= 0 else { throw TreeHashError.cannotRead(path: path(), errno: errno) }
            if n < buf.count { return Array(buf[0..<n]) }
            buf = [UInt8](repeating: 0, count: buf.count * 2)
        }
    }

    /// The entries of the directory open as `fd` (without `.` and `..`) in byte order, with
    /// the type `readdir` reports (`DT_UNKNOWN` on file systems that don't say). `fd` stays
    /// open and owned by the caller.
    static func list(directoryFD fd: Int32, path: String) throws -> [(name: [UInt8], type: UInt8)] {
        #if os(Linux)
            if let getdents = Self.getdents64 {
                return try listWithGetdents(getdents, directoryFD: fd, path: path)
            }
        #endif
        let dupFD = dup(fd)
        guard dupFD >= 0, let dir = fdopendir(dupFD) else {
            let e = errno
            if dupFD >= 0 { close(dupFD) }
            throw TreeHashError.cannotOpen(path: path, errno: e)
        }
        defer { closedir(dir) }
        var names: [(name: [UInt8], type: UInt8)] = []
        while let ent = readdir(dir) {
            let name = Platform.entryName(ent)
            if name == [0x2e] || name == [0x2e, 0x2e] { continue }
            names.append((name, ent.pointee.d_type))
        }
        names.sort { $0.name.lexicographicallyPrecedes($1.name) }
        return names
    }

    #if os(Linux)
        typealias Getdents = @convention(c) (Int32, UnsafeMutableRawPointer?, Int) -> Int

        /// glibc's `getdents64(2)` wrapper (glibc 2.30 and later; Swift's Glibc module does
        /// not declare it), looked up once; nil where it is missing, and `readdir` is used.
        static let getdents64: Getdents? = {
            // nil is glibc's RTLD_DEFAULT.
            guard let symbol = dlsym(nil, "getdents64") else { return nil }
            return unsafeBitCast(symbol, to: Getdents.self)
        }()

        /// The entries read with `getdents64` straight from `fd`: half the system calls of
        /// `dup` + `fdopendir` + `readdir` + `closedir` (which also `fstat`s and `fcntl`s the
        /// descriptor), which matters in trees of many small directories. `fd` was just
        /// opened, so it reads from the directory's start.
        private static func listWithGetdents(
            _ getdents: Getdents, directoryFD fd: Int32, path: String
        ) throws -> [(name: [UInt8], type: UInt8)] {
            let size = 32 << 10
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
            defer { buffer.deallocate() }
            var names: [(name: [UInt8], type: UInt8)] = []
            while true {
                let n = getdents(fd, buffer, size)
                if n == 0 { break }
                guard n > 0 else {
                    if errno == EINTR { continue }
                    throw TreeHashError.cannotRead(path: path, errno: errno)
                }
                // struct linux_dirent64: d_ino (8 bytes), d_off (8), d_reclen (2), d_type (1),
                // then the NUL-terminated name.
                var offset = 0
                while offset < n {
                    let record = buffer + offset
                    let length = Int(record.loadUnaligned(fromByteOffset: 16, as: UInt16.self))
                    guard length > 19 else { throw TreeHashError.cannotRead(path: path, errno: EIO) }
                    let type = record.load(fromByteOffset: 18, as: UInt8.self)
                    let nameStart = (record + 19).assumingMemoryBound(to: UInt8.self)
                    let name = Array(UnsafeBufferPointer(start: nameStart, count: strnlen(record + 19, length - 19)))
                    offset += length
                    if name == [0x2e] || name == [0x2e, 0x2e] { continue }
                    names.append((name, type))
                }
            }
            names.sort { $0.name.lexicographicallyPrecedes($1.name) }
            return names
        }
    #endif
}
