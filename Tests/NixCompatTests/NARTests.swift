import NixCompat
import Testing

/// The vectors of "Test vectors" (docs/nix-behaviour.md), verified with Nix 2.8.
struct NARVectorTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var tree: MemoryTree
        var size: UInt64
        var base16: String
        var nix32: String?
        var sri: String
        var storePath: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = [
        Vector(
            name: "A: one file", tree: .dir(["a": .file("hi\n")]), size: 288,
            base16: "878832cd22b5e038e117b701378558f8a9b6cad7381a0e6d57a9e865d34f85a6",
            nix32: "19l59z9nbs59axnhw6iqsz5bdagqb22kf0dp2zhkiq5m4b6k5247",
            sri: "sha256-h4gyzSK14DjhF7cBN4VY+Km2ytc4Gg5tV6noZdNPhaY=",
            storePath: "/nix/store/ms37m6i4z2hfa1lm7a6lch7lw9vcr26l-source"),
        Vector(
            name: "B: exec, symlink, subdir",
            tree: .dir([
                "hello.txt": .file("hello\n"), "run.sh": .file("#!/bin/sh\necho hi\n", executable: true),
                "link": .link("hello.txt"), "sub": .dir(["empty": .file("")]),
            ]), size: 1088,
            base16: "f899307446b4812a812701bd5a1c829965acd935c9ea0c6feec87828779966ab",
            nix32: "1av6k5vjhy68xrphrsn96pcsqrcrh8f5mg814y0jm0dl8rs316gq",
            sri: "sha256-+JkwdEa0gSqBJwG9WhyCmWWs2TXJ6gxv7sh4KHeZZqs=",
            storePath: "/nix/store/n28s94h5wa8jm82lhzd76jvgwh5jhhmf-source"),
        Vector(
            name: "C: empty directory", tree: .dir([:]), size: 96,
            base16: "a50a5ab6d992f5598edd92105059fae9acfc192981e08bd88534c2167e92526a", nix32: nil,
            sri: "sha256-pQpattmS9VmO3ZIQUFn66az8GSmB4IvYhTTCFn6SUmo=",
            storePath: "/nix/store/0ccnxa25whszw7mgbgyzdm4nqc0zwnm8-source"),
        Vector(
            name: "D: single file", tree: .file("hello\n"), size: 120,
            base16: "1c37d01af40be2e80691de3cc3df44377a699afbb17c68f080964b2fd071fc13",
            nix32: "04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw",
            sri: "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM=",
            storePath: "/nix/store/h10qymscvggrb1icws0vbss5xnx8sd0k-source"),
    ]

    @Test(arguments: vectors)
    func hashesAndStorePaths(_ v: Vector) throws {
        let (hash, size) = try NAR.hash(v.tree)
        #expect(size == v.size)
        #expect(hash.base16 == v.base16)
        if let n = v.nix32 { #expect(hash.nix32 == n) }
        #expect(hash.sri == v.sri)
        #expect(StorePath.fixedOutputSource(narHash: hash).description == v.storePath)
        #expect(try NAR.serialize(v.tree).count == Int(v.size))
    }

    @Test func storePathWithOtherName() throws {
        let h = try NixHash.parseSRI("sha256-+JkwdEa0gSqBJwG9WhyCmWWs2TXJ6gxv7sh4KHeZZqs=")
        #expect(
            StorePath.fixedOutputSource(narHash: h, name: "tv1").description
                == "/nix/store/l39nr9r0x42dq617qr3f17kpqzlzkhnc-tv1")
    }

    @Test func storePathFoldingSteps() {
        let h = Base16.decode("71f9fd10104743d3c1c75640e5a0f8249a7a86aea5713166f2b303954cfdc346")!
        #expect(Base16.encode(StorePath.compress(h, to: 20)) == "d488cc76e2f440468d3a9506e5a0f8249a7a86ae")
    }

    /// Vector A byte for byte, as `nix-store --dump | xxd` showed it.
    @Test func vectorABytes() throws {
        let bytes = try NAR.serialize(MemoryTree.dir(["a": .file("hi\n")]))
        func str(_ s: String) -> [UInt8] {
            let b = Array(s.utf8)
            var out = withUnsafeBytes(of: UInt64(b.count).littleEndian, Array.init) + b
            while out.count % 8 != 0 { out.append(0) }
            return out
        }
        let expected = [
            "nix-archive-1", "(", "type", "directory", "entry", "(", "name", "a", "node", "(", "type",
            "regular", "contents", "hi\n", ")", ")", ")",
        ].flatMap(str)
        #expect(bytes == expected)
        #expect(bytes.count == 288)
    }
}

