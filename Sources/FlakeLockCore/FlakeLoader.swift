import Fetchers
import FlakeLockBasics
import FlakeModel
import NixCompat
import NixSyntax

/// A fetched flake and what its `flake.nix` declares (Nix's `Flake`).
struct LoadedFlake: Sendable {
    var fetch: SourceFetcher.FetchResult
    var file: FlakeFile
    /// The declared inputs, outputs' implicit inputs included.
    var inputs: [String: FlakeInputSpec]
    /// The directory of the tree on disk, when it has one (relative paths resolve there).
    var sourcePath: String?
    /// For a flake read from inside another flake's remote tree (a relative `path:` input):
    /// that tree's locked reference with the flake's directory as subdir.
    var remoteSource: FlakeRef? = nil
    /// For a flake read from inside another flake's local tree (a relative `path:` input):
    /// that tree's root on disk and its store path.
    var enclosingTree: (directory: String, storePath: String)? = nil
    /// `inputs.self.submodules` / `inputs.self.lfs` (current Nix): attributes the flake's
    /// own locked reference must carry.
    var selfAttributes = Attrs()

    /// Where this flake's own relative `path:` inputs resolve.
    var source: FlakeSource {
        let storePath = enclosingTree?.storePath ?? fetch.source.storePath.description
        if let dir = flakeDirectory {
            return FlakeSource(
                directory: dir, rootDirectory: enclosingTree?.directory ?? sourcePath, storePath: storePath)
        }
        return FlakeSource(lockedRef: remoteSource ?? fetch.locked, storePath: storePath)
    }

    var lockedRef: FlakeRef { fetch.locked }
    /// The flake's own `flake.lock`, if it has one.
    var lockFileBytes: [UInt8]? { fetch.flakeLock }

    /// The directory containing flake.nix, when on disk.
    var flakeDirectory: String? {
        guard let sourcePath else { return nil }
        let sub = fetch.resolved.subdir
        return sub.isEmpty ? sourcePath : PathSyntax.canonicalize(sourcePath + "/" + sub)
    }

    var sortedInputs: [(String, FlakeInputSpec)] {
        inputs.sorted { $0.key.byteWiseLess(than: $1.key) }.map { ($0.key, $0.value) }
    }
}

/// Fetches flakes and reads their `flake.nix` (Nix's `getFlake`).
struct FlakeLoader: Sendable {
    let fetcher: SourceFetcher
    let profile: CompatProfile
    let probe: (any FileSystemProbe & Sendable)?
    /// Fetch results pass through here in the serial walk's order (see ``consume(_:)``).
    let ledger: FetchLedger

    init(fetcher: SourceFetcher, profile: CompatProfile, probe: (any FileSystemProbe & Sendable)?) {
        self.fetcher = fetcher
        self.profile = profile
        self.probe = probe
        ledger = FetchLedger(cache: profile.gitRevCacheOmitsRef ? fetcher.fetchCache : nil)
    }

    /// Applies what depends on the order in which Nix would have fetched (its in-process
    /// caches); the walk calls this for every result it uses, in Nix's order.
    func consume(_ r: SourceFetcher.FetchResult) async throws -> SourceFetcher.FetchResult {
        try await ledger.consume(r, profile: profile)
    }

    /// Fetches `ref` and reads its flake.nix, with follows paths relative to `lockRootPath`.
    func load(
        _ ref: FlakeRef, registryScope: CompatProfile.RegistryScope?, lockRootPath: InputPath,
        parentDirectory: String? = nil
    ) async throws -> LoadedFlake {
        let fetched = try await consume(
            try await fetcher.fetch(ref, registryScope: registryScope, parentDirectory: parentDirectory))
        return try await applyingSelfAttributes(
            try read(fetched, lockRootPath: lockRootPath), lockRootPath: lockRootPath)
    }

    /// Current Nix's `applySelfAttrs` (src/libflake/flake.cc, `getFlake`): when a flake's
    /// `inputs.self` asks for attributes its locked reference lacks, the tree is fetched
    /// again with them (without the old `narHash`), and that is the flake's locked reference.
    /// A flake read from inside another tree (relative `path:`) is not refetched.
    func applyingSelfAttributes(_ flake: LoadedFlake, lockRootPath: InputPath) async throws -> LoadedFlake {
        guard !flake.selfAttributes.isEmpty else { return flake }
        let first = flake.fetch
        var attrs = first.locked.input.attrs
        for (name, value) in flake.selfAttributes { attrs[name] = value }
        guard attrs != first.locked.input.attrs else { return flake }
        _ = attrs.removeValue(forKey: "narHash")
        let ref = FlakeRef(input: try Input.fromAttrs(attrs, profile: profile), subdir: first.locked.subdir)
        var again = try await consume(try await fetcher.fetch(ref, registryScope: nil))
        again.original = first.original
        again.resolved = first.resolved
        again.source.localPath = first.source.localPath
        return try read(again, lockRootPath: lockRootPath)
    }

