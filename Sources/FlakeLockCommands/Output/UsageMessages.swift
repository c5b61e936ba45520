import ArgumentParser

/// Rewrites swift-argument-parser's parse errors in the words Nix's own argument parser
/// uses (`src/libutil/args.cc`), so that `flakelock lock --x` reads like `nix flake lock --x`.
enum UsageMessages {
    /// Nix's wording for one of ArgumentParser's error messages; messages it has no
    /// counterpart for are kept, with a lower-case first letter as Nix writes them.
    static func nixWording(_ message: String) -> String {
        let firstLine =
            message.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? message
        if let flag = quoted(after: "Unknown option ", in: firstLine) {
            return "unrecognised flag '\(flag)'"
        }
        if let value = quoted(after: "Missing value for ", in: firstLine) {
            let flag = value.split(separator: " ").first.map(String.init) ?? value
            return "flag '\(flag)' requires 1 argument(s), but only 0 were given"
        }
        if let argument = quoted(after: "Unexpected argument ", in: firstLine) {
            return "unexpected argument '\(argument)'"
        }
        if firstLine.range(of: #"^[0-9]+ unexpected arguments: '"#, options: .regularExpression) != nil,
            let first = quoted(after: firstLine.prefix(while: { $0 != "'" }).description, in: firstLine)
        {
            return "unexpected argument '\(first)'"
        }
        if firstLine.hasPrefix("Missing expected argument ") {
            return "more arguments are required"
        }
        guard let head = message.first else { return message }
        return head.lowercased() + message.dropFirst()
    }

    /// The text between the first pair of single quotes right after `prefix`.
    private static func quoted(after prefix: String, in line: String) -> String? {
        guard line.hasPrefix(prefix + "'") else { return nil }
        let rest = line.dropFirst(prefix.count + 1)
        guard let end = rest.firstIndex(of: "'") else { return nil }
        return String(rest[..<end])
    }
}
