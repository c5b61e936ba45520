import NixCompat

/// `tarball` and `file`: an archive or a single file downloaded over HTTP(S) or read from
/// `file://` (docs/nix-behaviour.md, "Schemes tarball and file").
public struct TarballInput: InputSchemeSpec {
    /// `tarball` unpacks the archive; `file` keeps the downloaded file as the tree.
    public enum Kind: String, Sendable, Hashable {
        case tarball, file
    }

    public let kind: Kind
    public let url: String
    public let name: String?
    public let unpack: Bool?

    static let transports: Set<String> = ["file", "http", "https"]

    static func hasTarballExtension(_ path: String) -> Bool {
        Syntax.tarballExtensions.contains { path.hasSuffix($0) }
    }

    static func attrs(fromURL url: ParsedURL, isFlake: Bool, profile: CompatProfile) throws(FlakeRefError) -> Attrs? {
        guard profile.tarballPlusAndFileTypes else {
            guard transports.contains(url.scheme), hasTarballExtension(url.path) else { return nil }
            var attrs: Attrs = ["type": "tarball", "url": .string(url.render(profile: profile))]
            if let h = url.query["narHash"] { attrs["narHash"] = .string(h) }
            return attrs
        }
        var kind: Kind
        var transport = url.scheme
        if let plus = url.scheme.firstIndex(of: "+") {
            guard let k = Kind(rawValue: String(url.scheme[..<plus])) else { return nil }
            kind = k
            transport = String(url.scheme[url.scheme.index(after: plus)...])
        } else {
            let lastSegment = url.path.split(separator: "/").last.map(String.init) ?? ""
            kind = hasTarballExtension(lastSegment) ? .tarball : (isFlake ? .tarball : .file)
        }
        guard transports.contains(transport) else { return nil }
        if url.scheme == transport && !["http", "https", "file"].contains(transport) { return nil }
        var url2 = url
        url2.scheme = transport
        var attrs: Attrs = ["type": .string(kind.rawValue)]
        for name in ["narHash", "rev"] {
            if let v = url.query[name] { attrs[name] = .string(v) }
        }
        for name in ["revCount", "lastModified"] {
            if let v = url.query[name], let n = UInt64(v) { attrs[name] = .int(n) }
        }
        for name in ["narHash", "rev", "revCount", "lastModified", "url", "name", "unpack"] {
            url2.query[name] = nil
        }
        attrs["url"] = .string(url2.render(profile: profile))
        return attrs
    }

    init(attrs: inout Attrs, profile: CompatProfile) throws(FlakeRefError) {
        let type = attrs.string("type") ?? "tarball"
        kind = Kind(rawValue: type) ?? .tarball
        let c = AttrChecker(attrs: attrs, type: type, profile: profile)
        var allowed: Set<String> = ["url", "narHash", "name"]
        if profile.tarballAcceptsLockableAttributes {
            allowed.formUnion(["unpack", "rev", "revCount", "lastModified"])
        }
        try c.checkAllowed(allowed) { "unsupported tarball input attribute '\($0)'" }
        url = try c.requiredString("url")
        _ = try ParsedURL.parse(url, profile: profile)
        name = try c.string("name")
        unpack = try c.bool("unpack")
    }

    func toURL(attrs: Attrs, profile: CompatProfile) -> ParsedURL {
        guard var u = try? ParsedURL.parse(url, profile: profile) else {
            return ParsedURL(scheme: "invalid", path: url)  // unreachable: init checked the URL
        }
        if let h = attrs.string("narHash"), let sri = try? NixHash.parseNARHash(h).sri { u.query["narHash"] = sri }
        return u
    }
}
