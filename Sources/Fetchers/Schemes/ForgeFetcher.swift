import FlakeLockBasics
import FlakeModel
import NixCompat

/// `github`, `gitlab` and `sourcehut` (docs/nix-behaviour.md, "Fetcher: github, gitlab,
/// sourcehut"): resolve the ref to a revision with the forge's API, download the archive of
/// that revision and hash it while it streams in. The three forges share this logic and differ
/// only in their endpoints and token headers (``ForgeEndpoints``).
struct ForgeFetcher: Sendable {
    let settings: FetchSettings
    let transports: Transports
    let cache: FetchCache
    let reporter: any FetchReporter
    let quota: GitHubQuota

    func fetch(_ input: Input, _ spec: ForgeInput, capture: [String]) async throws -> FetchedSource {
        let endpoints = ForgeEndpoints(spec: spec, profile: settings.profile, tokens: tokens(for: spec))
        if spec.forge == .gitlab, let t = endpoints.token {
            // Nix prints the part before ':' — the whole token when there is no ':'. A secret
            // never reaches our output, so that case names no token text.
            if let colon = t.firstIndex(of: ":") {
                let kind = t[..<colon]
                if kind != "PAT" && kind != "OAuth2" { reporter.warning("Unrecognized GitLab token type \(kind)") }
            } else {
                reporter.warning("Unrecognized GitLab token type (the token has no 'PAT:' or 'OAuth2:' prefix)")
            }
        }
        let rev: String
        let tree: Tree
        if let given = spec.rev {
            rev = given.hex
            tree = try await self.tree(rev: rev, spec: spec, endpoints: endpoints, capture: capture)
        } else if await shouldSpeculate(spec, endpoints: endpoints) {
            (rev, tree) = try await resolveWithArchive(spec, endpoints: endpoints, capture: capture)
        } else {
            rev = try await resolveRef(spec, endpoints: endpoints)
            tree = try await self.tree(rev: rev, spec: spec, endpoints: endpoints, capture: capture)
        }
        if spec.rev == nil { await rememberRef(spec, endpoints: endpoints, rev: rev, narHash: tree.narHash) }
        var attrs = input.attrs
        attrs["ref"] = nil
        attrs["rev"] = .string(rev)
        attrs["lastModified"] = .int(UInt64(max(0, tree.lastModified)))
        attrs["narHash"] = .string(tree.narHash.sri)
        let locked = try Input.fromAttrs(attrs, profile: settings.profile)
        try SchemeChecks.checkNarHash(
            given: input, got: tree.narHash, lockedInput: locked, profile: settings.profile,
            storeDirectory: settings.storeDirectory)
        return FetchedSource(
            locked: locked, narHash: tree.narHash, files: tree.files, localPath: nil,
            storePath: StorePath.fixedOutputSource(narHash: tree.narHash, storeDirectory: settings.storeDirectory))
    }

    /// The commit the input's ref (or HEAD) points at: from the API, or over git once the
    /// API's quota is exhausted (see ``withGitHubFallback(_:endpoints:_:)``).
    func resolveRef(_ spec: ForgeInput, endpoints: ForgeEndpoints) async throws -> String {
        try await withGitHubFallback(spec, endpoints: endpoints) { useAPI in
            if useAPI { return try await resolveRev(spec, endpoints: endpoints) }
            if settings.offline {
                throw FetchError.offline(what: "'\(spec.ref ?? "HEAD")' of github:\(spec.owner)/\(spec.repo)")
            }
            return try await GitHubWithoutAPI(spec: spec, endpoints: endpoints, transports: transports)
                .resolveRev(spec.ref ?? "HEAD")
        }
    }

    private func tokens(for spec: ForgeInput) -> String? {
        AccessTokens(tokens: settings.accessTokens, matchPathPrefixes: settings.profile.accessTokensMatchPaths)
            .token(host: spec.host ?? spec.forge.defaultHost, owner: spec.owner, repo: spec.repo)
    }

