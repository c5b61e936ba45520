import Crypto
import Fetchers
import Foundation
import NixCompat

/// An in-memory Git forge: repositories (by URL) with refs, a symbolic HEAD and commits whose
/// trees are ``MemoryTree``s. Object ids are computed exactly as Git computes them (SHA-1 of
/// `blob`/`tree`/`commit` objects, author = committer), so a repository exported with
/// ``fastImportStream(_:)`` into a real Git repository has the same commit ids: a lock
/// recorded by Nix over the exported repository can be replayed over the fake.
///
///     let forge = FakeGitForge()
///     let c1 = forge.commit("file:///r.git", tree: .dir(["flake.nix": .file("{ outputs = _: {}; }")]), time: 1_700_000_000)
///     let git = FakeGitTransport(forge: forge)
public final class FakeGitForge: @unchecked Sendable {
    // @unchecked: every property is guarded by `lock`.
    public struct Commit: Sendable, Equatable {
        public var id: GitObjectID
        public var tree: MemoryTree
        public var treeID: GitObjectID
        public var parents: [GitObjectID]
        public var time: Int64
        public var message: String
    }

    struct Repository {
        var refs: [String: GitObjectID] = [:]
        /// The target of HEAD (`refs/heads/main`).
        var head = "refs/heads/main"
        /// Commits in creation order (for the fast-import export).
        var order: [GitObjectID] = []
    }

    let lock = NSLock()
    var repositories: [String: Repository] = [:]
    var commits: [GitObjectID: Commit] = [:]

    public init() {}

    /// The identity every fake commit has.
    public static let identity = "flakelock <flakelock@example.invalid>"

    /// Adds a commit on `branch` (its parent: the branch's current head) and moves the branch.
    @discardableResult
    public func commit(
        _ url: String, branch: String = "main", tree: MemoryTree, time: Int64, message: String = "commit"
    ) -> GitObjectID {
        lock.withLock {
            var repo = repositories[url] ?? Repository()
            let ref = "refs/heads/\(branch)"
            let parents = repo.refs[ref].map { [$0] } ?? []
            let treeID = Self.treeID(tree)
            var text = "tree \(treeID.hex)\n"
            for p in parents { text += "parent \(p.hex)\n" }
            text += "author \(Self.identity) \(time) +0000\ncommitter \(Self.identity) \(time) +0000\n\n\(message)\n"
            let id = Self.objectID("commit", Array(text.utf8))
            commits[id] = Commit(id: id, tree: tree, treeID: treeID, parents: parents, time: time, message: message)
            repo.refs[ref] = id
            repo.order.append(id)
            repositories[url] = repo
            return id
        }
    }

    /// Points `ref` (`refs/tags/v1`) at a commit (a lightweight tag or a branch).
    public func setRef(_ url: String, _ ref: String, to id: GitObjectID) {
        lock.withLock { repositories[url, default: Repository()].refs[ref] = id }
    }

    /// Makes `HEAD` of the repository point at `ref`.
    public func setHead(_ url: String, _ ref: String) {
        lock.withLock { repositories[url, default: Repository()].head = ref }
    }

    public func commitInfo(_ id: GitObjectID) -> Commit? { lock.withLock { commits[id] } }

    /// A `git fast-import` stream that recreates the repository at `url` (its commits, refs
    /// and HEAD's branch) with the same object ids.
    public func fastImportStream(_ url: String) -> [UInt8] {
        lock.withLock {
            guard let repo = repositories[url] else { return [] }
            var out: [UInt8] = []
            func data(_ bytes: [UInt8]) {
                out += Array("data \(bytes.count)\n".utf8) + bytes + [10]
            }
            for (n, id) in repo.order.enumerated() {
                let c = commits[id]!
                // `reset` first: a commit without a parent must not continue the previous one.
                out += Array(
                    "reset refs/flakelock/import\ncommit refs/flakelock/import\nmark :\(n + 1)\ncommitter \(Self.identity) \(c.time) +0000\n"
                        .utf8)
                data(Array("\(c.message)\n".utf8))
                if let p = c.parents.first, let i = repo.order.firstIndex(of: p) {
                    out += Array("from :\(i + 1)\n".utf8)
                }
                out += Array("deleteall\n".utf8)
                for (path, node) in Self.files(c.tree, prefix: "") {
                    switch node {
                    case .regular(let x, let contents):
                        out += Array("M \(x ? "100755" : "100644") inline \(path)\n".utf8)
                        data(contents)
                    case .symlink(let target):
                        out += Array("M 120000 inline \(path)\n".utf8)
                        data(target)
                    case .directory: break
                    }
                }
            }
            for (ref, id) in repo.refs.sorted(by: { $0.key < $1.key }) {
                guard let mark = repo.order.firstIndex(of: id) else { continue }
                out += Array("reset \(ref)\nfrom :\(mark + 1)\n\n".utf8)
            }
            out += Array("reset refs/flakelock/import\nfrom 0000000000000000000000000000000000000000\n\n".utf8)
            return out
        }
    }

    static func files(_ tree: MemoryTree, prefix: String) -> [(String, MemoryTree)] {
        guard case .directory(let entries) = tree else { return [] }
        return entries.sorted { $0.key.lexicographicallyPrecedes($1.key) }.flatMap { name, node in
            let path = prefix + String(decoding: name, as: UTF8.self)
            if case .directory = node { return files(node, prefix: path + "/") }
            return [(path, node)]
        }
    }

    // MARK: Git object ids

    static func objectID(_ type: String, _ body: [UInt8]) -> GitObjectID {
        let digest = Insecure.SHA1.hash(data: Array("\(type) \(body.count)\0".utf8) + body)
        return GitObjectID(digest.map { String(format: "%02x", $0) }.joined())!
    }

    static func treeID(_ tree: MemoryTree) -> GitObjectID {
        guard case .directory(let entries) = tree else { return objectID("tree", []) }
        // Git orders tree entries by name, a directory's name compared as if it ended in `/`.
        func key(_ e: (key: [UInt8], value: MemoryTree)) -> [UInt8] {
            if case .directory = e.value { return e.key + [UInt8(ascii: "/")] }
            return e.key
        }
        var body: [UInt8] = []
        for e in entries.sorted(by: { key($0).lexicographicallyPrecedes(key($1)) }) {
            let (mode, id): (String, GitObjectID) =
                switch e.value {
                case .regular(let x, let c): (x ? "100755" : "100644", objectID("blob", c))
                case .symlink(let t): ("120000", objectID("blob", t))
                case .directory: ("40000", treeID(e.value))
                }
            body += Array("\(mode) ".utf8) + e.key + [0] + rawBytes(id)
        }
        return objectID("tree", body)
    }

    static func rawBytes(_ id: GitObjectID) -> [UInt8] {
        var out: [UInt8] = []
        var it = id.hex.utf8.makeIterator()
        func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
        while let hi = it.next(), let lo = it.next() { out.append(nibble(hi) << 4 | nibble(lo)) }
        return out
    }
}

extension FakeGitForge {
    /// Where `ref` of the repository at `url` points, if it exists.
    public func repositoryRef(_ url: String, _ ref: String) -> GitObjectID? {
        lock.withLock { repositories[url]?.refs[ref] }
    }
}
