/// The canonical JSON text nlohmann::json produces (docs/nix-behaviour.md, "Exact JSON text").
///
/// - Object keys in byte-wise order (``JSONObject`` keeps them so).
/// - `dump(2)`: 2-space indent, `"key": value`, empty containers `{}`/`[]`.
/// - `dump()`: no whitespace at all.
/// - Strings: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other bytes below 0x20 as `\u00xx`
///   (lowercase hex); `/`, DEL and non-ASCII written raw.
extension JSONValue {
    /// `dump(2)` without a trailing newline.
    public var prettyText: String {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(into: &out, indent: 2, depth: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// `dump(2)` plus a newline: the exact bytes of a `flake.lock` file.
    public var lockFileText: String { prettyText + "\n" }

    /// `dump()`: compact, no spaces (used by `nix flake metadata --json` and in messages).
    public var compactText: String {
        var out: [UInt8] = []
        write(into: &out, indent: nil, depth: 0)
        return String(decoding: out, as: UTF8.self)
    }

    private func newline(_ out: inout [UInt8], _ indent: Int?, _ depth: Int) {
        guard let indent else { return }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: indent * depth))
    }

    func write(into out: inout [UInt8], indent: Int?, depth: Int) {
        switch self {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .bool(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .number(let n): out.append(contentsOf: Array(n.text.utf8))
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let a):
            if a.isEmpty {
                out.append(contentsOf: [0x5B, 0x5D])
                return
            }
            out.append(0x5B)
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(0x2C) }
                newline(&out, indent, depth + 1)
                v.write(into: &out, indent: indent, depth: depth + 1)
            }
            newline(&out, indent, depth)
            out.append(0x5D)
        case .object(let o):
            if o.isEmpty {
                out.append(contentsOf: [0x7B, 0x7D])
                return
            }
            out.append(0x7B)
            for (i, m) in o.members.enumerated() {
                if i > 0 { out.append(0x2C) }
                newline(&out, indent, depth + 1)
                Self.writeString(m.key, into: &out)
                out.append(0x3A)
                if indent != nil { out.append(0x20) }
                m.value.write(into: &out, indent: indent, depth: depth + 1)
            }
            newline(&out, indent, depth)
            out.append(0x7D)
        }
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }
}
