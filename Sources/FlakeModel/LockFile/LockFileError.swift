import FlakeLockBasics

/// An error reading or resolving a lock file.
///
/// ``message`` is Nix's message; `file` and `node` say where it happened, and
/// ``description`` adds them as a context line, so that every message names the file.
public struct LockFileError: UserFacingError, Equatable {
    public enum Kind: Sendable, Hashable {
        /// Not JSON, or the wrong JSON structure.
        case malformed
        /// `version` outside 5…7.
        case unsupportedVersion
        /// An `inputs` value names a key that `nodes` lacks.
        case missingNode
        /// An edge points back at the root node.
        case cycleToRoot
        /// Edges between non-root nodes forming a cycle (`a → b → a`).
        case cycle
        /// `locked` or `original` absent.
        case missingAttribute
        /// Attributes the scheme rejects or a value of an unsupported type.
        case invalidAttributes
        /// A `locked` input that is not locked (docs/nix-behaviour.md, "Locked inputs").
        case unlockedInput
        /// follows paths forming a cycle.
        case followCycle
    }

    public var kind: Kind
    public var message: String
    /// The lock file's path, when known.
    public var file: String?
    /// The key of the node being read, when the error belongs to one node.
    public var node: String?
    /// The attribute (of the node, or of the top-level object) being read: `locked`,
    /// `locked.rev`, `inputs.nixpkgs`, `version`.
    public var attribute: String?
    /// For a JSON syntax error: where in the file (1-based line and byte column).
    public var line: Int?
    public var column: Int?

    public init(
        _ kind: Kind, _ message: String, file: String? = nil, node: String? = nil, attribute: String? = nil,
        line: Int? = nil, column: Int? = nil
    ) {
        self.kind = kind
        self.message = message
        self.file = file
        self.node = node
        self.attribute = attribute
        self.line = line
        self.column = column
    }

    /// The message, followed by a context line naming the lock file, node and attribute,
    /// unless the message itself already says all that is known.
    public var description: String {
        guard let context = contextDescription else { return message }
        if node == nil, attribute == nil, let f = file, message.contains("'\(f)'"),
            line.map({ message.contains("line \($0), column") }) ?? true
        {
            return message
        }
        return "\(message)\n… \(context)"
    }

    /// `while reading attribute 'locked.rev' of node 'x' of lock file '/p/flake.lock'` (or
    /// the parts that are known; `at line L, column C` for a syntax error).
    public var contextDescription: String? {
        guard node != nil || file != nil || attribute != nil else { return nil }
        var parts: [String] = []
        if let attribute { parts.append("attribute '\(attribute)'") }
        if let node { parts.append(file == nil ? "lock file node '\(node)'" : "node '\(node)'") }
        if let file {
            var f = "lock file '\(file)'"
            if let line, let column { f += " at line \(line), column \(column)" }
            parts.append(f)
        }
        return "while reading " + parts.joined(separator: " of ")
    }

    /// The message followed by the context line, for logs and tests.
    public var detailedDescription: String {
        contextDescription.map { "\(message)\n… \($0)" } ?? message
    }
}
