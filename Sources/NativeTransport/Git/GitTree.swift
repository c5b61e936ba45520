internal import CLibGit2
import Fetchers
import Foundation
import NixCompat

/// A commit's tree prepared for NAR serialisation, as `git archive` would write it:
/// `export-ignore` paths dropped (a directory whose entries are all ignored stays, empty:
/// git archive writes a directory as soon as it meets an entry below it, before checking
/// that entry's attributes), `export-subst` files expanded, gitlinks as empty directories
/// or mounted submodule trees.
final class PreparedGitNode {
    enum Kind {
        case directory([[UInt8]: PreparedGitNode])
        case blob(GitRepositoryHandle, git_oid, executable: Bool)
        case symlink(GitRepositoryHandle, git_oid)
        case contents([UInt8], executable: Bool)
    }
    let kind: Kind
    init(_ kind: Kind) { self.kind = kind }
}

/// Builds ``PreparedGitNode`` trees (blocking; one thread).
struct GitTreePreparer {
    let options: GitTreeOptions
    let remote: GitRemoteOps
    let flag: CancellationFlag

    /// Prepares the tree of `commit` in `repo`. `url` is where `repo` came from (for
    /// relative submodule URLs); `applyAttributes` is false inside submodules (Nix 2.8
    /// copies a checkout there).
    func prepare(repo: GitRepositoryHandle, commit: git_oid, url: String?, applyAttributes: Bool) throws
        -> PreparedGitNode
    {
        let c = try repo.peelToCommit(commit)
        var treeID = git_oid()
        var commitID = git_oid()
        c.withHandle { h in
            treeID = GitOID.from(git_commit_tree_id(h))
            commitID = GitOID.from(git_commit_id(h))
        }
        let attrs =
            applyAttributes && (options.exportIgnore || options.exportSubst)
            ? AttributeReader(repo: repo, commit: commitID) : nil
        let subst = options.exportSubst && applyAttributes ? LazySubst(repo: repo, commit: commitID) : nil
        let gitmodules = options.submodules != nil ? try readSubmoduleConfig(repo: repo, tree: treeID) : [:]
        let ctx = WalkContext(repo: repo, url: url, attrs: attrs, subst: subst, gitmodules: gitmodules)
        // Attributes come from `.gitattributes` files in the tree and `info/attributes`; a
        // subtree with neither in scope needs no (costly) lookups.
        var infoAttributes = false
        repo.withHandle { r in
            if let gitdir = git_repository_path(r) {
                infoAttributes = FileManager.default.fileExists(atPath: String(cString: gitdir) + "info/attributes")
            }
        }
        return try walk(tree: treeID, path: "", ctx, attributesInScope: infoAttributes)
    }

    /// `ExportSubst` made on first use: it reads the commit's parents, which a shallow
    /// repository may lack, and most trees have no `export-subst` file at all.
    private final class LazySubst {
        let repo: GitRepositoryHandle
        let commit: git_oid
        private var made: ExportSubst?
        init(repo: GitRepositoryHandle, commit: git_oid) {
            self.repo = repo
            self.commit = commit
        }
        func get() throws -> ExportSubst {
            if let made { return made }
            let s = try ExportSubst(repo: repo, commit: commit)
            made = s
            return s
        }
    }

    private struct WalkContext {
        let repo: GitRepositoryHandle
        let url: String?
        let attrs: AttributeReader?
        let subst: LazySubst?
        let gitmodules: [String: String]
    }

