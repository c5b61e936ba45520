import Fetchers
import FlakeLockBasics
import FlakeModel
import Foundation

/// Schedules the fetches of the whole input graph ahead of the serial walk.
///
/// The walk (``LockResolver``) decides everything in Nix's order, one node at a time. This
/// type guesses, off the walk, which fetches the walk will make and starts them as soon as
/// they can be known: the inputs of a node when the walk registers its overrides, and the
/// inputs of each of those inputs as soon as its own fetch has finished and its `flake.nix`
/// (and `flake.lock`) are read — long before the walk reaches it. Each guess applies the
/// walk's rules with what is known then: follows and overrides (the ancestors' registrations
/// plus the node's own), the old lock (or the input's own lock file) for entries the walk
/// keeps, `--override-input`, `--update-input`. Guesses only warm the ``SourceFetcher``'s
/// per-key tasks: the walk asks for every result again and decides from that, so a wrong
/// guess costs a download, never a decision. Speculative fetches hold their warnings back
/// until the walk uses them, their errors are dropped (the walk meets them again itself),
/// and ``run(_:)`` cancels those still running when the walk is over.
///
/// Work is queued on an `AsyncStream` that one child task of ``run(_:)`` drains into a
/// task group, so every speculative task is a child of the lock operation's task; all
/// fetches share the fetcher's ``AsyncLimiter`` (`http-connections`).
struct GraphPrefetcher: Sendable {
    typealias Job = @Sendable () async -> Void

    let profile: CompatProfile
    let loader: FlakeLoader
    let flags: LockFlags
    let cliOverridePaths: Set<InputPath>
    private let jobs: AsyncStream<Job>.Continuation
    private let stream: AsyncStream<Job>
    private let started = StartedFetches()

    var fetcher: SourceFetcher { loader.fetcher }

    init(profile: CompatProfile, loader: FlakeLoader, flags: LockFlags) {
        self.profile = profile
        self.loader = loader
        self.flags = flags
        cliOverridePaths = Set(flags.inputOverrides.map(\.0))
        (stream, jobs) = AsyncStream.makeStream(of: Job.self)
    }

    /// Runs `walk` with speculative fetching alongside; when it returns or throws, the
    /// speculation still going is cancelled and awaited.
    func run<T>(_ walk: () async throws -> T) async throws -> T {
        // Inputs this lock was asked to update are expected to have moved (the rest of the
        // lock keeps its revisions and fetches by rev).
        let updating = !flags.inputUpdates.isEmpty
        if updating { await fetcher.expectRefsToMove(true) }
        let result: Result<T, any Error>
        do { result = .success(try await runAlongside(walk)) } catch { result = .failure(error) }
        if updating { await fetcher.expectRefsToMove(false) }
        return try result.get()
    }

