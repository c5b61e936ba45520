import FlakeModel

/// Renderings of a ``LockChangeReport``.
///
/// JSON (keys sorted; optional keys left out when empty):
/// ```
/// { "schemaVersion": 1,
///   "summary": { "added": Int, "removed": Int, "updated": Int },
///   "changes": [ { "path": "a/b", "kind": "added" | "removed" | "updated",
///                  "old"?: Side, "new"?: Side, "compareURL"?: String,
///                  "originalChanges"?: [ { "name": String, "old"?: String, "new"?: String } ] } ] }
/// Side = { "url"?, "follows"?: "a/b", "rev"?, "lastModified"?: Int, "date"?: "YYYY-MM-DD",
///          "repository"?, "original"?: { attribute: String } }
/// ```
extension LockChangeReport {
    /// Plain text, in the form of the "• Updated input" blocks `update` prints (Nix's lock
    /// file diff), each followed by the changes of `original` and the compare link; then
    /// the summary line.
    ///
    /// ```
    /// • Updated input 'nixpkgs':
    ///     'github:NixOS/nixpkgs/2c423e03bbaf…' (2026-08-21)
    ///   → 'github:NixOS/nixpkgs/5880666fd9eb…' (2026-08-19)
    ///     ref: 'nixos-24.05' → 'nixos-25.05'
    ///     https://github.com/NixOS/nixpkgs/compare/2c42…...5880…
    /// ```
    public func text() -> String {
        var out = ""
        for c in changes {
            switch c.kind {
            case .added:
                out += "• Added input '\(c.path)':\n    \(c.new!.described)\n"
            case .removed:
                out += "• Removed input '\(c.path)'\n    was \(c.old!.described)\n"
            case .updated:
                out += "• Updated input '\(c.path)':\n    \(c.old!.described)\n  → \(c.new!.described)\n"
                for (name, old, new) in c.originalChanges {
                    out += "    \(name): \(old.map { "'\($0)'" } ?? "(none)") → \(new.map { "'\($0)'" } ?? "(none)")\n"
                }
                if let link = c.compareURL { out += "    \(link)\n" }
            }
        }
        return out + summaryLine + "\n"
    }

    /// A Markdown pull-request body: a heading, the summary and a table with links to the
    /// commits and compare views.
    public func markdown() -> String {
        var out = "## flake.lock updates\n\n\(summaryLine)\n"
        guard !changes.isEmpty else { return out }
        out += "\n| Input | Change | From | To | Commits |\n|---|---|---|---|---|\n"
        for c in changes {
            let link = c.compareURL.map { "[compare](\($0))" } ?? ""
            let original = c.originalChanges.map { "\($0.name) \(Self.code($0.old)) → \(Self.code($0.new))" }
            let kind = original.isEmpty ? c.kind.rawValue : "\(c.kind.rawValue) (\(original.joined(separator: ", ")))"
            out += "| `\(c.path)` | \(kind) | \(Self.cell(c.old)) | \(Self.cell(c.new)) | \(link) |\n"
        }
        return out
    }

    static func code(_ value: String?) -> String { value.map { AuditReport.cell("`\($0)`") } ?? "(none)" }

    static func cell(_ side: Side?) -> String {
        guard let side else { return "" }
        if let f = side.follows { return "follows `\(f)`" }
        var text: String
        if let rev = side.rev {
            let short = "`\(rev.prefix(12))`"
            if let forge = side.repository?.forge, Revision.isRevisionSyntax(rev) {
                text = "[\(short)](\(forge.commitURL(rev)))"
            } else {
                text = short
            }
            if let repo = side.repository { text = "\(AuditReport.cell(repo.display)) \(text)" }
        } else {
            text = AuditReport.cell(side.url ?? "")
        }
        return side.date.map { "\(text) (\($0))" } ?? text
    }

    /// The report as JSON (schema in the type's documentation).
    public func json() -> JSONValue {
        var top = JSONObject()
        top["schemaVersion"] = .number(.unsigned(Self.schemaVersion))
        top["summary"] = .object(
            JSONObject([
                ("added", .number(.unsigned(UInt64(count(.added))))),
                ("removed", .number(.unsigned(UInt64(count(.removed))))),
                ("updated", .number(.unsigned(UInt64(count(.updated))))),
            ]))
        top["changes"] = .array(
            changes.map { c in
                var o = JSONObject()
                o["path"] = .string(c.path.description)
                o["kind"] = .string(c.kind.rawValue)
                if let s = c.old { o["old"] = Self.sideJSON(s) }
                if let s = c.new { o["new"] = Self.sideJSON(s) }
                if let u = c.compareURL { o["compareURL"] = .string(u) }
                let original = c.originalChanges
                if !original.isEmpty {
                    o["originalChanges"] = .array(
                        original.map { change in
                            var x = JSONObject()
                            x["name"] = .string(change.name)
                            if let v = change.old { x["old"] = .string(v) }
                            if let v = change.new { x["new"] = .string(v) }
                            return .object(x)
                        })
                }
                return .object(o)
            })
        return .object(top)
    }

    static func sideJSON(_ s: Side) -> JSONValue {
        var o = JSONObject()
        if let u = s.url { o["url"] = .string(u) }
        if let f = s.follows { o["follows"] = .string(f.description) }
        if let r = s.rev { o["rev"] = .string(r) }
        if let lm = s.lastModified { o["lastModified"] = .number(.unsigned(lm)) }
        if let d = s.date { o["date"] = .string(d) }
        if let r = s.repository { o["repository"] = .string(r.display) }
        if !s.original.isEmpty {
            o["original"] = .object(
                JSONObject(s.original.keys.sorted().map { ($0, JSONValue.string(s.original[$0]!)) }))
        }
        return .object(o)
    }
}
