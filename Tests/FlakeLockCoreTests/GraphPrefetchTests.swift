import Fetchers
import FlakeLockBasics
import FlakeLockCore
import FlakeLockTestSupport
import FlakeModel
import Foundation
import NativeTransport
import NixCompat
import Testing

/// The locker fetches the whole input graph ahead of its serial walk (`GraphPrefetcher`):
/// children are requested as soon as their parent's flake.nix is read, not when the walk
/// reaches the parent, and what the walk never uses leaves no trace in its output.
@Suite struct GraphPrefetchTests {
    final class Warnings: LockReporter, FetchReporter, @unchecked Sendable {
        // @unchecked: `list` is guarded by `lock`.
        private let lock = NSLock()
        private var list: [String] = []
        func warning(_ message: String) { lock.withLock { list.append(message) } }
        var all: [String] { lock.withLock { list } }
    }

    struct Run {
        var lockText: String?
        var error: (any Error)?
        var warnings: [String]
        var requests: [String]
        var peak: Int
    }

    /// Locks the top-level flake of `scenario` with a fresh fetcher and cache.
    static func lock(
        _ scenario: LockScenario, maxConcurrent: Int = 25, profile: CompatProfile = .nix28,
        accessTokens: [String: String] = [:], cacheDirectory: String? = nil, archiveWithRef: Bool = true,
        updateInputs: [String] = []
    ) async throws -> Run {
        let owned = cacheDirectory == nil ? TestDirectory.make(prefix: "flakelock-graph-cache") : nil
        defer { withExtendedLifetime(owned) {} }
        let cache = cacheDirectory ?? owned!.path
        let warnings = Warnings()
        var settings = FetchSettings(profile: profile, cacheDirectory: cache, accessTokens: accessTokens)
        settings.archiveWithRef = archiveWithRef
        let fetcher = SourceFetcher(
            settings: settings,
            transports: scenario.transports(archives: LibArchiveHasher(http: scenario.http)), registries: Registries(),
            reporter: warnings, schemes: .standard, maxConcurrent: maxConcurrent)
        let session = FlakeLockSession(
            profile: profile, fetcher: fetcher, reporter: warnings, probe: LocalFileSystemProbe())
        var flags = LockFlags()
        flags.writeLockFile = false
        flags.dryRun = true
        flags.inputUpdates = Set(try updateInputs.map { try InputPath(parsing: $0) })
        let ref = try FlakeRef.fromAttrs(["type": "path", "path": .string(scenario.top.path)], profile: profile)
        let before = scenario.http.requests.count
        var run = Run(warnings: [], requests: [], peak: 0)
        do {
            run.lockText = try await session.lock(ref, flags: flags).lockText
        } catch {
            run.error = error
        }
        run.warnings = warnings.all
        run.requests = scenario.http.requests.dropFirst(before).map(\.url)
        run.peak = scenario.http.peakConcurrency
        return run
    }

