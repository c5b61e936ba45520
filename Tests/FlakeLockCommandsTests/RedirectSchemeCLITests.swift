import FlakeLockTestSupport
import Foundation
import Testing

/// `lock` with inputs whose server answers with a redirect (or an immutable `Link`) into a
/// local file: the lock fails naming both URLs and nothing is written.
@Suite("Redirect schemes (CLI)") struct RedirectSchemeCLITests {
    @Test func tarballAndFileInputsRedirectedToLocalFilesFail() async throws {
        let env = try IsolatedCLIEnvironment()
        let secret = env.root.path + "/secret.tar"
        try env.root.write("src/dir/a", "local\n")
        let root = env.root.path
        let served = root + "/served.tar"
        try env.root.write("ok/dir/b", "served\n")
        _ = try await IsolatedCLIEnvironment.offPool {
            try FixtureShell.run(["tar", "-cf", secret, "-C", root + "/src", "dir"])
            return try FixtureShell.run(["tar", "-cf", served, "-C", root + "/ok", "dir"])
        }
        let server = try LoopbackHTTPServer()
        try server.setRoutes([
            "/file": [.init(redirect: "file:///etc/passwd")],
            "/tarball.tar": [.init(status: 301, redirect: "file://" + secret)],
            "/hop.tar": [.init(redirect: "/tarball.tar")],
            "/linked.tar": [.init(headers: ["Link": "<file://\(secret)>; rel=\"immutable\""], bodyFile: served)],
        ])
        let cases: [(input: String, url: String, location: String)] = [
            ("file+" + server.url("/file"), server.url("/file"), "file:///etc/passwd"),
            (server.url("/tarball.tar"), server.url("/tarball.tar"), "file://" + secret),
            ("tarball+" + server.url("/hop.tar"), server.url("/hop.tar"), "file://" + secret),
            (server.url("/linked.tar"), server.url("/linked.tar"), "file://" + secret),
        ]
        for c in cases {
            try env.writeFlake(inputs: "    a = { url = \"\(c.input)\"; flake = false; };")
            let r = try await env.run(["lock"])
            #expect(r.status == 1, "\(c.input): \(r.stderr)")
            #expect(r.stderr.contains("'\(c.url)'"), "\(r.stderr)")
            #expect(r.stderr.contains("'\(c.location)'"), "\(r.stderr)")
            #expect(r.stderr.contains("Unsupported protocol"), "\(r.stderr)")
            #expect(env.lockText == nil)
        }
    }

    @Test func fileInputsThatSayFileAreStillRead() async throws {
        let env = try IsolatedCLIEnvironment()
        try env.root.write("data.txt", "data\n")
        try env.writeFlake(inputs: "    a = { url = \"file://\(env.root.path)/data.txt\"; flake = false; };")
        let r = try await env.run(["lock"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(env.lockText?.contains("data.txt") == true)
    }
}
