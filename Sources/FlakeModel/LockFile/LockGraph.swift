/// An edge of the lock graph: a node, or a follows path (absolute from the root; empty means
/// the root flake itself; docs/nix-behaviour.md, "The lock graph", "Edges and follows paths").
public enum LockEdge {
    case node(LockNode)
    case follows(InputPath)
}

/// What a non-root node records about its input (docs/nix-behaviour.md, "Lock nodes").
public struct LockedInput: Sendable, Hashable {
    /// The locked reference, attributes kept verbatim.
    public var locked: FlakeRef
    /// The reference as declared, attributes kept verbatim.
    public var original: FlakeRef
    /// False for `flake = false` inputs.
    public var isFlake: Bool
    /// For relative `path:` inputs (current ≥2.26): the input path of the declaring node.
    public var parent: InputPath?
    /// Determinate Nix's `buildTime = true` (``CompatProfile/lockNodesHaveBuildTime``).
    public var buildTime: Bool

    public init(
        locked: FlakeRef, original: FlakeRef, isFlake: Bool = true, parent: InputPath? = nil, buildTime: Bool = false
    ) {
        self.locked = locked
        self.original = original
        self.isFlake = isFlake
        self.parent = parent
        self.buildTime = buildTime
    }
}

/// A node of the lock graph. The root has no ``lock``; every other node has one.
///
/// Nodes are objects: two edges may point at the same node (a lock file that names one key
/// twice), and identity decides key allocation and the diff walk. `LockNode` is not
/// `Sendable`; keep a graph inside one task, or hand it over with `sending`.
public final class LockNode {
    /// Input name → edge.
    public var inputs: [String: LockEdge]
    /// nil for the root node.
    public var lock: LockedInput?

    public init(inputs: [String: LockEdge] = [:], lock: LockedInput? = nil) {
        self.inputs = inputs
        self.lock = lock
    }

    /// The inputs in byte-wise order of their names (the order of every walk in Nix).
    public var sortedInputs: [(name: String, edge: LockEdge)] {
        inputs.sorted { $0.key.byteWiseLess(than: $1.key) }.map { ($0.key, $0.value) }
    }
}

/// A lock file graph (docs/nix-behaviour.md, "The lock graph", "The lock file"). Read with
/// ``parse(_:path:profile:allowUnlocked:)``, write with ``text``, compare with
/// ``isEquivalent(to:)``.
///
/// ```swift
/// let lock = try LockFile.parse(bytes, path: "/src/flake.lock", profile: .nix)
/// if !lock.isEquivalent(to: newLock) { try AtomicFile.write(Array(newLock.text.utf8), to: path) }
/// ```
public struct LockFile {
    public var root: LockNode
    /// Warnings produced while reading (current Nix's "unlocked but checked by NAR hash").
    public var warnings: [String] = []
    /// The file the graph was read from (or is to be written to), named by its errors.
    public var path: String?

    /// A graph with an empty root: what Nix uses when there is no lock file.
    public init(root: LockNode = LockNode()) {
        self.root = root
    }

    /// The node reached by `path`, following follows edges (Nix's `findInput`).
    ///
    /// A path that names a follows edge is resolved through it, recursively. Every path
    /// looked up during one call is remembered (as Nix does, without forgetting on the way
    /// back); meeting one again is a cycle.
    /// - Returns: the node, or nil if some component does not exist.
    /// - Throws: ``LockFileError`` `follow cycle detected: [a -> b -> a]`.
    public func findInput(_ path: InputPath) throws(LockFileError) -> LockNode? {
        var visited: [InputPath] = []
        return try find(path, &visited)
    }

    private func find(_ path: InputPath, _ visited: inout [InputPath]) throws(LockFileError) -> LockNode? {
        if let i = visited.firstIndex(of: path) {
            let cycle = (visited[i...] + [path]).map(\.description).joined(separator: " -> ")
            throw LockFileError(.followCycle, "follow cycle detected: [\(cycle)]", file: self.path)
        }
        visited.append(path)
        var pos = root
        for elem in path.components {
            switch pos.inputs[elem] {
            case nil: return nil
            case .node(let n): pos = n
            case .follows(let target):
                guard let n = try find(target, &visited) else { return nil }
                pos = n
            }
        }
        return pos
    }

    /// Resolves every follows edge, as Nix's `LockFile::check` does for a new lock, so that a
    /// cycle of follows paths is reported before anything walks the graph.
    /// - Throws: ``LockFileError`` `follow cycle detected: [a -> b -> a]`, naming ``path``.
    public func checkFollowsCycles() throws(LockFileError) {
        for (_, edge) in flattened() {
            if case .follows(let target) = edge { _ = try findInput(target) }
        }
    }

    /// The first node (in walk order) whose `locked` input is neither locked nor a relative
    /// path (docs/nix-behaviour.md, "Locked inputs"), or nil. Used to decide whether a new lock
    /// may be written.
    public func firstUnlockedInput(profile: CompatProfile, trustTarballsFromGitForges: Bool = true) -> FlakeRef? {
        var seen: Set<ObjectIdentifier> = []
        func walk(_ node: LockNode) -> FlakeRef? {
            guard seen.insert(ObjectIdentifier(node)).inserted else { return nil }
            for (_, edge) in node.sortedInputs {
                guard case .node(let child) = edge else { continue }
                if let l = child.lock?.locked, !l.input.isRelativePath(profile: profile),
                    !l.isLocked(profile: profile, trustTarballsFromGitForges: trustTarballsFromGitForges)
                {
                    return l
                }
                if let r = walk(child) { return r }
            }
            return nil
        }
        return walk(root)
    }
}
