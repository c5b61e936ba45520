import ArgumentParser
import FlakeModel
import Foundation

/// Options every subcommand accepts.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "Behave like this Nix version: nix (current Nix, 2.35; the default), nix-2.31, nix-2.8, or lix.")
    var compat: CompatOption = .nix

    /// Makes `path` absolute against the current directory (no symlink resolution); an
    /// absolute path is returned as given.
    static func absolutePath(_ path: String) -> String {
        path.hasPrefix("/") ? path : PathSyntax.absolute(path, base: FileManager.default.currentDirectoryPath)
    }
}

/// The `--compat` profiles.
enum CompatOption: String, ExpressibleByArgument, CaseIterable {
    case nix
    case nix231 = "nix-2.31"
    case nix28 = "nix-2.8"
    case lix
}
