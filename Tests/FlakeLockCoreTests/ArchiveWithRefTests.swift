import Fetchers
import FlakeLockTestSupport
import FlakeModel
import Testing

/// A GitHub input with a ref: its archive is requested together with the ref's commit and
/// kept only when it is of that commit; the lock is the same bytes either way.
@Suite struct ArchiveWithRefTests {
    static func scenario() throws -> (LockScenario, [String: String]) {
        let s = LockScenario(prefix: "flakelock-archive-ref")
        var revs: [String: String] = [:]
        for name in ["a", "b"] {
            revs[name] = try s.publishForge(.github, owner: "o", repo: name, tree: LockScenario.flake()).hex
        }
        try s.top.write("flake.nix", LockScenario.flakeNix(inputs: [("a", "github:o/a"), ("b", "github:o/b/main")]))
        return (s, revs)
    }

    static func archives(_ run: GraphPrefetchTests.Run) -> [String] {
        run.requests.filter { $0.contains("/tarball/") || $0.contains("/archive/") }
    }

    @Test func archiveOfTheRefIsFetchedWithItsCommit() async throws {
        let (s, _) = try Self.scenario()
        s.http.setLatency { _ in .milliseconds(50) }
        let run = try await GraphPrefetchTests.lock(s)
        let lockText = try #require(run.lockText, "\(String(describing: run.error))")
        // One commit lookup and one archive each, the archive asked for by ref, both at once.
        #expect(run.requests.count == 4, "\(run.requests)")
        #expect(
            Set(Self.archives(run)) == [
                "https://api.github.com/repos/o/a/tarball/HEAD", "https://api.github.com/repos/o/b/tarball/main",
            ])
        // Before the API's first answer only one input's requests go: its commit lookup and,
        // beside it, the archive of its ref; the other input's two go side by side after.
        let first = Set(run.requests.prefix(2).map { $0.replacingOccurrences(of: "/commits/", with: "/tarball/") })
        #expect(first.count == 1, "\(run.requests)")
        #expect(run.peak >= 2)
        let plain = try await GraphPrefetchTests.lock(s, archiveWithRef: false)
        #expect(plain.lockText == lockText)
        #expect(Self.archives(plain).allSatisfy { !$0.contains("/HEAD") && !$0.contains("/main") })
    }

    @Test func upstreamMovedBetweenTheTwoRequestsFetchesTheResolvedRevision() async throws {
        let (s, revs) = try Self.scenario()
        let expected = try #require(try await GraphPrefetchTests.lock(s, archiveWithRef: false).lockText)
        // The ref's archive is of a newer commit than the one the commits API named.
        let newer = try TarArchiveBuilder(tree: LockScenario.flake(extra: "description = \"moved\";"))
            .tarGz(topDirectory: "o-a-newer", mtime: 1_800_000_000, commitID: String(repeating: "e", count: 40))
        s.http.serve("https://api.github.com/repos/o/a/tarball/HEAD", body: newer)
        let run = try await GraphPrefetchTests.lock(s)
        #expect(run.lockText == expected)
        #expect(Self.archives(run).contains("https://api.github.com/repos/o/a/tarball/\(revs["a"]!)"))
        #expect(!Self.archives(run).contains { $0.hasSuffix("/o/b/tarball/\(revs["b"]!)") })
    }

    @Test func archiveNamingNoCommitIsNotTrusted() async throws {
        let (s, revs) = try Self.scenario()
        let expected = try #require(try await GraphPrefetchTests.lock(s, archiveWithRef: false).lockText)
        let unnamed = try TarArchiveBuilder(tree: LockScenario.flake(extra: "description = \"other\";"))
            .tarGz(topDirectory: "o-b-x", mtime: 1_800_000_000)
        s.http.serve("https://api.github.com/repos/o/b/tarball/main", body: unnamed)
        let run = try await GraphPrefetchTests.lock(s, maxConcurrent: 1)
        #expect(run.lockText == expected)
        #expect(Self.archives(run).contains("https://api.github.com/repos/o/b/tarball/\(revs["b"]!)"))
    }

    @Test func aRefLockedBeforeIsResolvedWithoutDownloading() async throws {
        let (s, _) = try Self.scenario()
        let cache = TestDirectory.make(prefix: "flakelock-archive-ref-cache")
        let first = try await GraphPrefetchTests.lock(s, cacheDirectory: cache.path)
        let again = try await GraphPrefetchTests.lock(s, cacheDirectory: cache.path)
        #expect(again.lockText == first.lockText)
        #expect(Self.archives(again).isEmpty, "\(again.requests)")
        #expect(again.requests.count == 2)
    }

    /// `update a` on the same machine: a is expected to have moved, so its archive is asked
    /// for by ref at once (and kept, being of the resolved commit); b keeps its locked rev.
    @Test func anInputToUpdateHasItsArchiveRequestedEvenWhenWarm() async throws {
        let (s, _) = try Self.scenario()
        let cache = TestDirectory.make(prefix: "flakelock-archive-ref-update")
        let first = try await GraphPrefetchTests.lock(s, cacheDirectory: cache.path)
        try s.top.write("flake.lock", try #require(first.lockText))
        let moved = try s.publishForge(
            .github, owner: "o", repo: "a", tree: LockScenario.flake(extra: "description = \"moved\";"))
        let update = try await GraphPrefetchTests.lock(s, cacheDirectory: cache.path, updateInputs: ["a"])
        let lockText = try #require(update.lockText, "\(String(describing: update.error))")
        #expect(lockText.contains(moved.hex))
        #expect(
            update.requests.sorted() == [
                "https://api.github.com/repos/o/a/commits/HEAD", "https://api.github.com/repos/o/a/tarball/HEAD",
            ])
        let plain = try await GraphPrefetchTests.lock(
            s, cacheDirectory: cache.path, archiveWithRef: false, updateInputs: ["a"])
        #expect(plain.lockText == lockText)
    }
}
