import Fetchers
import FlakeLockTestSupport
import Testing

/// The smart-HTTP ref advertisement parser, on hand-made pkt-lines (the real `git
/// http-backend` answer is covered by the GitHub-without-API lock tests).
struct GitRefAdvertisementTests {
    static func pkt(_ s: String) -> String {
        let n = s.utf8.count + 4
        let hex = String(n, radix: 16)
        return String(repeating: "0", count: 4 - hex.count) + hex + s
    }

    static let a = String(repeating: "a", count: 40)
    static let b = String(repeating: "b", count: 40)
    static let c = String(repeating: "c", count: 40)
    static let t = String(repeating: "d", count: 40)

    static let body: [UInt8] = Array(
        (pkt("# service=git-upload-pack\n") + "0000"
            + pkt("\(a) HEAD\u{0}multi_ack symref=HEAD:refs/heads/trunk agent=git/2.39\n")
            + pkt("\(b) refs/heads/dev\n") + pkt("\(a) refs/heads/trunk\n")
            + pkt("\(c) refs/tags/light\n") + pkt("\(t) refs/tags/v2\n") + pkt("\(b) refs/tags/v2^{}\n")
            + pkt("\(c) refs/tags/dev\n") + "0000").utf8)

    @Test(arguments: [
        ("HEAD", a), ("trunk", a), ("dev", b), ("light", c), ("v2", b), ("refs/tags/dev", c),
        ("refs/heads/dev", b), ("refs/tags/v2", b),
    ])
    func resolves(ref: String, expected: String) throws {
        let ad = try GitRefAdvertisement.parse(Self.body)
        #expect(ad.headTarget == "refs/heads/trunk")
        #expect(ad.commit(for: ref)?.hex == expected)
    }

    @Test func unknownRefs() throws {
        let ad = try GitRefAdvertisement.parse(Self.body)
        #expect(ad.commit(for: "nope") == nil)
        #expect(ad.commit(for: "refs/nope") == nil)
        #expect(ad.commit(for: String(Self.a.prefix(7))) == nil)
    }

    @Test func emptyRepository() throws {
        let z = String(repeating: "0", count: 40)
        let body = Array(
            (Self.pkt("# service=git-upload-pack\n") + "0000" + Self.pkt("\(z) capabilities^{}\u{0}agent=x\n") + "0000")
                .utf8)
        let ad = try GitRefAdvertisement.parse(body)
        #expect(ad.refs.isEmpty)
        #expect(ad.commit(for: "HEAD") == nil)
    }

    @Test(arguments: ["zzzz", "0010short", "00ffnot long enough", "0009x\n", "<html>rate limited</html>"])
    func malformed(body: String) {
        #expect(throws: GitRefAdvertisement.ParseError.self) { try GitRefAdvertisement.parse(Array(body.utf8)) }
    }
}

/// The parser on what a real `git upload-pack` advertises for a real repository (protocol
/// v0, as `git http-backend` sends it), checked against `git ls-remote` and `git rev-parse`.
struct GitRefAdvertisementRealGitTests {
    let dir = TestDirectory.make(prefix: "flakelock-pktline")
    let repo: GitFixtureRepository

    init() throws {
        repo = try GitFixtureRepository(at: dir.path + "/r", branch: "trunk")
        try repo.write("a", "1\n")
        let first = try repo.commit("first")
        try repo.git("checkout", "-q", "-b", "dev")
        try repo.write("b", "2\n")
        _ = try repo.commit("second")
        try repo.git("checkout", "-q", "trunk")
        try repo.tag("light", at: first)
        try repo.tag("v2", annotated: true, at: "dev")
        // A tag of a tag: peeled to the commit, as `git ls-remote` shows it.
        try repo.tag("v2-again", annotated: true, at: "v2")
        // A branch and a tag of one name: the branch wins, as GitHub's commits API resolves it.
        try repo.git("branch", "same", "dev")
        try repo.tag("same", at: first)
    }

    /// `git upload-pack --advertise-refs`, with the `# service` header http-backend adds or without.
    func advertisement(withServiceHeader: Bool) throws -> [UInt8] {
        let raw = try repo.git("upload-pack", "--advertise-refs", "--stateless-rpc", ".")
        let header = "001e# service=git-upload-pack\n0000"
        return Array(((withServiceHeader ? header : "") + raw).utf8)
    }

    @Test(arguments: [true, false])
    func matchesLsRemote(withServiceHeader: Bool) throws {
        let ad = try GitRefAdvertisement.parse(advertisement(withServiceHeader: withServiceHeader))
        var refs: [String: String] = [:]
        var peeled: [String: String] = [:]
        for line in try repo.git("ls-remote", ".").split(separator: "\n") {
            let parts = line.split(separator: "\t")
            let name = String(parts[1])
            if name.hasSuffix("^{}") {
                peeled[String(name.dropLast(3))] = String(parts[0])
            } else {
                refs[name] = String(parts[0])
            }
        }
        #expect(refs.count == 8)
        #expect(ad.refs.mapValues(\.hex) == refs)
        #expect(ad.peeled.mapValues(\.hex) == peeled)
        #expect(ad.headTarget == (try repo.git("symbolic-ref", "HEAD")))
    }

    @Test(arguments: [
        ("HEAD", "trunk"), ("trunk", "trunk"), ("dev", "dev"), ("light", "light^{commit}"), ("v2", "dev"),
        ("v2-again", "dev"), ("same", "refs/heads/same"), ("refs/tags/same", "refs/tags/same"),
        ("refs/heads/dev", "dev"), ("refs/tags/v2", "dev"),
    ])
    func resolvesAsGitHubDoes(ref: String, expected: String) throws {
        let ad = try GitRefAdvertisement.parse(advertisement(withServiceHeader: true))
        #expect(ad.commit(for: ref)?.hex == (try repo.git("rev-parse", expected + "^{commit}")))
    }

    @Test func unknownRef() throws {
        let ad = try GitRefAdvertisement.parse(advertisement(withServiceHeader: false))
        #expect(ad.commit(for: "nope") == nil)
        #expect(ad.commit(for: "refs/heads/nope") == nil)
    }
}
