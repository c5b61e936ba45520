import Fetchers
import FlakeLockBasics
import FlakeLockTestSupport
import Foundation
import NativeTransport
import NixCompat
import Testing

@Suite("LibArchiveHasher") struct ArchiveHasherTests {
    /// A sample tree under `<dir>/src/top` with fixed mtimes (files 1650000000, top 1600000000).
    static func makeSource(_ dir: TT.Dir) throws -> String {
        let top = dir.sub("src/top")
        try TT.writeSampleTree(at: top)
        try FixtureShell.run(
            ["sh", "-c", "find . -exec touch -h -d @1650000000 {} + && touch -d @1600000000 top", "x"],
            in: dir.sub("src"))
        return top
    }

    enum Format: String, CaseIterable, Sendable {
        case tar, gz, xz, bz2, zst, zip
    }

    static func pack(_ dir: TT.Dir, _ format: Format) throws -> String {
        let out = dir.sub("archive.\(format.rawValue)")
        let src = dir.sub("src")
        switch format {
        case .tar: try FixtureShell.run(["tar", "-cf", out, "top"], in: src)
        case .gz: try FixtureShell.run(["tar", "-czf", out, "top"], in: src)
        case .xz: try FixtureShell.run(["tar", "-cJf", out, "top"], in: src)
        case .bz2: try FixtureShell.run(["tar", "-cjf", out, "top"], in: src)
        case .zst: try FixtureShell.run(["tar", "--zstd", "-cf", out, "top"], in: src)
        case .zip: try FixtureShell.run(["zip", "-q", "-r", "-y", out, "top"], in: src)
        }
        return out
    }

    /// Extracts with the format's own tool (the oracle), returns the top directory.
    static func unpack(_ dir: TT.Dir, _ format: Format, _ archive: String) throws -> String {
        let dest = dir.sub("unpacked-\(format.rawValue)")
        try FileManager.default.createDirectory(atPath: dest, withIntermediateDirectories: true)
        if format == .zip {
            try FixtureShell.run(["unzip", "-q", archive, "-d", dest])
        } else {
            try FixtureShell.run(["tar", "-xf", archive, "-C", dest])
        }
        return dest + "/top"
    }

    static func hasher() throws -> (LibArchiveHasher, CurlHTTPTransport) {
        let http = try TT.http()
        return (LibArchiveHasher(http: http, maxConcurrentDownloads: 2), http)
    }

    @Test(arguments: Format.allCases)
    func downloadedArchiveHashEqualsUnpackedTree(_ format: Format) async throws {
        let dir = try TT.Dir()
        _ = try Self.makeSource(dir)
        let archive = try Self.pack(dir, format)
        let expected = try TT.expectedHash(ofPath: try Self.unpack(dir, format, archive))
        let server = try LoopbackHTTPServer()
        try server.setRoutes([
            "/a": [
                .init(
                    headers: ["Link": "<http://x/y.tar.gz?rev=1>; rel=\"immutable\""], bodyFile: archive, etag: "\"e1\""
                )
            ]
        ])
        let (hasher, _) = try Self.hasher()
        let options = ArchiveOptions(captureFiles: ["flake.nix", "missing.nix"], sourceDescription: server.url("/a"))
        let r = try await hasher.download(HTTPRequest(url: server.url("/a")), mode: .archive(options))
        let a = try #require(r.archive)
        #expect(a.narHash.sri == expected)
        #expect(a.capturedFiles == ["flake.nix": Array("{ outputs = _: { }; }\n".utf8)])
        #expect(r.response.etag == "\"e1\"")
        #expect(r.response.link == "<http://x/y.tar.gz?rev=1>; rel=\"immutable\"")
        #expect(a.maxMtime == 1_650_000_000)
        #expect(a.topLevelMtime == 1_600_000_000)
        // The same archive from a local file.
        let local = try await hasher.hashArchive(atPath: archive, options: options)
        #expect(local.narHash == a.narHash)
        #expect(local.narSize == a.narSize)
    }

