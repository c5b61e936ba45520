import FlakeModel

/// `tarball+…` and `file+…` inputs (see ``TarballFetcher``).
public struct TarballScheme: InputScheme {
    public init() {}
    public func handles(_ input: Input) -> Bool { if case .tarball = input.spec { true } else { false } }
    public var dependsOnParentDirectory: Bool { false }
    /// The URL of the node's original: the locked URL of a lockable tarball names one release.
    public func repository(locked: Input, original: Input?) -> RepositoryID? {
        guard case .tarball(let t) = locked.spec else { return nil }
        var url = t.url
        if case .tarball(let o)? = original?.spec { url = o.url }
        return RepositoryID(key: "tarball:" + url, display: url, forge: nil, name: RepositoryID.lastComponent(url))
    }
    public func fetch(_ input: Input, context c: FetchContext) async throws -> FetchedSource {
        guard case .tarball(let spec) = input.spec else { throw FetchError.unsupportedInput(input.description) }
        return try await TarballFetcher(settings: c.settings, transports: c.transports, cache: c.cache)
            .fetch(input, spec, capture: c.capture)
    }
}
