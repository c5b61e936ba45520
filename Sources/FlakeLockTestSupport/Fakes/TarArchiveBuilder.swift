import NixCompat

/// Real ustar archives (and gzip-wrapped ones) built in memory from a ``MemoryTree``, laid out
/// as forges serve them: one top-level directory (`owner-repo-<rev>/`) holding the tree.
/// Every entry carries the same `mtime`, so Nix's `lastModified` of the archive is known.
///
///     let bytes = TarArchiveBuilder(tree: .dir(["flake.nix": .file("{ outputs = _: {}; }")]))
///         .tarGz(topDirectory: "source-abc", mtime: 1_700_000_000)
public struct TarArchiveBuilder: Sendable {
    public var tree: MemoryTree

    public init(tree: MemoryTree) { self.tree = tree }

    public struct TooLong: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "tar path '\(path)' does not fit a ustar header" }
    }

    /// An uncompressed ustar archive. `topDirectory` nil puts the tree's entries at the root.
    /// With `commitID`, the archive starts as `git archive` of a commit does: a pax global
    /// header whose `comment` is the commit's id.
    public func tar(topDirectory: String?, mtime: Int64, commitID: String? = nil) throws -> [UInt8] {
        var out: [UInt8] = []
        if let commitID {
            let body = "comment=\(commitID)\n"
            // The record's length counts itself: "52 comment=<40 hex>\n" for a SHA-1.
            var length = body.utf8.count + 2
            while String(length).count + 1 + body.utf8.count != length { length += 1 }
            let record = Array("\(length) \(body)".utf8)
            out += try Self.header(
                path: "pax_global_header", mode: 0o666, size: record.count, type: "g", link: "", mtime: 0)
            out += record + [UInt8](repeating: 0, count: (512 - record.count % 512) % 512)
        }
        if let top = topDirectory {
            try Self.append(path: top, node: tree, mtime: mtime, to: &out)
        } else if case .directory(let entries) = tree {
            for name in entries.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                try Self.append(
                    path: String(decoding: name, as: UTF8.self), node: entries[name]!, mtime: mtime, to: &out)
            }
        } else {
            try Self.append(path: "source", node: tree, mtime: mtime, to: &out)
        }
        out += [UInt8](repeating: 0, count: 1024)  // two zero blocks end the archive
        return out
    }

    /// The ustar archive, gzip-compressed (stored deflate blocks: valid gzip, no zlib needed).
    public func tarGz(topDirectory: String?, mtime: Int64, commitID: String? = nil) throws -> [UInt8] {
        Gzip.wrap(try tar(topDirectory: topDirectory, mtime: mtime, commitID: commitID))
    }

    private static func append(path: String, node: MemoryTree, mtime: Int64, to out: inout [UInt8]) throws {
        switch node {
        case .regular(let executable, let contents):
            out += try header(
                path: path, mode: executable ? 0o755 : 0o644, size: contents.count, type: "0", link: "", mtime: mtime)
            out += contents
            out += [UInt8](repeating: 0, count: (512 - contents.count % 512) % 512)
        case .symlink(let target):
            out += try header(
                path: path, mode: 0o777, size: 0, type: "2", link: String(decoding: target, as: UTF8.self), mtime: mtime
            )
        case .directory(let entries):
            out += try header(path: path + "/", mode: 0o755, size: 0, type: "5", link: "", mtime: mtime)
            for name in entries.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                try append(
                    path: path + "/" + String(decoding: name, as: UTF8.self), node: entries[name]!, mtime: mtime,
                    to: &out)
            }
        }
    }

    private static func header(path: String, mode: Int, size: Int, type: Character, link: String, mtime: Int64) throws
        -> [UInt8]
    {
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ s: [UInt8], at offset: Int, width: Int) throws {
            guard s.count <= width else { throw TooLong(path: path) }
            h.replaceSubrange(offset..<offset + s.count, with: s)
        }
        func octal(_ v: Int64, width: Int) -> [UInt8] {
            let digits = String(v, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8)
        }
        var name = Array(path.utf8)
        var prefix: [UInt8] = []
        if name.count > 100, let slash = name[..<min(name.count, 156)].lastIndex(of: UInt8(ascii: "/")) {
            prefix = Array(name[..<slash])
            name = Array(name[(slash + 1)...])
        }
        try put(name, at: 0, width: 100)
        try put(octal(Int64(mode), width: 8), at: 100, width: 8)
        try put(octal(0, width: 8), at: 108, width: 8)
        try put(octal(0, width: 8), at: 116, width: 8)
        try put(octal(Int64(size), width: 12), at: 124, width: 12)
        try put(octal(mtime, width: 12), at: 136, width: 12)
        h.replaceSubrange(148..<156, with: [UInt8](repeating: 0x20, count: 8))
        h[156] = UInt8(ascii: type.unicodeScalars.first!)
        try put(Array(link.utf8), at: 157, width: 100)
        try put(Array("ustar\0".utf8), at: 257, width: 6)
        try put(Array("00".utf8), at: 263, width: 2)
        try put(prefix, at: 345, width: 155)
        let sum = h.reduce(0) { $0 + Int64($1) }
        try put(octal(sum, width: 7) + [0], at: 148, width: 8)
        return h
    }
}

/// gzip framing (RFC 1952) around deflate "stored" blocks (RFC 1951 §3.2.4).
enum Gzip {
    static func wrap(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]
        var start = 0
        repeat {
            let end = min(data.count, start + 65535)
            let len = UInt16(end - start)
            out.append(end == data.count ? 1 : 0)
            out += [UInt8(len & 0xff), UInt8(len >> 8), UInt8(~len & 0xff), UInt8(~len >> 8)]
            out += data[start..<end]
            start = end
        } while start < data.count
        let crc = crc32(data)
        let size = UInt32(truncatingIfNeeded: data.count)
        for v in [crc, size] { out += [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)] }
        return out
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
