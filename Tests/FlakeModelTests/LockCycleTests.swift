import FlakeModel
import Testing

/// Cycles in the lock graph: node edges that lead back to a node being read, and follows
/// paths that resolve through each other. Shared nodes (a DAG) stay legal.
@Suite("Lock file cycles")
struct LockCycleTests {
    static let path = "/p/flake.lock"

    /// A github node `key` with `inputs` (JSON object text, or empty).
    static func node(_ key: String, inputs: String = "") -> String {
        let ins = inputs.isEmpty ? "" : #""inputs": \#(inputs), "#
        return """
            "\(key)": {\(ins)"locked": {"narHash": "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "owner": "o", "repo": "\(key)",
              "rev": "\(String(repeating: "1", count: 40))", "type": "github"}, "original": {"owner": "o", "repo": "\(key)", "type": "github"}}
            """
    }

    static func lock(root: String, _ nodes: [String]) -> [UInt8] {
        let body = (nodes + [#""root": {"inputs": \#(root)}"#]).joined(separator: ",\n")
        return Array(#"{"nodes": {\#(body)}, "root": "root", "version": 7}"#.utf8)
    }

    static func failure(_ bytes: [UInt8], profile: CompatProfile = .nix) -> LockFileError? {
        do {
            _ = try LockFile.parse(bytes, path: path, profile: profile)
            return nil
        } catch { return error }
    }

    @Test func selfEdge() throws {
        let e = try #require(
            Self.failure(Self.lock(root: #"{"dep": "dep"}"#, [Self.node("dep", inputs: #"{"me": "dep"}"#)])))
        #expect(e.kind == .cycle)
        #expect(e.message == "lock file contains a cycle: dep → dep")
        #expect(e.node == "dep" && e.file == Self.path)
        #expect(e.description.contains("'\(Self.path)'"))
    }

    @Test func twoNodesPointingAtEachOther() throws {
        let bytes = Self.lock(
            root: #"{"a": "a"}"#, [Self.node("a", inputs: #"{"b": "b"}"#), Self.node("b", inputs: #"{"a": "a"}"#)])
        for profile in [CompatProfile.nix, .nix28] {
            let e = try #require(Self.failure(bytes, profile: profile))
            #expect(e.kind == .cycle)
            #expect(e.message == "lock file contains a cycle: a → b → a")
        }
    }

    @Test func longCycleBelowASharedNode() throws {
        let bytes = Self.lock(
            root: #"{"x": "x", "y": "y"}"#,
            [
                Self.node("x", inputs: #"{"s": "s"}"#), Self.node("y", inputs: #"{"s": "s"}"#),
                Self.node("s", inputs: #"{"t": "t"}"#), Self.node("t", inputs: #"{"u": "u"}"#),
                Self.node("u", inputs: #"{"back": "s"}"#),
            ])
        let e = try #require(Self.failure(bytes))
        #expect(e.message == "lock file contains a cycle: s → t → u → s")
        #expect(e.node == "u")
    }

    @Test func edgeToTheRoot() throws {
        let bytes = Self.lock(
            root: #"{"a": "a"}"#, [Self.node("a", inputs: #"{"b": "b"}"#), Self.node("b", inputs: #"{"up": "root"}"#)])
        let e = try #require(Self.failure(bytes))
        #expect(e.kind == .cycleToRoot)
        #expect(e.message == "lock file contains cycle to root node: root → a → b → root")
    }

    /// A node reached along several routes is shared, not a cycle; so is a lattice whose
    /// routes double at every level (40 levels: 2^40 routes, 80 nodes).
    @Test func sharedNodesAreLegal() throws {
        let diamond = Self.lock(
            root: #"{"a": "a", "b": "b"}"#,
            [Self.node("a", inputs: #"{"c": "c"}"#), Self.node("b", inputs: #"{"c": "c"}"#), Self.node("c")])
        let lock = try LockFile.parse(diamond, path: Self.path, profile: .nix)
        guard case .node(let a)? = lock.root.inputs["a"], case .node(let b)? = lock.root.inputs["b"],
            case .node(let c1)? = a.inputs["c"], case .node(let c2)? = b.inputs["c"]
        else {
            Issue.record("shape")
            return
        }
        #expect(c1 === c2)

        var nodes: [String] = []
        for level in 0..<40 {
            let next = level == 39 ? "" : #"{"l": "l\#(level + 1)", "r": "r\#(level + 1)"}"#
            nodes.append(Self.node("l\(level)", inputs: next))
            nodes.append(Self.node("r\(level)", inputs: next))
        }
        let lattice = try LockFile.parse(
            Self.lock(root: #"{"l": "l0", "r": "r0"}"#, nodes), path: Self.path, profile: .nix)
        try lattice.checkFollowsCycles()
        #expect(lattice.flattened().count == 2 + 39 * 4)
        #expect(lattice.json.objectValue?["nodes"]?.objectValue?.count == 81)
    }

    @Test func followsCycles() throws {
        let cases: [(root: String, nodes: [String], cycle: String)] = [
            (#"{"a": ["b"], "b": ["a"]}"#, [], "b -> a -> b"),
            (#"{"a": ["a"]}"#, [], "a -> a"),
            (#"{"a": ["a", "x"]}"#, [], "a/x -> a/x"),
            (#"{"x": "x"}"#, [Self.node("x", inputs: #"{"p": ["x", "q"], "q": ["x", "p"]}"#)], "x/q -> x/p -> x/q"),
            (#"{"x": "x", "y": ["x", "z"]}"#, [Self.node("x", inputs: #"{"z": ["y"]}"#)], "y -> x/z -> y"),
        ]
        for c in cases {
            // Nix reads such a lock; the cycle is found when the follows are resolved.
            let lock = try LockFile.parse(Self.lock(root: c.root, c.nodes), path: Self.path, profile: .nix)
            do {
                try lock.checkFollowsCycles()
                Issue.record("\(c.root) passed")
            } catch {
                #expect(error.kind == .followCycle)
                #expect(error.message == "follow cycle detected: [\(c.cycle)]")
                #expect(error.description.contains("'\(Self.path)'"))
            }
        }
    }

    @Test func followsIntoSharedNodesAreLegal() throws {
        let bytes = Self.lock(
            root: #"{"a": "a", "b": ["a"], "c": ["b", "n"]}"#,
            [Self.node("a", inputs: #"{"n": "n", "m": ["a", "n"]}"#), Self.node("n")])
        let lock = try LockFile.parse(bytes, path: Self.path, profile: .nix)
        try lock.checkFollowsCycles()
        #expect(try lock.findInput(["c"]) === lock.findInput(["a", "m"]))
    }

    /// A chain `root → n0 → n1 → …` of `count` nodes.
    static func chain(_ count: Int) -> [UInt8] {
        let nodes = (0..<count).map { i in node("n\(i)", inputs: i + 1 < count ? #"{"n": "n\#(i + 1)"}"# : "") }
        return lock(root: #"{"n": "n0"}"#, nodes)
    }

    /// Walks of the graph recurse once per level, so a deeper lock than any real one is
    /// refused when it is read, naming the node where the limit is passed.
    @Test func depthIsBounded() throws {
        let deepest = try LockFile.parse(Self.chain(LockFile.maximumDepth), path: Self.path, profile: .nix)
        #expect(deepest.flattened().count == LockFile.maximumDepth)
        for count in [LockFile.maximumDepth + 1, 50_000] {
            let e = try #require(Self.failure(Self.chain(count)))
            #expect(e.message == "lock file graph is deeper than \(LockFile.maximumDepth) levels")
            #expect(e.node == "n\(LockFile.maximumDepth)" && e.attribute == "inputs" && e.file == Self.path)
        }
    }
}
