/// What a node of a tree to be archived is.
public enum NARNodeKind: Sendable, Equatable {
    case regular(executable: Bool, size: UInt64)
    case symlink(target: [UInt8])
    case directory
}

/// A tree that can be serialised as a NAR without being materialised on disk: a directory
/// on disk, a Git tree, an unpacked archive held as entries, or an in-memory tree.
///
/// The serialiser asks each node for its kind, reads regular files through
/// ``readContents(_:)`` and lists directories with ``children()`` in any order (it sorts
/// them byte-wise itself).
public protocol NARTreeNode {
    func kind() throws -> NARNodeKind
    /// The entries of a directory node, in any order.
    func children() throws -> [(name: [UInt8], node: Self)]
    /// Streams a regular file's contents to `consume`, in chunks.
    func readContents(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws
}

extension NARWriter {
    /// Serialises `node` and everything below it.
    public mutating func write<T: NARTreeNode>(tree node: T) throws {
        switch try node.kind() {
        case .regular(let executable, let size):
            try beginRegular(executable: executable, size: size)
            try node.readContents { try writeContents($0) }
            try endRegular()
        case .symlink(let target):
            try writeSymlink(target: target)
        case .directory:
            try beginDirectory()
            let entries = try node.children().sorted { NARWriter.lessThan($0.name, $1.name) }
            for (name, child) in entries {
                try beginEntry(name: name)
                try write(tree: child)
                try endEntry()
            }
            try endDirectory()
        }
    }
}

/// An in-memory tree, for tests and small synthetic sources.
public indirect enum MemoryTree: NARTreeNode, Sendable, Equatable {
    case regular(executable: Bool, contents: [UInt8])
    case symlink(target: [UInt8])
    case directory([[UInt8]: MemoryTree])

    public static func file(_ text: String, executable: Bool = false) -> MemoryTree {
        .regular(executable: executable, contents: Array(text.utf8))
    }
    public static func link(_ target: String) -> MemoryTree { .symlink(target: Array(target.utf8)) }
    public static func dir(_ entries: [String: MemoryTree]) -> MemoryTree {
        .directory(Dictionary(uniqueKeysWithValues: entries.map { (Array($0.key.utf8), $0.value) }))
    }

    public func kind() throws -> NARNodeKind {
        switch self {
        case .regular(let x, let c): .regular(executable: x, size: UInt64(c.count))
        case .symlink(let t): .symlink(target: t)
        case .directory: .directory
        }
    }

    public func children() throws -> [(name: [UInt8], node: MemoryTree)] {
        guard case .directory(let d) = self else { return [] }
        return d.map { ($0.key, $0.value) }
    }

    public func readContents(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard case .regular(_, let c) = self else { return }
        try c.withUnsafeBytes { try consume($0) }
    }
}

/// Convenience entry points.
public enum NAR {
    /// The NAR SHA-256 and size of a tree.
    public static func hash<T: NARTreeNode>(_ tree: T) throws -> (hash: NixHash, size: UInt64) {
        var w = NARWriter(sink: SHA256Sink())
        try w.write(tree: tree)
        let sink = try w.finish()
        return (sink.finalize(), sink.count)
    }

    /// The NAR bytes of a tree (tests and small trees only).
    public static func serialize<T: NARTreeNode>(_ tree: T) throws -> [UInt8] {
        var w = NARWriter(sink: ByteSink())
        try w.write(tree: tree)
        return try w.finish().bytes
    }
}
