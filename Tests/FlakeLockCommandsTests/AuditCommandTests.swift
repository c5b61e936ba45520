import FlakeLockTestSupport
import Foundation
import Testing

@testable import FlakeLockCommands

/// Lock files for the command tests.
enum CommandLocks {
    static let rev1 = String(repeating: "1", count: 40)
    static let rev2 = String(repeating: "2", count: 40)
    static let hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

    static func github(_ owner: String, _ repo: String, rev: String, ref: String? = nil, inputs: String = "") -> String
    {
        let refAttr = ref.map { #", "ref": "\#($0)""# } ?? ""
        return """
            {\(inputs)"locked": {"lastModified": 1704067200, "narHash": "\(hash)", "owner": "\(owner)", "repo": "\(repo)", "rev": "\(rev)", "type": "github"},
             "original": {"owner": "\(owner)", "repo": "\(repo)", "type": "github"\(refAttr)}}
            """
    }

    /// root: nixpkgs (nixos-23.05) and tool, whose own nixpkgs is a second copy.
    static func duplicated(nixpkgsRev: String = rev1) -> String {
        """
        {"nodes": {
          "nixpkgs": \(github("NixOS", "nixpkgs", rev: nixpkgsRev, ref: "nixos-23.05")),
          "nixpkgs_2": \(github("NixOS", "nixpkgs", rev: rev2)),
          "tool": \(github("someone", "tool", rev: rev1, inputs: #""inputs": {"nixpkgs": "nixpkgs_2"}, "#)),
          "root": {"inputs": {"nixpkgs": "nixpkgs", "tool": "tool"}}},
         "root": "root", "version": 7}
        """
    }

    static let flakeNix = """
        {
          inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-23.05";
          inputs.tool.url = "github:someone/tool";
          outputs = { self, ... }: { };
        }
        """
}

struct AuditCommandTests {
    let now = "1795000000"  // 2026-11-18

    @Test func parsesOptions() throws {
        let cmd = try FlakeLockCommand.parseAsRoot([
            "audit", "dir", "--format", "markdown", "--max-age", "30", "--verify", "--fail-on", "duplicate,stale",
        ])
        let audit = try #require(cmd as? FlakeLockCommand.Audit)
        #expect(audit.flake == "dir" && audit.output.format == .markdown && audit.maxAge == 30 && audit.verify)
        #expect(audit.failOn == "duplicate,stale")
    }

    @Test(arguments: [
        ["audit", "--fail-on", "bogus"], ["audit", "--json", "--format", "markdown"], ["audit", "--max-age", "-1"],
    ])
    func rejectsBadOptions(_ args: [String]) {
        #expect(throws: (any Error).self) { try FlakeLockCommand.parseAsRoot(args) }
    }

    @Test func auditFailsWithStatus3AndExplains() throws {
        let d = TestDirectory.make()
        try d.write("flake.lock", CommandLocks.duplicated())
        try d.write("flake.nix", CommandLocks.flakeNix)
        let r = try BuiltBinary.runFlakelock(["audit", d.path, "--now", now])
        #expect(r.status == 3)
        #expect(r.stdout.contains("FAIL eol-branch: input 'nixpkgs' "))
        #expect(
            r.stdout.contains(
                "warn duplicate: github:NixOS/nixpkgs is locked at 2 nodes (2 revisions): 'nixpkgs', 'tool/nixpkgs'\n"))
        #expect(r.stdout.contains("       inputs.tool.inputs.nixpkgs.follows = \"nixpkgs\";\n"))
        #expect(!r.stdout.contains("out-of-sync"))
        #expect(r.stdout.hasSuffix("Result: failed (1 finding in checks selected by --fail-on)\n"))

        let lenient = try BuiltBinary.runFlakelock(["audit", d.path + "/flake.lock", "--now", now, "--fail-on", "none"])
        #expect(lenient.status == 0)
        let strict = try BuiltBinary.runFlakelock(["audit", d.path, "--now", now, "--fail-on", "duplicate"])
        #expect(strict.status == 3)
    }

    @Test func auditJSONAndMarkdown() throws {
        let d = TestDirectory.make()
        try d.write("flake.lock", CommandLocks.duplicated())
        try d.write("flake.nix", CommandLocks.flakeNix.replacingOccurrences(of: "someone/tool", with: "someone/tool2"))
        let r = try BuiltBinary.runFlakelock(
            ["audit", "--json", "--now", now, "--max-age", "365"], currentDirectory: d.path)
        #expect(r.status == 3)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["schemaVersion"] as? Int == 1)
        #expect(json["passed"] as? Bool == false)
        let findings = try #require(json["findings"] as? [[String: Any]])
        let checks = findings.compactMap { $0["check"] as? String }
        #expect(checks == ["stale", "stale", "stale", "duplicate", "eol-branch", "out-of-sync"])
        let sync = try #require(findings.last)
        #expect(sync["path"] as? String == "tool")
        #expect((sync["details"] as? [String: String])?["declared"] == "github:someone/tool2")
        let pins = try #require(json["pins"] as? [[String: Any]])
        #expect(pins.map { $0["key"] as? String } == ["nixpkgs", "nixpkgs_2", "tool"])
        #expect(pins.first?["ageDays"] as? Int == 1052)

        let md = try BuiltBinary.runFlakelock(
            ["audit", "--format", "markdown", "--now", now], currentDirectory: d.path)
        #expect(md.stdout.hasPrefix("## flake.lock audit\n\n**Result:** ❌ failed"))
        #expect(md.stdout.contains("| ❌ | `out-of-sync` | `tool` |"))
        #expect(md.stdout.contains("```nix\ninputs.tool.inputs.nixpkgs.follows = \"nixpkgs\";\n```"))
    }

    @Test func verifyRehashesPathInputs() throws {
        let d = TestDirectory.make()
        try d.write("dep/a", "hi\n")
        let hash = "sha256-h4gyzSK14DjhF7cBN4VY+Km2ytc4Gg5tV6noZdNPhaY="  // `flakelock hash path` of dep
        try d.write(
            "flake.lock",
            """
            {"nodes": {"dep": {"flake": false, "locked": {"narHash": "\(hash)", "path": "\(d.path)/dep", "type": "path"},
              "original": {"path": "\(d.path)/dep", "type": "path"}}, "root": {"inputs": {"dep": "dep"}}}, "root": "root", "version": 7}
            """)
        let env = [
            "NIX_CONFIG": "flake-registry = ", "HOME": d.path, "XDG_CACHE_HOME": d.path + "/cache",
            "PATH": "/usr/bin:/bin",
        ]
        let ok = try BuiltBinary.runFlakelock(["audit", d.path, "--verify", "--now", now], environment: env)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(!ok.stdout.contains("hash-mismatch"))
        try d.write("dep/a", "changed\n")
        let bad = try BuiltBinary.runFlakelock(["audit", d.path, "--verify", "--now", now], environment: env)
        #expect(bad.status == 3)
        #expect(bad.stdout.contains("FAIL hash-mismatch: input 'dep' "))
        #expect(bad.stdout.contains("flake.lock has '\(hash)', the source now hashes to 'sha256-"))
    }

    @Test func missingLockIsAnError() throws {
        let d = TestDirectory.make()
        let r = try BuiltBinary.runFlakelock(["audit", d.path])
        #expect(r.status == 1)
        #expect(r.stderr == "error: flake.lock not found at '\(d.path)/flake.lock'\n")
    }
}