    /// Reads the flake.nix of an already fetched tree.
    func read(_ fetched: SourceFetcher.FetchResult, lockRootPath: InputPath) throws -> LoadedFlake {
        let lockedURL = (try? fetched.locked.toURLString(profile: profile)) ?? fetched.locked.description
        let subdir = fetched.resolved.subdir
        guard let bytes = fetched.flakeNix else {
            let file = subdir.isEmpty ? "flake.nix" : PathSyntax.canonicalizeRelative(subdir + "/flake.nix")
            if profile.reportsUntrackedGitFiles, let repository = fetched.source.localPath,
                fetched.source.untrackedFiles.contains(file)
            {
                throw LockError.untrackedFile(path: file, repository: repository)
            }
            throw LockError.missingFlakeNix(lockedURL: lockedURL, subdir: subdir)
        }
        let root = fetched.source.localPath ?? fetched.source.storePath.description
        let display = subdir.isEmpty ? root + "/flake.nix" : PathSyntax.canonicalize(root + "/" + subdir) + "/flake.nix"
        let file: FlakeFile
        do {
            file = try FlakeFileReader.read(
                text: String(decoding: bytes, as: UTF8.self), file: display, flakeName: lockedURL)
        } catch {
            throw Self.traced(error, profile: profile)
        }
        let parser = FlakeInputParser(
            profile: profile, lockRootPath: lockRootPath,
            baseDirectory: profile.relativePathInputs ? nil : storeFlakeDirectory(fetched), probe: probe)
        var decls = file.inputs
        var selfAttributes = Attrs()
        if profile.selfAttributes, let i = decls.firstIndex(where: { $0.name == "self" }) {
            selfAttributes = try Self.selfAttributes(decls.remove(at: i), allowLFS: profile.selfAttributesAllowLFS)
        }
        var inputs = try parser.parse(decls)
        for formal in file.outputsFormals ?? [] where formal != "self" && inputs[formal] == nil {
            inputs[formal] = FlakeInputSpec(ref: try parser.indirect(formal, span: file.outputsSpan))
        }
        var flake = LoadedFlake(fetch: fetched, file: file, inputs: inputs, sourcePath: fetched.source.localPath)
        flake.selfAttributes = selfAttributes
        return flake
    }

    /// `error` with Nix's traces for the input attributes it came from (`parseFlakeInput`
    /// adds one per attribute, so Nix 2.8 prints its `--show-trace` hint); 2.8 words a
    /// `url` of another type `expected a string` (it takes no path values).
    static func traced(_ error: FlakeFileError, profile: CompatProfile) -> any Error {
        var (inner, attributes) = error.unwrapped
        guard !attributes.isEmpty else { return error }
        if !profile.relativePathInputs, attributes.first == "url", case .typeMismatch(_, let actual, let span) = inner {
            inner = .typeMismatch(expected: "a string", actual: actual, span: span)
        }
        var traced: any Error = inner
        for name in attributes {
            traced = ErrorWithContext(traced, context: FlakeInputParser.attributeTrace(name, profile: profile))
        }
        return traced
    }

    /// The attributes of `inputs.self`: only `submodules` and (unless `allowLFS` is false) `lfs`, as Booleans.
    static func selfAttributes(_ d: InputDecl, allowLFS: Bool = true) throws -> Attrs {
        var names = d.attributes.map(\.name)
        if d.url != nil { names.append("url") }
        if d.flake != nil { names.append("flake") }
        if d.follows != nil { names.append("follows") }
        for name in names.sorted(by: { $0.byteWiseLess(than: $1) })
        where name != "submodules" && (name != "lfs" || !allowLFS) {
            throw LockError.unsupportedSelfAttribute(name)
        }
        var attrs = Attrs()
        for a in d.attributes {
            guard case .bool(let b) = a.value else {
                throw LockError.selfAttributeNotBoolean(a.name, a.span)
            }
            attrs[a.name] = .bool(b)
        }
        return attrs
    }

    /// Nix 2.8 resolves `./sub` in a flake.nix against the flake's directory in the store.
    func storeFlakeDirectory(_ fetched: SourceFetcher.FetchResult) -> String {
        let base = fetcher.settings.realPath(of: fetched.source.storePath)
        let sub = fetched.resolved.subdir
        return sub.isEmpty ? base : PathSyntax.canonicalize(base + "/" + sub)
    }
}

