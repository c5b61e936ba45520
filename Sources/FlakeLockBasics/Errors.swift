/// An error that can be shown to a user as one message (without the `error: ` prefix).
public protocol UserFacingError: Error, CustomStringConvertible {
    /// The process exit status this error should cause (Nix uses 1, and 102 for hash mismatches).
    var exitStatus: Int32 { get }
}

extension UserFacingError {
    public var exitStatus: Int32 { 1 }
}

/// Wraps an error with a line of context ("while fetching input 'nixpkgs'") without
/// rewriting its message. Contexts print after the message, innermost first, like Nix's
/// `--show-trace` lines.
public struct ErrorWithContext: UserFacingError {
    public var underlying: any Error
    public var contexts: [String]

    public init(_ underlying: any Error, context: String) {
        if let inner = underlying as? ErrorWithContext {
            self.underlying = inner.underlying
            self.contexts = inner.contexts + [context]
        } else {
            self.underlying = underlying
            self.contexts = [context]
        }
    }

    public var exitStatus: Int32 { (underlying as? any UserFacingError)?.exitStatus ?? 1 }
    public var message: String { String(describing: underlying) }
    public var description: String { message }
}

/// A plain message error, for the rare place where no typed error fits.
public struct MessageError: UserFacingError {
    public var message: String
    public var exitStatus: Int32
    public init(_ message: String, exitStatus: Int32 = 1) {
        self.message = message
        self.exitStatus = exitStatus
    }
    public var description: String { message }
}

/// Runs `body`, wrapping any error it throws with `context`.
public func withContext<T>(_ context: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch { throw ErrorWithContext(error, context: context()) }
}

/// Async variant of ``withContext(_:_:)``.
public func withContext<T>(
    _ context: @autoclosure () -> String, _ body: () async throws -> T
) async throws -> T {
    do { return try await body() } catch { throw ErrorWithContext(error, context: context()) }
}
