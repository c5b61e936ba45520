import Fetchers
import FlakeLockTestSupport
import Foundation
import NixCompat
import Testing

/// The fake forge's object ids are Git's: lock fixtures recorded by Nix over an exported
/// repository name the same revisions the fake hands to the fetchers.
@Suite struct FakeGitForgeTests {
    @Test func exportedRepositoryHasTheFakesCommitIDs() throws {
        let forge = FakeGitForge()
        let url = "https://git.example/ids.git"
        let tree: MemoryTree = .dir([
            "flake.nix": .file("{ outputs = _: { }; }\n"),
            "a-b": .file("x"),
            "a": .dir(["b": .file("nested\n"), "run": .file("#!/bin/sh\n", executable: true)]),
            "link": .link("a/b"),
        ])
        let first = forge.commit(url, tree: tree, time: 1_700_000_000, message: "first")
        let second = forge.commit(url, tree: .dir(["flake.nix": .file("{}\n")]), time: 1_700_000_500, message: "second")
        let side = forge.commit(url, branch: "side", tree: tree, time: 1_600_000_000)
        forge.setRef(url, "refs/tags/v1", to: first)

        let dir = TestDirectory.make(prefix: "flakelock-fake-ids")
        let repo = dir.path + "/r.git"
        try ProcessRunner.check("git", ["init", "-q", "--bare", repo])
        let r = try ProcessRunner.run(
            "git", ["-C", repo, "fast-import", "--quiet"], stdin: Data(forge.fastImportStream(url)))
        try #require(r.status == 0, "\(r.stderr)")
        func revParse(_ ref: String) throws -> String {
            try ProcessRunner.check("git", ["-C", repo, "rev-parse", ref]).trimmingCharacters(
                in: .whitespacesAndNewlines)
        }
        #expect(try revParse("refs/heads/main") == second.hex)
        #expect(try revParse("refs/heads/main~1") == first.hex)
        #expect(try revParse("refs/heads/side") == side.hex)
        #expect(try revParse("refs/tags/v1") == first.hex)
        #expect(try revParse("refs/heads/main^{tree}") == forge.commitInfo(second)?.treeID.hex)
        #expect(try revParse("\(first.hex)^{tree}") == forge.commitInfo(first)?.treeID.hex)
    }

    @Test func transportFetchesOnlyWhatTheRefspecNames() async throws {
        let forge = FakeGitForge()
        let url = "https://git.example/r.git"
        let main = forge.commit(url, tree: .dir(["f": .file("1")]), time: 1)
        let other = forge.commit(url, branch: "other", tree: .dir(["f": .file("2")]), time: 2)
        let git = FakeGitTransport(forge: forge)
        try await git.ensureBareRepository(at: "/cache/r")
        try await git.fetch(url, into: "/cache/r", refspecs: ["refs/heads/main:refs/heads/main"], shallow: false)
        #expect(try await git.contains(main, in: "/cache/r"))
        #expect(try await !git.contains(other, in: "/cache/r"))
        #expect(try await git.resolve(ref: "main", in: "/cache/r").commit == main)
        await #expect(throws: GitTransportError.self) { _ = try await git.resolve(ref: "other", in: "/cache/r") }
        await #expect(throws: GitTransportError.self) {
            try await git.fetch(
                url, into: "/cache/r", refspecs: ["refs/heads/nosuch:refs/heads/nosuch"], shallow: false)
        }
        #expect(try await git.readFile("f", at: main, in: "/cache/r") == Array("1".utf8))
    }
}
