import FlakeLockBasics

/// A path of input names from the root of the lock graph, e.g. `nixops/nixpkgs`
/// (docs/nix-behaviour.md, "Vocabulary").
///
/// Components taken from `flake.nix` or a lock file may be any attribute name (`foo.bar`
/// is a valid input name); ``init(parsing:)`` validates paths typed by a user.
public struct InputPath: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByArrayLiteral {
    public var components: [String]

    /// Wraps components without checking them (they come from `flake.nix` or a lock file).
    public init(_ components: [String]) { self.components = components }

    public init(arrayLiteral elements: String...) { components = elements }

    /// Parses `a/b/c` as Nix's `parseInputPath` does: empty pieces are skipped, every piece
    /// must match `[a-zA-Z][a-zA-Z0-9_-]*`.
    /// - Throws: ``InputPathError`` `invalid flake input path element '…'`.
    public init(parsing s: String) throws(InputPathError) {
        var comps: [String] = []
        for piece in s.split(separator: "/") {
            let p = String(piece)
            guard Syntax.isFlakeID(p) else { throw InputPathError(element: p) }
            comps.append(p)
        }
        components = comps
    }

    public var isEmpty: Bool { components.isEmpty }
    public var count: Int { components.count }

    /// The path with `name` appended.
    public func appending(_ name: String) -> InputPath { InputPath(components + [name]) }

    /// True if `self` starts with `prefix`.
    public func hasPrefix(_ prefix: InputPath) -> Bool {
        prefix.count <= count && zip(prefix.components, components).allSatisfy { $0.bytesEqual($1) }
    }

    /// Components joined with `/` (`printInputPath`).
    public var description: String { components.joined(separator: "/") }

    /// Component-wise ordering (`std::vector<std::string>` comparison): `a/b` < `a-c` < `b`.
    public static func < (a: InputPath, b: InputPath) -> Bool {
        for (x, y) in zip(a.components, b.components) where !x.bytesEqual(y) {
            return x.byteWiseLess(than: y)
        }
        return a.count < b.count
    }

    public static func == (a: InputPath, b: InputPath) -> Bool {
        a.count == b.count && zip(a.components, b.components).allSatisfy { $0.bytesEqual($1) }
    }

    public func hash(into h: inout Hasher) {
        h.combine(count)
        for c in components { for b in c.utf8 { h.combine(b) } }
    }

    /// The JSON array form used in lock files.
    public var json: JSONValue { .array(components.map { .string($0) }) }
}

/// A non-empty ``InputPath`` (an input's own path, as opposed to a follows target, which may
/// be empty to mean the root flake).
public struct NonEmptyInputPath: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let path: InputPath

    /// Fails for an empty path.
    public init?(_ path: InputPath) {
        guard !path.isEmpty else { return nil }
        self.path = path
    }

    /// Parses and validates `a/b`.
    /// - Throws: ``InputPathError`` for an invalid element or an empty path.
    public init(parsing s: String) throws(InputPathError) {
        let p = try InputPath(parsing: s)
        guard !p.isEmpty else { throw InputPathError(element: s, isEmptyPath: true) }
        path = p
    }

    /// The last component (the input's name).
    public var name: String { path.components[path.components.count - 1] }
    /// The path of the node that declares this input.
    public var parent: InputPath { InputPath(Array(path.components.dropLast())) }

    public var description: String { path.description }
    public static func < (a: NonEmptyInputPath, b: NonEmptyInputPath) -> Bool { a.path < b.path }
}

/// An invalid input path typed by a user.
public struct InputPathError: UserFacingError, Equatable {
    public var element: String
    public var isEmptyPath = false

    public init(element: String, isEmptyPath: Bool = false) {
        self.element = element
        self.isEmptyPath = isEmptyPath
    }

    public var description: String {
        isEmptyPath ? "input path '\(element)' is empty" : "invalid flake input path element '\(element)'"
    }
}
