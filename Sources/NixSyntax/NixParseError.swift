import FlakeLockBasics

/// A syntax error in a Nix file, with the position Nix reports for it.
///
/// Prints as `file:line:column: error: message`; `message` uses Nix's wording, for example
/// `syntax error, unexpected '}', expecting ';'` or `attribute 'a.b' already defined at f:1:3`.
public struct NixParseError: UserFacingError, Equatable {
    /// The message, in Nix's wording, without position or `error:` prefix.
    public var message: String
    /// Where the error is; `start` is the reported position.
    public var span: SourceSpan

    /// Creates an error.
    public init(_ message: String, at span: SourceSpan) {
        self.message = message
        self.span = span
    }

    /// `file:line:column: error: message`.
    public var description: String { "\(span): error: \(message)" }
}
