internal import CLibGit2
import Fetchers
import FlakeLockBasics
import Foundation
import NixCompat

/// ``GitTransport`` over libgit2 (the git CLI for `ssh://` and shallow fetches).
///
/// Every operation opens its own repository handle inside one blocking job, so handles are
/// never shared between threads. libgit2 is initialised on first use (``NativeTransport/ensureGit(_:)``).
public final class LibGit2Transport: GitTransport {
    public let settings: GitSettings
    private let executor: BlockingExecutor

    public init(settings: GitSettings = GitSettings(), executor: BlockingExecutor = .shared) {
        self.settings = settings
        self.executor = executor
    }

    private var remote: GitRemoteOps { GitRemoteOps(settings: settings) }

    private func run<T: Sendable>(_ body: @escaping @Sendable (CancellationFlag) throws -> T) async throws -> T {
        try NativeTransport.ensureGit(settings)
        return try await runCancellable(on: executor, body)
    }

    public func withRepositoryLock<T: Sendable>(_ repository: String, _ body: @Sendable () async throws -> T)
        async throws -> T
    {
        let lock = try await RepositoryFileLock.acquire(for: repository, executor: executor)
        defer { withExtendedLifetime(lock) {} }
        return try await body()
    }

    public func damage(in repository: String) async -> String? {
        try? await run { _ in GitRepositoryCheck.damage(in: repository) }
    }

    public func ensureBareRepository(at path: String) async throws {
        try await run { _ in
            if (try? GitRepositoryHandle(openingAt: path)) != nil { return }
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            _ = try GitRepositoryHandle(creatingBareAt: path)
        }
    }

    public func fetch(_ url: String, into repository: String, refspecs: [String], shallow: Bool) async throws {
        let remote = self.remote
        try await run { flag in
            try remote.fetch(url, into: repository, refspecs: refspecs, shallow: shallow, fromUser: true, flag: flag)
        }
    }

    public func lsRemoteSymref(_ url: String) async throws -> String? {
        let remote = self.remote
        return try await run { flag in try remote.lsRemoteSymref(url, flag: flag) }
    }

    public func resolve(ref: String, in repository: String) async throws -> GitResolvedRef {
        try await run { _ in
            let repo = try GitRepositoryHandle(openingAt: repository)
            return try repo.withHandle { r in
                var obj: OpaquePointer? = nil
                let rc = git_revparse_single(&obj, r, ref)
                if rc == GIT_ENOTFOUND.rawValue || rc == GIT_EAMBIGUOUS.rawValue || rc == GIT_EINVALIDSPEC.rawValue {
                    throw GitTransportError.refNotFound(ref: ref, repository: repository)
                }
                try gitCheck(rc, "resolving '\(ref)'")
                guard let obj else { throw GitTransportError.refNotFound(ref: ref, repository: repository) }
                let owned = GitOwned(takingOwnership: obj, free: git_object_free)
                let id = owned.withHandle { GitOID.from(git_object_id($0)) }
                let commit = try repo.peelToCommit(id)
                let commitID = commit.withHandle { GitOID.from(git_commit_id($0)) }
                return GitResolvedRef(object: GitOID.objectID(id), commit: GitOID.objectID(commitID))
            }
        }
    }

    public func contains(_ rev: GitObjectID, in repository: String) async throws -> Bool {
        try await run { _ in
            let repo = try GitRepositoryHandle(openingAt: repository)
            var oid = try GitOID.parse(rev.hex)
            return try repo.withHandle { r in
                var odb: OpaquePointer? = nil
                try gitCheck(git_repository_odb(&odb, r), "opening the object database")
                guard let odb else { return false }
                defer { git_odb_free(odb) }
                return git_odb_exists(odb, &oid) == 1
            }
        }
    }

    public func isAncestor(_ ancestor: GitObjectID, of descendant: GitObjectID, in repository: String) async throws
        -> Bool
    {
        if ancestor == descendant { return true }
        return try await run { _ in
            let repo = try GitRepositoryHandle(openingAt: repository)
            var a = try GitOID.parse(ancestor.hex)
            var d = try GitOID.parse(descendant.hex)
            return try repo.withHandle { r in
                let rc = git_graph_descendant_of(r, &d, &a)
                try gitCheck(rc, "checking ancestry of \(ancestor)")
                return rc == 1
            }
        }
    }

