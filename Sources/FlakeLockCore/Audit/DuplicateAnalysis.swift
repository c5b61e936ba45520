import Fetchers
import FlakeModel

/// One repository locked at several nodes, and how `follows` would merge them.
public struct DuplicateGroup: Sendable, Hashable {
    public var repository: RepositoryID
    /// The nodes, shortest path first; the first is the one the others should follow.
    public var pins: [LockInventory.Pin]
    /// How many different revisions (or NAR hashes, for inputs without `rev`) they pin.
    public var distinctRevisions: Int
    /// flake.nix lines (`inputs.a.inputs.nixpkgs.follows = "nixpkgs";`) that make every
    /// nested copy follow the first node. Copies declared by the root itself get no line.
    public var followsLines: [String]
    /// The input paths those lines redirect.
    public var redirectedPaths: [InputPath]
    /// How many nodes flake.lock would lose with those lines (the copies and everything
    /// reachable only through them).
    public var nodesSaved: Int
}

/// Finds duplicated repositories in a lock file and computes the `follows` that would
/// merge them.
///
/// ```swift
/// let groups = DuplicateAnalysis.groups(in: lock, inventory: LockInventory(lock, profile: .nix))
/// groups.first?.followsLines  // ["inputs.home-manager.inputs.nixpkgs.follows = \"nixpkgs\";"]
/// ```
public enum DuplicateAnalysis {
    /// The duplicate groups of `lock`, sorted by repository.
    public static func groups(in lock: LockFile, inventory: LockInventory) -> [DuplicateGroup] {
        var byRepo: [RepositoryID: [LockInventory.Pin]] = [:]
        for pin in inventory.pins {
            guard let repo = pin.repository else { continue }
            byRepo[repo, default: []].append(pin)
        }
        var result: [DuplicateGroup] = []
        for (repo, _) in byRepo {
            let pins = inventory.pins(of: repo)
            guard pins.count > 1 else { continue }
            let revisions = Set(pins.map { $0.rev ?? $0.narHash ?? $0.url })
            let target = pins[0].path
            var lines: [String] = []
            var redirected: [InputPath] = []
            for pin in pins.dropFirst() where pin.path.count >= 2 && !target.hasPrefix(pin.path) {
                redirected.append(pin.path)
                lines.append(followsLine(pin.path, target: target))
            }
            let saved = nodesRemoved(from: lock, cutting: Set(redirected))
            result.append(
                DuplicateGroup(
                    repository: pins[0].repository ?? repo, pins: pins, distinctRevisions: revisions.count,
                    followsLines: lines, redirectedPaths: redirected, nodesSaved: saved))
        }
        return result.sorted { $0.repository < $1.repository }
    }

    /// `inputs.a.inputs.b.follows = "x/y";` — names that are not plain identifiers are quoted.
    public static func followsLine(_ path: InputPath, target: InputPath) -> String {
        let lhs = path.components.map { "inputs.\(attrName($0))" }.joined(separator: ".")
        return "\(lhs).follows = \"\(target.description)\";"
    }

    static func attrName(_ name: String) -> String {
        let letter = { (c: UInt8) in (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 }
        let rest = { (c: UInt8) in letter(c) || (c >= 48 && c <= 57) || c == 45 || c == 39 }
        let isIdentifier = name.utf8.first.map(letter) == true && name.utf8.allSatisfy(rest)
        if isIdentifier { return name }
        return "\"" + name.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }

    /// How many nodes stop being reachable from the root when the edges at `paths` are
    /// replaced by follows edges.
    public static func nodesRemoved(from lock: LockFile, cutting paths: Set<InputPath>) -> Int {
        guard !paths.isEmpty else { return 0 }
        return reachable(lock.root, cutting: []) - reachable(lock.root, cutting: paths)
    }

    static func reachable(_ root: LockNode, cutting: Set<InputPath>) -> Int {
        var seen: Set<ObjectIdentifier> = []
        var stack: [(LockNode, InputPath)] = [(root, [])]
        while let (node, prefix) = stack.popLast() {
            for (name, edge) in node.sortedInputs.reversed() {
                guard case .node(let child) = edge else { continue }
                let p = prefix.appending(name)
                if cutting.contains(p) { continue }
                if seen.insert(ObjectIdentifier(child)).inserted { stack.append((child, p)) }
            }
        }
        return seen.count
    }

    /// The audit findings for `groups`, one per group, naming its first node.
    static func findings(_ groups: [DuplicateGroup]) -> [AuditFinding] {
        groups.map { g in
            let pinnedAt = g.pins.map { "'\($0.path)'" }.joined(separator: ", ")
            var details = [
                "repository": g.repository.display, "nodes": String(g.pins.count),
                "revisions": String(g.distinctRevisions), "nodesSaved": String(g.nodesSaved),
            ]
            if !g.followsLines.isEmpty { details["follows"] = g.followsLines.joined(separator: "\n") }
            return AuditFinding(
                check: .duplicate, node: g.pins[0].key, path: g.pins[0].path,
                message:
                    "\(g.repository.display) is locked at \(g.pins.count) nodes (\(g.distinctRevisions) revision\(g.distinctRevisions == 1 ? "" : "s")): \(pinnedAt)",
                details: details)
        }
    }
}
