package import Fetchers
import FlakeLockBasics
package import FlakeLockCore
package import FlakeModel
import Foundation
package import Logging

/// Locks and updates flakes as `flakelock lock` and `flakelock update` do, writing
/// flake.lock byte-identical to Nix.
///
/// ```swift
/// let locker = FlakeLocker()
/// let outcome = try await locker.update("/src/my-flake", inputs: ["nixpkgs"])
/// print(outcome.changes.markdown())
/// ```
///
/// Each call works like one run of the command line: it reads the configuration's
/// environment (nix.conf, registries) afresh and starts from the persistent fetch cache, so
/// a locker can be kept and reused, and calls may run concurrently.
public struct FlakeLocker: Sendable {
    private let configuration: FlakeLockConfiguration
    /// Injected transports; nil for the real ones.
    private let transports: Transports?

    /// A locker on the real transports: libcurl for HTTP(S), libarchive for tarballs,
    /// libgit2 for Git.
    public init(configuration: FlakeLockConfiguration = FlakeLockConfiguration()) {
        self.configuration = configuration
        transports = nil
    }

    /// A locker on the given transports (tests inject fakes).
    package init(configuration: FlakeLockConfiguration, transports: Transports) {
        self.configuration = configuration
        self.transports = transports
    }

    /// The state of one operation: settings, registries, a fetcher, as the command line
    /// builds them (without its progress line and log).
    package func makeWiring() async throws -> FlakeLockWiring {
        let c = configuration
        let profile = c.compatibility.profile
        let reporter = WarningReporter(c.onWarning)
        let settings = try FlakeLockWiring.loadSettings(
            c.environment, options: c.nixOptions.map { ($0.name, $0.value) })
        if let message = FlakeLockWiring.invalidSettingMessage(settings) { throw MessageError(message) }
        FlakeLockWiring.warnUnknownSettings(settings, reporter: reporter)
        let fetchSettings = try FlakeLockWiring.fetchSettings(
            profile: profile, environment: c.environment, settings: settings, cacheDirectory: c.cacheDirectory,
            offline: c.offline)
        let parallel = FlakeLockWiring.parallelism(c.maxConcurrentDownloads, settings)
        let transports =
            try self.transports
            ?? FlakeLockWiring.realTransports(
                FlakeLockWiring.transportSettings(environment: c.environment, settings: settings), settings: settings,
                profile: profile, parallel: parallel, reporter: reporter)
        return try await FlakeLockWiring.make(
            profile: profile, environment: c.environment, settings: settings, fetchSettings: fetchSettings,
            transports: transports, parallel: parallel,
            logger: Logger(label: "flakelock", factory: { _ in SwiftLogNoOpLogHandler() }), reporter: reporter,
            currentDirectory: c.currentDirectory,
            registryOptions: FlakeLockWiring.RegistryOptions(
                overrideFlakes: c.overrideFlakes.map { ($0.from, $0.to) }, inputsFrom: c.inputsFrom))
    }

    /// Fetches a flake, reads its flake.nix and resolves its inputs without writing
    /// anything (like `nix flake metadata --no-write-lock-file`).
    /// - Parameter flake: a directory or a flake reference (`github:owner/repo`).
    public func loadFlake(_ flake: String = ".") async throws -> Flake {
        let wiring = try await makeWiring()
        var flags = try FlakeLockOptions().lockFlags(wiring, checkPath: Self.checkPath(wiring))
        flags.writeLockFile = false
        flags.dryRun = true
        let result = try await wiring.session().lock(try wiring.parseFlakeArgument(flake), flags: flags)
        let locked = result.top.locked
        return Flake(
            url: (try? locked.toURLString(profile: wiring.profile)) ?? locked.description,
            originalURL: (try? result.top.original.toURLString(profile: wiring.profile))
                ?? result.top.original.description,
            description: result.description, storePath: result.top.source.storePath.description,
            narHash: result.top.source.narHash.sri, lastModified: locked.input.common.lastModified,
            revision: locked.input.common.rev?.hex,
            lockFile: try FlakeLockFile(
                text: result.lockText, path: result.lockFilePath ?? "flake.lock", profile: wiring.profile))
    }

    /// Creates missing lock file entries, like `flakelock lock`: inputs already locked stay
    /// as they are unless their declaration changed.
    public func lock(_ flake: String = ".", options: FlakeLockOptions = FlakeLockOptions()) async throws -> LockOutcome
    {
        let wiring = try await makeWiring()
        var flags = try options.lockFlags(wiring, checkPath: Self.checkPath(wiring))
        flags.setLockCommand(profile: wiring.profile)
        return try await Self.outcome(wiring, flake, flags: flags)
    }

