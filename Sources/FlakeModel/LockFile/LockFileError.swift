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
        /// A `locked` input that is not locked (spec §1.3).
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

    /// The message, followed by a context line naming the lock file and node when the
    /// message does not already name the file.
    public var description: String {
        guard let context = contextDescription else { return message }
        if node == nil, let f = file, message.contains("'\(f)'") { return message }
        return "\(message)\n… \(context)"
    }

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
