import FlakeLockTestSupport
import Foundation
import Testing

@testable import FlakeLockCommands

struct DiffCommandTests {
    typealias L = CommandLocks

    /// A Git repository with two commits of flake.lock: nixpkgs moves from rev1 to rev2.
    func repository() throws -> (TestDirectory, GitFixtureRepository) {
        let d = TestDirectory.make()
        let repo = try GitFixtureRepository(at: d.path + "/flake")
        try repo.write("flake.lock", L.duplicated(nixpkgsRev: L.rev1))
        _ = try repo.commit("first")
        try repo.write("flake.lock", L.duplicated(nixpkgsRev: L.rev2))
        _ = try repo.commit("second")
        return (d, repo)
    }

    @Test func parsesArguments() throws {
        let cmd = try FlakeLockCommand.parseAsRoot(["diff", "HEAD~1", "HEAD", "--flake", "x", "--format", "json"])
        let diff = try #require(cmd as? FlakeLockCommand.Diff)
        #expect(diff.old == "HEAD~1" && diff.new == "HEAD" && diff.flake == "x" && diff.output.format == .json)
    }

    @Test func diffsGitRevisions() throws {
        let (d, repo) = try repository()
        defer { withExtendedLifetime(d) {} }
        let r = try BuiltBinary.runFlakelock(["diff", "HEAD~1", "HEAD"], currentDirectory: repo.path)
        #expect(r.status == 0)
        #expect(
            r.stdout == """
                • Updated input 'nixpkgs':
                    'github:NixOS/nixpkgs/\(L.rev1)?narHash=sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D' (2024-01-01)
                  → 'github:NixOS/nixpkgs/\(L.rev2)?narHash=sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D' (2024-01-01)
                    https://github.com/NixOS/nixpkgs/compare/\(L.rev1)...\(L.rev2)
                1 input changed: 0 added, 0 removed, 1 updated.

                """)
        let explicit = try BuiltBinary.runFlakelock(["diff", "HEAD~1:flake.lock", "HEAD", "--flake", repo.path])
        #expect(explicit.stdout == r.stdout)
    }

    @Test func markdownAndJSONAndFiles() throws {
        let (d, repo) = try repository()
        try d.write("old.lock", L.duplicated(nixpkgsRev: L.rev2))
        let md = try BuiltBinary.runFlakelock(
            ["diff", d.path + "/old.lock", "HEAD~1", "--format", "markdown"], currentDirectory: repo.path)
        #expect(md.status == 0)
        #expect(md.stdout.hasPrefix("## flake.lock updates\n\n1 input changed: 0 added, 0 removed, 1 updated.\n"))
        #expect(md.stdout.contains("[compare](https://github.com/NixOS/nixpkgs/compare/\(L.rev2)...\(L.rev1))"))
        let json = try BuiltBinary.runFlakelock(
            ["diff", "HEAD", "HEAD", "--format", "json"], currentDirectory: repo.path)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((obj["changes"] as? [Any])?.isEmpty == true)
        #expect((obj["summary"] as? [String: Int]) == ["added": 0, "removed": 0, "updated": 0])
    }

    @Test func unknownRevisionIsAnError() throws {
        let (d, repo) = try repository()
        defer { withExtendedLifetime(d) {} }
        let r = try BuiltBinary.runFlakelock(["diff", "nosuchrev", "HEAD"], currentDirectory: repo.path)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("error: cannot read 'nosuchrev:./flake.lock' with 'git show' in '\(repo.path)': "))
    }
}

struct WhyCommandTests {
    @Test func showsRoutes() throws {
        let d = TestDirectory.make()
        let lock = """
            {"nodes": {
              "nixpkgs": \(CommandLocks.github("NixOS", "nixpkgs", rev: CommandLocks.rev1)),
              "hm": \(CommandLocks.github("nix-community", "home-manager", rev: CommandLocks.rev1, inputs: #""inputs": {"nixpkgs": ["nixpkgs"]}, "#)),
              "root": {"inputs": {"hm": "hm", "nixpkgs": "nixpkgs"}}},
             "root": "root", "version": 7}
            """
        try d.write("flake.lock", lock)
        let r = try BuiltBinary.runFlakelock(["why", "hm/nixpkgs", d.path])
        #expect(r.status == 0)
        #expect(
            r.stdout == """
                node 'nixpkgs': github:NixOS/nixpkgs/\(CommandLocks.rev1)?narHash=sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D (2024-01-01)
                  root → nixpkgs
                  root → hm → nixpkgs (follows 'nixpkgs')

                """)
        let json = try BuiltBinary.runFlakelock(["why", "github:NixOS/nixpkgs", "--json"], currentDirectory: d.path)
        #expect(json.stdout.contains(#""match": "repository""#))
        let missing = try BuiltBinary.runFlakelock(["why", "nope", d.path])
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: 'nope' is neither an input path, a node key nor a repository in flake.lock\n")
    }

    @Test func helpListsNewCommands() throws {
        let h = try BuiltBinary.runFlakelock(["--help"])
        for name in ["audit", "diff", "why"] { #expect(h.stdout.contains("  \(name) ")) }
        for args in [["audit", "--help"], ["diff", "--help"], ["why", "--help"]] {
            let r = try BuiltBinary.runFlakelock(args)
            #expect(r.status == 0 && r.stdout.contains("USAGE:"))
        }
    }
}
