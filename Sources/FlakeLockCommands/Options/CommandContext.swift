import Fetchers
import FlakeLockAPI
import FlakeLockBasics
import FlakeLockCore
import FlakeModel
import Foundation
import Logging

/// Everything a command needs, built once from the environment, nix.conf and the options
/// with the library's wiring steps (``FlakeLockWiring``). This is the only place that reads
/// the process environment.
struct CommandContext {
    let wiring: FlakeLockWiring
    let reporter: StderrReporter
    /// Connections opened and reused (`-vv` prints the totals at the end).
    var connections = ConnectionTally()
    /// Every request's timings (`--timings`).
    var timings: RequestTimings?

    var profile: CompatProfile { wiring.profile }
    var environment: [String: String] { wiring.environment }
    var settings: NixSettings { wiring.settings }
    var fetchSettings: FetchSettings { wiring.fetchSettings }
    var fetcher: SourceFetcher { wiring.fetcher }
    /// The log of decisions (`-v`) and requests (`-vv`).
    var logger: Logger { wiring.logger }
    var probe: LocalFileSystemProbe { wiring.probe }
    var currentDirectory: String { wiring.currentDirectory }

    /// - Parameter cacheDirectory: use this fetch cache instead of `$XDG_CACHE_HOME/flakelock`
    ///   (`audit --verify` fetches everything again into a fresh one).
    /// - Parameter timings: record every request's timings (`--timings`).
    static func make(
        global: GlobalOptions, lock: LockOptions?, offline: Bool = false, cacheDirectory: String? = nil,
        timings: Bool = false
    ) async throws -> CommandContext {
        let env = ProcessInfo.processInfo.environment
        let profile = global.compat.profile
        let settings = try loadSettings(env, global: global)
        let progress = ProgressLine.enabled(global: global, environment: env) ? ProgressLine() : nil
        let reporter = StderrReporter(progress: progress)
        FlakeLockWiring.warnUnknownSettings(settings, reporter: reporter)
        let fetchSettings = try FlakeLockWiring.fetchSettings(
            profile: profile, environment: env, settings: settings, cacheDirectory: cacheDirectory,
            offline: offline || (lock?.offline ?? false))
        let parallel = FlakeLockWiring.parallelism(lock?.maxConcurrentDownloads, settings)
        let logger = Logger(label: "flakelock")
        let connections = ConnectionTally()
        let recorder = timings ? RequestTimings() : nil
        let transports = try FlakeLockWiring.realTransports(
            FlakeLockWiring.transportSettings(environment: env, settings: settings), settings: settings,
            profile: profile,
            parallel: parallel, reporter: reporter
        ) {
            LoggingHTTPTransport(
                base: $0, logger: logger, progress: progress, tally: connections, timings: recorder)
        }
        let wiring = try await FlakeLockWiring.make(
            profile: profile, environment: env, settings: settings, fetchSettings: fetchSettings,
            transports: transports,
            parallel: parallel, logger: logger, reporter: reporter,
            currentDirectory: FileManager.default.currentDirectoryPath,
            registryOptions: FlakeLockWiring.RegistryOptions(
                overrideFlakes: (lock?.overrideFlakes ?? []).map { ($0.first, $0.second) },
                inputsFrom: lock?.inputsFrom ?? []))
        return CommandContext(wiring: wiring, reporter: reporter, connections: connections, timings: recorder)
    }

    /// nix.conf and friends, then `--option` and the setting flags.
    /// An invalid value of a setting flakelock reads is an error, worded as Nix's.
    static func loadSettings(_ env: [String: String], global: GlobalOptions) throws -> NixSettings {
        let settings = try FlakeLockWiring.loadSettings(env, options: global.settingPairs)
        if let message = FlakeLockWiring.invalidSettingMessage(settings) { throw UsageError(message: message) }
        return settings
    }

    /// A locking session on this context.
    func session() -> FlakeLockSession { wiring.session() }

    /// Parses the FLAKE argument (default `.`) as Nix parses installables: relative paths
    /// against the current directory, with the upward searches for `flake.nix` and `.git`.
    func parseFlakeArgument(_ arg: String?) throws -> FlakeRef {
        try wiring.parseFlakeArgument(arg)
    }

    /// Turns the options into Nix's lock flags; current Nix warns about its deprecated flags.
    func lockFlags(
        _ o: LockOptions, recreate: RecreateOptions? = nil, noUpdateLockFile: Bool = false,
        noWriteLockFile: Bool = false
    ) throws -> LockFlags {
        let recreate = recreate ?? RecreateOptions()
        if profile.deprecatesUpdateInputFlag {
            if recreate.recreateLockFile {
                reporter.warning(
                    "'--recreate-lock-file' is deprecated and will be removed in a future version; use 'flakelock update' instead."
                )
            }
            if o.noRegistries { reporter.warning("'--no-registries' is deprecated; use '--no-use-registries'") }
            for _ in recreate.updateInputs {
                reporter.warning(
                    "'--update-input' is a deprecated alias for 'flakelock update' and will be removed in a future version."
                )
            }
        }
        var options = FlakeLockOptions()
        options.recreateLockFile = recreate.recreateLockFile
        options.updateLockFile = !noUpdateLockFile
        options.writeLockFile = !noWriteLockFile
        options.useRegistries = !o.noRegistries
        options.commitLockFile = o.commitLockFile
        options.allowDirtyLocks = o.allowDirtyLocks
        options.referenceLockFile = o.referenceLockFile
        options.outputLockFile = o.outputLockFile
        options.updateInputs = recreate.updateInputs
        options.overrideInputs = o.overrideInputs.map { ($0.first, $0.second) }
        return try options.lockFlags(wiring) { path, flag in try Self.checkNonEmpty(path, flag: flag, profile: profile)
        }
    }

    /// Nix ≥2.34 refuses an empty input path, which would name the flake itself (NixOS/nix#14846).
    static func checkNonEmpty(_ path: InputPath, flag: String, profile: CompatProfile) throws {
        guard path.isEmpty, profile.rejectsEmptyUpdatePath else { return }
        throw UsageError(
            message: "\(flag) was passed a zero-length input path, which would refer to the flake itself, not an input")
    }
}

/// Writes warnings to stderr as Nix does (`warning: …`), above the progress line if any.
struct StderrReporter: LockReporter, FetchReporter {
    var progress: ProgressLine?

    func warning(_ message: String) {
        if let progress {
            progress.withLineErased { Diagnostics.warning(message) }
        } else {
            Diagnostics.warning(message)
        }
    }
}

extension CompatOption {
    var profile: CompatProfile {
        switch self {
        case .nix: .nix
        case .nix231: .nix231
        case .nix28: .nix28
        case .lix: .lix
        case .determinate: .determinate
        }
    }
}
