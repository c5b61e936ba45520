import FlakeLockBasics

// The settings of the Git and HTTP transports. They belong to this module: nothing above it
// reads them, and `NativeTransportSettings.from(environment:)` builds them from the values
// `CommandContext` passes in.

/// Git configuration given explicitly (never read from the environment inside library code).
public struct GitSettings: Sendable, Hashable {
    /// `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_<n>`/`GIT_CONFIG_VALUE_<n>` pairs, in order
    /// (e.g. `protocol.file.allow=always`, `url.<base>.insteadOf=<prefix>`).
    public var config: [GitConfigEntry]
    /// `GIT_CONFIG_NOSYSTEM`: ignore `/etc/gitconfig`.
    public var noSystemConfig: Bool
    /// `GIT_SSH_COMMAND` for `ssh://` fetches (run through the git CLI).
    public var sshCommand: String?
    /// The `git` executable used for `ssh://` (and as a fallback).
    public var gitExecutable: String
    /// Fetch every remote scheme through the git CLI instead of libgit2.
    public var useCLIForRemotes: Bool
    /// Proxies for `http(s)://` remotes (libgit2 does not read `http_proxy` itself).
    public var proxy: ProxySettings
    /// CA bundle for `https://` remotes (`GIT_SSL_CAINFO`, `NIX_SSL_CERT_FILE`, …).
    public var caFile: String?
    /// Extra environment for git CLI children (`GIT_PROXY_COMMAND`, `HOME`, …), as given.
    public var cliEnvironment: [String: String]

    public init(
        config: [GitConfigEntry] = [], noSystemConfig: Bool = false, sshCommand: String? = nil,
        gitExecutable: String = "git", useCLIForRemotes: Bool = false, proxy: ProxySettings = ProxySettings(),
        caFile: String? = nil, cliEnvironment: [String: String] = [:]
    ) {
        self.config = config
        self.noSystemConfig = noSystemConfig
        self.sshCommand = sshCommand
        self.gitExecutable = gitExecutable
        self.useCLIForRemotes = useCLIForRemotes
        self.proxy = proxy
        self.caFile = caFile
        self.cliEnvironment = cliEnvironment
    }

    /// The last value for `key` (section and variable names compared case-insensitively).
    public func value(_ key: String) -> String? {
        config.last { GitConfigEntry.sameKey($0.key, key) }?.value
    }
}

/// One `key=value` configuration pair.
public struct GitConfigEntry: Sendable, Hashable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Git keys are `section[.subsection].name`; section and name are case-insensitive,
    /// the subsection is not.
    static func sameKey(_ a: String, _ b: String) -> Bool {
        func split(_ k: String) -> (String, String, String) {
            guard let first = k.firstIndex(of: "."), let last = k.lastIndex(of: ".") else {
                return (k.lowercased(), "", "")
            }
            let sub = first == last ? "" : String(k[k.index(after: first)..<last])
            return (k[..<first].lowercased(), sub, k[k.index(after: last)...].lowercased())
        }
        return split(a) == split(b)
    }
}

/// HTTP(S) proxy settings, as read from `http_proxy`, `https_proxy`/`HTTPS_PROXY`,
/// `all_proxy`/`ALL_PROXY` (for both schemes) and `no_proxy`.
public struct ProxySettings: Sendable, Hashable {
    public var httpProxy: String?
    public var httpsProxy: String?
    /// Comma-separated host suffixes, or `*`.
    public var noProxy: String?

    public init(httpProxy: String? = nil, httpsProxy: String? = nil, noProxy: String? = nil) {
        self.httpProxy = httpProxy
        self.httpsProxy = httpsProxy
        self.noProxy = noProxy
    }

    /// Reads the conventional variables (lower case first, as curl does; `HTTPS_PROXY` too);
    /// `all_proxy` applies where no scheme-specific variable is set, as in curl.
    public static func from(environment env: [String: String]) -> ProxySettings {
        func v(_ names: String...) -> String? { names.lazy.compactMap { env[$0] }.first { !$0.isEmpty } }
        return ProxySettings(
            httpProxy: v("http_proxy", "all_proxy", "ALL_PROXY"),
            httpsProxy: v("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"), noProxy: v("no_proxy", "NO_PROXY"))
    }

    /// The proxy for `url`, or nil for a direct connection.
    public func proxy(for url: String) -> String? {
        let lower = url.lowercased()
        let p: String?
        if lower.hasPrefix("https://") {
            p = httpsProxy
        } else if lower.hasPrefix("http://") {
            p = httpProxy
        } else {
            return nil
        }
        guard let p else { return nil }
        if let host = URLParts(url)?.host, isExempt(host) { return nil }
        return p
    }

    func isExempt(_ host: String) -> Bool {
        guard let noProxy else { return false }
        for raw in noProxy.split(separator: ",") {
            let e = String(raw.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()).lowercased()
            if e == "*" { return true }
            let suffix = e.hasPrefix(".") ? String(e.dropFirst()) : e
            if suffix.isEmpty { continue }
            if host == suffix || host.hasSuffix("." + suffix) { return true }
        }
        return false
    }
}
