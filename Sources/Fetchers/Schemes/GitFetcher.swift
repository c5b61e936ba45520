import FlakeLockBasics
import FlakeModel
import Foundation
import NixCompat

/// `git` inputs (docs/nix-behaviour.md, "Fetcher: git"): local work trees are read in place
/// (clean: the commit at HEAD; dirty: the tracked files as they are on disk), everything else
/// is fetched into a bare cache repository under `<cache>/git/` and hashed from Git objects
/// without a checkout. Which `ref` is recorded, whether export-ignore/export-subst apply and
/// whether annotated tags are peeled follow the profile.
struct GitFetcher: Sendable {
    let settings: FetchSettings
    let transports: Transports
    let reporter: any FetchReporter
    let cache: FetchCache

    var profile: CompatProfile { settings.profile }
    var git: any GitTransport { transports.git }

    /// The URL without its query and fragment, as Nix contacts it (`url.base`), and the
    /// local directory for `file:` URLs.
    struct Location {
        var actualURL: String
        var localPath: String?
        var isWorkTree: Bool
    }

    func locate(_ url: String) -> Location {
        var base = url
        if let q = base.firstIndex(where: { $0 == "?" || $0 == "#" }) { base = String(base[..<q]) }
        var path: String
        if base.hasPrefix("file://") {
            path = String(base.dropFirst("file://".count))
        } else if base.hasPrefix("/") {
            path = base
        } else if base.hasPrefix("file:") {
            // `git+file:./sub`: Nix makes the path absolute against the current directory
            // (src/libfetchers/git.cc, `getRepoInfo`), not the declaring flake's.
            path = String(base.dropFirst("file:".count))
            if !path.hasPrefix("/") {
                path = PathSyntax.canonicalize(FileManager.default.currentDirectoryPath + "/" + path)
            }
            base = "file://" + path
        } else {
            return Location(actualURL: base, localPath: nil, isWorkTree: false)
        }
        path = path.removingPercentEncoding ?? path
        let isWorkTree = FileManager.default.fileExists(atPath: path + "/.git")
        return Location(actualURL: isWorkTree ? path : base, localPath: path, isWorkTree: isWorkTree)
    }

    func cacheRepository(for url: String, shallow: Bool = false) -> String {
        settings.cacheDirectory + "/git/" + NixBase32.encode(NixHash.sha256(of: Array(url.utf8)).digest)
            + (shallow ? "-shallow" : "")
    }

    /// Whether this input is fetched with `--depth 1` (current Nix; 2.8 fetches everything).
    func fetchesShallow(_ spec: GitInput) -> Bool { spec.shallow == true && profile.gitShallowFetch }

    func fetch(_ input: Input, _ spec: GitInput, capture: [String]) async throws -> FetchedSource {
        let loc = locate(spec.url)
        var attrs = input.attrs
        let givenRef = input.common.ref
        let givenRev = input.common.rev?.hex

        if loc.isWorkTree, let path = loc.localPath, givenRef == nil, givenRev == nil {
            let status = try await git.workTreeStatus(at: path, ignoreSubmodules: spec.submodules != true)
            if status.isDirty || status.headCommit == nil {
                return try await fetchDirty(input, path: path, status: status, capture: capture)
            }
            if let head = status.headCommit {
                if let ref = recordedLocalRef(status) { attrs["ref"] = .string(ref) }
                return try await fetchCommit(
                    input, attrs: attrs, spec: spec, repository: path, url: loc.actualURL,
                    object: head, capture: capture, localPath: path)
            }
        }

        if loc.isWorkTree, let path = loc.localPath {
            let ref: String
            if let givenRef {
                ref = givenRef
            } else {
                let status = try await git.workTreeStatus(at: path, ignoreSubmodules: true)
                ref = recordedLocalRef(status) ?? "HEAD"
            }
            if attrs["ref"] == nil { attrs["ref"] = .string(ref) }
            return try await fetchRef(
                input, attrs: attrs, spec: spec, repository: path, url: loc.actualURL, ref: ref, isWorkTree: true,
                capture: capture)
        }
        let repository = cacheRepository(for: loc.actualURL, shallow: fetchesShallow(spec))
        let ref: String
        if let givenRef {
            ref = givenRef
        } else if profile.gitDefaultRefIsRemoteHead {
            ref = try await remoteHead(loc.actualURL)
        } else {
            ref = "master"
        }
        if attrs["ref"] == nil { attrs["ref"] = .string(ref) }
        return try await healingDamage(of: repository) { [attrs] in
            try await update(repository: repository, url: loc.actualURL, ref: ref, rev: givenRev, spec: spec)
            return try await fetchRef(
                input, attrs: attrs, spec: spec, repository: repository, url: loc.actualURL, ref: ref,
                isWorkTree: loc.isWorkTree, capture: capture)
        }
    }

