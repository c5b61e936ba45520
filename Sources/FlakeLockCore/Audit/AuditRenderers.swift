import FlakeModel

/// Renderings of an ``AuditReport``: plain text for terminals, Markdown for a GitHub step
/// summary, and JSON for tools (schema below, version ``AuditReport/schemaVersion``).
///
/// JSON (keys sorted; optional keys are left out when they have no value):
/// ```
/// { "schemaVersion": 1, "lockFile": String, "now": Int, "maxAgeDays": Int?,
///   "eolTableDate": "YYYY-MM-DD", "failOn": [check], "checksRun": [check], "passed": Bool,
///   "summary": { "nodes": Int, "findings": Int, "failing": Int },
///   "pins": [ { "key", "paths": [String], "url", "type", "flake": Bool, "repository"?,
///               "rev"?, "narHash"?, "lastModified"?, "date"?, "ageDays"? } ],
///   "duplicates": [ { "repository", "revisions": Int, "nodesSaved": Int, "follows": [String],
///                     "nodes": [ { "key", "path", "rev"?, "date"? } ] } ],
///   "findings": [ { "check", "failing": Bool, "message", "node"?, "path"?,
///                   "details": { String: String } } ] }
/// ```
extension AuditReport {
    /// A 12-character revision, or `-`.
    static func short(_ rev: String?) -> String { rev.map { String($0.prefix(12)) } ?? "-" }

    /// The report for a terminal: one line per finding, the duplicate groups with their
    /// `follows` lines, and a result line.
    public func text() -> String {
        let failOn = options.failOn
        var out =
            "Audited \(lockFilePath): \(Self.count(inventory.pins.count, "node")), \(Self.count(findings.count, "finding")), \(failing.count) failing\n"
        if !findings.isEmpty { out += "\n" }
        for f in findings {
            out += "\(failOn.contains(f.check) ? "FAIL" : "warn") \(f.check.rawValue): \(f.message)\n"
            guard f.check == .duplicate, let g = duplicates.first(where: { $0.pins.first?.key == f.node }) else {
                continue
            }
            let width = g.pins.map { $0.path.description.count }.max() ?? 0
            for pin in g.pins {
                let pad = String(repeating: " ", count: width - pin.path.description.count)
                out += "       \(pin.path)\(pad)  \(Self.short(pin.rev))  \(pin.date ?? "")\n"
            }
            if !g.followsLines.isEmpty {
                out += "     To merge them, add to flake.nix:\n"
                for line in g.followsLines { out += "       \(line)\n" }
                out += "     flake.lock would lose \(g.nodesSaved) node\(g.nodesSaved == 1 ? "" : "s").\n"
            }
        }
        out +=
            "\n"
            + (passed
                ? "Result: passed"
                : "Result: failed (\(failing.count) finding\(failing.count == 1 ? "" : "s") in checks selected by --fail-on)")
            + "\n"
        return out
    }

    /// Markdown for `$GITHUB_STEP_SUMMARY`: result, findings table, duplicates with
    /// suggested `follows` lines, and every pin in a collapsed table.
    public func markdown() -> String {
        var out = "## flake.lock audit\n\n"
        out +=
            passed
            ? "**Result:** ✅ passed"
            : "**Result:** ❌ failed (\(failing.count) of \(findings.count) findings in checks selected by `--fail-on`)"
        out += " — \(Self.count(inventory.pins.count, "node")) in `\(lockFilePath)`\n\n"
        if findings.isEmpty {
            out += "No findings.\n"
        } else {
            out += "| | Check | Input | Finding |\n|---|---|---|---|\n"
            for f in findings {
                let mark = options.failOn.contains(f.check) ? "❌" : "⚠️"
                out +=
                    "| \(mark) | `\(f.check.rawValue)` | \(f.path.map { "`\($0)`" } ?? "") | \(Self.cell(f.message)) |\n"
            }
        }
        if !duplicates.isEmpty {
            out += "\n### Duplicated inputs\n"
            for g in duplicates {
                out +=
                    "\n#### `\(g.repository.display)`: \(g.pins.count) nodes, \(g.distinctRevisions) revision\(g.distinctRevisions == 1 ? "" : "s")\n\n"
                out += "| Input path | Node | Revision | Last modified |\n|---|---|---|---|\n"
                for pin in g.pins {
                    out += "| `\(pin.path)` | `\(pin.key)` | \(Self.revisionCell(pin)) | \(pin.date ?? "") |\n"
                }
                if !g.followsLines.isEmpty {
                    out +=
                        "\nAdd to `flake.nix` (flake.lock would lose \(g.nodesSaved) node\(g.nodesSaved == 1 ? "" : "s")):\n\n```nix\n"
                    out += g.followsLines.joined(separator: "\n") + "\n```\n"
                }
            }
        }
        out += "\n<details><summary>Pins (\(inventory.pins.count))</summary>\n\n"
        out += "| Input path | Source | Revision | Last modified | Age (days) |\n|---|---|---|---|---|\n"
        for pin in inventory.pins {
            let age = pin.ageDays(now: options.now).map(String.init) ?? ""
            let source = pin.repository?.display ?? pin.url
            out += "| `\(pin.path)` | \(Self.cell(source)) | \(Self.revisionCell(pin)) | \(pin.date ?? "") | \(age) |\n"
        }
        out += "\n</details>\n"
        return out
    }

