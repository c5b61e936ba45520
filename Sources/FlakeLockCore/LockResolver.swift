import Fetchers
import FlakeLockBasics
import FlakeModel
import Logging

/// Nix's `computeLocks` (docs/nix-behaviour.md, "The locking walk (Nix 2.8)", with the changes
/// of "Locking changes after 2.8" selected by the profile): walks the inputs depth-first in
/// sorted order, keeping old lock entries whose `original` still matches and re-locking the
/// rest.
///
/// The walk is serial and decides everything (node keys, messages, the first error) in
/// Nix's order; fetching is parallel underneath: before processing a node's inputs, the
/// fetches it will probably need are started at once on the ``SourceFetcher``, whose
/// per-key tasks the walk then awaits. A speculative fetch that the walk never uses is
/// simply dropped, its error unreported.
final class LockResolver {
    let profile: CompatProfile
    let loader: FlakeLoader
    let fetcher: SourceFetcher
    let flags: LockFlags
    let reporter: any LockReporter
    let logger: Logger
    /// Starts fetches ahead of the walk, across the whole graph.
    let graph: GraphPrefetcher

    /// Overrides by input path (CLI ones first, then those declared in flake.nix files).
    private var overrides: [InputPath: FlakeInputSpec] = [:]
    private let cliOverridePaths: Set<InputPath>
    private(set) var overridesUsed: Set<InputPath> = []
    private(set) var updatesUsed: Set<InputPath> = []
    /// Original references of the flakes on the current recursion path.
    private var parents: [FlakeRef] = []

    init(
        profile: CompatProfile, loader: FlakeLoader, fetcher: SourceFetcher, flags: LockFlags,
        reporter: any LockReporter, logger: Logger, graph: GraphPrefetcher
    ) {
        self.graph = graph
        self.logger = logger
        self.profile = profile
        self.loader = loader
        self.fetcher = fetcher
        self.flags = flags
        self.reporter = reporter
        for (path, ref) in flags.inputOverrides {
            overrides[path] = FlakeInputSpec(ref: ref)
        }
        cliOverridePaths = graph.cliOverridePaths
    }

    /// Where an indirect input may be looked up: nowhere with `--no-registries`; current
    /// Nix uses only the flag and global registries for inputs, except CLI overrides.
    func registryScope(cliOverride: Bool) -> CompatProfile.RegistryScope? {
        guard flags.useRegistries else { return nil }
        return cliOverride ? .all : profile.registriesForInputs
    }

    /// Registers the nested overrides declared by `specs` (step (a)) into `overrides`.
    /// Current Nix registers to any depth, skipping specs that have neither a reference nor
    /// follows.
    static func registerOverrides(
        _ specs: [(String, FlakeInputSpec)], prefix: InputPath, source: FlakeSource,
        into overrides: inout [InputPath: FlakeInputSpec], profile: CompatProfile
    ) {
        func register(_ path: InputPath, _ spec: FlakeInputSpec) {
            if spec.ref != nil || spec.follows != nil || !profile.deepOverrides {
                var spec = spec
                spec.declaringSource = source
                if !profile.overridesKeepFirst || overrides[path] == nil { overrides[path] = spec }
            }
            guard profile.deepOverrides else { return }
            for (id, child) in spec.sortedOverrides { register(path.appending(id), child) }
        }
        for (id, spec) in specs {
            for (childID, child) in spec.sortedOverrides { register(prefix.appending(id).appending(childID), child) }
        }
    }

