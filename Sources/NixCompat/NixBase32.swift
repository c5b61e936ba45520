/// Nix's base-32 encoding ("nix32").
///
/// It is not RFC 4648 base32: the alphabet is `0123456789abcdfghijklmnpqrsvwxyz` (no `e o t u`),
/// there is no padding, and the digest is read as a little-endian bit string whose 5-bit groups
/// are emitted from the most significant end. So the *last* byte of the digest drives the
/// *first* character. Length: ⌈8·n / 5⌉ characters for n bytes (SHA-256: 52, SHA-1: 32,
/// a 20-byte store-path digest: 32).
public enum NixBase32 {
    static let alphabet: [UInt8] = Array("0123456789abcdfghijklmnpqrsvwxyz".utf8)
    static let reverse: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    /// Number of characters needed for `byteCount` bytes.
    public static func encodedLength(byteCount: Int) -> Int {
        (byteCount * 8 + 4) / 5
    }

    /// Encodes `bytes` as nix32.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let hash = Array(bytes)
        let len = encodedLength(byteCount: hash.count)
        var out = [UInt8]()
        out.reserveCapacity(len)
        var k = len - 1
        while k >= 0 {
            let b = k * 5
            let i = b / 8
            let j = b % 8
            var c = Int(hash[i]) >> j
            if i + 1 < hash.count { c |= Int(hash[i + 1]) << (8 - j) }
            out.append(alphabet[c & 31])
            k -= 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes a nix32 string into `byteCount` bytes, or `nil` when it is not valid nix32 for
    /// that length (a character outside the alphabet, a wrong length, or bits set beyond the
    /// last byte).
    public static func decode(_ string: String, byteCount: Int) -> [UInt8]? {
        let chars = Array(string.utf8)
        guard chars.count == encodedLength(byteCount: byteCount) else { return nil }
        var out = [UInt8](repeating: 0, count: byteCount)
        for (n, ch) in chars.reversed().enumerated() {
            let digit = reverse[Int(ch)]
            guard digit >= 0 else { return nil }
            let b = n * 5
            let i = b / 8
            let j = b % 8
            let d = UInt16(digit)
            out[i] |= UInt8(truncatingIfNeeded: d << j)
            let carry = UInt8(truncatingIfNeeded: d >> (8 - j))
            if i + 1 < byteCount {
                out[i + 1] |= carry
            } else if carry != 0 {
                return nil
            }
        }
        return out
    }
}
