import Foundation

/// Builds deterministic Git repositories with the git CLI (fixed identity, dates from a
/// counter), for transport tests.
///
///     let repo = try GitFixtureRepository(at: dir + "/a")
///     try repo.write("flake.nix", "{ }\n")
///     let rev = try repo.commit("init")
public final class GitFixtureRepository: Sendable {
    public let path: String
    /// Commit dates start here and grow by one day per commit.
    private let clock: Clock

    private final class Clock: @unchecked Sendable {
        // @unchecked: guarded by `lock`.
        let lock = NSLock()
        var next: Int64
        init(_ start: Int64) { next = start }
        func tick() -> Int64 {
            lock.withLock {
                defer { next += 86400 }
                return next
            }
        }
    }

    /// Creates a non-bare repository (`git init -b <branch>`).
    public init(at path: String, branch: String = "main", startDate: Int64 = 1_577_836_800) throws {
        self.path = path
        self.clock = Clock(startDate)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try git("init", "-q", "-b", branch)
    }

    /// Environment for deterministic commits.
    public static func environment(date: Int64) -> [String: String] {
        [
            "GIT_AUTHOR_NAME": "Alice Example", "GIT_AUTHOR_EMAIL": "alice@example.org",
            "GIT_COMMITTER_NAME": "Bob Committer", "GIT_COMMITTER_EMAIL": "bob@example.org",
            "GIT_AUTHOR_DATE": "@\(date) +0000", "GIT_COMMITTER_DATE": "@\(date) +0000",
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "HOME": "/nonexistent",
            "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "protocol.file.allow", "GIT_CONFIG_VALUE_0": "always",
        ]
    }

    /// Runs git in the repository; returns stdout without the trailing newline.
    @discardableResult
    public func git(_ args: String..., date: Int64? = nil) throws -> String {
        try gitArgs(args, date: date)
    }

    @discardableResult
    public func gitArgs(_ args: [String], date: Int64? = nil) throws -> String {
        try FixtureShell.text(["git"] + args, in: path, environment: Self.environment(date: date ?? 1_577_836_800))
    }

    /// Writes a file (creating directories) and stages it.
    public func write(_ relative: String, _ contents: String, executable: Bool = false, stage: Bool = true) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: full)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: full))
        try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: full)
        if stage { try git("add", "--", relative) }
    }

    /// Creates a symlink and stages it.
    public func symlink(_ relative: String, to target: String) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: full)
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: target)
        try git("add", "--", relative)
    }

    /// Removes a file and stages the removal.
    public func remove(_ relative: String) throws { try git("rm", "-q", "-r", "--", relative) }

    /// Commits what is staged (allowing empty commits); returns the new commit id.
    @discardableResult
    public func commit(_ message: String) throws -> String {
        let date = clock.tick()
        try git("commit", "-q", "--allow-empty", "-m", message, date: date)
        return try git("rev-parse", "HEAD")
    }

    /// Adds a submodule gitlink at `relative` pointing at `commit` with the given URL in .gitmodules.
    public func addGitlink(_ relative: String, url: String, commit: String, name: String? = nil) throws {
        let n = name ?? relative
        try git("update-index", "--add", "--cacheinfo", "160000,\(commit),\(relative)")
        try git("config", "-f", ".gitmodules", "submodule.\(n).path", relative)
        try git("config", "-f", ".gitmodules", "submodule.\(n).url", url)
        try git("add", ".gitmodules")
    }

    /// Creates a tag (annotated with a message when `annotated`).
    public func tag(_ name: String, annotated: Bool = false, at rev: String = "HEAD") throws {
        if annotated {
            try git("tag", "-a", name, "-m", "tag \(name)", rev, date: clock.tick())
        } else {
            try git("tag", name, rev)
        }
    }

    /// A bare clone next to the repository (`<path>.git` by default), as a server would have.
    @discardableResult
    public func bareClone(to destination: String? = nil) throws -> String {
        let dest = destination ?? path + ".git"
        try FixtureShell.run(
            ["git", "clone", "-q", "--bare", "--no-local", path, dest], environment: Self.environment(date: 0))
        return dest
    }

    /// `git archive <rev>` extracted into `directory` (the oracle for tree hashes).
    public func archive(_ rev: String, into directory: String, worktreeAttributes: Bool = false) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let tar = try FixtureShell.run(
            ["git", "-C", path, "archive", "--format=tar", rev], environment: Self.environment(date: 0))
        try FixtureShell.run(["tar", "-x", "-C", directory], stdin: tar)
    }
}

/// A `git daemon` serving a directory on 127.0.0.1 (`git://127.0.0.1:<port>/<repo>`).
public final class GitDaemon: @unchecked Sendable {
    // @unchecked: immutable after init; `process` is only terminated.
    public let port: Int
    private let process: Process

    public init(basePath: String) throws {
        let port = FixtureShell.freePort()
        // Run git-daemon itself: `git daemon` would spawn it as a child that outlives a kill.
        let execPath = (try? FixtureShell.text(["git", "--exec-path"])) ?? "/usr/lib/git-core"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: execPath + "/git-daemon")
        p.arguments = [
            "--reuseaddr", "--export-all", "--listen=127.0.0.1", "--port=\(port)", "--base-path=\(basePath)", basePath,
        ]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        self.port = port
        guard FixtureShell.waitForPort(port) else {
            kill(p.processIdentifier, SIGKILL)
            throw FixtureShell.Failure(command: "git daemon", status: 1, output: "did not start")
        }
    }

    deinit { stop() }

    public func stop() {
        if process.isRunning {
            // SIGKILL: the test runner may block SIGTERM, and children inherit the mask.
            // Foundation reaps the child itself; waiting here could spin a run loop.
            kill(process.processIdentifier, SIGKILL)
        }
    }

    public func url(_ repo: String) -> String { "git://127.0.0.1:\(port)/\(repo)" }
}

/// A throw-away certificate authority and a server certificate for 127.0.0.1 and localhost,
/// made once per process with the `openssl` CLI.
public enum TestCertificateAuthority {
    public struct Files: Sendable {
        public var caCertificate: String
        public var serverCertificate: String
        public var serverKey: String
    }

    private static let made: Result<Files, any Error> = Result {
        let d = try FixtureShell.makeTemporaryDirectory(prefix: "flakelock-ca")
        try FixtureShell.run([
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/ca.key", "-out", "\(d)/ca.pem",
            "-days", "2", "-subj", "/CN=flakelock test CA", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
        try FixtureShell.run(["openssl", "genrsa", "-out", "\(d)/server.key", "2048"])
        try """
        basicConstraints=CA:FALSE
        keyUsage=digitalSignature,keyEncipherment
        extendedKeyUsage=serverAuth
        subjectAltName=DNS:localhost,IP:127.0.0.1

        """.write(toFile: "\(d)/ext.cnf", atomically: true, encoding: .utf8)
        try FixtureShell.run([
            "openssl", "req", "-new", "-key", "\(d)/server.key", "-out", "\(d)/server.csr", "-subj", "/CN=localhost",
        ])
        try FixtureShell.run([
            "openssl", "x509", "-req", "-in", "\(d)/server.csr", "-CA", "\(d)/ca.pem", "-CAkey", "\(d)/ca.key",
            "-CAcreateserial", "-out", "\(d)/server.pem", "-days", "2", "-extfile", "\(d)/ext.cnf",
        ])
        return Files(caCertificate: "\(d)/ca.pem", serverCertificate: "\(d)/server.pem", serverKey: "\(d)/server.key")
    }

    /// The CA and server certificate files (created on first use).
    public static func files() throws -> Files { try made.get() }
}
