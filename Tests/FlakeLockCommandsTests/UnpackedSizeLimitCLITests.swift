import FlakeLockTestSupport
import Foundation
import Testing

/// `max-unpacked-size` bounds what one input may unpack, read from nix.conf or `--option`.
@Suite("max-unpacked-size (CLI)") struct UnpackedSizeLimitCLITests {
    @Test func aTarballPastTheLimitFailsNamingInputAndURL() throws {
        let env = try IsolatedCLIEnvironment(extraNixConfig: "max-unpacked-size = 1M\n")
        try env.root.mkdir("bomb/src")
        try FixtureShell.run(["truncate", "-s", String(64 << 20), env.root.path + "/bomb/src/zeros"])
        let bomb = env.root.path + "/bomb.tar.gz"
        try FixtureShell.run(["tar", "-czf", bomb, "-C", env.root.path + "/bomb", "src"])
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/bomb.tar.gz": [.init(bodyFile: bomb)]])
        let url = server.url("/bomb.tar.gz")
        try env.writeFlake(inputs: "    big = { url = \"\(url)\"; flake = false; };")

        // From nix.conf (NIX_CONFIG here).
        let r = try env.run(["lock"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("'\(url)' unpacks to more than 1048576 bytes, the limit set by 'max-unpacked-size'"), "\(r.stderr)")
        #expect(r.stderr.contains("'big'"), "\(r.stderr)")
        #expect(env.lockText == nil)

        // --option overrides it (0: no bound).
        let ok = try env.run(["lock", "--option", "max-unpacked-size", "0"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(env.lockText?.contains(url) == true)

        // And a bad value is a clear error.
        let bad = try env.run(["lock", "--option", "max-unpacked-size", "lots"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("configuration setting 'max-unpacked-size' should be a size in bytes, not 'lots'"), "\(bad.stderr)")
    }
}
