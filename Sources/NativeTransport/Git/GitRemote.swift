internal import CLibGit2
import Fetchers
import FlakeLockBasics
import Foundation

/// Fetching and listing remotes: libgit2 for `file://`, local paths, `http(s)://` and
/// `git://`; the git CLI for `ssh://` (honouring `GIT_SSH_COMMAND`), shallow fetches,
/// proxied `http(s)://`, and every scheme when ``GitSettings/useCLIForRemotes`` is set.
struct GitRemoteOps {
    let settings: GitSettings

    /// Applies `url.<base>.insteadOf` rules (longest matching prefix wins, as git does).
    func rewrite(_ url: String) -> String {
        var best: (prefix: String, base: String)?
        for e in settings.config {
            let k = e.key
            guard k.lowercased().hasPrefix("url."), k.lowercased().hasSuffix(".insteadof") else { continue }
            let base = String(k.dropFirst(4).dropLast(10))
            if url.hasPrefix(e.value), e.value.count > (best?.prefix.count ?? -1) { best = (e.value, base) }
        }
        guard let best else { return url }
        return best.base + url.dropFirst(best.prefix.count)
    }

    static func scheme(of url: String) -> String {
        if let r = url.range(of: "://") { return url[..<r.lowerBound].lowercased() }
        if url.hasPrefix("/") || url.hasPrefix(".") { return "file" }
        if url.contains(":") { return "ssh" }  // scp-like user@host:path
        return "file"
    }

    /// git's `protocol.<name>.allow` policy. `fromUser` is false for submodules (git sets
    /// `GIT_PROTOCOL_FROM_USER=0` there), which makes `user` deny.
    func checkAllowed(_ url: String, fromUser: Bool) throws {
        let scheme = Self.scheme(of: url)
        let policy =
            configValue("protocol.\(scheme).allow") ?? configValue("protocol.allow")
            ?? (["http", "https", "git", "ssh"].contains(scheme) ? "always" : scheme == "ext" ? "never" : "user")
        let allowed: Bool
        switch policy {
        case "always": allowed = true
        case "never": allowed = false
        default: allowed = fromUser
        }
        if !allowed { throw GitTransportError.protocolNotAllowed(scheme: scheme, url: url) }
    }

    /// A setting as git reads it: `GIT_CONFIG_COUNT` entries first, then the global, XDG and
    /// (unless `GIT_CONFIG_NOSYSTEM`) system configuration files (`git config --global
    /// protocol.file.allow always` is how Nix's own tests allow local submodules).
    func configValue(_ key: String) -> String? {
        if let v = settings.value(key) { return v }
        var cfg: OpaquePointer? = nil
        guard git_config_new(&cfg) == 0, let cfg else { return nil }
        defer { git_config_free(cfg) }
        var files: [(String, git_config_level_t)] = []
        func find(_ f: (UnsafeMutablePointer<git_buf>?) -> Int32, _ level: git_config_level_t) {
            var buf = git_buf()
            defer { git_buf_dispose(&buf) }
            if f(&buf) == 0, let p = buf.ptr { files.append((String(cString: p), level)) }
        }
        if !settings.noSystemConfig { find(git_config_find_system, GIT_CONFIG_LEVEL_SYSTEM) }
        find(git_config_find_xdg, GIT_CONFIG_LEVEL_XDG)
        find(git_config_find_global, GIT_CONFIG_LEVEL_GLOBAL)
        for (path, level) in files where git_config_add_file_ondisk(cfg, path, level, nil, 0) != 0 { return nil }
        var out = git_buf()
        defer { git_buf_dispose(&out) }
        guard git_config_get_string_buf(&out, cfg, key) == 0, let p = out.ptr else { return nil }
        return String(cString: p)
    }

    /// libgit2 1.5 cannot do shallow fetches or ssh with `GIT_SSH_COMMAND`, and in our tests
    /// ignored `proxy_opts` for plain HTTP (it resolved the target host itself), so those go
    /// through the git CLI, which gets the proxy and CA from ``runGit(_:)``'s environment.
    func usesCLI(_ url: String, shallow: Bool) -> Bool {
        settings.useCLIForRemotes || shallow || Self.scheme(of: url) == "ssh" || settings.proxy.proxy(for: url) != nil
            // libgit2 ignores `GIT_PROXY_COMMAND` and `core.gitProxy` for git://; git does not.
            || (Self.scheme(of: url) == "git"
                && (settings.cliEnvironment["GIT_PROXY_COMMAND"] != nil || settings.value("core.gitProxy") != nil))
    }

    /// Fetches (blocking). Refspecs get a `+` (force) unless they have one.
    func fetch(
        _ original: String, into repository: String, refspecs: [String], shallow: Bool, fromUser: Bool,
        flag: CancellationFlag
    ) throws {
        let url = rewrite(original)
        try checkAllowed(url, fromUser: fromUser)
        let forced = refspecs.map { $0.hasPrefix("+") ? $0 : "+" + $0 }
        if usesCLI(url, shallow: shallow) {
            var args = ["-C", repository, "fetch", "--quiet", "--force", "--no-tags"]
            if shallow { args.append("--depth=1") }
            args += ["--", url] + forced
            try runGit(args)
            return
        }
        let repo = try GitRepositoryHandle(openingAt: repository)
        try repo.withHandle { r in
            var remote: OpaquePointer? = nil
            try gitCheck(git_remote_create_anonymous(&remote, r, url), "fetching '\(original)'")
            guard let remote else { return }
            let owned = GitOwned(takingOwnership: remote, free: git_remote_free)
            try owned.withHandle { rem in
                try withFetchOptions(url: url, flag: flag) { opts in
                    try withStrArray(forced) { arr in
                        let code = git_remote_fetch(rem, &arr, &opts, "flakelock fetch")
                        if code < 0 {
                            if flag.isCancelled { throw CancellationError() }
                            let e = gitError(code, "fetching")
                            if case .library(_, _, let m) = e {
                                throw GitTransportError.fetchFailed(url: original, message: m)
                            }
                            throw e
                        }
                    }
                }
            }
        }
    }

