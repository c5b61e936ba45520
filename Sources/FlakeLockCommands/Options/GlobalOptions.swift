import ArgumentParser
import Foundation

/// Options every subcommand accepts.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "Behave like this Nix version: nix (current Nix, the default), nix-2.8, or lix.")
    var compat: CompatOption = .nix

    /// Makes `path` absolute against the current directory (no symlink resolution).
    static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let cwd = FileManager.default.currentDirectoryPath
        var joined = cwd.hasSuffix("/") ? cwd + path : cwd + "/" + path
        // Normalise `.` and `..` components as Nix's absPath/canonPath does.
        var parts: [Substring] = []
        for c in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(c)
        }
        joined = "/" + parts.joined(separator: "/")
        return joined
    }
}

/// The `--compat` profiles.
enum CompatOption: String, ExpressibleByArgument, CaseIterable {
    case nix
    case nix28 = "nix-2.8"
    case lix
}
