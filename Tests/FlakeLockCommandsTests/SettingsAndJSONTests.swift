import FlakeLockTestSupport
import Foundation
import Testing

/// nix.conf's `ssl-cert-file`, `all_proxy`, and `--json` on every reporting command,
/// through the built binary.
@Suite(.serialized)
struct SettingsAndJSONTests {
    @Test func sslCertFileFromNixConf() throws {
        let ca = try FakeForgeCA.files()
        let server = try LoopbackHTTPServer(tls: (ca.serverCertificate, ca.serverKey))
        defer { server.stop() }
        try server.setRoutes(["/f": [.init(body: "secure\n")]])
        let ref = "file+" + server.url("/f", host: "localhost")
        let untrusted = try CLISandbox(nixConf: "download-attempts = 1\n")
        let refused = try untrusted.run(["prefetch", ref])
        #expect(refused.status == 1)
        let trusted = try CLISandbox(nixConf: "ssl-cert-file = \(ca.caCertificate)\n")
        let r = try trusted.run(["prefetch", ref])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("Downloaded '"))
    }

    @Test(arguments: ["all_proxy", "ALL_PROXY"])
    func allProxyIsUsed(variable: String) throws {
        let server = try LoopbackHTTPServer()
        defer { server.stop() }
        try server.setRoutes(["/via": [.init(body: "proxied\n")]])
        let box = try CLISandbox()
        let r = try box.run(
            ["prefetch", "file+http://tarballs.example/via", "--json"], extraEnvironment: [variable: server.url("")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try server.requests().first?.proxied == true)
    }

    /// Each command's `--json` prints one JSON document.
    @Test func jsonEverywhere() throws {
        let box = try CLISandbox()
        let flake = try box.flake(nix: CLISandbox.emptyFlake)
        let other = try box.flake("other", nix: CLISandbox.emptyFlake)
        try box.dir.write("old.lock", CommandLocks.duplicated(nixpkgsRev: CommandLocks.rev1))
        try box.dir.write("new.lock", CommandLocks.duplicated(nixpkgsRev: CommandLocks.rev2))
        let runs: [[String]] = [
            ["metadata", flake, "--json"], ["prefetch", "path:" + other, "--json"],
            ["audit", box.path + "/new.lock", "--json", "--fail-on", "none"],
            ["diff", box.path + "/old.lock", box.path + "/new.lock", "--json"],
            ["why", "nixpkgs", box.path + "/new.lock", "--json"],
            ["update", "--dry-run", "--json", "--flake", flake], ["hash", "path", other, "--json"],
        ]
        for args in runs {
            let r = try box.run(args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            #expect((try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) != nil, "\(args): \(r.stdout)")
        }
        let diff = try box.run(["diff", box.path + "/old.lock", box.path + "/new.lock", "--json"])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(diff.stdout.utf8)) as? [String: Any])
        #expect((obj["summary"] as? [String: Int])?["updated"] == 1)
        let both = try box.run([
            "diff", box.path + "/old.lock", box.path + "/new.lock", "--json", "--format", "markdown",
        ])
        #expect(both.status == 1)
        #expect(both.stderr.hasPrefix("error: --json conflicts with --format markdown\n"))
    }
}