    static func revisionCell(_ pin: LockInventory.Pin) -> String {
        guard let rev = pin.rev else { return "" }
        if let forge = pin.repository?.forge, Revision.isRevisionSyntax(rev) {
            return "[`\(short(rev))`](\(forge.commitURL(rev)))"
        }
        return "`\(short(rev))`"
    }

    /// Escapes text for a Markdown table cell.
    static func cell(_ s: String) -> String {
        s.replacing("\\", with: "\\\\").replacing("|", with: "\\|").replacing("\n", with: "<br>")
    }

    /// The report as JSON (schema in the type's documentation).
    public func json() -> JSONValue {
        var top = JSONObject()
        top["schemaVersion"] = .number(.unsigned(Self.schemaVersion))
        top["lockFile"] = .string(lockFilePath)
        top["now"] = Self.int(options.now)
        if let m = options.maxAgeDays { top["maxAgeDays"] = Self.int(Int64(m)) }
        top["eolTableDate"] = .string(NixpkgsReleases.tableDate)
        top["failOn"] = .array(options.failOn.sorted().map { .string($0.rawValue) })
        top["checksRun"] = .array(checksRun.sorted().map { .string($0.rawValue) })
        top["passed"] = .bool(passed)
        top["summary"] = .object(
            JSONObject([
                ("nodes", Self.int(Int64(inventory.pins.count))), ("findings", Self.int(Int64(findings.count))),
                ("failing", Self.int(Int64(failing.count))),
            ]))
        top["pins"] = .array(inventory.pins.map { pinJSON($0) })
        top["duplicates"] = .array(duplicates.map(Self.duplicateJSON))
        top["findings"] = .array(
            findings.map { f in
                var o = JSONObject()
                o["check"] = .string(f.check.rawValue)
                o["failing"] = .bool(options.failOn.contains(f.check))
                o["message"] = .string(f.message)
                if let n = f.node { o["node"] = .string(n) }
                if let p = f.path { o["path"] = .string(p.description) }
                o["details"] = .object(JSONObject(f.details.map { ($0.key, JSONValue.string($0.value)) }))
                return .object(o)
            })
        return .object(top)
    }

    func pinJSON(_ pin: LockInventory.Pin) -> JSONValue {
        var o = JSONObject()
        o["key"] = .string(pin.key)
        o["paths"] = .array(pin.paths.map { .string($0.description) })
        o["url"] = .string(pin.url)
        o["type"] = .string(pin.locked.input.type ?? "")
        o["flake"] = .bool(pin.isFlake)
        if let r = pin.repository { o["repository"] = .string(r.display) }
        if let r = pin.rev { o["rev"] = .string(r) }
        if let h = pin.narHash { o["narHash"] = .string(h) }
        if let lm = pin.lastModified { o["lastModified"] = .number(.unsigned(lm)) }
        if let d = pin.date { o["date"] = .string(d) }
        if let a = pin.ageDays(now: options.now) { o["ageDays"] = Self.int(a) }
        return .object(o)
    }

    static func duplicateJSON(_ g: DuplicateGroup) -> JSONValue {
        var o = JSONObject()
        o["repository"] = .string(g.repository.display)
        o["revisions"] = int(Int64(g.distinctRevisions))
        o["nodesSaved"] = int(Int64(g.nodesSaved))
        o["follows"] = .array(g.followsLines.map { .string($0) })
        o["nodes"] = .array(
            g.pins.map { pin in
                var n = JSONObject()
                n["key"] = .string(pin.key)
                n["path"] = .string(pin.path.description)
                if let r = pin.rev { n["rev"] = .string(r) }
                if let d = pin.date { n["date"] = .string(d) }
                return .object(n)
            })
        return .object(o)
    }

    /// `1 node`, `2 nodes`.
    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    static func int(_ v: Int64) -> JSONValue { v >= 0 ? .number(.unsigned(UInt64(v))) : .number(.signed(v)) }
}
