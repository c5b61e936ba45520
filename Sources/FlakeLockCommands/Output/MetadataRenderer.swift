import FlakeModel

/// The values `nix flake metadata` prints about the top-level flake; the caller fetches and
/// formats what needs I/O or a time zone.
struct FlakeMetadata {
    /// The ref as given (`original`, `originalUrl`).
    var original: FlakeRef
    /// After registry lookup (`resolved`, `resolvedUrl`).
    var resolved: FlakeRef
    /// After fetching (`locked`, `url`).
    var locked: FlakeRef
    /// `description` from flake.nix, if any.
    var description: String?
    /// The store path of the flake source.
    var path: String
    /// `Last modified` already formatted as the caller's Nix prints it (2.8: local time,
    /// `%Y-%m-%d %H:%M:%S`); see ``Timestamp/dateTime(_:utcOffset:)``.
    var lastModifiedText: String?
    /// Current Nix's evaluation-cache fingerprint (64 hex), if any.
    var fingerprint: String?
    /// For a dirty Git tree (current): `<rev>-dirty`.
    var dirtyRevision: String?
    /// The lock graph.
    var lockFile: LockFile

    init(
        original: FlakeRef, resolved: FlakeRef, locked: FlakeRef, description: String? = nil, path: String,
        lastModifiedText: String? = nil, fingerprint: String? = nil, dirtyRevision: String? = nil, lockFile: LockFile
    ) {
        self.original = original
        self.resolved = resolved
        self.locked = locked
        self.description = description
        self.path = path
        self.lastModifiedText = lastModifiedText
        self.fingerprint = fingerprint
        self.dirtyRevision = dirtyRevision
        self.lockFile = lockFile
    }
}

/// Pure renderers for `nix flake metadata` (docs/nix-behaviour.md, "Metadata text", "Metadata
/// JSON").
enum MetadataRenderer {
    /// The human-readable output: header lines and the input tree, each line ending in a
    /// newline, with `ESC[1m`/`ESC[0m` as Nix prints them on stdout.
    /// - Throws: ``FlakeRefError`` if a ref cannot be rendered as a URL.
    static func text(_ m: FlakeMetadata, profile: CompatProfile) throws(FlakeRefError) -> String {
        let b = ANSI.bold
        let n = ANSI.normal
        var out = ""
        func line(_ label: String, _ value: String) { out += "\(b)\(label)\(n)\(value)\n" }
        line("Resolved URL:", "  " + (try m.resolved.toURLString(profile: profile)))
        if !profile.metadataLockedURLOnlyIfLocked || m.locked.isLocked(profile: profile) {
            line("Locked URL:", "    " + (try m.locked.toURLString(profile: profile)))
        }
        if let d = m.description { line("Description:", "   " + d) }
        line("Path:", "          " + m.path)
        if let dirty = m.dirtyRevision {
            line("Revision:", "      " + dirty)
        } else if let rev = m.locked.input.common.rev {
            line("Revision:", "      " + rev.hex)
        }
        if let rc = m.locked.input.common.revCount { line("Revisions:", "     \(rc)") }
        if let lm = m.lastModifiedText { line("Last modified:", " " + lm) }
        if let fp = m.fingerprint { line("Fingerprint:", "   " + fp) }
        let root = m.lockFile.root
        if profile.metadataAlwaysShowsInputsHeader || !root.inputs.isEmpty { line("Inputs:", "") }
        var visited: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
        try tree(root, prefix: "", profile: profile, visited: &visited, out: &out)
        return out
    }

    static func tree(
        _ node: LockNode, prefix: String, profile: CompatProfile, visited: inout Set<ObjectIdentifier>,
        out: inout String
    ) throws(FlakeRefError) {
        let inputs = node.sortedInputs
        for (i, (name, edge)) in inputs.enumerated() {
            let last = i + 1 == inputs.count
            let connector = prefix + (last ? "└───" : "├───")
            switch edge {
            case .node(let child):
                guard let locked = child.lock?.locked else { continue }
                var date = ""
                if profile.metadataShowsDates, let lm = locked.input.common.lastModified {
                    date = " (\(Timestamp.dateTime(Int64(clamping: lm))))"
                }
                out +=
                    "\(connector)\(ANSI.bold)\(name)\(ANSI.normal): \(try locked.toURLString(profile: profile))\(date)\n"
                if visited.insert(ObjectIdentifier(child)).inserted {
                    try tree(
                        child, prefix: prefix + (last ? "    " : "│   "), profile: profile, visited: &visited, out: &out
                    )
                }
            case .follows(let path):
                out += "\(connector)\(ANSI.bold)\(name)\(ANSI.normal) follows input '\(path)'\n"
            }
        }
    }

    /// The `--json` object (docs/nix-behaviour.md, "Metadata JSON"), keys sorted.
    ///
    /// - Parameter finalInLocked: add `"__final": true` to `locked` (current Nix does).
    static func json(_ m: FlakeMetadata, profile: CompatProfile, finalInLocked: Bool = false)
        throws(FlakeRefError) -> JSONValue
    {
        var o = JSONObject()
        if let d = m.description { o["description"] = .string(d) }
        if let dirty = m.dirtyRevision { o["dirtyRevision"] = .string(dirty) }
        if let fp = m.fingerprint { o["fingerprint"] = .string(fp) }
        let c = m.locked.input.common
        if let lm = c.lastModified { o["lastModified"] = .number(.unsigned(lm)) }
        var locked = m.locked.toAttrs()
        if finalInLocked { locked["__final"] = .bool(true) }
        o["locked"] = locked.json
        o["locks"] = m.lockFile.json
        o["original"] = m.original.toAttrs().json
        o["originalUrl"] = .string(try m.original.toURLString(profile: profile))
        o["path"] = .string(m.path)
        o["resolved"] = m.resolved.toAttrs().json
        o["resolvedUrl"] = .string(try m.resolved.toURLString(profile: profile))
        if let rc = c.revCount { o["revCount"] = .number(.unsigned(rc)) }
        if let rev = c.rev { o["revision"] = .string(rev.hex) }
        o["url"] = .string(try m.locked.toURLString(profile: profile))
        return .object(o)
    }
}