    /// Computes the inputs of `node` from `specs`.
    /// - Parameters:
    ///   - prefix: the input path of `node`.
    ///   - oldNode: the node's entry in the old lock (or in the input's own lock file).
    ///   - followsPrefix: what follows paths copied from `oldNode`'s lock file are relative to.
    ///   - source: where the flake whose inputs these are lives (for relative `path:` inputs).
    ///   - trustLock: follows edges of kept entries need no override backing.
    func computeLocks(
        _ specs: [(String, FlakeInputSpec)], node: LockNode, prefix: InputPath, oldNode: LockNode?,
        followsPrefix: InputPath, source: FlakeSource, trustLock: Bool
    ) async throws {
        Self.registerOverrides(specs, prefix: prefix, source: source, into: &overrides, profile: profile)
        if profile.warnsOverrideForNonexistentInput {
            warnAboutDanglingOverrides(specs, prefix: prefix)
        }
        graph.prefetch(
            specs, prefix: prefix, overrides: overrides, oldNode: oldNode.map { OldLockView($0) }, source: source,
            ancestors: parents)

        for (id, declared) in specs {
            let path = prefix.appending(id)
            var spec = declared
            let isCLIOverride = cliOverridePaths.contains(path)
            let override = overrides[path]
            if var ov = override {
                overridesUsed.insert(path)
                ov.isFlake = declared.isFlake
                spec = ov
            }
            if let follows = spec.follows {
                node.inputs[id] = .follows(follows)
                continue
            }
            if spec.ref == nil {
                // Current Nix: an override with neither reference nor follows leaves the
                // declaration in place; a bare top-level input is `flake:<id>`.
                spec.ref =
                    declared.ref
                    ?? (try? FlakeRef.fromAttrs(["type": "indirect", "id": .string(id)], profile: profile))
            }
            guard let ref = spec.ref else { continue }
            updatesUsed.insert(path)

            var old: LockNode?
            if let oldNode, !flags.inputUpdates.contains(path), case .node(let n) = oldNode.inputs[id] {
                old = n
            }
            let parentPath = ref.input.isRelativePath(profile: profile) ? (override?.parentPath ?? prefix) : nil
            let inputSource = override?.declaringSource ?? source

            if let old, let oldLock = old.lock,
                canKeep(oldLock, ref: ref, parentPath: parentPath, override: override, isCLIOverride: isCLIOverride)
            {
                logger.info("keeping locked input '\(path)'")
                try await keep(
                    id, old: old, oldLock: oldLock, node: node, path: path, followsPrefix: followsPrefix,
                    source: inputSource, trustLock: trustLock)
            } else {
                logger.info(
                    "\(old == nil ? "locking" : "updating") input '\(path)' from '\((try? ref.toURLString(profile: profile)) ?? ref.description)'"
                )
                try await relock(
                    id, spec: spec, declared: declared, ref: ref, node: node, path: path, old: old,
                    parentPath: parentPath,
                    isCLIOverride: isCLIOverride, followsPrefix: followsPrefix, source: inputSource)
            }
        }
    }

    /// Whether an old entry stays (docs/nix-behaviour.md: the keep test of "The locking walk
    /// (Nix 2.8)"; "Locking changes after 2.8" for later versions).
    private func canKeep(
        _ oldLock: LockedInput, ref: FlakeRef, parentPath: InputPath?, override: FlakeInputSpec?, isCLIOverride: Bool
    ) -> Bool {
        Self.canKeep(
            oldLock, ref: ref, parentPath: parentPath, override: override, isCLIOverride: isCLIOverride,
            profile: profile)
    }

    static func canKeep(
        _ oldLock: LockedInput, ref: FlakeRef, parentPath: InputPath?, override: FlakeInputSpec?, isCLIOverride: Bool,
        profile: CompatProfile
    ) -> Bool {
        let sameOriginal: Bool
        if profile.canonicalizesOriginals {
            sameOriginal = oldLock.original.canonicalized(profile: profile) == ref.canonicalized(profile: profile)
        } else {
            sameOriginal = oldLock.original == ref
        }
        guard sameOriginal else { return false }
        if profile.lockNodesHaveParent && oldLock.parent != parentPath { return false }
        switch profile.nestedOverrideOriginal {
        case .ownDeclaration: return override == nil
        case .overrideReference: return !isCLIOverride
        }
    }

    private func keep(
        _ id: String, old: LockNode, oldLock: LockedInput, node: LockNode, path: InputPath, followsPrefix: InputPath,
        source: FlakeSource, trustLock: Bool
    ) async throws {
        let child = LockNode(lock: oldLock)
        node.inputs[id] = .node(child)
        var mustRefetch = flags.inputUpdates.contains { $0.count > path.count && $0.hasPrefix(path) }
        var fake: [(String, FlakeInputSpec)] = []
        if !mustRefetch {
            for (k, edge) in old.sortedInputs {
                switch edge {
                case .node(let n):
                    guard let l = n.lock else { continue }
                    fake.append((k, FlakeInputSpec(ref: l.original, isFlake: l.isFlake, parentPath: l.parent)))
                case .follows(let p):
                    if !trustLock && overrides[path.appending(k)] == nil {
                        mustRefetch = true
                    } else {
                        fake.append((k, FlakeInputSpec(follows: InputPath(followsPrefix.components + p.components))))
                    }
                }
                if mustRefetch { break }
            }
        }
        if mustRefetch {
            let flake = try await withInputContext(path) {
                try await loadFlake(oldLock.locked, registryScope: nil, lockRootPath: path, source: source)
            }
            try await computeLocks(
                flake.sortedInputs, node: child, prefix: path, oldNode: old, followsPrefix: followsPrefix,
                source: flake.source, trustLock: false)
        } else {
            try await computeLocks(
                fake, node: child, prefix: path, oldNode: old, followsPrefix: followsPrefix, source: FlakeSource(),
                trustLock: true)
        }
    }

