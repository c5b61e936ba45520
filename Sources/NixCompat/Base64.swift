/// Standard base64 (RFC 4648 alphabet `A–Z a–z 0–9 + /`) with `=` padding, as Nix writes it
/// in SRI hashes. Implemented here because Nix's decoder is strict about the alphabet and
/// Foundation is not needed for 32-byte digests.
public enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let reverse: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = Int8(i) }
        return t
    }()

    public static func encodedLength(byteCount: Int) -> Int { (byteCount + 2) / 3 * 4 }

    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let b = Array(bytes)
        var out = [UInt8]()
        out.reserveCapacity(encodedLength(byteCount: b.count))
        var i = 0
        while i < b.count {
            let n = min(3, b.count - i)
            let v = UInt32(b[i]) << 16 | (n > 1 ? UInt32(b[i + 1]) << 8 : 0) | (n > 2 ? UInt32(b[i + 2]) : 0)
            out.append(alphabet[Int(v >> 18 & 63)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(n > 1 ? alphabet[Int(v >> 6 & 63)] : UInt8(ascii: "="))
            out.append(n > 2 ? alphabet[Int(v & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes padded base64; `nil` on any character outside the alphabet or bad padding.
    public static func decode(_ string: String) -> [UInt8]? {
        let c = Array(string.utf8)
        guard c.count % 4 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(c.count / 4 * 3)
        var i = 0
        while i < c.count {
            var v: UInt32 = 0
            var pad = 0
            for k in 0..<4 {
                let ch = c[i + k]
                if ch == UInt8(ascii: "=") {
                    guard i + 4 == c.count, k >= 2 else { return nil }
                    pad += 1
                    v <<= 6
                } else {
                    guard pad == 0 else { return nil }
                    let d = reverse[Int(ch)]
                    guard d >= 0 else { return nil }
                    v = v << 6 | UInt32(d)
                }
            }
            out.append(UInt8(v >> 16 & 0xff))
            if pad < 2 { out.append(UInt8(v >> 8 & 0xff)) }
            if pad < 1 { out.append(UInt8(v & 0xff)) }
            i += 4
        }
        return out
    }
}
