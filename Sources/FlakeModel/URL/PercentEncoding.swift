/// Percent-encoding and -decoding as the different Nix versions do it (docs/nix-behaviour.md,
/// "URL rendering and percent-encoding").
public enum PercentEncoding {
    static let unreserved: Set<UInt8> = Set(
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))

    /// Characters 2.8 leaves as they are in query names and values.
    static let nix28Query: Set<UInt8> = unreserved.union(Array("!$&'()*+,;=:@".utf8))
    /// Characters 2.14 and later leave as they are in query names and values.
    static let modernQuery: Set<UInt8> = unreserved.union(Array(":@/?".utf8))
    /// Characters kept in a path segment (boost.url) — `/` is escaped.
    static let segment: Set<UInt8> = unreserved.union(Array(":@".utf8))
    /// Characters kept in a whole path (2.14–2.30, Lix).
    static let path: Set<UInt8> = unreserved.union(Array(":@/".utf8))

    /// Encodes every byte of `s` not in `keep`.
    ///
    /// - Parameters:
    ///   - keep: bytes written as they are.
    ///   - lowercaseSignExtended: 2.8's form: lowercase hex, and bytes ≥ 0x80 printed as a
    ///     sign-extended 32-bit number (`ü` → `%ffffffc3%ffffffbc`).
    static func encode(_ s: String, keeping keep: Set<UInt8>, lowercaseSignExtended: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        let upper = Array("0123456789ABCDEF".utf8)
        let lower = Array("0123456789abcdef".utf8)
        for b in s.utf8 {
            if keep.contains(b) {
                out.append(b)
            } else if lowercaseSignExtended {
                out.append(UInt8(ascii: "%"))
                if b >= 0x80 { out.append(contentsOf: Array("ffffff".utf8)) }
                out.append(lower[Int(b >> 4)])
                out.append(lower[Int(b & 0xF)])
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(upper[Int(b >> 4)])
                out.append(upper[Int(b & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Encodes a query name or value for the given rendering.
    public static func encodeQueryComponent(_ s: String, _ encoding: CompatProfile.URLEncoding) -> String {
        switch encoding {
        case .nix28: encode(s, keeping: nix28Query, lowercaseSignExtended: true)
        case .nix214to230, .boost: encode(s, keeping: modernQuery)
        }
    }

    /// Encodes a URL path for the given rendering. `path` is the path as the URL parser of
    /// the same profile holds it (2.8: raw text, later: decoded).
    public static func encodePath(_ path: String, _ encoding: CompatProfile.URLEncoding) -> String {
        switch encoding {
        case .nix28: path
        case .nix214to230: encode(path, keeping: Self.path)
        case .boost:
            path.split(separator: "/", omittingEmptySubsequences: false)
                .map { encode(String($0), keeping: segment) }
                .joined(separator: "/")
        }
    }

    /// Decodes `%XX` sequences; returns nil if a `%` is not followed by two hex digits.
    public static func decode(_ s: String) -> String? {
        guard s.utf8.contains(UInt8(ascii: "%")) else { return s }
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, let h = hexValue(bytes[i + 1]), let l = hexValue(bytes[i + 2]) else {
                    return nil
                }
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Like ``decode(_:)`` but leaves malformed escapes as they are (2.8's `percentDecode`
    /// is lenient).
    static func decodeLenient(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "%")) else { return s }
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
                let h = hexValue(bytes[i + 1]), let l = hexValue(bytes[i + 2])
            {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
