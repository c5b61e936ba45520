import NixCompat
import Testing

struct NixHashTests {
    static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    @Test func sha256OfEmptyInEveryEncoding() {
        let h = NixHash.sha256(of: [UInt8]())
        #expect(h.base16 == Self.emptySHA256)
        #expect(h.nix32 == "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73")
        #expect(h.base64 == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        #expect(h.sri == "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        #expect(h.description == h.sri)
        #expect(h.prefixed(.nix32) == "sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73")
    }

    @Test(arguments: [
        "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73",
        "sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    ])
    func parsesEveryPrefixedForm(_ s: String) throws {
        let h = try NixHash.parse(s)
        #expect(h.algorithm == .sha256)
        #expect(h.base16 == Self.emptySHA256)
    }

    @Test(arguments: [
        Self.emptySHA256,
        "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73",
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    ])
    func parsesBareDigestsByLength(_ s: String) throws {
        #expect(try NixHash.parse(s, algorithm: .sha256).base16 == Self.emptySHA256)
    }

    @Test func sha1AndSHA512() throws {
        let h = try NixHash.parse("sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(h.algorithm == .sha1)
        #expect(h.nix32 == "143xibwh31h9bvxzalr0sjvbbvpa6ffs")
        let s = try NixHash.parse("sha512-" + String(repeating: "A", count: 86) + "==")
        #expect(s.digest == [UInt8](repeating: 0, count: 64))
    }

    @Test func errors() {
        #expect(throws: NixHashError.unknownAlgorithm("sha3")) { try NixHash.parse("sha3:abc") }
        #expect(throws: NixHashError.wrongLength(hash: "sha256:abc", algorithm: .sha256)) {
            try NixHash.parse("sha256:abc")
        }
        #expect(throws: NixHashError.invalidSRI("sha256-!!!")) { try NixHash.parseSRI("sha256-!!!") }
        #expect(throws: NixHashError.missingAlgorithm(Self.emptySHA256)) { try NixHash.parse(Self.emptySHA256) }
        let bad = String(repeating: "e", count: 52)
        #expect(throws: NixHashError.invalidCharacters(hash: "sha256:" + bad)) { try NixHash.parse("sha256:" + bad) }
        #expect(throws: NixHashError.self) {
            try NixHash.parseNARHash("sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=")
        }
    }

    @Test func narHashRules() throws {
        #expect(try NixHash.parseNARHash("").digest == [UInt8](repeating: 0, count: 32))
        #expect(
            try NixHash.parseNARHash("sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=").base16 == Self.emptySHA256)
        // narHash must be SRI: other forms are rejected.
        #expect(throws: NixHashError.self) { try NixHash.parseNARHash("sha256:" + Self.emptySHA256) }
    }

    @Test func digestLengthIsChecked() {
        #expect(NixHash(algorithm: .sha256, digest: [1, 2, 3]) == nil)
        #expect(NixHash(algorithm: .sha1, digest: [UInt8](repeating: 0, count: 20)) != nil)
    }
}