    /// Finds `rev` (or the commit `ref` names) in `repository` and hashes it.
    private func fetchRef(
        _ input: Input, attrs: Attrs, spec: GitInput, repository: String, url: String, ref: String, isWorkTree: Bool,
        capture: [String]
    ) async throws -> FetchedSource {
        let object: GitObjectID
        if let givenRev = input.common.rev?.hex, let id = GitObjectID(givenRev) {
            guard try await git.contains(id, in: repository) else {
                throw GitTransportError.revisionNotInRef(rev: givenRev, ref: ref, url: url)
            }
            object = id
        } else {
            // A work tree is asked as `git rev-parse <ref>` would be (2.8, `src/libfetchers/git.cc`)
            // or libgit2's `<ref>^{commit}` (current `resolveRef`): a branch, a lightweight or
            // annotated tag, a remote-tracking branch, each by its short name. 2.8 records an
            // annotated tag's own object, current Nix the commit it points to.
            let resolved = try await git.resolve(ref: isWorkTree ? ref : localRefName(ref), in: repository)
            object = profile.annotatedTagsPeeled ? resolved.commit : resolved.object
        }
        return try await fetchCommit(
            input, attrs: attrs, spec: spec, repository: repository, url: url, object: object, capture: capture)
    }

    /// The `ref` recorded for a clean local work tree without one: 2.8 the abbreviated branch
    /// (`main`, `HEAD` when detached); current the full symbolic target (none when detached).
    func recordedLocalRef(_ status: GitWorkTreeStatus) -> String? {
        if profile.gitLocalRefIsFull { return status.headRef }
        guard let full = status.headRef else { return "HEAD" }
        for prefix in ["refs/heads/", "refs/tags/", "refs/remotes/", "refs/"] where full.hasPrefix(prefix) {
            return String(full.dropFirst(prefix.count))
        }
        return full
    }

    /// Where a ref lives in the bare cache: `refs/…` as is, `HEAD`, else a branch.
    func localRefName(_ ref: String) -> String {
        if ref.hasPrefix("refs/") || ref == "HEAD" || GitObjectID(ref) != nil { return ref }
        return "refs/heads/\(ref)"
    }

    func remoteHead(_ url: String) async throws -> String {
        if settings.offline { return "master" }
        if let target = try? await git.lsRemoteSymref(url) { return target }
        reporter.warning("could not read HEAD ref from repo at '\(url)', using 'master'")
        return "master"
    }

    /// One cache repository is updated by one fetch at a time: two inputs of the same
    /// repository (other refs, other revs) are fetched in parallel by the locker's prefetch,
    /// and libgit2 cannot create or fetch into one repository concurrently. Within the
    /// process this lock orders the tasks; across processes sharing the cache, the
    /// transport's ``GitTransport/withRepositoryLock(_:_:)``.
    static let repositoryLocks = KeyedLock()

    /// Fetches into the bare cache when the answer may have moved (no `rev`), the `rev` is
    /// missing, or all refs are wanted.
    func update(repository: String, url: String, ref: String, rev: String?, spec: GitInput) async throws {
        try await Self.repositoryLocks.withLock(repository) {
            try await git.withRepositoryLock(repository) {
                try await updateLocked(repository: repository, url: url, ref: ref, rev: rev, spec: spec)
            }
        }
    }

