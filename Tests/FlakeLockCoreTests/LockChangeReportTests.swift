import FlakeModel
import Testing

@testable import FlakeLockCore

struct LockChangeReportTests {
    typealias F = AuditFixtures

    func pair() throws -> (LockFile, LockFile) {
        let old = try F.lock(
            root: ["nixpkgs": "nixpkgs", "lab": "lab", "hut": "hut", "hm": "hm", "gone": "gone"],
            nodes: [
                "nixpkgs": F.github("NixOS", "nixpkgs", rev: F.rev1),
                "lab": F.github("grp", "proj", rev: F.rev1, host: "gitlab.example.org", type: "gitlab"),
                "hut": F.github("~user", "tool", rev: F.rev1, type: "sourcehut"),
                "hm": F.github("nix-community", "home-manager", inputs: ["nixpkgs": "nixpkgs_2"]),
                "nixpkgs_2": F.github("NixOS", "nixpkgs", rev: F.rev3),
                "gone": F.github("o", "gone"),
            ])
        let new = try F.lock(
            root: ["nixpkgs": "nixpkgs", "lab": "lab", "hut": "hut", "hm": "hm", "added": "added"],
            nodes: [
                "nixpkgs": F.github("NixOS", "nixpkgs", rev: F.rev2, lastModified: F.jan2024 + 86_400 * 31),
                "lab": F.github("grp", "proj", rev: F.rev2, host: "gitlab.example.org", type: "gitlab"),
                "hut": F.github("~user", "tool", rev: F.rev2, type: "sourcehut"),
                "hm": F.github("nix-community", "home-manager", inputs: ["nixpkgs": #"["nixpkgs"]"#]),
                "added": F.github("o", "added"),
            ])
        return (old, new)
    }

    @Test func changesWithCompareLinks() throws {
        let (old, new) = try pair()
        let r = LockChangeReport(old: old, new: new, profile: .nix)
        #expect(
            r.changes.map { "\($0.kind.rawValue) \($0.path)" } == [
                "added added", "removed gone", "updated hm/nixpkgs", "updated hut", "updated lab", "updated nixpkgs",
            ])
        let byPath = Dictionary(uniqueKeysWithValues: r.changes.map { ($0.path.description, $0) })
        #expect(byPath["nixpkgs"]?.compareURL == "https://github.com/NixOS/nixpkgs/compare/\(F.rev1)...\(F.rev2)")
        #expect(byPath["lab"]?.compareURL == "https://gitlab.example.org/grp/proj/-/compare/\(F.rev1)...\(F.rev2)")
        #expect(byPath["hut"]?.compareURL == "https://git.sr.ht/~user/tool/log/\(F.rev2)")
        #expect(byPath["hm/nixpkgs"]?.compareURL == nil)
        #expect(byPath["hm/nixpkgs"]?.new?.follows == ["nixpkgs"])
        #expect(byPath["nixpkgs"]?.new?.date == "2024-02-01")
        #expect(r.summaryLine == "6 inputs changed: 1 added, 1 removed, 4 updated.")
    }

    @Test func textMarkdownAndJSON() throws {
        let (old, new) = try pair()
        let r = LockChangeReport(old: old, new: new, profile: .nix)
        let text = r.text()
        let h = "narHash=sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D"
        #expect(
            text.contains(
                """
                • Updated input 'nixpkgs':
                    'github:NixOS/nixpkgs/\(F.rev1)?\(h)' (2024-01-01)
                  → 'github:NixOS/nixpkgs/\(F.rev2)?\(h)' (2024-02-01)
                    https://github.com/NixOS/nixpkgs/compare/\(F.rev1)...\(F.rev2)

                """))
        #expect(
            text.contains(
                "• Updated input 'hm/nixpkgs':\n    'github:NixOS/nixpkgs/\(F.rev3)?\(h)' (2024-01-01)\n  → follows 'nixpkgs'\n"
            ))
        #expect(text.contains("• Removed input 'gone'\n    was 'github:o/gone/\(F.rev1)?\(h)' (2024-01-01)\n"))
        #expect(text.contains("• Added input 'added':\n    'github:o/added/\(F.rev1)?\(h)' (2024-01-01)\n"))
        #expect(text.hasSuffix("6 inputs changed: 1 added, 1 removed, 4 updated.\n"))

