import FlakeModel

/// `git+…` inputs (see ``GitFetcher``).
public struct GitScheme: InputScheme {
    public init() {}
    public func handles(_ input: Input) -> Bool { if case .git = input.spec { true } else { false } }
    public var localTreeIsGitCheckout: Bool { true }
    public func isWritableTop(_ input: Input) -> Bool {
        if case .git(let g) = input.spec { isLocalWorkTree(input, url: g.url) } else { false }
    }
    public func lockFileVersionControl(_ input: Input) -> LockFileVersionControl? { .git }
    /// The URL normalised; a GitHub, GitLab or SourceHut URL also names its forge repository.
    public func repository(locked: Input, original: Input?) -> RepositoryID? {
        guard case .git(let g) = locked.spec else { return nil }
        let url = RepositoryID.normaliseGitURL(g.url)
        return RepositoryID(
            key: "git:" + url, display: "git+" + url, forge: RepositoryID.forgeOfURL(url),
            name: RepositoryID.lastComponent(url))
    }
    public func fetch(_ input: Input, context c: FetchContext) async throws -> FetchedSource {
        guard case .git(let spec) = input.spec else { throw FetchError.unsupportedInput(input.description) }
        return try await GitFetcher(
            settings: c.settings, transports: c.transports, reporter: c.reporter, cache: c.cache
        )
        .fetch(input, spec, capture: c.capture)
    }
}
