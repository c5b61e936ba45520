import FlakeLockTestSupport
import Foundation
import Testing

/// `git+file` on a non-bare checkout with `ref`: the built binary resolves short names as
/// Nix does there (a branch, a lightweight tag, an annotated tag), recording the ref as
/// written and, for an annotated tag, the tag object (2.8) or the commit it names (current).
/// The 2.8 side is also compared with a running Nix 2.8 by the differential suite.
struct LocalCheckoutRefTests {
    @Test(arguments: ["nix", "nix-2.8"])
    func refsOfALocalCheckout(_ compat: String) throws {
        let d = TestDirectory.make(prefix: "flakelock-checkout-refs")
        let repo = try GitFixtureRepository(at: d.path + "/checkout")
        try repo.write("flake.nix", "{ outputs = _: { }; }\n")
        let first = try repo.commit("first")
        try repo.tag("v1")
        try repo.tag("v1a", annotated: true)
        try repo.git("branch", "dev")
        try repo.write("x", "2\n")
        let second = try repo.commit("second")
        let tagObject = try repo.git("rev-parse", "v1a").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(tagObject != first)
        let url = "git+file://\(repo.path)"
        try d.write(
            "top/flake.nix",
            """
            {
              inputs.dev.url = "\(url)?ref=dev";
              inputs.tag.url = "\(url)?ref=v1";
              inputs.atag.url = "\(url)?ref=v1a";
              inputs.main.url = "\(url)?ref=main";
              outputs = _: { };
            }
            """)
        let env = [
            "NIX_CONFIG": "flake-registry = ", "HOME": d.path, "XDG_CACHE_HOME": d.path + "/cache",
            "PATH": "/usr/bin:/bin",
        ]
        let r = try BuiltBinary.runFlakelock(["lock", "--compat", compat, d.path + "/top"], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: d.path + "/top/flake.lock"))
        let nodes = try #require(
            (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["nodes"] as? [String: Any])
        func locked(_ name: String) -> [String: Any] {
            ((nodes[name] as? [String: Any])?["locked"] as? [String: Any]) ?? [:]
        }
        #expect(locked("dev")["rev"] as? String == first)
        #expect(locked("dev")["ref"] as? String == "dev")
        #expect(locked("tag")["rev"] as? String == first)
        #expect(locked("tag")["ref"] as? String == "v1")
        #expect(locked("atag")["rev"] as? String == (compat == "nix-2.8" ? tagObject : first))
        #expect(locked("atag")["revCount"] as? Int == 1)
        #expect(locked("main")["rev"] as? String == second)
    }
}