    /// The commit a ref points at, asked of the forge's API.
    func resolveRev(_ spec: ForgeInput, endpoints: ForgeEndpoints) async throws -> String {
        let ref = spec.ref ?? "HEAD"
        if settings.offline {
            throw FetchError.offline(what: "'\(ref)' of \(spec.forge.rawValue):\(spec.owner)/\(spec.repo)")
        }
        switch spec.forge {
        case .github:
            let url = endpoints.commitURL(ref: ref)
            let json = try await getJSON(url, endpoints: endpoints)
            guard let sha = json.objectValue?["sha"]?.stringValue, let rev = GitObjectID(sha) else {
                throw FetchError.unexpectedResponse("Unexpected response received from GitHub: \(json.compactText)")
            }
            return rev.hex
        case .gitlab:
            let url = endpoints.commitURL(ref: ref)
            let json = try await getJSON(url, endpoints: endpoints)
            guard let array = json.arrayValue else {
                throw FetchError.unexpectedResponse("Unexpected response received from GitLab: \(json.compactText)")
            }
            guard let first = array.first else { throw FetchError.noCommits(url: url) }
            guard let id = first.objectValue?["id"]?.stringValue, let rev = GitObjectID(id) else {
                throw FetchError.unexpectedResponse("Unexpected response received from GitLab: \(json.compactText)")
            }
            return rev.hex
        case .sourcehut:
            var refName = ref
            if ref == "HEAD" {
                let (_, body) = try await transports.http.data(endpoints.request(endpoints.sourcehutHeadURL))
                let text = String(decoding: body, as: UTF8.self)
                guard let line = text.split(separator: "\n").first, line.hasPrefix("ref: ") else {
                    throw FetchError.cannotResolveRef(ref: ref, url: endpoints.sourcehutHeadURL)
                }
                refName = String(line.dropFirst("ref: ".count)).trimmingCharacters(in: .whitespaces)
            }
            let (_, body) = try await transports.http.data(endpoints.request(endpoints.sourcehutRefsURL))
            for line in String(decoding: body, as: UTF8.self).split(separator: "\n") {
                let parts = line.split(separator: "\t", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let name = String(parts[1])
                let matches =
                    ref == "HEAD" ? name == refName : (name == "refs/heads/\(ref)" || name == "refs/tags/\(ref)")
                if matches, let rev = GitObjectID(String(parts[0])) { return rev.hex }
            }
            throw FetchError.cannotResolveRef(ref: ref, url: endpoints.sourcehutRefsURL)
        }
    }

    private func getJSON(_ url: String, endpoints: ForgeEndpoints) async throws -> JSONValue {
        let (_, body) = try await transports.http.data(endpoints.request(url))
        do {
            return try JSONValue.parse(body)
        } catch {
            throw FetchError.unexpectedResponse("unable to parse the answer of '\(url)': \(error)")
        }
    }

    struct Tree {
        var narHash: NixHash
        var lastModified: Int64
        var files: [String: [UInt8]]
    }

    /// The hashed tree of `rev`: from the persistent cache (a revision's content never
    /// changes; like Nix, keyed by the revision alone, so the same commit on two forges is
    /// downloaded once), else downloaded and hashed while streaming.
    func tree(rev: String, spec: ForgeInput, endpoints: ForgeEndpoints, capture: [String]) async throws -> Tree {
        if let hit = await cachedTree(rev: rev, capture: capture) { return hit }
        if settings.offline {
            throw FetchError.offline(what: "revision \(rev) of \(spec.forge.rawValue):\(spec.owner)/\(spec.repo)")
        }
        let archive = try await downloadArchive(of: rev, spec: spec, endpoints: endpoints, capture: capture)
        return await remember(archive, rev: rev, capture: capture)
    }

    func treeKey(rev: String) -> String { "forge-rev:\(rev):\(SchemeChecks.archiveTopLevel(settings.profile))" }

    /// The cached tree of `rev` (local cache, then the shared fact cache), if it holds `capture`.
    func cachedTree(rev: String, capture: [String]) async -> Tree? {
        guard let hit = await cache.lookupShared(treeKey(rev: rev)), hit.covers(capture),
            let t = lastModified(from: hit.facts)
        else { return nil }
        return Tree(narHash: hit.narHash, lastModified: t, files: hit.files.filter { capture.contains($0.key) })
    }

    /// Downloads and hashes the archive of `name` (a revision, or a ref: the forges serve both).
    func downloadArchive(
        of name: String, spec: ForgeInput, endpoints: ForgeEndpoints, capture: [String], readCommitID: Bool = false,
        beforeFirstAnswer: Bool = false
    ) async throws -> ArchiveHashResult {
        let topLevel = SchemeChecks.archiveTopLevel(settings.profile)
        @Sendable func download(_ useAPI: Bool) async throws -> (String, DownloadHashResult) {
            let url =
                useAPI
                ? endpoints.archiveURL(rev: name)
                : GitHubWithoutAPI(spec: spec, endpoints: endpoints, transports: transports).archiveURL(rev: name)
            let options = ArchiveOptions(
                topLevel: topLevel, captureFiles: capture, sourceDescription: url, readCommitID: readCommitID)
            return (url, try await transports.archives.download(endpoints.request(url), mode: .archive(options)))
        }
        // github.com's web archive is the same URL either way and costs no API quota: it neither
        // waits for the API's first answer nor counts as one (which would let every commit
        // lookup after it go to an API whose quota may be exhausted).
        let (url, result) =
            try await archiveGoesThroughAPI(name, spec: spec, endpoints: endpoints)
            ? withGitHubFallback(spec, endpoints: endpoints, beforeFirstAnswer: beforeFirstAnswer) {
                try await download($0)
            }
            : download(false)
        guard let archive = result.archive else {
            throw FetchError.unexpectedResponse("unexpected answer while downloading '\(url)'")
        }
        return archive
    }

    /// Whether the archive of `name` is downloaded through the forge's API (Nix 2.8's URLs, a
    /// token, another host, GitLab and SourceHut), rather than from github.com's web archive.
    func archiveGoesThroughAPI(_ name: String, spec: ForgeInput, endpoints: ForgeEndpoints) -> Bool {
        spec.forge != .github
            || endpoints.archiveURL(rev: name)
                != GitHubWithoutAPI(spec: spec, endpoints: endpoints, transports: transports).archiveURL(rev: name)
    }

    /// Stores the downloaded tree of `rev` in the cache and returns it.
    func remember(_ archive: ArchiveHashResult, rev: String, capture: [String]) async -> Tree {
        var facts = ["maxMtime": String(archive.maxMtime)]
        if let top = archive.topLevelMtime { facts["topMtime"] = String(top) }
        await cache.storeShared(
            treeKey(rev: rev),
            FetchCache.Entry(
                narHash: archive.narHash, facts: facts, files: archive.capturedFiles, capturedPaths: Set(capture)))
        return Tree(
            narHash: archive.narHash, lastModified: lastModified(from: facts) ?? 0, files: archive.capturedFiles)
    }

    /// Runs `body` with the API (`true`) or without it (`false`), per `github-api`: `never`
    /// goes without; `auto` uses the API until a host's quota is found exhausted, then says so
    /// once and goes without for the rest of the run; `always` (and non-GitHub forges) use it,
    /// `always` failing with the remedies when the quota is exhausted. `beforeFirstAnswer`
    /// lets a request go without waiting its turn before the host's first answer (the archive
    /// of a ref, which ``archiveOfRef`` has already cleared).
    func withGitHubFallback<T: Sendable>(
        _ spec: ForgeInput, endpoints: ForgeEndpoints, beforeFirstAnswer: Bool = false,
        _ body: @Sendable (Bool) async throws -> T
    ) async throws -> T {
        guard spec.forge == .github else { return try await body(true) }
        let host = endpoints.host
        switch settings.githubAPI {
        case .always:
            do {
                return try await body(true)
            } catch let error as HTTPTransportError where error.isRateLimit {
                throw FetchError.githubQuotaExhausted(host: host, cause: error.description)
            }
        case .never:
            return try await body(false)
        case .auto:
            if !beforeFirstAnswer && waitsForFirstAnswer(endpoints) {
                // Before the host's first answer, one API request at a time (see ``GitHubQuota``).
                let first: T? = try await quota.firstRequest.withLock(host) { [quota, reporter] in
                    if quota.isExhausted(host) || quota.hasAnswered(host) { return nil }
                    guard let value = try await Self.apiUnlessExhausted(host, quota, reporter, body) else { return nil }
                    quota.markAnswered(host)
                    return value
                }
                if let first { return first }
            }
            if !quota.isExhausted(host), let value = try await Self.apiUnlessExhausted(host, quota, reporter, body) {
                return value
            }
            return try await body(false)
        }
    }

    /// `body(true)`, or nil when the API of `host` answers that the quota is exhausted (said once).
    private static func apiUnlessExhausted<T: Sendable>(
        _ host: String, _ quota: GitHubQuota, _ reporter: any FetchReporter,
        _ body: @Sendable (Bool) async throws -> T
    ) async throws -> T? {
        do {
            return try await body(true)
        } catch let error as HTTPTransportError where error.isRateLimit {
            if quota.markExhausted(host) {
                reporter.warning(GitHubWithoutAPI.exhaustedWarning(host: host, error: error))
            }
            return nil
        }
    }

    /// Whether an API request to `endpoints.host` must wait its turn for the host's first
    /// answer (``GitHubQuota``): with `github-api = auto`, until that answer, and never with a
    /// token (5,000 requests an hour: the quota is rarely exhausted).
    func waitsForFirstAnswer(_ endpoints: ForgeEndpoints) -> Bool {
        settings.githubAPI == .auto && endpoints.token == nil && !quota.hasAnswered(endpoints.host)
    }

    func lastModified(from facts: [String: String]) -> Int64? {
        switch settings.profile.forgeLastModified {
        case .topDirectory: facts["topMtime"].flatMap { Int64($0) } ?? facts["maxMtime"].flatMap { Int64($0) }
        case .maxEntry: facts["maxMtime"].flatMap { Int64($0) }
        }
    }
}

/// The URLs and headers of one forge request, per forge, host and Nix version.
struct ForgeEndpoints {
    let spec: ForgeInput
    let profile: CompatProfile
    let token: String?

