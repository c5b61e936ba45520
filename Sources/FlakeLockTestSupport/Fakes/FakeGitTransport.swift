import Fetchers
import Foundation
import NixCompat

/// A ``GitTransport`` over a ``FakeGitForge``: "cache repositories" are in-memory sets of
/// refs and fetched commits keyed by their path (nothing is written to disk), `fetch` copies
/// what the refspecs name from the forge repository at the URL, and tree hashes are the NAR
/// hashes of the commits' ``MemoryTree``s.
///
/// Not modelled (each throws rather than answering differently from libgit2): work trees
/// (`git+file` of a checkout), submodules, `export-ignore`/`export-subst` attributes in a
/// tree, annotated tags, shallow repositories.
public final class FakeGitTransport: GitTransport, @unchecked Sendable {
    // @unchecked: `local` and `fetchLog` are guarded by `lock`.
    public let forge: FakeGitForge
    private let lock = NSLock()
    private var local: [String: FakeGitForge.Repository] = [:]
    private var known: [String: Set<GitObjectID>] = [:]
    private var fetchLog: [(url: String, refspecs: [String])] = []

    public init(forge: FakeGitForge) { self.forge = forge }

    /// The fetches made so far (URL and refspecs), in order.
    public var fetches: [(url: String, refspecs: [String])] { lock.withLock { fetchLog } }

    public func ensureBareRepository(at path: String) async throws {
        lock.withLock { if local[path] == nil { local[path] = FakeGitForge.Repository() } }
    }

    public func fetch(_ url: String, into repository: String, refspecs: [String], shallow: Bool) async throws {
        guard !shallow else {
            throw GitTransportError.fetchFailed(url: url, message: "the fake does not fetch shallow")
        }
        let remote = try forge.lock.withLock { () -> FakeGitForge.Repository in
            guard let r = forge.repositories[url] else {
                throw GitTransportError.fetchFailed(url: url, message: "repository not found")
            }
            return r
        }
        var updates: [String: GitObjectID] = [:]
        var roots: [GitObjectID] = []
        for spec in refspecs {
            let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
            let src = parts[0]
            if src == "refs/*" {
                for (ref, id) in remote.refs { updates[ref] = id }
            } else if let id = GitObjectID(src) {
                guard forge.commitInfo(id) != nil else {
                    throw GitTransportError.fetchFailed(url: url, message: "remote has no object \(src)")
                }
                roots.append(id)
            } else {
                let name = src == "HEAD" ? remote.head : src
                guard let id = remote.refs[name] else {
                    throw GitTransportError.fetchFailed(url: url, message: "couldn't find remote ref \(src)")
                }
                if parts.count == 2 { updates[parts[1]] = id } else { roots.append(id) }
            }
        }
        let reachable = (Array(updates.values) + roots).flatMap(ancestry)
        lock.withLock {
            fetchLog.append((url, refspecs))
            local[repository, default: FakeGitForge.Repository()].refs.merge(updates) { $1 }
            known[repository, default: []].formUnion(reachable)
        }
    }

    public func lsRemoteSymref(_ url: String) async throws -> String? {
        try forge.lock.withLock {
            guard let r = forge.repositories[url] else {
                throw GitTransportError.fetchFailed(url: url, message: "repository not found")
            }
            return r.head
        }
    }

    public func resolve(ref: String, in repository: String) async throws -> GitResolvedRef {
        let found = lock.withLock { () -> GitObjectID? in
            if let id = GitObjectID(ref) { return known[repository]?.contains(id) == true ? id : nil }
            let refs = local[repository]?.refs ?? [:]
            let name = ref == "HEAD" ? (local[repository]?.head ?? "") : ref
            return [name, "refs/heads/\(name)", "refs/tags/\(name)"].lazy.compactMap { refs[$0] }.first
        }
        guard let found else { throw GitTransportError.refNotFound(ref: ref, repository: repository) }
        return GitResolvedRef(object: found, commit: found)
    }

    public func contains(_ rev: GitObjectID, in repository: String) async throws -> Bool {
        lock.withLock { known[repository]?.contains(rev) == true }
    }

    public func isAncestor(_ ancestor: GitObjectID, of descendant: GitObjectID, in repository: String) async throws
        -> Bool
    {
        ancestry(descendant).contains(ancestor)
    }

    public func commitInfo(_ rev: GitObjectID, in repository: String, countRevisions: Bool) async throws
        -> GitCommitInfo
    {
        let c = try commit(rev, in: repository)
        return GitCommitInfo(
            commit: c.id, tree: c.treeID, committerTime: c.time, revCount: countRevisions ? ancestry(rev).count : nil,
            isShallowRepository: false)
    }

    public func hashTree(of rev: GitObjectID, in repository: String, options: GitTreeOptions) async throws
        -> GitTreeHashResult
    {
        let c = try commit(rev, in: repository)
        if options.submodules != nil {
            throw GitTransportError.submodule(path: repository, message: "the fake has no submodules")
        }
        if options.exportIgnore || options.exportSubst, Self.has(".gitattributes", in: c.tree) {
            throw GitTransportError.unsupportedFormat(placeholder: ".gitattributes", path: repository)
        }
        let (hash, size) = try NAR.hash(c.tree)
        return GitTreeHashResult(narHash: hash, narSize: size)
    }

    public func readFile(_ path: String, at rev: GitObjectID, in repository: String) async throws -> [UInt8]? {
        var node = try commit(rev, in: repository).tree
        for part in path.split(separator: "/") {
            guard case .directory(let entries) = node, let next = entries[Array(part.utf8)] else { return nil }
            node = next
        }
        if case .regular(_, let contents) = node { return contents }
        return nil
    }

    public func workTreeStatus(at path: String, ignoreSubmodules: Bool) async throws -> GitWorkTreeStatus {
        throw GitTransportError.notARepository(path: path)
    }

    public func hashWorkTree(at path: String) async throws -> GitTreeHashResult {
        throw GitTransportError.notARepository(path: path)
    }

    private func commit(_ rev: GitObjectID, in repository: String) throws -> FakeGitForge.Commit {
        guard lock.withLock({ known[repository]?.contains(rev) == true }), let c = forge.commitInfo(rev) else {
            throw GitTransportError.objectNotFound(rev: rev.hex, repository: repository)
        }
        return c
    }

    /// `id` and every commit reachable from it.
    private func ancestry(_ id: GitObjectID) -> [GitObjectID] {
        var seen: Set<GitObjectID> = []
        var stack = [id]
        while let next = stack.popLast() {
            guard seen.insert(next).inserted, let c = forge.commitInfo(next) else { continue }
            stack += c.parents
        }
        return Array(seen)
    }

    private static func has(_ name: String, in tree: MemoryTree) -> Bool {
        guard case .directory(let entries) = tree else { return false }
        return entries[Array(name.utf8)] != nil || entries.values.contains { has(name, in: $0) }
    }
}
