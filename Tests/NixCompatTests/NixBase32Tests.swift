import NixCompat
import Testing

struct NixBase32Tests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var nix32: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = [
        Vector(name: "empty", bytes: [], nix32: ""),
        Vector(name: "one byte 0x1f", bytes: [0x1f], nix32: "0z"),
        Vector(
            name: "sha256 of empty",
            bytes: Base16.decode("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")!,
            nix32: "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"),
        Vector(
            name: "sha1 of empty", bytes: Base16.decode("da39a3ee5e6b4b0d3255bfef95601890afd80709")!,
            nix32: "143xibwh31h9bvxzalr0sjvbbvpa6ffs"),
        Vector(
            name: "store path digest (vector A)", bytes: Base16.decode("d488cc76e2f440468d3a9506e5a0f8249a7a86ae")!,
            nix32: "ms37m6i4z2hfa1lm7a6lch7lw9vcr26l"),
    ]

    @Test(arguments: vectors)
    func encodesAndDecodes(_ v: Vector) {
        #expect(NixBase32.encode(v.bytes) == v.nix32)
        #expect(NixBase32.decode(v.nix32, byteCount: v.bytes.count) == v.bytes)
    }

    @Test(arguments: [
        ("0e", 1),  // 'e' is not in the alphabet
        ("0u", 1),  // nor 'u'
        ("zz", 1),  // sets bits past the last byte
        ("000", 1),  // wrong length
    ])
    func rejectsInvalid(_ s: String, _ n: Int) {
        #expect(NixBase32.decode(s, byteCount: n) == nil)
    }

    @Test func roundTripsEveryLength() {
        var rng = SystemRandomNumberGenerator()
        for n in 0..<70 {
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let s = NixBase32.encode(bytes)
            #expect(s.count == NixBase32.encodedLength(byteCount: n))
            #expect(NixBase32.decode(s, byteCount: n) == bytes)
        }
    }
}
