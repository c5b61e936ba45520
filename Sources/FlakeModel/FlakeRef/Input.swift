/// What a scheme's spec type provides (STYLE rule 5): URL parsing that returns nil for "not
/// my scheme" and throws for "my scheme, but malformed", one validating `init(attrs:)` with
/// a table of allowed attributes, and rendering back to a URL.
protocol InputSchemeSpec: Sendable, Hashable {
    /// The attributes a URL stands for, or nil if the URL belongs to another scheme.
    /// The result still goes through ``init(attrs:profile:)``.
    static func attrs(fromURL url: ParsedURL, isFlake: Bool, profile: CompatProfile) throws(FlakeRefError) -> Attrs?
    /// Validates `attrs` (allowed names, types, values). May normalise `attrs` the way the
    /// profile's Nix does (current Nix re-renders a git `url`).
    init(attrs: inout Attrs, profile: CompatProfile) throws(FlakeRefError)
    /// The canonical URL of the input (docs/nix-behaviour.md, "Input schemes").
    func toURL(attrs: Attrs, profile: CompatProfile) -> ParsedURL
}

/// The decoded view of an input's attributes: one case per scheme.
public enum InputSpec: Sendable, Hashable {
    case indirect(IndirectInput)
    case path(PathInput)
    case git(GitInput)
    /// `github`, `gitlab`, `sourcehut`.
    case forge(ForgeInput)
    /// `tarball`, `file`.
    case tarball(TarballInput)
    case hg(MercurialInput)
    /// No scheme claims the input (unknown or, in 2.8, absent `type`). It can be stored in a
    /// lock file but not rendered or fetched.
    case unsupported(type: String?)
}

/// An input: its attributes exactly as Nix holds them, plus their decoded form.
///
/// Two inputs are equal when their attributes are equal (docs/nix-behaviour.md, "Attribute
/// values"); the decoded `spec` is a function of the attributes and the profile.
public struct Input: Sendable, Hashable, CustomStringConvertible {
    /// The attributes (without `dir`), verbatim except where the profile's Nix normalises.
    public let attrs: Attrs
    /// The decoded, validated attributes.
    public let spec: InputSpec
    /// The attributes every scheme shares (`ref`, `rev`, `revCount`, `lastModified`, `narHash`).
    public let common: CommonAttributes

    /// The `type` attribute.
    public var type: String? { attrs.string("type") }

    public static func == (a: Input, b: Input) -> Bool { a.attrs == b.attrs }
    public func hash(into h: inout Hasher) { h.combine(attrs) }

    /// Compact JSON of the attributes.
    public var description: String { attrs.description }

    /// Builds an input from attributes (attribute-set form, lock files, registries).
    ///
    /// - Throws: ``FlakeRefError`` worded as the profile's Nix words it, e.g.
    ///   `unsupported Git input attribute 'bar'` (2.8) or
    ///   `input attribute 'bar' not supported by scheme 'git'` (current).
    public static func fromAttrs(_ attrs: Attrs, profile: CompatProfile) throws(FlakeRefError) -> Input {
        var attrs = attrs
        let type: String
        switch attrs["type"] {
        case nil:
            if profile.requiresTypeAttribute {
                throw FlakeRefError(
                    .missingAttribute, "'type' attribute to specify input scheme is required but not provided")
            }
            return try unsupported(attrs, type: nil, profile: profile)
        case .string(let t): type = t
        default:
            throw FlakeRefError(.invalidAttribute, "input attribute 'type' is not a string \(attrs)")
        }
        let spec: InputSpec
        switch type {
        case "indirect": spec = .indirect(try IndirectInput(attrs: &attrs, profile: profile))
        case "path": spec = .path(try PathInput(attrs: &attrs, profile: profile))
        case "git": spec = .git(try GitInput(attrs: &attrs, profile: profile))
        case "github", "gitlab", "sourcehut": spec = .forge(try ForgeInput(attrs: &attrs, profile: profile))
        case "tarball": spec = .tarball(try TarballInput(attrs: &attrs, profile: profile))
        case "file" where profile.tarballPlusAndFileTypes:
            spec = .tarball(try TarballInput(attrs: &attrs, profile: profile))
        case "hg": spec = .hg(try MercurialInput(attrs: &attrs, profile: profile))
        default: return try unsupported(attrs, type: type, profile: profile)
        }
        let common = try AttrChecker(attrs: attrs, type: type, profile: profile).common()
        return Input(attrs: attrs, spec: spec, common: common)
    }