    /// HEAD's symbolic target on the remote.
    func lsRemoteSymref(_ original: String, flag: CancellationFlag) throws -> String? {
        let url = rewrite(original)
        try checkAllowed(url, fromUser: true)
        if usesCLI(url, shallow: false) {
            let out = try runGit(["ls-remote", "--symref", "--", url, "HEAD"])
            for line in out.split(separator: "\n") where line.hasPrefix("ref: ") {
                let rest = line.dropFirst(5)
                if let tab = rest.firstIndex(of: "\t"), rest[rest.index(after: tab)...] == "HEAD" {
                    return String(rest[..<tab])
                }
            }
            return nil
        }
        var remote: OpaquePointer? = nil
        try gitCheck(git_remote_create_detached(&remote, url), "listing '\(original)'")
        guard let remote else { return nil }
        let owned = GitOwned(takingOwnership: remote, free: git_remote_free)
        return try owned.withHandle { rem in
            try withFetchOptions(url: url, flag: flag) { opts in
                let c = git_remote_connect(rem, GIT_DIRECTION_FETCH, &opts.callbacks, &opts.proxy_opts, nil)
                if c < 0 {
                    let e = gitError(c, "connecting")
                    if case .library(_, _, let m) = e { throw GitTransportError.fetchFailed(url: original, message: m) }
                    throw e
                }
                defer { git_remote_disconnect(rem) }
                var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>? = nil
                var count = 0
                try gitCheck(git_remote_ls(&heads, &count, rem), "listing refs of '\(original)'")
                for i in 0..<count {
                    guard let h = heads?[i]?.pointee, let name = h.name, String(cString: name) == "HEAD" else {
                        continue
                    }
                    return h.symref_target.map { String(cString: $0) }
                }
                return nil
            }
        }
    }

    /// Fetch options with proxy and a cancellation check; C strings live for the closure.
    private func withFetchOptions<T>(url: String, flag: CancellationFlag, _ body: (inout git_fetch_options) throws -> T)
        throws -> T
    {
        var opts = git_fetch_options()
        try gitCheck(git_fetch_options_init(&opts, UInt32(GIT_FETCH_OPTIONS_VERSION)), "git_fetch_options_init")
        opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        opts.update_fetchhead = 0
        let proxy = settings.proxy.proxy(for: url).map { strdup($0) }
        defer { if let proxy { free(proxy) } }
        if let proxy {
            opts.proxy_opts.type = GIT_PROXY_SPECIFIED
            opts.proxy_opts.url = UnsafePointer(proxy)
        } else {
            opts.proxy_opts.type = GIT_PROXY_NONE
        }
        let payload = Unmanaged.passRetained(flag)
        defer { payload.release() }
        opts.callbacks.payload = payload.toOpaque()
        opts.callbacks.transfer_progress = { _, p in
            guard let p else { return 0 }
            return Unmanaged<CancellationFlag>.fromOpaque(p).takeUnretainedValue().isCancelled ? -1 : 0
        }
        opts.callbacks.sideband_progress = { _, _, p in
            guard let p else { return 0 }
            return Unmanaged<CancellationFlag>.fromOpaque(p).takeUnretainedValue().isCancelled ? -1 : 0
        }
        return try body(&opts)
    }

    /// Runs the git CLI with the configured environment; returns stdout. Blocking: callers
    /// run on the blocking executor, as every libgit2 call here does.
    @discardableResult
    func runGit(_ args: [String]) throws -> String {
        var env = settings.cliEnvironment
        if env["PATH"] == nil { env["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        if settings.noSystemConfig { env["GIT_CONFIG_NOSYSTEM"] = "1" }
        if let ssh = settings.sshCommand { env["GIT_SSH_COMMAND"] = ssh }
        if let ca = settings.caFile { env["GIT_SSL_CAINFO"] = ca }
        if let hp = settings.proxy.httpProxy { env["http_proxy"] = hp }
        if let hp = settings.proxy.httpsProxy { env["https_proxy"] = hp }
        if let np = settings.proxy.noProxy { env["no_proxy"] = np }
        env["GIT_CONFIG_COUNT"] = String(settings.config.count)
        for (i, e) in settings.config.enumerated() {
            env["GIT_CONFIG_KEY_\(i)"] = e.key
            env["GIT_CONFIG_VALUE_\(i)"] = e.value
        }
        env["GIT_TERMINAL_PROMPT"] = "0"
        let out = try ExternalCommand.runBlocking(settings.gitExecutable, args, baseEnvironment: env)
        guard out.succeeded else {
            throw GitTransportError.commandFailed(
                command: "git "
                    + (args.first == "-C" ? Array(args.dropFirst(2)) : args).prefix(2).joined(separator: " "),
                status: out.status, stderr: out.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return out.stdoutText
    }
}