    init(spec: ForgeInput, profile: CompatProfile, tokens: String?) {
        self.spec = spec
        self.profile = profile
        self.token = tokens
    }

    var host: String { spec.host ?? spec.forge.defaultHost }
    var isDefaultHost: Bool { spec.host == nil || spec.host == spec.forge.defaultHost }

    /// The API base of GitHub: 2.8 always `https://api.<host>`; current `https://api.github.com`
    /// for github.com and `https://<host>/api/v3` (Enterprise) for other hosts.
    var githubAPI: String {
        switch profile.githubEndpoints {
        case .nix28: "https://api.\(host)"
        case .current: host == "github.com" ? "https://api.github.com" : "https://\(host)/api/v3"
        }
    }

    var gitlabProject: String { "https://\(host)/api/v4/projects/\(spec.owner)%2F\(spec.repo)" }

    func commitURL(ref: String) -> String {
        switch spec.forge {
        case .github: "\(githubAPI)/repos/\(spec.owner)/\(spec.repo)/commits/\(ref)"
        case .gitlab: "\(gitlabProject)/repository/commits?ref_name=\(ref)"
        case .sourcehut: "https://\(host)/\(spec.owner)/\(spec.repo)/HEAD"
        }
    }

    var sourcehutHeadURL: String { "https://\(host)/\(spec.owner)/\(spec.repo)/HEAD" }
    var sourcehutRefsURL: String { "https://\(host)/\(spec.owner)/\(spec.repo)/info/refs" }

