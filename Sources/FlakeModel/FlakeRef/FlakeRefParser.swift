/// What the path form of a flake reference needs to know about the file system
/// (docs/nix-behaviour.md, "Parsing a flake reference"). The caller implements it (FlakeModel
/// does no I/O).
public protocol FileSystemProbe {
    /// The type of the entry at `path` without following a final symlink (`lstat`), or nil
    /// if nothing is there.
    func fileType(atPath path: String) -> FileSystemEntryType?
    /// The device number of `path` (`lstat().st_dev`), or nil if unknown.
    func deviceID(atPath path: String) -> UInt64?
    /// `path` (absolute) with every symlink in it resolved, as Nix's `canonPath(path, true)`
    /// does; components that do not exist are kept as they are.
    func resolvingSymlinks(_ path: String) -> String
}

extension FileSystemProbe {
    /// No symlinks: the path as it is.
    public func resolvingSymlinks(_ path: String) -> String { path }
}

/// A warning or notice that parsing a flake reference gives (Nix prints both on stderr:
/// a `warning:` line, a plain line).
public enum FlakeRefDiagnostic: Sendable, Hashable {
    case warning(String)
    case notice(String)
}

/// The kind of a file-system entry, as `lstat` reports it.
public enum FileSystemEntryType: Sendable, Hashable {
    case directory, regularFile, symlink, other
}

/// How the path form of a flake reference treats relative paths (docs/nix-behaviour.md,
/// "Parsing a flake reference").
public enum FlakeRefPathBase {
    /// No base directory: the path must be absolute.
    case none
    /// Relative paths are made absolute against `directory`, and the upward searches for
    /// `flake.nix` and `.git` use `probe`.
    case directory(String, probe: any FileSystemProbe)
    /// Relative paths are kept (current Nix ≥2.26 for `flake.nix` inputs).
    case preserveRelative
}

extension FlakeRef {
    /// Parses a flake reference given as a URL-like string (docs/nix-behaviour.md, "Parsing a
    /// flake reference"). A fragment is an error, as in Nix's `parseFlakeRef`.
    ///
    /// - Parameters:
    ///   - string: `nixpkgs`, `github:o/r`, `./sub`, `git+https://…?dir=x`, …
    ///   - base: how to treat relative paths in the path form.
    ///   - isFlake: false for `flake = false` inputs (affects `file` vs `tarball` and the
    ///     path form's upward search).
    ///   - allowMissing: do not require `flake.nix` at the path (true for `flake.nix` inputs).
    ///   - diagnostics: receives the warnings and notices Nix prints while parsing.
    /// - Throws: ``FlakeRefError`` with the profile's wording.
    public static func parse(
        _ string: String, profile: CompatProfile, base: FlakeRefPathBase = .none, isFlake: Bool = true,
        allowMissing: Bool = false, diagnostics: ((FlakeRefDiagnostic) -> Void)? = nil
    ) throws(FlakeRefError) -> FlakeRef {
        let (ref, fragment) = try parseWithFragment(
            string, profile: profile, base: base, isFlake: isFlake, allowMissing: allowMissing,
            diagnostics: diagnostics)
        if !fragment.isEmpty {
            throw FlakeRefError(.badURL, "unexpected fragment '\(fragment)' in flake reference '\(string)'")
        }
        return ref
    }

    /// Like ``parse(_:profile:base:isFlake:allowMissing:diagnostics:)`` and also returns the
    /// decoded fragment instead of refusing it.
    public static func parseWithFragment(
        _ string: String, profile: CompatProfile, base: FlakeRefPathBase = .none, isFlake: Bool = true,
        allowMissing: Bool = false, diagnostics: ((FlakeRefDiagnostic) -> Void)? = nil
    ) throws(FlakeRefError) -> (ref: FlakeRef, fragment: String) {
        let (beforeHash, fragmentRaw) = splitFragment(string)
        if isFlakeIDForm(beforeHash, profile.flakeIDRefSyntax) {
            let ref = try fromURL(
                try ParsedURL.parse("flake:" + beforeHash, profile: profile), isFlake: isFlake, profile: profile)
            return (ref, PercentEncoding.decodeLenient(fragmentRaw ?? ""))
        }
        var parser = PathFormParser(
            profile: profile, base: base, isFlake: isFlake, allowMissing: allowMissing, original: string,
            diagnostics: diagnostics)
        switch profile.parseOrder {
        case .idPathURL:
            if let (path, query, fragment) = PathFormParser.match28(string) {
                return (try parser.parse(path: path, rawQuery: query), PercentEncoding.decodeLenient(fragment ?? ""))
            }
        case .idURLPath:
            if !ParsedURL.hasScheme(string) {
                let (path, query, fragment) = ParsedURL.splitQueryFragment(Substring(string))
                let ref = try parser.parse(path: String(path), rawQuery: query.map(String.init))
                return (ref, PercentEncoding.decode(String(fragment ?? "")) ?? String(fragment ?? ""))
            }
        }
        var url = try ParsedURL.parse(string, profile: profile)
        if profile.warnsDubiousQuery { parser.warnDubious(ParsedURL.splitQueryFragment(Substring(string)).1) }
        let fragment = url.fragment
        url.fragment = ""
        if profile.urlParser == .rfc3986, case .directory(let dir, _) = base,
            url.scheme == "path" || url.scheme == "git+file", !url.path.hasPrefix("/")
        {
            url.path = PathSyntax.absolute(url.path, base: dir)
        }
        return (try fromURL(url, isFlake: isFlake, profile: profile), fragment)
    }

