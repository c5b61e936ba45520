internal import CLibCurl
internal import CLibGit2
import Fetchers
import FlakeLockBasics
import Foundation

/// Process-wide setup of the C libraries. Nothing here is configuration: each transport
/// carries its own settings (``CurlHTTPTransport``'s ``HTTPConfiguration``,
/// ``LibGit2Transport``'s ``GitSettings``) and initialises the library it needs on first use.
///
///     let settings = NativeTransportSettings.from(environment: ProcessInfo.processInfo.environment)
///     let http = CurlHTTPTransport(configuration: settings.http)
///     let git = LibGit2Transport(settings: settings.git)
public enum NativeTransport {
    nonisolated(unsafe) private static var curlReady = false
    nonisolated(unsafe) private static var gitReady = false
    private static let lock = NSLock()

    /// Initialises libcurl once (`curl_global_init`). Thread-safe; cheap after the first call.
    public static func ensureCurl() throws {
        lock.lock()
        defer { lock.unlock() }
        if curlReady { return }
        let c = flk_curl_global_init_default()
        guard c == CURLE_OK else {
            throw NativeTransportError.initialization("curl_global_init failed (\(c.rawValue))")
        }
        curlReady = true
    }

    /// Initialises libgit2 once and applies the options libgit2 keeps per process rather
    /// than per repository: the system config search path (`GIT_CONFIG_NOSYSTEM`) and the CA
    /// locations, from the `settings` of the first transport that uses it. A process runs one
    /// command with one set of settings, so the first transport's are everyone's.
    /// Thread-safe; cheap after the first call.
    public static func ensureGit(_ settings: GitSettings) throws {
        lock.lock()
        defer { lock.unlock() }
        if gitReady { return }
        let g = git_libgit2_init()
        guard g >= 0 else { throw NativeTransportError.initialization("git_libgit2_init failed (\(g))") }
        if settings.noSystemConfig {
            _ = flk_git_opts_set_search_path(Int32(GIT_CONFIG_LEVEL_SYSTEM.rawValue), "")
            _ = flk_git_opts_set_search_path(Int32(GIT_CONFIG_LEVEL_PROGRAMDATA.rawValue), "")
        }
        if let ca = settings.caFile {
            _ = flk_git_opts_set_ssl_cert_locations(ca, nil)
        } else if FileManager.default.fileExists(atPath: "/etc/ssl/certs/ca-certificates.crt") {
            _ = flk_git_opts_set_ssl_cert_locations("/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/certs")
        }
        gitReady = true
    }

    /// The libcurl version (`7.88.1`).
    public static var curlVersion: String { String(cString: flk_curl_version_string()) }

    /// Whether this libcurl fails HTTP/2 streams multiplexed inside a proxy's CONNECT tunnel:
    /// 7.87.0 to 7.88.1 (Debian 12's) now and then end one with `send: no filter connected`,
    /// fixed in 8.0.0 (curl commit 821f6e2; cargo and composer turn multiplexing off behind a
    /// proxy for these versions too). Transfers through a proxy then use HTTP/1.1.
    public static let proxyTunnelsBreakMultiplexing = multiplexingThroughProxiesIsBroken(curlVersion: curlVersion)

    static func multiplexingThroughProxiesIsBroken(curlVersion: String) -> Bool {
        let parts = curlVersion.split(separator: "-", maxSplits: 1)[0].split(separator: ".").compactMap { Int($0) }
        guard parts.count >= 2 else { return false }
        let version = (parts[0], parts[1])
        return version >= (7, 87) && version < (8, 0)
    }

    /// The libgit2 version (`1.5.1`).
    public static var libgit2Version: String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var rev: Int32 = 0
        git_libgit2_version(&major, &minor, &rev)
        return "\(major).\(minor).\(rev)"
    }
}

/// Initialisation failures.
public enum NativeTransportError: UserFacingError, Equatable {
    case initialization(String)
    public var description: String {
        switch self {
        case .initialization(let m): "cannot initialise the native transport: \(m)"
        }
    }
}

/// All transport settings, read from the environment at the edge (the CLI).
public struct NativeTransportSettings: Sendable {
    public var http: HTTPConfiguration
    public var git: GitSettings
    /// Where archive contents are spooled while a NAR is hashed (`$TMPDIR`, else `/tmp`).
    public var spoolDirectory: String

    public init(
        http: HTTPConfiguration = HTTPConfiguration(), git: GitSettings = GitSettings(), spoolDirectory: String = "/tmp"
    ) {
        self.http = http
        self.git = git
        self.spoolDirectory = spoolDirectory
    }

    /// Reads `NIX_SSL_CERT_FILE`/`SSL_CERT_FILE`/`CURL_CA_BUNDLE`, `GIT_SSL_CAINFO`,
    /// `http_proxy`/`https_proxy`/`HTTPS_PROXY`/`no_proxy`, `GIT_CONFIG_NOSYSTEM`,
    /// `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_<n>`/`GIT_CONFIG_VALUE_<n>`, `GIT_SSH_COMMAND` and `TMPDIR`.
    public static func from(environment env: [String: String]) -> NativeTransportSettings {
        let proxy = ProxySettings.from(environment: env)
        let ca = ["NIX_SSL_CERT_FILE", "SSL_CERT_FILE", "CURL_CA_BUNDLE"].lazy.compactMap { env[$0] }.first {
            !$0.isEmpty
        }
        var http = HTTPConfiguration()
        http.caFile = ca
        http.proxy = proxy
        var config: [GitConfigEntry] = []
        if let n = env["GIT_CONFIG_COUNT"].flatMap({ Int($0) }), n > 0 {
            for i in 0..<n {
                if let k = env["GIT_CONFIG_KEY_\(i)"] {
                    config.append(GitConfigEntry(key: k, value: env["GIT_CONFIG_VALUE_\(i)"] ?? ""))
                }
            }
        }
        let noSystem = env["GIT_CONFIG_NOSYSTEM"].map { ["1", "true", "yes", "on"].contains($0.lowercased()) } ?? false
        var cliEnv: [String: String] = [:]
        for (k, v) in env
        where k.hasPrefix("GIT_") || k == "HOME" || k == "PATH" || k.hasPrefix("XDG_") || k.hasSuffix("_proxy")
            || k.hasSuffix("_PROXY") || k == "SSH_AUTH_SOCK"
        {
            cliEnv[k] = v
        }
        let git = GitSettings(
            config: config, noSystemConfig: noSystem, sshCommand: env["GIT_SSH_COMMAND"], proxy: proxy,
            caFile: env["GIT_SSL_CAINFO"] ?? ca, cliEnvironment: cliEnv)
        let tmp = env["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return NativeTransportSettings(http: http, git: git, spoolDirectory: tmp)
    }
}

/// A flag set from a task-cancellation handler and polled by C callbacks on a blocking thread.
final class CancellationFlag: @unchecked Sendable {
    // @unchecked: `value` is guarded by `lock`.
    private let lock = NSLock()
    private var value = false
    func cancel() { lock.withLock { value = true } }
    var isCancelled: Bool { lock.withLock { value } }
}

/// Runs `body` on `executor`, setting the flag it receives when the calling task is cancelled.
func runCancellable<T: Sendable>(
    on executor: BlockingExecutor, _ body: @escaping @Sendable (CancellationFlag) throws -> T
) async throws -> T {
    let flag = CancellationFlag()
    return try await withTaskCancellationHandler {
        try await executor.run { try body(flag) }
    } onCancel: {
        flag.cancel()
    }
}
