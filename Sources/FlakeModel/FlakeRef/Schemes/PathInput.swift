/// `path`: a directory in the local file system (`path:<path>`, docs/nix-behaviour.md, "Scheme
/// path").
public struct PathInput: InputSchemeSpec {
    /// The path as written: absolute, or (current ≥2.26, 2.8 `path:./x`) relative.
    public let path: String

    static func attrs(fromURL url: ParsedURL, isFlake: Bool, profile: CompatProfile) throws(FlakeRefError) -> Attrs? {
        guard url.scheme == "path" else { return nil }
        if let a = url.authority, !a.isEmpty {
            throw FlakeRefError(.badURL, "path URL '\(url.original)' should not have an authority ('\(a)')")
        }
        var attrs: Attrs = ["type": "path", "path": .string(url.path)]
        for (name, value) in url.query {
            switch name {
            case "rev", "narHash":
                attrs[name] = .string(value)
            case "revCount", "lastModified":
                guard let n = UInt64(value) else {
                    throw FlakeRefError(.badURL, "path URL '\(url.original)' has invalid parameter '\(name)'")
                }
                attrs[name] = .int(n)
            default:
                throw FlakeRefError(.badURL, "path URL '\(url.original)' has unsupported parameter '\(name)'")
            }
        }
        return attrs
    }

    init(attrs: inout Attrs, profile: CompatProfile) throws(FlakeRefError) {
        let c = AttrChecker(attrs: attrs, type: "path", profile: profile)
        try c.checkAllowed(["path", "rev", "revCount", "lastModified", "narHash"]) {
            "unsupported path input attribute '\($0)'"
        }
        path = try c.requiredString("path")
    }

    func toURL(attrs: Attrs, profile: CompatProfile) -> ParsedURL {
        var q = URLQuery()
        for (name, value) in attrs where name != "type" && name != "path" && name != "__final" {
            q[name] = value.queryString
        }
        return ParsedURL(scheme: "path", path: path, query: q)
    }
}
