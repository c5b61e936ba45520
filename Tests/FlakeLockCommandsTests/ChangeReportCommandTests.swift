import FlakeLockTestSupport
import Foundation
import Testing

/// `diff` and `audit` wording through the built binary.
struct ChangeReportCommandTests {
    typealias L = CommandLocks

    @Test func diffShowsABranchSwitch() throws {
        let box = try CLISandbox()
        try box.dir.write("old.lock", L.duplicated(nixpkgsRev: L.rev1))
        try box.dir.write(
            "new.lock", L.duplicated(nixpkgsRev: L.rev2).replacingOccurrences(of: "nixos-23.05", with: "nixos-24.05"))
        let r = try box.run(["diff", "old.lock", "new.lock"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("• Updated input 'nixpkgs':\n    'github:NixOS/nixpkgs/\(L.rev1)?"))
        #expect(r.stdout.contains("    ref: 'nixos-23.05' → 'nixos-24.05'\n"))
        let json = try box.run(["diff", "old.lock", "new.lock", "--json"])
        #expect(json.stdout.contains(#""name": "ref""#) || json.stdout.contains(#""name":"ref""#))
    }

    @Test func auditWordsABranchAsABranchAndNamesNoFullURL() throws {
        let box = try CLISandbox()
        try box.dir.write("flake.lock", L.duplicated())
        let r = try box.run(["audit", "flake.lock", "--now", "1795000000", "--fail-on", "none"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        let eol = try #require(lines.first { $0.contains("eol-branch:") })
        #expect(eol.contains("input 'nixpkgs' (github:NixOS/nixpkgs) tracks the branch 'nixos-23.05'"))
        #expect(!r.stdout.contains("narHash="))
        #expect(!r.stdout.contains("out of sync:"))
    }
}
