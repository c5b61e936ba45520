import FlakeLockBasics
import FlakeModel
import NixCompat

/// Current Nix's fingerprint of a dirty Git work tree (src/libfetchers/git.cc,
/// `getFingerprint`, since 2.26): HEAD's revision and the `;s`/`;e`/`;l` flags, then `;d=`
/// and the SHA-512 (base16) of every modified file (`modified:`, its `/`-rooted path, the
/// file as a NAR) and every deleted file (`deleted:`, its path), in Nix's path order. A tree
/// with a `.gitmodules` file, or without commits, has none.
enum GitDirtyFingerprint {
    static func compute(
        workTree: String, head: GitObjectID, changes: GitWorkTreeChanges, spec: GitInput
    ) throws -> String {
        var sink = SHA512Sink()
        for file in sorted(changes.modified) {
            sink.writeString(Array("modified:".utf8))
            sink.writeString(Array(("/" + file).utf8))
            var nar = NARWriter(sink: sink)
            try nar.write(tree: DiskTreeNode(path: workTree + "/" + file))
            sink = try nar.finish()
        }
        for file in sorted(changes.deleted) {
            sink.writeString(Array("deleted:".utf8))
            sink.writeString(Array(("/" + file).utf8))
        }
        var s = head.hex
        if spec.submodules == true { s += ";s" }
        if spec.exportIgnore == true { s += ";e" }
        if spec.lfs == true { s += ";l" }
        return s + ";d=" + sink.finalize().base16
    }

    /// Nix's `CanonPath` order: byte-wise, with `/` sorting before every other byte and
    /// bytes compared as (signed) `char`s.
    static func sorted(_ paths: [String]) -> [String] {
        func key(_ p: String) -> [Int8] { p.utf8.map { $0 == UInt8(ascii: "/") ? 0 : Int8(bitPattern: $0) } }
        return paths.sorted { key($0).lexicographicallyPrecedes(key($1)) }
    }
}
