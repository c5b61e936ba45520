import FlakeModel

/// Everything a scheme's fetch may use, built once per fetch by ``SourceFetcher`` (instead of
/// passing each piece as its own parameter).
public struct FetchContext: Sendable {
    let settings: FetchSettings
    let transports: Transports
    let reporter: any FetchReporter
    let cache: FetchCache
    let aliases: StorePathAliases
    let githubQuota: GitHubQuota
    /// Where a relative `path:` resolves (the declaring flake's directory).
    let parentDirectory: String?
    /// Files of the fetched tree to capture (`<subdir>/flake.nix`, `<subdir>/flake.lock`).
    var capture: [String]
}

/// One input type (`github:`, `git+…`, `path:`, …): the per-scheme answers the fetchers need.
/// A new input type is one conformance in `Sources/Fetchers/Schemes/<Name>Scheme.swift` plus one
/// line in ``InputSchemeRegistry/standard``. Indirect references are not a scheme: the registries
/// resolve them to one before the fetch.
public protocol InputScheme: Sendable {
    /// Whether this scheme fetches `input`.
    func handles(_ input: Input) -> Bool
    /// Whether a fetch depends on the declaring flake's directory (a relative path does; a
    /// remote archive does not, so the same input declared by two flakes is one fetch).
    var dependsOnParentDirectory: Bool { get }
    /// Whether a local tree of this scheme is a Git checkout, so that its store path is an alias
    /// of the directory only with `.git` left out (see ``StorePathAliases``).
    var localTreeIsGitCheckout: Bool { get }
    /// Whether a top-level flake of this scheme is a local tree its lock file may be written
    /// into (a path, or a local Git or Mercurial checkout without `ref` or `rev`).
    func isWritableTop(_ input: Input) -> Bool
    /// The version control a lock file written into this top-level flake is handed to
    /// (Nix's `markChangedFile`: `git add --intent-to-add`, `hg add`, and the commit of
    /// `--commit-lock-file`); nil when there is none.
    func lockFileVersionControl(_ input: Input) -> LockFileVersionControl?
    /// Fetches `input` (resolved, so never indirect).
    func fetch(_ input: Input, context: FetchContext) async throws -> FetchedSource
    /// Which repository a lock node of this scheme comes from, whatever its revision
    /// (``RepositoryID``: what `audit` groups duplicates by and `why` looks up); `original`
    /// is the node's original reference. nil when the input has none.
    func repository(locked: Input, original: Input?) -> RepositoryID?
}

/// Where a written lock file is recorded (see ``InputScheme/lockFileVersionControl(_:)``).
public enum LockFileVersionControl: Sendable, Equatable {
    /// The Git work tree that contains the lock file.
    case git
    /// The local Mercurial repository at this path.
    case mercurial(repository: String)
}

extension InputScheme {
    public var dependsOnParentDirectory: Bool { true }
    public var localTreeIsGitCheckout: Bool { false }
    public func isWritableTop(_ input: Input) -> Bool { false }
    public func lockFileVersionControl(_ input: Input) -> LockFileVersionControl? { nil }
    public func repository(locked: Input, original: Input?) -> RepositoryID? { nil }

    /// Whether `input` names a local checkout's work tree: a `file:` URL without `ref` or `rev`.
    func isLocalWorkTree(_ input: Input, url: String) -> Bool {
        url.hasPrefix("file:") && input.common.ref == nil && input.common.rev == nil
    }
}

/// The schemes a ``SourceFetcher`` dispatches to, in lookup order. Passed in explicitly.
public struct InputSchemeRegistry: Sendable {
    public let schemes: [any InputScheme]

    public init(_ schemes: [any InputScheme]) { self.schemes = schemes }

    /// The input types Nix has (indirect ones are resolved by the registries first).
    public static let standard = InputSchemeRegistry([
        ForgeScheme(), GitScheme(), TarballScheme(), PathScheme(), MercurialScheme(),
    ])

    /// The scheme that fetches `input`, if any.
    public func scheme(for input: Input) -> (any InputScheme)? {
        schemes.first { $0.handles(input) }
    }
}
