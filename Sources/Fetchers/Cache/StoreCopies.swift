import FlakeModel
import NixCompat

/// What Nix's store holds for locking: an input with a `narHash` whose tree Nix copied into
/// its store before is taken from the store, not fetched again (`Input::fetch` in Nix 2.8,
/// `Input::getAccessorUnchecked` in current Nix, where lock file entries are "final":
/// "The tree may already be in the Nix store … So check that", src/libfetchers/fetchers.cc).
///
/// That matters for sources whose content can change under the same reference: a `path`
/// directory edited since it was locked, a tarball URL serving new bytes. When Nix must
/// read such a kept input's `flake.nix` again (a follows edge of its own, an update of one
/// of its inputs), it reads the copy of the locked tree, and the lock stays as it was; it
/// reports no NAR hash mismatch. flakelock keeps no trees, only what the locker reads from
/// them: the captured `flake.nix`/`flake.lock` of every path, tarball and file tree it
/// fetched, by store path (narHash and name), in the fetch cache. A locked input found there
/// answers as Nix's store copy would (its own attributes, the captured files); on a miss it
/// is fetched and checked as before, as Nix fetches a store path it does not have.
enum StoreCopies {
    /// The cache key of `input`'s tree: only for the schemes whose content may change.
    static func key(_ input: Input, narHash: NixHash) -> String? {
        switch input.spec {
        case .path, .tarball: break
        default: return nil
        }
        return "store-copy:\(input.type ?? ""):\(storeName(input)):\(narHash.sri)"
    }

    /// The name of the input's store path (`name`, else `source`).
    static func storeName(_ input: Input) -> String { input.attrs.string("name") ?? "source" }

    /// The store copy of a locked `input` holding `capture`, as a fetch result.
    static func lookup(_ input: Input, capture: [String], context: FetchContext) async -> FetchedSource? {
        guard let narHash = input.common.narHash, let key = key(input, narHash: narHash),
            let entry = await context.cache.lookup(key), entry.narHash == narHash, entry.covers(capture)
        else { return nil }
        return FetchedSource(
            locked: input, narHash: narHash, files: entry.files.filter { capture.contains($0.key) },
            localPath: entry.facts["localPath"],
            storePath: StorePath.fixedOutputSource(
                narHash: narHash, name: storeName(input), storeDirectory: context.settings.storeDirectory))
    }

    /// Remembers a fetched tree's captured files under its store path (with those captured
    /// before, when other files of the same tree were asked for then).
    static func remember(_ source: FetchedSource, capture: [String], context: FetchContext) async {
        guard let key = key(source.locked, narHash: source.narHash) else { return }
        var entry = FetchCache.Entry(narHash: source.narHash, files: source.files, capturedPaths: Set(capture))
        if let dir = source.localPath { entry.facts["localPath"] = dir }
        if let old = await context.cache.lookup(key), old.narHash == source.narHash {
            if old.covers(capture) && old.facts == entry.facts { return }
            entry.files.merge(old.files) { new, _ in new }
            entry.capturedPaths.formUnion(old.capturedPaths)
        }
        await context.cache.store(key, entry)
    }
}
