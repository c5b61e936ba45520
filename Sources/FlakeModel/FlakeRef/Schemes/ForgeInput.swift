import NixCompat

/// `github`, `gitlab`, `sourcehut`: a Git forge archive (`github:<owner>/<repo>[/<ref-or-rev>]`,
/// docs/nix-behaviour.md, "Schemes github, gitlab, sourcehut"). The three share everything
/// except their default host.
public struct ForgeInput: InputSchemeSpec {
    /// Which forge.
    public enum Forge: String, Sendable, Hashable, CaseIterable {
        case github, gitlab, sourcehut

        /// The host used when the input has no `host` attribute.
        public var defaultHost: String {
            switch self {
            case .github: "github.com"
            case .gitlab: "gitlab.com"
            case .sourcehut: "git.sr.ht"
            }
        }
    }

    public let forge: Forge
    public let owner: String
    public let repo: String
    public let ref: String?
    public let rev: Revision?
    /// The `host` attribute, if given.
    public let host: String?

    static func attrs(fromURL url: ParsedURL, isFlake: Bool, profile: CompatProfile) throws(FlakeRefError) -> Attrs? {
        guard Forge(rawValue: url.scheme) != nil else { return nil }
        let whole = url.original
        let path = url.pathSegments(profile: profile)
        var attrs: Attrs = ["type": .string(url.scheme)]
        let nix28 = profile.flakeIDRefSyntax == .nix28
        var rev: String?
        var ref: String?
        if path.count < 2 { throw FlakeRefError(.badURL, "URL '\(whole)' is invalid") }
        if path.count >= 3 {
            let tail = path[2...].joined(separator: "/")
            if path.count == 3 && Revision.isRevisionSyntax(tail) {
                rev = tail
            } else if !nix28 || Syntax.isRef(tail, .nix28) {
                ref = tail
            } else {
                throw FlakeRefError(.badURL, "in URL '\(whole)', '\(tail)' is not a commit hash or branch/tag name")
            }
        }
        for (name, value) in url.query {
            switch name {
            case "rev":
                if rev != nil { throw FlakeRefError(.badURL, "URL '\(whole)' contains multiple commit hashes") }
                rev = value
            case "ref":
                if nix28 && !Syntax.isRef(value, .nix28) {
                    throw FlakeRefError(.badURL, "URL '\(whole)' contains an invalid branch/tag name")
                }
                if ref != nil { throw FlakeRefError(.badURL, "URL '\(whole)' contains multiple branch/tag names") }
                ref = value
            case "host":
                if !Syntax.isHost(value, profile.forgeHostSyntax) {
                    throw FlakeRefError(.badURL, "URL '\(whole)' contains an invalid instance host")
                }
                attrs["host"] = .string(value)
            case "narHash" where profile.forgeURLAcceptsNarHash:
                attrs["narHash"] = .string(value)
            default:
                switch profile.forgeUnknownParameters {
                case .ignore: break
                case .error: throw FlakeRefError(.badURL, "URL '\(whole)' contains unknown parameter '\(name)'")
                case .keepAsAttributes: attrs[name] = .string(value)
                }
            }
        }
        if profile.forgeRevNormalised, let r = rev { rev = try Revision(parsing: r).hex }
        if nix28, let ref, let rev {
            throw FlakeRefError(
                .badURL, "URL '\(whole)' contains both a commit hash and a branch/tag name \(ref) \(rev)")
        }
        attrs["owner"] = .string(path[0])
        attrs["repo"] = .string(path[1])
        if let rev { attrs["rev"] = .string(rev) }
        if let ref { attrs["ref"] = .string(ref) }
        return attrs
    }

    init(attrs: inout Attrs, profile: CompatProfile) throws(FlakeRefError) {
        let type = attrs.string("type") ?? ""
        guard let forge = Forge(rawValue: type) else {
            throw FlakeRefError(.unsupportedType, "unsupported input type '\(type)'")
        }
        let c = AttrChecker(attrs: attrs, type: type, profile: profile)
        var allowed: Set<String> = ["owner", "repo", "ref", "rev", "narHash", "lastModified", "host"]
        if profile.forgeAcceptsTreeHash { allowed.insert("treeHash") }
        try c.checkAllowed(allowed) { "unsupported input attribute '\($0)'" }
        self.forge = forge
        owner = try c.requiredString("owner")
        repo = try c.requiredString("repo")
        ref = try c.string("ref")
        let revString = try c.string("rev")
        host = try c.string("host")
        if profile.attributeErrorWording == .current {
            if let ref, let revString {
                throw FlakeRefError(
                    .badURL,
                    "input \(attrs) contains both a commit hash ('\(revString)') and a branch/tag name ('\(ref)')")
            }
            if let ref, Syntax.isBadGitRef(ref) {
                throw FlakeRefError(.badURL, "input \(attrs) contains an invalid branch/tag name")
            }
            if let host, !Syntax.isHost(host, profile.forgeHostSyntax) {
                throw FlakeRefError(.badURL, "input \(attrs) contains an invalid instance host")
            }
        }
        rev = try revString.map { (s: String) throws(FlakeRefError) in try Revision(parsing: s) }
    }

    func toURL(attrs: Attrs, profile: CompatProfile) -> ParsedURL {
        var path = owner + "/" + repo
        if let ref { path += "/" + ref }
        if let rev { path += "/" + rev.hex }
        var url = ParsedURL(scheme: forge.rawValue, path: path)
        if profile.githubRendersNarHash, let h = attrs.string("narHash"), let hash = try? NixHash.parseNARHash(h).sri {
            url.query["narHash"] = hash
        }
        if profile.githubRendersHost, let host { url.query["host"] = host }
        return url
    }
}
