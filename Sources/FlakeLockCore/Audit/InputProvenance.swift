import Fetchers
import FlakeLockBasics
import FlakeModel

/// `flakelock why`: every route from the root of a lock file to some nodes, showing the
/// `follows` edges taken on the way.
///
/// ```swift
/// let why = try InputProvenance(query: "home-manager/nixpkgs", lock: lock, profile: .nix)
/// why.nodes[0].routes.map(\.text)
/// // ["root → home-manager → nixpkgs (follows 'nixpkgs')", "root → nixpkgs"]
/// ```
public struct InputProvenance: Sendable {
    /// How the query was understood.
    public enum Match: String, Sendable {
        /// An input path (`home-manager/nixpkgs`), resolved through follows.
        case inputPath = "input-path"
        /// A node key of flake.lock (`nixpkgs_2`).
        case nodeKey = "node-key"
        /// A flake reference naming a repository (`github:NixOS/nixpkgs`).
        case repository
        /// A repository name (`nixpkgs`, `flake-utils`).
        case repositoryName = "repository-name"
    }

    /// One edge taken: into input `input` of the current node, through a follows edge to
    /// `follows` if set.
    public struct Step: Sendable, Hashable {
        public var input: String
        public var follows: InputPath?
    }

    /// A way from the root to a node.
    public struct Route: Sendable, Hashable {
        public var steps: [Step]
        /// The input path this route spells (`home-manager/nixpkgs`).
        public var path: InputPath { InputPath(steps.map(\.input)) }
        /// `root → home-manager → nixpkgs (follows 'nixpkgs')`.
        public var text: String {
            (["root"] + steps.map { s in s.follows.map { "\(s.input) (follows '\($0)')" } ?? s.input })
                .joined(separator: " → ")
        }
    }

    /// A node and the routes reaching it.
    public struct Node: Sendable {
        public var pin: LockInventory.Pin
        /// Shortest first.
        public var routes: [Route]
    }

    public let query: String
    public let match: Match
    /// The matched node first (for an input path or node key), then the other nodes of the
    /// same repository.
    public let nodes: [Node]
    /// True when the route search stopped early (more than ``routeLimit`` routes).
    public let truncated: Bool

    /// The most routes collected.
    public static let routeLimit = 1_000

    /// Resolves `query` (an input path, node key, repository reference or repository name)
    /// in `lock`, in that order, and finds the routes to the nodes it names.
    /// - Throws: ``WhyError`` when nothing in the lock matches, or a follows cycle.
    public init(query: String, lock: LockFile, profile: CompatProfile) throws(WhyError) {
        let inventory = LockInventory(lock, profile: profile)
        let keys = lock.nodeKeys
        var matched: [LockInventory.Pin] = []
        var match = Match.inputPath
        if query.contains(":") {
            guard let repo = RepositoryID(parsing: query, profile: profile) else { throw .notFound(query) }
            matched = inventory.pins(of: repo)
            match = .repository
        } else if let path = try? InputPath(parsing: query), !path.isEmpty, let node = try Self.find(path, lock) {
            if let key = keys[ObjectIdentifier(node)], let pin = inventory.pins.first(where: { $0.key == key }) {
                matched = Self.withSiblings(pin, inventory)
            }
        } else if let pin = inventory.pins.first(where: { $0.key == query }) {
            matched = Self.withSiblings(pin, inventory)
            match = .nodeKey
        } else {
            matched = inventory.pins.filter { $0.repository?.name == query.lowercased() }
            match = .repositoryName
        }
        guard !matched.isEmpty else { throw .notFound(query) }
        let (routes, truncated) = Self.routes(in: lock, to: Set(matched.map(\.key)), keys: keys)
        self.query = query
        self.match = match
        self.truncated = truncated
        nodes = matched.map { Node(pin: $0, routes: routes[$0.key] ?? []) }
    }

    static func find(_ path: InputPath, _ lock: LockFile) throws(WhyError) -> LockNode? {
        do { return try lock.findInput(path) } catch { throw .lock(error.description) }
    }

