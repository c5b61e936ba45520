import FlakeLockBasics

/// An error from parsing, validating or rendering a flake reference or input attributes.
///
/// `description` is Nix's wording for the profile in use (docs/nix-behaviour.md, "Input
/// schemes", "Flake reference errors"); `kind` lets callers tell the cases apart without
/// matching text.
public struct FlakeRefError: UserFacingError, Equatable {
    /// The category of the error.
    public enum Kind: Sendable, Hashable {
        /// The string is not a URL, or a URL is malformed for its scheme (Nix's `BadURL`).
        case badURL
        /// No scheme accepts the URL (`input '…' is unsupported`).
        case unsupportedInput
        /// An attribute the scheme does not allow.
        case unsupportedAttribute
        /// An attribute with the wrong type or an invalid value.
        case invalidAttribute
        /// A required attribute is absent.
        case missingAttribute
        /// The input has no (known) type and cannot be rendered or fetched.
        case unsupportedType
        /// The path form could not be resolved (no `flake.nix`, not a directory, …).
        case path
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
