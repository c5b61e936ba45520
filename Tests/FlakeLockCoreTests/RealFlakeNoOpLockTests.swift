import FlakeLockBasics
import FlakeLockCore
import FlakeLockTestSupport
import FlakeModel
import Foundation
import Testing

@testable import Fetchers

/// Real public flakes (flake.nix with the flake.lock committed beside it; the corpus and its
/// SOURCE files live in Tests/NixSyntaxTests/Vectors/RealFlakes): locking them again must
/// change nothing and fetch nothing — except where Nix itself must refetch
/// (docs/nix-behaviour.md, "Real lock files": a direct input whose lock node has a follows edge
/// that the top-level flake.nix does not declare). Every network transport here fails, so any
/// fetch is seen.
struct RealFlakeNoOpLockTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("NixSyntaxTests/Vectors/RealFlakes")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).sorted()
    }

    struct NoNetwork: Error, CustomStringConvertible {
        var what: String
        var description: String { "network access in a no-op lock: \(what)" }
    }

    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var requests: [String] = []
        func record(_ s: String) {
            lock.lock()
            requests.append(s)
            lock.unlock()
        }
    }

    struct FailingHTTP: HTTPTransport {
        let recorder: Recorder
        func get(_ request: HTTPRequest, into sink: any HTTPBodySink) async throws -> HTTPResponse {
            recorder.record(request.url)
            throw NoNetwork(what: request.url)
        }
    }

    struct FailingArchives: ArchiveHasher {
        let recorder: Recorder
        func hashArchive(atPath path: String, options: ArchiveOptions) async throws -> ArchiveHashResult {
            recorder.record(path)
            throw NoNetwork(what: path)
        }
        func download(_ request: HTTPRequest, mode: DownloadHashMode) async throws -> DownloadHashResult {
            recorder.record(request.url)
            throw NoNetwork(what: request.url)
        }
    }

    struct SilentReporter: LockReporter, FetchReporter {
        func warning(_ message: String) {}
    }

    @Test(arguments: names)
    func relockingChangesNothing(_ name: String) async throws {
        let src = Self.corpus.appendingPathComponent(name)
        let flakeNix = try String(contentsOf: src.appendingPathComponent("flake.nix"), encoding: .utf8)
        let lockBytes = try Data(contentsOf: src.appendingPathComponent("flake.lock"))
        let oldLock = try LockFile.parse(Array(lockBytes), path: name, profile: .nix, allowUnlocked: true)
        let d = TestDirectory.make(prefix: "flakelock-realnoop")
        try d.write("flake.nix", flakeNix)
        try d.write("flake.lock", lockBytes)
        let recorder = Recorder()
        let http = FailingHTTP(recorder: recorder)
        let settings = FetchSettings(profile: .nix, cacheDirectory: d.path + "/.cache", offline: false)
        let fetcher = SourceFetcher(
            settings: settings,
            transports: Transports(
                http: http, archives: FailingArchives(recorder: recorder), git: PendingNetworkGit(recorder: recorder)),
            registries: Registries(), reporter: SilentReporter(), schemes: .standard)
        let session = FlakeLockSession(
            profile: .nix, fetcher: fetcher, reporter: SilentReporter(), probe: LocalFileSystemProbe())
        var flags = LockFlags()
        flags.writeLockFile = false
        flags.dryRun = true
        let ref = try FlakeRef.fromAttrs(["type": "path", "path": .string(d.path)], profile: .nix)
        let refetched = RealFlakeLocks.inputsNixRefetches(lock: oldLock, flakeNix: flakeNix)
        do {
            let result = try await session.lock(ref, flags: flags)
            #expect(!result.changed, "\(name): a no-op lock changed flake.lock:\n\(result.diff)")
            #expect(recorder.requests.isEmpty, "\(name): fetched \(recorder.requests)")
        } catch {
            // Only a refetch that Nix makes too (docs/nix-behaviour.md, "Real lock files") may
            // need the network.
            #expect(!refetched.isEmpty, "\(name): \(error) (requests: \(recorder.requests))")
        }
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: d.path + "/flake.lock")) == lockBytes,
            "\(name): flake.lock was touched")
    }
}

/// A Git transport that records and refuses every call.
struct PendingNetworkGit: GitTransport {
    let recorder: RealFlakeNoOpLockTests.Recorder
    func fail(_ what: String) -> RealFlakeNoOpLockTests.NoNetwork {
        recorder.record(what)
        return RealFlakeNoOpLockTests.NoNetwork(what: what)
    }
    func ensureBareRepository(at path: String) async throws { throw fail("git \(path)") }
    func fetch(_ url: String, into repository: String, refspecs: [String], shallow: Bool) async throws {
        throw fail("git fetch \(url)")
    }
    func lsRemoteSymref(_ url: String) async throws -> String? { throw fail("git ls-remote \(url)") }
    func resolve(ref: String, in repository: String) async throws -> GitResolvedRef { throw fail("git resolve \(ref)") }
    func contains(_ rev: GitObjectID, in repository: String) async throws -> Bool { throw fail("git contains \(rev)") }
    func isAncestor(_ a: GitObjectID, of d: GitObjectID, in repository: String) async throws -> Bool {
        throw fail("git ancestry")
    }
    func commitInfo(_ rev: GitObjectID, in repository: String, countRevisions: Bool) async throws -> GitCommitInfo {
        throw fail("git commit")
    }
    func hashTree(of rev: GitObjectID, in repository: String, options: GitTreeOptions) async throws -> GitTreeHashResult
    { throw fail("git tree") }
    func readFile(_ path: String, at rev: GitObjectID, in repository: String) async throws -> [UInt8]? {
        throw fail("git read")
    }
    func workTreeStatus(at path: String, ignoreSubmodules: Bool) async throws -> GitWorkTreeStatus {
        throw fail("git status")
    }
    func hashWorkTree(at path: String) async throws -> GitTreeHashResult { throw fail("git worktree") }
}