    @Test func notModifiedAndErrorsThroughTheDownloader() async throws {
        let dir = try TT.Dir()
        _ = try Self.makeSource(dir)
        let archive = try Self.pack(dir, .gz)
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/a": [.init(bodyFile: archive, etag: "\"v\"")]])
        let (hasher, _) = try Self.hasher()
        let r = try await hasher.download(
            HTTPRequest(url: server.url("/a"), ifNoneMatch: "\"v\""), mode: .archive(ArchiveOptions()))
        #expect(r.content == .notModified)
        await #expect(
            throws: HTTPTransportError.httpStatus(
                url: server.url("/b"), status: 404, reason: "Not Found", body: "not found\n")
        ) {
            _ = try await hasher.download(HTTPRequest(url: server.url("/b")), mode: .archive(ArchiveOptions()))
        }
    }

    @Test func fileModeHashesTheBytes() async throws {
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/f": [.init(body: "hello\n")]])
        let (hasher, _) = try Self.hasher()
        let r = try await hasher.download(HTTPRequest(url: server.url("/f")), mode: .file)
        // Vector D of "Test vectors" (docs/nix-behaviour.md).
        #expect(
            r.content
                == .file(
                    narHash: try NixHash.parseSRI("sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM="), narSize: 120,
                    size: 6))
    }

    /// Writes a tar with Python's tarfile from a list of (name, type, data/linkname).
    static func pythonTar(_ dir: TT.Dir, _ name: String, _ members: String) throws -> String {
        let out = dir.sub(name)
        let script = """
            import tarfile, io, sys
            t = tarfile.open(sys.argv[1], "w")
            def add(name, kind="file", data=b"", link="", mode=0o644, mtime=1600000000):
                i = tarfile.TarInfo(name); i.mtime = mtime; i.mode = mode
                if kind == "dir": i.type = tarfile.DIRTYPE; i.mode = 0o755; t.addfile(i)
                elif kind == "sym": i.type = tarfile.SYMTYPE; i.linkname = link; t.addfile(i)
                elif kind == "hard": i.type = tarfile.LNKTYPE; i.linkname = link; t.addfile(i)
                else: i.size = len(data); t.addfile(i, io.BytesIO(data))
            \(members)
            t.close()
            """
        try FixtureShell.run(["python3", "-c", script, out])
        return out
    }

    static func hashTar(_ path: String, _ options: ArchiveOptions = ArchiveOptions()) async throws -> ArchiveHashResult
    {
        let (hasher, _) = try hasher()
        return try await hasher.hashArchive(atPath: path, options: options)
    }

    @Test func rejectsParentAndAbsolutePaths() async throws {
        let dir = try TT.Dir()
        let dotdot = try Self.pythonTar(dir, "dotdot.tar", "add('top/ok', data=b'x')\nadd('top/../../evil', data=b'x')")
        await #expect(throws: ArchiveError.unsafePath(source: "archive", path: "top/../../evil")) {
            _ = try await Self.hashTar(dotdot)
        }
        let abs = try Self.pythonTar(dir, "abs.tar", "add('/etc/evil', data=b'x')")
        await #expect(throws: ArchiveError.unsafePath(source: "archive", path: "/etc/evil")) {
            _ = try await Self.hashTar(abs)
        }
        let hard = try Self.pythonTar(dir, "hard.tar", "add('top/a', kind='hard', link='../../etc/passwd')")
        await #expect(throws: ArchiveError.escapingLink(source: "archive", path: "top/a", target: "../../etc/passwd")) {
            _ = try await Self.hashTar(hard)
        }
        let sym = try Self.pythonTar(
            dir, "sym.tar", "add('top/d/l', kind='sym', link='../../x')\nadd('top/ok', kind='sym', link='d/../ok2')")
        // Nix stores escaping symlinks verbatim; refusing them is opt-in.
        _ = try await Self.hashTar(sym)
        await #expect(throws: ArchiveError.escapingLink(source: "archive", path: "d/l", target: "../../x")) {
            _ = try await Self.hashTar(sym, ArchiveOptions(rejectEscapingSymlinks: true))
        }
        // An unsafe entry in a download aborts it with the archive error.
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/evil.tar": [.init(bodyFile: dotdot)]])
        let (hasher, _) = try Self.hasher()
        await #expect(throws: ArchiveError.unsafePath(source: "u", path: "top/../../evil")) {
            _ = try await hasher.download(
                HTTPRequest(url: server.url("/evil.tar")), mode: .archive(ArchiveOptions(sourceDescription: "u")))
        }
    }

    @Test func hardLinksDuplicatesAndImpliedDirectories() async throws {
        let dir = try TT.Dir()
        let tar = try Self.pythonTar(
            dir, "mix.tar",
            """
            add('top/sub/file', data=b'first', mode=0o755)
            add('top/sub/file', data=b'second version', mode=0o644)
            add('top/x/y/z', data=b'deep')
            add('top/link', kind='hard', link='top/x/y/z')
            add('top/dir', kind='dir')
            add('top/dir/a', data=b'a')
            add('top/dir', kind='dir', mtime=1700000000)
            """)
        let r = try await Self.hashTar(tar)
        let expected = try NAR.hash(
            MemoryTree.dir([
                "sub": .dir(["file": .file("second version")]),
                "x": .dir(["y": .dir(["z": .file("deep")])]),
                "link": .file("deep"),
                "dir": .dir(["a": .file("a")]),
            ]))
        #expect(r.narHash == expected.hash)
        #expect(r.narSize == expected.size)
        #expect(r.maxMtime == 1_700_000_000)
        #expect(r.topLevelMtime == nil)  // no entry for top/ itself
        // GNU tar's own hard links, checked against extraction.
        let src = dir.sub("h/top")
        try FileManager.default.createDirectory(atPath: src, withIntermediateDirectories: true)
        try Data("same\n".utf8).write(to: URL(fileURLWithPath: src + "/a"))
        try FixtureShell.run(["ln", src + "/a", src + "/b"])
        try FixtureShell.run(["tar", "-cf", dir.sub("gnu.tar"), "top"], in: dir.sub("h"))
        let gnu = try await Self.hashTar(dir.sub("gnu.tar"))
        #expect(gnu.narHash.sri == (try TT.expectedHash(ofPath: src)))
    }

    @Test func topLevelRulesPerNixVersion() async throws {
        let dir = try TT.Dir()
        let two = try Self.pythonTar(dir, "two.tar", "add('a/f', data=b'1')\nadd('b', data=b'2')")
        await #expect(throws: ArchiveError.unexpectedTopLevelCount(source: "http://h/two.tar")) {
            _ = try await Self.hashTar(
                two, ArchiveOptions(topLevel: .exactlyOneEntry, sourceDescription: "http://h/two.tar"))
        }
        #expect(
            ArchiveError.unexpectedTopLevelCount(source: "u").description
                == "tarball 'u' contains an unexpected number of top-level files")
        let rootTree = MemoryTree.dir(["a": .dir(["f": .file("1")]), "b": .file("2")])
        #expect(
            try await Self.hashTar(two, ArchiveOptions(topLevel: .stripSingleDirectory)).narHash
                == NAR.hash(rootTree).hash)
        let single = try Self.pythonTar(dir, "single.tar", "add('hello', data=b'hello\\n')")
        // 2.8: a single top-level file is the tree (vector D); ≥2.24: the root directory is.
        let r28 = try await Self.hashTar(single, ArchiveOptions(topLevel: .exactlyOneEntry))
        #expect(r28.narHash.sri == "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM=")
        #expect(r28.topLevelMtime == 1_600_000_000)
        let r224 = try await Self.hashTar(single, ArchiveOptions(topLevel: .stripSingleDirectory))
        #expect(r224.narHash == (try NAR.hash(MemoryTree.dir(["hello": .file("hello\n")])).hash))
        let keep = try await Self.hashTar(single, ArchiveOptions(topLevel: .keepRoot))
        #expect(keep.narHash == r224.narHash)
    }

    @Test func corruptArchiveIsAnError() async throws {
        let dir = try TT.Dir()
        let path = dir.sub("bad.tar.gz")
        try Data([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9]).write(to: URL(fileURLWithPath: path))
        await #expect(throws: ArchiveError.self) { _ = try await Self.hashTar(path) }
    }

    @Test func concurrentDownloadsBeyondTheLimit() async throws {
        let dir = try TT.Dir()
        _ = try Self.makeSource(dir)
        let archive = try Self.pack(dir, .gz)
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/a": [.init(bodyFile: archive)]])
        let (hasher, _) = try Self.hasher()
        let hashes = try await withThrowingTaskGroup(of: NixHash.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    try #require(
                        try await hasher.download(HTTPRequest(url: server.url("/a")), mode: .archive(ArchiveOptions()))
                            .archive
                    ).narHash
                }
            }
            return try await group.reduce(into: Set<NixHash>()) { $0.insert($1) }
        }
        #expect(hashes.count == 1)
    }
}
