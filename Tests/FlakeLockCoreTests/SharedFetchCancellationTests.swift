import FlakeLockTestSupport
import FlakeModel
import Foundation
import NativeTransport
import Testing

@testable import Fetchers

/// A fetch is one task shared by every caller that asks for the same input: cancelling all
/// of its callers cancels it (a cancelled lock stops its downloads), cancelling some of them
/// does not, and a caller that comes later fetches again instead of inheriting the
/// cancellation.
@Suite struct SharedFetchCancellationTests {
    static func setUp() throws -> (LockScenario, SourceFetcher, FlakeRef) {
        let s = LockScenario(prefix: "flakelock-fetch-cancel")
        _ = try s.publishForge(.github, owner: "o", repo: "a", tree: LockScenario.flake())
        let settings = FetchSettings(profile: .nix, cacheDirectory: s.cacheDirectory)
        let fetcher = SourceFetcher(
            settings: settings, transports: s.transports(archives: LibArchiveHasher(http: s.http)),
            registries: Registries(), reporter: CollectingReporter(), schemes: .standard, maxConcurrent: 4)
        return (s, fetcher, try FlakeRef.parse("github:o/a", profile: .nix))
    }

    static func waitForARequest(_ s: LockScenario) async throws {
        while !s.http.events.contains(where: { if case .started = $0 { true } else { false } }) {
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func cancellingEveryCallerCancelsTheFetch() async throws {
        let (s, fetcher, ref) = try Self.setUp()
        s.http.setLatency { _ in .seconds(60) }
        let caller = Task { try await fetcher.fetch(ref, registryScope: nil) }
        try await Self.waitForARequest(s)
        caller.cancel()
        await #expect(throws: (any Error).self) { _ = try await caller.value }
        // The request in flight was cancelled with it, not left running for its minute (a
        // count, not a clock: a loaded test machine may not run this task for many seconds).
        while s.http.events.filter({ if case .finished = $0 { true } else { false } }).count
            < s.http.events.filter({ if case .started = $0 { true } else { false } }).count
        {
            try await Task.sleep(for: .milliseconds(5))
        }
        let started = s.http.requests.map(\.url)
        #expect(!started.isEmpty && Set(s.http.cancelledRequests) == Set(started), "\(started)")
        // A later caller fetches again.
        s.http.setLatency { _ in .zero }
        let r = try await fetcher.fetch(ref, registryScope: nil)
        #expect(r.locked.input.attrs["rev"] != nil)
    }

    @Test func aFetchAnotherCallerStillWantsGoesOn() async throws {
        let (s, fetcher, ref) = try Self.setUp()
        s.http.setLatency { _ in .milliseconds(300) }
        let first = Task { try await fetcher.fetch(ref, registryScope: nil) }
        let second = Task { try await fetcher.fetch(ref, registryScope: nil) }
        try await Self.waitForARequest(s)
        try await Task.sleep(for: .milliseconds(20))
        first.cancel()
        let r = try await second.value
        #expect(r.locked.input.attrs["rev"] != nil)
        // The first caller waited for the same fetch, which was not cancelled.
        _ = try await first.value
        let lookups = s.http.requests.filter { $0.url.contains("/commits/") }
        #expect(lookups.count == 1, "\(lookups.map(\.url))")
    }
}

/// Collects warnings (none are expected here).
private final class CollectingReporter: FetchReporter, @unchecked Sendable {
    func warning(_ message: String) {}
}
