import FlakeLockBasics
import FlakeModel
import NixCompat

/// The fetchers' front door: resolves a flake reference through the registries, dispatches to
/// its scheme, and remembers results for the duration of one operation (docs/nix-behaviour.md,
/// "Fetch order, caching and cycles": Nix caches fetches by original reference within a lock
/// operation). Concurrent requests for the same key share one fetch (a map from key to `Task`),
/// so the locker can prefetch speculatively and await results in Nix's serial order.
public actor SourceFetcher {
    public nonisolated let settings: FetchSettings
    let transports: Transports
    private var registries: Registries
    let reporter: any FetchReporter
    let cache: FetchCache
    let limiter: AsyncLimiter
    /// Store paths of local trees fetched so far (see ``StorePathAliases``).
    public nonisolated let aliases: StorePathAliases
    /// GitHub hosts whose API quota ran out during this operation (`github-api = auto`).
    let githubQuota = GitHubQuota()
    /// The input types this fetcher dispatches to.
    public nonisolated let schemes: InputSchemeRegistry
    private var inFlight: [FetchKey: Task<FetchResult, any Error>] = [:]
    /// The request trace of each in-flight fetch (`--timings`; empty otherwise).
    private var traces: [FetchKey: RequestTrace] = [:]
    private var pendingGlobal: Task<Registry, Never>?

    /// What a fetch produced, with the references at each stage (docs/nix-behaviour.md,
    /// "Original, resolved, locked").
    public struct FetchResult: Sendable {
        public var original: FlakeRef
        public var resolved: FlakeRef
        /// The locked input plus the resolved subdir.
        public var locked: FlakeRef
        public var source: FetchedSource

        /// `<subdir>/flake.nix` of the tree, if it exists.
        public var flakeNix: [UInt8]? { source.files[Self.path("flake.nix", in: resolved.subdir)] }
        /// `<subdir>/flake.lock` of the tree, if it exists.
        public var flakeLock: [UInt8]? { source.files[Self.path("flake.lock", in: resolved.subdir)] }

        static func path(_ file: String, in subdir: String) -> String {
            subdir.isEmpty ? file : PathSyntax.canonicalizeRelative(subdir + "/" + file)
        }
    }

    /// - Parameters:
    ///   - maxConcurrent: bound on fetches running at once (`http-connections`,
    ///     `--max-concurrent-downloads`).
    public init(
        settings: FetchSettings, transports: Transports, registries: Registries, reporter: any FetchReporter,
        schemes: InputSchemeRegistry, maxConcurrent: Int = 25, aliases: StorePathAliases = StorePathAliases()
    ) {
        self.schemes = schemes
        self.aliases = aliases
        self.settings = settings
        self.transports = transports
        self.registries = registries
        self.reporter = reporter
        self.cache = FetchCache(
            directory: settings.cacheDirectory,
            shared: settings.factCache.map {
                SharedFactCache(settings: $0, http: transports.http, uploader: transports.upload, reporter: reporter)
            })
        self.limiter = AsyncLimiter(limit: maxConcurrent > 0 ? maxConcurrent : 1_000)
    }

    /// Loads a global registry from a `flake-registry` value (a path or a URL); set by the
    /// CLI so that a flake's `nixConfig.flake-registry` can replace the global registry.
    private var globalRegistryFactory: (@Sendable (String) async -> Registry)?

    public func setGlobalRegistryFactory(_ factory: @escaping @Sendable (String) async -> Registry) {
        globalRegistryFactory = factory
    }

    /// Uses the registry at `location` as the global one from now on (Nix applies a
    /// top-level flake's `nixConfig.flake-registry` without asking). An empty value
    /// disables the global registry.
    public func useGlobalRegistry(_ location: String) {
        if location.isEmpty {
            pendingGlobal = nil
            registries.globalLoader = nil
            registries.global = Registry()
            return
        }
        guard let factory = globalRegistryFactory else { return }
        pendingGlobal = nil
        registries.globalLoader = { await factory(location) }
    }

    /// Adds flag-registry entries (`--inputs-from`), looked up before every other registry.
    public func addFlagRegistryEntries(_ entries: [Registry.Entry]) {
        registries.flag.entries += entries
    }

    /// Resolves and fetches `ref`.
    /// - Parameters:
    ///   - registryScope: the registries an indirect reference may use; nil forbids lookups
    ///     (`'<ref>' is an indirect flake reference, but registry lookups are not allowed`).
    ///   - parentDirectory: where a relative `path:` resolves (the declaring flake's directory).
    ///   - wantFlakeFiles: capture `<subdir>/flake.nix` and `<subdir>/flake.lock`.
    public func fetch(
        _ ref: FlakeRef, registryScope: CompatProfile.RegistryScope?, parentDirectory: String? = nil,
        wantFlakeFiles: Bool = true
    ) async throws -> FetchResult {
        let key = key(ref, registryScope, parentDirectory, wantFlakeFiles)
        if let task = inFlight[key] { return try await awaitTraced(task, key) }
        if case .indirect = ref.input.spec {
            // Load the global registry once; callers that arrive while it loads (the actor is
            // re-entered at the `await`) wait for the same load instead of seeing the old one.
            if let load = registries.globalLoader {
                registries.globalLoader = nil
                pendingGlobal = Task { await load() }
            }
            if let pending = pendingGlobal {
                registries.global = await pending.value
                if pendingGlobal == pending { pendingGlobal = nil }
            }
            if let task = inFlight[key] { return try await awaitTraced(task, key) }
        }
        let trace = RequestTrace.current?.fork(
            label: (try? ref.toURLString(profile: settings.profile)) ?? ref.description)
        traces[key] = trace
        let task = Task { [settings, transports, registries, reporter, cache, limiter, aliases, githubQuota, schemes] in
            try await RequestTrace.$current.withValue(trace) {
                try await limiter.withSlot {
                    let r = try await Self.fetchUncached(
                        ref, registryScope: registryScope, registries: registries, wantFlakeFiles: wantFlakeFiles,
                        schemes: schemes,
                        context: FetchContext(
                            settings: settings, transports: transports, reporter: reporter, cache: cache,
                            aliases: aliases,
                            githubQuota: githubQuota, parentDirectory: parentDirectory, capture: []))
                    if let dir = r.source.localPath {
                        let isGit = schemes.scheme(for: r.source.locked)?.localTreeIsGitCheckout ?? false
                        aliases.register(storePath: r.source.storePath.description, directory: dir, withoutGit: isGit)
                        aliases.register(
                            storePath: settings.realPath(of: r.source.storePath), directory: dir, withoutGit: isGit)
                    }
                    return r
                }
            }
        }
        inFlight[key] = task
        return try await awaitTraced(task, key)
    }

    /// Waits for a fetch; the caller's request trace then knows the fetch's last request.
    private func awaitTraced(_ task: Task<FetchResult, any Error>, _ key: FetchKey) async throws -> FetchResult {
        let trace = traces[key]
        let r = try await task.value
        if let trace { RequestTrace.current?.learned(from: trace) }
        return r
    }

    /// Forgets the result remembered for these arguments: the next ``fetch`` reads the
    /// source again (Nix reads a local flake again after writing its lock file into it).
    public func forget(
        _ ref: FlakeRef, registryScope: CompatProfile.RegistryScope?, parentDirectory: String? = nil,
        wantFlakeFiles: Bool = true
    ) {
        let k = key(ref, registryScope, parentDirectory, wantFlakeFiles)
        inFlight[k] = nil
        traces[k] = nil
    }

    /// What makes two fetches one: the reference's attributes and, where they matter, the
    /// registry scope (only to an indirect reference) and the declaring flake's directory.
    struct FetchKey: Hashable {
        var attrs: Attrs
        var registryScope: CompatProfile.RegistryScope?
        var parentDirectory: String
        var wantFlakeFiles: Bool
    }

    /// The in-flight key of a fetch. A remote archive does not depend on the declaring flake's
    /// directory: the same GitHub input declared by two flakes is one fetch.
    private nonisolated func key(
        _ ref: FlakeRef, _ registryScope: CompatProfile.RegistryScope?, _ parentDirectory: String?,
        _ wantFlakeFiles: Bool
    ) -> FetchKey {
        let indirect = if case .indirect = ref.input.spec { true } else { false }
        let usesParent = indirect || (schemes.scheme(for: ref.input)?.dependsOnParentDirectory ?? true)
        return FetchKey(
            attrs: ref.toAttrs(), registryScope: indirect ? registryScope : nil,
            parentDirectory: usesParent ? parentDirectory ?? "" : "", wantFlakeFiles: wantFlakeFiles)
    }

    static func fetchUncached(
        _ ref: FlakeRef, registryScope: CompatProfile.RegistryScope?, registries: Registries, wantFlakeFiles: Bool,
        schemes: InputSchemeRegistry, context: FetchContext
    ) async throws -> FetchResult {
        let profile = context.settings.profile
        var resolved = ref
        if case .indirect = ref.input.spec {
            guard let registryScope else {
                throw FetchError.registryLookupsNotAllowed(
                    reference: (try? ref.toURLString(profile: profile)) ?? ref.description)
            }
            resolved = try registries.resolve(ref, scope: registryScope, profile: profile)
        }
        var context = context
        context.capture =
            wantFlakeFiles
            ? [FetchResult.path("flake.nix", in: resolved.subdir), FetchResult.path("flake.lock", in: resolved.subdir)]
            : []
        let input = resolved.input
        let url = (try? input.toURLString(profile: profile)) ?? input.description
        return try await withContext("while fetching the input '\(url)'") {
            guard let scheme = schemes.scheme(for: input) else { throw FetchError.unsupportedInput(input.description) }
            let source = try await scheme.fetch(input, context: context)
            return FetchResult(
                original: ref, resolved: resolved, locked: FlakeRef(input: source.locked, subdir: resolved.subdir),
                source: source)
        }
    }
}

