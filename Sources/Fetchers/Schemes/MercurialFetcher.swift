import FlakeLockBasics
import FlakeModel
import Foundation
import NixCompat

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `hg` inputs, fetched with the `hg` command line as Nix does (`src/libfetchers/mercurial.cc`,
/// the same in Nix 2.8 and current Nix except where the profile says otherwise):
///
/// - A local repository (`hg+file`) without `ref` and `rev` whose working directory has
///   modified, added or removed files is read in place: the tracked files as they are on
///   disk (`.hg` and untracked files left out), `ref` set to the working directory's branch,
///   no `rev` (2.8 locks it by its `narHash`; current Nix calls it unlocked).
/// - Everything else is cloned (`hg clone --noupdate`) or pulled into a cache repository
///   `<cache>/hg/<base32 sha256 of the URL>`, guarded by `flock` on `<that>.lock` so that
///   concurrent flakelock processes never pull into one repository at once. A `rev` already
///   in the cache is not pulled again.
/// - `ref` defaults to `default`; `hg log -r <rev or ref>` gives the changeset, its local
///   revision number (recorded as `revCount`, so the first commit has 0) and its branch,
///   which replaces `ref` (a tag or bookmark given as `ref` is recorded as its branch).
/// - The tree is `hg archive` of the changeset without `.hg_archival.txt` (`.hgtags`,
///   `.hgignore` are tracked files and stay). Nothing sets `lastModified`. The store path is
///   named by the `name` attribute, else `source`.
struct MercurialFetcher: Sendable {
    let settings: FetchSettings
    let reporter: any FetchReporter
    let cache: FetchCache
    var executor: BlockingExecutor = .shared

    var profile: CompatProfile { settings.profile }

    /// `HGPLAIN` makes hg's output stable and keeps the user's `.hgrc` out (as Nix does).
    static let environment = ["HGPLAIN": ""]

    /// Where the repository is: the directory of a `file:` URL, else the URL hg contacts.
    struct Location: Equatable {
        var actualURL: String
        var localPath: String?
    }

    /// Nix 2.8 contacts the URL without its query and fragment (`url.base`); current Nix
    /// the whole URL (NixOS/nix 4077aa43, "ParsedURL: Remove base field", Nix 2.26).
    static func locate(_ url: String, profile: CompatProfile) -> Location {
        if let path = MercurialLocation.localPath(url) { return Location(actualURL: path, localPath: path) }
        guard !profile.hgURLKeepsQuery, let cut = url.firstIndex(where: { $0 == "?" || $0 == "#" }) else {
            return Location(actualURL: url, localPath: nil)
        }
        return Location(actualURL: String(url[..<cut]), localPath: nil)
    }

    func cacheRepository(for actualURL: String) -> String {
        settings.cacheDirectory + "/hg/" + NixBase32.encode(NixHash.sha256(of: Array(actualURL.utf8)).digest)
    }

    func fetch(_ input: Input, _ spec: MercurialInput, capture: [String]) async throws -> FetchedSource {
        let location = Self.locate(spec.url, profile: profile)
        var givenRev = input.common.rev?.hex
        // A local repository without ref and rev is also where its lock file is written.
        var workingDirectory: String?
        if input.common.ref == nil, givenRev == nil, let path = location.localPath,
            FileManager.default.fileExists(atPath: path + "/.hg")
        {
            workingDirectory = path
            let changes = try await Self.hg(
                ["status", "-R", path, "--modified", "--added", "--removed"], executor: executor)
            if !changes.isEmpty { return try await fetchDirty(input, spec, path: path, capture: capture) }
            if profile.hgLocalLocksWorkingParent {
                let parent = try await Self.hg(
                    ["identify", "-R", path, "-r", ".", "--template", "{node}"], executor: executor)
                givenRev = parent.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        let ref = input.common.ref ?? "default"
        let facts = try await executor.run { [self, givenRev] in
            try resolveBlocking(location.actualURL, revision: givenRev ?? ref, knownRev: givenRev, capture: capture)
        }
        if let givenRev = input.common.rev?.hex, facts.node != givenRev {
            throw FetchError.attributeMismatch(name: "rev", url: spec.url, expected: givenRev)
        }
        var attrs = input.attrs
        attrs["ref"] = .string(facts.branch)
        attrs["rev"] = .string(facts.node)
        attrs["revCount"] = .int(facts.revision)
        attrs["narHash"] = .string(facts.narHash.sri)
        let locked = try Input.fromAttrs(attrs, profile: profile)
        try SchemeChecks.checkNarHash(
            given: input, got: facts.narHash, lockedInput: locked, profile: profile,
            storeDirectory: settings.storeDirectory)
        return FetchedSource(
            locked: locked, narHash: facts.narHash, files: facts.files, localPath: workingDirectory,
            storePath: StorePath.fixedOutputSource(
                narHash: facts.narHash, name: spec.name ?? "source", storeDirectory: settings.storeDirectory))
    }

    /// What one changeset gives.
    struct Facts: Sendable {
        var node: String
        var revision: UInt64
        var branch: String
        var narHash: NixHash
        var files: [String: [UInt8]]
    }

    /// Updates the cache repository and reads `revision` from it, under the repository's lock.
    func resolveBlocking(_ url: String, revision: String, knownRev: String?, capture: [String]) throws -> Facts {
        let repository = cacheRepository(for: url)
        try FileManager.default.createDirectory(
            atPath: settings.cacheDirectory + "/hg", withIntermediateDirectories: true)
        return try Self.withFileLock(repository + ".lock") {
            try updateBlocking(repository, url: url, knownRev: knownRev)
            let count = profile.hgRevCountCountsAncestors ? "{count(revset('::{rev}'))}" : "{rev}"
            let log = try Self.hgBlocking([
                "log", "-R", repository, "-r", revision, "--template", "{node} \(count) {branch}",
            ])
            let parts = log.split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3, parts[0].count == 40, let number = UInt64(parts[1]) else {
                throw MercurialError.unexpectedOutput(command: "hg log", output: log)
            }
            let (narHash, files) = try treeBlocking(repository, node: parts[0], capture: capture)
            return Facts(node: parts[0], revision: number, branch: parts[2], narHash: narHash, files: files)
        }
    }

    /// Clones or pulls unless `knownRev` is already in the cache repository.
    func updateBlocking(_ repository: String, url: String, knownRev: String?) throws {
        let exists = FileManager.default.fileExists(atPath: repository + "/.hg")
        if exists, let knownRev,
            (try? ExternalCommand.runBlocking(
                "hg", ["log", "-R", repository, "-r", knownRev, "--template", "1"], environment: Self.environment))?
                .stdoutText == "1"
        {
            return
        }
        if settings.offline {
            if exists && knownRev == nil { return }
            throw FetchError.offline(what: "Mercurial repository '\(url)'")
        }
        guard exists else {
            // Clone next to the cache repository and move it in place, so that an interrupted
            // clone never leaves a half-made repository behind.
            let staging = repository + ".clone-\(getpid())"
            try? FileManager.default.removeItem(atPath: staging)
            defer { try? FileManager.default.removeItem(atPath: staging) }
            try Self.hgBlocking(["clone", "--noupdate", "--", url, staging])
            try FileManager.default.moveItem(atPath: staging, toPath: repository)
            return
        }
        do {
            try Self.hgBlocking(["pull", "-R", repository, "--", url])
        } catch let e as MercurialError {
            // An interrupted pull leaves an abandoned transaction that hg refuses to pull over.
            guard FileManager.default.fileExists(atPath: repository + "/.hg/store/journal") else { throw e }
            try Self.hgBlocking(["recover", "-R", repository])
            try Self.hgBlocking(["pull", "-R", repository, "--", url])
        }
    }

    /// The NAR hash of `hg archive` of `node` (cached by changeset) and the captured files.
    func treeBlocking(_ repository: String, node: String, capture: [String]) throws -> (NixHash, [String: [UInt8]]) {
        let key = "hg-tree:v1:\(node)"
        if let hit = cache.lookupBlocking(key), hit.covers(capture) {
            return (hit.narHash, hit.files.filter { capture.contains($0.key) })
        }
        var template = Array((settings.cacheDirectory + "/hg/archive-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw MercurialError.unexpectedOutput(command: "mkdtemp", output: String(cString: strerror(errno)))
        }
        let directory = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.hgBlocking(["archive", "-R", repository, "-r", node, directory])
        try? FileManager.default.removeItem(atPath: directory + "/.hg_archival.txt")
        let narHash = try TreeHasher.hashPathBlocking(directory).narHash
        var files: [String: [UInt8]] = [:]
        for p in capture {
            if let data = FileManager.default.contents(atPath: directory + "/" + p) { files[p] = Array(data) }
        }
        cache.storeBlocking(key, FetchCache.Entry(narHash: narHash, files: files, capturedPaths: Set(capture)))
        return (narHash, files)
    }

    /// A working directory with uncommitted changes: its tracked files (clean, modified,
    /// added; removed and missing ones are left out) as they are on disk.
    func fetchDirty(_ input: Input, _ spec: MercurialInput, path: String, capture: [String]) async throws
        -> FetchedSource
    {
        if !settings.allowDirty { throw MercurialError.unclean(path: path) }
        if settings.warnDirty { reporter.warning("Mercurial tree '\(path)' is unclean") }
        let branch = try await Self.hg(["branch", "-R", path], executor: executor)
        let listing = try await Self.hg(
            ["status", "-R", path, "--clean", "--modified", "--added", "--no-status", "--print0"], executor: executor)
        let tracked = Set(listing.split(separator: "\0").map(String.init))
        let narHash = try await executor.run {
            try NAR.hash(TrackedFilesNode(node: DiskTreeNode(path: path), relative: "", tracked: TrackedFiles(tracked)))
                .hash
        }
        var attrs = input.attrs
        attrs["ref"] = .string(branch.hasSuffix("\n") ? String(branch.dropLast()) : branch)
        attrs["narHash"] = .string(narHash.sri)
        var files: [String: [UInt8]] = [:]
        for p in capture where tracked.contains(p) {
            if let data = FileManager.default.contents(atPath: path + "/" + p) { files[p] = Array(data) }
        }
        let locked = try Input.fromAttrs(attrs, profile: profile)
        return FetchedSource(
            locked: locked, narHash: narHash, files: files, localPath: path,
            storePath: StorePath.fixedOutputSource(
                narHash: narHash, name: spec.name ?? "source", storeDirectory: settings.storeDirectory))
    }

    // MARK: - Running hg

    /// Runs hg on the blocking pool; returns its standard output.
    @discardableResult
    static func hg(_ arguments: [String], executor: BlockingExecutor) async throws -> String {
        try await executor.run { try hgBlocking(arguments) }
    }

    /// Runs hg on this thread; a non-zero exit status throws, with hg's own message.
    @discardableResult
    static func hgBlocking(_ arguments: [String]) throws -> String {
        let out = try ExternalCommand.runBlocking("hg", arguments, environment: environment)
        guard out.succeeded else {
            throw MercurialError.failed(command: arguments.first ?? "", status: out.status, stderr: out.stderr)
        }
        return out.stdoutText
    }

    /// Runs `body` holding an exclusive `flock` on `path` (created if needed).
    static func withFileLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw MercurialError.lockFile(path: path, errno: errno) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw MercurialError.lockFile(path: path, errno: errno) }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}

/// Where a Mercurial input's repository is on disk.
public enum MercurialLocation {
    /// The directory of a `file:` URL (`url` without `hg+`; query and fragment dropped,
    /// percent-decoding applied), or nil for a remote URL.
    public static func localPath(_ url: String) -> String? {
        guard url.hasPrefix("file:") else { return nil }
        var path = String(url.dropFirst("file:".count))
        if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<cut]) }
        return path.removingPercentEncoding ?? path
    }
}