    private func relock(
        _ id: String, spec: FlakeInputSpec, declared: FlakeInputSpec, ref: FlakeRef, node: LockNode, path: InputPath,
        old: LockNode?, parentPath: InputPath?, isCLIOverride: Bool, followsPrefix: InputPath, source: FlakeSource
    ) async throws {
        if !flags.allowUnlocked && !ref.isLocked(profile: profile) {
            throw LockError.unlockedInPureMode(path)
        }
        let original = recordedOriginal(spec: spec, declared: declared, isCLIOverride: isCLIOverride)
        if spec.isFlake {
            let flake = try await withInputContext(path) {
                try await loadFlake(
                    ref, registryScope: registryScope(cliOverride: isCLIOverride), lockRootPath: path,
                    source: isCLIOverride ? FlakeSource(directory: flags.topDirectory) : source)
            }
            var locked = ref.input.isRelativePath(profile: profile) ? ref : flake.lockedRef
            if flags.lazyLocks { locked = try locked.withoutNarHashIfLockedByRev(profile: profile) }
            let child = LockNode(
                lock: LockedInput(locked: locked, original: original, isFlake: true, parent: parentPath))
            node.inputs[id] = .node(child)
            if parents.contains(ref) {
                throw LockError.circularImport((try? ref.toURLString(profile: profile)) ?? ref.description)
            }
            parents.append(ref)
            defer { parents.removeLast() }
            try await withInputContext(path) {
                if let old, !profile.reLockUsesOwnLockFile {
                    try await computeLocks(
                        flake.sortedInputs, node: child, prefix: path, oldNode: old, followsPrefix: followsPrefix,
                        source: flake.source, trustLock: false)
                } else {
                    let own = try ownLockFile(flake)
                    try await computeLocks(
                        flake.sortedInputs, node: child, prefix: path, oldNode: own.root, followsPrefix: path,
                        source: flake.source, trustLock: false)
                }
            }
        } else {
            let locked: FlakeRef
            if ref.input.isRelativePath(profile: profile) {
                locked = ref
            } else if !isCLIOverride,
                let (r, _) = try await withInputContext(
                    path,
                    { [self] in
                        try await nix28Subtree(ref, source: source, wantFlakeFiles: false)
                    })
            {
                locked = try await loader.consume(r).locked
            } else {
                let r = try await withInputContext(path) {
                    try await loader.consume(
                        try await fetcher.fetch(
                            ref, registryScope: registryScope(cliOverride: isCLIOverride),
                            parentDirectory: isCLIOverride ? flags.topDirectory : source.directory,
                            wantFlakeFiles: false))
                }
                locked = r.locked
            }
            node.inputs[id] = .node(
                LockNode(lock: LockedInput(locked: locked, original: original, isFlake: false, parent: parentPath)))
        }
    }

    /// The `original` of a freshly locked node (docs/nix-behaviour.md: "The locking walk (Nix
    /// 2.8)", "Locking changes after 2.8" row 2.20, Lix).
    private func recordedOriginal(spec: FlakeInputSpec, declared: FlakeInputSpec, isCLIOverride: Bool) -> FlakeRef {
        let specRef = spec.ref!
        switch profile.nestedOverrideOriginal {
        case .ownDeclaration:
            // 2.8: flake inputs record their own declaration; non-flake inputs the override
            // (unless the profile makes CLI overrides sticky for them too, as Lix does).
            if spec.isFlake || profile.cliOverrideStickyForNonFlake { return declared.ref ?? specRef }
            return specRef
        case .overrideReference:
            if let d = declared.ref, isCLIOverride { return d }
            return specRef
        }
    }