    /// Builds a ref from a parsed URL: `dir` becomes the subdir and, unless the profile keeps
    /// it there (2.8), is removed from the query the scheme sees.
    public static func fromURL(_ url: ParsedURL, isFlake: Bool = true, profile: CompatProfile) throws(FlakeRefError)
        -> FlakeRef
    {
        var url = url
        let subdir = url.query["dir"] ?? ""
        if !profile.dirStaysInGitURL || (url.scheme == "path" && profile.pathURLAcceptsDir) { url.query["dir"] = nil }
        return FlakeRef(input: try Input.fromURL(url, isFlake: isFlake, profile: profile), subdir: subdir)
    }

    static func splitFragment(_ s: String) -> (String, String?) {
        guard let h = s.firstIndex(of: "#") else { return (s, nil) }
        return (String(s[..<h]), String(s[s.index(after: h)...]))
    }

    /// `ID ( "/" ( REV | REF ( "/" REV )? ) )?`
    static func isFlakeIDForm(_ s: String, _ refSyntax: CompatProfile.RefSyntax) -> Bool {
        guard let slash = s.firstIndex(of: "/") else { return Syntax.isFlakeID(s) }
        guard Syntax.isFlakeID(String(s[..<slash])) else { return false }
        let rest = String(s[s.index(after: slash)...])
        if Revision.isRevisionSyntax(rest) { return true }
        if Syntax.isRef(rest, refSyntax) { return true }
        guard let last = rest.lastIndex(of: "/") else { return false }
        return Syntax.isRef(String(rest[..<last]), refSyntax)
            && Revision.isRevisionSyntax(String(rest[rest.index(after: last)...]))
    }
}

/// The path form (docs/nix-behaviour.md, "Parsing a flake reference"): upward search for
/// `flake.nix` and `.git`.
struct PathFormParser {
    let profile: CompatProfile
    let base: FlakeRefPathBase
    let isFlake: Bool
    let allowMissing: Bool
    let original: String
    var diagnostics: ((FlakeRefDiagnostic) -> Void)?

