extension LockFile {
    /// The version-7 JSON of the graph with Nix's key allocation (docs/nix-behaviour.md, "Node
    /// keys"): a pre-order depth-first walk in sorted input order; a node's key is the name
    /// under which it is first reached, with `_2`, `_3`, … on collision; the root takes `root`
    /// first. `__final` is dropped from `locked`; `parent` is written only when present.
    public var json: JSONValue {
        var writer = KeyAllocator()
        let rootKey = writer.emit("root", root)
        return .object(
            JSONObject([
                ("nodes", .object(writer.nodes)),
                ("root", .string(rootKey)),
                ("version", .number(.unsigned(7))),
            ]))
    }

    /// The exact text Nix writes to `flake.lock` (`dump(2)` plus a newline,
    /// docs/nix-behaviour.md, "Exact JSON text").
    public var text: String { json.lockFileText }

    /// True when both graphs serialise to the same JSON value (docs/nix-behaviour.md, "When a
    /// lock is unchanged") — the test Nix uses to decide that a lock file is unchanged and must
    /// not be rewritten.
    public func isEquivalent(to other: LockFile) -> Bool { json == other.json }

    /// A map from node identity to the key it gets in ``json``.
    public var nodeKeys: [ObjectIdentifier: String] {
        var writer = KeyAllocator()
        _ = writer.emit("root", root)
        return writer.keyOf
    }
}

struct KeyAllocator {
    var used: Set<String> = []
    var keyOf: [ObjectIdentifier: String] = [:]
    var nodes = JSONObject()

    mutating func emit(_ preferred: String, _ node: LockNode) -> String {
        if let k = keyOf[ObjectIdentifier(node)] { return k }
        var key = preferred
        if used.contains(key) {
            var n = 2
            while used.contains("\(preferred)_\(n)") { n += 1 }
            key = "\(preferred)_\(n)"
        }
        used.insert(key)
        keyOf[ObjectIdentifier(node)] = key
        var obj = JSONObject()
        if !node.inputs.isEmpty {
            var ins = JSONObject()
            for (name, edge) in node.sortedInputs {
                switch edge {
                case .node(let child): ins[name] = .string(emit(name, child))
                case .follows(let path): ins[name] = path.json
                }
            }
            obj["inputs"] = .object(ins)
        }
        if let lock = node.lock {
            obj["original"] = lock.original.toAttrs().json
            var locked = lock.locked.toAttrs()
            locked["__final"] = nil
            obj["locked"] = locked.json
            if !lock.isFlake { obj["flake"] = .bool(false) }
            if let parent = lock.parent { obj["parent"] = parent.json }
            if lock.buildTime { obj["buildTime"] = .bool(true) }
        }
        nodes[key] = .object(obj)
        return key
    }
}