    /// Fetches and reads a flake. A relative `path:` reference (current Nix) is read from the
    /// declaring flake's tree: on disk when that tree is local, else from the declaring
    /// flake's locked source, fetched again for the files under the relative path. Either
    /// way it may climb up to the tree's root (above a `?dir=` sub-flake), not further.
    private func loadFlake(
        _ ref: FlakeRef, registryScope: CompatProfile.RegistryScope?, lockRootPath: InputPath, source: FlakeSource
    ) async throws -> LoadedFlake {
        if let (fetched, tree) = try await nix28Subtree(ref, source: source, wantFlakeFiles: true) {
            var flake = try loader.read(try await loader.consume(fetched), lockRootPath: lockRootPath)
            flake.remoteSource = tree  // its own relative inputs resolve inside the same tree
            return flake
        }
        guard case .path(let p) = ref.input.spec, ref.input.isRelativePath(profile: profile) else {
            return try await loader.load(
                ref, registryScope: registryScope, lockRootPath: lockRootPath, parentDirectory: source.directory)
        }
        let storeDirectory = fetcher.settings.storeDirectory
        if let dir = source.directory {
            let root = source.rootDirectory ?? dir
            let location = dir.hasPrefix(root + "/") ? String(dir.dropFirst(root.count + 1)) : ""
            let inTree = try FlakeSource.treePath(
                of: p.path, location: location, storePath: source.storePath, storeDirectory: storeDirectory)
            var attrs = ref.input.attrs
            attrs["path"] = .string(inTree.isEmpty ? "." : inTree)
            let within = FlakeRef(input: try Input.fromAttrs(attrs, profile: profile), subdir: ref.subdir)
            let fetched = try await loader.consume(
                try await fetcher.fetch(within, registryScope: registryScope, parentDirectory: root))
            var flake = try loader.read(fetched, lockRootPath: lockRootPath)
            flake.enclosingTree = (root, source.storePath ?? flake.fetch.source.storePath.description)
            return flake
        }
        guard let parent = source.lockedRef else {
            return try await loader.load(ref, registryScope: registryScope, lockRootPath: lockRootPath)
        }
        let inTree = try FlakeSource.treePath(
            of: [p.path, ref.subdir].filter { !$0.isEmpty }.joined(separator: "/"), location: parent.subdir,
            storePath: source.storePath, storeDirectory: storeDirectory)
        let within = FlakeRef(input: parent.input, subdir: inTree)
        let fetched = try await loader.consume(try await fetcher.fetch(within, registryScope: nil))
        var flake = try loader.read(fetched, lockRootPath: lockRootPath)
        flake.remoteSource = within
        return flake
    }

    /// Nix 2.8 resolves a relative `path:` input against the store copy of the declaring
    /// flake's tree. When that tree is not on disk (a Git revision, a tarball, a forge
    /// archive), the input is that tree's entry at the relative path, hashed from the tree
    /// (``SourceFetcher/fetchSubtree(_:tree:subtree:wantFlakeFiles:)``; `tree` is where the
    /// input's `flake.nix` lies in that tree); nil for every other
    /// input, and under profiles that keep relative paths relative.
    /// - Throws: `relative path '…' points outside of its parent's store path '…'` for a path
    ///   that climbs above the tree (Nix 2.8 would read the store directory itself).
    private func nix28Subtree(_ ref: FlakeRef, source: FlakeSource, wantFlakeFiles: Bool) async throws
        -> (SourceFetcher.FetchResult, tree: FlakeRef)?
    {
        guard !profile.relativePathInputs, source.directory == nil, let parent = source.lockedRef,
            case .path(let p) = ref.input.spec, !p.path.hasPrefix("/")
        else { return nil }
        switch parent.input.spec {
        case .git, .forge: break
        case .tarball where parent.input.type == "tarball": break
        default: return nil
        }
        guard let subtree = FlakeSource.withinTree(p.path, location: parent.subdir) else {
            throw FetchError.relativePathOutsideParent(path: p.path, parent: source.storePath ?? parent.description)
        }
        let tree = FlakeRef(
            input: parent.input, subdir: PathSyntax.canonicalizeRelative(subtree + "/" + ref.subdir))
        let fetched = try await fetcher.fetchSubtree(
            ref, tree: tree, subtree: subtree, wantFlakeFiles: wantFlakeFiles)
        return (fetched, tree)
    }

    /// The input's own `flake.lock` (empty when it has none).
    private func ownLockFile(_ flake: LoadedFlake) throws -> LockFile {
        guard let bytes = flake.lockFileBytes else { return LockFile() }
        let dir = flake.flakeDirectory ?? flake.fetch.source.storePath.description
        return try LockFile.parse(bytes, path: dir + "/flake.lock", profile: profile)
    }

    private func withInputContext<T>(_ path: InputPath, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw ErrorWithContext(error, context: "while updating the flake input '\(path)'")
        }
    }

    /// Current Nix warns about an override whose parent is this node but that names none
    /// of its inputs.
    private func warnAboutDanglingOverrides(_ specs: [(String, FlakeInputSpec)], prefix: InputPath) {
        let names = Set(specs.map(\.0))
        for (path, _) in overrides.sorted(by: { $0.key < $1.key }) where path.count == prefix.count + 1 {
            guard path.hasPrefix(prefix), let last = path.components.last, !names.contains(last) else { continue }
            if cliOverridePaths.contains(path) { continue }
            reporter.warning("input '\(prefix)' has an override for a non-existent input '\(last)'")
        }
    }
}