    /// Updates inputs, like `flakelock update`: the named input paths (`nixpkgs`, `a/b`), or
    /// every input when `inputs` is empty. With `options.writeLockFile` false nothing is
    /// written (`update --dry-run`).
    public func update(
        _ flake: String = ".", inputs: [String] = [], options: FlakeLockOptions = FlakeLockOptions()
    ) async throws -> LockOutcome {
        let wiring = try await makeWiring()
        let check = Self.checkPath(wiring)
        var flags = try options.lockFlags(wiring, checkPath: check)
        var paths: [InputPath] = []
        for text in inputs {
            guard let path = try? InputPath(parsing: text) else { throw FlakeLockAPIError.invalidInputPath(text) }
            try check(path, "update")
            paths.append(path)
        }
        flags.setUpdateCommand(paths, dryRun: !options.writeLockFile)
        return try await Self.outcome(wiring, flake, flags: flags)
    }

    /// Refuses an empty input path where the profile's Nix does.
    static func checkPath(_ wiring: FlakeLockWiring) -> (InputPath, String) throws -> Void {
        { path, _ in
            if path.isEmpty, wiring.profile.rejectsEmptyUpdatePath { throw FlakeLockAPIError.invalidInputPath("") }
        }
    }

    private static func outcome(_ wiring: FlakeLockWiring, _ flake: String, flags: LockFlags) async throws
        -> LockOutcome
    {
        let result = try await wiring.session().lock(try wiring.parseFlakeArgument(flake), flags: flags)
        let path = result.lockFilePath ?? "flake.lock"
        return LockOutcome(
            lockFile: try FlakeLockFile(text: result.lockText, path: path, profile: wiring.profile),
            previousLockFile: try FlakeLockFile(text: result.oldLockText, path: path, profile: wiring.profile),
            changed: result.changed, written: result.written, created: result.created,
            lockFilePath: result.lockFilePath,
            nixDiff: result.diff, commit: result.commit)
    }
}

/// A flake as loaded by ``FlakeLocker/loadFlake(_:)``.
public struct Flake: Sendable {
    /// The locked reference (`git+file:///src/x?rev=…`, `path:/nix/store/…?narHash=…`).
    public let url: String
    /// The reference as given.
    public let originalURL: String
    /// `description` from flake.nix.
    public let description: String?
    /// The store path of its source tree (computed; nothing is written to a store).
    public let storePath: String
    /// The NAR hash of its source tree (SRI).
    public let narHash: String
    /// When its source last changed (seconds since the epoch), if known.
    public let lastModified: UInt64?
    /// The Git revision, for Git and forge flakes.
    public let revision: String?
    /// Its lock file as resolved now (what `lock` would write).
    public let lockFile: FlakeLockFile

    /// The names of the flake's direct inputs, sorted.
    public var inputNames: [String] { lockFile.rootInputNames }
}

/// What a lock or update did.
public struct LockOutcome: Sendable {
    /// The new lock file (written, or what would be written).
    public let lockFile: FlakeLockFile
    /// The lock file before (empty when there was none).
    public let previousLockFile: FlakeLockFile
    /// Whether the new lock differs from the old one.
    public let changed: Bool
    /// Whether flake.lock (or the output lock file) was written.
    public let written: Bool
    /// Whether the lock file did not exist before it was written.
    public let created: Bool
    /// Where the lock file is, or would be.
    public let lockFilePath: String?
    /// Nix's own summary of the changes (`• Updated input 'nixpkgs': …`).
    public let nixDiff: String
    /// The commit made with ``FlakeLockOptions/commitLockFile``.
    public let commit: String?

    /// The changes per input path, with revisions, dates and compare links.
    public var changes: LockDiff { previousLockFile.diff(to: lockFile) }
}

/// Errors of the library's own checks (everything else throws the errors the command line
/// prints).
public enum FlakeLockAPIError: Error, CustomStringConvertible, Equatable {
    /// An input path that names no input (empty, or `a//b`).
    case invalidInputPath(String)
    /// An audit check name that does not exist.
    case unknownAuditCheck(String)
    /// A lock file that does not exist or cannot be read.
    case cannotRead(String)

    public var description: String {
        switch self {
        case .invalidInputPath(let p): "invalid flake input path '\(p)'"
        case .unknownAuditCheck(let c): "unknown audit check '\(c)'"
        case .cannotRead(let p): "cannot read lock file '\(p)'"
        }
    }
}
