import FlakeModel

/// `github:`, `gitlab:`, `sourcehut:` inputs (see ``ForgeFetcher``).
public struct ForgeScheme: InputScheme {
    public init() {}
    public func handles(_ input: Input) -> Bool { if case .forge = input.spec { true } else { false } }
    public var dependsOnParentDirectory: Bool { false }
    /// Type, host (default filled in, lowercased), owner and repo, compared case-insensitively.
    public func repository(locked: Input, original: Input?) -> RepositoryID? {
        guard case .forge(let f) = locked.spec else { return nil }
        let host = (f.host ?? f.forge.defaultHost).lowercased()
        let coords = RepositoryID.ForgeCoordinates(forge: f.forge, host: host, owner: f.owner, repo: f.repo)
        let hostPart = host == f.forge.defaultHost ? "" : "?host=\(host)"
        return RepositoryID(
            key: "\(f.forge.rawValue):\(host)/\(f.owner.lowercased())/\(f.repo.lowercased())",
            display: "\(f.forge.rawValue):\(f.owner)/\(f.repo)\(hostPart)", forge: coords, name: f.repo.lowercased())
    }
    public func fetch(_ input: Input, context c: FetchContext) async throws -> FetchedSource {
        guard case .forge(let spec) = input.spec else { throw FetchError.unsupportedInput(input.description) }
        return try await ForgeFetcher(
            settings: c.settings, transports: c.transports, cache: c.cache, reporter: c.reporter, quota: c.githubQuota
        ).fetch(input, spec, capture: c.capture)
    }
}