extension SourceFetcher.FetchResult {
    /// Nix 2.8's fetcher cache keys a locked Git fetch by cache type (`git`, `-shallow`,
    /// `-submodules`, `-all-refs`), store name and revision — not by URL. A Git input with a
    /// `rev` whose key was fetched earlier in the same run is answered from that cache before
    /// `ref` is filled in, so its locked input has no `ref` (docs/nix-behaviour.md,
    /// "Nix 2.8's revision cache"). `seen` holds the keys fetched so far, in Nix's (serial) order.
    public func applyingNix28GitRevisionCache(seen: inout Set<String>, profile: CompatProfile) throws -> Self {
        guard profile.gitRevCacheOmitsRef, case .git(let spec) = resolved.input.spec,
            let rev = locked.input.common.rev?.hex
        else { return self }
        var type = "git"
        if spec.shallow == true { type += "-shallow" }
        if spec.submodules == true { type += "-submodules" }
        if spec.allRefs == true { type += "-all-refs" }
        let key = "\(type)|\(spec.name ?? "source")|\(rev)"
        let wasSeen = !seen.insert(key).inserted
        guard wasSeen, resolved.input.common.rev != nil, resolved.input.common.ref == nil,
            locked.input.attrs["ref"] != nil
        else { return self }
        var attrs = locked.input.attrs
        attrs["ref"] = nil
        var copy = self
        copy.source.locked = try Input.fromAttrs(attrs, profile: profile)
        copy.locked = FlakeRef(input: copy.source.locked, subdir: locked.subdir)
        return copy
    }
}