    private func runAlongside<T>(_ walk: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [stream] in
                await withDiscardingTaskGroup { jobs in
                    for await job in stream { jobs.addTask { await job() } }
                }
            }
            let result: Result<T, any Error>
            do { result = .success(try await walk()) } catch { result = .failure(error) }
            jobs.finish()
            await fetcher.cancelSpeculativeFetches()
            group.cancelAll()
            return try result.get()
        }
    }

    /// Starts the fetches the walk will make for the inputs `specs` of the node at `prefix`
    /// (Nix's `computeLocks` on that node), and, as each flake among them arrives, those
    /// of its own inputs.
    /// - Parameters:
    ///   - overrides: the overrides registered for this node's subtree.
    ///   - oldNode: what the walk compares this node's inputs with (old lock or own lock file).
    ///   - ancestors: original references of the flakes above (a cycle stops the guessing).
    func prefetch(
        _ specs: [(String, FlakeInputSpec)], prefix: InputPath, overrides: [InputPath: FlakeInputSpec],
        oldNode: OldLockView?, source: FlakeSource, ancestors: [FlakeRef]
    ) {
        for (id, declared) in specs {
            let path = prefix.appending(id)
            let isCLIOverride = cliOverridePaths.contains(path)
            let override = overrides[path]
            let spec = override ?? declared
            guard spec.follows == nil, let ref = spec.ref ?? declared.ref else { continue }
            if ref.input.isRelativePath(profile: profile) { continue }
            let old = flags.inputUpdates.contains(path) ? nil : oldNode?.inputs[id]
            if let l = old?.lock,
                LockResolver.canKeep(
                    l, ref: ref, parentPath: nil, override: override, isCLIOverride: isCLIOverride, profile: profile)
            {
                continue
            }
            let fetch = SpeculativeFetch(
                path: path, ref: ref, isFlake: declared.isFlake,
                registryScope: registryScope(cliOverride: isCLIOverride),
                parentDirectory: isCLIOverride ? flags.topDirectory : (override?.declaringSource ?? source).directory)
            guard started.insert(fetch) else { continue }
            // `--timings`: the guessed fetch depends on what made it known (the parent's
            // fetch, which the calling job has awaited), not on the walk's progress.
            let trace = RequestTrace.current?.fork(label: "(prefetch)")
            jobs.yield {
                await RequestTrace.$current.withValue(trace) {
                    await descend(fetch, overrides: overrides, old: old, ancestors: ancestors)
                }
            }
        }
    }

    /// Fetches one input and, if it is a flake the walk will recurse into, guesses its inputs.
    private func descend(
        _ f: SpeculativeFetch, overrides: [InputPath: FlakeInputSpec], old: OldLockView?, ancestors: [FlakeRef]
    ) async {
        guard !Task.isCancelled,
            let fetched = try? await fetcher.fetch(
                f.ref, registryScope: f.registryScope, parentDirectory: f.parentDirectory, wantFlakeFiles: f.isFlake,
                speculative: true),
            f.isFlake, !Task.isCancelled, !ancestors.contains(f.ref),
            let flake = try? loader.read(fetched, lockRootPath: f.path)
        else { return }
        let specs = flake.sortedInputs
        var overrides = overrides
        LockResolver.registerOverrides(specs, prefix: f.path, source: flake.source, into: &overrides, profile: profile)
        // As `LockResolver.relock`: the old entry, or the input's own lock file.
        var childOld: OldLockView?
        if let old, !profile.reLockUsesOwnLockFile {
            childOld = old
        } else if let bytes = flake.lockFileBytes {
            let dir = flake.flakeDirectory ?? flake.fetch.source.storePath.description
            guard let own = try? LockFile.parse(bytes, path: dir + "/flake.lock", profile: profile) else { return }
            childOld = OldLockView(own.root)
        }
        prefetch(
            specs, prefix: f.path, overrides: overrides, oldNode: childOld, source: flake.source,
            ancestors: ancestors + [f.ref])
    }

    private func registryScope(cliOverride: Bool) -> CompatProfile.RegistryScope? {
        guard flags.useRegistries else { return nil }
        return cliOverride ? .all : profile.registriesForInputs
    }
}

/// One guessed fetch: the arguments of ``SourceFetcher/fetch(_:registryScope:parentDirectory:wantFlakeFiles:speculative:)``
/// and the input path the walk would fetch it for.
struct SpeculativeFetch: Sendable, Hashable {
    var path: InputPath
    var ref: FlakeRef
    var isFlake: Bool
    var registryScope: CompatProfile.RegistryScope?
    var parentDirectory: String?

    static func == (a: Self, b: Self) -> Bool {
        a.path == b.path && a.ref.toAttrs() == b.ref.toAttrs() && a.isFlake == b.isFlake
            && a.registryScope == b.registryScope && a.parentDirectory == b.parentDirectory
    }

    func hash(into h: inout Hasher) {
        h.combine(path)
        h.combine(ref.toAttrs())
        h.combine(isFlake)
        h.combine(parentDirectory)
    }
}

/// The guesses made so far, so that the walk's own prefetching at a node the guessing has
/// already reached starts nothing twice.
private final class StartedFetches: @unchecked Sendable {
    // @unchecked: `set` is guarded by `lock`.
    private let lock = NSLock()
    private var set: Set<SpeculativeFetch> = []

    /// Whether `f` is new.
    func insert(_ f: SpeculativeFetch) -> Bool { lock.withLock { set.insert(f).inserted } }
}

/// A sendable copy of an old lock node's entries, as far down as guessing may look (lock
/// graphs may share nodes or even have cycles, so the copy stops at a fixed depth).
struct OldLockView: Sendable {
    var lock: LockedInput?
    var inputs: [String: OldLockView]

    init(_ node: LockNode, depth: Int = 8) {
        lock = node.lock
        inputs = [:]
        guard depth > 0 else { return }
        for (name, edge) in node.inputs {
            if case .node(let child) = edge { inputs[name] = OldLockView(child, depth: depth - 1) }
        }
    }
}
