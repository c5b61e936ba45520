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
/// Each input scheme builds its own (``InputScheme/repository(locked:original:)``).
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

        public init(forge: ForgeInput.Forge, host: String, owner: String, repo: String) {
            self.forge = forge
            self.host = host
            self.owner = owner
            self.repo = repo
        }
    }

    public init(key: String, display: String, forge: ForgeCoordinates?, name: String) {
        self.key = key
        self.display = display
        self.forge = forge
        self.name = name
    }

    /// The identity of a lock node, as its input scheme answers it
    /// (``InputScheme/repository(locked:original:)``); nil for inputs without one (indirect,
    /// unsupported).
    public init?(locked: FlakeRef, original: FlakeRef?, schemes: InputSchemeRegistry = .standard) {
        guard let id = schemes.scheme(for: locked.input)?.repository(locked: locked.input, original: original?.input)
        else { return nil }
        self = id
    }

    /// Parses what a user types to name a repository: a flake reference such as
    /// `github:NixOS/nixpkgs` or `git+https://example.org/x.git` (a ref or rev is ignored).
    /// - Returns: nil when the text is not a reference with an identity.
    public init?(parsing text: String, profile: CompatProfile, schemes: InputSchemeRegistry = .standard) {
        guard let ref = try? FlakeRef.parse(text, profile: profile, base: .none) else { return nil }
        self.init(locked: ref, original: ref, schemes: schemes)
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
    public static let nixpkgs = RepositoryID.ForgeCoordinates(
        forge: .github, host: "github.com", owner: "NixOS", repo: "nixpkgs")
}
