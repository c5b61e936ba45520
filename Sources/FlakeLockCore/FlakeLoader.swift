import FlakeLockBasics
import FlakeModel
import Fetchers
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

    /// Where this flake's own relative `path:` inputs resolve.
    var source: FlakeSource {
        if let dir = flakeDirectory { return FlakeSource(directory: dir) }
        return FlakeSource(lockedRef: remoteSource ?? fetch.locked)
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
    let ledger = FetchLedger()

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
        return try read(fetched, lockRootPath: lockRootPath)
    }

    /// Reads the flake.nix of an already fetched tree.
    func read(_ fetched: SourceFetcher.FetchResult, lockRootPath: InputPath) throws -> LoadedFlake {
        let lockedURL = (try? fetched.locked.toURLString(profile: profile)) ?? fetched.locked.description
        let subdir = fetched.resolved.subdir
        guard let bytes = fetched.flakeNix else {
            throw LockError.message("source tree referenced by '\(lockedURL)' does not contain a '\(subdir)/flake.nix' file")
        }
        let root = fetched.source.localPath ?? fetched.source.storePath.description
        let display = subdir.isEmpty ? root + "/flake.nix" : PathSyntax.canonicalize(root + "/" + subdir) + "/flake.nix"
        let file = try FlakeFileReader.read(text: String(decoding: bytes, as: UTF8.self), file: display, flakeName: lockedURL)
        let parser = FlakeInputParser(
            profile: profile, lockRootPath: lockRootPath,
            baseDirectory: profile.relativePathInputs ? nil : storeFlakeDirectory(fetched), probe: probe)
        var inputs = try parser.parse(file.inputs)
        for formal in file.outputsFormals ?? [] where formal != "self" && inputs[formal] == nil {
            inputs[formal] = FlakeInputSpec(ref: try parser.indirect(formal, span: file.outputsSpan))
        }
        return LoadedFlake(fetch: fetched, file: file, inputs: inputs, sourcePath: fetched.source.localPath)
    }

    /// Nix 2.8 resolves `./sub` in a flake.nix against the flake's directory in the store.
    func storeFlakeDirectory(_ fetched: SourceFetcher.FetchResult) -> String {
        let base = fetcher.settings.realPath(of: fetched.source.storePath)
        let sub = fetched.resolved.subdir
        return sub.isEmpty ? base : PathSyntax.canonicalize(base + "/" + sub)
    }
}


/// The order-dependent part of fetching, kept in the serial walk's order.
actor FetchLedger {
    private var gitRevisions: Set<String> = []

    func consume(_ r: SourceFetcher.FetchResult, profile: CompatProfile) throws -> SourceFetcher.FetchResult {
        try r.applyingNix28GitRevisionCache(seen: &gitRevisions, profile: profile)
    }
}

/// Where a flake lives, for resolving its relative `path:` inputs: a directory on disk, or
/// the locked reference of a remote tree (with the flake's directory as subdir).
struct FlakeSource: Sendable {
    var directory: String?
    var lockedRef: FlakeRef?

    init(directory: String? = nil, lockedRef: FlakeRef? = nil) {
        self.directory = directory
        self.lockedRef = lockedRef
    }
}
