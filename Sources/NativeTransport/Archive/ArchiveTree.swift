import Fetchers
import NixCompat

/// Metadata of an unpacked archive, held in memory; file contents live in a ``SpoolFile``.
///
/// Archives list entries in their own order while NAR wants byte order per directory, so the
/// tree is built first and serialised afterwards. Entries are added as extraction would
/// apply them: implied parent directories are created, a later entry replaces an earlier
/// one (two directories merge), and paths with `..` or a leading `/` are refused.
final class ArchiveTree {
    final class Node {
        enum Kind {
            case directory
            case regular(executable: Bool, offset: UInt64, size: UInt64)
            case symlink([UInt8])
        }
        var kind: Kind
        var children: [[UInt8]: Node] = [:]
        var mtime: Int64?
        init(kind: Kind, mtime: Int64?) {
            self.kind = kind
            self.mtime = mtime
        }
        var isDirectory: Bool {
            if case .directory = kind { return true }
            return false
        }
    }

    let root = Node(kind: .directory, mtime: nil)
    let source: String
    let rejectEscapingSymlinks: Bool
    private(set) var maxMtime: Int64 = 0
    private(set) var entryCount = 0

    init(source: String, rejectEscapingSymlinks: Bool) {
        self.source = source
        self.rejectEscapingSymlinks = rejectEscapingSymlinks
    }

    /// Splits an archive path into components, refusing `..` and absolute paths.
    func components(_ path: [UInt8]) throws -> [[UInt8]] {
        let shown = String(decoding: path, as: UTF8.self)
        if path.first == UInt8(ascii: "/") { throw ArchiveError.unsafePath(source: source, path: shown) }
        var out: [[UInt8]] = []
        for c in path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if c.elementsEqual([0x2e]) { continue }
            if c.elementsEqual([0x2e, 0x2e]) { throw ArchiveError.unsafePath(source: source, path: shown) }
            out.append(Array(c))
        }
        return out
    }

    /// Adds an entry at `path` (already split). Returns the node.
    @discardableResult
    func add(_ comps: [[UInt8]], kind: Node.Kind, mtime: Int64?, shownPath: String) throws -> Node {
        entryCount += 1
        if let mtime { maxMtime = max(maxMtime, mtime) }
        guard let last = comps.last else {
            // The root itself ("./").
            guard case .directory = kind else { throw ArchiveError.unsafePath(source: source, path: shownPath) }
            root.mtime = mtime
            return root
        }
        var dir = root
        for c in comps.dropLast() {
            if let existing = dir.children[c] {
                guard existing.isDirectory else { throw ArchiveError.conflictingEntry(source: source, path: shownPath) }
                dir = existing
            } else {
                let d = Node(kind: .directory, mtime: nil)
                dir.children[c] = d
                dir = d
            }
        }
        if case .directory = kind, let existing = dir.children[last], existing.isDirectory {
            existing.mtime = mtime
            return existing
        }
        let node = Node(kind: kind, mtime: mtime)
        dir.children[last] = node
        return node
    }

    /// Looks up a node by components.
    func lookup(_ comps: [[UInt8]], in start: Node? = nil) -> Node? {
        var n = start ?? root
        for c in comps {
            guard let next = n.children[c] else { return nil }
            n = next
        }
        return n
    }

    /// Whether a relative symlink target climbs above the root (lexically), or is absolute.
    private func escapes(_ target: [UInt8], from depth: Int) -> Bool {
        if target.first == UInt8(ascii: "/") { return true }
        var d = depth
        for c in target.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if c.elementsEqual([0x2e, 0x2e]) {
                d -= 1
                if d < 0 { return true }
            } else if !c.elementsEqual([0x2e]) {
                d += 1
            }
        }
        return false
    }

    /// Refuses symlinks (below `top`, the node that becomes the tree) whose target is
    /// absolute or climbs above `top`, when ``rejectEscapingSymlinks`` is set.
    func checkSymlinks(below top: Node) throws {
        guard rejectEscapingSymlinks else { return }
        func walk(_ n: Node, _ path: [[UInt8]]) throws {
            switch n.kind {
            case .symlink(let target):
                if escapes(target, from: max(0, path.count - 1)) {
                    let shown = path.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
                    throw ArchiveError.escapingLink(
                        source: source, path: shown, target: String(decoding: target, as: UTF8.self))
                }
            case .directory:
                for (name, child) in n.children.sorted(by: { NARWriter<SHA256Sink>.lessThan($0.key, $1.key) }) {
                    try walk(child, path + [name])
                }
            case .regular:
                break
            }
        }
        try walk(top, [])
    }

    /// The node that becomes the hashed tree, per Nix version.
    func treeRoot(_ topLevel: ArchiveTopLevel) throws -> Node {
        switch topLevel {
        case .keepRoot:
            return root
        case .exactlyOneEntry:
            guard root.children.count == 1, let only = root.children.first?.value else {
                throw ArchiveError.unexpectedTopLevelCount(source: source)
            }
            return only
        case .stripSingleDirectory:
            if root.children.count == 1, let only = root.children.first?.value, only.isDirectory { return only }
            return root
        }
    }
}

/// A node of an ``ArchiveTree`` as a NAR tree, reading contents from the spool.
struct ArchiveTreeNode: NARTreeNode {
    let node: ArchiveTree.Node
    let reader: SpoolReader

    final class SpoolReader {
        let spool: SpoolFile
        var scratch = [UInt8](repeating: 0, count: 1 << 18)
        init(spool: SpoolFile) { self.spool = spool }
    }

    func kind() throws -> NARNodeKind {
        switch node.kind {
        case .directory: .directory
        case .regular(let x, _, let size): .regular(executable: x, size: size)
        case .symlink(let t): .symlink(target: t)
        }
    }

    func children() throws -> [(name: [UInt8], node: ArchiveTreeNode)] {
        node.children.map { ($0.key, ArchiveTreeNode(node: $0.value, reader: reader)) }
    }

    func readContents(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard case .regular(_, let offset, let size) = node.kind else { return }
        try reader.spool.read(offset: offset, length: size, scratch: &reader.scratch, consume)
    }
}
