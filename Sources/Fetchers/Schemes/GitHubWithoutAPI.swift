import FlakeLockBasics
import FlakeModel
import Foundation

/// When GitHub inputs go through the REST API (the `github-api` setting).
public enum GitHubAPIMode: String, Sendable, CaseIterable {
    /// Use the API as Nix does; once it answers that the quota is exhausted, resolve refs
    /// over the git protocol and download web archives for the rest of the run.
    case auto
    /// Never call the API: refs over git, archives from `https://HOST/OWNER/REPO/archive/REV.tar.gz`.
    case never
    /// Always the API, as Nix does, failing when the quota is exhausted.
    case always
}

/// Per-run memory of the GitHub hosts whose API quota is exhausted, so that the fallback
/// is announced once and later inputs skip the API at once. Until a host's API has answered
/// once, its requests go one at a time (``firstRequest``): an exhausted quota then costs a
/// single 403, not one per input fetched in parallel.
public final class GitHubQuota: @unchecked Sendable {
    // @unchecked: the sets are guarded by `lock`.
    private let lock = NSLock()
    private var exhausted: Set<String> = []
    private var answered: Set<String> = []
    private var lackCommitID: Set<String> = []
    /// Held, per host, around the API requests made before the host's first answer.
    let firstRequest = KeyedLock()
    /// Fired, per host, once its API has answered or its quota was found exhausted.
    private let settled = KeyedSignal()
    private var earlyArchiveClaimed: Set<String> = []

    public init() {}

    func isExhausted(_ host: String) -> Bool {
        lock.withLock { exhausted.contains(host) }
    }

    /// Whether the API of `host` has answered a request this run (so the quota was not exhausted then).
    func hasAnswered(_ host: String) -> Bool {
        lock.withLock { answered.contains(host) }
    }

    func markAnswered(_ host: String) {
        _ = lock.withLock { answered.insert(host) }
        settled.fire(host)
    }

    /// Returns once the API of `host` has answered or its quota is known to be exhausted (at
    /// once if it already is), or when the calling task is cancelled.
    func waitUntilSettled(_ host: String) async {
        await settled.wait(host)
    }

    /// Claims the one API archive of `host` that may be requested before the host's first
    /// answer (beside the commit lookup that will give that answer); true once per host.
    func claimEarlyArchive(_ host: String) -> Bool {
        lock.withLock { earlyArchiveClaimed.insert(host).inserted }
    }

    /// Whether an archive from `host` named no commit this run (so downloading the archive of
    /// a ref before it resolves cannot be checked there).
    func archivesLackCommitID(_ host: String) -> Bool {
        lock.withLock { lackCommitID.contains(host) }
    }

    func markArchivesLackCommitID(_ host: String) {
        _ = lock.withLock { lackCommitID.insert(host) }
    }

    /// Records that `host`'s quota is exhausted; true the first time (the caller warns then).
    func markExhausted(_ host: String) -> Bool {
        let first = lock.withLock { exhausted.insert(host).inserted }
        settled.fire(host)
        return first
    }
}

/// The GitHub route that needs no API quota: refs from the git smart-HTTP advertisement of
/// `https://HOST/OWNER/REPO.git`, content from the web archive of the revision. Both give
/// the same revision and tree as the API (the web archive is the same `git archive` output
/// the API's tarball endpoint redirects to), so the lock is byte-identical.
struct GitHubWithoutAPI {
    let spec: ForgeInput
    let endpoints: ForgeEndpoints
    let transports: Transports

    var host: String { endpoints.host }
    var refsURL: String { "https://\(host)/\(spec.owner)/\(spec.repo).git/info/refs?service=git-upload-pack" }
    func archiveURL(rev: String) -> String { "https://\(host)/\(spec.owner)/\(spec.repo)/archive/\(rev).tar.gz" }

    /// Resolves `ref` (or HEAD) as the API would.
    func resolveRev(_ ref: String) async throws -> String {
        let (_, body) = try await transports.http.data(HTTPRequest(url: refsURL, headers: gitHeaders()))
        let advertisement: GitRefAdvertisement
        do {
            advertisement = try GitRefAdvertisement.parse(body)
        } catch {
            throw FetchError.unexpectedResponse("unable to read the refs of '\(refsURL)': \(error)")
        }
        guard let id = advertisement.commit(for: ref) else { throw FetchError.cannotResolveRef(ref: ref, url: refsURL) }
        return id.hex
    }

    /// A configured token goes along as Basic credentials (GitHub accepts a token as the
    /// password of any user name), so private repositories resolve too.
    func gitHeaders() -> [HTTPHeader] {
        guard let token = endpoints.token else { return [] }
        let credentials = Data("x-access-token:\(token)".utf8).base64EncodedString()
        return [HTTPHeader("Authorization", "Basic \(credentials)", sensitive: true)]
    }

    /// The one warning of a run that falls back (Nix has none: it fails).
    static func exhaustedWarning(host: String, error: HTTPTransportError) -> String {
        var s = "the GitHub API quota of '\(host)' is exhausted"
        if case .rateLimited(_, _, let limit, let resetsAt, _) = error {
            if let limit { s += " (\(limit) requests an hour)" }
            if let resetsAt { s += "; it resets at \(formatUTC(resetsAt))" }
        }
        return s + "; resolving GitHub refs over git and downloading archives without the API from now on"
    }
}

extension HTTPTransportError {
    /// A 429, or a 403 with the quota exhausted, that the transport could not wait out.
    var isRateLimit: Bool {
        if case .rateLimited = self { return true }
        return false
    }
}
