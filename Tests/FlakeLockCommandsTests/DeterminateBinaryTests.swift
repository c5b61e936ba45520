import FlakeLockTestSupport
import Foundation
import Testing

/// `--compat determinate` follows Determinate Nix 3.22.2 (`docs/determinate-3.22.md`): with
/// `lazy-trees` and `lazy-locks`, flake inputs locked by `rev` are written without `narHash`.
/// Such lazy locks are read, kept byte for byte and rendered under every profile.
struct DeterminateBinaryTests {
    struct Fixture {
        var d: TestDirectory
        var env: [String: String]
        var top: GitFixtureRepository
        var depRev: String
        var data: GitFixtureRepository
    }

    /// A Git flake `top` with a Git flake input `dep` and a non-flake Git input `data`.
    static func fixture() throws -> Fixture {
        let d = TestDirectory.make()
        let env = try Nix235BinaryTests.environment(d)
        let dep = try GitFixtureRepository(at: d.path + "/dep")
        try dep.write("flake.nix", "{ outputs = { self }: { }; }\n")
        let depRev = try dep.commit("dep")
        let data = try GitFixtureRepository(at: d.path + "/data")
        try data.write("README", "data\n")
        _ = try data.commit("data")
        let top = try GitFixtureRepository(at: d.path + "/top")
        try top.write(
            "flake.nix",
            #"""
            {
              inputs.dep.url = "git+file://\#(dep.path)";
              inputs.data = { url = "git+file://\#(data.path)"; flake = false; };
              outputs = { self, dep, data }: { };
            }
            """# + "\n")
        _ = try top.commit("top")
        return Fixture(d: d, env: env, top: top, depRev: depRev, data: data)
    }

    static func nodes(_ path: String) throws -> [String: [String: Any]] {
        let object =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        return try #require(object?["nodes"] as? [String: [String: Any]])
    }

    static func locked(_ nodes: [String: [String: Any]], _ name: String) throws -> [String: Any] {
        try #require(nodes[name]?["locked"] as? [String: Any])
    }

    @Test func lazyLockIsWrittenOnlyUnderDeterminateWithItsSettings() throws {
        let f = try Self.fixture()
        var lazyEnv = f.env
        lazyEnv["NIX_CONFIG"] = (f.env["NIX_CONFIG"] ?? "") + "lazy-trees = true\nlazy-locks = true\n"
        let lockPath = f.top.path + "/flake.lock"

        let r = try BuiltBinary.runFlakelock(
            ["lock", "--compat", "determinate"], environment: lazyEnv, currentDirectory: f.top.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("unknown setting"), "\(r.stderr)")
        var nodes = try Self.nodes(lockPath)
        let dep = try Self.locked(nodes, "dep")
        #expect(dep["rev"] as? String == f.depRev)
        #expect(dep["narHash"] == nil)
        #expect(dep["lastModified"] != nil && dep["revCount"] as? Int == 1)
        #expect((try Self.locked(nodes, "data"))["narHash"] != nil)
        let lazyBytes = try Data(contentsOf: URL(fileURLWithPath: lockPath))

        // The default profile and nix-2.8 read it and leave it as it is.
        for compat in ["nix", "nix-2.8", "lix"] {
            let again = try BuiltBinary.runFlakelock(
                ["lock", "--compat", compat], environment: lazyEnv, currentDirectory: f.top.path)
            #expect(again.status == 0, "\(compat): \(again.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: lockPath)) == lazyBytes, "\(compat)")
        }

        // Metadata renders the lazy node.
        let meta = try BuiltBinary.runFlakelock(
            ["metadata", "--json"], environment: lazyEnv, currentDirectory: f.top.path)
        #expect(meta.status == 0, "\(meta.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(meta.stdout.utf8)) as? [String: Any])
        let locks = try #require(object["locks"] as? [String: Any])
        let metaNodes = try #require(locks["nodes"] as? [String: [String: Any]])
        #expect((metaNodes["dep"]?["locked"] as? [String: Any])?["rev"] as? String == f.depRev)
        #expect((metaNodes["dep"]?["locked"] as? [String: Any])?["narHash"] == nil)
        let text = try BuiltBinary.runFlakelock(["metadata"], environment: lazyEnv, currentDirectory: f.top.path)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(
            text.stdout.contains("└───dep: git+file://\(f.d.path)/dep?ref=refs/heads/main&rev=\(f.depRev) ("),
            "\(text.stdout)")

        // Re-locking `dep` under the default profile writes its narHash back.
        let update = try BuiltBinary.runFlakelock(
            ["update", "dep"], environment: lazyEnv, currentDirectory: f.top.path)
        #expect(update.status == 0, "\(update.stderr)")
        nodes = try Self.nodes(lockPath)
        #expect((try Self.locked(nodes, "dep"))["narHash"] != nil)
    }

    @Test func withoutTheSettingsDeterminateWritesNarHashes() throws {
        let f = try Self.fixture()
        for (compat, config) in [
            ("determinate", "lazy-trees = true\n"), ("nix", "lazy-trees = true\nlazy-locks = true\n"),
        ] {
            var env = f.env
            env["NIX_CONFIG"] = (f.env["NIX_CONFIG"] ?? "") + config
            let r = try BuiltBinary.runFlakelock(
                ["lock", "--recreate-lock-file", "--compat", compat], environment: env, currentDirectory: f.top.path)
            #expect(r.status == 0, "\(r.stderr)")
            let nodes = try Self.nodes(f.top.path + "/flake.lock")
            #expect((try Self.locked(nodes, "dep"))["narHash"] != nil, "\(compat)")
        }
    }

    /// A node's `"buildTime": true` is kept by Determinate when another input changes; Nix 2.35
    /// leaves the file alone on a no-op and drops the field when it rewrites the lock.
    @Test func buildTimeNodesAreKept() throws {
        let lockPath: String
        var lockText = ""
        let f = try Self.fixture()
        lockPath = f.top.path + "/flake.lock"
        let r = try BuiltBinary.runFlakelock(["lock"], environment: f.env, currentDirectory: f.top.path)
        #expect(r.status == 0, "\(r.stderr)")
        lockText = try String(contentsOfFile: lockPath, encoding: .utf8)
        let marked = lockText.replacingOccurrences(
            of: "\"dep\": {\n      \"locked\"", with: "\"dep\": {\n      \"buildTime\": true,\n      \"locked\"")
        #expect(marked != lockText)
        try f.d.write("top/flake.lock", marked)
        let noOp = try BuiltBinary.runFlakelock(["lock"], environment: f.env, currentDirectory: f.top.path)
        #expect(noOp.status == 0, "\(noOp.stderr)")
        #expect(try String(contentsOfFile: lockPath, encoding: .utf8) == marked)

        try f.data.write("README", "data 2\n")
        _ = try f.data.commit("data 2")
        let kept = try BuiltBinary.runFlakelock(
            ["update", "data", "--compat", "determinate"], environment: f.env, currentDirectory: f.top.path)
        #expect(kept.status == 0, "\(kept.stderr)")
        #expect(try Self.nodes(lockPath)["dep"]?["buildTime"] as? Bool == true)
        #expect(try String(contentsOfFile: lockPath, encoding: .utf8) != marked)

        try f.d.write("top/flake.lock", marked)
        let dropped = try BuiltBinary.runFlakelock(
            ["update", "data"], environment: f.env, currentDirectory: f.top.path)
        #expect(dropped.status == 0, "\(dropped.stderr)")
        #expect(try Self.nodes(lockPath)["dep"]?["buildTime"] == nil)
    }
}
