import FlakeModel

/// `path:` inputs (see ``PathFetcher``).
public struct PathScheme: InputScheme {
    public init() {}
    public func handles(_ input: Input) -> Bool { if case .path = input.spec { true } else { false } }
    public func isWritableTop(_ input: Input) -> Bool { true }
    public func repository(locked: Input, original: Input?) -> RepositoryID? {
        guard case .path(let p) = locked.spec else { return nil }
        return RepositoryID(
            key: "path:" + p.path, display: "path:" + p.path, forge: nil, name: RepositoryID.lastComponent(p.path))
    }
    public func fetch(_ input: Input, context c: FetchContext) async throws -> FetchedSource {
        guard case .path(let spec) = input.spec else { throw FetchError.unsupportedInput(input.description) }
        return try await PathFetcher(settings: c.settings, aliases: c.aliases)
            .fetch(input, spec, parentDirectory: c.parentDirectory, capture: c.capture)
    }
}
