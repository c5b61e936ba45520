import Fetchers
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
