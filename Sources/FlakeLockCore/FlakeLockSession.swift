import Fetchers
import FlakeLockBasics
import FlakeModel
import Foundation
import Logging
import NixCompat
import NixSyntax

/// The public facade of the locker: lock a flake as Nix would (docs/nix-behaviour.md, "Locking
/// a flake").
///
/// ```swift
/// let session = FlakeLockSession(profile: .nix, fetcher: fetcher, reporter: reporter, probe: probe)
/// let result = try await session.lock(topRef, flags: LockFlags())
/// ```
public struct FlakeLockSession: Sendable {
    public let profile: CompatProfile
    public let fetcher: SourceFetcher
    public let reporter: any LockReporter
    public let probe: (any FileSystemProbe & Sendable)?
    /// Where the locker tells each decision (`.info`: keeping or locking an input); by
    /// default nowhere.
    public let logger: Logger

    public init(
        profile: CompatProfile, fetcher: SourceFetcher, reporter: any LockReporter,
        probe: (any FileSystemProbe & Sendable)?,
        logger: Logger = Logger(label: "flakelock", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.profile = profile
        self.fetcher = fetcher
        self.reporter = reporter
        self.probe = probe
        self.logger = logger
    }

    /// What a lock operation produced.
    public struct Result: Sendable {
        /// The top-level flake as fetched (for metadata).
        public var top: SourceFetcher.FetchResult
        public var description: String?
        /// The new lock file, as JSON text (what was or would be written).
        public var lockText: String
        /// The old lock file in the same canonical form (empty graph when there was none).
        public var oldLockText: String
        /// Whether the new lock differs from the old one.
        public var changed: Bool
        /// Whether it was written.
        public var written: Bool
        /// Whether the lock file did not exist before it was written.
        public var created: Bool = false
        /// The diff text (docs/nix-behaviour.md, "Diff text") from the old lock to the new one.
        public var diff: String
        /// Where the lock file is (or would be).
        public var lockFilePath: String?
    }

    /// Locks the flake `topRef`.
    public func lock(_ topRef: FlakeRef, flags: LockFlags) async throws -> Result {
        let loader = FlakeLoader(fetcher: fetcher, profile: profile, probe: probe)
        let topURL = (try? topRef.toURLString(profile: profile)) ?? topRef.description
        let top = try await loader.load(topRef, registryScope: flags.useRegistries ? .all : nil, lockRootPath: [])

        if flags.applyNixConfig, let setting = top.file.nixConfig.first(where: { $0.name == "flake-registry" }) {
            // Applied without asking, like Nix (docs/nix-behaviour.md, "nixConfig"); other
            // settings need trust.
            switch setting.value {
            case .string(let s): await fetcher.useGlobalRegistry(s)
            case .path(let p):
                let dir = top.flakeDirectory ?? ""
                await fetcher.useGlobalRegistry(p.hasPrefix("/") ? p : PathSyntax.canonicalize(dir + "/" + p))
            default: break
            }
        }
        if flags.referenceLockFilePath != nil, !fetcher.settings.allowDirty {
            // src/libflake/flake.cc, lockFlake (the check came with the flag, Nix 2.18): a
            // reference lock file is refused when dirty trees are.
            throw ErrorWithContext(
                LockError.message("reference lock file was provided, but the `allow-dirty` setting is set to false"),
                context:
                    "while updating the lock file of flake '\((try? top.lockedRef.toURLString(profile: profile)) ?? topURL)'"
            )
        }
        if flags.applyWholeNixConfig {
            warnAboutUntrustedSettings(top.file.nixConfig, accepted: flags.acceptFlakeConfig)
        }
        let lockPath = top.flakeDirectory.map { $0 + "/flake.lock" }
        if flags.writeLockFile, let path = flags.outputLockFilePath ?? lockPath {
            // A run killed between writing and renaming leaves its temporary file behind.
            for removed in AtomicFile.removeStaleTemporaries(for: path) {
                reporter.warning("removed '\(removed)', left behind by an earlier run")
            }
        }
        let oldLock: LockFile
        do {
            if let ref = flags.referenceLockFilePath {
                let data = FileManager.default.contents(atPath: ref).map(Array.init)
                oldLock = try data.map { try LockFile.parse($0, path: ref, profile: profile) } ?? LockFile()
            } else if let bytes = top.lockFileBytes {
                oldLock = try LockFile.parse(bytes, path: lockPath ?? "flake.lock", profile: profile)
            } else {
                oldLock = LockFile()
            }
        }
        for w in oldLock.warnings { reporter.warning(w) }

        let newRoot = LockNode()
        let graph = GraphPrefetcher(profile: profile, loader: loader, flags: flags)
        let resolver = LockResolver(
            profile: profile, loader: loader, fetcher: fetcher, flags: flags, reporter: reporter, logger: logger,
            graph: graph)
        do {
            try await graph.run {
                try await resolver.computeLocks(
                    top.sortedInputs, node: newRoot, prefix: [], oldNode: flags.recreateLockFile ? nil : oldLock.root,
                    followsPrefix: [], source: top.source, trustLock: false)
            }
        } catch {
            throw ErrorWithContext(
                error,
                context:
                    "while updating the lock file of flake '\((try? top.lockedRef.toURLString(profile: profile)) ?? topURL)'"
            )
        }
        var newLock = LockFile(root: newRoot)
        newLock.path = flags.outputLockFilePath ?? lockPath

        for (path, text) in flags.inputOverrideArguments where !resolver.overridesUsed.contains(path) {
            reporter.warning("the flag '--override-input \(path) \(text)' does not match any input")
        }
        for (path, _) in flags.inputUpdateArguments where !resolver.updatesUsed.contains(path) {
            if profile.updateTakesInputNames {
                reporter.warning("'\(path)' does not match any input of this flake")
            } else {
                reporter.warning("the flag '--update-input \(path)' does not match any input")
            }
        }
        try FollowsCheck.check(newLock, profile: profile)

        let changed = !newLock.isEquivalent(to: oldLock) || flags.outputLockFilePath != nil
        let diff = try LockFile.diff(from: oldLock, to: newLock, profile: profile)
        var result = Result(
            top: top.fetch, description: top.file.description, lockText: newLock.text, oldLockText: oldLock.text,
            changed: changed, written: false,
            diff: diff, lockFilePath: flags.outputLockFilePath ?? lockPath)
        guard changed else { return result }

        let trimmedDiff = diff.hasSuffix("\n") ? String(diff.dropLast()) : diff
        if !flags.writeLockFile {
            if flags.dryRun { return result }
            reporter.warning("not writing modified lock file of flake '\(topURL)':\n\(trimmedDiff)")
            return result
        }
        guard let target = result.lockFilePath, top.sourcePath != nil, isWritableTop(topRef) else {
            throw LockError.message(
                "cannot write modified lock file of flake '\(topURL)' (use '--no-write-lock-file' to ignore)")
        }
        if let unlocked = newLock.firstUnlockedInput(profile: profile), !flags.allowDirtyLocks {
            let url = (try? unlocked.toURLString(profile: profile)) ?? unlocked.description
            switch profile.lockedness {
            case .revOrNarHash:
                reporter.warning(
                    profile.mutableInputWarningNamesInput
                        ? "will not write lock file of flake '\(topURL)' because it has an unlocked input ('\(url)')"
                        : "will not write lock file of flake '\(topURL)' because it has a mutable input")
                return result
            case .perScheme:
                if flags.failOnUnlocked {
                    throw LockError.message(
                        "Not writing lock file of flake '\(topURL)' because it has an unlocked input ('\(url)'). Use '--allow-dirty-locks' to allow this anyway."
                    )
                }
                reporter.warning(
                    "not writing lock file of flake '\(topURL)' because it has an unlocked input ('\(url)')")
                return result
            }
        }
        if !flags.updateLockFile {
            throw LockError.message(
                "flake '\(topURL)' requires lock file changes but they're not allowed due to '--no-update-lock-file'")
        }

        let existed = FileManager.default.fileExists(atPath: target)
        let shown = Self.quotedLockFilePath(target, profile: profile)
        if existed {
            reporter.warning(
                trimmedDiff.isEmpty ? "updating lock file \(shown)" : "updating lock file \(shown):\n\(trimmedDiff)")
        } else {
            switch profile.creatingLockFileMessage {
            case .withoutDiff: reporter.warning("creating lock file \(shown)")
            case .withDiff: reporter.warning("creating lock file \(shown): \n\(trimmedDiff)")
            case .withDiffNoTrailingSpace: reporter.warning("creating lock file \(shown):\n\(trimmedDiff)")
            }
        }
        try AtomicFile.write(Array(result.lockText.utf8), to: target)
        result.written = true
        result.created = !existed
        return result
    }

    /// The `nixConfig` settings Nix applies without asking (`src/libflake/config.cc`).
    static let alwaysTrustedSettings: Set<String> = [
        "bash-prompt", "bash-prompt-prefix", "bash-prompt-suffix", "flake-registry", "commit-lock-file-summary",
        "commit-lockfile-summary",
    ]

    /// Without `accept-flake-config`, Nix ignores (and, with no terminal to ask on, warns
    /// about) every other setting; flakelock acts on none of them, so accepting them only
    /// silences the warning.
    func warnAboutUntrustedSettings(_ settings: [ConfigSetting], accepted: Bool) {
        guard !accepted else { return }
        for setting in settings {
            let base = setting.name.hasPrefix("extra-") ? String(setting.name.dropFirst("extra-".count)) : setting.name
            guard !Self.alwaysTrustedSettings.contains(base) else { continue }
            reporter.warning(
                profile.untrustedFlakeConfigNamesFlag
                    ? "ignoring untrusted flake configuration setting '\(setting.name)'.\nPass '--accept-flake-config' to trust it"
                    : "ignoring untrusted flake configuration setting '\(setting.name)'")
        }
    }

    /// The top-level flake read again, as Nix reads it after writing its lock file into it:
    /// the tree now holds the new flake.lock (a `path:` flake's `narHash` and store path
    /// change; a Git work tree may turn dirty).
    public func reread(_ topRef: FlakeRef, flags: LockFlags) async throws -> SourceFetcher.FetchResult {
        let scope: CompatProfile.RegistryScope? = flags.useRegistries ? .all : nil
        await fetcher.forget(topRef, registryScope: scope)
        let loader = FlakeLoader(fetcher: fetcher, profile: profile, probe: probe)
        return try await loader.load(topRef, registryScope: scope, lockRootPath: []).fetch
    }

    /// A lock file's path as the `creating`/`updating lock file` warnings quote it: in the
    /// profile's quote, with `"` and `\` escaped where Nix printed it with `std::quoted`.
    static func quotedLockFilePath(_ path: String, profile: CompatProfile) -> String {
        let q = profile.lockFilePathQuote
        guard profile.lockFilePathEscaped else { return "\(q)\(path)\(q)" }
        var body = ""
        for c in path {
            if c == "\"" || c == "\\" { body.append("\\") }
            body.append(c)
        }
        return "\(q)\(body)\(q)"
    }

    /// Only a local top-level flake can have its lock written: `path:`, or `git+file` or
    /// `hg+file` without `ref`/`rev` (docs/nix-behaviour.md, "Locking a flake", step 7).
    func isWritableTop(_ ref: FlakeRef) -> Bool {
        fetcher.schemes.scheme(for: ref.input)?.isWritableTop(ref.input) ?? false
    }
}

/// The check of step 6 of "Locking a flake" (docs/nix-behaviour.md): every non-empty follows
/// path names an existing input.
enum FollowsCheck {
    static func check(_ lock: LockFile, profile: CompatProfile) throws {
        let flat = lock.flattened()
        if profile.followsCheckResolvesFollows {
            for (path, edge) in flat {
                guard case .follows(let target) = edge, !target.isEmpty else { continue }
                if try lock.findInput(target) == nil {
                    throw LockError.message("input '\(path)' follows a non-existent input '\(target)'")
                }
            }
        } else {
            let known = Set(flat.map(\.path))
            for (path, edge) in flat {
                guard case .follows(let target) = edge, !target.isEmpty else { continue }
                if !known.contains(target) {
                    throw LockError.message("input '\(path)' follows a non-existent input '\(target)'")
                }
            }
        }
    }
}
