/// `indirect`: a flake registry lookup (`flake:<id>[/<ref>][/<rev>]`, docs/nix-behaviour.md,
/// "Scheme indirect").
public struct IndirectInput: InputSchemeSpec {
    public let id: String
    public let ref: String?
    public let rev: Revision?

    static func attrs(fromURL url: ParsedURL, isFlake: Bool, profile: CompatProfile) throws(FlakeRefError) -> Attrs? {
        guard url.scheme == "flake" else { return nil }
        let whole = url.original
        let parts = url.pathSegments(profile: profile)
        var attrs: Attrs = ["type": "indirect"]
        func refOK(_ s: String) -> Bool {
            profile.flakeIDRefSyntax == .nix28 ? Syntax.isRef(s, .nix28) : !Syntax.isBadGitRef(s)
        }
        switch parts.count {
        case 0:
            throw FlakeRefError(.badURL, "GitHub URL '\(whole)' is invalid")
        case 1:
            break
        case 2:
            if Revision.isRevisionSyntax(parts[1]) {
                attrs["rev"] = .string(parts[1])
            } else if refOK(parts[1]) {
                attrs["ref"] = .string(parts[1])
            } else {
                throw FlakeRefError(
                    .badURL, "in flake URL '\(whole)', '\(parts[1])' is not a commit hash or branch/tag name")
            }
        case 3:
            guard refOK(parts[1]) else {
                throw FlakeRefError(.badURL, "in flake URL '\(whole)', '\(parts[1])' is not a branch/tag name")
            }
            guard Revision.isRevisionSyntax(parts[2]) else {
                throw FlakeRefError(.badURL, "in flake URL '\(whole)', '\(parts[2])' is not a commit hash")
            }
            attrs["ref"] = .string(parts[1])
            attrs["rev"] = .string(parts[2])
        default:
            throw FlakeRefError(.badURL, "GitHub URL '\(whole)' is invalid")
        }
        attrs["id"] = .string(parts[0])
        if !Syntax.isFlakeID(parts[0]) {
            throw FlakeRefError(.badURL, "'\(parts[0])' is not a valid flake ID")
        }
        return attrs
    }

    init(attrs: inout Attrs, profile: CompatProfile) throws(FlakeRefError) {
        let c = AttrChecker(attrs: attrs, type: "indirect", profile: profile)
        try c.checkAllowed(["id", "ref", "rev", "narHash"]) { "unsupported indirect input attribute '\($0)'" }
        id = try c.requiredString("id")
        guard Syntax.isFlakeID(id) else { throw FlakeRefError(.badURL, "'\(id)' is not a valid flake ID") }
        ref = try c.string("ref")
        rev = try c.string("rev").map { (s: String) throws(FlakeRefError) in try Revision(parsing: s) }
    }

    func toURL(attrs: Attrs, profile: CompatProfile) -> ParsedURL {
        var segments = [id]
        if let ref { segments.append(ref) }
        if let rev { segments.append(rev.hex) }
        var url = ParsedURL(scheme: "flake", path: segments.joined(separator: "/"))
        if profile.indirectRenderEncodesSegments {
            url.path = segments.map { PercentEncoding.encode($0, keeping: PercentEncoding.segment) }.joined(
                separator: "/")
            url.pathIsEncoded = true
        }
        return url
    }
}
