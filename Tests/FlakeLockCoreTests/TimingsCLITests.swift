import FlakeLockTestSupport
import Foundation
import Testing

/// `lock --timings=FILE`: the built binary against the fake forge records every request,
/// with the request it waited for, in the waterfall page's JSON, and prints the critical
/// path on stderr; tokens, in headers or in URLs, never reach the page.
@Suite(.serialized)
final class TimingsCLITests {
    let fixture: ForgeCLIFixture
    var universe: ForgeUniverse { fixture.universe }

    init() throws {
        fixture = try ForgeCLIFixture(prefix: "flakelock-timings")
    }

    struct Document: Decodable {
        struct Request: Decodable {
            var id: Int
            var url: String
            var input: String
            var dependsOn: Int?
            var startMs: Double
            var firstByteMs: Double?
            var endMs: Double
            var bytes: Int
            var status: Int?
            var newConnections: Int
            var reusedConnections: Int
            var cacheHit: Bool
        }
        var wallMs: Double
        var criticalPath: [Int]
        var requests: [Request]
    }

    static let headerToken = "ghp_headerSecret0123456789"
    static let urlToken = "urlSecret9876543210"

    /// The JSON block of the page.
    static func document(_ html: String) throws -> Document {
        let open = #"<script type="application/json" id="flakelock-timings">"#
        let start = try #require(html.range(of: open))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        return try JSONDecoder().decode(Document.self, from: Data(html[start.upperBound..<end.lowerBound].utf8))
    }

    @Test func lockWritesEveryRequestWithItsDependencyAndTheCriticalPath() throws {
        // a declares b: b's requests can only start once a's archive was read.
        try universe.commit("alice/b", id: "b1", files: ["flake.nix": leafFlake])
        try universe.commit(
            "alice/a", id: "a1", files: ["flake.nix": flakeNix(#"b.url = "github:alice/b";"#)])
        try universe.tarball("files/t.tar.gz", files: ["x": "x\n"])
        try universe.top([
            "flake.nix": flakeNix(
                """
                a.url = "github:alice/a";
                t = { url = "https://github.com/files/t.tar.gz?token=\(Self.urlToken)&v=1"; flake = false; };
                """)
        ])
        let file = "\(fixture.root)/timings.html"
        let r = try fixture.flakelock(
            ["lock", "--timings=\(file)"], engine: "timings",
            config: "access-tokens = github.com=\(Self.headerToken)", keepLock: false)
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!html.contains(Self.headerToken) && !html.contains(Self.urlToken))
        // (Nix's own "Added input" message shows the URL as written; the timings lines do not.)
        let timingLines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("timings:") }.joined()
        #expect(!r.stderr.contains(Self.headerToken) && !timingLines.contains(Self.urlToken))
        let doc = try Self.document(html)

        // Every request the forge answered is in the page, once.
        let served = fixture.forge.requestLog().filter { $0.contains(#""server": "https""#) }.count
        #expect(doc.requests.count == served && served >= 5, "\(fixture.forge.requestLog())")
        for q in doc.requests {
            #expect(q.startMs >= 0 && q.startMs <= q.endMs && q.endMs <= doc.wallMs + 1)
            if let f = q.firstByteMs { #expect(f >= q.startMs && f <= q.endMs + 1) }
            #expect(q.status == 200 && !q.cacheHit && q.bytes > 0)
            #expect(q.newConnections + q.reusedConnections >= 1)
            if let d = q.dependsOn { #expect(d < q.id) }
        }
        #expect(doc.requests.contains { $0.url.contains("token=***&v=1") })

        // The chain: a's commit lookup and the archive of a's ref side by side (requested
        // while the ref resolves: ForgeArchiveByRef), then b's two requests side by side,
        // once a's tree has shown that a needs b.
        func one(_ part: String) throws -> Document.Request {
            let matching = doc.requests.filter { $0.url.contains(part) }
            #expect(matching.count == 1, "\(part): \(matching.map(\.url))")
            return try #require(matching.first)
        }
        let aCommit = try one("repos/alice/a/commits")
        let aTar = try one("repos/alice/a/tarball")
        let bCommit = try one("repos/alice/b/commits")
        let bTar = try one("repos/alice/b/tarball")
        #expect(aCommit.dependsOn == nil && aTar.dependsOn == nil)
        #expect([aCommit.id, aTar.id].contains(bCommit.dependsOn ?? -1))
        #expect(bTar.dependsOn == bCommit.dependsOn)
        #expect(aCommit.input == "github:alice/a" && bTar.input == "github:alice/b")
        // (a is done when both of its requests have answered, and so is b)
        #expect(doc.criticalPath.count == 2, "\(doc.criticalPath)")
        #expect([aCommit.id, aTar.id].contains(doc.criticalPath.first ?? -1), "\(doc.criticalPath)")
        #expect([bCommit.id, bTar.id].contains(doc.criticalPath.last ?? -1), "\(doc.criticalPath)")
        #expect(bCommit.startMs >= min(aTar.endMs, aCommit.endMs) && bTar.startMs >= min(aTar.endMs, aCommit.endMs))

        #expect(r.stderr.contains("timings: \(served) requests ("))
        #expect(r.stderr.contains("timings: critical path 2 requests, "))
        #expect(r.stderr.contains("; wall/critical path "))
        #expect(r.stderr.contains("timings: waterfall written to \(file)"))
    }

    @Test func bareTimingsWritesTheDefaultFileInTheCurrentDirectory() throws {
        try universe.commit("alice/a", id: "a1", files: ["flake.nix": leafFlake])
        try universe.top(["flake.nix": flakeNix(#"a.url = "github:alice/a";"#)])
        let r = try fixture.flakelock(["lock", "--timings", "-vv"], engine: "timings-default", keepLock: false)
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: "\(fixture.root)/top/flakelock-timings.html", encoding: .utf8)
        #expect(try Self.document(html).requests.count == 2)
        // -vv: each connection opened, then the totals.
        let opened = r.stderr.split(separator: "\n").filter { $0.contains("opened connection #") }
        #expect(!opened.isEmpty)
        #expect(r.stderr.contains("HTTP connections: \(opened.count) opened, \(2 - opened.count) exchanges reused one"))
    }
}
