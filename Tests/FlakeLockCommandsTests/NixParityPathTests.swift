import FlakeLockTestSupport
import Foundation
import Testing

/// An isolated environment for running the built flakelock on local flakes: its own HOME,
/// caches and configuration, no global registry, deterministic Git.
struct ParityCLI {
    let scratch = TestDirectory.make(prefix: "flakelock-parity")
    var variables: [String: String]

    init(nixConfig: String = "") {
        let d = scratch.path
        for sub in ["home", "cache", "config", "etc"] {
            try? FileManager.default.createDirectory(atPath: "\(d)/\(sub)", withIntermediateDirectories: true)
        }
        variables = GitFixtureRepository.environment(date: 1_600_000_000)
        variables["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        variables["HOME"] = "\(d)/home"
        variables["XDG_CACHE_HOME"] = "\(d)/cache"
        variables["XDG_CONFIG_HOME"] = "\(d)/config"
        variables["NIX_CONF_DIR"] = "\(d)/etc"
        variables["NIX_USER_CONF_FILES"] = "\(d)/etc/nix.conf"
        variables["NIX_CONFIG"] = "flake-registry =\n" + nixConfig
        variables["TZ"] = "UTC"
    }

    /// Runs `flakelock ARGS` in `directory`.
    func run(_ args: [String], in directory: String, environment extra: [String: String] = [:]) throws
        -> ProcessRunner.Output
    {
        try BuiltBinary.runFlakelock(args, environment: variables.merging(extra) { $1 }, currentDirectory: directory)
    }

    /// Runs real Nix 2.8's `nix flake ARGS` in `directory` with this environment, its own
    /// cache and a store under the scratch directory; nil when Nix is not installed.
    func runNix(_ args: [String], in directory: String) throws -> ProcessRunner.Output? {
        guard try NixOracle.available(), let nix = NixOracle.executable else { return nil }
        var env = variables
        env["XDG_CACHE_HOME"] = scratch.path + "/nix-cache"
        env["NIX_CONFIG"] = """
            experimental-features = nix-command flakes
            flake-registry =
            substituters =
            build-users-group =
            store = \(scratch.path)/chroot
            """
        return try ProcessRunner.run(nix, ["flake"] + args, environment: env, currentDirectory: directory)
    }

    /// Parses JSON text (a lock file, metadata output).
    static func json(_ text: String) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary)
    }

    static func json(file: String) throws -> NSDictionary {
        try json(String(decoding: try #require(FileManager.default.contents(atPath: file)), as: UTF8.self))
    }
}

/// Relative `path:` inputs and overrides, checked against current Nix's own functional tests
/// (tests/functional/flakes/relative-paths.sh and follow-paths.sh at 2.31.5).
struct RelativePathParityTests {
    /// A Git repository with `flake.nix` (`inputs.sub0.url = ./sub0`), `sub0/flake.nix`, and
    /// `sub1/flake.nix` whose input climbs above its `?dir=` sub-flake (`../`).
    func rootFlake() throws -> (ParityCLI, GitFixtureRepository) {
        let cli = ParityCLI()
        let repo = try GitFixtureRepository(at: cli.scratch.path + "/flake1")
        try repo.write("flake.nix", "{ inputs.sub0.url = ./sub0; outputs = { self, sub0 }: { x = 2; }; }")
        try repo.write("sub0/flake.nix", "{ outputs = { self }: { x = 7; }; }")
        try repo.write("sub1/flake.nix", #"{ inputs.root.url = "../"; outputs = { self, root }: { x = 3; }; }"#)
        return (cli, repo)
    }

    @Test func relativePathClimbsAboveSubflakeInsideTheTree() throws {
        let (cli, repo) = try rootFlake()
        let r = try cli.run(["lock"], in: repo.path + "/sub1")
        #expect(r.status == 0, "\(r.stderr)")
        let expected = try ParityCLI.json(
            #"{"nodes":{"root":{"inputs":{"root":"root_2"}},"root_2":{"inputs":{"sub0":"sub0"},"locked":{"path":"../","type":"path"},"original":{"path":"../","type":"path"},"parent":[]},"sub0":{"locked":{"path":"sub0","type":"path"},"original":{"path":"sub0","type":"path"},"parent":["root"]}},"root":"root","version":7}"#
        )
        #expect(try ParityCLI.json(file: repo.path + "/sub1/flake.lock") == expected)
    }

    /// relative-paths.sh's exact lock of `sub2` (`root.url = ./..`, `sub1.url = "../sub1"`),
    /// whose `sub1` climbs again from inside the same tree.
    @Test func nestedRelativeFlakesClimbWithinTheSameTree() throws {
        let (cli, repo) = try rootFlake()
        try repo.write(
            "sub2/flake.nix",
            #"{ inputs.root.url = ./..; inputs.sub1.url = "../sub1"; outputs = { self, root, sub1 }: { x = 5; }; }"#)
        let r = try cli.run(["lock", repo.path + "/sub2"], in: cli.scratch.path)
        #expect(r.status == 0, "\(r.stderr)")
        let expected = try ParityCLI.json(
            #"{"nodes":{"root":{"inputs":{"root":"root_2","sub1":"sub1"}},"root_2":{"inputs":{"sub0":"sub0"},"locked":{"path":"..","type":"path"},"original":{"path":"..","type":"path"},"parent":[]},"root_3":{"inputs":{"sub0":"sub0_2"},"locked":{"path":"../","type":"path"},"original":{"path":"../","type":"path"},"parent":["sub1"]},"sub0":{"locked":{"path":"sub0","type":"path"},"original":{"path":"sub0","type":"path"},"parent":["root"]},"sub0_2":{"locked":{"path":"sub0","type":"path"},"original":{"path":"sub0","type":"path"},"parent":["sub1","root"]},"sub1":{"inputs":{"root":"root_3"},"locked":{"path":"../sub1","type":"path"},"original":{"path":"../sub1","type":"path"},"parent":[]}},"root":"root","version":7}"#
        )
        #expect(try ParityCLI.json(file: repo.path + "/sub2/flake.lock") == expected)
        // Locking again with the lock file in place changes nothing.
        let before = FileManager.default.contents(atPath: repo.path + "/sub2/flake.lock")
        let again = try cli.run(["lock", repo.path + "/sub2"], in: cli.scratch.path)
        #expect(again.status == 0 && !again.stderr.contains("updating lock file"), "\(again.stderr)")
        #expect(FileManager.default.contents(atPath: repo.path + "/sub2/flake.lock") == before)
    }

    /// Nix 2.8 reads a relative `path:` input of a sub-flake from the store copy of the whole
    /// Git tree, so `../b` may climb to a sibling sub-flake. The expected lock is what Debian's
    /// Nix 2.8.0 wrote for this repository (the store copy's modification times are 1).
    @Test func nix28SubflakeReachesItsSiblingInsideTheGitTree() throws {
        let cli = ParityCLI()
        let repo = try GitFixtureRepository(at: cli.scratch.path + "/mono")
        try repo.write("pkgs/b/flake.nix", "{ outputs = _: {}; }\n")
        try repo.write("pkgs/a/flake.nix", "{ inputs.sib.url = \"path:../b\"; outputs = _: {}; }\n")
        try repo.git("add", "-A")
        try repo.commit("init")
        let r = try cli.run(["lock", "--compat", "nix-2.8"], in: repo.path + "/pkgs/a")
        #expect(r.status == 0, "\(r.stderr)")
        let expected = try ParityCLI.json(
            #"{"nodes":{"root":{"inputs":{"sib":"sib"}},"sib":{"locked":{"lastModified":1,"narHash":"sha256-hTJPMh9Bwky2TlaWmLrkBHdUBmpxSCPRK+bmnFNpNQE=","path":"../b","type":"path"},"original":{"path":"../b","type":"path"}}},"root":"root","version":7}"#
        )
        #expect(try ParityCLI.json(file: repo.path + "/pkgs/a/flake.lock") == expected)
        // Climbing out of the tree stays an error.
        try repo.write("pkgs/a/flake.nix", "{ inputs.sib.url = \"path:../../../b\"; outputs = _: {}; }\n")
        let out = try cli.run(["lock", "--compat", "nix-2.8"], in: repo.path + "/pkgs/a")
        #expect(out.status == 1 && out.stderr.contains("points outside of its parent's store path"), "\(out.stderr)")
    }

    /// NixOS/nix#13018: a sub-flake of a repository without commits (`git add -N`) whose
    /// input is the repository's root (`../.`).
    @Test func parentOfSubflakeInFreshRepository() throws {
        let cli = ParityCLI()
        let repo = try GitFixtureRepository(at: cli.scratch.path + "/issue-13018")
        try repo.write("flake.nix", "{ outputs = _: { }; }", stage: false)
        try repo.write(
            "example/flake.nix", "{ inputs.parent.url = ../.; outputs = { parent, ... }: { }; }", stage: false)
        try repo.git("add", "-N", ".")
        let r = try cli.run(["lock"], in: repo.path + "/example")
        #expect(r.status == 0, "\(r.stderr)")
        let lock = try ParityCLI.json(file: repo.path + "/example/flake.lock")
        let parent = try #require((lock["nodes"] as? NSDictionary)?["parent"] as? NSDictionary)
        #expect(parent["locked"] as? NSDictionary == ["path": "..", "type": "path"])
        #expect(parent["parent"] as? [String] == [])
    }

    /// follow-paths.sh: `path:../flakeB` leaves the Git flake's tree; Nix reads it outside
    /// the store paths evaluation may access.
    @Test func pathEscapingTheTreeIsForbidden() throws {
        let cli = ParityCLI()
        let repo = try GitFixtureRepository(at: cli.scratch.path + "/flakeA")
        try repo.write("flake.nix", #"{ inputs.B.url = "path:../flakeB"; outputs = { ... }: { }; }"#)
        try repo.write("../flakeB/flake.nix", "{ outputs = { ... }: { }; }", stage: false)
        let r = try cli.run(["lock", repo.path], in: cli.scratch.path)
        #expect(r.status == 1)
        #expect(
            r.stderr.contains(
                "error: access to absolute path '/nix/store/flakeB' is forbidden in pure evaluation mode (use '--impure' to override)"
            ),
            "\(r.stderr)")
        #expect(r.stderr.contains("while updating the flake input 'B'"))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/flake.lock"))
    }

    /// A `?dir=` sub-flake may climb to the tree's root but not further; the refused path is
    /// named from the store (with `NIX_STORE_DIR`'s directory).
    @Test func subflakeClimbingAboveTheRootIsForbidden() throws {
        let (cli, repo) = try rootFlake()
        try repo.write("sub1/flake.nix", #"{ inputs.x.url = "path:../../x/y"; outputs = { ... }: { }; }"#)
        let r = try cli.run(["lock"], in: repo.path + "/sub1", environment: ["NIX_STORE_DIR": "/tmp/fid-store"])
        #expect(r.status == 1)
        #expect(
            r.stderr.contains("access to absolute path '/tmp/fid-store/x' is forbidden in pure evaluation mode"),
            "\(r.stderr)")
    }

    /// follow-paths.sh ("transitive input url locking", NixOS/nix#9143): an override declared in
    /// A for B's input C resolves against A, the overrider, not B.
    @Test func nestedRelativeOverrideResolvesAgainstTheOverrider() throws {
        let cli = ParityCLI()
        let repo = try GitFixtureRepository(at: cli.scratch.path + "/flakeA")
        try repo.write(
            "flake.nix",
            #"{ inputs.B = { url = "path:./flakeB"; inputs.C.url = "path:./flakeB/flakeD"; }; outputs = { ... }: { }; }"#
        )
        try repo.write("flakeB/flake.nix", #"{ inputs.C.url = "path:./flakeC"; outputs = { ... }: { }; }"#)
        try repo.write("flakeB/flakeC/flake.nix", #"{ description = "C"; outputs = { ... }: { }; }"#)
        try repo.write("flakeB/flakeD/flake.nix", #"{ description = "D"; outputs = { ... }: { }; }"#)
        let r = try cli.run(["metadata", "--json", repo.path], in: cli.scratch.path)
        #expect(r.status == 0, "\(r.stderr)")
        let nodes = try #require((try ParityCLI.json(r.stdout)["locks"] as? NSDictionary)?["nodes"] as? NSDictionary)
        let c = try #require(nodes["C"] as? NSDictionary)
        #expect((c["original"] as? NSDictionary)?["path"] as? String == "./flakeB/flakeD")
        #expect(c["parent"] as? [String] == [])
        try FileManager.default.removeItem(atPath: repo.path + "/flake.lock")

        // With --override-input, "original" keeps the declared reference.
        let o = try cli.run(
            ["metadata", "--json", repo.path, "--override-input", "B/C", repo.path + "/flakeB/flakeD"],
            in: cli.scratch.path)
        #expect(o.status == 0, "\(o.stderr)")
        let nodes2 = try #require((try ParityCLI.json(o.stdout)["locks"] as? NSDictionary)?["nodes"] as? NSDictionary)
        #expect(((nodes2["C"] as? NSDictionary)?["original"] as? NSDictionary)?["path"] as? String == "./flakeC")
    }
}

/// Nix reads a flake again after writing its lock file into it: `metadata` then shows the
/// tree with its new flake.lock (src/libflake/flake.cc, `lockFlake`, in 2.8 and current).
struct MetadataAfterLockWriteTests {
    @Test(arguments: ["nix", "nix-2.8"])
    func metadataShowsTheTreeWithTheNewLockFile(compat: String) throws {
        guard try NixOracle.available() else { return }
        let cli = ParityCLI()
        try cli.scratch.write("x/a", "1\n")
        try cli.scratch.write(
            "f/flake.nix", #"{ inputs.x = { url = "path:\#(cli.scratch.path)/x"; flake = false; }; outputs = _: { }; }"#
        )
        let r = try cli.run(
            ["metadata", "--json", "--compat", compat, "path:" + cli.scratch.path + "/f"], in: cli.scratch.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: cli.scratch.path + "/f/flake.lock"))
        let locked = try #require(try ParityCLI.json(r.stdout)["locked"] as? NSDictionary)
        #expect(locked["narHash"] as? String == (try NixOracle.hashPath(cli.scratch.path + "/f")))
    }
}
