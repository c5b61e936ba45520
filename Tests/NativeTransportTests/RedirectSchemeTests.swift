import Fetchers
import FlakeLockBasics
import FlakeLockTestSupport
import Foundation
import NativeTransport
import Testing

/// A server must not be able to send a download into another scheme: `file://` (a local file
/// hashed and locked as if it were the input) or any other scheme libcurl knows.
@Suite("Redirect schemes") struct RedirectSchemeTests {
    /// Locations a hostile server might send; each must be refused, naming both URLs.
    static func hostileLocations(secret: String) -> [String] {
        [
            "file:///etc/passwd", "file://" + secret, "FILE://" + secret, "file:/" + secret, "ftp://127.0.0.1:9/x",
            "gopher://127.0.0.1:9/x", "dict://127.0.0.1:9/x", "scp://127.0.0.1/x", "telnet://127.0.0.1:9",
            "tftp://127.0.0.1/x",
        ]
    }

    @Test func redirectsIntoOtherSchemesAreRefusedForEveryStatus() async throws {
        let dir = try TT.Dir()
        let secret = dir.sub("secret")
        try Data("local secret\n".utf8).write(to: URL(fileURLWithPath: secret))
        let server = try LoopbackHTTPServer()
        var routes: [String: [LoopbackHTTPServer.Route]] = [:]
        var cases: [(path: String, location: String)] = []
        for (i, location) in Self.hostileLocations(secret: secret).enumerated() {
            for status in [301, 302, 303, 307, 308] {
                let path = "/r\(i)-\(status)"
                routes[path] = [.init(status: status, redirect: location)]
                cases.append((path, location))
            }
        }
        // A same-origin hop first, then the hostile one: every hop is checked.
        routes["/hop"] = [.init(redirect: "/r0-302")]
        try server.setRoutes(routes)
        let http = try TT.http()
        for c in cases + [("/hop", "file:///etc/passwd")] {
            let url = server.url(c.path)
            let scheme = String(c.location.prefix { $0 != ":" }).lowercased()
            await #expect("\(c.path) -> \(c.location)") {
                _ = try await http.data(HTTPRequest(url: url))
            } throws: { e in
                // libcurl resolves the location (and may normalise its spelling).
                guard case .unsupportedProtocol(url, let location?) = e as? HTTPTransportError else { return false }
                return location.lowercased().hasPrefix(scheme + ":")
            }
        }
        let e = HTTPTransportError.unsupportedProtocol(url: server.url("/r0-302"), redirectedTo: "file:///etc/passwd")
        #expect(e.description.contains("'\(server.url("/r0-302"))'"))
        #expect(e.description.contains("'file:///etc/passwd'"))
        #expect(e.description.contains("Unsupported protocol"))
        // The refused location was never contacted, and nothing was retried.
        #expect(try server.requests().count == cases.count + 2)
    }

    @Test func redirectsAmongHTTPAndHTTPSStillWork() async throws {
        let server = try LoopbackHTTPServer()
        try server.setRoutes([
            "/rel": [.init(redirect: "/final")],
            "/abs": [.init(status: 308, redirect: server.url("/final", host: "localhost"))],
            "/final": [.init(body: "done")],
        ])
        let http = try TT.http()
        for p in ["/rel", "/abs"] {
            let (_, body) = try await http.data(HTTPRequest(url: server.url(p)))
            #expect(String(decoding: body, as: UTF8.self) == "done")
        }
    }

    @Test func fileIsReadOnlyWhenTheRequestSaysFile() async throws {
        let dir = try TT.Dir()
        let f = dir.sub("plain")
        try Data("plain file\n".utf8).write(to: URL(fileURLWithPath: f))
        let http = try TT.http()
        let (_, body) = try await http.data(HTTPRequest(url: "file://" + f))
        #expect(String(decoding: body, as: UTF8.self) == "plain file\n")
        for url in ["ftp://127.0.0.1:9/x", "gopher://127.0.0.1:9/x", "dict://127.0.0.1:9/x"] {
            await #expect(throws: HTTPTransportError.unsupportedProtocol(url: url, redirectedTo: nil)) {
                _ = try await http.data(HTTPRequest(url: url))
            }
        }
    }

    @Test(arguments: [false, true])
    func archiveAndFileDownloadsRefuseTheRedirect(fileMode: Bool) async throws {
        let dir = try TT.Dir()
        let tree = dir.sub("tree/src")
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: tree + "/x"))
        let tarball = dir.sub("local.tar")
        _ = try await TT.offPool { try FixtureShell.run(["tar", "-cf", tarball, "-C", dir.sub("tree"), "src"]) }
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/a.tar": [.init(redirect: "file://" + tarball)]])
        let hasher = LibArchiveHasher(http: try TT.http())
        let url = server.url("/a.tar")
        let mode: DownloadHashMode = fileMode ? .file : .archive(ArchiveOptions(sourceDescription: url))
        await #expect(throws: HTTPTransportError.unsupportedProtocol(url: url, redirectedTo: "file://" + tarball)) {
            _ = try await hasher.download(HTTPRequest(url: url), mode: mode)
        }
    }
}
