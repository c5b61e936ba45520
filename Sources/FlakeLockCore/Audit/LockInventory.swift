import Fetchers
import FlakeModel

/// Every locked node of a lock file with the facts the audit looks at, in the order of the
/// node keys Nix would write.
///
/// Built from ``LockFile/flattened()``: a node's ``paths`` are the input paths whose edge
/// names it directly (not through `follows`), sorted; a node shared by several edges (a
/// version-6 lock file) has several.
public struct LockInventory: Sendable {
    /// One node.
    public struct Pin: Sendable, Hashable {
        /// The node's key as Nix writes it (`nixpkgs_2`).
        public var key: String
        /// The input paths that name this node, shortest first.
        public var paths: [InputPath]
        public var locked: FlakeRef
        public var original: FlakeRef
        public var isFlake: Bool
        /// The locked reference as a URL (or its JSON when it cannot be rendered).
        public var url: String
        public var repository: RepositoryID?

        /// The first (shortest) path.
        public var path: InputPath { paths[0] }
        public var rev: String? { locked.input.common.rev?.hex ?? locked.input.attrs.string("rev") }
        public var lastModified: UInt64? { locked.input.common.lastModified }
        public var narHash: String? { locked.input.common.narHash?.sri }
        /// `lastModified` as a UTC date.
        public var date: String? { lastModified.map { Timestamp.date(Int64(clamping: $0)) } }

        /// Whole days from `lastModified` to `now` (negative when it lies in the future).
        public func ageDays(now: Int64) -> Int64? {
            lastModified.map { (now - Int64(clamping: $0)).floorDivided(by: 86_400) }
        }
    }

    public private(set) var pins: [Pin]

    /// Collects the nodes of `lock`.
    public init(_ lock: LockFile, profile: CompatProfile) {
        let keys = lock.nodeKeys
        var order: [ObjectIdentifier] = []
        var byNode: [ObjectIdentifier: Pin] = [:]
        for (path, edge) in lock.flattened() {
            guard case .node(let node) = edge, let l = node.lock else { continue }
            let id = ObjectIdentifier(node)
            if byNode[id] != nil {
                byNode[id]?.paths.append(path)
                continue
            }
            order.append(id)
            let url = (try? l.locked.toURLString(profile: profile)) ?? l.locked.description
            byNode[id] = Pin(
                key: keys[id] ?? path.description, paths: [path], locked: l.locked, original: l.original,
                isFlake: l.isFlake, url: url, repository: RepositoryID(locked: l.locked, original: l.original))
        }
        pins = order.compactMap { byNode[$0] }.map { pin in
            var p = pin
            p.paths.sort { $0.count != $1.count ? $0.count < $1.count : $0 < $1 }
            return p
        }
        pins.sort { $0.key.byteWiseLess(than: $1.key) }
    }

    /// The pins whose repository is `repository`, shortest path first.
    public func pins(of repository: RepositoryID) -> [Pin] {
        pins.filter { $0.repository == repository }.sorted { a, b in
            a.path.count != b.path.count ? a.path.count < b.path.count : a.path < b.path
        }
    }
}

extension Int64 {
    /// Division rounding towards negative infinity.
    func floorDivided(by d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