    func archiveURL(rev: String) -> String {
        switch spec.forge {
        case .github:
            if profile.githubEndpoints == .current && host == "github.com" && token == nil {
                return "https://github.com/\(spec.owner)/\(spec.repo)/archive/\(rev).tar.gz"
            }
            return "\(githubAPI)/repos/\(spec.owner)/\(spec.repo)/tarball/\(rev)"
        case .gitlab: return "\(gitlabProject)/repository/archive.tar.gz?sha=\(rev)"
        case .sourcehut: return "https://\(host)/\(spec.owner)/\(spec.repo)/archive/\(rev).tar.gz"
        }
    }

    /// A request with the forge's token header, marked sensitive so that no transport logs it
    /// or sends it to another host after a redirect.
    func request(_ url: String) -> HTTPRequest {
        HTTPRequest(url: url, headers: tokenHeaders())
    }

    func tokenHeaders() -> [HTTPHeader] {
        guard let token else { return [] }
        switch spec.forge {
        case .github: return [HTTPHeader("Authorization", "token \(token)", sensitive: true)]
        case .sourcehut: return [HTTPHeader("Authorization", "Bearer \(token)", sensitive: true)]
        case .gitlab:
            if let colon = token.firstIndex(of: ":") {
                let kind = String(token[..<colon])
                let value = String(token[token.index(after: colon)...])
                switch kind {
                case "PAT": return [HTTPHeader("Private-token", value, sensitive: true)]
                case "OAuth2": return [HTTPHeader("Authorization", "Bearer \(value)", sensitive: true)]
                default: return [HTTPHeader(kind, value, sensitive: true)]
                }
            }
            return [HTTPHeader(token, token, sensitive: true)]
        }
    }
}
