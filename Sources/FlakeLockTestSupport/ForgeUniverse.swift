import Foundation
import NixCompat

/// Builds a deterministic "universe" for ``FakeForge``: bare Git repositories with fixed
/// identities and dates (so commit hashes depend only on what the test writes and in which
/// order), plain directories, checkouts, static tarballs and files, and flake registries.
///
/// Layout under `root`:
///
///     repos/O/R.git        bare repositories (github:O/R, gitlab:O/R, sourcehut:~O/R,
///                          git+file://ROOT/repos/O/R.git, git+https://git.example/O/R, …)
///     work/NAME            non-bare checkouts
///     paths/NAME           plain directories for path: inputs
///     www/PATH             static files, http(s)://tarballs.example/PATH
///     etc/registry-{global,user,system}.json
///     top/                 the top-level flake
///
/// Rebuilding with the same calls in the same order (after ``reset()``) gives the same hashes.
public final class ForgeUniverse: @unchecked Sendable {
    // @unchecked: used from one test at a time.
    public let root: String
    /// The forge, for `@HTTP@`, `@HTTPS@` and `@GITD@` placeholders.
    public var forge: FakeForge?

    /// 2020-01-01T00:00:00Z; the Nth commit gets this plus N days unless a date is given.
    public static let baseDate: Int64 = 1_577_836_800
    /// mtime of every file the universe writes outside Git.
    public static let fixedMTime: Int64 = 1_577_836_800

    public struct Entry: Sendable, Equatable {
        public var contents: String
        public var executable: Bool
        public init(_ contents: String, executable: Bool = false) {
            self.contents = contents
            self.executable = executable
        }
    }

    private var counter: Int64 = 0
    /// (repo, id or sha) → sha
    var revs: [String: String] = [:]
    /// (repo, sha) → the files of that commit
    private var trees: [String: [String: Entry]] = [:]
    private var dates: [String: Int64] = [:]
    private var tips: [String: [String: String]] = [:]
    private var defaultBranches: [String: String] = [:]

    public init(root: String, forge: FakeForge? = nil) {
        self.root = root
        self.forge = forge
    }

    /// Removes everything the universe built (keeps the forge's own files) and restarts the clock.
    public func reset() throws {
        let fm = FileManager.default
        for d in ["repos", "www", "paths", "work", "top", "etc", "stage"] {
            let p = "\(root)/\(d)"
            if fm.fileExists(atPath: p) {
                _ = try? ProcessRunner.run("/bin/chmod", ["-R", "u+rwx", p])
                try fm.removeItem(atPath: p)
            }
        }
        for d in ["repos", "www", "paths", "work", "top", "etc"] {
            try fm.createDirectory(atPath: "\(root)/\(d)", withIntermediateDirectories: true)
        }
        counter = 0
        revs = [:]
        trees = [:]
        dates = [:]
        tips = [:]
        defaultBranches = [:]
        for kind in RegistryKind.allCases { try registry(kind, []) }
    }

    // MARK: - Git repositories

    static let gitEnvironment: [String: String] = [
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "HOME": "/nonexistent", "LC_ALL": "C",
        "TZ": "UTC",
    ]

    @discardableResult
    private func git(_ repo: String, _ args: [String], stdin: Data? = nil, env: [String: String] = [:]) throws -> String
    {
        var e = Self.gitEnvironment
        for (k, v) in env { e[k] = v }
        let out = try FixtureShell.run(["git", "--git-dir", repoPath(repo)] + args, environment: e, stdin: stdin)
        var s = String(decoding: out, as: UTF8.self)
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }

    /// `ROOT/repos/O/R.git`.
    public func repoPath(_ repo: String) -> String { "\(root)/repos/\(repo).git" }