    private static func unsupported(_ attrs: Attrs, type: String?, profile: CompatProfile) throws(FlakeRefError)
        -> Input
    {
        let common = try AttrChecker(attrs: attrs, type: type ?? "", profile: profile).common()
        return Input(attrs: attrs, spec: .unsupported(type: type), common: common)
    }

    private init(attrs: Attrs, spec: InputSpec, common: CommonAttributes) {
        self.attrs = attrs
        self.spec = spec
        self.common = common
    }

    /// Builds an input from a parsed URL (the `dir` parameter already handled by the caller).
    ///
    /// - Parameter isFlake: whether the input is a flake; current Nix makes an extension-less
    ///   `https://` URL a `tarball` for flakes and a `file` otherwise.
    /// - Throws: ``FlakeRefError``; `input '<url>' is unsupported` if no scheme claims it.
    public static func fromURL(_ url: ParsedURL, isFlake: Bool = true, profile: CompatProfile) throws(FlakeRefError)
        -> Input
    {
        let shown = url.original.isEmpty ? url.render(profile: profile) : url.original
        // `src/libfetchers/fetchers.cc` (NixOS/nix#14326) names the likely typo first.
        if profile.hintsFilePlusGit && url.scheme == "file+git" {
            throw FlakeRefError(
                .unsupportedInput, "input '\(shown)' is unsupported; did you mean 'git+file' instead of 'file+git'?")
        }
        let schemes: [any InputSchemeSpec.Type] = [
            IndirectInput.self, PathInput.self, GitInput.self, ForgeInput.self, TarballInput.self, MercurialInput.self,
        ]
        for scheme in schemes {
            if let attrs = try scheme.attrs(fromURL: url, isFlake: isFlake, profile: profile) {
                return try fromAttrs(attrs, profile: profile)
            }
        }
        throw FlakeRefError(.unsupportedInput, "input '\(shown)' is unsupported")
    }

    /// The canonical URL of this input (without `dir`).
    /// - Throws: `cannot show unsupported input '<json>'` for inputs without a scheme.
    public func toURL(profile: CompatProfile) throws(FlakeRefError) -> ParsedURL {
        switch spec {
        case .indirect(let s): s.toURL(attrs: attrs, profile: profile)
        case .path(let s): s.toURL(attrs: attrs, profile: profile)
        case .git(let s): s.toURL(attrs: attrs, profile: profile)
        case .forge(let s): s.toURL(attrs: attrs, profile: profile)
        case .tarball(let s): s.toURL(attrs: attrs, profile: profile)
        case .hg(let s): s.toURL(attrs: attrs, profile: profile)
        case .unsupported: throw FlakeRefError(.unsupportedType, "cannot show unsupported input '\(attrs)'")
        }
    }

    /// The rendered URL of this input.
    public func toURLString(profile: CompatProfile) throws(FlakeRefError) -> String {
        try toURL(profile: profile).render(profile: profile)
    }

    /// True for a `path` input whose path is relative (current ≥2.26): such an input is
    /// neither locked nor unlocked (docs/nix-behaviour.md, "Locked inputs").
    public func isRelativePath(profile: CompatProfile) -> Bool {
        guard profile.relativePathInputs, case .path(let p) = spec else { return false }
        return !p.path.hasPrefix("/")
    }

    /// Whether the input counts as locked (docs/nix-behaviour.md, "Locked inputs").
    ///
    /// - Parameter trustTarballsFromGitForges: the setting of that name (default true); only
    ///   current Nix's forge rule uses it.
    public func isLocked(profile: CompatProfile, trustTarballsFromGitForges: Bool = true) -> Bool {
        switch profile.lockedness {
        case .revOrNarHash:
            return attrs["rev"] != nil || attrs["narHash"] != nil
        case .perScheme:
            switch spec {
            case .git: return common.rev.map { !$0.isZero } ?? false
            case .forge: return common.rev != nil && (trustTarballsFromGitForges || common.narHash != nil)
            case .tarball, .path: return common.narHash != nil
            case .hg: return common.rev != nil
            case .indirect, .unsupported: return false
            }
        }
    }
}
