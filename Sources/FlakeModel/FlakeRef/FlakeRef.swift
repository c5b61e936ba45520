/// A flake reference: an ``Input`` plus the subdirectory of the fetched tree that holds
/// `flake.nix` (the `dir` attribute, docs/nix-behaviour.md, "The dir attribute").
///
/// ```swift
/// let ref = try FlakeRef.parse("github:NixOS/nixpkgs/nixos-24.05?dir=lib", profile: .nix)
/// ref.subdir                            // "lib"
/// ref.toAttrs()["ref"]                  // .string("nixos-24.05")
/// try ref.toURLString(profile: .nix)    // "github:NixOS/nixpkgs/nixos-24.05?dir=lib"
/// ```
public struct FlakeRef: Sendable, Hashable, CustomStringConvertible {
    public var input: Input
    /// The directory of `flake.nix` inside the tree; empty for the root.
    public var subdir: String

    public init(input: Input, subdir: String = "") {
        self.input = input
        self.subdir = subdir
    }

    /// Two refs are equal when their inputs' attributes and their subdirs are equal.
    public static func == (a: FlakeRef, b: FlakeRef) -> Bool {
        a.input == b.input && a.subdir.bytesEqual(b.subdir)
    }

    public func hash(into h: inout Hasher) {
        h.combine(input)
        for b in subdir.utf8 { h.combine(b) }
    }

    /// Builds a ref from its attribute-set form: `dir` becomes the subdir, the rest the input.
    /// - Throws: ``FlakeRefError`` from the scheme's checks, or if `dir` is not a string.
    public static func fromAttrs(_ attrs: Attrs, profile: CompatProfile) throws(FlakeRefError) -> FlakeRef {
        var rest = attrs
        let dir = rest.removeValue(forKey: "dir")
        var subdir = ""
        if let dir {
            guard let s = dir.stringValue else {
                throw FlakeRefError(.invalidAttribute, "input attribute 'dir' is not a string \(attrs)")
            }
            subdir = s
        }
        return FlakeRef(input: try Input.fromAttrs(rest, profile: profile), subdir: subdir)
    }

    /// The attribute-set form: the input's attributes plus `dir` when the subdir is non-empty.
    public func toAttrs() -> Attrs {
        var a = input.attrs
        if !subdir.isEmpty { a["dir"] = .string(subdir) }
        return a
    }

    /// The rendered URL (docs/nix-behaviour.md, "Input schemes", "URL rendering and
    /// percent-encoding"): the input's URL with `dir=<subdir>` added unless the query already
    /// has a `dir`.
    /// - Throws: `cannot show unsupported input '<json>'` for inputs without a scheme.
    public func toURLString(profile: CompatProfile) throws(FlakeRefError) -> String {
        var url = try input.toURL(profile: profile)
        if !subdir.isEmpty { url.query.insertIfAbsent("dir", subdir) }
        return url.render(profile: profile)
    }

    /// ``toURLString(profile:)`` as Determinate Nix abbreviates it for lock file diffs
    /// (`FlakeRef::to_string(true)`): no `narHash`, a forge `rev` of 7 characters, no Git `ref`
    /// of `main` or `master`.
    public func toAbbreviatedURLString(profile: CompatProfile) throws(FlakeRefError) -> String {
        var url = try input.toURL(profile: profile)
        switch input.spec {
        case .git:
            if let ref = url.query["ref"], ref == "main" || ref == "master" { url.query["ref"] = nil }
        case .forge(let s):
            if let rev = s.rev, url.path.hasSuffix("/" + rev.hex) {
                url.path = String(url.path.dropLast(rev.hex.count)) + String(rev.hex.prefix(7))
            }
        default:
            break
        }
        url.query["narHash"] = nil
        if !subdir.isEmpty { url.query.insertIfAbsent("dir", subdir) }
        return url.render(profile: profile)
    }

    /// Compact JSON of ``toAttrs()``.
    public var description: String { toAttrs().description }

    /// Current Nix's comparison form (≥2.29, docs/nix-behaviour.md, "The dir attribute"): if
    /// the input has a `url` attribute whose query has `dir=X` with X equal to the subdir, that
    /// `dir` is removed; the `url` is re-rendered in any case. Profiles without
    /// ``CompatProfile/canonicalizesOriginals`` get the ref unchanged.
    public func canonicalized(profile: CompatProfile) -> FlakeRef {
        guard profile.canonicalizesOriginals, let u = input.attrs.string("url"),
            var parsed = try? ParsedURL.parse(u, profile: profile)
        else { return self }
        if let d = parsed.query["dir"], !subdir.isEmpty, d.bytesEqual(subdir) { parsed.query["dir"] = nil }
        var attrs = input.attrs
        attrs["url"] = .string(parsed.render(profile: profile))
        guard let newInput = try? Input.fromAttrs(attrs, profile: profile) else { return self }
        return FlakeRef(input: newInput, subdir: subdir)
    }

    /// Whether the input counts as locked (docs/nix-behaviour.md, "Locked inputs"); see
    /// ``Input/isLocked(profile:trustTarballsFromGitForges:)``.
    public func isLocked(profile: CompatProfile, trustTarballsFromGitForges: Bool = true) -> Bool {
        input.isLocked(profile: profile, trustTarballsFromGitForges: trustTarballsFromGitForges)
    }

    /// This ref without `narHash` when it is locked without it (a `rev` of a scheme locked by
    /// rev): what Determinate Nix's lazy locks record (`src/libexpr/paths.cc`, `mountInput`).
    /// Otherwise the ref itself.
    public func withoutNarHashIfLockedByRev(profile: CompatProfile) throws(FlakeRefError) -> FlakeRef {
        guard input.attrs["narHash"] != nil else { return self }
        var attrs = toAttrs()
        attrs.removeValue(forKey: "narHash")
        let lazy = try FlakeRef.fromAttrs(attrs, profile: profile)
        return lazy.isLocked(profile: profile) ? lazy : self
    }
}
