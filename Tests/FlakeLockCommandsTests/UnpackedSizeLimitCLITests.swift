import FlakeLockTestSupport
import Foundation
import Testing

/// `max-unpacked-size` bounds what one input may unpack, read from nix.conf or `--option`.
@Suite("max-unpacked-size (CLI)") struct UnpackedSizeLimitCLITests {
    @Test func aTarballPastTheLimitFailsNamingInputAndURL() async throws {
        let env = try IsolatedCLIEnvironment(extraNixConfig: "max-unpacked-size = 1M\n")
        try env.root.mkdir("bomb/src")
        let root = env.root.path
        let bomb = root + "/bomb.tar.gz"
        _ = try await IsolatedCLIEnvironment.offPool {
            try FixtureShell.run(["truncate", "-s", String(8 << 20), root + "/bomb/src/zeros"])
            return try FixtureShell.run(["tar", "-czf", bomb, "-C", root + "/bomb", "src"])
        }
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/bomb.tar.gz": [.init(bodyFile: bomb)]])
        let url = server.url("/bomb.tar.gz")
        try env.writeFlake(inputs: "    big = { url = \"\(url)\"; flake = false; };")

        // From nix.conf (NIX_CONFIG here).
        let r = try await env.run(["lock"])
        #expect(r.status == 1)
        #expect(
            r.stderr.contains("'\(url)' unpacks to more than 1048576 bytes, the limit set by 'max-unpacked-size'"),
            "\(r.stderr)")
        #expect(r.stderr.contains("'big'"), "\(r.stderr)")
        #expect(env.lockText == nil)

        // --option overrides it (0: no bound).
        let ok = try await env.run(["lock", "--option", "max-unpacked-size", "0"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(env.lockText?.contains(url) == true)

        // And a bad value is a clear error.
        let bad = try await env.run(["lock", "--option", "max-unpacked-size", "lots"])
        #expect(bad.status == 1)
        #expect(
            bad.stderr.contains("configuration setting 'max-unpacked-size' should be a size in bytes, not 'lots'"),
            "\(bad.stderr)")
    }
}