    /// Four first-level inputs `p0`…`p3`, each with three children `c<i><j>`, every request
    /// 100 ms away but those of the children of `p0`…`p2`, 400 ms away. The serial walk alone
    /// (prefetching only the inputs of the node it is at) asks for the children of `p3` only
    /// after those of `p0`, `p1` and `p2` are done; the scheduler asks while they are under way.
    @Test func childrenAreRequestedBeforeTheWalkReachesTheirParent() async throws {
        let s = LockScenario(prefix: "flakelock-graph-tree")
        var top: [(String, String)] = []
        for i in 0..<4 {
            var children: [(String, String)] = []
            for j in 0..<3 {
                try s.publishForge(.github, owner: "o", repo: "c\(i)\(j)", tree: LockScenario.flake())
                children.append(("c\(j)", "github:o/c\(i)\(j)"))
            }
            try s.publishForge(.github, owner: "o", repo: "p\(i)", tree: LockScenario.flake(inputs: children))
            top.append(("p\(i)", "github:o/p\(i)"))
        }
        try s.top.write("flake.nix", LockScenario.flakeNix(inputs: top))
        s.http.setLatency { url in
            ["/o/c0", "/o/c1", "/o/c2"].contains { url.contains($0) } ? .milliseconds(400) : .milliseconds(100)
        }

        let run = try await Self.lock(s)
        let lockText = try #require(run.lockText, "\(String(describing: run.error))")
        #expect(run.warnings.isEmpty)
        // Each of the 16 inputs is one commit lookup and one archive.
        #expect(run.requests.count == 32)
        #expect(run.peak >= 8, "at most \(run.peak) requests at once")
        let events = s.http.events
        let firstChildOfP3 = try #require(
            events.firstIndex {
                if case .started(let url) = $0 { url.contains("/o/c3") } else { false }
            })
        let earlierChildrenDone = try #require(
            events.lastIndex {
                if case .finished(let url) = $0 {
                    ["/o/c0", "/o/c1", "/o/c2"].contains { url.contains($0) }
                } else {
                    false
                }
            })
        #expect(firstChildOfP3 < earlierChildrenDone, "\(events)")

        // One fetch at a time gives the same lock, byte for byte.
        s.http.setLatency { _ in .zero }
        let serial = try await Self.lock(s, maxConcurrent: 1)
        #expect(serial.lockText == lockText)
    }

    /// A GitLab token without a `PAT:`/`OAuth2:` prefix: every GitLab fetch warns about it.
    static let unprefixedGitLabToken = ["gitlab.com": "secret"]
    static let unprefixedGitLabTokenWarning =
        "Unrecognized GitLab token type (the token has no 'PAT:' or 'OAuth2:' prefix)"

    /// `a/x` fails (slowly); by then the guessing has fetched `b`, whose fetch warns, and
    /// `b/y`, which fails too. The walk stops at `a/x`, Nix's first error: the speculative
    /// failure and warning of the subtree it never reached are not reported.
    @Test func speculativeFailuresAndWarningsOfInputsTheWalkNeverUsesAreNotReported() async throws {
        let s = LockScenario(prefix: "flakelock-graph-spec")
        try s.publishForge(.gitlab, owner: "o", repo: "b", tree: LockScenario.flake(inputs: [("y", "github:o/gone-y")]))
        try s.publishForge(.github, owner: "o", repo: "a", tree: LockScenario.flake(inputs: [("x", "github:o/gone-x")]))
        try s.top.write("flake.nix", LockScenario.flakeNix(inputs: [("a", "github:o/a"), ("b", "gitlab:o/b")]))
        s.http.setLatency { $0.contains("gone-x") ? .seconds(1) : .zero }

        let run = try await Self.lock(s, accessTokens: Self.unprefixedGitLabToken)
        #expect(run.lockText == nil)
        let error = try #require(run.error as? ErrorWithContext)
        #expect(error.contexts.contains("while updating the flake input 'a/x'"), "\(error.contexts)")
        #expect(!error.contexts.contains { $0.contains("'b") }, "\(error.contexts)")
        #expect(run.warnings.isEmpty, "\(run.warnings)")
        // The guess did reach b/y before the walk failed, so the test shows what it claims.
        #expect(run.requests.contains { $0.contains("gone-y") }, "\(run.requests)")
    }

    /// The same warning, given by a fetch the guessing started, reaches the output once
    /// when the walk does use that fetch.
    @Test func warningsOfSpeculativeFetchesTheWalkUsesAreReportedOnce() async throws {
        let s = LockScenario(prefix: "flakelock-graph-warn")
        try s.publishForge(.gitlab, owner: "o", repo: "b", tree: LockScenario.flake())
        try s.publishForge(.github, owner: "o", repo: "a", tree: LockScenario.flake(inputs: [("b", "gitlab:o/b")]))
        try s.top.write("flake.nix", LockScenario.flakeNix(inputs: [("a", "github:o/a")]))

        let run = try await Self.lock(s, accessTokens: Self.unprefixedGitLabToken)
        #expect(run.lockText != nil, "\(String(reflecting: run.error))")
        #expect(run.warnings == [Self.unprefixedGitLabTokenWarning])
    }
}
