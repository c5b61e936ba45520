package import Fetchers
import FlakeLockBasics
package import FlakeLockCore
package import FlakeModel
import Foundation
package import Logging
package import NativeTransport
import NixCompat

/// Everything a lock operation needs, built from an environment, nix.conf and the options:
/// the profile, Nix's settings, the fetcher with its registries and transports. The command
/// line (`CommandContext`) and ``FlakeLocker`` both build one with these steps; only they
/// read the environment.
package struct FlakeLockWiring: Sendable {
    package let profile: CompatProfile
    package let environment: [String: String]
    package let settings: NixSettings
    package let fetchSettings: FetchSettings
    package let fetcher: SourceFetcher
    /// The log of decisions (`-v`) and requests (`-vv`).
    package let logger: Logger
    package let reporter: any LockReporter & FetchReporter
    package let probe: LocalFileSystemProbe
    package let currentDirectory: String

    /// nix.conf and friends (`NIX_CONFIG`, `NIX_CONF_DIR`, `XDG_CONFIG_*`), then `options`.
    package static func loadSettings(_ env: [String: String], options: [(String, String)]) throws -> NixSettings {
        try NixSettings.load(environment: env, options: options) { path in
            FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// Nix's message for the first invalid value of a setting flakelock reads, if any.
    package static func invalidSettingMessage(_ settings: NixSettings) -> String? {
        for name in NixSettings.integerNames.sorted() where settings.values[name] != nil && settings.int(name) == nil {
            return "setting '\(name)' has invalid value '\(settings.values[name] ?? "")'"
        }
        for name in NixSettingNames.boolean.sorted() where settings.values[name] != nil && settings.bool(name) == nil {
            return "Boolean setting '\(name)' has invalid value '\(settings.values[name] ?? "")'"
        }
        return nil
    }

    /// Warns about every setting Nix does not know, as Nix does.
    package static func warnUnknownSettings(_ settings: NixSettings, reporter: some FetchReporter) {
        for name in settings.values.keys.sorted() where !NixSettingNames.isKnown(name) {
            reporter.warning("unknown setting '\(name)'")
        }
    }

    /// The fetch settings (without the fact cache, see ``factCacheSettings(_:)``).
    /// - Parameter cacheDirectory: instead of `$XDG_CACHE_HOME/flakelock`.
    package static func fetchSettings(
        profile: CompatProfile, environment env: [String: String], settings: NixSettings, cacheDirectory: String?,
        offline: Bool
    ) throws -> FetchSettings {
        let cacheBase = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? "/tmp") + "/.cache")
        var fetchSettings = FetchSettings(
            profile: profile, cacheDirectory: cacheDirectory ?? (cacheBase + "/flakelock"),
            accessTokens: settings.accessTokens,
            tarballTTL: 0, offline: offline, allowDirty: settings.allowDirty, warnDirty: settings.warnDirty)
        let stores = FetchSettings.storeDirectories(storeSetting: settings.values["store"], environment: env)
        fetchSettings.storeDirectory = stores.storeDirectory
        fetchSettings.realStoreDirectory = stores.realStoreDirectory
        fetchSettings.githubAPI = try settings.githubAPI
        return fetchSettings
    }

    /// The native transports' settings from the environment and Nix's settings.
    package static func transportSettings(environment env: [String: String], settings: NixSettings)
        -> NativeTransportSettings
    {
        var transportSettings = NativeTransportSettings.from(environment: env)
        if let caFile = settings.values["ssl-cert-file"], !caFile.isEmpty {
            // nix.conf's ssl-cert-file replaces the default taken from the environment.
            transportSettings.http.caFile = caFile
            transportSettings.git.caFile = env["GIT_SSL_CAINFO"] ?? caFile
        }
        if settings.connectTimeout > 0 { transportSettings.http.connectTimeout = settings.connectTimeout }
        transportSettings.http.stallTimeout = settings.stalledDownloadTimeout
        transportSettings.http.attempts = max(1, settings.downloadAttempts)
        transportSettings.http.http2 = settings.http2
        if let netrc = settings.netrcFile, FileManager.default.fileExists(atPath: netrc) {
            transportSettings.http.netrcFile = netrc
        }
        return transportSettings
    }

    /// `--max-concurrent-downloads`, else the `http-connections` setting, else 25.
    package static func parallelism(_ maxConcurrentDownloads: Int?, _ settings: NixSettings) -> Int {
        maxConcurrentDownloads ?? (settings.httpConnections > 0 ? settings.httpConnections : 25)
    }

    /// The real transports: libcurl, libarchive and libgit2. Retries are reported as Nix
    /// reports them; `wrapHTTP` may decorate the HTTP transport (logging, progress).
    package static func realTransports(
        _ transportSettings: NativeTransportSettings, settings: NixSettings, profile: CompatProfile, parallel: Int,
        reporter: some FetchReporter, wrapHTTP: (any HTTPTransport) -> any HTTPTransport = { $0 }
    ) throws -> Transports {
        var transportSettings = transportSettings
        // Each transfer blocks one thread while it waits on the network: give HTTP a pool as
        // wide as the number of transfers allowed at once (plus API calls beside downloads).
        transportSettings.http.executor = BlockingExecutor(threads: max(4, 2 * parallel))
        // `parallel` inputs are fetched at once, and a GitHub input asks for its ref and the
        // archive of that ref at the same time: let the connection ramp grow to two
        // connections per input towards one peer (every request goes to the proxy, when there
        // is one), so that a level of inputs is not cut into waves of round trips.
        transportSettings.http.maxConnectionsPerPeer = max(
            transportSettings.http.initialConnectionsPerPeer, 2 * parallel)
        let withAttempts = profile.errorStyle == .current
        transportSettings.http.onRetry = { error, delay, attempt, attempts in
            // Nix's `src/libstore/filetransfer.cc`; 2.8 does not count the attempts.
            let ms = delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000
            reporter.warning(
                "\(error); retrying in \(ms) ms" + (withAttempts ? " (attempt \(attempt)/\(attempts))" : ""))
        }
        let http = wrapHTTP(CurlHTTPTransport(configuration: transportSettings.http))
        return Transports(
            http: http,
            archives: LibArchiveHasher(
                http: http, maxConcurrentDownloads: max(1, parallel),
                spoolDirectory: transportSettings.spoolDirectory,
                maxUnpackedSize: try settings.maxUnpackedSize()),
            git: LibGit2Transport(settings: transportSettings.git),
            upload: CurlUploader(configuration: transportSettings.http))
    }

    /// The shared fact cache's settings (`fact-cache`, its keys), or nil when none is set.
    package static func factCacheSettings(_ settings: NixSettings) throws -> FactCacheSettings? {
        guard let url = settings.factCache, !url.isEmpty else { return nil }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") || url.hasPrefix("file:///") else {
            throw MessageError(
                "setting 'fact-cache' has invalid value '\(url)' (expected an http://, https:// or file:/// URL)")
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

    /// The registry and `--override-flake`/`--inputs-from` options of a wiring.
    package struct RegistryOptions: Sendable {
        package var overrideFlakes: [(String, String)] = []
        package var inputsFrom: [String] = []
        package init(overrideFlakes: [(String, String)] = [], inputsFrom: [String] = []) {
            self.overrideFlakes = overrideFlakes
            self.inputsFrom = inputsFrom
        }
    }

    /// Wires the fetcher on `transports` (the real ones, or fakes in tests): the fact cache,
    /// the registries, then the `--inputs-from` entries.
    package static func make(
        profile: CompatProfile, environment: [String: String], settings: NixSettings, fetchSettings: FetchSettings,
        transports: Transports, parallel: Int, logger: Logger, reporter: any LockReporter & FetchReporter,
        currentDirectory: String, registryOptions: RegistryOptions
    ) async throws -> FlakeLockWiring {
        var fetchSettings = fetchSettings
        fetchSettings.factCache = try factCacheSettings(settings)
        let http = transports.http
        let registries = try await loadRegistries(
            env: environment, settings: settings, profile: profile, http: http,
            overrideFlakes: registryOptions.overrideFlakes,
            currentDirectory: currentDirectory, reporter: reporter)
        let aliases = StorePathAliases()
        let fetcher = SourceFetcher(
            settings: fetchSettings, transports: transports, registries: registries, reporter: reporter,
            schemes: .standard,
            maxConcurrent: parallel, aliases: aliases)
        await fetcher.setGlobalRegistryFactory { location, reporter in
            await registry(location, profile: profile, http: http, reporter: reporter)
        }
        let wiring = FlakeLockWiring(
            profile: profile, environment: environment, settings: settings, fetchSettings: fetchSettings,
            fetcher: fetcher,
            logger: logger, reporter: reporter, probe: LocalFileSystemProbe(aliases: aliases),
            currentDirectory: currentDirectory)
        for flake in registryOptions.inputsFrom {
            await fetcher.addFlagRegistryEntries(try await wiring.registryEntries(inputsFrom: flake))
        }
        return wiring
    }
}
