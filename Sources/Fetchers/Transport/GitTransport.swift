import FlakeLockBasics
import FlakeModel
import NixCompat

/// A Git object id (40 lowercase hex digits, SHA-1) is the model's ``Revision``: one type
/// for a commit named by a lock file, a ref advertisement or libgit2.
public typealias GitObjectID = Revision

/// A ref resolved in a repository.
public struct GitResolvedRef: Sendable, Hashable {
    /// The object the ref names: the commit, or the tag object for an annotated tag (Nix 2.8
    /// locks this id for annotated tags).
    public var object: GitObjectID
    /// The commit the ref peels to.
    public var commit: GitObjectID
    public var isAnnotatedTag: Bool { object != commit }

    public init(object: GitObjectID, commit: GitObjectID) {
        self.object = object
        self.commit = commit
    }
}

/// Facts about a commit.
public struct GitCommitInfo: Sendable, Hashable {
    public var commit: GitObjectID
    public var tree: GitObjectID
    /// Committer time (`git log -1 --format=%ct`), Nix's `lastModified`.
    public var committerTime: Int64
    /// `git rev-list --count` (nil when not requested).
    public var revCount: Int?
    public var isShallowRepository: Bool

    public init(commit: GitObjectID, tree: GitObjectID, committerTime: Int64, revCount: Int?, isShallowRepository: Bool)
    {
        self.commit = commit
        self.tree = tree
        self.committerTime = committerTime
        self.revCount = revCount
        self.isShallowRepository = isShallowRepository
    }
}

/// How to fetch submodules when hashing a tree with `submodules = true`.
public struct GitSubmoduleOptions: Sendable {
    /// The URL the superproject was fetched from; relative submodule URLs resolve against it.
    public var superprojectURL: String
    /// The bare cache repository for a submodule URL (e.g. `<cache>/<nix32 sha256 of url>`).
    public var cacheRepository: @Sendable (_ url: String) -> String

    public init(superprojectURL: String, cacheRepository: @escaping @Sendable (_ url: String) -> String) {
        self.superprojectURL = superprojectURL
        self.cacheRepository = cacheRepository
    }
}

/// Options for hashing a commit's tree.
public struct GitTreeOptions: Sendable {
    /// Drop paths with the `export-ignore` attribute (as `git archive`; Nix 2.8).
    public var exportIgnore: Bool
    /// Expand `$Format:…$` in files with `export-subst` (as `git archive`; Nix 2.8).
    public var exportSubst: Bool
    /// Mount submodules at their gitlinks (recursively) instead of empty directories.
    public var submodules: GitSubmoduleOptions?
    /// Hash only the entry at this `/`-separated path of the tree (`""`: the whole tree), as
    /// the rest of the options prepared it.
    public var subtree: String

    public init(
        exportIgnore: Bool = false, exportSubst: Bool = false, submodules: GitSubmoduleOptions? = nil,
        subtree: String = ""
    ) {
        self.exportIgnore = exportIgnore
        self.exportSubst = exportSubst
        self.submodules = submodules
        self.subtree = subtree
    }
}

/// The NAR hash of a tree.
public struct GitTreeHashResult: Sendable, Hashable {
    public var narHash: NixHash
    public var narSize: UInt64
    /// For a work tree: the paths its index lists (tracked or added with `git add -N`), the
    /// only files Nix sees in it; nil when unknown.
    public var trackedPaths: Set<String>?
    public init(narHash: NixHash, narSize: UInt64, trackedPaths: Set<String>? = nil) {
        self.narHash = narHash
        self.narSize = narSize
        self.trackedPaths = trackedPaths
    }
}

/// The state of a non-bare working tree (`git+file` of a checkout).
public struct GitWorkTreeStatus: Sendable, Hashable {
    /// HEAD's symbolic target (`refs/heads/main`), nil when detached.
    public var headRef: String?
    /// HEAD's commit, nil when there are no commits yet.
    public var headCommit: GitObjectID?
    /// Tracked files differ from HEAD (`git diff HEAD --quiet` fails), or there is no commit.
    public var isDirty: Bool
    public var isShallow: Bool

