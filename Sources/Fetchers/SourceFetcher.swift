import FlakeLockBasics
import FlakeModel
import Foundation
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
    /// The on-disk cache of fetch results (also where order-dependent facts of a profile are kept).
    public nonisolated var fetchCache: FetchCache { cache }
    let limiter: AsyncLimiter
    /// Store paths of local trees fetched so far (see ``StorePathAliases``).
    public nonisolated let aliases: StorePathAliases
    /// GitHub hosts whose API quota ran out during this operation (`github-api = auto`).
    let githubQuota = GitHubQuota()
    /// The input types this fetcher dispatches to.
    public nonisolated let schemes: InputSchemeRegistry
    private var inFlight: [FetchKey: InFlight] = [:]
    /// How many locks under way expect their refs to have moved (``expectRefsToMove(_:)``);
    /// several share this fetcher in `lock --recursive`.
    private var locksExpectingMovedRefs = 0
    private var pendingGlobal: Task<Registry, Never>?
    /// Warnings from reading the registries, held until a lookup the walk uses.
    private let registryWarnings = HeldWarnings()

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
        for message in registries.deferredWarnings { registryWarnings.warning(message) }
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
    private var globalRegistryFactory: (@Sendable (String, any FetchReporter) async -> Registry)?

    public func setGlobalRegistryFactory(
        _ factory: @escaping @Sendable (String, any FetchReporter) async -> Registry
    ) {
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
        registries.globalLoader = { await factory(location, $0) }
    }

    /// A lock that updates the inputs it was asked to (`update INPUT`, `--update-input`),
    /// whose other inputs keep their locked revisions, expects the refs it fetches to have
    /// moved upstream: `true` when it starts, `false` when it ends. While any such lock is
    /// under way, a GitHub ref has the archive of the ref requested while it resolves even
    /// when this machine holds its last tree.
    public func expectRefsToMove(_ expected: Bool) {
        locksExpectingMovedRefs = max(0, locksExpectingMovedRefs + (expected ? 1 : -1))
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
    ///   - speculative: a fetch the caller may never use (the locker's prefetching): its
    ///     warnings are held back until a non-speculative caller asks for the same fetch,
    ///     and ``cancelSpeculativeFetches()`` cancels it while nobody else has.
    public func fetch(
        _ ref: FlakeRef, registryScope: CompatProfile.RegistryScope?, parentDirectory: String? = nil,
        wantFlakeFiles: Bool = true, speculative: Bool = false
    ) async throws -> FetchResult {
        while true {
            do {
                return try await fetchShared(
                    ref, registryScope: registryScope, parentDirectory: parentDirectory,
                    wantFlakeFiles: wantFlakeFiles, speculative: speculative)
            } catch is SharedFetchCancelled {
                continue  // fetch again, for this caller
            }
        }
    }

    /// Nix 2.8's fetch of a relative `path:` input `ref` of a flake whose tree is not on disk
    /// (a Git revision, a tarball, a forge archive): the entry at `subtree` of the declaring
    /// flake's locked tree, as Nix copies it from that tree's store copy (docs/nix-behaviour.md,
    /// "Relative path inputs"). `tree` is that locked tree with the input's flake directory
    /// (`<subtree>/<ref.subdir>`) as subdir. The locked input is `ref`'s own attributes plus
    /// the entry's NAR hash and `lastModified` 1 (the mtime of every file in the store).
    /// - Throws: `getting status of '<store path>/<subtree>': No such file or directory`
    ///   when the tree has no such entry.
    public func fetchSubtree(_ ref: FlakeRef, tree: FlakeRef, subtree: String, wantFlakeFiles: Bool) async throws
        -> FetchResult
    {
        let r = try await fetchShared(
            tree, registryScope: nil, parentDirectory: nil, wantFlakeFiles: wantFlakeFiles, speculative: false,
            subtreeHash: subtree)
        guard let narHash = SubtreeHashCapture.hash(in: r.source.files, key: SubtreeHashCapture.key(subtree)) else {
            let path = subtree.isEmpty ? r.source.storePath.description : r.source.storePath.description + "/" + subtree
            throw TreeHashError.cannotStat(path: path, errno: ENOENT)
        }
        var attrs = ref.input.attrs
        attrs["lastModified"] = .int(1)
        attrs["narHash"] = .string(narHash.sri)
        let locked = try Input.fromAttrs(attrs, profile: settings.profile)
        var files: [String: [UInt8]] = [:]
        for name in ["flake.nix", "flake.lock"] {
            files[FetchResult.path(name, in: ref.subdir)] = r.source.files[FetchResult.path(name, in: tree.subdir)]
        }
        let source = FetchedSource(
            locked: locked, narHash: narHash, files: files, localPath: nil,
            storePath: StorePath.fixedOutputSource(
                narHash: narHash, name: StoreCopies.storeName(locked), storeDirectory: settings.storeDirectory))
        let capture = wantFlakeFiles ? Array(files.keys) : []
        await StoreCopies.remember(
            source, capture: capture,
            context: fetchContext(settings: settings, reporter: SilentFetchReporter(), parentDirectory: nil))
        return FetchResult(
            original: ref, resolved: ref, locked: FlakeRef(input: locked, subdir: ref.subdir), source: source)
    }

    private func fetchShared(
        _ ref: FlakeRef, registryScope: CompatProfile.RegistryScope?, parentDirectory: String?,
        wantFlakeFiles: Bool, speculative: Bool, subtreeHash: String? = nil
    ) async throws -> FetchResult {
        let key = key(ref, registryScope, parentDirectory, wantFlakeFiles, subtreeHash: subtreeHash)
        if case .indirect = ref.input.spec {
            // Load the global registry once; callers that arrive while it loads (the actor is
            // re-entered at the `await`) wait for the same load instead of seeing the old one.
            if let load = registries.globalLoader {
                registries.globalLoader = nil
                pendingGlobal = Task { [registryWarnings] in await load(registryWarnings) }
            }
            if let pending = pendingGlobal {
                registries.global = await pending.value
                if pendingGlobal == pending { pendingGlobal = nil }
            }
            // Nix reads its registries when a lookup needs them: their warnings come with
            // the first lookup the walk makes, even when a speculative one came first.
            if !speculative { registryWarnings.release(to: reporter) }
        }
        if let entry = inFlight[key] { return try await value(of: entry, key: key, speculative: speculative) }
        let warnings = HeldWarnings()
        let trace = RequestTrace.current?.fork(
            label: (try? ref.toURLString(profile: settings.profile)) ?? ref.description)
        var settings = settings
        settings.archiveWithRefWhenWarm = locksExpectingMovedRefs > 0
        let context = fetchContext(settings: settings, reporter: warnings, parentDirectory: parentDirectory)
        let task = Task { [settings, registries, limiter, aliases, schemes] in
            try await RequestTrace.$current.withValue(trace) {
                try await limiter.withSlot {
                    // Cancelled while queued for a slot: a speculative fetch nobody needs any more.
                    try Task.checkCancellation()
                    let r = try await Self.fetchUncached(
                        ref, registryScope: registryScope, registries: registries, wantFlakeFiles: wantFlakeFiles,
                        subtreeHash: subtreeHash, schemes: schemes, context: context)
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
        let entry = InFlight(task: task, warnings: warnings, trace: trace, waiters: FetchWaiters())
        inFlight[key] = entry
        return try await value(of: entry, key: key, speculative: speculative)
    }

    /// A fetch under way or done, the warnings it has given so far, and its request trace
    /// (`--timings`; nil otherwise).
    private struct InFlight {
        var task: Task<FetchResult, any Error>
        var warnings: HeldWarnings
        var trace: RequestTrace?
        var waiters: FetchWaiters
    }

    /// Waits for a fetch; a non-speculative caller releases its warnings, and the caller's
    /// request trace then knows the fetch's last request.
    ///
    /// The fetch is one task shared by its callers: it is cancelled when every caller that
    /// waits for it was cancelled (a cancelled lock stops its downloads, while a fetch another
    /// lock of `lock --recursive` still waits for goes on), and then forgotten, so that a
    /// later caller fetches again instead of receiving the cancellation.
    private func value(of entry: InFlight, key: FetchKey, speculative: Bool) async throws -> FetchResult {
        if !speculative { entry.warnings.release(to: reporter) }
        entry.waiters.arrive()
        defer { entry.waiters.leave() }
        do {
            let r = try await withTaskCancellationHandler {
                try await entry.task.value
            } onCancel: {
                if entry.waiters.cancelOne() { entry.task.cancel() }
            }
            if let trace = entry.trace { RequestTrace.current?.learned(from: trace) }
            return r
        } catch {
            // Only a fetch its waiters gave up on (``cancelSpeculativeFetches()`` forgets its own).
            guard entry.waiters.gaveUp else { throw error }
            if inFlight[key]?.waiters === entry.waiters { inFlight[key] = nil }
            // Cancelled for the others, not for this caller (it came as the last one left).
            if !Task.isCancelled { throw SharedFetchCancelled() }
            throw error
        }
    }

    /// A shared fetch was cancelled by its other callers while this one still wants it.
    private struct SharedFetchCancelled: Error {}

    /// Cancels the fetches that only speculative callers have asked for and forgets them (a
    /// later request fetches again); their warnings are dropped. The locker calls this when
    /// its walk is over.
    public func cancelSpeculativeFetches() {
        for (key, entry) in inFlight where !entry.warnings.isReleased {
            entry.task.cancel()
            inFlight[key] = nil
        }
    }

    /// Forgets the result remembered for these arguments: the next ``fetch`` reads the
    /// source again (Nix reads a local flake again after writing its lock file into it).
    public func forget(
        _ ref: FlakeRef, registryScope: CompatProfile.RegistryScope?, parentDirectory: String? = nil,
        wantFlakeFiles: Bool = true
    ) {
        inFlight[key(ref, registryScope, parentDirectory, wantFlakeFiles)] = nil
    }

    /// The context a scheme's fetch runs in (its files to capture are set per fetch).
    private nonisolated func fetchContext(
        settings: FetchSettings, reporter: any FetchReporter, parentDirectory: String?
    ) -> FetchContext {
        FetchContext(
            settings: settings, transports: transports, reporter: reporter, cache: cache, aliases: aliases,
            githubQuota: githubQuota, parentDirectory: parentDirectory, capture: [])
    }

    /// What makes two fetches one: the reference's attributes and, where they matter, the
    /// registry scope (only to an indirect reference) and the declaring flake's directory.
    struct FetchKey: Hashable {
        var attrs: Attrs
        var registryScope: CompatProfile.RegistryScope?
        var parentDirectory: String
        var wantFlakeFiles: Bool
        /// The subtree whose NAR hash the fetch captures too (``fetchSubtree``).
        var subtreeHash: String?
    }

    /// The in-flight key of a fetch. A remote archive does not depend on the declaring flake's
    /// directory: the same GitHub input declared by two flakes is one fetch.
    private nonisolated func key(
        _ ref: FlakeRef, _ registryScope: CompatProfile.RegistryScope?, _ parentDirectory: String?,
        _ wantFlakeFiles: Bool, subtreeHash: String? = nil
    ) -> FetchKey {
        let indirect = if case .indirect = ref.input.spec { true } else { false }
        let usesParent = indirect || (schemes.scheme(for: ref.input)?.dependsOnParentDirectory ?? true)
        return FetchKey(
            attrs: ref.toAttrs(), registryScope: indirect ? registryScope : nil,
            parentDirectory: usesParent ? parentDirectory ?? "" : "", wantFlakeFiles: wantFlakeFiles,
            subtreeHash: subtreeHash)
    }

    static func fetchUncached(
        _ ref: FlakeRef, registryScope: CompatProfile.RegistryScope?, registries: Registries, wantFlakeFiles: Bool,
        subtreeHash: String? = nil, schemes: InputSchemeRegistry, context: FetchContext
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
        if let subtreeHash { context.capture.append(SubtreeHashCapture.key(subtreeHash)) }
        let input = resolved.input
        let url = (try? input.toURLString(profile: profile)) ?? input.description
        return try await withContext("while fetching the input '\(url)'") {
            guard let scheme = schemes.scheme(for: input) else { throw FetchError.unsupportedInput(input.description) }
            // A locked tree Nix would find in its store is not fetched again (StoreCopies).
            let source: FetchedSource
            if let copy = await StoreCopies.lookup(input, capture: context.capture, context: context) {
                source = copy
            } else {
                source = try await scheme.fetch(input, context: context)
                await StoreCopies.remember(source, capture: context.capture, context: context)
            }
            return FetchResult(
                original: ref, resolved: resolved, locked: FlakeRef(input: source.locked, subdir: resolved.subdir),
                source: source)
        }
    }
}

/// The callers waiting for one shared fetch, and how many of them were cancelled.
final class FetchWaiters: @unchecked Sendable {
    // @unchecked: both counts are guarded by `lock`.
    private let lock = NSLock()
    private var waiting = 0
    private var cancelled = 0
    private var cancelledAll = false

    func arrive() { lock.withLock { waiting += 1 } }

    func leave() { lock.withLock { waiting -= 1 } }

    /// A waiting caller was cancelled; true (once) when no waiting caller is left
    /// uncancelled, and the fetch is to be cancelled.
    func cancelOne() -> Bool {
        lock.withLock {
            cancelled += 1
            guard !cancelledAll, cancelled >= waiting else { return false }
            cancelledAll = true
            return true
        }
    }

    /// Whether the waiters had the fetch cancelled.
    var gaveUp: Bool { lock.withLock { cancelledAll } }
}

/// The warnings of one fetch: held while only speculative callers wait for it, passed on
/// (those held first, in order) once a caller that uses the result has asked for it.
final class HeldWarnings: FetchReporter, @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `lock`.
    private let lock = NSLock()
    private var held: [String] = []
    private var target: (any FetchReporter)?

    var isReleased: Bool { lock.withLock { target != nil } }

    func warning(_ message: String) {
        lock.withLock {
            if let target { target.warning(message) } else { held.append(message) }
        }
    }

    /// From now on warnings go to `reporter`; those held so far go first.
    func release(to reporter: any FetchReporter) {
        lock.withLock {
            guard target == nil else { return }
            target = reporter
            for message in held { reporter.warning(message) }
            held = []
        }
    }
}
