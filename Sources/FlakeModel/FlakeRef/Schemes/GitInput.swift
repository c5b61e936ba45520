/// `git`: a Git repository (`git+https://…`, `git+ssh://…`, `git+file://…`, `git://…`;
/// docs/nix-behaviour.md, "Scheme git").
public struct GitInput: InputSchemeSpec {
    /// The repository URL without `git+` (and without the parameters the scheme extracted).
    public let url: String
    public let shallow: Bool?
    public let submodules: Bool?
    public let allRefs: Bool?
    public let lfs: Bool?
    public let exportIgnore: Bool?
    public let verifyCommit: Bool?
    /// The store path name (`name` attribute).
    public let name: String?

    static let fixedSchemes: Set<String> = ["git", "git+http", "git+https", "git+ssh", "git+file"]
    static let boolParams28: Set<String> = ["shallow", "submodules"]
    static let boolParamsModern: Set<String> = [
        "shallow", "submodules", "lfs", "exportIgnore", "allRefs", "verifyCommit",
    ]
    static let stringParamsModern: Set<String> = ["keytype", "publicKey", "publicKeys"]

    static func attrs(fromURL url: ParsedURL, isFlake: Bool, profile: CompatProfile) throws(FlakeRefError) -> Attrs? {
        switch profile.gitTransports {
        case .fixed: guard fixedSchemes.contains(url.scheme) else { return nil }
        case .any:
            guard url.scheme == "git" || (url.scheme.hasPrefix("git+") && url.scheme.count > 4) else { return nil }
        }
        var url2 = url
        if url2.scheme.hasPrefix("git+") { url2.scheme = String(url2.scheme.dropFirst(4)) }
        url2.query = URLQuery()
        let modern = profile.gitAcceptsModernAttributes
        var attrs: Attrs = ["type": "git"]
        for (name, value) in url.query {
            if name == "rev" || name == "ref" || (modern && stringParamsModern.contains(name)) {
                attrs[name] = .string(value)
            } else if (modern ? boolParamsModern : boolParams28).contains(name) {
                attrs[name] = .bool(value == "1")
            } else {
                url2.query[name] = value
            }
        }
        attrs["url"] = .string(url2.render(profile: profile))
        return attrs
    }

    init(attrs: inout Attrs, profile: CompatProfile) throws(FlakeRefError) {
        let c = AttrChecker(attrs: attrs, type: "git", profile: profile)
        var allowed: Set<String> = [
            "url", "ref", "rev", "shallow", "submodules", "lastModified", "revCount", "narHash", "allRefs", "name",
        ]
        if profile.gitAcceptsModernAttributes {
            allowed.formUnion([
                "lfs", "exportIgnore", "dirtyRev", "dirtyShortRev", "verifyCommit", "keytype", "publicKey",
                "publicKeys",
            ])
        }
        try c.checkAllowed(allowed) { "unsupported Git input attribute '\($0)'" }
        var url = try c.requiredString("url")
        if profile.gitURLNormalised {
            url = try Self.normalise(url, profile: profile)
            attrs["url"] = .string(url)
        } else {
            _ = try ParsedURL.parse(url, profile: profile)
        }
        self.url = url
        shallow = try c.bool("shallow")
        submodules = try c.bool("submodules")
        allRefs = try c.bool("allRefs")
        lfs = try c.bool("lfs")
        exportIgnore = try c.bool("exportIgnore")
        verifyCommit = try c.bool("verifyCommit")
        name = try c.string("name")
        if let ref = try c.string("ref"), Syntax.isBadGitRef(ref) {
            throw FlakeRefError(.invalidAttribute, "invalid Git branch/tag name '\(ref)'")
        }
    }

    /// Current Nix's normalisation of a git `url`: an absolute path becomes `file://…` and
    /// the URL is re-rendered. (scp-like `user@host:path` is ≥2.35, beyond the profile.)
    static func normalise(_ url: String, profile: CompatProfile) throws(FlakeRefError) -> String {
        if url.hasPrefix("/") {
            return ParsedURL(scheme: "file", authority: "", path: url).render(profile: profile)
        }
        return try ParsedURL.parse(url, profile: profile).render(profile: profile)
    }

    func toURL(attrs: Attrs, profile: CompatProfile) -> ParsedURL {
        guard var u = try? ParsedURL.parse(url, profile: profile) else {
            return ParsedURL(scheme: "git+", path: url)
        }
        if u.scheme != "git" { u.scheme = "git+" + u.scheme }
        if let r = attrs.string("rev"), let rev = try? Revision(parsing: r) { u.query["rev"] = rev.hex }
        if let ref = attrs.string("ref") { u.query["ref"] = ref }
        if shallow == true { u.query["shallow"] = "1" }
        if profile.gitRendersAllFlags {
            if lfs == true { u.query["lfs"] = "1" }
            if submodules == true { u.query["submodules"] = "1" }
            if exportIgnore == true { u.query["exportIgnore"] = "1" }
            if verifyCommit == true { u.query["verifyCommit"] = "1" }
            for key in ["keytype", "publicKey", "publicKeys"] {
                if let v = attrs.string(key) { u.query[key] = v }
            }
        }
        return u
    }
}