    public func commitInfo(_ rev: GitObjectID, in repository: String, countRevisions: Bool) async throws
        -> GitCommitInfo
    {
        try await run { flag in
            let repo = try GitRepositoryHandle(openingAt: repository)
            let commit = try repo.peelToCommit(try GitOID.parse(rev.hex))
            let (id, tree, time) = commit.withHandle { c in
                (
                    GitOID.from(git_commit_id(c)), GitOID.from(git_commit_tree_id(c)),
                    Int64(git_commit_committer(c)?.pointee.when.time ?? 0)
                )
            }
            var count: Int?
            if countRevisions {
                count = try repo.withHandle { r in
                    var walk: OpaquePointer? = nil
                    try gitCheck(git_revwalk_new(&walk, r), "walking history")
                    guard let walk else { return 0 }
                    let owned = GitOwned(takingOwnership: walk, free: git_revwalk_free)
                    return try owned.withHandle { w in
                        var start = id
                        try gitCheck(git_revwalk_push(w, &start), "walking history of \(rev)")
                        var n = 0
                        var next = git_oid()
                        while true {
                            let rc = git_revwalk_next(&next, w)
                            if rc == GIT_ITEROVER.rawValue { break }
                            try gitCheck(rc, "walking history of \(rev)")
                            n += 1
                            if n % 4096 == 0 && flag.isCancelled { throw CancellationError() }
                        }
                        return n
                    }
                }
            }
            return GitCommitInfo(
                commit: GitOID.objectID(id), tree: GitOID.objectID(tree), committerTime: time, revCount: count,
                isShallowRepository: repo.isShallow)
        }
    }

    public func hashTree(of rev: GitObjectID, in repository: String, options: GitTreeOptions) async throws
        -> GitTreeHashResult
    {
        let remote = self.remote
        return try await run { flag in
            let repo = try GitRepositoryHandle(openingAt: repository)
            let preparer = GitTreePreparer(options: options, remote: remote, flag: flag)
            var node = try preparer.prepare(
                repo: repo, commit: try GitOID.parse(rev.hex), url: options.submodules?.superprojectURL,
                applyAttributes: true)
            for component in options.subtree.split(separator: "/") {
                guard case .directory(let children) = node.kind, let child = children[Array(component.utf8)] else {
                    throw GitTransportError.pathNotFound(path: options.subtree, rev: rev.hex)
                }
                node = child
            }
            let h = try NAR.hash(GitNARNode(node: node, cache: GitNARNode.BlobCache()))
            return GitTreeHashResult(narHash: h.hash, narSize: h.size)
        }
    }

    public func readFile(_ path: String, at rev: GitObjectID, in repository: String) async throws -> [UInt8]? {
        try await run { _ in
            let repo = try GitRepositoryHandle(openingAt: repository)
            let commit = try repo.peelToCommit(try GitOID.parse(rev.hex))
            let tree = commit.withHandle { GitOID.from(git_commit_tree_id($0)) }
            return try GitBlobs.read(repo: repo, tree: tree, path: path)
        }
    }

    public func readFile(
        _ path: String, at rev: GitObjectID, in repository: String, options: GitTreeOptions
    ) async throws -> [UInt8]? {
        guard options.submodules != nil else { return try await readFile(path, at: rev, in: repository) }
        let remote = self.remote
        return try await run { flag in
            let repo = try GitRepositoryHandle(openingAt: repository)
            var node = try GitTreePreparer(options: options, remote: remote, flag: flag).prepare(
                repo: repo, commit: try GitOID.parse(rev.hex), url: options.submodules?.superprojectURL,
                applyAttributes: true)
            for component in path.split(separator: "/") {
                guard case .directory(let children) = node.kind, let child = children[Array(component.utf8)] else {
                    return nil
                }
                node = child
            }
            let file = GitNARNode(node: node, cache: GitNARNode.BlobCache())
            guard case .regular = try file.kind() else { return nil }
            var bytes: [UInt8] = []
            try file.readContents { bytes.append(contentsOf: $0) }
            return bytes
        }
    }

    public func workTreeStatus(at path: String, ignoreSubmodules: Bool) async throws -> GitWorkTreeStatus {
        try await run { _ in try GitWorkTree.status(at: path, ignoreSubmodules: ignoreSubmodules) }
    }

    public func hashWorkTree(at path: String) async throws -> GitTreeHashResult {
        try await run { _ in try GitWorkTree.hash(at: path) }
    }

    public func workTreeChanges(at path: String) async throws -> GitWorkTreeChanges? {
        try await run { _ in try GitWorkTree.changes(at: path) }
    }
}
