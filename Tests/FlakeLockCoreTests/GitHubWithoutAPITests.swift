import FlakeLockTestSupport
import Foundation
import Testing

/// GitHub inputs without the REST API (`github-api`, and the fallback when the quota is
/// exhausted): the built binary against the fake forge, whose `faults.json` makes every API
/// request answer 403 with `X-RateLimit-Remaining: 0`. The lock must be byte-identical to the
/// one the API route writes.
@Suite(.serialized)
final class GitHubWithoutAPITests {
    let fixture: ForgeCLIFixture
    var root: String { fixture.root }
    var forge: FakeForge { fixture.forge }
    var universe: ForgeUniverse { fixture.universe }

    init() throws {
        fixture = try ForgeCLIFixture(prefix: "flakelock-ghgit")
    }

    static let resetTime: Int64 = 1_900_000_000

    /// Every API host (api.github.com, api.git.example for 2.8, HOST/api/v3 for Enterprise).
    func exhaustQuota(_ on: Bool) throws {
        let path = "\(root)/faults.json"
        if !on {
            try? FileManager.default.removeItem(atPath: path)
            return
        }
        let rule: [String: Any] = [
            "match": "^api\\.|/api/v3/", "status": 403,
            "headers": [
                "X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "\(Self.resetTime)",
            ],
            "body": "{\"message\": \"API rate limit exceeded\"}",
        ]
        try JSONSerialization.data(withJSONObject: ["rules": [rule]]).write(to: URL(fileURLWithPath: path))
    }

    /// Branches, lightweight and annotated tags, a non-default HEAD, `dir=`, `host=`.
    func setUp() throws {
        try universe.commit("alice/a", id: "a1", files: ["flake.nix": leafFlake])
        try universe.commit("alice/b", id: "b1", files: ["flake.nix": leafFlake])
        try universe.commit("alice/b", id: "bd1", branch: "dev", parent: "b1", files: ["dev.txt": "dev\n"])
        try universe.tag("alice/b", "v1", at: "b1")
        try universe.tag("alice/b", "v2", at: "bd1", annotated: true)
        try universe.repo("alice/c", defaultBranch: "trunk")
        try universe.commit("alice/c", id: "c1", files: ["flake.nix": leafFlake])
        try universe.commit("alice/d", id: "d1", files: ["sub/flake.nix": leafFlake, "README": "d\n"])
        try universe.commit("corp/e", id: "e1", files: ["flake.nix": leafFlake])
        try universe.top([
            "flake.nix": flakeNix(
                """
                a.url = "github:alice/a";
                bdev.url = "github:alice/b/dev";
                blight.url = "github:alice/b/v1";
                bannotated.url = "github:alice/b/v2";
                c.url = "github:alice/c";
                d.url = "github:alice/d?dir=sub";
                e.url = "github:corp/e?host=git.example";
                arev.url = "github:alice/a/@REV:alice/a:a1@";
                """)
        ])
    }

    func flakelock(_ args: [String], engine: String, config: String = "", keepLock: Bool = true) throws
        -> ForgeCLIFixture.Run
    {
        try fixture.flakelock(args, engine: engine, config: config, keepLock: keepLock)
    }

    func apiRequests() -> [String] {
        forge.requestLog().filter { $0.contains("\"host\": \"api.") || $0.contains("/api/v3/") }
    }

    @Test(arguments: ["nix", "nix-2.8"])
    func quotaExhaustedGivesTheSameLocks(compat: String) throws {
        try setUp()
        try exhaustQuota(false)
        let viaAPI = try flakelock(["lock", "--compat", compat], engine: "api", keepLock: false)
        #expect(viaAPI.status == 0, "\(viaAPI.stderr)")
        let apiLock = try #require(viaAPI.lock)

        try exhaustQuota(true)
        forge.clearRequestLog()
        let viaGit = try flakelock(["lock", "--compat", compat], engine: "git", keepLock: false)
        #expect(viaGit.status == 0, "\(viaGit.stderr)")
        #expect(viaGit.lock == apiLock, "\(String(decoding: viaGit.lock ?? Data(), as: UTF8.self))")
        // Said once per host, with the reset time.
        let warnings = viaGit.stderr.components(separatedBy: "quota of 'github.com' is exhausted").count - 1
        #expect(warnings == 1, "\(viaGit.stderr)")
        #expect(viaGit.stderr.contains("2030-03-17T17:46:40Z"))
        #expect(viaGit.stderr.contains("quota of 'git.example' is exhausted"))
        let refsRequests = forge.requestLog().filter { $0.contains("info/refs?service=git-upload-pack") }
        #expect(!refsRequests.isEmpty)

        // Upstream moves; update one input, then all, both ways.
        try exhaustQuota(false)
        try universe.commit("alice/b", id: "bd2", branch: "dev", files: ["dev.txt": "dev 2\n"])
        try universe.commit("alice/a", id: "a2", files: ["x": "2\n"])
        try universe.commit("alice/c", id: "c2", files: ["x": "2\n"])
        for step in [["update", "bdev"], ["update"]] {
            try apiLock.write(to: URL(fileURLWithPath: "\(root)/top/flake.lock"))
            let a = try flakelock(step + ["--compat", compat], engine: "api")
            #expect(a.status == 0, "\(a.stderr)")
            try exhaustQuota(true)
            try apiLock.write(to: URL(fileURLWithPath: "\(root)/top/flake.lock"))
            let g = try flakelock(step + ["--compat", compat], engine: "git")
            try exhaustQuota(false)
            #expect(g.status == 0, "\(g.stderr)")
            #expect(a.lock != apiLock)
            #expect(g.lock == a.lock, "\(step)")
        }
    }

    @Test func neverSettingMakesNoAPIRequest() throws {
        try setUp()
        try exhaustQuota(false)
        let viaAPI = try flakelock(["lock"], engine: "api", keepLock: false)
        #expect(viaAPI.status == 0, "\(viaAPI.stderr)")
        forge.clearRequestLog()
        let never = try flakelock(["lock"], engine: "never", config: "github-api = never", keepLock: false)
        #expect(never.status == 0, "\(never.stderr)")
        #expect(never.lock == viaAPI.lock)
        #expect(apiRequests().isEmpty, "\(apiRequests())")
        #expect(!never.stderr.contains("quota"))
    }

    @Test func alwaysSettingFailsLikeNix() throws {
        try setUp()
        try exhaustQuota(true)
        let r = try flakelock(["lock"], engine: "always", config: "github-api = always", keepLock: false)
        #expect(r.status == 1)
        #expect(r.stderr.contains("HTTP error 403"), "\(r.stderr)")
        #expect(r.lock == nil)
    }

    @Test func invalidSettingIsAnError() throws {
        try setUp()
        let r = try flakelock(["lock"], engine: "bad", config: "github-api = sometimes", keepLock: false)
        #expect(r.status == 1)
        #expect(r.stderr.contains("setting 'github-api' has invalid value 'sometimes'"), "\(r.stderr)")
    }

    @Test func unknownRefOverGitNamesTheURL() throws {
        try setUp()
        try universe.top(["flake.nix": flakeNix("a.url = \"github:alice/a/no-such-branch\";")])
        let r = try flakelock(["lock"], engine: "never", config: "github-api = never", keepLock: false)
        #expect(r.status == 1)
        #expect(r.stderr.contains("could not find ref 'no-such-branch'"), "\(r.stderr)")
        #expect(r.stderr.contains("https://github.com/alice/a.git/info/refs"), "\(r.stderr)")
    }
}
