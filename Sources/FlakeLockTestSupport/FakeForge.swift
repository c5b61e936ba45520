import Foundation

/// A certificate authority and one server certificate for every host name the fake forge
/// answers, made once per test process with the `openssl` CLI and removed at exit.
public enum FakeForgeCA {
    /// Host names on the server certificate (besides 127.0.0.1 and ::1).
    public static let hostNames = [
        "localhost", "github.com", "api.github.com", "codeload.github.com", "gitlab.com", "git.sr.ht",
        "tarballs.example", "git.example", "api.git.example", "mirror.example",
    ]

    public struct Files: Sendable {
        public var directory: String
        public var caCertificate: String
        public var serverCertificate: String
        public var serverKey: String
    }

    private static let made: Result<Files, any Error> = Result {
        let d = try FixtureShell.makeTemporaryDirectory(prefix: "flakelock-forge-ca")
        caDirectory = d
        atexit { if let d = FakeForgeCA.caDirectory { try? FileManager.default.removeItem(atPath: d) } }
        try FixtureShell.run([
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/ca.key", "-out", "\(d)/ca.pem",
            "-days", "3", "-subj", "/CN=flakelock fake forge CA", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
        try FixtureShell.run(["openssl", "genrsa", "-out", "\(d)/server.key", "2048"])
        let san = (hostNames.map { "DNS:\($0)" } + ["IP:127.0.0.1", "IP:::1"]).joined(separator: ",")
        try """
        basicConstraints=CA:FALSE
        keyUsage=digitalSignature,keyEncipherment
        extendedKeyUsage=serverAuth
        subjectAltName=\(san)

        """.write(toFile: "\(d)/ext.cnf", atomically: true, encoding: .utf8)
        try FixtureShell.run([
            "openssl", "req", "-new", "-key", "\(d)/server.key", "-out", "\(d)/server.csr", "-subj", "/CN=github.com",
        ])
        try FixtureShell.run([
            "openssl", "x509", "-req", "-in", "\(d)/server.csr", "-CA", "\(d)/ca.pem", "-CAkey", "\(d)/ca.key",
            "-CAcreateserial", "-out", "\(d)/server.pem", "-days", "3", "-extfile", "\(d)/ext.cnf",
        ])
        return Files(
            directory: d, caCertificate: "\(d)/ca.pem", serverCertificate: "\(d)/server.pem",
            serverKey: "\(d)/server.key")
    }

    nonisolated(unsafe) private static var caDirectory: String?

    /// The CA and server certificate (created on first use).
    public static func files() throws -> Files { try made.get() }
}

/// A loopback fake GitHub/GitLab/SourceHut/static web server with an HTTPS side, an HTTP
/// proxy that sends every host name to it, and optionally a `git daemon`
/// (see ``fakeForgeScript`` for the routes). It serves `root/repos` (bare repositories
/// `O/R.git`) and `root/www` (static files), as laid out by ``ForgeUniverse``.
///
/// Started by the test; stopped by ``stop()``, on deinit, when the test process exits, or
/// after `lifetime` seconds, whichever comes first.
public final class FakeForge: @unchecked Sendable {
    // @unchecked: immutable after init; the processes are only killed.
    public let root: String
    public let httpPort: Int
    public let httpsPort: Int
    public let proxyPort: Int
    public let ca: FakeForgeCA.Files
    /// `git daemon` serving `root/repos` (only when started with `gitDaemon: true`).
    public let gitDaemon: ForgeGitDaemon?
    /// `hg serve` over `root/repos/hg`, plain and TLS with the forge's certificate (only
    /// when started with `hgServe: true`).
    public let hgServe: ForgeHgServe?
    public let hgServeTLS: ForgeHgServe?
    private let process: Process

    /// - Parameter backlog: the servers' listen backlog (default 256; 5 is Python's own default).
    public init(
        root: String, gitDaemon: Bool = false, hgServe: Bool = false, lifetime: TimeInterval = 900,
        backlog: Int? = nil
    ) throws {
        self.root = root
        let ca = try FakeForgeCA.files()
        self.ca = ca
        let fm = FileManager.default
        for d in ["repos", "www", "forge"] {
            try fm.createDirectory(atPath: "\(root)/\(d)", withIntermediateDirectories: true)
        }
        let script = "\(root)/forge/forge.py"
        try fakeForgeScript.write(toFile: script, atomically: true, encoding: .utf8)
        try? fm.removeItem(atPath: "\(root)/ports.json")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            "python3", script, root, ca.serverCertificate, ca.serverKey, String(Int(lifetime)),
            String(getpid()),
        ]
        if let backlog {
            p.environment = ProcessInfo.processInfo.environment.merging(["FLAKELOCK_FORGE_BACKLOG": "\(backlog)"]) {
                _, b in b
            }
        }
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        process = p
        let portsFile = "\(root)/ports.json"
        let deadline = Date().addingTimeInterval(20)
        while !fm.fileExists(atPath: portsFile) {
            guard Date() < deadline, p.isRunning else {
                if p.isRunning { kill(p.processIdentifier, SIGKILL) }
                throw FixtureShell.Failure(
                    command: "python3 forge.py", status: 1, output: "the fake forge did not start")
            }
            usleep(10_000)
        }
        let ports = try JSONDecoder().decode(
            [String: Int].self, from: Data(contentsOf: URL(fileURLWithPath: portsFile)))
        httpPort = ports["http"] ?? 0
        httpsPort = ports["https"] ?? 0
        proxyPort = ports["proxy"] ?? 0
        do {
            self.gitDaemon = gitDaemon ? try ForgeGitDaemon(basePath: "\(root)/repos") : nil
        } catch {
            kill(p.processIdentifier, SIGKILL)
            throw error
        }
        do {
            self.hgServe = hgServe ? try ForgeHgServe(root: root) : nil
        } catch {
            kill(p.processIdentifier, SIGKILL)
            self.gitDaemon?.stop()
            throw error
        }
        do {
            self.hgServeTLS =
                hgServe
                ? try ForgeHgServe(
                    root: root, certificate: ca.serverCertificate, key: ca.serverKey, ca: ca.caCertificate) : nil
        } catch {
            kill(p.processIdentifier, SIGKILL)
            self.gitDaemon?.stop()
            self.hgServe?.stop()
            throw error
        }
    }

    deinit { stop() }

    /// Kills the server (and the git daemon).
    public func stop() {
        // SIGKILL: the test runner may block SIGTERM, and children inherit the mask.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        gitDaemon?.stop()
        hgServe?.stop()
        hgServeTLS?.stop()
    }

    /// `http://127.0.0.1:PORT` and `https://127.0.0.1:PORT`.
    public var httpBase: String { "http://127.0.0.1:\(httpPort)" }
    public var httpsBase: String { "https://127.0.0.1:\(httpsPort)" }
    /// `git://127.0.0.1:PORT` when the git daemon runs.
    public var gitDaemonBase: String? { gitDaemon.map { "git://127.0.0.1:\($0.port)" } }
    /// `http://127.0.0.1:PORT` of `hg serve` when it runs; `/NAME` is `root/repos/hg/NAME`.
    public var hgServeBase: String? { hgServe.map { "http://127.0.0.1:\($0.port)" } }
    /// `https://localhost:PORT` of the TLS `hg serve` (the forge's CA, which
    /// ``clientEnvironment`` makes hg trust; `localhost`, since hg matches only DNS names of
    /// the certificate, not its IP addresses).
    public var hgServeTLSBase: String? { hgServeTLS.map { "https://localhost:\($0.port)" } }

    /// Environment variables that send clients through the proxy and trust the CA.
    public var clientEnvironment: [String: String] {
        let proxy = "http://127.0.0.1:\(proxyPort)"
        var env = [
            "http_proxy": proxy, "https_proxy": proxy, "HTTPS_PROXY": proxy, "HTTP_PROXY": proxy,
            "no_proxy": "", "NO_PROXY": "", "all_proxy": "", "ALL_PROXY": "",
            "NIX_SSL_CERT_FILE": ca.caCertificate, "SSL_CERT_FILE": ca.caCertificate,
            "GIT_SSL_CAINFO": ca.caCertificate, "CURL_CA_BUNDLE": ca.caCertificate,
        ]
        // Debian's hg takes `web.cacerts` from /etc/mercurial (the system bundle), which wins
        // over SSL_CERT_FILE; this configuration, instead of the system's, names the CA.
        if let hgrc = hgServeTLS?.clientConfiguration { env["HGRCPATH"] = hgrc }
        return env
    }

    /// The request log: one JSON object per line (`server`, `method`, `host`, `path`, `status`).
    public func requestLog() -> [String] {
        guard let text = try? String(contentsOfFile: "\(root)/requests.log", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    /// The TCP connections accepted so far, per server (`http`, `https`, `proxy`).
    public func acceptedConnections() -> [String: Int] {
        guard let text = try? String(contentsOfFile: "\(root)/connections.log", encoding: .utf8) else { return [:] }
        return text.split(separator: "\n").reduce(into: [:]) { $0[String($1), default: 0] += 1 }
    }

    /// Forgets the request log.
    public func clearRequestLog() { try? FileManager.default.removeItem(atPath: "\(root)/requests.log") }
}

/// `git-daemon` itself (not the `git daemon` wrapper, which would outlive a SIGKILL as an
/// orphaned child) on 127.0.0.1, serving `basePath`: `git://127.0.0.1:PORT/O/R.git`.
public final class ForgeGitDaemon: @unchecked Sendable {
    // @unchecked: immutable after init; `process` is only killed.
    public let port: Int
    private let process: Process

    public init(basePath: String) throws {
        let execPath = try FixtureShell.text(["git", "--exec-path"])
        let port = FixtureShell.freePort()
        process = try FixtureShell.startServer(
            execPath + "/git-daemon",
            [
                "--reuseaddr", "--export-all", "--listen=127.0.0.1", "--port=\(port)", "--base-path=\(basePath)",
                "--timeout=60", basePath,
            ],
            port: port, name: "git-daemon")
        self.port = port
    }

    deinit { stop() }

    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// `hg serve` (hgweb) on loopback, publishing every repository under `root/repos/hg` as
/// `/NAME`, rescanning the directory on every request so repositories created later appear.
/// hg clients skip the forge's proxy for `127.0.0.1` (Mercurial's `http_proxy.no` default).
public final class ForgeHgServe: @unchecked Sendable {
    // @unchecked: immutable after init; `process` is only killed.
    public let port: Int
    /// With TLS: an hgrc whose `web.cacerts` is the certificate's CA, for `HGRCPATH`.
    public let clientConfiguration: String?
    private let process: Process

    /// - Parameters:
    ///   - certificate, key: PEM files; with both, `hg serve` speaks TLS (`--certificate`
    ///     takes one file holding the key and the certificate).
    public init(root: String, certificate: String? = nil, key: String? = nil, ca: String? = nil) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: "\(root)/repos/hg", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: "\(root)/forge", withIntermediateDirectories: true)
        let conf = "\(root)/forge/hgweb.conf"
        try "[paths]\n/ = \(root)/repos/hg/*\n[web]\nrefreshinterval = 0\nallow-pull = true\n"
            .write(toFile: conf, atomically: true, encoding: .utf8)
        let port = FixtureShell.freePort()
        var arguments = ["hg", "serve", "--address", "127.0.0.1", "--port", String(port), "--web-conf", conf]
        if let certificate, let key {
            let both = "\(root)/forge/hg-serve.pem"
            let pem =
                try String(contentsOfFile: key, encoding: .utf8) + String(contentsOfFile: certificate, encoding: .utf8)
            try pem.write(toFile: both, atomically: true, encoding: .utf8)
            arguments += ["--certificate", both]
        }
        if let ca, certificate != nil {
            // `ui.ssh`: a stand-in for ssh that runs the remote command (`hg -R PATH serve
            // --stdio`) locally, so `hg+ssh://localhost//PATH` works without an sshd.
            let ssh = "\(root)/forge/hg-fake-ssh"
            try "#!/bin/sh\nfor a; do last=$a; done\ncd / && exec /bin/sh -c \"$last\"\n"
                .write(toFile: ssh, atomically: true, encoding: .utf8)
            try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: ssh)
            let hgrc = "\(root)/forge/hg-client.rc"
            try "[web]\ncacerts = \(ca)\n[ui]\nssh = \(ssh)\n".write(toFile: hgrc, atomically: true, encoding: .utf8)
            clientConfiguration = hgrc
        } else {
            clientConfiguration = nil
        }
        process = try FixtureShell.startServer(
            "/usr/bin/env", arguments, port: port,
            environment: ProcessInfo.processInfo.environment.merging(ForgeUniverse.hgEnvironment) { _, b in b },
            name: "hg serve")
        self.port = port
    }

    deinit { stop() }

    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
