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
    /// The first line of a `--commit-lock-file` commit message (`commit-lock-file-summary`;
    /// empty: Nix's "flake.lock: Update").
    public let commitLockFileSummary: String

    public init(
        profile: CompatProfile, fetcher: SourceFetcher, reporter: any LockReporter,
        probe: (any FileSystemProbe & Sendable)?,
        logger: Logger = Logger(label: "flakelock", factory: { _ in SwiftLogNoOpLogHandler() }),
        commitLockFileSummary: String = ""
    ) {
        self.commitLockFileSummary = commitLockFileSummary
        self.profile = profile
        self.fetcher = fetcher
        self.reporter = reporter
        self.probe = probe
        self.logger = logger
    }

    /// What a lock operation produced.
    public struct Result: Sendable {
        /// The top-level flake as fetched (for metadata); when a lock file was written into a
        /// local top-level flake, as fetched again after writing.
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
        /// The revision `--commit-lock-file` made, if it committed.
        public var commit: String?

        /// The diff without its final newline, as the messages quote it.
        var trimmedDiff: String { diff.hasSuffix("\n") ? String(diff.dropLast()) : diff }
    }

    /// Locks the flake `topRef`, in Nix's stages (src/libflake/flake.cc, `lockFlake`): load
    /// the top-level flake, read its old lock file, resolve the new one, decide whether and
    /// where it may be written, then write it and hand it to the flake's version control.
    public func lock(_ topRef: FlakeRef, flags: LockFlags) async throws -> Result {
        let loader = FlakeLoader(fetcher: fetcher, profile: profile, probe: probe)
        let top = try await loadTop(topRef, flags: flags, loader: loader)
        // Everything after loading the top-level flake carries Nix's trace `while updating the
        // lock file of flake '…'` (lockFlake's try block).
        var result: Result
        do {
            result = try await update(top, topRef: topRef, flags: flags, loader: loader)
        } catch {
            throw ErrorWithContext(error, context: top.updateContext)
        }
        if let rev = result.commit { reporter.warning("committed new revision '\(rev)'") }
        return result
    }

    /// The stages after loading: read the old lock, resolve, decide, write, commit, reread.
    private func update(_ top: Top, topRef: FlakeRef, flags: LockFlags, loader: FlakeLoader) async throws -> Result {
        let oldLock = try readOldLock(top, flags: flags)
        let newLock = try await resolve(top, oldLock: oldLock, flags: flags, loader: loader)
        var result = Result(
            top: top.loaded.fetch, description: top.loaded.file.description, lockText: newLock.text,
            oldLockText: oldLock.text, changed: !newLock.isEquivalent(to: oldLock) || flags.outputLockFilePath != nil,
            written: false, diff: try LockFile.diff(from: oldLock, to: newLock, profile: profile),
            lockFilePath: flags.outputLockFilePath ?? top.lockPath)
        guard case .write(let target) = try decideWrite(top, newLock: newLock, result: result, flags: flags) else {
            return result
        }
        if flags.outputLockFilePath != nil && flags.commitLockFile {
            // src/libflake/flake.cc, lockFlake: checked only when a lock file is to be written.
            throw MessageError("'--commit-lock-file' and '--output-lock-file' are incompatible")
        }
        try write(&result, to: target, announce: flags.outputLockFilePath == nil)
        let topScheme = fetcher.schemes.scheme(for: topRef.input)
        if flags.outputLockFilePath == nil {
            result.commit = try await LockFileCommitter.recordWrittenLockFile(
                path: target, versionControl: topScheme?.lockFileVersionControl(topRef.input),
                commit: flags.commitLockFile, created: result.created, diff: result.diff,
                summary: commitLockFileSummary, profile: profile)
        }
        // Nix reads the top-level flake again after writing its lock file (src/libflake/flake.cc,
        // lockFlake: "Rewriting the lockfile changed the top-level repo"): a Git work tree that
        // was clean is now dirty (the lock file is intended to be added), so the dirty warning
        // comes again, or with `allow-dirty = false` the error, after the lock was written.
        // Only a local tree can have changed; a remote top-level flake is not fetched again.
        if topScheme?.isWritableTop(topRef.input) == true {
            result.top = try await reread(topRef, flags: flags)
        }
        return result
    }

    /// The top-level flake as the stages after loading see it.
    struct Top {
        var ref: FlakeRef
        var loaded: LoadedFlake
        /// The reference as messages quote it (`path:/src/x`).
        var url: String
        /// `flake.lock` in the flake's directory, when it has one on disk.
        var lockPath: String? { loaded.flakeDirectory.map { $0 + "/flake.lock" } }
        /// What errors of the resolve stage are wrapped in (the locked reference's URL).
        var updateContext: String
    }

    /// Stage 1: fetches and reads the top-level flake and applies what its `nixConfig` and
    /// the flags ask before anything is resolved.
    func loadTop(_ topRef: FlakeRef, flags: LockFlags, loader: FlakeLoader) async throws -> Top {
        let loaded = try await loader.load(topRef, registryScope: flags.useRegistries ? .all : nil, lockRootPath: [])
        let url = (try? topRef.toURLString(profile: profile)) ?? topRef.description
        let top = Top(
            ref: topRef, loaded: loaded, url: url,
            updateContext:
                "while updating the lock file of flake '\((try? loaded.lockedRef.toURLString(profile: profile)) ?? url)'"
        )
        if flags.applyNixConfig, let setting = loaded.file.nixConfig.first(where: { $0.name == "flake-registry" }) {
            // Applied without asking, like Nix (docs/nix-behaviour.md, "nixConfig"); other
            // settings need trust.
            switch setting.value {
            case .string(let s): await fetcher.useGlobalRegistry(s)
            case .path(let p):
                let dir = loaded.flakeDirectory ?? ""
                await fetcher.useGlobalRegistry(p.hasPrefix("/") ? p : PathSyntax.canonicalize(dir + "/" + p))
            default: break
            }
        }
        if flags.referenceLockFilePath != nil, !fetcher.settings.allowDirty {
            // src/libflake/flake.cc, lockFlake (the check came with the flag, Nix 2.18): a
            // reference lock file is refused when dirty trees are.
            throw ErrorWithContext(
                LockError.referenceLockFileWithoutAllowDirty,
                context: top.updateContext)
        }
        if flags.applyWholeNixConfig {
            warnAboutUntrustedSettings(loaded.file.nixConfig, accepted: flags.acceptFlakeConfig)
        }
        if flags.writeLockFile, let path = flags.outputLockFilePath ?? top.lockPath {
            // A run killed between writing and renaming leaves its temporary file behind.
            for removed in AtomicFile.removeStaleTemporaries(for: path) {
                reporter.warning("removed '\(removed)', left behind by an earlier run")
            }
        }
        return top
    }

    /// Stage 2: the lock file the new one starts from: `--reference-lock-file`, the flake's
    /// own, or an empty one.
    func readOldLock(_ top: Top, flags: LockFlags) throws -> LockFile {
        let oldLock: LockFile
        if let ref = flags.referenceLockFilePath {
            let data = FileManager.default.contents(atPath: ref).map(Array.init)
            oldLock = try data.map { try LockFile.parse($0, path: ref, profile: profile) } ?? LockFile()
        } else if let bytes = top.loaded.lockFileBytes {
            oldLock = try LockFile.parse(bytes, path: top.lockPath ?? "flake.lock", profile: profile)
        } else {
            oldLock = LockFile()
        }
        for w in oldLock.warnings { reporter.warning(w) }
        return oldLock
    }

    /// Stage 3: the locking walk, then the checks of the whole new lock (flags that matched
    /// nothing, follows that lead nowhere).
    func resolve(_ top: Top, oldLock: LockFile, flags: LockFlags, loader: FlakeLoader) async throws -> LockFile {
        let newRoot = LockNode()
        let graph = GraphPrefetcher(profile: profile, loader: loader, flags: flags)
        let resolver = LockResolver(
            profile: profile, loader: loader, fetcher: fetcher, flags: flags, reporter: reporter, logger: logger,
            graph: graph)
        try await graph.run {
            try await resolver.computeLocks(
                top.loaded.sortedInputs, node: newRoot, prefix: [],
                oldNode: flags.recreateLockFile ? nil : oldLock.root, followsPrefix: [], source: top.loaded.source,
                trustLock: false)
        }
        var newLock = LockFile(root: newRoot)
        newLock.path = flags.outputLockFilePath ?? top.lockPath

        warnAboutUnusedFlags(flags, resolver: resolver)
        try FollowsCheck.check(newLock, profile: profile)
        return newLock
    }

    /// Nix's warnings about `--override-input` and `--update-input` paths that matched no
    /// input: in the order of its `std::map`/`std::set` of input paths (sorted, each path once,
    /// the last override of a path winning), the override's reference as `FlakeRef::to_string`
    /// renders it.
    private func warnAboutUnusedFlags(_ flags: LockFlags, resolver: LockResolver) {
        var overrides: [InputPath: FlakeRef] = [:]
        for (path, ref) in flags.inputOverrides { overrides[path] = ref }
        for (path, ref) in overrides.sorted(by: { $0.key < $1.key }) where !resolver.overridesUsed.contains(path) {
            let url = (try? ref.toURLString(profile: profile)) ?? ref.description
            reporter.warning("the flag '--override-input \(path) \(url)' does not match any input")
        }
        for path in flags.inputUpdates.sorted() where !resolver.updatesUsed.contains(path) {
            if profile.updateTakesInputNames {
                reporter.warning("'\(path)' does not match any input of this flake")
            } else {
                reporter.warning("the flag '--update-input \(path)' does not match any input")
            }
        }
    }

    /// What stage 4 decided.
    enum WriteDecision: Equatable {
        /// Nothing changed, or the change is not to be written (a warning may have said why).
        case keep
        /// Write the new lock file here.
        case write(String)
    }

    /// Stage 4: whether the changed lock may be written, and where; refusals are the errors
    /// and warnings Nix gives.
    func decideWrite(_ top: Top, newLock: LockFile, result: Result, flags: LockFlags) throws -> WriteDecision {
        guard result.changed else { return .keep }
        if !flags.writeLockFile {
            if !flags.dryRun {
                reporter.warning("not writing modified lock file of flake '\(top.url)':\n\(result.trimmedDiff)")
            }
            return .keep
        }
        guard let target = result.lockFilePath, top.loaded.sourcePath != nil, isWritableTop(top.ref) else {
            throw LockError.cannotWriteLockFile(flake: top.url)
        }
        if let unlocked = newLock.firstUnlockedInput(profile: profile), !flags.allowDirtyLocks {
            let url = (try? unlocked.toURLString(profile: profile)) ?? unlocked.description
            switch profile.lockedness {
            case .revOrNarHash:
                reporter.warning(
                    profile.mutableInputWarningNamesInput
                        ? "will not write lock file of flake '\(top.url)' because it has an unlocked input ('\(url)')"
                        : "will not write lock file of flake '\(top.url)' because it has a mutable input")
                return .keep
            case .perScheme:
                if flags.failOnUnlocked {
                    throw LockError.unlockedInputRefused(flake: top.url, input: url)
                }
                reporter.warning(
                    "not writing lock file of flake '\(top.url)' because it has an unlocked input ('\(url)')")
                return .keep
            }
        }
        if !flags.updateLockFile {
            throw LockError.lockChangesNotAllowed(flake: top.url)
        }
        return .write(target)
    }

    /// Stage 5: says what changes, as Nix does, and writes the lock file atomically.
    /// Writes the new lock file atomically. `announce`: the `creating`/`updating lock file`
    /// warning, which Nix gives for the flake's own lock file, not for `--output-lock-file`.
    func write(_ result: inout Result, to target: String, announce: Bool = true) throws {
        let existed = FileManager.default.fileExists(atPath: target)
        let shown = Self.quotedLockFilePath(target, profile: profile)
        let diff = result.trimmedDiff
        if announce && existed {
            reporter.warning(diff.isEmpty ? "updating lock file \(shown)" : "updating lock file \(shown):\n\(diff)")
        } else if announce {
            switch profile.creatingLockFileMessage {
            case .withoutDiff: reporter.warning("creating lock file \(shown)")
            case .withDiff: reporter.warning("creating lock file \(shown): \n\(diff)")
            case .withDiffNoTrailingSpace: reporter.warning("creating lock file \(shown):\n\(diff)")
            }
        }
        try AtomicFile.write(Array(result.lockText.utf8), to: target)
        result.written = true
        result.created = !existed
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
                    throw LockError.followsNonexistentInput(path, target: target)
                }
            }
        } else {
            let known = Set(flat.map(\.path))
            for (path, edge) in flat {
                guard case .follows(let target) = edge, !target.isEmpty else { continue }
                if !known.contains(target) {
                    throw LockError.followsNonexistentInput(path, target: target)
                }
            }
        }
    }
}
