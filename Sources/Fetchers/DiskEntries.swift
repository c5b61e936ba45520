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
}
