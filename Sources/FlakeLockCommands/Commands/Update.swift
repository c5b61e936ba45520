import ArgumentParser
import Fetchers
import FlakeLockAPI
import FlakeLockCore
import FlakeModel
import Foundation

extension FlakeLockCommand {
    /// `flakelock update [INPUT…] [--flake FLAKE]`, like `nix flake update`.
    struct Update: AsyncParsableCommand, HasGlobalOptions {
        static let configuration = CommandConfiguration(
            abstract: "Update flake inputs, like 'nix flake update'.",
            discussion: """
                With no INPUT, every input is re-resolved; otherwise only the named ones (nested: a/b).

                With --recursive, every flake under the --flake directory (default: the current \
                directory) is updated in one process, the same INPUTs in each (a flake without \
                one of them warns); --dry-run writes nothing and reports every flake's changes \
                in the --report format. See 'flakelock lock --help' and docs/recursive.md.
                """)

        @Argument(
            help: "Input paths to update (e.g. nixpkgs, dwarffs/nixpkgs). Default: all.",
            completion: InputCompletion.kind)
        var inputs: [String] = []

        @Option(name: .customLong("flake"), help: "The flake to update (default: the current directory).")
        var flake: String?

        @Flag(
            name: .customLong("dry-run"),
            help: "Show what would change (old → new revision, dates, compare links); write nothing.")
        var dryRun = false

        @OptionGroup(title: "With --dry-run") var output: ReportOptions

        @OptionGroup var lock: LockOptions
        @OptionGroup var recreate: RecreateOptions
        @OptionGroup(title: "Many flakes") var recursive: RecursiveOptions
        @OptionGroup var timings: TimingsOption
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            try recursive.check(flake: flake, lock: lock)
            if recursive.recursive, output.json || output.format != .text {
                throw ValidationError("with --recursive, the report's format is set with --report")
            }
        }

        func run() async throws {
            // Nix 2.8's `flake update` has no --recreate-lock-file and --update-input; current
            // Nix keeps them, deprecated (`src/nix/flake.cc`).
            if !global.compat.profile.deprecatesUpdateInputFlag {
                for (given, flag) in [
                    (recreate.recreateLockFile, "--recreate-lock-file"),
                    (!recreate.updateInputs.isEmpty, "--update-input"),
                ]
                where given {
                    throw UsageError(message: "unrecognised flag '\(flag)'")
                }
            }
            let paths = try Self.inputPaths(inputs, profile: global.compat.profile)
            let ctx = try await CommandContext.make(global: global, lock: lock, timings: timings.file != nil)
            var flags = try ctx.lockFlags(lock, recreate: recreate)
            flags.setUpdateCommand(paths.map(\.0), dryRun: dryRun)
            if recursive.recursive {
                try await LockRunner.measured(ctx, timings: timings.file) {
                    try await RecursiveRunner.run(ctx, directory: flake, options: recursive, flags: flags)
                }
                return
            }
            if dryRun {
                let ref = try ctx.parseFlakeArgument(flake)
                let result = try await LockRunner.measured(ctx, timings: timings.file) {
                    try await ctx.session().lock(ref, flags: flags)
                }
                let old = try LockFile.parse(Array(result.oldLockText.utf8), path: "flake.lock", profile: ctx.profile)
                let new = try LockFile.parse(Array(result.lockText.utf8), path: "flake.lock", profile: ctx.profile)
                let report = LockChangeReport(old: old, new: new, profile: ctx.profile)
                output.write(report)
                return
            }
            try await LockRunner.run(ctx, flake: flake, flags: flags, timings: timings.file)
        }
    }
}

extension FlakeLockCommand.Update {
    /// Parses the INPUT arguments as current Nix does (`src/nix/flake.cc`): an invalid or
    /// empty path warns that a flake is given with `--flake`, then fails as a usage error;
    /// a path given twice warns.
    static func inputPaths(_ inputs: [String], profile: CompatProfile) throws -> [(InputPath, String)] {
        var seen: Set<InputPath> = []
        var out: [(InputPath, String)] = []
        for text in inputs {
            let path: InputPath
            do {
                path = try InputPath(parsing: text)
                // Nix ≥2.34 (NixOS/nix#14846); 2.31 takes "" as a path that matches no input.
                if path.isEmpty, profile.rejectsEmptyUpdatePath {
                    throw UsageError(
                        message:
                            "input path to be updated cannot be zero-length; it would refer to the flake itself, not an input"
                    )
                }
            } catch {
                Diagnostics.warning(
                    "Invalid flake input '\(text)'. To update a specific flake, use 'flakelock update --flake \(text)' instead."
                )
                if let usage = error as? UsageError { throw usage }
                throw UsageError(
                    message:
                        "invalid flake input attribute path element '\((error as? InputPathError)?.element ?? text)'")
            }
            if !seen.insert(path).inserted {
                Diagnostics.warning("Input '\(path)' was specified multiple times. You may have done this by accident.")
                continue
            }
            out.append((path, text))
        }
        return out
    }
}