    /// Creates an empty bare repository `O/R` whose HEAD is `defaultBranch`.
    public func repo(_ name: String, defaultBranch: String = "main") throws {
        let path = repoPath(name)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try FixtureShell.run(["git", "init", "-q", "--bare", path], environment: Self.gitEnvironment)
        try git(name, ["symbolic-ref", "HEAD", "refs/heads/\(defaultBranch)"])
        _ = FileManager.default.createFile(atPath: path + "/git-daemon-export-ok", contents: Data())
        defaultBranches[name] = defaultBranch
        tips[name] = [:]
    }

    /// Makes a commit on `branch` (default: the repository's default branch) whose tree is
    /// the parent's (default: the branch tip) plus `files` minus `delete`. Creates the
    /// repository if needed. Returns the commit hash; `id` names it for ``rev(_:_:)``.
    @discardableResult
    public func commit(
        _ repo: String, id: String? = nil, branch: String? = nil, parent: String? = nil,
        files: [String: String] = [:], executable: Set<String> = [], delete: [String] = [],
        date: Int64? = nil, message: String? = nil
    ) throws -> String {
        if defaultBranches[repo] == nil { try self.repo(repo) }
        let branch = branch ?? defaultBranches[repo]!
        let parentRev: String? = try parent.map { try rev(repo, $0) } ?? tips[repo]?[branch]
        var tree = parentRev.flatMap { trees["\(repo) \($0)"] } ?? [:]
        for d in delete {
            tree = tree.filter { $0.key != d && !$0.key.hasPrefix(d + "/") }
        }
        for (p, c) in files { tree[p] = Entry(expand(c), executable: executable.contains(p)) }
        let when = date ?? (Self.baseDate + 86_400 * counter)
        counter += 1
        let msg = Array((message ?? id ?? "commit").utf8) + [10]
        var s = Data()
        func add(_ t: String) { s.append(contentsOf: Array(t.utf8)) }
        add("commit refs/heads/\(branch)\nmark :1\n")
        add("author Flake Lock <test@flakelock.invalid> \(when) +0000\n")
        add("committer Flake Lock <test@flakelock.invalid> \(when) +0000\n")
        add("data \(msg.count)\n")
        s.append(contentsOf: msg)
        if let parentRev { add("from \(parentRev)\n") }
        add("deleteall\n")
        for (p, e) in tree.sorted(by: { $0.key < $1.key }) {
            let bytes = Array(e.contents.utf8)
            add("M \(e.executable ? "100755" : "100644") inline \(p)\ndata \(bytes.count)\n")
            s.append(contentsOf: bytes)
            add("\n")
        }
        add("\n")
        let marks = "\(root)/.marks-\(getpid())"
        try git(repo, ["fast-import", "--quiet", "--force", "--export-marks=\(marks)"], stdin: s)
        let markText = try String(contentsOfFile: marks, encoding: .utf8)
        try? FileManager.default.removeItem(atPath: marks)
        guard let sha = markText.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines),
            sha.count == 40
        else {
            throw FixtureShell.Failure(command: "git fast-import", status: 1, output: "no mark: \(markText)")
        }
        trees["\(repo) \(sha)"] = tree
        dates["\(repo) \(sha)"] = when
        tips[repo, default: [:]][branch] = sha
        revs["\(repo) \(sha)"] = sha
        if let id { revs["\(repo) \(id)"] = sha }
        return sha
    }

    /// The commit hash for an id given to ``commit(_:id:branch:parent:files:executable:delete:date:message:)``,
    /// a branch name or a full hash.
    public func rev(_ repo: String, _ idOrRef: String) throws -> String {
        if let r = revs["\(repo) \(idOrRef)"] { return r }
        if let r = tips[repo]?[idOrRef] { return r }
        throw FixtureShell.Failure(command: "rev", status: 1, output: "unknown commit \(repo):\(idOrRef)")
    }

    /// The commit date of `id` (what Nix records as `lastModified` for forge and Git inputs).
    public func lastModified(_ repo: String, _ id: String) throws -> Int64 {
        dates["\(repo) \(try rev(repo, id))"] ?? 0
    }

    /// Nix's `narHash` (SRI) of a commit's tree, or of its subdirectory `dir`.
    public func narHash(_ repo: String, _ id: String, dir: String? = nil) throws -> String {
        let files = trees["\(repo) \(try rev(repo, id))"] ?? [:]
        return try Self.narHash(files, dir: dir)
    }

    /// Nix's `narHash` (SRI) of a tree given as files.
    public static func narHash(_ files: [String: Entry], dir: String? = nil) throws -> String {
        final class Node {
            var children: [String: Node] = [:]
            var file: Entry?
        }
        let top = Node()
        for (path, e) in files {
            var n = top
            let parts = path.split(separator: "/").map(String.init)
            for part in parts.dropLast() {
                if n.children[part] == nil { n.children[part] = Node() }
                n = n.children[part]!
            }
            let leaf = Node()
            leaf.file = e
            n.children[parts.last!] = leaf
        }
        var start = top
        if let dir {
            for part in dir.split(separator: "/") { start = start.children[String(part)] ?? Node() }
        }
        func tree(_ n: Node) -> MemoryTree {
            if let f = n.file { return .file(f.contents, executable: f.executable) }
            return .dir(n.children.mapValues(tree))
        }
        return try NAR.hash(tree(start)).hash.sri
    }

    /// Points `refs/tags/NAME` at a commit (with an annotated tag object when `annotated`).
    public func tag(_ repo: String, _ name: String, at id: String, annotated: Bool = false) throws {
        let sha = try rev(repo, id)
        if annotated {
            let obj =
                "object \(sha)\ntype commit\ntag \(name)\ntagger Flake Lock <test@flakelock.invalid> \(Self.baseDate) +0000\n\n\(name)\n"
            let tag = try git(repo, ["mktag"], stdin: Data(obj.utf8))
            try git(repo, ["update-ref", "refs/tags/\(name)", tag])
        } else {
            try git(repo, ["update-ref", "refs/tags/\(name)", sha])
        }
    }

    /// Points `refs/heads/NAME` at a commit (or deletes the branch when `id` is nil).
    public func branch(_ repo: String, _ name: String, at id: String?) throws {
        if let id {
            let sha = try rev(repo, id)
            try git(repo, ["update-ref", "refs/heads/\(name)", sha])
            tips[repo, default: [:]][name] = sha
        } else {
            try git(repo, ["update-ref", "-d", "refs/heads/\(name)"])
            tips[repo]?[name] = nil
        }
    }

    // MARK: - Directories and checkouts

    /// Writes `files` into `ROOT/paths/NAME` (replacing it) with fixed mtimes; returns its path.
    @discardableResult
    public func dir(_ name: String, files: [String: String]) throws -> String {
        let path = "\(root)/paths/\(name)"
        try writeTree(path, files)
        return path
    }

    /// Writes the top-level flake `ROOT/top` (replacing it unless `replace` is false).
    @discardableResult
    public func top(_ files: [String: String], replace: Bool = true) throws -> String {
        let path = "\(root)/top"
        try writeTree(path, files, wipe: replace)
        return path
    }

    /// Rewrites some files of the top-level flake, keeping the others (flake.lock).
    @discardableResult
    public func editTop(_ files: [String: String]) throws -> String { try top(files, replace: false) }

    /// A non-bare checkout `ROOT/work/NAME` of `repo` with `branch` checked out (all branches
    /// and tags fetched), then `dirty` files written on top without committing.
    @discardableResult
    public func checkout(_ name: String, repo: String, branch: String? = nil, dirty: [String: String] = [:]) throws
        -> String
    {
        let dest = "\(root)/work/\(name)"
        if FileManager.default.fileExists(atPath: dest) { try FileManager.default.removeItem(atPath: dest) }
        try FileManager.default.createDirectory(atPath: dest, withIntermediateDirectories: true)
        let b = branch ?? defaultBranches[repo] ?? "main"
        for args in [
            ["init", "-q"],
            [
                "fetch", "-q", "--update-head-ok", repoPath(repo), "refs/heads/*:refs/heads/*",
                "refs/tags/*:refs/tags/*",
            ],
            ["symbolic-ref", "HEAD", "refs/heads/\(b)"], ["reset", "-q", "--hard"],
        ] {
            try FixtureShell.run(["git", "-C", dest] + args, environment: Self.gitEnvironment)
        }
        for (p, c) in dirty { try writeFile("\(dest)/\(p)", c) }
        try setMTimes(dest)
        return dest
    }

    // MARK: - Web files

    /// `ROOT/www/PATH`: a `.tar.gz` (or `.tar`) of `files` under `prefix`, with optional
    /// response headers (`Link`, `ETag`, …).
    public func tarball(
        _ path: String, files: [String: String], prefix: String = "source/", headers: [String: String] = [:]
    ) throws {
        let stage = "\(root)/stage"
        if FileManager.default.fileExists(atPath: stage) { try FileManager.default.removeItem(atPath: stage) }
        let top = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        try writeTree("\(stage)/\(top)", files)
        let tar = try FixtureShell.run(
            [
                "tar", "--sort=name", "--mtime=@\(Self.fixedMTime)", "--owner=0", "--group=0", "--numeric-owner", "-C",
                stage, "-cf", "-", top,
            ],
            environment: ["LC_ALL": "C"])
        try FileManager.default.removeItem(atPath: stage)
        try writeWeb(
            path, path.hasSuffix(".tar") ? tar : try FixtureShell.run(["gzip", "-n", "-c"], stdin: tar),
            headers: headers)
    }

    /// `ROOT/www/PATH`: `git archive` of a commit, gzipped unless PATH ends in `.tar`.
    public func tarball(
        _ path: String, repo: String, commit id: String, prefix: String = "source/", headers: [String: String] = [:]
    ) throws {
        let tar = try FixtureShell.run(
            ["git", "--git-dir", repoPath(repo), "archive", "--format=tar", "--prefix=\(prefix)", try rev(repo, id)],
            environment: Self.gitEnvironment)
        try writeWeb(
            path, path.hasSuffix(".tar") ? tar : try FixtureShell.run(["gzip", "-n", "-c"], stdin: tar),
            headers: headers)
    }

    /// `ROOT/www/PATH` answers with a redirect to `target`.
    public func redirect(_ path: String, to target: String, status: Int = 302) throws {
        try writeWeb(path, Data("redirect\n".utf8), headers: ["Status": String(status), "Location": expand(target)])
    }

    /// A raw file `ROOT/www/PATH`.
    public func webFile(_ path: String, _ contents: String, headers: [String: String] = [:]) throws {
        try writeWeb(path, Data(expand(contents).utf8), headers: headers)
    }

    private func writeWeb(_ path: String, _ data: Data, headers: [String: String]) throws {
        let full = "\(root)/www/\(path)"
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: full))
        let meta = full + ".headers.json"
        if headers.isEmpty {
            try? FileManager.default.removeItem(atPath: meta)
        } else {
            let h = headers.mapValues(expand)
            try JSONSerialization.data(withJSONObject: h, options: [.sortedKeys]).write(to: URL(fileURLWithPath: meta))
        }
    }

    // MARK: - Registries

    public enum RegistryKind: String, Sendable, CaseIterable { case global, user, system }

    /// `ROOT/etc/registry-KIND.json` (version 2) mapping ids to targets given as attributes
    /// (`["type": "github", "owner": "alice", "repo": "np"]`; strings are expanded; `Bool`
    /// and `Int` values stay JSON booleans and numbers).
    public func registry(_ kind: RegistryKind, _ entries: [(id: String, to: [String: any Sendable])]) throws {
        var flakes: [[String: Any]] = []
        for (id, to) in entries {
            var t: [String: Any] = [:]
            for (k, v) in to { t[k] = (v as? String).map(expand) ?? v }
            flakes.append(["from": ["type": "indirect", "id": id], "to": t])
        }
        let data = try JSONSerialization.data(
            withJSONObject: ["version": 2, "flakes": flakes], options: [.sortedKeys, .prettyPrinted])
        try FileManager.default.createDirectory(atPath: "\(root)/etc", withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: registryPath(kind)))
    }

    public func registryPath(_ kind: RegistryKind) -> String { "\(root)/etc/registry-\(kind.rawValue).json" }

    // MARK: - Placeholders and files

    /// Expands `@ROOT@`, `@REV:O/R:ID@`, `@SHORTREV:O/R:ID@`, `@NARHASH:O/R:ID@`,
    /// `@LASTMOD:O/R:ID@`, `@HTTP@`, `@HTTPS@`, `@GITD@`, `@HGHTTP@` and `@HGHTTPS@`.
    public func expand(_ s: String) -> String {
        guard s.contains("@") else { return s }
        var out = s.replacingOccurrences(of: "@ROOT@", with: root)
        if let forge {
            out = out.replacingOccurrences(of: "@HTTP@", with: forge.httpBase)
                .replacingOccurrences(of: "@HTTPS@", with: forge.httpsBase)
            if let g = forge.gitDaemonBase { out = out.replacingOccurrences(of: "@GITD@", with: g) }
            if let h = forge.hgServeBase { out = out.replacingOccurrences(of: "@HGHTTP@", with: h) }
            if let h = forge.hgServeTLSBase { out = out.replacingOccurrences(of: "@HGHTTPS@", with: h) }
        }
        for kind in ["REV", "SHORTREV", "NARHASH", "LASTMOD"] {
            while let start = out.range(of: "@\(kind):") {
                guard let end = out.range(of: "@", range: start.upperBound..<out.endIndex) else { break }
                let body = out[start.upperBound..<end.lowerBound]
                guard let colon = body.lastIndex(of: ":") else { break }
                let repo = String(body[..<colon])
                let id = String(body[body.index(after: colon)...])
                let value: String
                switch kind {
                case "REV": value = (try? rev(repo, id)) ?? "UNKNOWN-REV"
                case "SHORTREV": value = String(((try? rev(repo, id)) ?? "UNKNOWN").prefix(7))
                case "NARHASH": value = (try? narHash(repo, id)) ?? "UNKNOWN-NARHASH"
                default: value = String((try? lastModified(repo, id)) ?? 0)
                }
                out.replaceSubrange(start.lowerBound..<end.upperBound, with: value)
            }
        }
        return out
    }

    private func writeFile(_ full: String, _ contents: String, executable: Bool = false) throws {
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: full)
        try Data(expand(contents).utf8).write(to: URL(fileURLWithPath: full))
        try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: full)
    }

    private func writeTree(_ dest: String, _ files: [String: String], wipe: Bool = true) throws {
        if wipe, FileManager.default.fileExists(atPath: dest) { try FileManager.default.removeItem(atPath: dest) }
        try FileManager.default.createDirectory(atPath: dest, withIntermediateDirectories: true)
        for (p, c) in files { try writeFile("\(dest)/\(p)", c) }
        try setMTimes(dest)
    }

    /// Gives every file and directory under `top` (but not inside `.git`) the fixed mtime.
    public func setMTimes(_ top: String) throws {
        let date = Date(timeIntervalSince1970: TimeInterval(Self.fixedMTime))
        let fm = FileManager.default
        if let e = fm.enumerator(atPath: top) {
            while let rel = e.nextObject() as? String {
                if rel == ".git" || rel.hasPrefix(".git/") {
                    e.skipDescendants()
                    continue
                }
                let full = "\(top)/\(rel)"
                if (try? fm.destinationOfSymbolicLink(atPath: full)) != nil { continue }
                try fm.setAttributes([.modificationDate: date], ofItemAtPath: full)
            }
        }
        try fm.setAttributes([.modificationDate: date], ofItemAtPath: top)
    }
}
