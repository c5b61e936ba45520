import FlakeLockBasics
import FlakeModel
import NixCompat

/// One round trip less per GitHub input with a ref: the archive of the ref is requested at
/// the same time as the ref's commit, instead of after it (docs/github-api.md, "The archive
/// of a ref"). The archive is used only when the commit it says it was made from (the pax
/// global header `git archive` writes, ``ArchiveHashResult/commitID``) is the commit the ref
/// resolved to; otherwise (upstream moved in between, or the archive names no commit) the
/// archive of the resolved revision is downloaded as before. Either way the tree is the
/// revision's, so the lock is the one Nix writes.
extension ForgeFetcher {
    /// Whether to download the archive of the input's ref while resolving it: GitHub inputs
    /// without a rev, online, when the download is likely needed. Not when a shared fact cache
    /// may already know the tree, nor when this machine has locked the same ref before and
    /// still holds that revision's tree (the ref most likely has not moved: a lock that
    /// re-resolves quiet inputs would download for nothing; not so for the inputs `update`
    /// names, ``FetchSettings/archiveWithRefWhenWarm``), nor once an archive of this host
    /// named no commit.
    func shouldSpeculate(_ spec: ForgeInput, endpoints: ForgeEndpoints) async -> Bool {
        guard spec.forge == .github, spec.rev == nil, !settings.offline, settings.factCache == nil,
            settings.archiveWithRef, !quota.archivesLackCommitID(endpoints.host)
        else { return false }
        let ref = spec.ref ?? "HEAD"
        // Names that need no escaping in a URL path (refs with others resolve first, as before).
        let plain = ref.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || "._-/+".utf8.contains($0)
        }
        guard plain, !ref.hasPrefix("/"), !ref.contains("..") else { return false }
        if !settings.archiveWithRefWhenWarm, let last = await cache.lookup(refKey(spec, endpoints: endpoints)),
            let rev = last.facts["rev"],
            await cache.lookup(treeKey(rev: rev)) != nil
        {
            return false
        }
        return true
    }

    /// Resolves the ref while downloading its archive; the tree is the archive's when it is of
    /// the resolved commit, else (or when the commit's tree is cached) as without the download.
    func resolveWithArchive(
        _ spec: ForgeInput, endpoints: ForgeEndpoints, capture: [String]
    ) async throws -> (rev: String, tree: Tree) {
        let ref = spec.ref ?? "HEAD"
        async let early = archiveOfRef(ref, spec: spec, endpoints: endpoints, capture: capture)
        let rev = try await resolveRef(spec, endpoints: endpoints)
        // Leaving the scope without awaiting `early` cancels the download.
        if let hit = await cachedTree(rev: rev, capture: capture) { return (rev, hit) }
        if let archive = await early {
            if archive.commitID == rev { return (rev, await remember(archive, rev: rev, capture: capture)) }
            if archive.commitID == nil { quota.markArchivesLackCommitID(endpoints.host) }
        }
        return (rev, try await tree(rev: rev, spec: spec, endpoints: endpoints, capture: capture))
    }

    /// Remembers which commit the ref resolved to, for ``shouldSpeculate(_:endpoints:)``.
    /// Only GitHub inputs speculate, so only theirs are written.
    func rememberRef(_ spec: ForgeInput, endpoints: ForgeEndpoints, rev: String, narHash: NixHash) async {
        guard spec.forge == .github else { return }
        await cache.store(
            refKey(spec, endpoints: endpoints),
            FetchCache.Entry(narHash: narHash, facts: ["rev": rev], files: [:], capturedPaths: []))
    }

    private func refKey(_ spec: ForgeInput, endpoints: ForgeEndpoints) -> String {
        "forge-ref:\(spec.forge.rawValue):\(endpoints.host)/\(spec.owner)/\(spec.repo):\(spec.ref ?? "HEAD")"
    }

    /// The archive of `ref`, or nil on any failure (the revision's own download then reports
    /// what is wrong). An archive that does not go through the API (github.com's web archive)
    /// is requested at once. One through the API (`tarball/REF`: Nix 2.8's URLs, a token, or
    /// another host) costs quota: before the host's API has answered once, only the first such
    /// archive goes beside its commit lookup, and the others wait for that answer, so an
    /// exhausted quota costs at most two refused requests, not one per input. With a token
    /// nothing waits (its quota is 5,000 requests an hour).
    private func archiveOfRef(
        _ ref: String, spec: ForgeInput, endpoints: ForgeEndpoints, capture: [String]
    ) async -> ArchiveHashResult? {
        if archiveGoesThroughAPI(ref, spec: spec, endpoints: endpoints), waitsForFirstAnswer(endpoints),
            !quota.claimEarlyArchive(endpoints.host)
        {
            await quota.waitUntilSettled(endpoints.host)
        }
        if Task.isCancelled { return nil }
        return try? await downloadArchive(
            of: ref, spec: spec, endpoints: endpoints, capture: capture, readCommitID: true, beforeFirstAnswer: true)
    }
}