/// The files hg tracks, and every directory that holds one.
struct TrackedFiles: Sendable {
    let files: Set<String>
    let directories: Set<String>

    init(_ files: Set<String>) {
        self.files = files
        var directories: Set<String> = []
        for f in files {
            var parts = f.split(separator: "/", omittingEmptySubsequences: false).dropLast()
            while !parts.isEmpty {
                directories.insert(parts.joined(separator: "/"))
                parts = parts.dropLast()
            }
        }
        self.directories = directories
    }
}

/// A directory on disk seen through the set of files hg tracks: a directory is kept when
/// some tracked file lies below it, anything else when it is tracked itself.
struct TrackedFilesNode: NARTreeNode {
    let node: DiskTreeNode
    /// Path relative to the working directory ("" for its top).
    let relative: String
    let tracked: TrackedFiles

    func kind() throws -> NARNodeKind { try node.kind() }

    func children() throws -> [(name: [UInt8], node: TrackedFilesNode)] {
        try node.children().compactMap { entry in
            let rel = (relative.isEmpty ? "" : relative + "/") + String(decoding: entry.name, as: UTF8.self)
            let keep: Bool =
                if case .directory = try entry.node.kind() { tracked.directories.contains(rel) } else {
                    tracked.files.contains(rel)
                }
            return keep ? (entry.name, TrackedFilesNode(node: entry.node, relative: rel, tracked: tracked)) : nil
        }
    }

    func readContents(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws { try node.readContents(consume) }
}

/// Failures of the Mercurial fetcher. Wording follows Nix where Nix has one.
enum MercurialError: UserFacingError, Equatable {
    case failed(command: String, status: Int32, stderr: String)
    case unclean(path: String)
    case unexpectedOutput(command: String, output: String)
    case lockFile(path: String, errno: Int32)

    var description: String {
        switch self {
        case .failed(let command, let status, let stderr):
            let said = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return "hg failed with exit code \(status)" + (said.isEmpty ? "" : " (hg \(command): \(said))")
        case .unclean(let path): return "Mercurial tree '\(path)' is unclean"
        case .unexpectedOutput(let command, let output): return "unexpected output from \(command): '\(output)'"
        case .lockFile(let path, let e): return "cannot lock '\(path)': \(String(cString: strerror(e)))"
        }
    }
}
