import FlakeLockBasics

/// An error reading or resolving a lock file.
///
/// `description` is Nix's message (docs/nix-behaviour.md, "The lock file"); `file` and `node`
/// say where it happened, and ``contextDescription`` renders them as a context line for
/// `--show-trace`-style output.
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

    public init(_ kind: Kind, _ message: String, file: String? = nil, node: String? = nil) {
        self.kind = kind
        self.message = message
        self.file = file
        self.node = node
    }

    public var description: String { message }

    /// `while reading node 'x' of lock file '/p/flake.lock'` (or the parts that are known).
    public var contextDescription: String? {
        switch (node, file) {
        case (let n?, let f?): "while reading node '\(n)' of lock file '\(f)'"
        case (let n?, nil): "while reading lock file node '\(n)'"
        case (nil, let f?): "while reading lock file '\(f)'"
        case (nil, nil): nil
        }
    }

    /// The message followed by the context line, for logs and tests.
    public var detailedDescription: String {
        contextDescription.map { "\(message)\n… \($0)" } ?? message
    }
}
