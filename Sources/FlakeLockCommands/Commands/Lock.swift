import ArgumentParser
import Fetchers
import FlakeLockAPI
import FlakeLockCore
import FlakeModel
import Foundation

extension FlakeLockCommand {
    /// `flakelock lock [FLAKE]`, like `nix flake lock`.
    struct Lock: AsyncParsableCommand, HasGlobalOptions {
        static let configuration = CommandConfiguration(
            abstract: "Create missing lock file entries, like 'nix flake lock'.",
            discussion: """
                Inputs already in flake.lock stay as they are unless their declaration in \
                flake.nix changed. flake.lock is written only when its content changes, and \
                atomically.

                With --recursive, every flake under the directory (FLAKE, default: the current \
                directory) is locked in one process: in a Git work tree the tracked and \
                untracked-but-not-ignored flake.nix files, elsewhere every flake.nix outside \
                hidden directories. Each distinct input is resolved and downloaded once; flakes \
                used by another through a local path are locked first. The exit status is 1 if \
                any flake failed. See docs/recursive.md.
                """)

        @Argument(help: "The flake: a directory or a flake reference (default: the current directory).")
        var flake: String?

        @OptionGroup var lock: LockOptions
        @OptionGroup var recreate: RecreateOptions
        @OptionGroup var noUpdate: NoUpdateLockFileOption
        @OptionGroup(title: "Many flakes") var recursive: RecursiveOptions
        @OptionGroup var timings: TimingsOption
        @OptionGroup var global: GlobalOptions

        func validate() throws { try recursive.check(flake: flake, lock: lock) }

        func run() async throws {
            let ctx = try await CommandContext.make(global: global, lock: lock, timings: timings.file != nil)
            var flags = try ctx.lockFlags(lock, recreate: recreate, noUpdateLockFile: noUpdate.noUpdateLockFile)
            // Like `nix flake lock`: write even with --override-input.
            flags.setLockCommand(profile: ctx.profile)
            if recursive.recursive {
                try await LockRunner.measured(ctx, timings: timings.file) {
                    try await RecursiveRunner.run(ctx, directory: flake, options: recursive, flags: flags)
                }
                return
            }
            try await LockRunner.run(ctx, flake: flake, flags: flags, timings: timings.file)
        }
    }
}

/// Runs a lock operation (with Nix's follow-up on a Git or Mercurial flake).
enum LockRunner {
    static func run(_ ctx: CommandContext, flake: String?, flags: LockFlags, timings: String? = nil) async throws {
        let ref = try ctx.parseFlakeArgument(flake)
        _ = try await measured(ctx, timings: timings) {
            try await ctx.session().lock(ref, flags: flags)
        }
    }

    /// Runs `body`, then logs the connection totals (`-vv`) and, with `--timings`, writes
    /// the waterfall to `timings` and prints the wall time and the critical path, also when
    /// `body` failed.
    static func measured<T>(_ ctx: CommandContext, timings: String?, _ body: () async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        defer {
            ctx.logger.debug("\(ctx.connections.summary)")
            if let recorder = ctx.timings, let timings { report(recorder, wall: .now - start, file: timings) }
        }
        guard ctx.timings != nil else { return try await body() }
        return try await RequestTrace.$current.withValue(RequestTrace(label: "(walk)")) { try await body() }
    }

    private static func report(_ recorder: RequestTimings, wall: Duration, file: String) {
        var written: String? = file
        do {
            try Data(try recorder.html(wall: wall).utf8).write(to: URL(fileURLWithPath: file))
        } catch {
            written = nil
            Diagnostics.warning("cannot write the timings to '\(file)': \(error)")
        }
        for line in recorder.summary(wall: wall, file: written) { Diagnostics.writeStderr(line + "\n") }
    }
}
