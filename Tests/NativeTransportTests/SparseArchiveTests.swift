import Fetchers
import FlakeLockBasics
import FlakeLockTestSupport
import Foundation
import NativeTransport
import Testing

/// Sparse members (GNU tar `--sparse`) must hash as the files `tar -x` extracts: holes are
/// zeros, wherever they are (start, middle, end, the whole file).
@Suite("Sparse archives") struct SparseArchiveTests {
    /// `tar` options for each sparse encoding GNU tar writes.
    static let formats: [(name: String, options: [String])] = [
        ("gnu", ["--format=gnu"]),
        ("pax-0.0", ["--format=pax", "--sparse-version=0.0"]),
        ("pax-0.1", ["--format=pax", "--sparse-version=0.1"]),
        ("pax-1.0", ["--format=pax", "--sparse-version=1.0"]),
    ]

    /// Writes sparse files: all hole (small and large), data then hole, hole then data,
    /// data/hole/data, and a hole-only file inside a subdirectory.
    static func writeSparseTree(at root: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
        func sparse(_ name: String, size: Int, data: [(offset: Int, bytes: String)]) throws {
            let path = root + "/" + name
            guard fm.createFile(atPath: path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
            let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            for d in data {
                try h.seek(toOffset: UInt64(d.offset))
                try h.write(contentsOf: Data(d.bytes.utf8))
            }
            try h.truncate(atOffset: UInt64(size))
            try h.close()
        }
        let mib = 1 << 20
        try sparse("all-hole", size: 4 * mib, data: [])
        try sparse("small-hole", size: 100_000, data: [])
        try sparse("data-then-hole", size: 3 * mib, data: [(0, String(repeating: "head", count: 3000))])
        try sparse("hole-then-data", size: 2 * mib + 7, data: [(2 * mib, "tail!!\n")])
        try sparse("data-hole-data", size: 5 * mib, data: [(0, "start"), (3 * mib, "middle"), (5 * mib - 4, "end\n")])
        try sparse("sub/deep-hole", size: 9 * mib, data: [])
        try Data("plain\n".utf8).write(to: URL(fileURLWithPath: root + "/plain"))
    }

    /// A sparse tarball of the tree, and the NAR hash of what `tar -x` makes of it.
    static func makeArchive(_ dir: TT.Dir, options: [String], compress: Bool) throws -> (
        archive: String, expected: String
    ) {
        let tree = dir.sub("tree/src")
        try writeSparseTree(at: tree)
        let archive = dir.sub(compress ? "sparse.tar.gz" : "sparse.tar")
        try FixtureShell.run(
            ["tar", "--sparse"] + options + (compress ? ["-z"] : []) + ["-cf", archive, "-C", dir.sub("tree"), "src"],
            environment: ["GZIP": "-n"])
        let out = dir.sub("extracted")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try FixtureShell.run(["tar", "-xf", archive, "-C", out])
        return (archive, try TT.expectedHash(ofPath: out + "/src"))
    }

    @Test(arguments: 0..<formats.count)
    func sparseMembersHashAsExtracted(format: Int) async throws {
        let dir = try TT.Dir()
        let (archive, expected) = try await TT.offPool {
            try Self.makeArchive(dir, options: Self.formats[format].options, compress: false)
        }
        // The archive really is sparse: 23 MiB of files in far less space.
        let size = try FileManager.default.attributesOfItem(atPath: archive)[.size] as? Int ?? 0
        #expect(size < 1 << 20, "\(Self.formats[format].name) archive is \(size) bytes")
        let hasher = LibArchiveHasher(http: try TT.http())
        let local = try await hasher.hashArchive(atPath: archive, options: ArchiveOptions(sourceDescription: archive))
        #expect(local.narHash.sri == expected, "\(Self.formats[format].name)")
    }

    @Test(arguments: 0..<formats.count)
    func sparseMembersHashAsExtractedWhenDownloaded(format: Int) async throws {
        let dir = try TT.Dir()
        let (archive, expected) = try await TT.offPool {
            try Self.makeArchive(dir, options: Self.formats[format].options, compress: true)
        }
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/s.tar.gz": [.init(bodyFile: archive)]])
        let hasher = LibArchiveHasher(http: try TT.http())
        let url = server.url("/s.tar.gz")
        let r = try await hasher.download(HTTPRequest(url: url), mode: .archive(ArchiveOptions(sourceDescription: url)))
        #expect(r.archive?.narHash.sri == expected, "\(Self.formats[format].name)")
    }
}
