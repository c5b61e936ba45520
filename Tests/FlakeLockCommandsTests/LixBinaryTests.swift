import FlakeLockTestSupport
import Foundation
import Testing

/// `--compat lix` follows Lix 2.95.3 (`docs/lix-2.95.md`), seen through the built binary on a
/// real Git repository.
struct LixBinaryTests {
    /// A Git flake with a relative `path:./sub` input: Lix locks it at the parent's directory in
    /// the store without `parent` and words `creating lock file` without the trailing space;
    /// the default profile keeps it relative with `parent`.
    @Test func relativePathInputAndCreatingMessage() throws {
        for compat in ["lix", "nix"] {
            let d = TestDirectory.make()
            let env = try Nix235BinaryTests.environment(d)
            let repo = try GitFixtureRepository(at: d.path + "/flake")
            try repo.write("sub/flake.nix", "{ outputs = { self }: { }; }\n")
            try repo.write("flake.nix", #"{ inputs.sub.url = "path:./sub"; outputs = { self, sub }: { }; }"# + "\n")
            _ = try repo.commit("init")
            let r = try BuiltBinary.runFlakelock(
                ["lock", "--compat", compat], environment: env, currentDirectory: repo.path)
            #expect(r.status == 0, "\(r.stderr)")
            let lock = try String(contentsOfFile: repo.path + "/flake.lock", encoding: .utf8)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(lock.utf8)) as? [String: Any])
            #expect(object["version"] as? Int == 7)
            let nodes = try #require(object["nodes"] as? [String: Any])
            let sub = try #require(nodes["sub"] as? [String: Any])
            let locked = try #require(sub["locked"] as? [String: Any])
            if compat == "lix" {
                #expect(sub["parent"] == nil)
                let path = try #require(locked["path"] as? String)
                #expect(path.hasPrefix("/") && path.hasSuffix("/sub"), "\(path)")
                #expect(locked["narHash"] != nil)
                #expect(
                    r.stderr.contains("warning: creating lock file '\(repo.path)/flake.lock':\n• Added input 'sub':"),
                    "\(r.stderr)")
            } else {
                #expect(sub["parent"] as? [String] == [])
                #expect(locked["path"] as? String == "./sub")
                #expect(
                    r.stderr.contains(
                        "warning: creating lock file \"\(repo.path)/flake.lock\": \n• Added input 'sub':"),
                    "\(r.stderr)")
            }
        }
    }

    /// Lix's `inputs.self` takes only `submodules`; current Nix also takes `lfs`.
    @Test func selfAttributeLFSIsRefused() throws {
        let d = TestDirectory.make()
        let env = try Nix235BinaryTests.environment(d)
        let repo = try GitFixtureRepository(at: d.path + "/flake")
        try repo.write("flake.nix", "{ inputs.self.lfs = true; outputs = { self }: { }; }\n")
        _ = try repo.commit("init")
        let lix = try BuiltBinary.runFlakelock(
            ["lock", "--compat", "lix"], environment: env, currentDirectory: repo.path)
        #expect(lix.status == 1)
        #expect(lix.stderr.contains("flake 'self' attribute 'lfs' is not supported"), "\(lix.stderr)")
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/flake.lock"))
        let nix = try BuiltBinary.runFlakelock(["lock"], environment: env, currentDirectory: repo.path)
        #expect(nix.status == 0, "\(nix.stderr)")
    }

    /// A lock node without `rev` or `narHash` is refused with Lix's wording.
    @Test func mutableLockWording() throws {
        let d = TestDirectory.make()
        let env = try Nix235BinaryTests.environment(d)
        try d.write("dep/flake.nix", "{ outputs = { self }: { }; }\n")
        try d.write(
            "top/flake.nix", #"{ inputs.dep.url = "path:\#(d.path)/dep"; outputs = { self, dep }: { }; }"# + "\n")
        try d.write(
            "top/flake.lock",
            #"""
            {"nodes":{"dep":{"locked":{"path":"\#(d.path)/dep","type":"path"},"original":{"path":"\#(d.path)/dep","type":"path"}},"root":{"inputs":{"dep":"dep"}}},"root":"root","version":7}
            """# + "\n")
        let lix = try BuiltBinary.runFlakelock(
            ["lock", "--compat", "lix"], environment: env, currentDirectory: d.path + "/top")
        #expect(lix.status == 1)
        #expect(lix.stderr.contains("lock file contains mutable lock"), "\(lix.stderr)")
        let old = try BuiltBinary.runFlakelock(
            ["lock", "--compat", "nix-2.8"], environment: env, currentDirectory: d.path + "/top")
        #expect(old.status == 1)
        #expect(old.stderr.contains("lockfile contains mutable lock"), "\(old.stderr)")
    }
}