/// The order-dependent part of fetching, kept in the serial walk's order: the state of Nix
/// 2.8's revision cache, and (below) the rule that reads it. Nix keeps that cache on disk
/// (`fetcher-cache-v1.sqlite`), so a revision fetched by an earlier run counts too: the keys
/// are recorded in the fetch cache, and the in-run set answers for this run.
///
/// Nix asks that cache only when it fetches: a reference already fetched in this lock (the
/// same original reference) comes from its in-memory flake cache, with the result of that
/// first fetch (src/libflake/flake.cc, `lookupInFlakeCache`), so it is answered here with
/// the locked reference this ledger gave the first.
actor FetchLedger {
    private var gitRevisions: Set<String> = []
    private var firstResults: [References: SourceFetcher.FetchResult] = [:]
    private let cache: FetchCache?

    /// The reference as written and as resolved (a relative one differs by its parent).
    private struct References: Hashable {
        var original: FlakeRef
        var resolved: FlakeRef
    }

    init(cache: FetchCache?) { self.cache = cache }

    func consume(_ r: SourceFetcher.FetchResult, profile: CompatProfile) async throws -> SourceFetcher.FetchResult {
        guard let key = r.nix28GitRevisionKey(profile: profile) else { return r }
        let references = References(original: r.original, resolved: r.resolved)
        if let first = firstResults[references] {
            // The same tree, perhaps fetched for other files (a `flake = false` input's
            // fetch captures no flake.nix): the first locked reference, this fetch's files.
            var again = r
            again.locked = first.locked
            again.source.locked = first.source.locked
            return again
        }
        var wasSeen = !gitRevisions.insert(key).inserted
        if !wasSeen, let cache {
            let cacheKey = "nix28-git-revision:" + key
            wasSeen = await cache.lookup(cacheKey) != nil
            if !wasSeen { await cache.store(cacheKey, FetchCache.Entry(narHash: r.source.narHash)) }
        }
        let result = wasSeen ? try r.answeredFromNix28GitRevisionCache(profile: profile) : r
        firstResults[references] = result
        return result
    }
}

extension SourceFetcher.FetchResult {
    /// Nix 2.8's fetcher cache keys a locked Git fetch by cache type (`git`, `-shallow`,
    /// `-submodules`, `-all-refs`), store name and revision — not by URL. Nil when the
    /// profile does not model that cache or the result is not a Git tree with a revision.
    func nix28GitRevisionKey(profile: CompatProfile) -> String? {
        guard profile.gitRevCacheOmitsRef, case .git(let spec) = resolved.input.spec,
            let rev = locked.input.common.rev?.hex
        else { return nil }
        var type = "git"
        if spec.shallow == true { type += "-shallow" }
        if spec.submodules == true { type += "-submodules" }
        if spec.allRefs == true { type += "-all-refs" }
        return "\(type)|\(spec.name ?? "source")|\(rev)"
    }

    /// A Git input with a `rev` whose key was fetched before (in this run or an earlier one)
    /// is answered from that cache before `ref` is filled in, so its locked input has no
    /// `ref` (docs/nix-behaviour.md, "Nix 2.8's revision cache").
    func answeredFromNix28GitRevisionCache(profile: CompatProfile) throws -> Self {
        guard resolved.input.common.rev != nil, resolved.input.common.ref == nil,
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

/// Where a flake lives, for resolving its relative `path:` inputs: a directory on disk, or
/// the locked reference of a remote tree (with the flake's directory as subdir).
///
/// Current Nix resolves a relative path against the flake's directory inside the whole
/// fetched tree (src/libflake/flake.cc, `resolveRelativePath`): it may climb above a
/// `?dir=` sub-flake up to the tree's root, and what climbs further leaves the tree's store
/// path.
struct FlakeSource: Sendable {
    var directory: String?
    var lockedRef: FlakeRef?
    /// The root of the local tree that contains ``directory``.
    var rootDirectory: String?
    /// The store path of the whole tree (`/nix/store/…-source`).
    var storePath: String?

    init(directory: String? = nil, lockedRef: FlakeRef? = nil, rootDirectory: String? = nil, storePath: String? = nil) {
        self.directory = directory
        self.lockedRef = lockedRef
        self.rootDirectory = rootDirectory
        self.storePath = storePath
    }

    /// `relativePath`, declared by the flake at `location` (its directory relative to the
    /// tree's root), relative to the tree's root (`""` for the root); nil when it climbs out
    /// of the tree.
    static func withinTree(_ relativePath: String, location: String) -> String? {
        let root = "/\u{0}tree"  // no path component holds a NUL
        let target = PathSyntax.canonicalize(
            [root, location, relativePath].filter { !$0.isEmpty }.joined(separator: "/"))
        if target == root { return "" }
        return target.hasPrefix(root + "/") ? String(target.dropFirst(root.count + 1)) : nil
    }

    /// Resolves `relativePath`, declared by the flake at `location` (its directory relative
    /// to the tree's root), to a path relative to the tree's root (`""` for the root). A path
    /// that climbs out of the tree's store path is what current Nix refuses: reading a flake
    /// there is an access outside the store paths evaluation may read (its allow-list admits
    /// the store's ancestors; the first other component is named).
    static func treePath(
        of relativePath: String, location: String, storePath: String?, storeDirectory: String
    ) throws -> String {
        if let inTree = withinTree(relativePath, location: location) { return inTree }
        let root = storePath ?? storeDirectory + "/source"
        let target = PathSyntax.canonicalize(
            [root, location, relativePath].filter { !$0.isEmpty }.joined(separator: "/"))
        func admitted(_ p: String) -> Bool { p == storeDirectory || storeDirectory.hasPrefix(p + "/") || p == "" }
        var shown = ""
        for component in target.split(separator: "/") {
            shown += "/" + component
            if !admitted(shown) { break }
        }
        if admitted(shown) { shown += "/flake.nix" }
        throw LockError.forbiddenAbsolutePath(shown)
    }
}
