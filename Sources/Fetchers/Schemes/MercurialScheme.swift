import FlakeModel

/// `hg+…` inputs (see ``MercurialFetcher``).
public struct MercurialScheme: InputScheme {
    public init() {}
    public func handles(_ input: Input) -> Bool { if case .hg = input.spec { true } else { false } }
    public func isWritableTop(_ input: Input) -> Bool {
        if case .hg(let h) = input.spec { isLocalWorkTree(input, url: h.url) } else { false }
    }
    public func lockFileVersionControl(_ input: Input) -> LockFileVersionControl? {
        guard case .hg(let h) = input.spec, let repository = MercurialLocation.localPath(h.url) else { return nil }
        return .mercurial(repository: repository)
    }
    public func repository(locked: Input, original: Input?) -> RepositoryID? {
        guard case .hg = locked.spec, let u = locked.attrs.string("url") else { return nil }
        return RepositoryID(key: "hg:" + u, display: "hg+" + u, forge: nil, name: RepositoryID.lastComponent(u))
    }
    public func fetch(_ input: Input, context c: FetchContext) async throws -> FetchedSource {
        guard case .hg(let spec) = input.spec else { throw FetchError.unsupportedInput(input.description) }
        return try await MercurialFetcher(settings: c.settings, reporter: c.reporter, cache: c.cache)
            .fetch(input, spec, capture: c.capture)
    }
}
