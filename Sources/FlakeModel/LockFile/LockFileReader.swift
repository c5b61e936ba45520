extension LockFile {
    /// Reads a lock file (versions 5, 6 and 7; docs/nix-behaviour.md, "Lock file versions" to
    /// "Edges and follows paths").
    ///
    /// Every `locked`/`original` map is kept verbatim (after the scheme's checks). Version 5
    /// `info` objects are merged into `locked`; a key named by several edges (version 6
    /// style) becomes one shared node; unreachable nodes and unknown node fields are ignored.
    ///
    /// - Parameters:
    ///   - bytes: the file content.
    ///   - path: the file's path, for messages.
    ///   - allowUnlocked: accept `locked` inputs that are not locked (current Nix's
    ///     `--allow-dirty-locks`).
    /// - Throws: ``LockFileError`` with Nix's wording, naming the file and the node.
    public static func parse<C: Collection>(
        _ bytes: C, path: String, profile: CompatProfile, allowUnlocked: Bool = false
    ) throws(LockFileError) -> LockFile where C.Element == UInt8 {
        let json: JSONValue
        do { json = try JSONValue.parse(bytes) } catch {
            let msg = profile.lockParseErrorNamesFile ? "Could not parse '\(path)': \(error)" : error.description
            throw LockFileError(.malformed, msg, file: path, line: error.line, column: error.column)
        }
        return try fromJSON(json, path: path, profile: profile, allowUnlocked: allowUnlocked)
    }

    /// Reads a lock file from its parsed JSON; see ``parse(_:path:profile:allowUnlocked:)``.
    public static func fromJSON(
        _ json: JSONValue, path: String, profile: CompatProfile, allowUnlocked: Bool = false
    ) throws(LockFileError) -> LockFile {
        var reader = LockFileReader(path: path, profile: profile, allowUnlocked: allowUnlocked)
        return try reader.read(json)
    }
}

extension LockFile {
    /// How deep a lock graph may be (inputs of inputs of …) for reading it. Real locks are a
    /// few levels deep; every walk of the graph recurses once per level, and some run on
    /// threads with small stacks, so a deeper (hostile) lock is refused when it is read.
    public static let maximumDepth = 256
}

struct LockFileReader {
    let path: String
    let profile: CompatProfile
    let allowUnlocked: Bool
    var nodeMap: [String: LockNode] = [:]
    var nodesJSON = JSONObject()
    var rootKey = ""
    var warnings: [String] = []
    /// Keys of the nodes whose inputs are being read, outermost first: an edge back to one
    /// of them is a cycle (an edge to a node read before is sharing, which is legal).
    var readStack: [String] = []
    var onReadStack: Set<String> = []

    init(path: String, profile: CompatProfile, allowUnlocked: Bool) {
        self.path = path
        self.profile = profile
        self.allowUnlocked = allowUnlocked
    }

    func fail(_ kind: LockFileError.Kind, _ message: String, node: String? = nil, attribute: String? = nil)
        -> LockFileError
    {
        LockFileError(kind, message, file: path, node: node, attribute: attribute)
    }

    mutating func read(_ json: JSONValue) throws(LockFileError) -> LockFile {
        guard let top = json.objectValue else {
            throw fail(.malformed, "lock file '\(path)' is not a JSON object")
        }
        var version: UInt64 = 0
        switch top["version"] {
        case nil: version = 0
        case .number(.unsigned(let v)): version = v
        case .number(.float(let d)) where d >= 0 && d < 1e19: version = UInt64(d)
        case .number: version = 0
        case let other?:
            throw fail(
                .malformed, "[json.exception.type_error.302] type must be number, but is \(other.typeName)",
                attribute: "version")
        }
        guard (5...7).contains(version) else {
            let shown = top["version"].map { if case .number(let n) = $0 { n.text } else { "0" } } ?? "0"
            throw fail(.unsupportedVersion, "lock file '\(path)' has unsupported version \(shown)")
        }
        guard case .string(let rk)? = top["root"] else {
            throw fail(.malformed, "lock file '\(path)' has no string 'root' attribute")
        }
        guard let nodes = top["nodes"]?.objectValue else {
            throw fail(.malformed, "lock file '\(path)' has no 'nodes' object")
        }
        rootKey = rk
        nodesJSON = nodes
        let root = LockNode()
        nodeMap[rk] = root
        guard let rootJSON = nodes[rk] else {
            throw fail(.missingNode, "lock file references missing node '\(rk)'", attribute: "root")
        }
        try readInputs(of: root, json: rootJSON, key: rk, depth: 0)
        var lock = LockFile(root: root)
        lock.warnings = warnings
        lock.path = path
        return lock
    }

