import FlakeModel

#if canImport(Glibc)
    import Glibc
#endif

/// Answers the path form's file-system questions (spec §2.1) from the real file system.
public struct LocalFileSystemProbe: FileSystemProbe, Sendable {
    /// Store paths that stand for local directories (Nix 2.8 resolves `./sub` in a local
    /// flake against the flake's copy in the store; that copy is this directory).
    public var aliases: [(storePath: String, directory: String)]

    public init(aliases: [(storePath: String, directory: String)] = []) {
        self.aliases = aliases
    }

    func mapped(_ path: String) -> String {
        for (store, dir) in aliases where path == store || path.hasPrefix(store + "/") {
            return dir + path.dropFirst(store.count)
        }
        return path
    }

    public func fileType(atPath path: String) -> FileSystemEntryType? {
        var st = stat()
        guard lstat(mapped(path), &st) == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .regularFile
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    public func deviceID(atPath path: String) -> UInt64? {
        var st = stat()
        guard lstat(mapped(path), &st) == 0 else { return nil }
        return UInt64(st.st_dev)
    }
}