struct NARWriterRuleTests {
    @Test(arguments: ["", ".", "..", "a/b", "nul\u{0}x"])
    func rejectsBadNames(_ name: String) throws {
        var w = NARWriter(sink: ByteSink())
        try w.beginDirectory()
        #expect(throws: NARError.invalidName(Array(name.utf8))) { try w.beginEntry(name: Array(name.utf8)) }
    }

    @Test func rejectsUnsortedAndDuplicateEntries() throws {
        var w = NARWriter(sink: ByteSink())
        try w.beginDirectory()
        try w.beginEntry(name: Array("b".utf8))
        try w.writeRegular(executable: false, contents: [])
        try w.endEntry()
        #expect(throws: NARError.self) { try w.beginEntry(name: Array("a".utf8)) }
        #expect(throws: NARError.self) { try w.beginEntry(name: Array("b".utf8)) }
    }

    @Test func byteOrderNotLocaleOrder() throws {
        // "Z" (0x5a) < "a" (0x61) < "é" (0xc3 0xa9): byte order, and MemoryTree's sorting follows it.
        let tree = MemoryTree.dir([
            "é": .file("1"), "a": .file("2"), "Z": .file("3"), "foo.txt": .file(""), "foo": .dir([:]),
        ])
        let bytes = try NAR.serialize(tree)
        let text = String(decoding: bytes, as: UTF8.self)
        let order = ["Z", "a", "foo", "foo.txt", "é"].map { text.range(of: "\u{0}\($0)")!.lowerBound }
        #expect(order == order.sorted())
    }

    @Test func declaredSizeIsEnforced() throws {
        var w = NARWriter(sink: ByteSink())
        try w.beginRegular(executable: false, size: 3)
        try [UInt8]([1, 2]).withUnsafeBytes { try w.writeContents($0) }
        #expect(throws: NARError.sizeMismatch(expected: 3, actual: 2)) { try w.endRegular() }

        var w2 = NARWriter(sink: ByteSink())
        try w2.beginRegular(executable: false, size: 1)
        #expect(throws: NARError.sizeMismatch(expected: 1, actual: 2)) {
            try [UInt8]([1, 2]).withUnsafeBytes { try w2.writeContents($0) }
        }
    }

    @Test func incompleteArchiveIsAnError() throws {
        var w = NARWriter(sink: ByteSink())
        try w.beginDirectory()
        let incomplete = Self.finishFails(w)
        #expect(incomplete)
        let empty = Self.finishFails(NARWriter(sink: ByteSink()))
        #expect(empty)
    }

    static func finishFails(_ w: consuming NARWriter<ByteSink>) -> Bool {
        do {
            _ = try w.finish()
            return false
        } catch {
            return error is NARError
        }
    }

    @Test func exactlyOneNodePerEntryAndRoot() throws {
        var w = NARWriter(sink: ByteSink())
        try w.writeSymlink(target: Array("x".utf8))
        #expect(throws: NARError.self) { try w.writeSymlink(target: Array("y".utf8)) }
        var w2 = NARWriter(sink: ByteSink())
        try w2.beginDirectory()
        try w2.beginEntry(name: Array("a".utf8))
        #expect(throws: NARError.self) { try w2.endEntry() }
    }

    @Test func largeContentsStreamInChunks() throws {
        let big = [UInt8](repeating: 0xab, count: 3 * 1024 * 1024 + 5)
        var w = NARWriter(sink: SHA256Sink())
        try w.beginRegular(executable: true, size: UInt64(big.count))
        try big.withUnsafeBytes { raw in
            var i = 0
            while i < raw.count {
                let n = min(100_000, raw.count - i)
                try w.writeContents(UnsafeRawBufferPointer(rebasing: raw[i..<i + n]))
                i += n
            }
        }
        try w.endRegular()
        let streamed = try w.finish().finalize()
        #expect(streamed == (try NAR.hash(MemoryTree.regular(executable: true, contents: big)).hash))
    }
}