    mutating func readInputs(of node: LockNode, json: JSONValue, key: String, depth: Int) throws(LockFileError) {
        guard depth <= LockFile.maximumDepth else {
            throw fail(
                .malformed, "lock file graph is deeper than \(LockFile.maximumDepth) levels", node: key,
                attribute: "inputs")
        }
        guard let obj = json.objectValue else {
            throw fail(.malformed, "lock file node '\(key)' is not an object", node: key)
        }
        guard let inputs = obj["inputs"] else { return }
        guard let inputsObj = inputs.objectValue else {
            throw fail(
                .malformed, "'inputs' of lock file node '\(key)' is not an object", node: key, attribute: "inputs")
        }
        readStack.append(key)
        onReadStack.insert(key)
        defer {
            readStack.removeLast()
            onReadStack.remove(key)
        }
        for (name, value) in inputsObj {
            switch value {
            case .array(let elems):
                var comps: [String] = []
                for e in elems {
                    guard let s = e.stringValue else {
                        throw fail(
                            .malformed, "follows path of input '\(name)' contains a non-string", node: key,
                            attribute: "inputs.\(name)")
                    }
                    comps.append(s)
                }
                node.inputs[name] = .follows(InputPath(comps))
            case .string(let inputKey):
                if onReadStack.contains(inputKey) { throw cycle(to: inputKey, from: key, input: name) }
                let child: LockNode
                if let existing = nodeMap[inputKey] {
                    child = existing
                } else {
                    guard let childJSON = nodesJSON[inputKey] else {
                        throw fail(
                            .missingNode, "lock file references missing node '\(inputKey)'", node: key,
                            attribute: "inputs.\(name)")
                    }
                    child = LockNode(lock: try lockedInput(childJSON, key: inputKey))
                    nodeMap[inputKey] = child
                    try readInputs(of: child, json: childJSON, key: inputKey, depth: depth + 1)
                }
                node.inputs[name] = .node(child)
            default:
                throw fail(
                    .malformed, "input '\(name)' of lock file node '\(key)' is neither a string nor an array",
                    node: key,
                    attribute: "inputs.\(name)")
            }
        }
    }

    /// The error for an edge from `key` back to `target`, a node whose inputs are being
    /// read: Nix's message for an edge to the root (Nix reports other cycles only by running
    /// out of stack), then the cycle of node keys.
    func cycle(to target: String, from key: String, input: String) -> LockFileError {
        let start = readStack.lastIndex(of: target) ?? 0
        let keys = (readStack[start...] + [target]).joined(separator: " → ")
        if target == rootKey {
            return fail(
                .cycleToRoot, "lock file contains cycle to root node: \(keys)", node: key, attribute: "inputs.\(input)")
        }
        return fail(.cycle, "lock file contains a cycle: \(keys)", node: key, attribute: "inputs.\(input)")
    }