    /// 2.8's path-form regex: `(/?SEG(/SEG)*/?)(\?QUERY)?(#FRAGMENT)?`, SEG without `:`.
    static func match28(_ s: String) -> (String, String?, String?)? {
        let (path, query, fragment) = ParsedURL.splitQueryFragment(Substring(s))
        let segChars = Set(
            Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._~!$&'\"()*+,;=-".utf8))
        var p = path
        if p.hasPrefix("/") { p = p.dropFirst() }
        if p.hasSuffix("/") { p = p.dropLast() }
        let segs = p.split(separator: "/", omittingEmptySubsequences: false)
        guard !p.isEmpty, segs.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(segChars.contains) }) else { return nil }
        if let query, !ParsedURL.validChars(query.utf8, ParsedURL.queryChar) { return nil }
        if let fragment, !ParsedURL.validChars(fragment.utf8, ParsedURL.queryChar) { return nil }
        return (String(path), query.map(String.init), fragment.map(String.init))
    }

    /// Current Nix's warning for every query parameter without `=` (`decodeQuery`, lenient).
    func warnDubious(_ raw: Substring?) {
        guard let raw, !raw.isEmpty, let diagnostics else { return }
        for piece in raw.split(separator: "&", omittingEmptySubsequences: false) where !piece.contains("=") {
            diagnostics(.warning("dubious URI query '\(piece)' is missing equal sign '=', ignoring"))
        }
    }

    func decodeQuery(_ raw: String?) throws(FlakeRefError) -> URLQuery {
        if profile.warnsDubiousQuery { warnDubious(raw.map { Substring($0) }) }
        var q = URLQuery()
        for piece in (raw ?? "").split(separator: "&") {
            guard let eq = piece.firstIndex(of: "=") else { continue }
            let rawName = String(piece[..<eq])
            let name = profile.urlParser == .rfc3986 ? (PercentEncoding.decode(rawName) ?? rawName) : rawName
            guard let value = PercentEncoding.decode(String(piece[piece.index(after: eq)...])) else {
                throw FlakeRefError(.badURL, "invalid URI parameter '\(piece[piece.index(after: eq)...])'")
            }
            q.insertIfAbsent(name, value)
        }
        return q
    }

    mutating func parse(path rawPath: String, rawQuery: String?) throws(FlakeRefError) -> FlakeRef {
        let query = try decodeQuery(rawQuery)
        var path = rawPath
        switch base {
        case .directory(let dir, let probe):
            path = PathSyntax.absolute(path, base: dir)
            if profile.pathFormResolvesSymlinks && profile.pathFormChecksDirectoryFirst {
                path = probe.resolvingSymlinks(path)
            }
            if isFlake {
                if let gitRef = try searchGit(&path, query: query, probe: probe) { return gitRef }
            }
        case .none:
            guard path.hasPrefix("/") else {
                throw FlakeRefError(.badURL, "flake reference '\(original)' is not an absolute path")
            }
            if !profile.pathFormKeepsQuery { path = PathSyntax.canonicalize(path + "/" + (query["dir"] ?? "")) }
        case .preserveRelative:
            break
        }
        if !profile.pathFormKeepsQuery {
            return FlakeRef(input: try Input.fromAttrs(["type": "path", "path": .string(path)], profile: profile))
        }
        let url = ParsedURL(scheme: "path", path: path, query: query, original: original)
        return try FlakeRef.fromURL(url, isFlake: isFlake, profile: profile)
    }

    /// Searches upward for `flake.nix`, then for `.git`; returns a `git+file` ref if a
    /// repository is found, nil for a plain path.
    func searchGit(_ path: inout String, query: URLQuery, probe: any FileSystemProbe) throws(FlakeRefError) -> FlakeRef?
    {
        func exists(_ p: String) -> Bool { probe.fileType(atPath: p) != nil }
        let q = profile.flakePathErrorQuote
        if profile.pathFormChecksDirectoryFirst { try checkDirectory(&path, probe: probe) }
        if !allowMissing && !exists(path + "/flake.nix") {
            diagnostics?(.notice("path \(q)\(path)\(q) does not contain a 'flake.nix', searching up"))
            let device = probe.deviceID(atPath: path)
            var found = false
            while path != "/" {
                if exists(path + "/flake.nix") {
                    found = true
                    break
                }
                if exists(path + "/.git") {
                    throw FlakeRefError(
                        .path,
                        "path \(q)\(path)\(q) is not part of a flake (neither it nor its parent directories contain a 'flake.nix' file)"
                    )
                }
                if let d = probe.deviceID(atPath: path), let device, d != device {
                    throw FlakeRefError(
                        .path, "unable to find a flake before encountering filesystem boundary at \(q)\(path)\(q)")
                }
                path = PathSyntax.dirOf(path)
            }
            if !found { throw FlakeRefError(.path, "could not find a flake.nix file") }
        }
        if !profile.pathFormChecksDirectoryFirst {
            if profile.pathFormResolvesSymlinks { path = probe.resolvingSymlinks(path) }
            try checkDirectory(&path, probe: probe)
        }
        var flakeRoot = path
        var subdir = ""
        while flakeRoot != "/" {
            if exists(flakeRoot + "/.git") {
                var q = query
                if !subdir.isEmpty {
                    if q["dir"] != nil {
                        throw FlakeRefError(.badURL, "flake URL '\(original)' has an inconsistent 'dir' parameter")
                    }
                    q["dir"] = subdir
                }
                if exists(flakeRoot + "/.git/shallow") { q["shallow"] = "1" }
                let url = ParsedURL(
                    scheme: "git+file", authority: "", path: flakeRoot, query: q, original: "git+file://" + flakeRoot)
                return try FlakeRef.fromURL(url, isFlake: isFlake, profile: profile)
            }
            subdir = PathSyntax.baseName(flakeRoot) + (subdir.isEmpty ? "" : "/" + subdir)
            flakeRoot = PathSyntax.dirOf(flakeRoot)
        }
        return nil
    }

    /// `lstat` must find a directory. Current Nix takes a path to a `flake.nix` file as the
    /// directory holding it, with a warning.
    func checkDirectory(_ path: inout String, probe: any FileSystemProbe) throws(FlakeRefError) {
        let q = profile.flakePathErrorQuote
        guard let type = probe.fileType(atPath: path) else {
            throw FlakeRefError(.path, "getting status of '\(path)': No such file or directory")
        }
        guard type != .directory else { return }
        guard profile.pathFormChecksDirectoryFirst, PathSyntax.baseName(path) == "flake.nix" else {
            throw FlakeRefError(.path, "path \(q)\(path)\(q) is not a flake (because it's not a directory)")
        }
        let directory = PathSyntax.dirOf(path)
        let noun = q == "'" ? "'\(path)'" : "\"\(path)\""
        let meant = q == "'" ? "'\(directory)'" : "\"\(directory)\""
        diagnostics?(
            .warning(
                "Path \(noun) should point at the directory containing the 'flake.nix' file, not the file itself. Pretending that you meant \(meant)"
            ))
        path = directory
    }
}
