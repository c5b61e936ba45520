import FlakeLockBasics
import Foundation

/// A cache repository that lost objects (a deleted or truncated pack file, a crash in the
/// middle of a repack) would fail every later run. Such a failure moves the repository
/// aside, with a warning naming both places, and the fetch is done once more into a fresh one.
extension GitFetcher {
    /// Runs `body` (fetching into and reading from the cache repository `repository`); if it
    /// fails because the repository is damaged, moves the repository aside and runs `body`
    /// once more. Offline, nothing can be fetched again, so the failure stands.
    func healingDamage<T: Sendable>(of repository: String, _ body: @Sendable () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as GitTransportError where !settings.offline {
            // Either the failure itself shows lost objects, or a check of the repository does
            // (a ref whose commit is gone reads as a missing ref).
            var why = e.indicatesDamagedRepository ? e.description : nil
            if why == nil { why = await git.damage(in: repository) }
            guard let why else { throw e }
            let aside = try await moveAside(repository)
            reporter.warning(
                "Git cache repository '\(repository)' is damaged (\(why)); "
                    + (aside.map { "moved it to '\($0)' and fetching again" } ?? "it is gone now; fetching again"))
            return try await body()
        }
    }

    /// Renames `repository` to a fresh `<repository>.damaged-N` beside it, under the same
    /// locks as a fetch (no other task or process is writing it meanwhile); nil if another
    /// process moved it already.
    private func moveAside(_ repository: String) async throws -> String? {
        try await Self.repositoryLocks.withLock(repository) {
            try await git.withRepositoryLock(repository) {
                let fm = FileManager.default
                for n in 1...1000 {
                    let aside = "\(repository).damaged-\(n)"
                    if fm.fileExists(atPath: aside) { continue }
                    // Another process may have healed it already: then it is gone or fresh,
                    // and moving a fresh copy aside costs one more fetch, nothing else.
                    guard fm.fileExists(atPath: repository) else { return nil }
                    do {
                        try fm.moveItem(atPath: repository, toPath: aside)
                    } catch {
                        throw FetchError.unexpectedResponse(
                            "cannot move the damaged Git cache repository '\(repository)' aside: \(error.localizedDescription)"
                        )
                    }
                    return aside
                }
                throw FetchError.unexpectedResponse(
                    "cannot move the damaged Git cache repository '\(repository)' aside")
            }
        }
    }
}

extension GitTransportError {
    /// Whether the failure shows missing or corrupt objects in the local repository (as
    /// opposed to a network failure or a revision the remote does not have).
    public var indicatesDamagedRepository: Bool {
        let text: String
        switch self {
        case .objectNotFound: return true
        case .library(_, _, let m), .fetchFailed(_, let m), .submodule(_, let m): text = m
        case .commandFailed(_, _, let stderr): text = stderr
        default: return false
        }
        let t = text.lowercased()
        return [
            "object not found", "missing blob", "missing tree", "missing commit", "bad object", "corrupt", "packfile",
            "failed to read object", "unable to read", "invalid object", "did not send all necessary objects",
        ].contains { t.contains($0) }
    }
}