    mutating func lockedInput(_ json: JSONValue, key: String) throws(LockFileError) -> LockedInput {
        guard let obj = json.objectValue else {
            throw fail(.malformed, "lock file node '\(key)' is not an object", node: key)
        }
        let locked = try flakeRef(obj, "locked", info: "info", key: key)
        let original = try flakeRef(obj, "original", info: nil, key: key)
        var isFlake = true
        if let f = obj["flake"] {
            guard case .bool(let b) = f else {
                throw fail(
                    .malformed, "[json.exception.type_error.302] type must be boolean, but is \(f.typeName)", node: key,
                    attribute: "flake")
            }
            isFlake = b
        }
        var parent: InputPath?
        if profile.lockNodesHaveParent, let p = obj["parent"] {
            guard let arr = p.arrayValue, arr.allSatisfy({ $0.stringValue != nil }) else {
                throw fail(
                    .malformed, "'parent' of lock file node '\(key)' is not an array of strings", node: key,
                    attribute: "parent")
            }
            parent = InputPath(arr.compactMap(\.stringValue))
        }
        var buildTime = false
        if profile.lockNodesHaveBuildTime, let b = obj["buildTime"] {
            guard case .bool(let v) = b else {
                throw fail(
                    .malformed, "[json.exception.type_error.302] type must be boolean, but is \(b.typeName)", node: key,
                    attribute: "buildTime")
            }
            buildTime = v
        }
        try checkLocked(locked, key: key)
        return LockedInput(locked: locked, original: original, isFlake: isFlake, parent: parent, buildTime: buildTime)
    }

    mutating func checkLocked(_ ref: FlakeRef, key: String) throws(LockFileError) {
        guard !allowUnlocked, !ref.input.isRelativePath(profile: profile), !ref.isLocked(profile: profile) else {
            return
        }
        switch profile.lockedness {
        case .revOrNarHash:
            let file = profile.mutableLockSaysLockFile ? "lock file" : "lockfile"
            throw fail(
                .unlockedInput, "\(file) contains mutable lock '\(ref.input.attrs)'", node: key, attribute: "locked")
        case .perScheme:
            if ref.input.common.narHash != nil {
                let url = (try? ref.toURLString(profile: profile)) ?? ref.description
                switch profile.narHashOnlyLockWarning {
                case .deprecated:
                    warnings.append(
                        "Lock file entry '\(url)' is unlocked (e.g. lacks a Git revision) but does have a NAR hash. "
                            + "This is deprecated since such inputs are verifiable but may not be reproducible.")
                case .notReproducible:
                    warnings.append(
                        "Lock file entry '\(url)' is unlocked (e.g. lacks a Git revision) but is checked by NAR hash. "
                            + "This is not reproducible and will break after garbage collection or when shared.")
                }
            } else {
                throw fail(
                    .unlockedInput,
                    "Lock file contains unlocked input '\(ref.input.attrs)'. Use '--allow-dirty-locks' to accept this lock file.",
                    node: key, attribute: "locked")
            }
        }
    }

    func flakeRef(_ obj: JSONObject, _ attr: String, info: String?, key: String) throws(LockFileError) -> FlakeRef {
        guard let value = obj[attr] else {
            throw fail(.missingAttribute, "attribute '\(attr)' missing in lock file", node: key, attribute: attr)
        }
        var attrs = try attributes(value, key: key, attribute: attr)
        if let info, let extra = obj[info] {
            for (k, v) in try attributes(extra, key: key, attribute: info) { attrs[k] = v }
        }
        do { return try FlakeRef.fromAttrs(attrs, profile: profile) } catch {
            throw fail(.invalidAttributes, error.message, node: key, attribute: attr)
        }
    }

    /// Nix's `jsonToAttrs`: strings, Booleans and numbers (read as unsigned 64-bit; a
    /// fraction is truncated); anything else is an error, which names the attribute whose
    /// value it is (`locked.rev`), or `attribute` when the value is not an object.
    func attributes(_ value: JSONValue, key: String, attribute: String) throws(LockFileError) -> Attrs {
        do { return try Attrs(json: value) } catch {
            let bad = value.objectValue.flatMap { obj in
                obj.first { _, v in (try? Attrs(json: .object(JSONObject([("v", v)])))) == nil }?.0
            }
            throw fail(
                .invalidAttributes, error.message, node: key, attribute: bad.map { "\(attribute).\($0)" } ?? attribute)
        }
    }
}
