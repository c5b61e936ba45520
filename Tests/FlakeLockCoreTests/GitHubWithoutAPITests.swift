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

    /// How the exhausted API answers: GitHub's 403 with rate-limit headers, a 403 that says so
    /// only in its body, a 429 with the headers.
    enum QuotaAnswer: String, CaseIterable {
        case headers403, body403, headers429
    }

    /// Every API host (api.github.com, api.git.example for 2.8, HOST/api/v3 for Enterprise).
    func exhaustQuota(_ on: Bool, answer: QuotaAnswer = .headers403) throws {
        let path = "\(root)/faults.json"
        if !on {
            try? FileManager.default.removeItem(atPath: path)
            return
        }
        let headers =
            answer == .body403
            ? [:]
            : ["X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "\(Self.resetTime)"]
        let rule: [String: Any] = [
            "match": "^api\\.|/api/v3/", "status": answer == .headers429 ? 429 : 403, "headers": headers,
            "body": "{\"message\": \"API rate limit exceeded for 127.0.0.1.\"}",
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

    /// The API requests the forge answered (not the proxy's CONNECT lines).
    func apiRequests() -> [String] {
        forge.requestLog().filter {
            !$0.contains("\"method\": \"CONNECT\"") && ($0.contains("\"host\": \"api.") || $0.contains("/api/v3/"))
        }
    }

    /// The API requests that went to `host` (github.com or git.example), under either profile's URLs.
    func apiRequests(host: String) -> [String] {
        apiRequests().filter { $0.contains("\"host\": \"api.\(host)") || $0.contains("\"host\": \"\(host)") }
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
        #expect(viaGit.stderr.contains("resolving GitHub refs over git"))
        // At most two 403s per host: the API is not asked again once it said the quota is
        // exhausted. The two are the first commit lookup and, where archives go through the
        // API (Nix 2.8's URLs, another host), the archive of that input's ref beside it.
        #expect(apiRequests(host: "github.com").count == (compat == "nix" ? 1 : 2), "\(apiRequests())")
        #expect(apiRequests(host: "git.example").count == 2, "\(apiRequests())")
        let refsRequests = forge.requestLog().filter { $0.contains("info/refs?service=git-upload-pack") }
        #expect(refsRequests.count == 7, "\(refsRequests)")  // every input but the pinned `arev`

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

    /// A 403 that says so only in its body, and a 429, fall back as GitHub's usual 403 does.
    @Test(arguments: [QuotaAnswer.body403, .headers429])
    func everyQuotaAnswerFallsBack(answer: QuotaAnswer) throws {
        try setUp()
        try exhaustQuota(false)
        let viaAPI = try flakelock(["lock"], engine: "api", keepLock: false)
        #expect(viaAPI.status == 0, "\(viaAPI.stderr)")
        try exhaustQuota(true, answer: answer)
        forge.clearRequestLog()
        let viaGit = try flakelock(["lock"], engine: "git-\(answer)", keepLock: false)
        #expect(viaGit.status == 0, "\(viaGit.stderr)")
        #expect(viaGit.lock == viaAPI.lock)
        #expect(viaGit.stderr.components(separatedBy: "quota of 'github.com' is exhausted").count == 2)
        #expect(viaGit.stderr.contains("2030-03-17T17:46:40Z") == (answer != .body403), "\(viaGit.stderr)")
        #expect(apiRequests(host: "github.com").count == 1, "\(apiRequests())")
    }

    /// With a token, the API as Nix uses it (and its tarball endpoint); when even the token's
    /// quota is exhausted, git with the token as Basic credentials. The token is never printed.
    @Test func tokenUsesTheAPIAndIsNeverShown() throws {
        try setUp()
        let secret = "ghp_0123456789abcdefSECRET"
        let config = "access-tokens = github.com=\(secret) git.example=\(secret)"
        try exhaustQuota(false)
        let plain = try flakelock(["lock"], engine: "api", keepLock: false)
        #expect(plain.status == 0, "\(plain.stderr)")

        forge.clearRequestLog()
        let withToken = try flakelock(["lock", "-vv"], engine: "token", config: config, keepLock: false)
        #expect(withToken.status == 0, "\(withToken.stderr)")
        #expect(withToken.lock == plain.lock)
        #expect(!withToken.stderr.contains(secret))
        #expect(!withToken.stderr.contains("quota"))
        let log = forge.requestLog()
        #expect(log.contains { $0.contains("/repos/alice/a/tarball/") && $0.contains("\"auth\": \"token\"") })
        #expect(!apiRequests().isEmpty && apiRequests().allSatisfy { $0.contains("\"auth\": \"token\"") })
        #expect(!log.contains { $0.contains("info/refs") })

        try exhaustQuota(true)
        forge.clearRequestLog()
        let exhausted = try flakelock(["lock", "-vv"], engine: "token-git", config: config, keepLock: false)
        #expect(exhausted.status == 0, "\(exhausted.stderr)")
        #expect(exhausted.lock == plain.lock)
        #expect(!exhausted.stderr.contains(secret))
        #expect(exhausted.stderr.contains("quota of 'github.com' is exhausted"))
        let refs = forge.requestLog().filter { $0.contains("info/refs?service=git-upload-pack") }
        #expect(!refs.isEmpty && refs.allSatisfy { $0.contains("\"auth\": \"Basic\"") }, "\(refs)")

        let always = try flakelock(
            ["lock"], engine: "token-always", config: config + "\ngithub-api = always", keepLock: false)
        #expect(always.status == 1)
        #expect(!always.stderr.contains(secret))
    }

    /// In nix.conf or as `--option`, under the default profile and 2.8's.
    @Test(arguments: [(false, "nix"), (true, "nix"), (true, "nix-2.8")])
    func neverSettingMakesNoAPIRequest(asOption: Bool, compat: String) throws {
        try setUp()
        try exhaustQuota(false)
        let viaAPI = try flakelock(["lock", "--compat", compat], engine: "api", keepLock: false)
        #expect(viaAPI.status == 0, "\(viaAPI.stderr)")
        forge.clearRequestLog()
        let never =
            asOption
            ? try flakelock(
                ["lock", "--compat", compat, "--option", "github-api", "never"], engine: "never", keepLock: false)
            : try flakelock(
                ["lock", "--compat", compat], engine: "never", config: "github-api = never", keepLock: false)
        #expect(never.status == 0, "\(never.stderr)")
        #expect(!never.stderr.contains("unknown setting"), "\(never.stderr)")
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
        #expect(r.stderr.contains("https://api.github.com/repos/alice/"), "\(r.stderr)")
        #expect(r.stderr.contains("github:alice/"), "\(r.stderr)")
        #expect(r.stderr.contains("resets at 2030-03-17T17:46:40Z"), "\(r.stderr)")
        #expect(r.stderr.contains("'github-api = auto' (or 'never')"), "\(r.stderr)")
        #expect(r.stderr.contains("'access-tokens = github.com=TOKEN'"), "\(r.stderr)")
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
