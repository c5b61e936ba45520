/// `hg`: a Mercurial repository (`hg+https://…`, `hg+ssh://…`, `hg+file://…`;
/// docs/nix-behaviour.md, "Scheme hg").
public struct MercurialInput: InputSchemeSpec {
    /// The repository URL without `hg+`.
    public let url: String
    public let name: String?

    static let schemes: Set<String> = ["hg+http", "hg+https", "hg+ssh", "hg+file"]

    static func attrs(fromURL url: ParsedURL, isFlake: Bool, profile: CompatProfile) throws(FlakeRefError) -> Attrs? {
        guard schemes.contains(url.scheme) else { return nil }
        var url2 = url
        url2.scheme = String(url.scheme.dropFirst(3))
        url2.query = URLQuery()
        var attrs: Attrs = ["type": "hg"]
        for (name, value) in url.query {
            if name == "rev" || name == "ref" {
                attrs[name] = .string(value)
            } else {
                url2.query[name] = value
            }
        }
        attrs["url"] = .string(url2.render(profile: profile))
        return attrs
    }

    init(attrs: inout Attrs, profile: CompatProfile) throws(FlakeRefError) {
        let c = AttrChecker(attrs: attrs, type: "hg", profile: profile)
        try c.checkAllowed(["url", "ref", "rev", "revCount", "narHash", "name"]) {
            "unsupported Mercurial input attribute '\($0)'"
        }
        url = try c.requiredString("url")
        _ = try ParsedURL.parse(url, profile: profile)
        name = try c.string("name")
        if let ref = try c.string("ref"), !Syntax.isRef(ref, profile.flakeIDRefSyntax) {
            throw FlakeRefError(.invalidAttribute, "invalid Mercurial branch/tag name '\(ref)'")
        }
    }

    func toURL(attrs: Attrs, profile: CompatProfile) -> ParsedURL {
        var u = (try? ParsedURL.parse(url, profile: profile)) ?? ParsedURL(scheme: "invalid", path: url)
        u.scheme = "hg+" + u.scheme
        if let r = attrs.string("rev"), let rev = try? Revision(parsing: r) { u.query["rev"] = rev.hex }
        if let ref = attrs.string("ref") { u.query["ref"] = ref }
        return u
    }
}
