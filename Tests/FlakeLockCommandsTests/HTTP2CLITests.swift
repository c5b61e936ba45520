import FlakeLockTestSupport
import Foundation
import Testing

/// `lock -vv` of tarball inputs served by a real nginx over HTTPS with HTTP/2: the inputs'
/// downloads are streams of a few connections, and `-vv` names each connection's protocol;
/// Nix's `http2 = false` keeps HTTP/1.1.
@Suite("HTTP/2 (CLI)") struct HTTP2CLITests {
    static let inputs = 8

    static func serve(_ env: IsolatedCLIEnvironment, http2: Bool) async throws -> LoopbackNginx? {
        guard try LoopbackNginx.available() else { return nil }
        let ca = try TestCertificateAuthority.files()
        let nginx = try LoopbackNginx(
            root: env.root.path + "/nginx", tls: (ca.serverCertificate, ca.serverKey), http2: http2)
        let root = env.root.path
        for i in 0..<inputs {
            try env.root.write("src\(i)/t\(i)/README", "tarball \(i)\n")
        }
        _ = try await IsolatedCLIEnvironment.offPool {
            for i in 0..<inputs {
                try FixtureShell.run([
                    "tar", "-czf", "\(nginx.root)/www/t\(i).tar.gz", "-C", "\(root)/src\(i)", "t\(i)",
                ])
            }
        }
        try env.writeFlake(
            inputs: (0..<inputs).map { "    t\($0) = { url = \"\(nginx.base)/t\($0).tar.gz\"; flake = false; };" }
                .joined(separator: "\n"))
        return nginx
    }

    static func environment(_ extraNixConfig: String = "") throws -> IsolatedCLIEnvironment {
        var env = try IsolatedCLIEnvironment(extraNixConfig: extraNixConfig)
        let ca = try TestCertificateAuthority.files().caCertificate
        env.variables["NIX_SSL_CERT_FILE"] = ca
        env.variables["SSL_CERT_FILE"] = ca
        return env
    }

    /// The `opened connection` lines of `-vv`.
    static func opened(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.contains("opened connection #") }
    }

    @Test func inputsDownloadAsStreamsOfAFewConnections() async throws {
        let env = try Self.environment()
        guard let nginx = try await Self.serve(env, http2: true) else { return }
        let r = try await env.run(["lock", "-vv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(env.lockText?.contains("t\(Self.inputs - 1).tar.gz") == true)
        let opened = Self.opened(r.stderr)
        #expect(!opened.isEmpty && opened.allSatisfy { $0.contains("(HTTP/2,") }, "\(opened)")
        let served = nginx.connections()
        #expect(served.count == Self.inputs)
        #expect(served.allSatisfy { $0.protocol == "HTTP/2.0" })
        #expect(Set(served.map(\.connection)).count == opened.count)
        #expect(opened.count <= 4, "\(opened)")
    }

    @Test func http2FalseKeepsHTTP11() async throws {
        let env = try Self.environment("http2 = false\n")
        guard let nginx = try await Self.serve(env, http2: true) else { return }
        let r = try await env.run(["lock", "-vv"])
        #expect(r.status == 0, "\(r.stderr)")
        let opened = Self.opened(r.stderr)
        #expect(!opened.isEmpty && opened.allSatisfy { $0.contains("(HTTP/1.1,") }, "\(opened)")
        #expect(nginx.connections().allSatisfy { $0.protocol == "HTTP/1.1" })
    }
}