        let md = r.markdown()
        #expect(md.hasPrefix("## flake.lock updates\n\n6 inputs changed"))
        #expect(
            md.contains(
                "| `nixpkgs` | updated | github:NixOS/nixpkgs [`aaaaaaaaaaaa`](https://github.com/NixOS/nixpkgs/commit/\(F.rev1)) (2024-01-01) | github:NixOS/nixpkgs [`bbbbbbbbbbbb`](https://github.com/NixOS/nixpkgs/commit/\(F.rev2)) (2024-02-01) | [compare](https://github.com/NixOS/nixpkgs/compare/\(F.rev1)...\(F.rev2)) |"
            ))

        let json = r.json()
        #expect(json.objectValue?["schemaVersion"] == .number(.unsigned(1)))
        let summary = try #require(json.objectValue?["summary"]?.objectValue)
        #expect(summary["updated"] == .number(.unsigned(4)))
        let first = try #require(json.objectValue?["changes"]?.arrayValue?.first?.objectValue)
        #expect(first["kind"] == .string("added"))
        #expect(first["new"]?.objectValue?["rev"] == .string(F.rev1))
        #expect(first["old"] == nil)
    }

    @Test func identicalLocksHaveNoChanges() throws {
        let lock = try F.sharedGraph()
        let r = LockChangeReport(old: lock, new: try F.sharedGraph(), profile: .nix)
        #expect(r.isEmpty && r.text() == "No changes.\n")
    }

    /// NixOS/nix's channel tarball: a nixos.org channel update links to github:NixOS/nixpkgs.
    @Test func channelTarballLinksToNixpkgs() throws {
        let old = try F.realLock("NixOS__nix")
        var newJSON = try JSONValue.parse(Array(old.text.utf8)).objectValue!
        var nodes = newJSON["nodes"]!.objectValue!
        var nixpkgs = nodes["nixpkgs"]!.objectValue!
        var locked = nixpkgs["locked"]!.objectValue!
        locked["rev"] = .string(F.rev2)
        nixpkgs["locked"] = .object(locked)
        nodes["nixpkgs"] = .object(nixpkgs)
        newJSON["nodes"] = .object(nodes)
        let new = try LockFile.fromJSON(.object(newJSON), path: "new", profile: .nix)
        let r = LockChangeReport(old: old, new: new, profile: .nix)
        #expect(r.changes.count == 1)
        #expect(
            r.changes.first?.compareURL
                == "https://github.com/NixOS/nixpkgs/compare/a50de1b7d8a586adc18d2395c19de7d6058e6030...\(F.rev2)")
    }
}

struct InputProvenanceTests {
    typealias F = AuditFixtures

    @Test func routesThroughFollows() throws {
        let why = try InputProvenance(query: "home-manager/nixpkgs", lock: try F.sharedGraph(), profile: .nix)
        #expect(why.match == .inputPath)
        #expect(why.nodes.map(\.pin.key) == ["nixpkgs", "nixpkgs_2"])
        #expect(
            why.nodes[0].routes.map(\.text) == ["root → nixpkgs", "root → home-manager → nixpkgs (follows 'nixpkgs')"])
        #expect(
            why.nodes[1].routes.map(\.text) == [
                "root → tool → nixpkgs", "root → tool → utils → nixpkgs (follows 'tool/nixpkgs')",
            ])
        #expect(why.text().contains("Other nodes of github:NixOS/nixpkgs:\n\nnode 'nixpkgs_2': github:nixos/NixPkgs/"))
    }

    @Test func queriesByKeyRepositoryAndName() throws {
        let lock = try F.sharedGraph()
        let byKey = try InputProvenance(query: "nixpkgs_2", lock: lock, profile: .nix)
        #expect(byKey.match == .nodeKey && byKey.nodes.map(\.pin.key) == ["nixpkgs_2", "nixpkgs"])
        let byRepo = try InputProvenance(query: "github:nixos/nixpkgs", lock: lock, profile: .nix)
        #expect(byRepo.match == .repository && byRepo.nodes.map(\.pin.key) == ["nixpkgs", "nixpkgs_2"])
        let byName = try InputProvenance(query: "flake-utils", lock: lock, profile: .nix)
        #expect(byName.match == .repositoryName && byName.nodes.map(\.pin.key) == ["utils"])
        #expect(throws: WhyError.notFound("nope")) { try InputProvenance(query: "nope", lock: lock, profile: .nix) }
        let json = byName.json().objectValue
        #expect(json?["match"] == .string("repository-name"))
        #expect(json?["nodes"]?.arrayValue?.first?.objectValue?["routes"]?.arrayValue?.count == 1)
    }

    /// NixOS/nix: git-hooks-nix's flake-compat follows the root itself (`[]`), which must not loop.
    @Test func followsToRootIsNotARoute() throws {
        let why = try InputProvenance(query: "nixpkgs", lock: try F.realLock("NixOS__nix"), profile: .nix)
        #expect(
            why.nodes[0].routes.map(\.text) == [
                "root → nixpkgs", "root → flake-parts → nixpkgs-lib (follows 'nixpkgs')",
                "root → git-hooks-nix → nixpkgs (follows 'nixpkgs')",
            ])
    }

    /// A branch switch and a repository move show as changes of `original`, even when the
    /// locked revision stays.
    @Test func originalChanges() throws {
        let old = try F.lock(
            root: ["nixpkgs": "nixpkgs", "tool": "tool"],
            nodes: [
                "nixpkgs": F.github("NixOS", "nixpkgs", rev: F.rev1, ref: "nixos-23.05"),
                "tool": F.github("someone", "tool", rev: F.rev1),
            ])
        let new = try F.lock(
            root: ["nixpkgs": "nixpkgs", "tool": "tool"],
            nodes: [
                "nixpkgs": F.github("NixOS", "nixpkgs", rev: F.rev2, ref: "nixos-24.05"),
                "tool": F.github("someone", "tool", rev: F.rev1, ref: "dev"),
            ])
        let r = LockChangeReport(old: old, new: new, profile: .nix)
        #expect(r.changes.map(\.path.description) == ["nixpkgs", "tool"])
        let text = r.text()
        #expect(text.contains("    ref: 'nixos-23.05' → 'nixos-24.05'\n"))
        #expect(text.contains("• Updated input 'tool':\n"))
        #expect(text.contains("    ref: (none) → 'dev'\n"))
        #expect(r.markdown().contains("| `nixpkgs` | updated (ref `nixos-23.05` → `nixos-24.05`) |"))
        let json = r.json().compactText
        #expect(json.contains(#""originalChanges":[{"name":"ref","new":"nixos-24.05","old":"nixos-23.05"}]"#))
        #expect(json.contains(#""original":{"owner":"NixOS","ref":"nixos-24.05","repo":"nixpkgs","type":"github"}"#))
    }
}
