import FlakeLockTestSupport
import Foundation
import NixCompat
import Testing

@testable import Fetchers

/// `TreeHasher` against `nix hash path` (Debian's Nix 2.8) on generated trees. Each tree is
/// deterministic, so its expected hash is also stored: where nix is absent (and CI is not
/// set) the stored vector stands in; where nix is present both must agree.
struct TreeHasherTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var expected: String
        var build: @Sendable (TestDirectory) throws -> Void
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "vector B", expected: "sha256-+JkwdEa0gSqBJwG9WhyCmWWs2TXJ6gxv7sh4KHeZZqs=") { d in
            try d.write("hello.txt", "hello\n")
            try d.write("run.sh", "#!/bin/sh\necho hi\n", executable: true)
            try d.symlink("link", to: "hello.txt")
            try d.write("sub/empty", "")
        },
        Case(
            name: "symlinks: dangling, absolute, to directory, deep",
            expected: "sha256-J7AhWzMxLI4jLBaHvSu49pGg7nDdKVAq2pyK8lcZO1k="
        ) { d in
            try d.symlink("dangling", to: "does/not/exist")
            try d.symlink("absolute", to: "/etc/passwd")
            try d.mkdir("dir")
            try d.symlink("to-dir", to: "dir")
            try d.symlink("a/b/c/up", to: "../../..")
        },
        Case(name: "empty directories", expected: "sha256-8n2M7L9n7xw5H8835KMqttD37hPHXSw17q2Xx0gKwa0=") { d in
            try d.mkdir("e1")
            try d.mkdir("e2/e3/e4")
            try d.write("e2/f", "")
        },
        Case(name: "unicode and odd file names", expected: "sha256-CmES5RnFXRYIW24ve6EBww9JoW3ovKyirBIvi4+1WQw=") { d in
            for name in [
                "ü", "é", "Z", "a", "€ space", "tab\there", "new\nline", "quote\"", "back\\slash", "-dash", ".hidden",
                "..dots", "~tilde", "日本",
            ] {
                try d.write(name, name)
            }
        },
        Case(
            name: "directory and file sharing a prefix", expected: "sha256-NzMz8PPvemJs8d1gNoQmc8zQfxThuKUkWFLr8Whg87w="
        ) { d in
            try d.write("foo.txt", "1")
            try d.write("foo/bar", "2")
            try d.write("foo-bar", "3")
            try d.write("foo0", "4")
        },
        Case(name: "names like NAR keywords", expected: "sha256-z1T/mbYQtx7ZV1XkJntRmZxbShMgg43XoBia8Kfoi/s=") { d in
            for n in ["entry", "(", ")", "contents", "node", "type", "nix-archive-1", "executable"] {
                try d.write("\(n)/\(n)", n, executable: n == "executable")
            }
        },
        Case(name: "zero-byte and multi-MiB files", expected: "sha256-o8q9bKbioY/3SiSGuvptUaoIUnxjklIMosAo8s42t0s=") {
            d in
            try d.write("zero", "")
            var big = Data(count: 5 * 1024 * 1024 + 3)
            big.withUnsafeMutableBytes { raw in
                var x: UInt32 = 12345
                for i in 0..<raw.count {
                    x = x &* 1_103_515_245 &+ 12345
                    raw[i] = UInt8(truncatingIfNeeded: x >> 16)
                }
            }
            try d.write("big.bin", big)
            try d.write("exact8", "12345678")
            try d.write("exact7", "1234567", executable: true)
        },
        Case(
            name: "a directory read in several getdents64 calls",
            expected: "sha256-5ol42ZqTX9sT1lsTdcky2WJsuKzXPndxDwJDQaqmq/o="
        ) { d in
            // 2,500 names of 61 bytes: about 200 KiB of directory records, several times the
            // 32 KiB buffer the Linux walker reads them into.
            for i in 0..<2500 {
                let name = String(format: "entry-%04d-", i) + String(repeating: "x", count: 50)
                try d.write(name, name)
            }
        },
        Case(name: "deep nesting", expected: "sha256-8kdWyTAJ0GgtVRW6jvSGe1CzARcjFU4jEhKRZ97SKVs=") { d in
            let deep = (0..<60).map { "d\($0)" }.joined(separator: "/")
            try d.write(deep + "/leaf", "leaf")
        },
        Case(
            name: "only group/other exec bits do not count",
            expected: "sha256-g/KKmfn9Uix/4WOR4sQ6s0QkD9YEYzzSiDFji4CxOME="
        ) { d in
            try d.write("g", "x")
            try FileManager.default.setAttributes([.posixPermissions: 0o655], ofItemAtPath: d.path + "/g")
            try d.write("u", "x")
            try FileManager.default.setAttributes([.posixPermissions: 0o744], ofItemAtPath: d.path + "/u")
        },
    ]

    @Test(arguments: cases)
    func matchesNix(_ c: Case) async throws {
        let d = TestDirectory.make()
        try c.build(d)
        let ours = try await TreeHasher.hashPath(d.path)
        #expect(ours.narHash.sri == c.expected, "stored vector for \(c.name)")
        if try NixOracle.available() {
            #expect(ours.narHash.sri == (try NixOracle.hashPath(d.path)), "nix hash path for \(c.name)")
        }
    }

    @Test func singleFileAndSymlinkRoots() async throws {
        let d = TestDirectory.make()
        try d.write("f", "hello\n")
        try d.symlink("l", to: "f")
        #expect(
            try await TreeHasher.hashPath(d.path + "/f").narHash.sri
                == "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM=")
        let link = try await TreeHasher.hashPath(d.path + "/l")
        #expect(link.narHash == (try NAR.hash(MemoryTree.link("f")).hash))
        if try NixOracle.available() {
            #expect(link.narHash.sri == (try NixOracle.hashPath(d.path + "/l")))
        }
    }

    @Test func lastModifiedIsTheNewestMtime() async throws {
        let d = TestDirectory.make()
        try d.write("a/b", "x")
        try d.write("c", "y")
        let times: [(String, Int)] = [
            ("", 1_600_000_000), ("a", 1_600_000_100), ("a/b", 1_700_000_000), ("c", 1_650_000_000),
        ]
        for (p, t) in times.reversed() {
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSince1970: TimeInterval(t))], ofItemAtPath: d.path + "/" + p)
        }
        #expect(try await TreeHasher.hashPath(d.path).lastModified == 1_700_000_000)
    }

    @Test func refusesSocketsAndFIFOs() async throws {
        let d = TestDirectory.make()
        try d.write("ok", "x")
        #expect(mkfifo(d.path + "/fifo", 0o644) == 0)
        await #expect(throws: TreeHashError.unsupportedType(path: d.path + "/fifo")) {
            try await TreeHasher.hashPath(d.path)
        }
        #expect(TreeHashError.unsupportedType(path: "x/fifo").description == "file 'x/fifo' has an unsupported type")
    }

    @Test func missingPathNamesThePath() async throws {
        await #expect(throws: TreeHashError.cannotStat(path: "/nonexistent/flakelock", errno: ENOENT)) {
            try await TreeHasher.hashPath("/nonexistent/flakelock")
        }
        #expect(
            TreeHashError.cannotStat(path: "/x", errno: ENOENT).description
                == "getting status of '/x': No such file or directory")
    }

    @Test func unreadableFileIsAnError() async throws {
        guard getuid() != 0 else { return }  // root reads everything; nothing to test there
        let d = TestDirectory.make()
        try d.write("secret", "x")
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: d.path + "/secret")
        await #expect(throws: TreeHashError.self) { try await TreeHasher.hashPath(d.path) }
    }
}