    private func updateLocked(repository: String, url: String, ref: String, rev: String?, spec: GitInput) async throws {
        try await git.ensureBareRepository(at: repository)
        if let rev, let id = GitObjectID(rev), spec.allRefs != true, try await git.contains(id, in: repository) {
            return
        }
        if settings.offline {
            if rev == nil, (try? await git.resolve(ref: localRefName(ref), in: repository)) != nil { return }
            throw FetchError.offline(what: "Git repository '\(url)'")
        }
        let local = localRefName(ref)
        let refspec: String
        if spec.allRefs == true {
            refspec = "refs/*:refs/*"
        } else if GitObjectID(ref) != nil {
            refspec = ref
        } else {
            refspec = "\(local):\(local)"
        }
        try await git.fetch(url, into: repository, refspecs: [refspec], shallow: fetchesShallow(spec))
    }

    func fetchCommit(
        _ input: Input, attrs: Attrs, spec: GitInput, repository: String, url: String, object: GitObjectID,
        capture: [String], localPath: String? = nil
    ) async throws -> FetchedSource {
        var attrs = attrs
        let commit = try await git.resolve(ref: object.hex, in: repository).commit
        let shallow = spec.shallow == true
        let subst =
            profile.gitExportIgnoreAndSubst && !(spec.submodules == true && profile.gitSubmodulesSkipExportAttributes)
        let exportIgnore = subst || spec.exportIgnore == true
        // A commit's tree, history and files never change: what was computed once is kept
        // (keyed by everything that changes the result), so a warm lock hashes nothing.
        let key = "git-tree:v1:\(commit.hex):\(exportIgnore):\(subst):\(spec.submodules == true):\(shallow)"
        let facts: Facts
        if let hit = await cache.lookupShared(key), hit.covers(capture),
            let lm = hit.facts["lastModified"].flatMap({ Int64($0) })
        {
            facts = Facts(
                narHash: hit.narHash, revCount: hit.facts["revCount"].flatMap { Int($0) }, lastModified: lm,
                files: hit.files)
        } else {
            let info = try await git.commitInfo(commit, in: repository, countRevisions: !shallow)
            if info.isShallowRepository && !shallow { throw GitTransportError.shallowRepository(url: url) }
            let submodules =
                spec.submodules == true
                ? GitSubmoduleOptions(superprojectURL: url, cacheRepository: { [self] in cacheRepository(for: $0) })
                : nil
            let options = GitTreeOptions(exportIgnore: exportIgnore, exportSubst: subst, submodules: submodules)
            let tree = try await git.hashTree(of: commit, in: repository, options: options)
            var files: [String: [UInt8]] = [:]
            for path in capture {
                if let subtree = SubtreeHashCapture.path(of: path) {
                    var o = options
                    o.subtree = subtree
                    if let h = try? await git.hashTree(of: commit, in: repository, options: o) {
                        files[path] = Array(h.narHash.sri.utf8)
                    }
                } else if let bytes = try await git.readFile(path, at: commit, in: repository) {
                    files[path] = bytes
                } else if submodules != nil,
                    let bytes = try await git.readFile(path, at: commit, in: repository, options: options)
                {
                    files[path] = bytes  // inside a submodule
                }
            }
            facts = Facts(
                narHash: tree.narHash, revCount: info.revCount, lastModified: info.committerTime, files: files)
            var stored = ["lastModified": String(info.committerTime)]
            if let n = info.revCount { stored["revCount"] = String(n) }
            await cache.storeShared(
                key, FetchCache.Entry(narHash: tree.narHash, facts: stored, files: files, capturedPaths: Set(capture)))
        }
        attrs["rev"] = .string(object.hex)
        let keepGiven = profile.gitGivenRevCountAndLastModified == .kept && localPath == nil
        if !shallow, let count = facts.revCount, !(keepGiven && attrs["revCount"] != nil) {
            attrs["revCount"] = .int(UInt64(count))
        }
        if !(keepGiven && attrs["lastModified"] != nil) {
            attrs["lastModified"] = .int(UInt64(max(0, facts.lastModified)))
        }
        attrs["narHash"] = .string(facts.narHash.sri)
        let locked = try Input.fromAttrs(attrs, profile: profile)
        if profile.gitGivenRevCountAndLastModified == .checked {
            try Self.checkGivenAttributes(given: input, locked: locked, profile: profile)
        }
        try SchemeChecks.checkNarHash(
            given: input, got: facts.narHash, lockedInput: locked, profile: profile,
            storeDirectory: settings.storeDirectory)
        return FetchedSource(
            locked: locked, narHash: facts.narHash, files: facts.files.filter { capture.contains($0.key) },
            localPath: localPath,
            storePath: StorePath.fixedOutputSource(
                narHash: facts.narHash, name: spec.name ?? "source", storeDirectory: settings.storeDirectory))
    }

