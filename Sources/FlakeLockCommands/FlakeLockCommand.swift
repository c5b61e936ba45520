import ArgumentParser
import FlakeLockBasics
import Foundation

/// The `flakelock` root command.
public struct FlakeLockCommand: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "flakelock",
        abstract: "A fast, standalone resolver and updater for Nix flake lock files.",
        discussion: """
            flakelock reads flake.nix and flake.lock, resolves flake inputs through libgit2, \
            libcurl and libarchive, and writes flake.lock byte-identical to what Nix writes — \
            without Nix installed.
            """,
        version: version,
        subcommands: [Lock.self, Update.self, Metadata.self, Prefetch.self, Hash.self, Audit.self, Diff.self, Why.self]
    )

    public init() {}

    /// Runs the command line and exits with Nix's exit statuses: 0, 1 for errors, 102 for a
    /// NAR hash mismatch.
    public static func main() async {
        do {
            var command = try parseAsRoot(PairArgument.preprocess(Array(CommandLine.arguments.dropFirst())))
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let error as any UserFacingError {
            Diagnostics.printError(error)
            Foundation.exit(error.exitStatus)
        } catch {
            exit(withError: error)
        }
    }
}
