/// The names of the settings Nix knows (its `Setting<…>` declarations in `src/libstore`,
/// `src/libfetchers`, `src/libflake`, `src/libexpr`, `src/libutil`, `src/libmain` and
/// `src/nix`, with their aliases; store-URL parameters left out), so that flakelock warns
/// about the same unknown names Nix warns about and accepts the same setting flags
/// (`--NAME VALUE`, and `--NAME` / `--no-NAME` for Booleans).
public enum NixSettingNames {
    /// Boolean settings.
    public static let boolean: Set<String> = [
        "abort-on-warn", "accept-flake-config", "allow-dirty", "allow-dirty-locks", "allow-import-from-derivation",
        "allow-new-privileges", "allow-symlinked-store", "allow-unsafe-native-code-during-evaluation",
        "always-allow-substitutes", "auto-allocate-uids", "auto-optimise-store", "build-compress-log",
        "build-fallback", "build-impersonate-linux-26", "build-keep-log", "build-use-substitutes",
        "builders-use-substitutes", "compress-build-log", "darwin-log-sandbox-violations", "debugger-on-trace",
        "debugger-on-warn", "env-keep-derivations", "eval-cache", "fallback", "filetransfer-retry-jitter",
        "filter-syscalls", "fsync-metadata", "fsync-store-paths", "http2", "http3", "ignore-gc-delete-failure",
        "ignore-try", "impersonate-linux-26", "keep-build-log", "keep-derivations", "keep-env-derivations",
        "keep-failed", "keep-going", "lazy-locks", "lazy-trees", "keep-outputs", "nix-shell-always-looks-for-shell-nix",
        "nix-shell-shebang-arguments-relative-to-script", "preallocate-contents", "print-missing", "pure-eval",
        "require-drop-supplementary-groups", "require-sigs", "restrict-eval", "run-diff-hook", "sandbox-fallback",
        "show-trace", "substitute", "sync-before-registering", "trace-function-calls",
        "trace-import-from-derivation", "trace-verbose", "trust-tarballs-from-git-forges", "use-case-hack",
        "use-cgroups", "use-registries", "use-roots-daemon", "use-sqlite-wal", "use-xdg-base-directories",
        "warn-dirty", "warn-short-path-literals",
    ]

    /// Settings that take a value.
    public static let valued: Set<String> = Set(nixValued).union(flakelockOwn)

    private static let nixValued: [String] = [
        "access-tokens", "allowed-impure-host-deps", "allowed-uris", "allowed-users", "bash-prompt",
        "bash-prompt-prefix", "bash-prompt-suffix", "binary-cache-public-keys", "binary-caches",
        "binary-caches-parallel-connections", "build-chroot-dirs", "build-cores", "build-dir",
        "build-hook-kill-timeout", "build-max-jobs", "build-max-log-size", "build-max-silent-time",
        "build-poll-interval", "build-sandbox-paths", "build-timeout", "build-use-chroot", "build-use-sandbox",
        "build-users-group", "builders", "commit-lock-file-summary", "commit-lockfile-summary", "connect-timeout",
        "cores", "diff-hook", "download-attempts", "download-buffer-size", "download-speed",
        "eval-attrset-update-layer-rhs-threshold", "eval-profile-file", "eval-profiler", "eval-profiler-frequency",
        "eval-system", "experimental-features", "external-builders", "extra-platforms",
        "filetransfer-retry-attempts", "filetransfer-retry-delay", "filetransfer-retry-delay-rate-limited",
        "filetransfer-retry-max-delay", "flake-registry", "gc-reserved-space", "hashed-mirrors", "http-connections",
        "id-count", "ignored-acls", "impure-env", "json-log-path", "lint-absolute-path-literals",
        "lint-short-path-literals", "lint-url-literals", "log-fd", "log-lines", "machines", "max-build-log-size",
        "max-call-depth", "max-free", "max-jobs", "max-silent-time", "max-substitution-jobs", "min-free",
        "min-free-check-interval", "nar-buffer-size", "narinfo-cache-meta-ttl", "narinfo-cache-negative-ttl",
        "narinfo-cache-positive-ttl", "netrc-file", "nix-path", "plugin-files", "post-build-hook", "pre-build-hook",
        "sandbox", "sandbox-build-dir", "sandbox-dev-shm-size", "sandbox-paths", "secret-key-files", "ssl-cert-file",
        "stalled-download-timeout", "start-id", "store", "substituters", "substitution-max-jobs", "system",
        "system-features", "tarball-ttl", "timeout", "trusted-binary-caches", "trusted-public-keys",
        "trusted-substituters", "trusted-users", "upgrade-nix-store-path-url", "user-agent-suffix",
        "warn-large-path-threshold",
    ]

    /// flakelock's own settings (Nix has none of these; they are read from the same places).
    public static let flakelockOwn: Set<String> = [
        "fact-cache", "fact-cache-public-keys", "fact-cache-secret-key-file", "github-api", "max-unpacked-size",
    ]

    /// Whether Nix knows `name` (an `extra-` prefix allowed).
    public static func isKnown(_ name: String) -> Bool {
        let base = name.hasPrefix("extra-") ? String(name.dropFirst("extra-".count)) : name
        return boolean.contains(base) || valued.contains(base)
    }
}
