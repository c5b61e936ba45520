/// Splits `follows` strings into input names the way Nix's `parseInputAttrPath` does.
public enum FollowsPath {
    /// Splits on `/`, skipping empty components; each must match `[a-zA-Z][a-zA-Z0-9_-]*`.
    ///
    /// `""` gives `[]` (the root flake); `"a//b/"` gives `["a", "b"]`.
    /// - Throws: ``InvalidInputPathElement`` for a component that is not a flake id.
    public static func components(of follows: String) throws(InvalidInputPathElement) -> [String] {
        var result: [String] = []
        for element in follows.split(separator: "/", omittingEmptySubsequences: true) {
            guard isFlakeID(element) else { throw InvalidInputPathElement(element: String(element)) }
            result.append(String(element))
        }
        return result
    }

    /// Whether `name` matches Nix's flake-id regex `[a-zA-Z][a-zA-Z0-9_-]*`.
    public static func isFlakeID(_ name: Substring) -> Bool {
        guard let first = name.utf8.first, LexerPatterns.isLetter(first) else { return false }
        return name.utf8.allSatisfy {
            LexerPatterns.isLetter($0) || LexerPatterns.isDigit($0) || $0 == UInt8(ascii: "_")
                || $0 == UInt8(ascii: "-")
        }
    }
}

/// A `follows` path component that is not a valid input name.
public struct InvalidInputPathElement: Error, Sendable, Equatable, CustomStringConvertible {
    /// The offending component.
    public var element: String

    /// Nix 2.8's wording: `invalid flake input path element '…'`.
    public var description: String { "invalid flake input path element '\(element)'" }

    /// The wording of Nix ≥ 2.27: `invalid flake input attribute path element '…'`.
    public var currentNixDescription: String { "invalid flake input attribute path element '\(element)'" }
}
