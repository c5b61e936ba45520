import Fetchers
import FlakeLockBasics
import FlakeLockTestSupport
import Foundation
import NativeTransport
import Testing

/// An archive that expands without bound stops at the configured limit, wherever the bytes
/// come from: one huge member, many members, sparse holes, a zip, a `file` download.
@Suite("Unpacked size limit") struct UnpackedSizeLimitTests {
    static let limit: UInt64 = 1 << 20

    /// Writes `count` files of `size` zero bytes (sparse on disk) under `dir/tree/src`.
    static func zeros(_ dir: TT.Dir, count: Int, size: Int) throws {
        let src = dir.sub("tree/src")
        try FileManager.default.createDirectory(atPath: src, withIntermediateDirectories: true)
        for i in 0..<count { try FixtureShell.run(["truncate", "-s", String(size), src + "/z\(i)"]) }
    }

    /// Highly compressible archives of the tree: (name, path).
    static func bombs(_ dir: TT.Dir) throws -> [(String, String)] {
        let tree = dir.sub("tree")
        var out: [(String, String)] = []
        for (name, args) in [
            ("plain.tar.gz", ["-czf"]), ("sparse.tar.gz", ["--sparse", "--format=pax", "-czf"]),
            ("plain.tar.xz", ["-cJf"]),
        ] {
            let path = dir.sub(name)
            try FixtureShell.run(["tar"] + args + [path, "-C", tree, "src"])
            out.append((name, path))
        }
        let zip = dir.sub("bomb.zip")
        try FixtureShell.run(["zip", "-q", "-r", zip, "src"], in: tree)
        out.append(("bomb.zip", zip))
        return out
    }

    @Test(arguments: [(1, 8 << 20), (40, 40_000)])
    func archivesPastTheLimitFail(count: Int, size: Int) async throws {
        let dir = try TT.Dir()
        let bombs = try await TT.offPool {
            try Self.zeros(dir, count: count, size: size)
            return try Self.bombs(dir)
        }
        let server = try LoopbackHTTPServer()
        try server.setRoutes(
            Dictionary(uniqueKeysWithValues: bombs.map { ("/" + $0.0, [LoopbackHTTPServer.Route(bodyFile: $0.1)]) }))
        let hasher = LibArchiveHasher(http: try TT.http(), maxUnpackedSize: Self.limit)
        for (name, path) in bombs {
            let compressed = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
            #expect(compressed < 1 << 20, "\(name) is \(compressed) bytes")
            await #expect(throws: ArchiveError.unpackedSizeLimit(source: path, limit: Self.limit)) {
                _ = try await hasher.hashArchive(atPath: path, options: ArchiveOptions(sourceDescription: path))
            }
            let url = server.url("/" + name)
            await #expect(throws: ArchiveError.unpackedSizeLimit(source: url, limit: Self.limit)) {
                _ = try await hasher.download(
                    HTTPRequest(url: url), mode: .archive(ArchiveOptions(sourceDescription: url)))
            }
        }
        let e = ArchiveError.unpackedSizeLimit(source: "http://x/y.tar.gz", limit: Self.limit)
        #expect(
            e.description
                == "'http://x/y.tar.gz' unpacks to more than 1048576 bytes, the limit set by 'max-unpacked-size'")
    }

    @Test func archivesWithinTheLimitStillHash() async throws {
        let dir = try TT.Dir()
        let (expected, bombs) = try await TT.offPool {
            try Self.zeros(dir, count: 4, size: 200_000)
            return (try TT.expectedHash(ofPath: dir.sub("tree/src")), try Self.bombs(dir))
        }
        let hasher = LibArchiveHasher(http: try TT.http(), maxUnpackedSize: Self.limit)
        for (name, path) in bombs {
            let r = try await hasher.hashArchive(atPath: path, options: ArchiveOptions(sourceDescription: path))
            #expect(r.narHash.sri == expected, "\(name)")
        }
    }

    @Test func fileDownloadsPastTheLimitFail() async throws {
        let dir = try TT.Dir()
        let big = dir.sub("big")
        _ = try await TT.offPool { try FixtureShell.run(["truncate", "-s", String(3 << 20), big]) }
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/big": [.init(bodyFile: big)]])
        let hasher = LibArchiveHasher(http: try TT.http(), maxUnpackedSize: Self.limit)
        let url = server.url("/big")
        await #expect(throws: ArchiveError.unpackedSizeLimit(source: url, limit: Self.limit)) {
            _ = try await hasher.download(HTTPRequest(url: url), mode: .file)
        }
    }

    @Test func settingIsReadWithSizeSuffixes() throws {
        func size(_ v: String?) throws -> UInt64? {
            try NixSettings(values: v.map { ["max-unpacked-size": $0] } ?? [:]).maxUnpackedSize()
        }
        #expect(try size(nil) == 8 << 30)
        #expect(try size("1000") == 1000)
        #expect(try size("1K") == 1024)
        #expect(try size("3M") == 3 << 20)
        #expect(try size("2G") == 2 << 30)
        #expect(try size("1T") == 1 << 40)
        #expect(try size("0") == nil)
        for bad in ["", "x", "1.5G", "-1", "1P", "99999999999999999999T"] {
            #expect(throws: NixSettingsError.invalidValue(name: "max-unpacked-size", value: bad)) { try size(bad) }
        }
    }
}
