import FlakeModel
import Foundation

/// Answers the path form's file-system questions (docs/nix-behaviour.md, "Parsing a flake
/// reference") from the real file system.
public struct LocalFileSystemProbe: FileSystemProbe, Sendable {
    /// Store paths that stand for local directories.
    public var aliases: StorePathAliases

    public init(aliases: StorePathAliases = StorePathAliases()) {
        self.aliases = aliases
    }

    /// The local path for `path`, or nil if `path` is inside a store copy that lacks it
    /// (the `.git` of a Git tree is not copied).
    func mapped(_ path: String) -> String? {
        guard let hit = aliases.resolve(path) else { return path }
        if hit.withoutGit {
            let rest = path.dropFirst(hit.storePath.count)
            if rest == "/.git" || rest.hasPrefix("/.git/") { return nil }
        }
        return hit.path
    }

    public func fileType(atPath path: String) -> FileSystemEntryType? {
        var st = stat()
        guard let local = mapped(path), lstat(local, &st) == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .regularFile
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// Resolves component by component, as Nix's `canonPath(path, true)`: a symlink's target
    /// replaces it (relative targets against its directory) and is itself resolved; a
    /// component that does not exist ends the resolution. After 1024 links (a loop) the path
    /// is left as it is, and the `lstat` that follows reports it.
    public func resolvingSymlinks(_ path: String) -> String {
        var pending = path.split(separator: "/").map(String.init).reversed() as [String]
        var resolved: [String] = []
        var links = 0
        while let component = pending.popLast() {
            if component == "." || component.isEmpty { continue }
            if component == ".." {
                _ = resolved.popLast()
                continue
            }
            let candidate = "/" + (resolved + [component]).joined(separator: "/")
            var st = stat()
            guard lstat(candidate, &st) == 0 else {
                resolved.append(component)
                resolved += pending.reversed()
                return PathSyntax.canonicalize("/" + resolved.joined(separator: "/"))
            }
            guard st.st_mode & S_IFMT == S_IFLNK else {
                resolved.append(component)
                continue
            }
            links += 1
            guard links <= 1024, let target = try? FileManager.default.destinationOfSymbolicLink(atPath: candidate)
            else { return path }
            if target.hasPrefix("/") { resolved = [] }
            pending += target.split(separator: "/").map(String.init).reversed()
        }
        return "/" + resolved.joined(separator: "/")
    }

    public func deviceID(atPath path: String) -> UInt64? {
        var st = stat()
        guard let local = mapped(path), lstat(local, &st) == 0 else { return nil }
        return UInt64(st.st_dev)
    }
}

/// Store paths that stand for local directories. Nix 2.8 resolves `./sub` in a flake.nix
/// against the flake's copy in the store (`/nix/store/…-source/sub`); flakelock copies
/// nothing, so the store path of a local tree maps back to the tree itself.
public final class StorePathAliases: @unchecked Sendable {
    // @unchecked: `map` is guarded by `lock`.
    private let lock = NSLock()
    private var map: [String: (directory: String, withoutGit: Bool)] = [:]

    public init() {}

    /// Records that `storePath` holds the same tree as `directory` (without its `.git`
    /// when the tree was taken from Git).
    public func register(storePath: String, directory: String, withoutGit: Bool) {
        lock.lock()
        map[storePath] = (directory, withoutGit)
        lock.unlock()
    }

    /// The largest registered local tree that holds `directory` (a Git work tree whose
    /// sub-flake `directory` is), if any.
    public func localTree(containing directory: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return map.values.map(\.directory).filter { directory == $0 || directory.hasPrefix($0 + "/") }
            .min { $0.count < $1.count }
    }

    /// The local path standing for `path` if it lies inside a registered store path.
    public func resolve(_ path: String) -> (path: String, storePath: String, withoutGit: Bool)? {
        lock.lock()
        defer { lock.unlock() }
        for (store, entry) in map where path == store || path.hasPrefix(store + "/") {
            return (entry.directory + path.dropFirst(store.count), store, entry.withoutGit)
        }
        return nil
    }
}
