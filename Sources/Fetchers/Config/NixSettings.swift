import FlakeLockBasics

/// The Nix settings flakelock uses, read the way Nix reads them (docs/nix-behaviour.md,
/// "Fetchers"; Nix's `loadConfFile`): `$NIX_CONF_DIR/nix.conf` (default `/etc/nix`), then the
/// user files (`$NIX_USER_CONF_FILES`, or `nix/nix.conf` under `$XDG_CONFIG_HOME` and each of
/// `$XDG_CONFIG_DIRS`, the first having the highest precedence), then `$NIX_CONFIG`, then
/// `--option` pairs from the command line. Later values replace earlier ones; `extra-NAME`
/// appends to `NAME`; `include F` and `!include F` (no error if missing) read another file,
/// relative to the including file.
public struct NixSettings: Sendable, Equatable {
    /// Every setting seen, by name, after `extra-` merging. Unknown names are kept (Nix knows
    /// many settings flakelock has no use for) but nothing acts on them.
    public private(set) var values: [String: String] = [:]

    public init(values: [String: String] = [:]) {
        self.values = values
    }

    // MARK: Typed accessors, with Nix's defaults

    /// `access-tokens`: `host[/path]=token` pairs.
    public var accessTokens: [String: String] {
        var out: [String: String] = [:]
        for item in Self.words(values["access-tokens"] ?? "") {
            guard let eq = item.firstIndex(of: "=") else { continue }
            out[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        return out
    }

    /// `flake-registry`: the global registry, a path or URL; empty disables it.
    public var flakeRegistry: String {
        values["flake-registry"] ?? "https://channels.nixos.org/flake-registry.json"
    }

    /// `tarball-ttl` in seconds (Nix: 3600; `lock` and `update` use 0).
    public var tarballTTL: Int { int("tarball-ttl") ?? 3600 }
    /// `connect-timeout` in seconds; 0 means libcurl's default.
    public var connectTimeout: Int { int("connect-timeout") ?? 0 }
    /// `stalled-download-timeout` in seconds.
    public var stalledDownloadTimeout: Int { int("stalled-download-timeout") ?? 300 }
    /// `http-connections`: the bound on parallel transfers (0 = no limit; Nix's default 25).
    public var httpConnections: Int { int("http-connections") ?? 25 }
    /// `http2` (Nix: true): negotiate HTTP/2 where a server offers it.
    public var http2: Bool { bool("http2") ?? true }
    /// `download-attempts` (Nix: 5).
    public var downloadAttempts: Int { int("download-attempts") ?? 5 }
    /// `netrc-file`; Nix's default is `<conf dir>/netrc`.
    public var netrcFile: String? { values["netrc-file"] }
    public var allowDirty: Bool { bool("allow-dirty") ?? true }
    public var warnDirty: Bool { bool("warn-dirty") ?? true }
    public var useRegistries: Bool { bool("use-registries") ?? true }
    public var acceptFlakeConfig: Bool { bool("accept-flake-config") ?? false }
    /// `commit-lock-file-summary` (current name) or `commit-lockfile-summary` (2.8).
    public var commitLockFileSummary: String {
        values["commit-lock-file-summary"] ?? values["commit-lockfile-summary"] ?? ""
    }
    /// `github-api` (flakelock's own): `auto` (default), `never` or `always`.
    public var githubAPI: GitHubAPIMode {
        get throws {
            guard let raw = values["github-api"] else { return .auto }
            let word = Self.words(raw).first ?? ""
            guard let mode = GitHubAPIMode(rawValue: word) else {
                throw MessageError("setting 'github-api' has invalid value '\(raw)' (expected auto, never or always)")
            }
            return mode
        }
    }
    /// `fact-cache` (flakelock's own): the URL of a fact cache shared between machines.
    public var factCache: String? { values["fact-cache"].flatMap { Self.words($0).first } }
    /// `fact-cache-secret-key-file`: signs what this machine writes to the fact cache.
    public var factCacheSecretKeyFile: String? { values["fact-cache-secret-key-file"].flatMap { Self.words($0).first } }
    /// `fact-cache-public-keys`: the keys whose fact cache entries are believed.
    public var factCachePublicKeys: [String] { Self.words(values["fact-cache-public-keys"] ?? "") }
    /// `max-unpacked-size` (flakelock's own): the most bytes one input's archive may unpack
    /// to, or one `file` input may download; a number with an optional `K`, `M`, `G` or `T`
    /// suffix (powers of 1024, as Nix reads sizes), `0` for no bound. Default 8 GiB.
    /// - Returns: nil for no bound.
    /// - Throws: ``NixSettingsError/invalidValue(name:value:)``.
    public func maxUnpackedSize() throws -> UInt64? {
        guard let raw = values["max-unpacked-size"] else { return Self.defaultMaxUnpackedSize }
        let text = Self.words(raw).first ?? ""
        var digits = Substring(text)
        var shift: UInt64 = 0
        if let last = digits.last, let i = "KMGT".firstIndex(of: last) {
            shift = UInt64(10 * ("KMGT".distance(from: "KMGT".startIndex, to: i) + 1))
            digits = digits.dropLast()
        }
        guard let n = UInt64(digits), n <= UInt64.max >> shift else {
            throw NixSettingsError.invalidValue(name: "max-unpacked-size", value: raw)
        }
        return n == 0 ? nil : n << shift
    }

    public static let defaultMaxUnpackedSize: UInt64 = 8 << 30

    /// `user-agent-suffix`.
    public var userAgentSuffix: String { values["user-agent-suffix"] ?? "" }

    /// The integer settings flakelock reads.
    public static let integerNames: Set<String> = [
        "tarball-ttl", "connect-timeout", "stalled-download-timeout", "http-connections", "download-attempts",
    ]

    public func int(_ name: String) -> Int? {
        values[name].flatMap { Int(Self.words($0).first ?? "") }
    }

    public func bool(_ name: String) -> Bool? {
        // Nix's `BaseSetting<bool>::parse` (`src/libutil/configuration.cc`).
        switch values[name].map({ Self.words($0).first ?? "" }) {
        case "true", "yes", "1": true
        case "false", "no", "0": false
        default: nil
        }
    }

    // MARK: Parsing

    /// Applies one `name = value` assignment (`extra-` appends with a space).
    public mutating func set(_ name: String, _ value: String) {
        if name.hasPrefix("extra-") {
            let base = String(name.dropFirst("extra-".count))
            if let old = values[base], !old.isEmpty {
                values[base] = value.isEmpty ? old : old + " " + value
            } else {
                values[base] = value
            }
        } else {
            values[name] = value
        }
    }

    /// Parses configuration text (a file or `$NIX_CONFIG`). `readFile` returns a file's text,
    /// or nil if it does not exist; `directory` resolves relative includes.
    public mutating func apply(
        text: String, origin: String, directory: String?, readFile: (String) throws -> String?, depth: Int = 0
    ) throws {
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let tokens = Self.words(String(line))
            if tokens.isEmpty { continue }
            if tokens[0] == "include" || tokens[0] == "!include" {
                guard tokens.count == 2 else {
                    throw NixSettingsError.syntax(
                        origin: origin, line: lineNumber, "illegal configuration line '\(rawLine)'")
                }
                guard depth < 32 else { throw NixSettingsError.includeDepth(origin: origin) }
                var path = tokens[1]
                if !path.hasPrefix("/"), let directory { path = directory + "/" + path }
                if let included = try readFile(path) {
                    try apply(
                        text: included, origin: path, directory: Self.dirname(path), readFile: readFile,
                        depth: depth + 1)
                } else if tokens[0] == "include" {
                    throw NixSettingsError.missingInclude(origin: origin, path: path)
                }
                continue
            }
            guard tokens.count >= 2, tokens[1] == "=" else {
                throw NixSettingsError.syntax(
                    origin: origin, line: lineNumber, "illegal configuration line '\(rawLine)'")
            }
            set(tokens[0], tokens.dropFirst(2).joined(separator: " "))
        }
    }

    static func words(_ s: String) -> [String] {
        s.split(whereSeparator: { (c: Character) in c == " " || c == "\t" || c == "\r" }).map(String.init)
    }

    static func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Loads the settings as Nix does from the given environment.
    /// - Parameters:
    ///   - environment: the process environment (read only here, at the edge).
    ///   - options: `--option NAME VALUE` pairs, applied last.
    ///   - readFile: returns a file's text, or nil when it does not exist.
    public static func load(
        environment: [String: String], options: [(String, String)] = [],
        readFile: (String) throws -> String?
    ) throws -> NixSettings {
        var s = NixSettings()
        let confDir = environment["NIX_CONF_DIR"] ?? "/etc/nix"
        let system = confDir + "/nix.conf"
        if let text = try readFile(system) {
            try s.apply(text: text, origin: system, directory: confDir, readFile: readFile)
        }
        for file in userConfigFiles(environment: environment).reversed() {
            if let text = try readFile(file) {
                try s.apply(text: text, origin: file, directory: dirname(file), readFile: readFile)
            }
        }
        if let text = environment["NIX_CONFIG"] {
            try s.apply(text: text, origin: "NIX_CONFIG", directory: nil, readFile: readFile)
        }
        for (name, value) in options { s.set(name, value) }
        if s.values["netrc-file"] == nil { s.values["netrc-file"] = confDir + "/netrc" }
        return s
    }

    /// The user configuration files, highest precedence first.
    static func userConfigFiles(environment: [String: String]) -> [String] {
        if let files = environment["NIX_USER_CONF_FILES"] {
            return files.split(separator: ":").map(String.init)
        }
        var dirs: [String] = []
        if let home = environment["XDG_CONFIG_HOME"], !home.isEmpty {
            dirs.append(home)
        } else if let home = environment["HOME"] {
            dirs.append(home + "/.config")
        }
        dirs += (environment["XDG_CONFIG_DIRS"] ?? "/etc/xdg").split(separator: ":").map(String.init)
        return dirs.map { $0 + "/nix/nix.conf" }
    }
}

/// Errors in configuration files, worded like Nix's.
public enum NixSettingsError: UserFacingError, Equatable {
    case syntax(origin: String, line: Int, String)
    case missingInclude(origin: String, path: String)
    case includeDepth(origin: String)
    case invalidValue(name: String, value: String)

    public var description: String {
        switch self {
        case .syntax(let origin, let line, let m): "\(m) in '\(origin)' line \(line)"
        case .missingInclude(let origin, let path): "file '\(path)' included from '\(origin)' does not exist"
        case .includeDepth(let origin): "too many nested includes in '\(origin)'"
        case .invalidValue(let name, let value):
            "configuration setting '\(name)' should be a size in bytes, not '\(value)'"
        }
    }
}