    private func walk(tree id: git_oid, path: String, _ ctx: WalkContext, attributesInScope: Bool) throws
        -> PreparedGitNode
    {
        if flag.isCancelled { throw CancellationError() }
        let tree = try ctx.repo.lookup(id, GIT_OBJECT_TREE, "tree")
        var entries: [(name: [UInt8], id: git_oid, mode: UInt32)] = []
        tree.withHandle { t in
            for i in 0..<git_tree_entrycount(t) {
                guard let e = git_tree_entry_byindex(t, i) else { continue }
                let name =
                    git_tree_entry_name(e).map {
                        Array(
                            UnsafeBufferPointer(
                                start: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self), count: strlen($0)))
                    } ?? []
                entries.append((name, GitOID.from(git_tree_entry_id(e)), git_tree_entry_filemode(e).rawValue))
            }
        }
        var children: [[UInt8]: PreparedGitNode] = [:]
        let inScope = attributesInScope || entries.contains { $0.name == Array(".gitattributes".utf8) }
        let attrs = inScope ? ctx.attrs : nil
        for e in entries {
            let childPath = path + String(decoding: e.name, as: UTF8.self)
            let isDir = e.mode == 0o040000 || e.mode == 0o160000
            if let attrs, options.exportIgnore,
                try attrs.isSet("export-ignore", path: isDir ? childPath + "/" : childPath)
            {
                continue
            }
            switch e.mode {
            case 0o040000:
                children[e.name] = try walk(tree: e.id, path: childPath + "/", ctx, attributesInScope: inScope)
            case 0o160000:
                children[e.name] = try submodule(at: childPath, commit: e.id, ctx)
            case 0o120000:
                children[e.name] = PreparedGitNode(.symlink(ctx.repo, e.id))
            default:
                let exec = e.mode == 0o100755
                if let subst = ctx.subst, let attrs, try attrs.isSet("export-subst", path: childPath) {
                    let blob = try ctx.repo.lookup(e.id, GIT_OBJECT_BLOB, "blob")
                    let bytes = blob.withHandle { b in
                        Array(UnsafeRawBufferPointer(start: git_blob_rawcontent(b), count: Int(git_blob_rawsize(b))))
                    }
                    children[e.name] = PreparedGitNode(
                        .contents(try subst.get().expand(bytes, path: childPath), executable: exec))
                } else {
                    children[e.name] = PreparedGitNode(.blob(ctx.repo, e.id, executable: exec))
                }
            }
        }
        return PreparedGitNode(.directory(children))
    }

    /// A gitlink: an empty directory, or the submodule's tree when submodules are requested.
    private func submodule(at path: String, commit: git_oid, _ ctx: WalkContext) throws -> PreparedGitNode {
        guard let sub = options.submodules else { return PreparedGitNode(.directory([:])) }
        guard let rawURL = ctx.gitmodules[path] else {
            throw GitTransportError.submodule(path: path, message: "no URL in .gitmodules")
        }
        let url = try Self.resolveSubmoduleURL(rawURL, superproject: ctx.url ?? sub.superprojectURL)
        let cache = sub.cacheRepository(url)
        try fetchSubmodule(url, commit: commit, into: cache, path: path)
        let reopened = try GitRepositoryHandle(openingAt: cache)
        return try GitTreePreparer(options: options, remote: remote, flag: flag)
            .prepare(repo: reopened, commit: commit, url: url, applyAttributes: false)
    }

    /// Creates the submodule's cache repository and fetches into it unless it has `commit`,
    /// holding the cache repository's inter-process lock (on this blocking thread; nothing
    /// else is locked meanwhile, so waiting cannot deadlock).
    private func fetchSubmodule(_ url: String, commit: git_oid, into cache: String, path: String) throws {
        let lock = try RepositoryFileLock.acquireBlocking(for: cache)
        defer { withExtendedLifetime(lock) {} }
        let repo = try (try? GitRepositoryHandle(openingAt: cache)) ?? GitRepositoryHandle(creatingBareAt: cache)
        var oid = commit
        var present = false
        repo.withHandle { r in
            var odb: OpaquePointer? = nil
            if git_repository_odb(&odb, r) == 0, let odb {
                present = git_odb_exists(odb, &oid) == 1
                git_odb_free(odb)
            }
        }
        if present { return }
        do {
            try remote.fetch(
                url, into: cache, refspecs: ["refs/heads/*:refs/heads/*", "refs/tags/*:refs/tags/*"], shallow: false,
                fromUser: false, flag: flag)
        } catch let e as GitTransportError {
            throw GitTransportError.submodule(path: path, message: e.description)
        }
    }

    /// Resolves a `.gitmodules` URL as git does: `./x` and `../x` are relative to the
    /// superproject's URL (each `../` drops one path component).
    static func resolveSubmoduleURL(_ url: String, superproject: String) throws -> String {
        guard url.hasPrefix("./") || url.hasPrefix("../") else { return url }
        var base = superproject
        while base.hasSuffix("/") { base.removeLast() }
        var rel = Substring(url)
        while true {
            if rel.hasPrefix("./") {
                rel = rel.dropFirst(2)
            } else if rel.hasPrefix("../") {
                rel = rel.dropFirst(3)
                guard let slash = base.lastIndex(of: "/") else {
                    throw GitTransportError.submodule(
                        path: url, message: "cannot resolve relative URL against '\(superproject)'")
                }
                base = String(base[..<slash])
            } else {
                break
            }
        }
        return base + "/" + rel
    }

    /// `path → url` from the `.gitmodules` blob at the root of `tree`.
    private func readSubmoduleConfig(repo: GitRepositoryHandle, tree: git_oid) throws -> [String: String] {
        guard let bytes = try GitBlobs.read(repo: repo, tree: tree, path: ".gitmodules") else { return [:] }
        var sections: [String: (path: String?, url: String?)] = [:]
        var current: String?
        for rawLine in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || line.hasPrefix(";") || line.isEmpty { continue }
            if line.hasPrefix("[") {
                current = line.hasPrefix("[submodule") ? line.components(separatedBy: "\"").dropFirst().first : nil
                continue
            }
            guard let name = current, let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            if key == "path" { sections[name, default: (nil, nil)].path = value }
            if key == "url" { sections[name, default: (nil, nil)].url = value }
        }
        var out: [String: String] = [:]
        for (_, s) in sections { if let p = s.path, let u = s.url { out[p] = u } }
        return out
    }
}

