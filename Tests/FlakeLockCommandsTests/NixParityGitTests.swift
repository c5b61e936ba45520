import FlakeLockTestSupport
import Foundation
import Testing

/// Git flakes and settings, checked against current Nix's functional tests
/// (tests/functional/flakes/flake-in-submodule.sh and flakes.sh at 2.31.5) and, where Nix
/// 2.8 behaves the same, against the installed Nix 2.8.
struct GitFlakeParityTests {
    /// `rootRepo` with a real submodule `submodule` (a flake), committed.
    func submoduleRepositories(_ cli: ParityCLI) throws -> (root: GitFixtureRepository, sub: GitFixtureRepository) {
        let sub = try GitFixtureRepository(at: cli.scratch.path + "/submodule")
        try sub.write("flake.nix", "{ outputs = { self }: { }; }")
        try sub.write("sub.nix", #""expression in submodule""#)
        _ = try sub.commit("Initial")
        let root = try GitFixtureRepository(at: cli.scratch.path + "/rootRepo")
        try root.git("submodule", "add", "-q", sub.path, "submodule")
        try root.write("root.nix", #""expression in root repo""#)
        _ = try root.commit("Add root.nix")
        return (root, sub)
    }

    @Test func selfSubmodulesRefetchesWithSubmodules() throws {
        let cli = ParityCLI()
        let (root, _) = try submoduleRepositories(cli)
        try root.write("flake.nix", "{ inputs.self.submodules = true; outputs = { self }: { foo = self.outPath; }; }")
        let rev = try root.commit("Bla")
        let top = try cli.run(["metadata", "--json"], in: root.path)
        #expect(top.status == 0, "\(top.stderr)")
        let topLocked = try #require(try ParityCLI.json(top.stdout)["locked"] as? NSDictionary)
        #expect(topLocked["submodules"] as? Bool == true)
        #expect(topLocked["rev"] as? String == rev)

        let other = try GitFixtureRepository(at: cli.scratch.path + "/otherRepo")
        try other.write(
            "flake.nix", #"{ inputs.root.url = "git+file://\#(root.path)"; outputs = { self, root }: { }; }"#)
        let r = try cli.run(["lock"], in: other.path)
        #expect(r.status == 0, "\(r.stderr)")
        let lock = try ParityCLI.json(file: other.path + "/flake.lock")
        let node = try #require((lock["nodes"] as? NSDictionary)?["root_2"] as? NSDictionary)
        let locked = try #require(node["locked"] as? NSDictionary)
        #expect(locked["submodules"] as? Bool == true)
        #expect((node["original"] as? NSDictionary)?["submodules"] == nil)
        // The hash is that of the tree with the submodule's files.
        let with = try cli.run(
            ["prefetch", "--json", "git+file://\(root.path)?submodules=1&rev=\(rev)"], in: other.path)
        let without = try cli.run(["prefetch", "--json", "git+file://\(root.path)?rev=\(rev)"], in: other.path)
        #expect(locked["narHash"] as? String == (try ParityCLI.json(with.stdout)["hash"] as? String))
        #expect(locked["narHash"] as? String != (try ParityCLI.json(without.stdout)["hash"] as? String))
    }

    @Test func otherSelfAttributesAreRefused() throws {
        let cli = ParityCLI()
        let repo = try GitFixtureRepository(at: cli.scratch.path + "/flake")
        try repo.write("flake.nix", #"{ inputs.self.url = "github:a/b"; outputs = { self }: { }; }"#)
        let r = try cli.run(["lock"], in: repo.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: flake 'self' attribute 'url' is not supported"), "\(r.stderr)")
    }

    /// flake-in-submodule.sh: `git+file:./submodule` is a path relative to the current
    /// directory, locked as written.
    @Test func relativeGitFileInputIsLockedAsWritten() throws {
        let cli = ParityCLI()
        let (root, sub) = try submoduleRepositories(cli)
        try root.write("flake.nix", #"{ inputs.subRepo.url = "git+file:./submodule"; outputs = { ... }: { }; }"#)
        _ = try root.commit("Add subRepo input")
        let r = try cli.run(["metadata", "--json"], in: root.path)
        #expect(r.status == 0, "\(r.stderr)")
        let nodes = try #require((try ParityCLI.json(r.stdout)["locks"] as? NSDictionary)?["nodes"] as? NSDictionary)
        let locked = try #require((nodes["subRepo"] as? NSDictionary)?["locked"] as? NSDictionary)
        #expect(locked["url"] as? String == "file:./submodule")
        #expect(locked["rev"] as? String == (try sub.git("rev-parse", "HEAD")))
    }

    /// flakes.sh: `--reference-lock-file` with `allow-dirty = false` is refused (Nix 2.8
    /// has no such flag).
    @Test func referenceLockFileNeedsAllowDirty() throws {
        let cli = ParityCLI(nixConfig: "allow-dirty = false")
        let repo = try GitFixtureRepository(at: cli.scratch.path + "/flake2")
        try repo.write("flake.nix", "{ outputs = { self }: { }; }")
        _ = try repo.commit("one")
        try cli.scratch.write("ref.lock", #"{"nodes":{"root":{}},"root":"root","version":7}"#)
        let args = ["metadata", repo.path, "--reference-lock-file", cli.scratch.path + "/ref.lock"]
        let r = try cli.run(args, in: cli.scratch.path)
        #expect(r.status == 1)
        #expect(
            r.stderr.contains("error: reference lock file was provided, but the `allow-dirty` setting is set to false"),
            "\(r.stderr)")
        let allowed = try cli.run(
            args, in: cli.scratch.path, environment: ["NIX_CONFIG": "flake-registry =\nallow-dirty = true"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
    }
}

/// Current Nix (≥2.26) fingerprints a dirty Git tree by its modified and deleted files
/// (src/libfetchers/git.cc, `getFingerprint`). The expected value is built here from
/// Nix 2.8's `nix-store --dump` and coreutils' hashes.
struct DirtyFingerprintTests {
    static func nixString(_ s: String) -> Data {
        var d = withUnsafeBytes(of: UInt64(s.utf8.count).littleEndian) { Data($0) }
        d.append(Data(s.utf8))
        d.append(Data(repeating: 0, count: (8 - s.utf8.count % 8) % 8))
        return d
    }

    static func hashHex(_ tool: String, _ data: Data) throws -> String {
        let r = try ProcessRunner.run(tool, [], stdin: data)
        return String(r.stdout.prefix { $0 != " " })
    }

    @Test func dirtyTreeFingerprintHashesTheChangedFiles() throws {
        guard try NixOracle.available(), let nix = NixOracle.executable else { return }
        let nixStore = (nix as NSString).deletingLastPathComponent + "/nix-store"
        let cli = ParityCLI()
        let repo = try GitFixtureRepository(at: cli.scratch.path + "/flake1")
        try repo.write("flake.nix", "{ outputs = { self }: { }; }")
        try repo.write("a.txt", "a\n")
        try repo.write("gone.txt", "gone\n")
        let head = try repo.commit("one")
        try repo.write("a.txt", "changed\n", stage: false)
        try repo.write("b/new.txt", "new\n")
        try FileManager.default.removeItem(atPath: repo.path + "/gone.txt")

        let r = try cli.run(["metadata", "--json"], in: repo.path)
        #expect(r.status == 0, "\(r.stderr)")
        let meta = try ParityCLI.json(r.stdout)
        #expect(meta["dirtyRevision"] as? String == head + "-dirty")
        var sink = Data()
        for file in ["a.txt", "b/new.txt"] {
            sink.append(Self.nixString("modified:"))
            sink.append(Self.nixString("/" + file))
            let out = cli.scratch.path + "/dump.nar"
            try ProcessRunner.check(
                "/bin/sh", ["-c", "\"$0\" --dump \"$1\" > \"$2\"", nixStore, repo.path + "/" + file, out])
            sink.append(try #require(FileManager.default.contents(atPath: out)))
        }
        sink.append(Self.nixString("deleted:"))
        sink.append(Self.nixString("/gone.txt"))
        let lock = "{\n  \"nodes\": {\n    \"root\": {}\n  },\n  \"root\": \"root\",\n  \"version\": 7\n}"
        let lastModified = try #require(meta["lastModified"] as? Int)
        let fingerprint = "\(head);d=\(try Self.hashHex("sha512sum", sink));;\(lock);lastModified=\(lastModified)"
        #expect(meta["fingerprint"] as? String == (try Self.hashHex("sha256sum", Data(fingerprint.utf8))))

        // A tree with submodules has none.
        try repo.write(".gitmodules", "")
        let s = try cli.run(["metadata", "--json"], in: repo.path)
        #expect(s.status == 0 && ParityCLI.jsonOrNil(s.stdout)?["fingerprint"] == nil, "\(s.stderr)")
    }
}

/// `NIX_STORE_DIR` (and the `store` setting) in printed store paths, against Nix 2.8.
struct StoreDirectoryParityTests {
    @Test func storePathsUseTheConfiguredStoreDirectory() throws {
        guard try NixOracle.available(), let nix = NixOracle.executable else { return }
        let cli = ParityCLI()
        try cli.scratch.write("f/flake.nix", "{ outputs = _: { }; }")
        let flake = "path:" + cli.scratch.path + "/f"
        let storeDir = cli.scratch.path + "/sd"
        var env = cli.variables
        env["NIX_STORE_DIR"] = storeDir
        try cli.scratch.write("registry.json", #"{"flakes": [], "version": 2}"#)
        env["NIX_CONFIG"] = """
            experimental-features = nix-command flakes
            flake-registry = \(cli.scratch.path)/registry.json
            substituters =
            store = \(cli.scratch.path)/chroot
            """
        let nixMeta = try ProcessRunner.run(nix, ["flake", "metadata", "--json", flake], environment: env)
        let nixPrefetch = try ProcessRunner.run(nix, ["flake", "prefetch", "--json", flake], environment: env)
        try #require(nixMeta.status == 0 && nixPrefetch.status == 0, "\(nixMeta.stderr)\(nixPrefetch.stderr)")
        let path = try #require(try ParityCLI.json(nixMeta.stdout)["path"] as? String)
        #expect(path.hasPrefix(storeDir + "/"))
        #expect(
            FileManager.default.fileExists(
                atPath: cli.scratch.path + "/chroot/nix/store/" + (path as NSString).lastPathComponent))
        for compat in ["nix-2.8", "nix"] {
            let meta = try BuiltBinary.runFlakelock(
                ["metadata", "--json", "--compat", compat, flake], environment: env)
            let prefetch = try BuiltBinary.runFlakelock(
                ["prefetch", "--json", "--compat", compat, flake], environment: env)
            #expect(try ParityCLI.json(meta.stdout)["path"] as? String == path, "\(meta.stderr)")
            #expect(
                try ParityCLI.json(prefetch.stdout)["storePath"] as? String
                    == (try ParityCLI.json(nixPrefetch.stdout)["storePath"] as? String), "\(prefetch.stderr)")
        }
    }
}

extension ParityCLI {
    static func jsonOrNil(_ text: String) -> NSDictionary? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary
    }
}

/// flake-in-submodule.sh: a flake inside a submodule (`?submodules=1&dir=submodule`), with
/// local submodules allowed the way Nix's tests allow them, in git's global configuration.
struct SubmoduleFlakeParityTests {
    @Test func flakeInSubmoduleWithGlobalGitConfig() throws {
        let cli = ParityCLI()
        let (root, _) = try GitFlakeParityTests().submoduleRepositories(cli)
        var env = cli.variables
        for key in ["GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0", "GIT_CONFIG_GLOBAL"] {
            env[key] = nil
        }
        let ref = "git+file://\(root.path)?submodules=1&dir=submodule"
        let denied = try BuiltBinary.runFlakelock(["metadata", "--json", ref], environment: env)
        #expect(denied.status == 1)
        #expect(denied.stderr.contains("transport 'file' not allowed"), "\(denied.stderr)")
        try "[protocol \"file\"]\n\tallow = always\n".write(
            toFile: env["HOME"]! + "/.gitconfig", atomically: true, encoding: .utf8)
        let r = try BuiltBinary.runFlakelock(["metadata", "--json", ref], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        let locked = try #require(try ParityCLI.json(r.stdout)["locked"] as? NSDictionary)
        #expect(locked["rev"] as? String == (try root.git("rev-parse", "HEAD")))
        #expect(locked["dir"] as? String == "submodule")
    }
}

/// Nix reads the top-level flake again after writing its lock file into it (src/libflake/
/// flake.cc, `lockFlake`): a clean Git work tree is dirty by then (the new lock file is
/// intended to be added), so the dirty warning follows "creating lock file", and with
/// `allow-dirty = false` the lock is written and the command then fails. Checked against the
/// installed Nix 2.8 where it is there.
struct LockFileRereadParityTests {
    /// A clean Git flake with one `path:` input and no lock file.
    func cleanFlake(_ cli: ParityCLI, _ name: String) throws -> GitFixtureRepository {
        try cli.scratch.write("dep/flake.nix", "{ outputs = _: { }; }")
        let repo = try GitFixtureRepository(at: cli.scratch.path + "/" + name)
        try repo.write("flake.nix", #"{ inputs.dep.url = "path:\#(cli.scratch.path)/dep"; outputs = _: { }; }"#)
        _ = try repo.commit("Initial")
        return repo
    }

    /// stderr without the lines a Nix installation without a build group adds.
    static func lines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { !$0.contains("'nixbld'") }
    }

    @Test(arguments: ["nix-2.8", "nix"])
    func writingIntoACleanTreeWarnsThatItIsDirtyAfterwards(compat: String) throws {
        let cli = ParityCLI()
        let repo = try cleanFlake(cli, "top")
        let r = try cli.run(["lock", "--compat", compat], in: repo.path)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = Self.lines(r.stderr)
        let dirty = "warning: Git tree '\(repo.path)' is dirty"
        #expect(lines.filter { $0 == dirty }.count == 1, "\(r.stderr)")
        let created = try #require(lines.firstIndex { $0.hasPrefix("warning: creating lock file ") }, "\(r.stderr)")
        #expect(lines.firstIndex(of: dirty).map { $0 > created } == true, "\(r.stderr)")

        // Committed with --commit-lock-file, the tree is clean again: no warning.
        let committed = try cleanFlake(cli, "committed")
        let c = try cli.run(["lock", "--compat", compat, "--commit-lock-file"], in: committed.path)
        #expect(c.status == 0 && !c.stderr.contains("is dirty"), "\(c.stderr)")
        #expect(c.stderr.contains("warning: committed new revision '"))

        // allow-dirty = false: the lock is written, then reading the flake again fails.
        let strict = try cleanFlake(cli, "strict")
        let s = try cli.run(
            ["lock", "--compat", compat], in: strict.path,
            environment: ["NIX_CONFIG": "flake-registry =\nallow-dirty = false"])
        #expect(s.status == 1, "\(s.stderr)")
        #expect(s.stderr.contains("error: Git tree '\(strict.path)' is dirty"), "\(s.stderr)")
        #expect(FileManager.default.fileExists(atPath: strict.path + "/flake.lock"))
    }

    @Test func sameMessagesAsNix28() throws {
        guard try NixOracle.available(), let nix = NixOracle.executable else { return }
        let cli = ParityCLI()
        var env = cli.variables
        env["NIX_CONFIG"] = """
            experimental-features = nix-command flakes
            flake-registry =
            substituters =
            store = \(cli.scratch.path)/chroot
            """
        for (name, extra) in [("plain", ""), ("strict", "allow-dirty = false")] {
            var e = env
            e["NIX_CONFIG"]! += "\n" + extra
            let viaNix = try cleanFlake(cli, "nix-" + name)
            let n = try ProcessRunner.run(nix, ["flake", "lock"], environment: e, currentDirectory: viaNix.path)
            let viaTool = try cleanFlake(cli, "tool-" + name)
            let t = try BuiltBinary.runFlakelock(
                ["lock", "--compat", "nix-2.8"], environment: e, currentDirectory: viaTool.path)
            #expect((n.status == 0) == (t.status == 0), "\(n.stderr)\n\(t.stderr)")
            let normalise = { (s: String, dir: String) in Self.lines(s.replacingOccurrences(of: dir, with: "@TOP@")) }
            #expect(normalise(n.stderr, viaNix.path) == normalise(t.stderr, viaTool.path), "\(n.stderr)\n\(t.stderr)")
        }
    }

    /// Nix 2.8's fetcher cache is on disk and keys a Git fetch by its revision: a `?rev=`
    /// input locked in one run (with the `ref` a fresh fetch adds) is re-locked by a later
    /// run from that cache, without `ref`. Current Nix keeps `ref` (full, for a local
    /// repository). Real Nix 2.8 agrees
    /// when installed.
    @Test func revisionFetchedByAnEarlierRunIsRelockedWithoutRefUnder28() throws {
        let cli = ParityCLI()
        let dep = try GitFixtureRepository(at: cli.scratch.path + "/dep")
        try dep.write("flake.nix", "{ outputs = { self }: { }; }")
        let rev = try dep.commit("dep")
        let url = "git+file://\(dep.path)?rev=\(rev)"
        func lockedRef(_ engine: (_ args: [String], _ dir: String) throws -> ProcessRunner.Output, _ name: String)
            throws -> [String?]
        {
            let top = cli.scratch.path + "/" + name
            try FileManager.default.createDirectory(atPath: top, withIntermediateDirectories: true)
            try #"{ inputs.dep.url = "\#(url)"; outputs = { self, dep }: { }; }"#.write(
                toFile: top + "/flake.nix", atomically: true, encoding: .utf8)
            var refs: [String?] = []
            for args in [["lock"], ["lock", "--override-input", "dep", url]] {
                let r = try engine(args, top)
                #expect(r.status == 0, "\(r.stderr)")
                let lock = try ParityCLI.json(file: top + "/flake.lock")
                let node = try #require((lock["nodes"] as? NSDictionary)?["dep"] as? NSDictionary)
                let locked = try #require(node["locked"] as? NSDictionary)
                #expect(locked["rev"] as? String == rev)
                refs.append(locked["ref"] as? String)
            }
            return refs
        }
        let old = try lockedRef({ try cli.run($0 + ["--compat", "nix-2.8"], in: $1) }, "old")
        #expect(old == ["main", nil])
        let current = try lockedRef({ try cli.run($0, in: $1) }, "current")
        #expect(current == ["refs/heads/main", "refs/heads/main"])

        guard try NixOracle.available() else { return }
        let real = try lockedRef({ try #require(try cli.runNix($0, in: $1)) }, "nix")
        #expect(real == old)
    }
}