    public init(headRef: String?, headCommit: GitObjectID?, isDirty: Bool, isShallow: Bool) {
        self.headRef = headRef
        self.headCommit = headCommit
        self.isDirty = isDirty
        self.isShallow = isShallow
    }
}

/// Git access for the `git` scheme: bare cache repositories, fetches, commit facts and
/// NAR hashes computed from objects (no checkout).
///
/// Implementation: `LibGit2Transport` (NativeTransport).
///
///     try await git.fetch(url, into: cache, refspecs: ["refs/heads/main:refs/heads/main"])
///     let ref = try await git.resolve(ref: "refs/heads/main", in: cache)
///     let info = try await git.commitInfo(ref.commit, in: cache, countRevisions: true)
///     let hash = try await git.hashTree(of: ref.commit, in: cache, options: GitTreeOptions(exportIgnore: true, exportSubst: true))
public protocol GitTransport: Sendable {
    /// Creates a bare repository at `path` unless one exists.
    func ensureBareRepository(at path: String) async throws

    /// Fetches `refspecs` (`refs/heads/x:refs/heads/x`, `refs/*:refs/*`, `HEAD`, a bare rev) from
    /// `url` into the repository at `repository`, force-updating local refs. `shallow` fetches depth 1.
    /// - Throws: ``GitTransportError``.
    func fetch(_ url: String, into repository: String, refspecs: [String], shallow: Bool) async throws

    /// The target of the remote's `HEAD` (`refs/heads/main`), nil if it is not symbolic.
    func lsRemoteSymref(_ url: String) async throws -> String?

    /// Resolves a ref (`refs/heads/x`, `refs/tags/v1`, `HEAD`, a full or short rev) in a repository.
    /// - Throws: ``GitTransportError/refNotFound(ref:repository:)``.
    func resolve(ref: String, in repository: String) async throws -> GitResolvedRef

    /// Whether the repository has the commit (or object) `rev`.
    func contains(_ rev: GitObjectID, in repository: String) async throws -> Bool

    /// Whether `ancestor` is reachable from `descendant` (or equal to it).
    func isAncestor(_ ancestor: GitObjectID, of descendant: GitObjectID, in repository: String) async throws -> Bool

    /// Commit facts. `countRevisions` computes `revCount` (walks history).
    func commitInfo(_ rev: GitObjectID, in repository: String, countRevisions: Bool) async throws -> GitCommitInfo

    /// The NAR hash of the tree of commit `rev` (or of its entry at `options.subtree`),
    /// computed from Git objects.
    /// - Throws: ``GitTransportError/pathNotFound(path:rev:)`` when the subtree is absent.
    func hashTree(of rev: GitObjectID, in repository: String, options: GitTreeOptions) async throws -> GitTreeHashResult

    /// The contents of `path` (`/`-separated, relative to the root) at commit `rev`; nil if absent
    /// or not a regular file.
    func readFile(_ path: String, at rev: GitObjectID, in repository: String) async throws -> [UInt8]?

    /// Like ``readFile(_:at:in:)``, in the tree ``hashTree(of:in:options:)`` hashes: with
    /// `options.submodules`, files inside submodules too (a flake in a submodule).
    func readFile(_ path: String, at rev: GitObjectID, in repository: String, options: GitTreeOptions) async throws
        -> [UInt8]?

    /// HEAD, dirtiness and shallowness of a non-bare checkout. `ignoreSubmodules` is
    /// `git diff --ignore-submodules` (Nix uses it unless `submodules = true`).
    func workTreeStatus(at path: String, ignoreSubmodules: Bool) async throws -> GitWorkTreeStatus

    /// The NAR hash of the files listed in the index (`git ls-files`), with their working-tree
    /// contents (dirty trees). `lastModified` of a dirty tree is HEAD's commit time (``commitInfo``).
    func hashWorkTree(at path: String) async throws -> GitTreeHashResult

