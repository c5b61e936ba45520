import FlakeModel

/// `github:`, `gitlab:`, `sourcehut:` inputs (see ``ForgeFetcher``).
public struct ForgeScheme: InputScheme {
    public init() {}
    public func handles(_ input: Input) -> Bool { if case .forge = input.spec { true } else { false } }
    public var dependsOnParentDirectory: Bool { false }
    public func fetch(_ input: Input, context c: FetchContext) async throws -> FetchedSource {
        guard case .forge(let spec) = input.spec else { throw FetchError.unsupportedInput(input.description) }
        return try await ForgeFetcher(
            settings: c.settings, transports: c.transports, cache: c.cache, reporter: c.reporter, quota: c.githubQuota
        ).fetch(input, spec, capture: c.capture)
    }
}
