import FlakeModel

/// `tarball+…` and `file+…` inputs (see ``TarballFetcher``).
public struct TarballScheme: InputScheme {
    public init() {}
    public func handles(_ input: Input) -> Bool { if case .tarball = input.spec { true } else { false } }
    public var dependsOnParentDirectory: Bool { false }
    public func fetch(_ input: Input, context c: FetchContext) async throws -> FetchedSource {
        guard case .tarball(let spec) = input.spec else { throw FetchError.unsupportedInput(input.description) }
        return try await TarballFetcher(settings: c.settings, transports: c.transports, cache: c.cache)
            .fetch(input, spec, capture: c.capture)
    }
}
