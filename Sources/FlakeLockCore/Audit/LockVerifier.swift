import Fetchers
import FlakeLockBasics
import FlakeModel
import NixCompat

/// Something that can fetch a locked input again and tell its NAR hash (`audit --verify`).
public protocol NarHashSource: Sendable {
    /// Fetches `ref` and returns the NAR hash of its tree.
    /// - Parameter parentDirectory: where a relative `path:` input resolves.
    func narHash(of ref: FlakeRef, parentDirectory: String?) async throws -> NixHash
}

/// A ``NarHashSource`` backed by the real fetchers. Give it a fetcher whose cache is empty
/// (a fresh cache directory) so that every input is downloaded again.
public struct FetcherNarHashSource: NarHashSource {
    public let fetcher: SourceFetcher

    public init(fetcher: SourceFetcher) { self.fetcher = fetcher }

    public func narHash(of ref: FlakeRef, parentDirectory: String?) async throws -> NixHash {
        try await fetcher.fetch(ref, registryScope: nil, parentDirectory: parentDirectory, wantFlakeFiles: false).source
            .narHash
    }
}

/// `audit --verify`: fetches every locked node again and compares the NAR hash with the
/// one flake.lock records. A mismatch or a failed fetch is a finding, never an error.
public struct LockVerifier: Sendable {
    public let source: any NarHashSource
    public let profile: CompatProfile

    public init(source: any NarHashSource, profile: CompatProfile) {
        self.source = source
        self.profile = profile
    }

    /// Verifies `pins` concurrently; the findings come back in the order of `pins`.
    /// - Parameter flakeDirectory: where relative `path:` inputs resolve.
    public func findings(_ pins: [LockInventory.Pin], flakeDirectory: String?) async -> [AuditFinding] {
        await withTaskGroup(of: (Int, AuditFinding?).self) { group in
            for (i, pin) in pins.enumerated() {
                group.addTask { (i, await self.verify(pin, flakeDirectory: flakeDirectory)) }
            }
            var results: [(Int, AuditFinding?)] = []
            for await r in group { results.append(r) }
            return results.sorted { $0.0 < $1.0 }.compactMap(\.1)
        }
    }

    /// One node: nil when its hash matches.
    func verify(_ pin: LockInventory.Pin, flakeDirectory: String?) async -> AuditFinding? {
        let name = "input '\(pin.path)' (\(pin.url))"
        guard let expected = pin.locked.input.common.narHash else {
            return AuditFinding(
                check: .unverifiable, node: pin.key, path: pin.path, message: "\(name) has no narHash to verify",
                details: ["reason": "no narHash"])
        }
        // Fetch without the recorded hash, so that the fetcher reports what it got instead
        // of failing on the comparison itself.
        var attrs = pin.locked.input.attrs
        attrs["narHash"] = nil
        let ref =
            (try? Input.fromAttrs(attrs, profile: profile)).map { FlakeRef(input: $0, subdir: pin.locked.subdir) }
            ?? pin.locked
        let got: NixHash
        do {
            got = try await source.narHash(of: ref, parentDirectory: flakeDirectory)
        } catch let FetchError.narHashMismatch(_, _, _, gotText, _) {
            return mismatch(pin, name: name, expected: expected.sri, got: gotText)
        } catch {
            let text = (error as? ErrorWithContext)?.message ?? String(describing: error)
            return AuditFinding(
                check: .unverifiable, node: pin.key, path: pin.path, message: "\(name) could not be fetched: \(text)",
                details: ["reason": "fetch failed", "error": text])
        }
        return got == expected ? nil : mismatch(pin, name: name, expected: expected.sri, got: got.sri)
    }

    func mismatch(_ pin: LockInventory.Pin, name: String, expected: String, got: String) -> AuditFinding {
        AuditFinding(
            check: .hashMismatch, node: pin.key, path: pin.path,
            message: "\(name): NAR hash mismatch, flake.lock has '\(expected)', the source now hashes to '\(got)'",
            details: ["expected": expected, "got": got])
    }
}
