import FlakeLockBasics
import FlakeModel
import NixSyntax

/// One input as the locker sees it (Nix's `FlakeInput`): a reference or a follows path, the
/// flake flag, and overrides for the input's own inputs.
struct FlakeInputSpec: Sendable {
    var ref: FlakeRef?
    /// Absolute from the root (already prefixed with the declaring flake's lock-root path).
    var follows: InputPath?
    var isFlake: Bool = true
    /// Overrides for this input's inputs, by name.
    var overrides: [String: FlakeInputSpec] = [:]
    /// For relative `path:` references (current Nix): the input path of the flake that
    /// declared it.
    var parentPath: InputPath?
    /// For an override declared in some flake.nix: where that flake lives. Current Nix
    /// resolves a relative override against the flake that declares it (the overrider),
    /// not the flake whose input it replaces (src/libflake/flake.cc, `OverrideTarget`).
    var declaringSource: FlakeSource?
    /// Where it was declared, for messages.
    var span: SourceSpan?

    /// The overrides in byte-wise name order.
    var sortedOverrides: [(String, FlakeInputSpec)] {
        overrides.sorted { $0.key.byteWiseLess(than: $1.key) }.map { ($0.key, $0.value) }
    }
}

/// Turns the raw declarations of a `flake.nix` into input specs, applying the profile's rules
/// (docs/nix-behaviour.md, "Input declarations", "Locking changes after 2.8"): defaults to
/// `flake:<name>`, `url` + `follows`, path values, follows paths made absolute.
struct FlakeInputParser {
    let profile: CompatProfile
    /// The input path of the flake being read (`[]` for the top-level flake): follows
    /// paths are relative to it.
    let lockRootPath: InputPath
    /// Directory of the flake.nix, for path-form references in 2.8 (relative to the
    /// parent's source) — nil keeps relative paths (current Nix).
    let baseDirectory: String?
    let probe: (any FileSystemProbe)?

    func parse(_ decls: [InputDecl], depth: Int = 0) throws -> [String: FlakeInputSpec] {
        var out: [String: FlakeInputSpec] = [:]
        for d in decls { out[d.name] = try parse(d, depth: depth) }
        return out
    }

    func parse(_ d: InputDecl, depth: Int) throws -> FlakeInputSpec {
        var spec = FlakeInputSpec(span: d.span)
        spec.isFlake = d.flake ?? true
        var follows: InputPath?
        if let f = d.follows {
            do {
                let components = try FollowsPath.components(of: f)
                follows = InputPath(lockRootPath.components + components)
            } catch {
                throw ErrorWithContext(
                    LockError.invalidFollows(
                        profile.urlWithFollowsIsError ? error.currentNixDescription : error.description, d.span),
                    context: Self.attributeTrace("follows", profile: profile))
            }
        }
        var ref: FlakeRef?
        if d.attribute("type") != nil {
            var attrs = Attrs()
            for a in d.attributes { attrs[a.name] = Self.attrValue(a.value) }
            if case .string(let u) = d.url { attrs["url"] = .string(u) }
            do {
                ref = try FlakeRef.fromAttrs(attrs, profile: profile)
            } catch {
                throw ErrorWithContext(
                    LockError.declaration(error.description, d.span),
                    context: profile.errorStyle == .nix28 ? "in flake input" : "while evaluating flake input")
            }
        } else if let url = d.url {
            if let extra = d.attributes.first {
                throw LockError.unexpectedInputAttribute(extra.name, extra.span)
            }
            ref = try parseURL(url, isFlake: spec.isFlake, span: d.urlSpan ?? d.span)
        } else if let extra = d.attributes.first, follows == nil {
            throw LockError.unexpectedInputAttribute(extra.name, extra.span)
        }
        if ref != nil && follows != nil {
            if profile.urlWithFollowsIsError {
                throw LockError.bothReferenceAndFollows(d.span)
            }
            ref = nil  // 2.8–2.29: follows wins
        }
        if ref == nil && follows == nil && (depth == 0 || !profile.deepOverrides) {
            // A top-level input without a reference is `flake:<name>` (current Nix assigns it
            // when locking, to the same effect). 2.8–2.29 do this for nested overrides too,
            // which is what breaks deep overrides there (docs/nix-behaviour.md, "Input
            // declarations"; "Version differences", row 17).
            ref = try indirect(d.name, span: d.span)
        }
        spec.ref = ref
        spec.follows = follows
        if let relPath = ref, relPath.input.isRelativePath(profile: profile) {
            spec.parentPath = lockRootPath
        }
        for child in d.inputs {
            do {
                spec.overrides[child.name] = try parse(child, depth: depth + 1)
            } catch {
                throw ErrorWithContext(error, context: Self.attributeTrace("inputs", profile: profile))
            }
        }
        return spec
    }

    /// Nix's trace for an error from the attribute `name` of an input declaration.
    static func attributeTrace(_ name: String, profile: CompatProfile) -> String {
        profile.errorStyle == .nix28 ? "in flake attribute '\(name)'" : "while evaluating flake attribute '\(name)'"
    }

    func indirect(_ name: String, span: SourceSpan) throws -> FlakeRef {
        do {
            return try FlakeRef.fromAttrs(["type": .string("indirect"), "id": .string(name)], profile: profile)
        } catch {
            throw LockError.declaration(error.description, span)
        }
    }

    func parseURL(_ url: URLValue, isFlake: Bool, span: SourceSpan) throws -> FlakeRef {
        let text: String
        switch url {
        case .string(let s):
            text = s
        case .path(let p):
            // Current Nix: a path value inside the flake's tree becomes `path:<relative>`.
            guard profile.relativePathInputs else {
                throw LockError.declaration("expected a string but got a path", span)
            }
            text = "path:" + (p.hasPrefix("/") ? p : Self.relativePathValue(p))
        }
        let base: FlakeRefPathBase
        if profile.relativePathInputs {
            base = .preserveRelative
        } else if let baseDirectory, let probe {
            base = .directory(baseDirectory, probe: probe)
        } else {
            base = .none
        }
        do {
            return try FlakeRef.parse(text, profile: profile, base: base, isFlake: isFlake, allowMissing: true)
        } catch {
            throw LockError.declaration(error.description, span)
        }
    }

    /// A relative path value (`./sub`, `../.`) as Nix writes it: the path it denotes,
    /// relative to the flake's directory (`CanonPath::makeRelative`: `.`, `sub`, `..`).
    static func relativePathValue(_ literal: String) -> String {
        let depth = max(1, literal.split(separator: "/").count)
        let base = (0..<depth).map { "/d\($0)" }.joined()
        let target = PathSyntax.canonicalize(base + "/" + literal)
        let baseParts = base.split(separator: "/")
        let targetParts = target.split(separator: "/")
        var common = 0
        while common < baseParts.count && common < targetParts.count && baseParts[common] == targetParts[common] {
            common += 1
        }
        let up = Array(repeating: "..", count: baseParts.count - common)
        let parts = up + targetParts[common...].map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    static func attrValue(_ v: NixSyntax.AttrValue) -> FlakeModel.AttrValue {
        switch v {
        case .string(let s): .string(s)
        case .int(let i): .int(i)
        case .bool(let b): .bool(b)
        }
    }
}
