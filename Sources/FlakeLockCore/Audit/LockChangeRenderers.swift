import FlakeModel

/// Renderings of a ``LockChangeReport``.
///
/// JSON (keys sorted; optional keys left out when empty):
/// ```
/// { "schemaVersion": 1,
///   "summary": { "added": Int, "removed": Int, "updated": Int },
///   "changes": [ { "path": "a/b", "kind": "added" | "removed" | "updated",
///                  "old"?: Side, "new"?: Side, "compareURL"?: String } ] }
/// Side = { "url"?, "follows"?: "a/b", "rev"?, "lastModified"?: Int, "date"?: "YYYY-MM-DD",
///          "repository"? }
/// ```
extension LockChangeReport {
    /// Plain text: one block per change, then the summary line.
    ///
    /// ```
    /// • Updated 'nixpkgs': 2c423e03bbaf (2026-08-21) → 5880666fd9eb (2026-08-19)
    ///     github:NixOS/nixpkgs/5880666fd9eb563038431edb35c2d0aa595884e6
    ///     https://github.com/NixOS/nixpkgs/compare/2c42…...5880…
    /// ```
    public func text() -> String {
        var out = ""
        for c in changes {
            switch c.kind {
            case .added:
                let n = c.new!
                out += "• Added '\(c.path)': \(n.follows == nil ? n.url ?? "?" : n.summary)\(n.follows == nil ? Self.dateSuffix(n) : "")\n"
            case .removed:
                out += "• Removed '\(c.path)' (was \(c.old!.follows == nil ? c.old!.url ?? "?" : c.old!.summary))\n"
            case .updated:
                out += "• Updated '\(c.path)': \(c.old!.summary) → \(c.new!.summary)\n"
                if let url = c.new?.url { out += "    \(url)\n" }
                if let link = c.compareURL { out += "    \(link)\n" }
            }
        }
        return out + summaryLine + "\n"
    }

    static func dateSuffix(_ side: Side) -> String { side.date.map { " (\($0))" } ?? "" }

    /// A Markdown pull-request body: a heading, the summary and a table with links to the
    /// commits and compare views.
    public func markdown() -> String {
        var out = "## flake.lock updates\n\n\(summaryLine)\n"
        guard !changes.isEmpty else { return out }
        out += "\n| Input | Change | From | To | Commits |\n|---|---|---|---|---|\n"
        for c in changes {
            let link = c.compareURL.map { "[compare](\($0))" } ?? ""
            out += "| `\(c.path)` | \(c.kind.rawValue) | \(Self.cell(c.old)) | \(Self.cell(c.new)) | \(link) |\n"
        }
        return out
    }

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
        top["changes"] = .array(changes.map { c in
            var o = JSONObject()
            o["path"] = .string(c.path.description)
            o["kind"] = .string(c.kind.rawValue)
            if let s = c.old { o["old"] = Self.sideJSON(s) }
            if let s = c.new { o["new"] = Self.sideJSON(s) }
            if let u = c.compareURL { o["compareURL"] = .string(u) }
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
        return .object(o)
    }
}