/// Reads blobs by path.
enum GitBlobs {
    /// The contents of the regular file at `path` in `tree`, nil if absent or not a file.
    static func read(repo: GitRepositoryHandle, tree: git_oid, path: String) throws -> [UInt8]? {
        let t = try repo.lookup(tree, GIT_OBJECT_TREE, "tree")
        var entry: OpaquePointer? = nil
        let r = t.withHandle { git_tree_entry_bypath(&entry, $0, path) }
        if r == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(r, "reading '\(path)'")
        guard let entry else { return nil }
        let owned = GitOwned(takingOwnership: entry, free: git_tree_entry_free)
        let (mode, id) = owned.withHandle { (git_tree_entry_filemode($0).rawValue, GitOID.from(git_tree_entry_id($0))) }
        guard mode == 0o100644 || mode == 0o100755 else { return nil }
        let blob = try repo.lookup(id, GIT_OBJECT_BLOB, "blob")
        return blob.withHandle { b in
            Array(UnsafeRawBufferPointer(start: git_blob_rawcontent(b), count: Int(git_blob_rawsize(b))))
        }
    }
}

/// `.gitattributes` lookups in the tree of one commit (plus `info/attributes`), as
/// `git archive` reads them.
struct AttributeReader {
    let repo: GitRepositoryHandle
    let commit: git_oid

    func isSet(_ name: String, path: String) throws -> Bool {
        var opts = git_attr_options()
        opts.version = UInt32(GIT_ATTR_OPTIONS_VERSION)
        opts.flags = UInt32(GIT_ATTR_CHECK_INDEX_ONLY | GIT_ATTR_CHECK_NO_SYSTEM | GIT_ATTR_CHECK_INCLUDE_COMMIT)
        opts.attr_commit_id = commit
        var value: UnsafePointer<CChar>? = nil
        try repo.withHandle { r in
            try gitCheck(git_attr_get_ext(&value, r, &opts, path, name), "reading attribute \(name) of '\(path)'")
        }
        return git_attr_value(value) == GIT_ATTR_VALUE_TRUE
    }
}

/// A prepared tree as a NAR tree.
struct GitNARNode: NARTreeNode {
    let node: PreparedGitNode
    let cache: BlobCache

    /// Keeps the blob whose kind was just asked for, so its contents are read once.
    final class BlobCache {
        var id = git_oid()
        var blob: GitOwned?
    }

    private func blob(_ repo: GitRepositoryHandle, _ id: git_oid) throws -> GitOwned {
        var a = id
        var b = cache.id
        if let blob = cache.blob, git_oid_equal(&a, &b) == 1 { return blob }
        let blob = try repo.lookup(id, GIT_OBJECT_BLOB, "blob")
        cache.id = id
        cache.blob = blob
        return blob
    }

    func kind() throws -> NARNodeKind {
        switch node.kind {
        case .directory: return .directory
        case .contents(let bytes, let x): return .regular(executable: x, size: UInt64(bytes.count))
        case .blob(let repo, let id, let x):
            let size = try blob(repo, id).withHandle { UInt64(git_blob_rawsize($0)) }
            return .regular(executable: x, size: size)
        case .symlink(let repo, let id):
            let target = try blob(repo, id).withHandle { b in
                Array(UnsafeRawBufferPointer(start: git_blob_rawcontent(b), count: Int(git_blob_rawsize(b))))
            }
            return .symlink(target: target)
        }
    }

    func children() throws -> [(name: [UInt8], node: GitNARNode)] {
        guard case .directory(let d) = node.kind else { return [] }
        return d.map { ($0.key, GitNARNode(node: $0.value, cache: cache)) }
    }

    func readContents(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        switch node.kind {
        case .contents(let bytes, _): try bytes.withUnsafeBytes { try consume($0) }
        case .blob(let repo, let id, _):
            let b = try blob(repo, id)
            try b.withHandle { h in
                try consume(UnsafeRawBufferPointer(start: git_blob_rawcontent(h), count: Int(git_blob_rawsize(h))))
            }
            cache.blob = nil
        default: break
        }
    }
}
