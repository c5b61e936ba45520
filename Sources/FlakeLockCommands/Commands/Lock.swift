import ArgumentParser
import FlakeLockCore
import FlakeModel

extension FlakeLockCommand {
    /// `flakelock lock [FLAKE]`, like `nix flake lock`.
    struct Lock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create missing lock file entries, like 'nix flake lock'.",
            discussion: """
                Inputs already in flake.lock stay as they are unless their declaration in \
                flake.nix changed. flake.lock is written only when its content changes, and \
                atomically.
                """)

        @Argument(help: "The flake: a directory or a flake reference (default: the current directory).")
        var flake: String?

        @OptionGroup var lock: LockOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            // `nix flake lock` removes this flag: a lock that is not written is `metadata`.
            if lock.noWriteLockFile { throw UsageError(message: "unrecognised flag '--no-write-lock-file'") }
            let ctx = try await CommandContext.make(compat: global.compat, lock: lock)
            var flags = try ctx.lockFlags(lock)
            // Like `nix flake lock`: write even with --override-input.
            flags.writeLockFile = !lock.noWriteLockFile
            if ctx.profile.deprecatesUpdateInputFlag {
                if !lock.updateInputs.isEmpty {
                    ctx.reporter.warning("'--update-input' is a deprecated alias for 'flake update' and will be removed in a future version.")
                }
                if lock.recreateLockFile {
                    ctx.reporter.warning("'--recreate-lock-file' is deprecated and will be removed in a future version; use 'nix flake update' instead.")
                }
                flags.failOnUnlocked = true
            }
            try await LockRunner.run(ctx, flake: flake, flags: flags)
        }
    }

    /// `flakelock update [INPUT…] [--flake FLAKE]`, like `nix flake update`.
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Update flake inputs, like 'nix flake update'.",
            discussion: "With no INPUT, every input is re-resolved; otherwise only the named ones (nested: a/b).")

        @Argument(help: "Input paths to update (e.g. nixpkgs, dwarffs/nixpkgs). Default: all.")
        var inputs: [String] = []

        @Option(name: .customLong("flake"), help: "The flake to update (default: the current directory).")
        var flake: String?

        @Flag(name: .customLong("dry-run"), help: "Show what would change (old → new revision, dates, compare links); write nothing.")
        var dryRun = false

        @Option(help: "With --dry-run: text, markdown (a pull-request body) or json.")
        var format: ReportFormat = .text

        @OptionGroup var lock: LockOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            // `nix flake update` removes these flags (use `--dry-run` to see without writing).
            for (given, flag) in [
                (lock.recreateLockFile, "--recreate-lock-file"), (!lock.updateInputs.isEmpty, "--update-input"),
                (lock.noUpdateLockFile, "--no-update-lock-file"), (lock.noWriteLockFile, "--no-write-lock-file"),
            ] where given {
                throw UsageError(message: "unrecognised flag '\(flag)'")
            }
            let ctx = try await CommandContext.make(compat: global.compat, lock: lock)
            var flags = try ctx.lockFlags(lock)
            flags.writeLockFile = true
            var seen: Set<InputPath> = []
            for text in inputs {
                let parsed = try? InputPath(parsing: text)
                let invalid = "Invalid flake input '\(text)'. To update a specific flake, use 'nix flake update --flake \(text)' instead."
                if let parsed, parsed.isEmpty, ctx.profile.rejectsEmptyUpdatePath {
                    // Nix ≥2.34 (NixOS/nix#14846); 2.31 takes it as a path that matches no input.
                    ctx.reporter.warning(invalid)
                    throw UsageError(
                        message: "input path to be updated cannot be zero-length; it would refer to the flake itself, not an input")
                }
                guard let path = parsed else {
                    ctx.reporter.warning(invalid)
                    continue
                }
                if !seen.insert(path).inserted {
                    ctx.reporter.warning("Input '\(text)' was specified multiple times. You may have done this by accident.")
                    continue
                }
                flags.inputUpdates.insert(path)
                flags.inputUpdateArguments.append((path, text))
            }
            if inputs.isEmpty { flags.recreateLockFile = true }
            if dryRun {
                flags.writeLockFile = false
                flags.dryRun = true
                let ref = try ctx.parseFlakeArgument(flake)
                let session = FlakeLockSession(profile: ctx.profile, fetcher: ctx.fetcher, reporter: ctx.reporter, probe: ctx.probe)
                let result = try await session.lock(ref, flags: flags)
                let old = try LockFile.parse(Array(result.oldLockText.utf8), path: "flake.lock", profile: ctx.profile)
                let new = try LockFile.parse(Array(result.lockText.utf8), path: "flake.lock", profile: ctx.profile)
                let report = LockChangeReport(old: old, new: new, profile: ctx.profile)
                switch format {
                case .text: Diagnostics.writeStdout(report.text())
                case .markdown: Diagnostics.writeStdout(report.markdown())
                case .json: Diagnostics.writeStdout(report.json().prettyText + "\n")
                }
                return
            }
            try await LockRunner.run(ctx, flake: flake, flags: flags)
        }
    }
}

/// Runs a lock operation and maps its failures to Nix's exit statuses.
enum LockRunner {
    static func run(_ ctx: CommandContext, flake: String?, flags: LockFlags) async throws {
        let ref = try ctx.parseFlakeArgument(flake)
        let session = FlakeLockSession(profile: ctx.profile, fetcher: ctx.fetcher, reporter: ctx.reporter, probe: ctx.probe)
        let result = try await session.lock(ref, flags: flags)
        guard result.written, let path = result.lockFilePath, flags.outputLockFilePath == nil else { return }
        if case .git = ref.input.spec {
            try LockFileCommitter.intentToAdd(path: path, forceIgnored: !ctx.profile.lockNodesHaveParent)
            if flags.commitLockFile,
                let rev = try LockFileCommitter.commit(
                    path: path, created: result.created, diff: result.diff, summary: ctx.settings.commitLockFileSummary)
            {
                ctx.reporter.warning("committed new revision '\(rev)'")
            }
        }
    }
}
