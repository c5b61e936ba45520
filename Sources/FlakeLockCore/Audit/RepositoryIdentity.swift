import FlakeModel

/// Which repository (or mutable source) a locked input comes from, independent of the
/// revision: the unit `audit` groups duplicates by and `why` looks nodes up by.
///
/// - forges: type, host (default host filled in, lowercased), owner and repo compared
///   case-insensitively (`github:NixOS/nixpkgs` and `github:nixos/nixpkgs` are one repository);
/// - `git`: the URL normalised (no `git+`, lowercase scheme and host, no trailing `/` or `.git`);
/// - `tarball`/`file`: the URL of the node's `original` (the locked URL of a lockable tarball
///   names one release, so it would never repeat);
/// - `path`: the path; `hg`: the URL. Indirect and unsupported inputs have no identity.
///
/// ```swift
/// let id = RepositoryID(locked: node.lock!.locked, original: node.lock!.original)
/// id?.display   // "github:NixOS/nixpkgs"
/// ```
public struct RepositoryID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The comparison key (lowercased where the source is case-insensitive).
    public let key: String
    /// How to show it, with the spelling of the first node seen.
    public let display: String
    /// The forge coordinates, for forge inputs (and git URLs on a known forge host).
    public let forge: ForgeCoordinates?
    /// The repository's name (`nixpkgs`), lowercased; the last path component for URLs.
    public let name: String

    /// A forge repository: enough to build web links.
    public struct ForgeCoordinates: Sendable, Hashable {
        public var forge: ForgeInput.Forge
        public var host: String
        public var owner: String
        public var repo: String
    }

    init(key: String, display: String, forge: ForgeCoordinates?, name: String) {
        self.key = key
        self.display = display
        self.forge = forge
        self.name = name
    }

    /// The identity of a lock node, or nil for inputs without one (indirect, unsupported).
    public init?(locked: FlakeRef, original: FlakeRef?) {
        switch locked.input.spec {
        case .forge(let f):
            let host = (f.host ?? f.forge.defaultHost).lowercased()
            let coords = ForgeCoordinates(forge: f.forge, host: host, owner: f.owner, repo: f.repo)
            let hostPart = host == f.forge.defaultHost ? "" : "?host=\(host)"
            self.init(
                key: "\(f.forge.rawValue):\(host)/\(f.owner.lowercased())/\(f.repo.lowercased())",
                display: "\(f.forge.rawValue):\(f.owner)/\(f.repo)\(hostPart)", forge: coords, name: f.repo.lowercased()
            )
        case .git(let g):
            let url = Self.normaliseGitURL(g.url)
            self.init(
                key: "git:" + url, display: "git+" + url, forge: Self.forgeOfURL(url), name: Self.lastComponent(url))
        case .tarball(let t):
            var url = t.url
            if case .tarball(let o)? = original?.input.spec { url = o.url }
            self.init(key: "tarball:" + url, display: url, forge: nil, name: Self.lastComponent(url))
        case .path(let p):
            self.init(key: "path:" + p.path, display: "path:" + p.path, forge: nil, name: Self.lastComponent(p.path))
        case .hg:
            guard let u = locked.input.attrs.string("url") else { return nil }
            self.init(key: "hg:" + u, display: "hg+" + u, forge: nil, name: Self.lastComponent(u))
        case .indirect, .unsupported:
            return nil
        }
    }

    /// Parses what a user types to name a repository: a flake reference such as
    /// `github:NixOS/nixpkgs` or `git+https://example.org/x.git` (a ref or rev is ignored).
    /// - Returns: nil when the text is not a reference with an identity.
    public init?(parsing text: String, profile: CompatProfile) {
        guard let ref = try? FlakeRef.parse(text, profile: profile, base: .none) else { return nil }
        self.init(locked: ref, original: ref)
    }

    /// `git+https://GitHub.com/a/b.git/` → `https://github.com/a/b`.
    static func normaliseGitURL(_ raw: String) -> String {
        var url = raw.hasPrefix("git+") ? String(raw.dropFirst(4)) : raw
        if let q = url.firstIndex(of: "?") { url = String(url[..<q]) }
        if let r = url.firstRange(of: "://") {
            let scheme = url[..<r.lowerBound].lowercased()
            let rest = url[r.upperBound...]
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            url = scheme + "://" + rest[..<slash].lowercased() + rest[slash...]
        }
        while url.hasSuffix("/") { url.removeLast() }
        if url.hasSuffix(".git") { url.removeLast(4) }
        return url
    }

    /// GitHub, GitLab and SourceHut repositories reached over plain Git.
    static func forgeOfURL(_ url: String) -> ForgeCoordinates? {
        let hosts: [(String, ForgeInput.Forge)] = [
            ("github.com", .github), ("gitlab.com", .gitlab), ("git.sr.ht", .sourcehut),
        ]
        for (host, forge) in hosts {
            for scheme in ["https://", "http://", "ssh://git@", "git://"] where url.hasPrefix(scheme + host + "/") {
                let parts = url.dropFirst((scheme + host + "/").count).split(separator: "/")
                guard parts.count == 2 else { return nil }
                return ForgeCoordinates(forge: forge, host: host, owner: String(parts[0]), repo: String(parts[1]))
            }
        }
        return nil
    }

    static func lastComponent(_ url: String) -> String {
        var s = url
        while s.hasSuffix("/") { s.removeLast() }
        var last = PathSyntax.baseName(s)
        for ext in [".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst", ".tgz", ".zip", ".tar", ".git"]
        where last.hasSuffix(ext) {
            last.removeLast(ext.count)
            break
        }
        return last.lowercased()
    }

    /// True for the upstream Nixpkgs repository (`github:NixOS/nixpkgs`, any case).
    public var isUpstreamNixpkgs: Bool {
        guard let f = forge else { return false }
        return f.forge == .github && f.host == "github.com" && f.owner.lowercased() == "nixos"
            && f.repo.lowercased() == "nixpkgs"
    }

    /// True for a Nixpkgs channel tarball served by nixos.org.
    public var isNixOSChannel: Bool {
        guard key.hasPrefix("tarball:") else { return false }
        return ["https://channels.nixos.org/", "https://nixos.org/channels/", "https://releases.nixos.org/"]
            .contains { display.hasPrefix($0) }
    }

    /// Whether this looks like a Nixpkgs repository (a repository named `nixpkgs`, or a
    /// nixos.org channel).
    public var isNixpkgs: Bool { name == "nixpkgs" || isNixOSChannel }

    public var description: String { display }
    public static func < (a: RepositoryID, b: RepositoryID) -> Bool { a.key.byteWiseLess(than: b.key) }
    public static func == (a: RepositoryID, b: RepositoryID) -> Bool { a.key.bytesEqual(b.key) }
    public func hash(into h: inout Hasher) { for b in key.utf8 { h.combine(b) } }
}

