import ArgumentParser
import FlakeLockCore
import FlakeModel

extension FlakeLockCommand {
    /// `flakelock why INPUT [FLAKE] [--json]`
    struct Why: AsyncParsableCommand, HasGlobalOptions {
        static let configuration = CommandConfiguration(
            abstract: "Show every path from the root of flake.lock to an input.",
            discussion: """
                INPUT is an input path (home-manager/nixpkgs, resolved through follows), a node \
                key of flake.lock (nixpkgs_2), a repository (github:NixOS/nixpkgs) or a \
                repository name (nixpkgs). Each route shows the follows edges it takes, e.g. \
                root → home-manager → nixpkgs (follows 'nixpkgs'). Other nodes locking the \
                same repository are listed after the matched one.
                """)

        @Argument(
            help: "An input path, node key, repository reference or repository name.", completion: InputCompletion.kind)
        var input: String

        @Argument(help: "The flake directory, or a flake.lock file (default: the current directory).")
        var flake: String?

        @Flag(help: "Print the answer as JSON.")
        var json = false

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let profile = global.compat.profile
            let lock = try LocalLockFile.locate(flake).read(profile: profile)
            let why = try InputProvenance(query: input, lock: lock, profile: profile)
            if json { Diagnostics.writeJSON(why.json(), pretty: true) } else { Diagnostics.writeStdout(why.text()) }
        }
    }
}
