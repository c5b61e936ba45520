import FlakeLockBasics
import FlakeLockCore
import FlakeModel
import Fetchers
import Foundation
import Logging
import NativeTransport
import NixCompat

/// Everything a command needs, built once from the environment, nix.conf and the options.
/// This is the only place that reads the process environment.
struct CommandContext {
    let profile: CompatProfile
    let environment: [String: String]
    let settings: NixSettings
    let fetchSettings: FetchSettings
    let fetcher: SourceFetcher
    /// The log of decisions (`-v`) and requests (`-vv`).
    let logger: Logger
    let reporter: StderrReporter
    let probe: LocalFileSystemProbe
    let currentDirectory: String

    /// - Parameter cacheDirectory: use this fetch cache instead of `$XDG_CACHE_HOME/flakelock`
    ///   (`audit --verify` fetches everything again into a fresh one).
    static func make(
        global: GlobalOptions, lock: LockOptions?, offline: Bool = false, cacheDirectory: String? = nil
    ) async throws -> CommandContext {
        let env = ProcessInfo.processInfo.environment
        let profile = global.compat.profile
        Diagnostics.style = profile.errorStyle
        let settings = try loadSettings(env, global: global)
        let progress = ProgressLine.enabled(global: global, environment: env) ? ProgressLine() : nil
        let reporter = StderrReporter(progress: progress)
        for name in settings.values.keys.sorted() where !NixSettingNames.isKnown(name) {
            reporter.warning("unknown setting '\(name)'")
        }
        let cacheBase = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? "/tmp") + "/.cache")
        var fetchSettings = FetchSettings(
            profile: profile, cacheDirectory: cacheDirectory ?? (cacheBase + "/flakelock"), accessTokens: settings.accessTokens,
            tarballTTL: 0, offline: offline || (lock?.offline ?? false), allowDirty: settings.allowDirty,
            warnDirty: settings.warnDirty)
        let stores = FetchSettings.storeDirectories(storeSetting: settings.values["store"], environment: env)
        fetchSettings.storeDirectory = stores.storeDirectory
        fetchSettings.realStoreDirectory = stores.realStoreDirectory
        fetchSettings.githubAPI = try settings.githubAPI

        var transportSettings = NativeTransportSettings.from(environment: env)
        if let caFile = settings.values["ssl-cert-file"], !caFile.isEmpty {
            // nix.conf's ssl-cert-file replaces the default taken from the environment.
            transportSettings.http.caFile = caFile
            transportSettings.git.caFile = env["GIT_SSL_CAINFO"] ?? caFile
        }
        if settings.connectTimeout > 0 { transportSettings.http.connectTimeout = settings.connectTimeout }
        transportSettings.http.stallTimeout = settings.stalledDownloadTimeout
        transportSettings.http.attempts = max(1, settings.downloadAttempts)
        if let netrc = settings.netrcFile, FileManager.default.fileExists(atPath: netrc) {
            transportSettings.http.netrcFile = netrc
        }
        try NativeTransport.initialize(transportSettings)
        let parallel = lock?.maxConcurrentDownloads ?? (settings.httpConnections > 0 ? settings.httpConnections : 25)
        // Each transfer blocks one thread while it waits on the network: give HTTP a pool as
        // wide as the number of transfers allowed at once (plus API calls beside downloads).
        transportSettings.http.executor = BlockingExecutor(threads: max(4, 2 * parallel))
        let logger = Logger(label: "flakelock")
        let withAttempts = profile.errorStyle == .current
        transportSettings.http.onRetry = { error, delay, attempt, attempts in
            // Nix's `src/libstore/filetransfer.cc`; 2.8 does not count the attempts.
            let ms = LoggingHTTPTransport.milliseconds(delay)
            reporter.warning("\(error); retrying in \(ms) ms" + (withAttempts ? " (attempt \(attempt)/\(attempts))" : ""))
        }
        let http = LoggingHTTPTransport(
            base: CurlHTTPTransport(configuration: transportSettings.http), logger: logger, progress: progress)
        let transports = Transports(
            http: http,
            archives: LibArchiveHasher(
                http: http, maxConcurrentDownloads: max(1, min(parallel, 16)), maxUnpackedSize: try settings.maxUnpackedSize()),
            git: makeGitTransport(transportSettings.git), upload: CurlUploader(configuration: transportSettings.http))
        fetchSettings.factCache = try factCacheSettings(settings)

        let registries = try await loadRegistries(
            env: env, settings: settings, profile: profile, http: http, lock: lock, reporter: reporter)
        let aliases = StorePathAliases()
        let fetcher = SourceFetcher(
            settings: fetchSettings, transports: transports, registries: registries, reporter: reporter,
            maxConcurrent: parallel, aliases: aliases)
        await fetcher.setGlobalRegistryFactory { [reporter] location in
            await registry(location, profile: profile, http: http, reporter: reporter)
        }
        let ctx = CommandContext(
            profile: profile, environment: env, settings: settings, fetchSettings: fetchSettings, fetcher: fetcher, logger: logger,
            reporter: reporter, probe: LocalFileSystemProbe(aliases: aliases), currentDirectory: FileManager.default.currentDirectoryPath)
        for flake in lock?.inputsFrom ?? [] {
            await fetcher.addFlagRegistryEntries(try await ctx.registryEntries(inputsFrom: flake))
        }
        return ctx
    }

    /// nix.conf and friends, then `--option` and the setting flags.
    /// An invalid value of a setting flakelock reads is an error, worded as Nix's.
    static func loadSettings(_ env: [String: String], global: GlobalOptions) throws -> NixSettings {
        let settings = try NixSettings.load(environment: env, options: global.settingPairs) { path in
            FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
        }
        for name in NixSettings.integerNames.sorted() where settings.values[name] != nil && settings.int(name) == nil {
            throw UsageError(message: "setting '\(name)' has invalid value '\(settings.values[name] ?? "")'")
        }
        for name in NixSettingNames.boolean.sorted() where settings.values[name] != nil && settings.bool(name) == nil {
            throw UsageError(message: "Boolean setting '\(name)' has invalid value '\(settings.values[name] ?? "")'")
        }
        return settings
    }

    /// User (`$XDG_CONFIG_HOME/nix/registry.json`), system (`$NIX_CONF_DIR/registry.json`)
    /// and global (the `flake-registry` setting: a path or a URL; empty disables it)
    /// registries, and the flag registry from `--override-flake`.
    /// The shared fact cache's settings (`fact-cache`, its keys), or nil when none is set.
    static func factCacheSettings(_ settings: NixSettings) throws -> FactCacheSettings? {
        guard let url = settings.factCache, !url.isEmpty else { return nil }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") || url.hasPrefix("file:///") else {
            throw MessageError("setting 'fact-cache' has invalid value '\(url)' (expected an http://, https:// or file:/// URL)")
        }
        var secret: NixSecretKey?
        if let file = settings.factCacheSecretKeyFile {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw MessageError("cannot read the fact cache secret key file '\(file)'")
            }
            do {
                secret = try NixSecretKey(text: String(decoding: data, as: UTF8.self))
            } catch {
                throw MessageError("in the fact cache secret key file '\(file)': \(error)")
            }
        }
        let keys = try settings.factCachePublicKeys.map { try NixPublicKey(text: $0) }
        return FactCacheSettings(url: url, secretKey: secret, publicKeys: keys + (secret.map { [$0.publicKey] } ?? []))
    }

    static func loadRegistries(
        env: [String: String], settings: NixSettings, profile: CompatProfile, http: any HTTPTransport,
        lock: LockOptions?, reporter: StderrReporter
    ) async throws -> Registries {
        let configHome = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? "/") + "/.config")
        var registries = Registries()
        registries.user = await registry(configHome + "/nix/registry.json", profile: profile, http: http, reporter: reporter)
        registries.system = await registry(
            (env["NIX_CONF_DIR"] ?? "/etc/nix") + "/registry.json", profile: profile, http: http, reporter: reporter)
        let global = settings.values["flake-registry"] ?? profile.globalRegistryDefault
        if global.hasPrefix("/") || global.hasPrefix("file://") {
            registries.global = await registry(global, profile: profile, http: http, reporter: reporter)
        } else if !global.isEmpty {
            // Downloaded only if an indirect reference needs it.
            registries.globalLoader = { await registry(global, profile: profile, http: http, reporter: reporter) }
        }
        for pair in lock?.overrideFlakes ?? [] {
            let from = try FlakeRef.parse(pair.first, profile: profile)
            let to = try FlakeRef.parse(
                pair.second, profile: profile,
                base: .directory(FileManager.default.currentDirectoryPath, probe: LocalFileSystemProbe()))
            registries.flag.entries.append(Registry.Entry(from: from.input, to: to))
        }
        return registries
    }

    /// `--inputs-from FLAKE`: every root input of FLAKE's (computed, unwritten) lock becomes a
    /// flag-registry entry `flake:<name>` → its locked reference, follows resolved.
    func registryEntries(inputsFrom flake: String) async throws -> [Registry.Entry] {
        let ref = try parseFlakeArgument(flake)
        var flags = LockFlags()
        flags.writeLockFile = false
        flags.dryRun = true
        let result = try await session().lock(ref, flags: flags)
        let lock = try LockFile.parse(Array(result.lockText.utf8), path: flake, profile: profile)
        var entries: [Registry.Entry] = []
        for (name, _) in lock.root.sortedInputs {
            guard let node = try lock.findInput(InputPath([name])), let locked = node.lock?.locked else { continue }
            let from = try Input.fromAttrs(["type": "indirect", "id": .string(name)], profile: profile)
            entries.append(Registry.Entry(from: from, to: FlakeRef(input: locked.input)))  // Nix passes the input, not the subdir
        }
        return entries
    }

    /// A locking session on this context.
    func session() -> FlakeLockSession {
        FlakeLockSession(profile: profile, fetcher: fetcher, reporter: reporter, probe: probe, logger: logger)
    }

    /// Reads a registry given as a path, a `file://` URL or a URL to download; a missing
    /// file is an empty registry.
    static func registry(
        _ location: String, profile: CompatProfile, http: any HTTPTransport, reporter: StderrReporter
    ) async -> Registry {
        var bytes: [UInt8]?
        if location.hasPrefix("/") || location.hasPrefix("file://") {
            let path = location.hasPrefix("file://") ? String(location.dropFirst("file://".count)) : location
            bytes = FileManager.default.contents(atPath: path).map(Array.init)
        } else {
            do {
                bytes = try await http.data(HTTPRequest(url: location)).1
            } catch {
                reporter.warning("cannot fetch flake registry '\(location)': \(error)")
            }
        }
        guard let bytes else { return Registry() }
        let (r, warning) = Registry.parse(bytes, path: location, profile: profile)
        if let warning { reporter.warning(warning) }
        return r
    }

    /// Parses the FLAKE argument (default `.`) as Nix parses installables: relative paths
    /// against the current directory, with the upward searches for `flake.nix` and `.git`.
    func parseFlakeArgument(_ arg: String?) throws -> FlakeRef {
        try FlakeRef.parse(arg ?? ".", profile: profile, base: .directory(currentDirectory, probe: probe))
    }

    /// Turns the options into Nix's lock flags; current Nix warns about its deprecated flags.
    func lockFlags(
        _ o: LockOptions, recreate: RecreateOptions? = nil, noUpdateLockFile: Bool = false, noWriteLockFile: Bool = false
    ) throws -> LockFlags {
        var f = LockFlags()
        let recreate = recreate ?? RecreateOptions()
        if profile.deprecatesUpdateInputFlag {
            if recreate.recreateLockFile {
                reporter.warning("'--recreate-lock-file' is deprecated and will be removed in a future version; use 'flakelock update' instead.")
            }
            if o.noRegistries { reporter.warning("'--no-registries' is deprecated; use '--no-use-registries'") }
            for _ in recreate.updateInputs {
                reporter.warning("'--update-input' is a deprecated alias for 'flakelock update' and will be removed in a future version.")
            }
        }
        f.recreateLockFile = recreate.recreateLockFile
        f.updateLockFile = !noUpdateLockFile
        f.writeLockFile = !noWriteLockFile
        f.useRegistries = !o.noRegistries && settings.useRegistries
        f.commitLockFile = o.commitLockFile
        f.acceptFlakeConfig = settings.acceptFlakeConfig
        f.allowDirtyLocks = o.allowDirtyLocks || (settings.bool("allow-dirty-locks") ?? false)
        f.referenceLockFilePath = o.referenceLockFile
        f.outputLockFilePath = o.outputLockFile
        f.topDirectory = currentDirectory
        for text in recreate.updateInputs {
            let path = try InputPath(parsing: text)
            try Self.checkNonEmpty(path, flag: "--update-input", profile: profile)
            f.inputUpdates.insert(path)
            f.inputUpdateArguments.append((path, text))
        }
        for pair in o.overrideInputs {
            let path = try InputPath(parsing: pair.first)
            try Self.checkNonEmpty(path, flag: "--override-input", profile: profile)
            let ref = try FlakeRef.parse(pair.second, profile: profile, base: .directory(currentDirectory, probe: probe))
            f.inputOverrides.append((path, ref))
            f.inputOverrideArguments.append((path, pair.second))
        }
        if !o.overrideInputs.isEmpty { f.writeLockFile = false }
        return f
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
        }
    }
}
