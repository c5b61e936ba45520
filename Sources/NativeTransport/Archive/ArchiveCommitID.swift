internal import CLibArchive

/// The commit an archive made by `git archive` was made from. `git archive` of a commit
/// starts the tar with a pax global header whose `comment` record is the commit's full id
/// (what `git get-tar-commit-id` reads); GitHub's, GitLab's and SourceHut's archive endpoints
/// all serve `git archive` output. libarchive skips global headers, so the id is read from
/// the first bytes of the (compressed) stream, decompressed by libarchive's raw format.
enum ArchiveCommitID {
    /// The first this many bytes of a download are kept for ``read(fromPrefix:)``; the header
    /// is the first 1 KiB of the tar, a few hundred bytes compressed.
    static let prefixLimit = 16 << 10

    /// The commit id in the pax global header at the start of `prefix` (the first bytes of
    /// a tar, possibly compressed with any filter libarchive knows), or nil.
    static func read(fromPrefix prefix: [UInt8]) -> String? {
        guard !prefix.isEmpty, let a = archive_read_new() else { return nil }
        defer { archive_read_free(a) }
        archive_read_support_filter_all(a)
        archive_read_support_format_raw(a)
        let tar: [UInt8] = prefix.withUnsafeBytes { buf in
            guard archive_read_open_memory(a, buf.baseAddress, buf.count) == ARCHIVE_OK else { return [] }
            var entry: OpaquePointer?
            guard archive_read_next_header(a, &entry) == ARCHIVE_OK else { return [] }
            var out: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while out.count < 4096 {
                // The prefix is a truncated stream: read what decompresses, then stop at the error.
                let n = chunk.withUnsafeMutableBytes { archive_read_data(a, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                out.append(contentsOf: chunk[0..<n])
            }
            return out
        }
        return commitID(inTar: tar)
    }

    /// The `comment` of a pax global header (type `g`) that is the tar's first block, when it
    /// is a 40- or 64-digit hexadecimal object id.
    static func commitID(inTar t: [UInt8]) -> String? {
        guard t.count >= 1024, t[156] == UInt8(ascii: "g"), t[257..<262].elementsEqual("ustar".utf8) else { return nil }
        let sizeField = t[124..<136].prefix { $0 != 0 && $0 != UInt8(ascii: " ") }
        guard let size = Int(String(decoding: sizeField, as: UTF8.self), radix: 8), size > 0, 512 + size <= t.count
        else { return nil }
        // Records are "LENGTH KEY=VALUE\n", LENGTH counting the whole record.
        var i = 512
        let end = 512 + size
        while i < end {
            guard let space = t[i..<end].firstIndex(of: UInt8(ascii: " ")),
                let length = Int(String(decoding: t[i..<space], as: UTF8.self)), length > 0, i + length <= end,
                t[i + length - 1] == UInt8(ascii: "\n")
            else { return nil }
            let record = t[(space + 1)..<(i + length - 1)]
            if let eq = record.firstIndex(of: UInt8(ascii: "=")), record[..<eq].elementsEqual("comment".utf8) {
                let value = String(decoding: record[(eq + 1)...], as: UTF8.self)
                let isHex = value.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
                return isHex && (value.count == 40 || value.count == 64) ? value : nil
            }
            i += length
        }
        return nil
    }
}
