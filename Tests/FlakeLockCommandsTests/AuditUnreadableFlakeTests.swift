import FlakeLockTestSupport
import Foundation
import Testing

/// `audit` of a flake whose flake.nix cannot be read (an attribute current Nix rejects, or a
/// syntax error): flake.lock is audited all the same, and the sync check says why it could
/// not compare.
struct AuditUnreadableFlakeTests {
    let now = "1795000000"

    static let flakeNixes: [(name: String, text: String, error: String)] = [
        (
            "edition",
            """
            {
              edition = 201909;
              inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-23.05";
              outputs = { self, ... }: { };
            }
            """,
            "has an unsupported attribute 'edition'"
        ),
        ("syntax", "{ inputs.nixpkgs.url = ; }", "syntax error"),
        ("not-a-set", "42", "must be an attribute set"),
    ]

    @Test(arguments: flakeNixes.map(\.name))
    func auditsTheLockAndReportsFlakeNixUnreadable(_ name: String) throws {
        let c = try #require(Self.flakeNixes.first { $0.name == name })
        let d = TestDirectory.make()
        try d.write("flake.lock", CommandLocks.duplicated())
        try d.write("flake.nix", c.text)
        let r = try BuiltBinary.runFlakelock(["audit", d.path, "--now", now])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
        // The lock's own checks ran.
        #expect(r.stdout.contains("FAIL eol-branch: input 'nixpkgs' "))
        #expect(r.stdout.contains("warn duplicate: github:NixOS/nixpkgs is locked at 2 nodes"))
        #expect(
            r.stdout.contains(
                "FAIL out-of-sync: out of sync: cannot compare flake.lock with '\(d.path)/flake.nix', which is unreadable: "
            ))
        #expect(r.stdout.contains(c.error))

        let json = try BuiltBinary.runFlakelock(["audit", d.path, "--now", now, "--json"])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let findings = try #require(obj["findings"] as? [[String: Any]])
        let sync = try #require(findings.first { $0["check"] as? String == "out-of-sync" })
        let details = try #require(sync["details"] as? [String: String])
        #expect(details["reason"] == "unreadable" && details["file"] == d.path + "/flake.nix")
        #expect(details["error"]?.contains(c.error) == true)
        #expect((obj["pins"] as? [Any])?.count == 3)

        let lenient = try BuiltBinary.runFlakelock(["audit", d.path, "--now", now, "--fail-on", "eol-branch"])
        #expect(lenient.status == 3)
        let none = try BuiltBinary.runFlakelock(["audit", d.path, "--now", now, "--fail-on", "none"])
        #expect(none.status == 0)
    }
}
