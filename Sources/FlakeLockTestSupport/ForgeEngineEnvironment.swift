import Foundation

/// A fresh, isolated environment for one engine (`nix` or `flakelock`) running against a
/// ``FakeForge`` and a ``ForgeUniverse``: its own `HOME`, XDG directories, Nix store and
/// configuration; the universe's registries (user via `XDG_CONFIG_HOME/nix/registry.json`,
/// system via `NIX_CONF_DIR/registry.json`, global via `flake-registry`); the proxy and CA;
/// Git without system configuration; `TZ=UTC`, `LC_ALL=C`.
public struct ForgeEngineEnvironment: Sendable {
    /// `ROOT/engines/NAME`.
    public let directory: String
    public let variables: [String: String]

    /// Creates `ROOT/engines/NAME` (replacing it) and the variables.
    /// - Parameter extraNixConfig: lines appended to `NIX_CONFIG`.
    public init(name: String, universe: ForgeUniverse, forge: FakeForge, extraNixConfig: String = "") throws {
        let fm = FileManager.default
        let d = "\(universe.root)/engines/\(name)"
        if fm.fileExists(atPath: d) {
            _ = try? ProcessRunner.run("/bin/chmod", ["-R", "u+rwx", d])
            try fm.removeItem(atPath: d)
        }
        for sub in ["home", "cache", "config/nix", "data", "state", "nixconf", "tmp"] {
            try fm.createDirectory(atPath: "\(d)/\(sub)", withIntermediateDirectories: true)
        }
        try fm.createSymbolicLink(
            atPath: "\(d)/config/nix/registry.json", withDestinationPath: universe.registryPath(.user))
        try fm.createSymbolicLink(
            atPath: "\(d)/nixconf/registry.json", withDestinationPath: universe.registryPath(.system))
        try "".write(toFile: "\(d)/nixconf/nix.conf", atomically: true, encoding: .utf8)
        directory = d
        var nixConfig = """
            experimental-features = nix-command flakes
            sandbox = false
            substituters =
            flake-registry = \(universe.registryPath(.global))
            store = \(d)/store
            tarball-ttl = 0
            connect-timeout = 5
            """
        if !extraNixConfig.isEmpty { nixConfig += "\n" + extraNixConfig }
        var v: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": "\(d)/home",
            "XDG_CACHE_HOME": "\(d)/cache", "XDG_CONFIG_HOME": "\(d)/config",
            "XDG_DATA_HOME": "\(d)/data", "XDG_STATE_HOME": "\(d)/state",
            "NIX_CONF_DIR": "\(d)/nixconf", "NIX_CONFIG": nixConfig, "NIX_PATH": "",
            "NIX_USER_CONF_FILES": "\(d)/nixconf/nix.conf",
            "TMPDIR": "\(d)/tmp",
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "protocol.file.allow", "GIT_CONFIG_VALUE_0": "always",
            "GIT_AUTHOR_NAME": "Flake Lock", "GIT_AUTHOR_EMAIL": "test@flakelock.invalid",
            "GIT_COMMITTER_NAME": "Flake Lock", "GIT_COMMITTER_EMAIL": "test@flakelock.invalid",
            "GIT_AUTHOR_DATE": "@1600000000 +0000", "GIT_COMMITTER_DATE": "@1600000000 +0000",
            "TZ": "UTC", "LC_ALL": "C", "TERM": "dumb", "NO_COLOR": "1",
        ]
        for (k, value) in forge.clientEnvironment { v[k] = value }
        variables = v
    }

    /// Empties the fetcher caches (`XDG_CACHE_HOME`), as before every step.
    public func clearCache() throws {
        let c = "\(directory)/cache"
        _ = try? ProcessRunner.run("/bin/chmod", ["-R", "u+rwx", c])
        try? FileManager.default.removeItem(atPath: c)
        try FileManager.default.createDirectory(atPath: c, withIntermediateDirectories: true)
    }
}
