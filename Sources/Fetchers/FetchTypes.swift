import FlakeLockBasics
import FlakeModel
import Foundation
import NixCompat

/// Everything the fetchers need to know about the world, passed in as a value (read from
/// the environment and nix.conf by the CLI, never inside library code).
public struct FetchSettings: Sendable {
    /// Which Nix the fetchers behave like.
    public var profile: CompatProfile
    /// `$XDG_CACHE_HOME/flakelock` (or `~/.cache/flakelock`): git clones and the fetch cache.
    public var cacheDirectory: String
    /// Tokens by host or host/path prefix (`access-tokens`).
    public var accessTokens: [String: String]
    /// Whether a cached answer for something mutable (a branch head, a tarball URL) may be
    /// used without asking the server (`tarball-ttl`; `lock`/`update` use 0).
    public var tarballTTL: Int
    /// Use only what is cached; anything that needs the network is an error.
    public var offline: Bool
    /// `allow-dirty` / `warn-dirty`.
    public var allowDirty: Bool
    public var warnDirty: Bool
    /// Store directory for store paths shown to users (`/nix/store`).
    public var storeDirectory: String
    /// Where the store's files really are: `<root>/nix/store` for a chroot store (the
    /// `store = /some/dir` setting), else ``storeDirectory``. Nix 2.8 writes this physical
    /// path for `./sub` inputs.
    public var realStoreDirectory: String
    /// `github-api`: whether GitHub inputs use the REST API (see ``GitHubAPIMode``).
    public var githubAPI: GitHubAPIMode = .auto
    /// `fact-cache`: a fact cache shared with other machines, or nil.
    public var factCache: FactCacheSettings?
    /// Download a GitHub input's archive by its ref while the ref
    /// resolves, keeping it when it is of the resolved commit (one round trip less).
    public var archiveWithRef: Bool = true
    /// Do so even when this machine locked the same ref before and still holds that tree:
    /// set for the inputs a run was asked to update, which are expected to have moved.
    public var archiveWithRefWhenWarm: Bool = false

    public init(
        profile: CompatProfile, cacheDirectory: String, accessTokens: [String: String] = [:], tarballTTL: Int = 0,
        offline: Bool = false, allowDirty: Bool = true, warnDirty: Bool = true,
        storeDirectory: String = StorePath.defaultStoreDirectory
    ) {
        self.profile = profile
        self.cacheDirectory = cacheDirectory
        self.accessTokens = accessTokens
        self.tarballTTL = tarballTTL
        self.offline = offline
        self.allowDirty = allowDirty
        self.warnDirty = warnDirty
        self.storeDirectory = storeDirectory
        self.realStoreDirectory = storeDirectory
    }

    /// Where `storePath` really is (inside ``realStoreDirectory``).
    public func realPath(of storePath: StorePath) -> String {
        realStoreDirectory + "/" + storePath.hashPart + "-" + storePath.name
    }

    /// The logical and physical store directories Nix uses, from `$NIX_STORE_DIR` (else
    /// `$NIX_STORE`, else `/nix/store`) and the `store` setting: a plain directory `/dir`,
    /// `local?root=/dir`, `local`/`daemon`/`auto`/empty for the default store; the store's
    /// `store=` parameter replaces the logical directory, `real=` the physical one. A chroot
    /// store (`root`) keeps its files in `<root>/nix/store` (src/libstore/globals.cc,
    /// src/libstore/local-fs-store.hh).
    public static func storeDirectories(
        storeSetting: String?, environment: [String: String]
    ) -> (storeDirectory: String, realStoreDirectory: String) {
        let fromEnv = [environment["NIX_STORE_DIR"], environment["NIX_STORE"]].compactMap { $0 }.first { !$0.isEmpty }
        var store = fromEnv.map(PathSyntax.canonicalize) ?? StorePath.defaultStoreDirectory
        var params: [String: String] = [:]
        var root: String?
        if let s = storeSetting?.trimmingCharacters(in: .whitespaces), !s.isEmpty {
            let (base, query) =
                s.firstIndex(of: "?").map { (String(s[..<$0]), String(s[s.index(after: $0)...])) } ?? (s, "")
            for pair in query.split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1).map {
                    String($0).removingPercentEncoding ?? String($0)
                }
                if kv.count == 2 { params[kv[0]] = kv[1] }
            }
            if base.hasPrefix("/") { root = base }
            if let r = params["root"] { root = r }
        }
        if let s = params["store"], s.hasPrefix("/") { store = PathSyntax.canonicalize(s) }
        let real = params["real"] ?? root.map { PathSyntax.canonicalize($0 + "/nix/store") } ?? store
        return (store, real)
    }
}

/// Where user-visible warnings from fetching go (`warning: Git tree '…' is dirty`).
public protocol FetchReporter: Sendable {
    func warning(_ message: String)
}

/// A reporter that drops everything (tests, library use).
public struct SilentFetchReporter: FetchReporter {
    public init() {}
    public func warning(_ message: String) {}
}

/// A fetched source tree: the locked input, its NAR hash, and the files the caller asked for.
public struct FetchedSource: Sendable {
    /// The input after fetching (`rev`, `narHash`, `lastModified`, … added as the scheme
    /// and profile say), without `dir`.
    public var locked: Input
    public var narHash: NixHash
    /// Contents of requested files by path relative to the tree root (`flake.nix`,
    /// `sub/flake.lock`); a missing file has no key.
    public var files: [String: [UInt8]]
    /// The tree's directory on disk, when it has one (path inputs and local Git work trees).
    public var localPath: String?
    /// Store path Nix would give this tree (for `metadata`'s `path`).
    public var storePath: StorePath
    /// The input's fingerprint when it is not implied by a locked revision (a dirty Git
    /// work tree in current Nix; see `GitDirtyFingerprint`).
    public var fingerprint: String?
    /// Files asked for that exist in a Git work tree but are not in its index (Nix does not
    /// see them).
    public var untrackedFiles: Set<String> = []