    /// Nix 2.31's check of a given `lastModified`/`revCount` against the fetched one
    /// (`Input::checkLocks` in `src/libfetchers/fetchers.cc`, removed by NixOS/nix#14596).
    static func checkGivenAttributes(given: Input, locked: Input, profile: CompatProfile) throws {
        let url = (try? locked.toURLString(profile: profile)) ?? locked.description
        if let expected = given.common.lastModified, locked.common.lastModified != expected {
            throw FetchError.lastModifiedMismatch(
                url: url, expected: expected, got: locked.common.lastModified.map { Int64($0) } ?? -1)
        }
        if let expected = given.common.revCount, locked.common.revCount != expected {
            throw FetchError.attributeMismatch(name: "revCount", url: url, expected: String(expected))
        }
    }

    struct Facts {
        var narHash: NixHash
        var revCount: Int?
        var lastModified: Int64
        var files: [String: [UInt8]]
    }

    /// A dirty work tree: the tracked files with their current contents. 2.8 locks it
    /// without `rev`; current marks it with `dirtyRev` (and the locker refuses to write it).
    func fetchDirty(_ input: Input, path: String, status: GitWorkTreeStatus, capture: [String]) async throws
        -> FetchedSource
    {
        if !settings.allowDirty { throw FetchError.dirtyTree(path: path) }
        if settings.warnDirty { reporter.warning("Git tree '\(path)' is dirty") }
        var attrs = input.attrs
        let tree = try await git.hashWorkTree(at: path)
        var lastModified: Int64 = 0
        if let head = status.headCommit {
            lastModified = try await git.commitInfo(head, in: path, countRevisions: false).committerTime
            if !profile.dirtyGitTreesLocked {
                attrs["dirtyRev"] = .string(head.hex + "-dirty")
                attrs["dirtyShortRev"] = .string(head.short + "-dirty")
            }
        }
        attrs["lastModified"] = .int(UInt64(max(0, lastModified)))
        attrs["narHash"] = .string(tree.narHash.sri)
        // Nix sees only the files the index lists (src/libfetchers/git.cc, the work tree's
        // accessor; 2.8 copies only those to the store).
        var files: [String: [UInt8]] = [:]
        var untracked: Set<String> = []
        for p in capture {
            guard let data = FileManager.default.contents(atPath: path + "/" + p) else { continue }
            if let tracked = tree.trackedPaths, !tracked.contains(PathSyntax.canonicalizeRelative(p)) {
                untracked.insert(p)
            } else {
                files[p] = Array(data)
            }
        }
        let locked = try Input.fromAttrs(attrs, profile: profile)
        var source = FetchedSource(
            locked: locked, narHash: tree.narHash, files: files, localPath: path,
            storePath: StorePath.fixedOutputSource(narHash: tree.narHash, storeDirectory: settings.storeDirectory))
        source.untrackedFiles = untracked
        if profile.dirtyGitTreeFingerprint, let head = status.headCommit, case .git(let spec) = input.spec,
            !FileManager.default.fileExists(atPath: path + "/.gitmodules"),
            let changes = try await git.workTreeChanges(at: path)
        {
            source.fingerprint = try await BlockingExecutor.shared.run {
                try GitDirtyFingerprint.compute(workTree: path, head: head, changes: changes, spec: spec)
            }
        }
        return source
    }
}
