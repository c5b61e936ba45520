import FlakeLockBasics
import FlakeLockCore
import FlakeModel
import Fetchers
import Foundation
import NativeTransport

/// Everything a command needs, built once from the environment, nix.conf and the options.
/// This is the only place that reads the process environment.
struct CommandContext {
    let profile: CompatProfile
    let environment: [String: String]
    let settings: NixSettings
    let fetchSettings: FetchSettings
    let fetcher: SourceFetcher
    let reporter: StderrReporter
    let probe: LocalFileSystemProbe
    let currentDirectory: String

    /// - Parameter cacheDirectory: use this fetch cache instead of `$XDG_CACHE_HOME/flakelock`
    ///   (`audit --verify` fetches everything again into a fresh one).
    static func make(
        compat: CompatOption, lock: LockOptions?, offline: Bool = false, cacheDirectory: String? = nil
    ) async throws -> CommandContext {
        let env = ProcessInfo.processInfo.environment
        let profile = compat.profile
        Diagnostics.style = profile.errorStyle
        let options = (lock?.options ?? []).map { ($0.first, $0.second) }
        let settings = try NixSettings.load(environment: env, options: options) { path in
            FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
        }
        let cacheBase = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? "/tmp") + "/.cache")
        var fetchSettings = FetchSettings(
            profile: profile, cacheDirectory: cacheDirectory ?? (cacheBase + "/flakelock"), accessTokens: settings.accessTokens,
            tarballTTL: 0, offline: offline || (lock?.offline ?? false), allowDirty: settings.allowDirty,
            warnDirty: settings.warnDirty)
        fetchSettings.realStoreDirectory = FetchSettings.realStoreDirectory(storeSetting: settings.values["store"])
        fetchSettings.githubAPI = try settings.githubAPI

        var transportSettings = NativeTransportSettings.from(environment: env)
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
        let http = CurlHTTPTransport(configuration: transportSettings.http)
        let transports = Transports(
            http: http, archives: LibArchiveHasher(http: http, maxConcurrentDownloads: max(1, min(parallel, 16))),
            git: makeGitTransport(transportSettings.git))

        let reporter = StderrReporter()
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
            profile: profile, environment: env, settings: settings, fetchSettings: fetchSettings, fetcher: fetcher,
            reporter: reporter, probe: LocalFileSystemProbe(aliases: aliases), currentDirectory: FileManager.default.currentDirectoryPath)
        for flake in lock?.inputsFrom ?? [] {
            await fetcher.addFlagRegistryEntries(try await ctx.registryEntries(inputsFrom: flake))
        }
        return ctx
    }

    /// User (`$XDG_CONFIG_HOME/nix/registry.json`), system (`$NIX_CONF_DIR/registry.json`)
    /// and global (the `flake-registry` setting: a path or a URL; empty disables it)
    /// registries, and the flag registry from `--override-flake`.
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
        let session = FlakeLockSession(profile: profile, fetcher: fetcher, reporter: reporter, probe: probe)
        let result = try await session.lock(ref, flags: flags)
        let lock = try LockFile.parse(Array(result.lockText.utf8), path: flake, profile: profile)
        var entries: [Registry.Entry] = []
        for (name, _) in lock.root.sortedInputs {
            guard let node = try lock.findInput(InputPath([name])), let locked = node.lock?.locked else { continue }
            let from = try Input.fromAttrs(["type": "indirect", "id": .string(name)], profile: profile)
            entries.append(Registry.Entry(from: from, to: FlakeRef(input: locked.input)))  // Nix passes the input, not the subdir
        }
        return entries
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

    /// Turns the options into Nix's lock flags.
    func lockFlags(_ o: LockOptions) throws -> LockFlags {
        var f = LockFlags()
        f.recreateLockFile = o.recreateLockFile
        f.updateLockFile = !o.noUpdateLockFile
        f.writeLockFile = !o.noWriteLockFile
        f.useRegistries = !o.noRegistries && settings.useRegistries
        f.commitLockFile = o.commitLockFile
        f.allowDirtyLocks = o.allowDirtyLocks
        f.referenceLockFilePath = o.referenceLockFile
        f.outputLockFilePath = o.outputLockFile
        f.topDirectory = currentDirectory
        for text in o.updateInputs {
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

/// Writes warnings to stderr as Nix does (`warning: …`).
struct StderrReporter: LockReporter, FetchReporter {
    func warning(_ message: String) {
        Diagnostics.warning(message)
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