    static func withSiblings(_ pin: LockInventory.Pin, _ inventory: LockInventory) -> [LockInventory.Pin] {
        guard let repo = pin.repository else { return [pin] }
        return [pin] + inventory.pins(of: repo).filter { $0.key != pin.key }
    }

    /// Depth-first search over node and follows edges, never entering a node twice on one
    /// route; routes are collected per target node key, shortest first.
    static func routes(in lock: LockFile, to targets: Set<String>, keys: [ObjectIdentifier: String])
        -> ([String: [Route]], Bool)
    {
        var found: [String: [Route]] = [:]
        var total = 0
        var truncated = false
        var onRoute: Set<ObjectIdentifier> = [ObjectIdentifier(lock.root)]
        var steps: [Step] = []
        func walk(_ node: LockNode) {
            for (name, edge) in node.sortedInputs {
                if truncated { return }
                let child: LockNode
                var step = Step(input: name, follows: nil)
                switch edge {
                case .node(let n): child = n
                case .follows(let target):
                    guard let resolved = try? lock.findInput(target) else { continue }
                    child = resolved
                    step.follows = target
                }
                let id = ObjectIdentifier(child)
                guard !onRoute.contains(id) else { continue }
                steps.append(step)
                defer { steps.removeLast() }
                if let key = keys[id], targets.contains(key) {
                    found[key, default: []].append(Route(steps: steps))
                    total += 1
                    if total >= routeLimit { truncated = true }
                }
                onRoute.insert(id)
                walk(child)
                onRoute.remove(id)
            }
        }
        walk(lock.root)
        for (k, v) in found {
            found[k] = v.sorted { a, b in
                a.steps.count != b.steps.count ? a.steps.count < b.steps.count : a.path < b.path
            }
        }
        return (found, truncated)
    }
}

/// Why `why` could not answer.
public enum WhyError: UserFacingError, Equatable {
    case notFound(String)
    case lock(String)

    public var description: String {
        switch self {
        case .notFound(let q): "'\(q)' is neither an input path, a node key nor a repository in flake.lock"
        case .lock(let m): m
        }
    }
}

extension InputProvenance {
    /// One block per node: `node 'nixpkgs': <locked URL> (<date>)`, then its routes.
    public func text() -> String {
        var blocks: [String] = []
        for (i, node) in nodes.enumerated() {
            var block = ""
            if i == 1 { block += "Other nodes of \(nodes[0].pin.repository?.display ?? "the same repository"):\n\n" }
            let date = node.pin.date.map { " (\($0))" } ?? ""
            block += "node '\(node.pin.key)': \(node.pin.url)\(date)\n"
            for r in node.routes { block += "  \(r.text)\n" }
            if node.routes.isEmpty { block += "  (not reachable from the root)\n" }
            blocks.append(block)
        }
        let tail = truncated ? "\n(stopped after \(Self.routeLimit) routes)\n" : ""
        return blocks.joined(separator: "\n") + tail
    }

    /// `{"query", "match", "truncated", "nodes": [{"key", "url", "repository"?, "rev"?,
    /// "date"?, "routes": [{"path", "text", "steps": [{"input", "follows"?}]}]}]}`.
    public func json() -> JSONValue {
        var top = JSONObject()
        top["query"] = .string(query)
        top["match"] = .string(match.rawValue)
        top["truncated"] = .bool(truncated)
        top["nodes"] = .array(
            nodes.map { node in
                var o = JSONObject()
                o["key"] = .string(node.pin.key)
                o["url"] = .string(node.pin.url)
                if let r = node.pin.repository { o["repository"] = .string(r.display) }
                if let r = node.pin.rev { o["rev"] = .string(r) }
                if let d = node.pin.date { o["date"] = .string(d) }
                o["routes"] = .array(
                    node.routes.map { route in
                        var r = JSONObject()
                        r["path"] = .string(route.path.description)
                        r["text"] = .string(route.text)
                        r["steps"] = .array(
                            route.steps.map { s in
                                var so = JSONObject()
                                so["input"] = .string(s.input)
                                if let f = s.follows { so["follows"] = .string(f.description) }
                                return .object(so)
                            })
                        return .object(r)
                    })
                return .object(o)
            })
        return .object(top)
    }
}