    /// The tracked files of a checkout that differ from HEAD (nil: not supported).
    func workTreeChanges(at path: String) async throws -> GitWorkTreeChanges?

    /// Runs `body` holding the exclusive lock on the cache repository at `repository` that
    /// every process sharing the cache honours; creating and fetching into a cache
    /// repository happen only under it. Waiting for it never blocks the cooperative pool.
    func withRepositoryLock<T: Sendable>(_ repository: String, _ body: @Sendable () async throws -> T) async throws -> T

    /// A description of damage found in the repository at `repository` (references that
    /// point at missing or unreadable objects, a repository that no longer opens), or nil.
    func damage(in repository: String) async -> String?
}

extension GitTransport {
    public func workTreeChanges(at path: String) async throws -> GitWorkTreeChanges? { nil }

    public func readFile(
        _ path: String, at rev: GitObjectID, in repository: String, options: GitTreeOptions
    ) async throws -> [UInt8]? {
        try await readFile(path, at: rev, in: repository)
    }

    /// No inter-process lock (transports that keep no shared cache, test fakes).
    public func withRepositoryLock<T: Sendable>(_ repository: String, _ body: @Sendable () async throws -> T)
        async throws -> T
    {
        try await body()
    }

    /// No check (test fakes).
    public func damage(in repository: String) async -> String? { nil }
}

/// The tracked files of a non-bare checkout that differ from HEAD (`/`-separated paths).
public struct GitWorkTreeChanges: Sendable, Hashable {
    /// Added or modified in the index or the work tree.
    public var modified: [String]
    /// Deleted from the index or the work tree.
    public var deleted: [String]

    public init(modified: [String], deleted: [String]) {
        self.modified = modified
        self.deleted = deleted
    }
}

/// Git failures, with Nix's wording where Nix has one.
public enum GitTransportError: UserFacingError, Equatable {
    case revisionNotInRef(rev: String, ref: String, url: String)
    case refNotFound(ref: String, repository: String)
    case objectNotFound(rev: String, repository: String)
    case shallowRepository(url: String)
    case notARepository(path: String)
    case protocolNotAllowed(scheme: String, url: String)
    case fetchFailed(url: String, message: String)
    case commandFailed(command: String, status: Int32, stderr: String)
    case unsupportedFormat(placeholder: String, path: String)
    case submodule(path: String, message: String)
    /// ``GitTransport/hashTree(of:in:options:)`` was asked for a subtree the commit lacks.
    case pathNotFound(path: String, rev: String)
    /// A libgit2 failure: the operation, libgit2's error class and message.
    case library(operation: String, code: Int32, message: String)

    public var description: String {
        switch self {
        case .revisionNotInRef(let rev, let ref, let url):
            "Cannot find Git revision '\(rev)' in ref '\(ref)' of repository '\(url)'! Please make sure that the rev exists on the ref you've specified or add allRefs = true; to fetchGit."
        case .refNotFound(let ref, let repo): "couldn't find ref '\(ref)' in Git repository '\(repo)'"
        case .objectNotFound(let rev, let repo): "revision '\(rev)' does not exist in Git repository '\(repo)'"
        case .shallowRepository(let url): "'\(url)' is a shallow Git repository, but a non-shallow repository is needed"
        case .notARepository(let p): "'\(p)' is not a Git repository"
        case .protocolNotAllowed(let s, let url): "fetching '\(url)': transport '\(s)' not allowed"
        case .fetchFailed(let url, let m): "failed to fetch Git repository '\(url)': \(m)"
        case .commandFailed(let c, let s, let e): "program '\(c)' failed with exit code \(s): \(e)"
        case .unsupportedFormat(let p, let path): "export-subst placeholder '\(p)' in '\(path)' is not supported"
        case .pathNotFound(let path, let rev): "path '\(path)' does not exist in Git revision '\(rev)'"
        case .submodule(let p, let m): "submodule '\(p)': \(m)"
        case .library(let op, let code, let m): "\(op): \(m) (libgit2 error \(code))"
        }
    }
}