extension RepositoryID.ForgeCoordinates {
    /// A web link showing the changes from `old` to `new` (full revisions): GitHub
    /// `…/compare/OLD...NEW`, GitLab `…/-/compare/OLD...NEW`; SourceHut has no compare view,
    /// so its link is the log ending at `new` (`https://git.sr.ht/~owner/repo/log/NEW`).
    public func compareURL(old: String, new: String) -> String {
        switch forge {
        case .github: "https://\(host)/\(owner)/\(repo)/compare/\(old)...\(new)"
        case .gitlab: "https://\(host)/\(owner)/\(repo)/-/compare/\(old)...\(new)"
        case .sourcehut: "https://\(host)/\(owner.hasPrefix("~") ? owner : "~" + owner)/\(repo)/log/\(new)"
        }
    }

    /// A web link to one commit.
    public func commitURL(_ rev: String) -> String {
        switch forge {
        case .github: "https://\(host)/\(owner)/\(repo)/commit/\(rev)"
        case .gitlab: "https://\(host)/\(owner)/\(repo)/-/commit/\(rev)"
        case .sourcehut: "https://\(host)/\(owner.hasPrefix("~") ? owner : "~" + owner)/\(repo)/commit/\(rev)"
        }
    }

    /// Upstream Nixpkgs on GitHub: where the revisions of nixos.org channel tarballs live.
    static let nixpkgs = RepositoryID.ForgeCoordinates(
        forge: .github, host: "github.com", owner: "NixOS", repo: "nixpkgs")
}
