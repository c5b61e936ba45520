import Fetchers
import FlakeLockBasics
import FlakeLockTestSupport
import Foundation
import NativeTransport
import NixCompat
import Testing

/// Shared set-up for transport tests.
enum TT {
    /// Git settings of the transport tests: no system config, the test CA (libgit2 keeps
    /// both per process, so every git transport of the tests carries the same ones).
    static func gitSettings(
        config: [GitConfigEntry], useCLIForRemotes: Bool = false, proxy: ProxySettings = ProxySettings()
    ) throws
        -> GitSettings
    {
        GitSettings(
            config: config, noSystemConfig: true, useCLIForRemotes: useCLIForRemotes, proxy: proxy,
            caFile: try TestCertificateAuthority.files().caCertificate)
    }

    /// A transport with tiny back-off and timeouts, so failure tests stay fast.
    static func http(
        attempts: Int = 3, stallTimeout: Int = 300, maxRetryAfter: Duration = .seconds(2), caFile: String? = nil,
        proxy: ProxySettings = ProxySettings()
    ) throws -> CurlHTTPTransport {
        // Each transport gets threads of its own: tests run in parallel, some of them stall
        // transfers for minutes on purpose, and on the shared pool those would hold up the
        // transfers (and cancellations) of every other test.
        return CurlHTTPTransport(
            configuration: HTTPConfiguration(
                connectTimeout: 5, stallTimeout: stallTimeout, attempts: attempts, retryBaseDelay: .milliseconds(10),
                maxRetryAfter: maxRetryAfter, caFile: caFile, proxy: proxy, executor: BlockingExecutor(threads: 4)))
    }

    /// Runs blocking fixture work (git, tar, nix, file writes) on a thread of its own, so a
    /// test never blocks the cooperative pool the transfers of other tests continue on.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await fixtureThreads.run(body)
    }

    private static let fixtureThreads = BlockingExecutor(threads: 4)

    /// A fresh temporary directory, removed at deinit.
    final class Dir: @unchecked Sendable {
        let path: String
        init(_ prefix: String = "flakelock-nt") throws {
            path = try FixtureShell.makeTemporaryDirectory(prefix: prefix)
        }
        deinit {
            _ = try? FixtureShell.run(["chmod", "-R", "u+rwx", path])
            try? FileManager.default.removeItem(atPath: path)
        }
        func sub(_ p: String) -> String { path + "/" + p }
    }

    /// Writes a sample tree under `root`: files, an executable, symlinks (one dangling),
    /// nested and empty directories, names whose byte order differs from tar order.
    static func writeSampleTree(at root: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/sub/deeper", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/empty", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/foo", withIntermediateDirectories: true)
        func w(_ p: String, _ s: String, _ mode: Int = 0o644) throws {
            try Data(s.utf8).write(to: URL(fileURLWithPath: root + "/" + p))
            try fm.setAttributes([.posixPermissions: mode], ofItemAtPath: root + "/" + p)
        }
        try w("flake.nix", "{ outputs = _: { }; }\n")
        try w("run.sh", "#!/bin/sh\necho hi\n", 0o755)
        try w("foo.txt", "foo file\n")
        try w("foo/bar", "in foo\n")
        try w("sub/deeper/data.bin", String(repeating: "0123456789abcdef", count: 40000))
        try w("sub/Z", "upper\n")
        try fm.createSymbolicLink(atPath: root + "/link", withDestinationPath: "flake.nix")
        try fm.createSymbolicLink(atPath: root + "/dangling", withDestinationPath: "does/not/exist")
    }

    /// The NAR hash of a directory on disk: `nix hash path` when available (and required
    /// under CI=true), compared with TreeHasher as well.
    static func expectedHash(ofPath path: String) throws -> String {
        let ours = try TreeHasher.hashPathBlocking(path).narHash.sri
        if try NixOracle.available() {
            let nix = try NixOracle.hashPath(path)
            #expect(nix == ours, "TreeHasher disagrees with nix hash path for \(path)")
            return nix
        }
        return ours
    }
}