    public init(locked: Input, narHash: NixHash, files: [String: [UInt8]], localPath: String?, storePath: StorePath) {
        self.locked = locked
        self.narHash = narHash
        self.files = files
        self.localPath = localPath
        self.storePath = storePath
    }
}

/// A request, among the files a fetch captures (``FetchContext/capture``), for the NAR hash
/// of one entry of the fetched tree instead of a file's contents: the answer is the hash's
/// SRI text, under the same key. Nix 2.8 copies a relative `path:` input of a flake whose
/// tree is not on disk from the store copy of that tree, so its lock names the subtree's
/// hash (docs/nix-behaviour.md, "Relative path inputs"). Keys never clash with a file's
/// path, which holds no NUL.
public enum SubtreeHashCapture {
    static let prefix = "\u{0}nar-hash:"

    /// The capture key for the entry at `path` (`/`-separated, relative to the tree's
    /// root; `""` is the root).
    public static func key(_ path: String) -> String { prefix + path }

    /// The entry's path, if `key` asks for a subtree hash.
    public static func path(of key: String) -> String? {
        key.hasPrefix(prefix) ? String(key.dropFirst(prefix.count)) : nil
    }

    /// The hash a fetch captured under `key`.
    public static func hash(in files: [String: [UInt8]], key: String) -> NixHash? {
        files[key].flatMap { try? NixHash.parseSRI(String(decoding: $0, as: UTF8.self)) }
    }
}

/// Fetch failures that are not a transport's own. Wording follows Nix.
public enum FetchError: UserFacingError, Equatable {
    case unsupportedInput(String)
    case narHashMismatch(url: String, storePath: String, expected: String, got: String, currentWording: Bool)
    case attributeMismatch(name: String, url: String, expected: String)
    /// Nix 2.31's `'lastModified' attribute mismatch …, expected N, got M`.
    case lastModifiedMismatch(url: String, expected: UInt64, got: Int64)
    /// A `tarball` at a relative `file:` path (Nix ≥2.34).
    case relativeFileTarball(url: String)
    case offline(what: String)
    case forgeAPI(url: String, message: String)
    case dirtyTree(path: String)
    case relativePathWithoutParent(url: String)
    case relativePathOutsideParent(path: String, parent: String)
    case linkToNonTarball(url: String)
    case noCommits(url: String)
    case unexpectedResponse(String)
    /// An indirect reference where registry lookups are forbidden (`--no-registries`, or the
    /// profile forbids them for this kind of input).
    case registryLookupsNotAllowed(reference: String)
    case cannotResolveRef(ref: String, url: String)
    /// `github-api = always` and the API's quota of `host` is exhausted (`cause` says when it resets).
    case githubQuotaExhausted(host: String, cause: String)

    public var exitStatus: Int32 {
        if case .narHashMismatch = self { return 102 }
        return 1
    }

    public var description: String {
        switch self {
        case .unsupportedInput(let json): "cannot fetch unsupported input '\(json)'"
        case .narHashMismatch(let url, let sp, let e, let g, let current):
            current
                ? "NAR hash mismatch in input '\(url)', expected '\(e)' but got '\(g)'"
                : "NAR hash mismatch in input '\(url)' (\(sp)), expected '\(e)', got '\(g)'"
        case .attributeMismatch(let n, let url, let e): "'\(n)' attribute mismatch in input '\(url)', expected \(e)"
        case .lastModifiedMismatch(let url, let e, let g):
            "'lastModified' attribute mismatch in input '\(url)', expected \(e), got \(g)"
        case .relativeFileTarball(let url):
            "tarball '\(url)' must use an absolute path. The 'file' scheme does not support relative paths."
        case .offline(let what):
            "cannot fetch \(what) because flakelock is running in offline mode and it is not in the cache"
        case .forgeAPI(let url, let m): "\(m) (requested '\(url)')"
        case .dirtyTree(let p): "Git tree '\(p)' is dirty"
        case .relativePathWithoutParent(let url): "cannot fetch input '\(url)' because it uses a relative path"
        case .relativePathOutsideParent(let p, let parent):
            "relative path '\(p)' points outside of its parent's store path '\(parent)'"
        case .linkToNonTarball(let url):
            "tarball 'Link' headers that redirect to non-tarball URLs are not supported: '\(url)'"
        case .noCommits(let url):
            "No commits returned by GitLab API -- does the git ref really exist? (requested '\(url)')"
        case .unexpectedResponse(let m): m
        case .githubQuotaExhausted(let host, let cause):
            "\(cause); the GitHub API quota of '\(host)' is exhausted: set 'github-api = auto' (or 'never') to resolve "
                + "GitHub refs over git without the API, or give a token for a larger quota with "
                + "'access-tokens = \(host)=TOKEN'"
        case .registryLookupsNotAllowed(let reference):
            "'\(reference)' is an indirect flake reference, but registry lookups are not allowed"
        case .cannotResolveRef(let ref, let url): "could not find ref '\(ref)' in '\(url)'"
        }
    }
}

/// The transports the fetchers use, injected.
public struct Transports: Sendable {
    public var http: any HTTPTransport
    public var archives: any ArchiveHasher
    public var git: any GitTransport
    /// HTTP PUT, for writing to a shared fact cache; nil: nothing is written over HTTP.
    public var upload: (any HTTPUploader)?

    public init(
        http: any HTTPTransport, archives: any ArchiveHasher, git: any GitTransport, upload: (any HTTPUploader)? = nil
    ) {
        self.http = http
        self.archives = archives
        self.git = git
        self.upload = upload
    }
}
