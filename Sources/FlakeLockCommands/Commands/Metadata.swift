import ArgumentParser
import FlakeLockBasics
import FlakeLockCore
import FlakeModel
import Foundation

extension FlakeLockCommand {
    /// `flakelock metadata [FLAKE] [--json]`, like `nix flake metadata`.
    struct Metadata: AsyncParsableCommand, HasGlobalOptions {
        static let configuration = CommandConfiguration(
            abstract: "Show the flake's metadata and its locked inputs, like 'nix flake metadata'.",
            discussion: """
                Like Nix, this locks the flake first (writing flake.lock if it changed, unless \
                --no-write-lock-file), then prints the resolved, locked and original references \
                and the tree of inputs.
                """)

        @Argument(help: "The flake (default: the current directory).")
        var flake: String?

        @Flag(help: "Print the metadata as JSON.")
        var json = false

        @OptionGroup var lock: LockOptions
        @OptionGroup var recreate: RecreateOptions
        @OptionGroup var noUpdate: NoUpdateLockFileOption
        @OptionGroup var noWrite: NoWriteLockFileOption
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let ctx = try await CommandContext.make(global: global, lock: lock)
            let flags = try ctx.lockFlags(
                lock, recreate: recreate, noUpdateLockFile: noUpdate.noUpdateLockFile,
                noWriteLockFile: noWrite.noWriteLockFile)
            let ref = try ctx.parseFlakeArgument(flake)
            let session = ctx.session()
            let result = try await session.lock(ref, flags: flags)
            let lockFile = try LockFile.parse(
                Array(result.lockText.utf8), path: result.lockFilePath ?? "flake.lock", profile: ctx.profile)
            // (after writing a lock file, the session has read the top-level flake again)
            let top = result.top
            let locked = top.locked
            var lastModifiedText: String?
            if let lm = locked.input.common.lastModified { lastModifiedText = Self.localTime(Int64(lm)) }
            let dirty = locked.input.attrs.string("dirtyRev")
            let meta = FlakeMetadata(
                original: top.original, resolved: top.resolved, locked: locked, description: result.description,
                path: top.source.storePath.description, lastModifiedText: lastModifiedText,
                fingerprint: FlakeFingerprint.compute(
                    locked: locked, resolved: top.resolved, lockFile: lockFile, profile: ctx.profile,
                    inputFingerprint: top.source.fingerprint),
                dirtyRevision: dirty, lockFile: lockFile)
            if json {
                let value = try MetadataRenderer.json(
                    meta, profile: ctx.profile, finalInLocked: ctx.profile.dropsFinalAttribute)
                Diagnostics.writeJSON(value, pretty: false)
            } else {
                Diagnostics.writeStdout(try MetadataRenderer.text(meta, profile: ctx.profile))
            }
        }

        /// `%Y-%m-%d %H:%M:%S` in the local time zone (`TZ`), as Nix prints `Last modified`.
        static func localTime(_ seconds: Int64) -> String {
            var t = time_t(seconds)
            var tm = tm()
            localtime_r(&t, &tm)
            var buf = [CChar](repeating: 0, count: 64)
            let n = strftime(&buf, buf.count, "%Y-%m-%d %H:%M:%S", &tm)
            return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
