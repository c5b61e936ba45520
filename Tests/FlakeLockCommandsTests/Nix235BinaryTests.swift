import FlakeLockTestSupport
import Foundation
import Testing

/// Nix 2.32–2.35 changes seen through the built binary on local flakes: the default profile
/// behaves like Nix 2.35.2, `--compat nix-2.31` like Nix 2.31.5 (`docs/nix-2.32-2.35.md`).
struct Nix235BinaryTests {
    /// An isolated environment: own HOME and caches, an empty global registry, UTC.
    static func environment(_ d: TestDirectory) throws -> [String: String] {
        try d.write("env/registry.json", #"{"flakes":[],"version":2}"#)
        for sub in ["home", "cache", "config"] { try d.mkdir("env/\(sub)") }
        var env = GitFixtureRepository.environment(date: 1_600_000_000)
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        env["HOME"] = "\(d.path)/env/home"
        env["XDG_CACHE_HOME"] = "\(d.path)/env/cache"
        env["XDG_CONFIG_HOME"] = "\(d.path)/env/config"
        env["NIX_CONFIG"] = "flake-registry = \(d.path)/env/registry.json\n"
        env["TZ"] = "UTC"
        env["NO_COLOR"] = "1"
        return env
    }

    static func sha256(_ text: String) throws -> String {
        let r = try ProcessRunner.run("sha256sum", [], stdin: Data(text.utf8))
        return String(r.stdout.prefix(64))
    }

    @Test func gitFlakeFingerprintMarksTheComputedRevCount() throws {
        let d = TestDirectory.make()
        let env = try Self.environment(d)
        let repo = try GitFixtureRepository(at: d.path + "/flake")
        try d.write("dep/flake.nix", "{ outputs = { self }: { }; }\n")
        try repo.write(
            "flake.nix", #"{ inputs.dep.url = "path:\#(d.path)/dep"; outputs = { self, dep }: { }; }"# + "\n")
        _ = try repo.commit("init")
        let locked = try BuiltBinary.runFlakelock(["lock"], environment: env, currentDirectory: repo.path)
        #expect(locked.status == 0, "\(locked.stderr)")
        try repo.git("add", "flake.lock")
        let rev = try repo.commit("lock")
        let lockText = try String(contentsOfFile: repo.path + "/flake.lock", encoding: .utf8)
        let lockJSON = String(lockText.dropLast())

        var fingerprints: [String: String] = [:]
        for compat in ["nix", "nix-2.31"] {
            let r = try BuiltBinary.runFlakelock(
                ["metadata", "--json", "--compat", compat, "git+file://\(repo.path)"], environment: env,
                currentDirectory: d.path)
            #expect(r.status == 0, "\(r.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            #expect(object["revision"] as? String == rev)
            #expect(object["revCount"] as? Int == 2)
            let lastModified = try #require(object["lastModified"] as? Int)
            fingerprints[compat] = object["fingerprint"] as? String
            let counted = compat == "nix" ? ";hasRevCount" : ";revCount=2"
            #expect(
                fingerprints[compat] == (try Self.sha256("\(rev);;\(lockJSON)\(counted);lastModified=\(lastModified)")))
        }
        #expect(fingerprints["nix"] != fingerprints["nix-2.31"])
    }

    @Test func updateOfAnEmptyInputPath() throws {
        let d = TestDirectory.make()
        let env = try Self.environment(d)
        try d.write("dep/flake.nix", "{ outputs = { self }: { }; }\n")
        try d.write(
            "top/flake.nix", #"{ inputs.dep.url = "path:\#(d.path)/dep"; outputs = { self, dep }: { }; }"# + "\n")
        let first = try BuiltBinary.runFlakelock(["lock"], environment: env, currentDirectory: d.path + "/top")
        #expect(first.status == 0, "\(first.stderr)")
        let lock = try Data(contentsOf: URL(fileURLWithPath: d.path + "/top/flake.lock"))

        let current = try BuiltBinary.runFlakelock(["update", ""], environment: env, currentDirectory: d.path + "/top")
        #expect(current.status == 1)
        #expect(
            current.stderr.contains(
                "warning: Invalid flake input ''. To update a specific flake, use 'flakelock update --flake ' instead.")
        )
        #expect(
            current.stderr.contains(
                "error: input path to be updated cannot be zero-length; it would refer to the flake itself, not an input"
            ), "\(current.stderr)")

        let old = try BuiltBinary.runFlakelock(
            ["update", "--compat", "nix-2.31", ""], environment: env, currentDirectory: d.path + "/top")
        #expect(old.status == 0, "\(old.stderr)")
        #expect(old.stderr.contains("warning: '' does not match any input of this flake"), "\(old.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: d.path + "/top/flake.lock")) == lock)

        for (flag, args) in [
            ("--update-input", ["--update-input", ""]), ("--override-input", ["--override-input", "", "path:/x"]),
        ] {
            let r = try BuiltBinary.runFlakelock(["lock"] + args, environment: env, currentDirectory: d.path + "/top")
            #expect(r.status == 1, "\(r.stderr)")
            #expect(
                r.stderr.contains(
                    "error: \(flag) was passed a zero-length input path, which would refer to the flake itself, not an input"
                ),
                "\(r.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: d.path + "/top/flake.lock")) == lock)
    }

    @Test func lockFilePathQuoting() throws {
        let d = TestDirectory.make()
        let env = try Self.environment(d)
        for compat in ["nix", "nix-2.31"] {
            let dir = "\(d.path)/\(compat)/a\"b"
            try d.write("\(compat)/dep/flake.nix", "{ outputs = { self }: { }; }\n")
            try d.write(
                "\(compat)/a\"b/flake.nix",
                #"{ inputs.dep.url = "path:\#(d.path)/\#(compat)/dep"; outputs = { self, dep }: { }; }"# + "\n")
            let r = try BuiltBinary.runFlakelock(["lock", "--compat", compat], environment: env, currentDirectory: dir)
            #expect(r.status == 0, "\(r.stderr)")
            let shown = compat == "nix" ? "\(dir)/flake.lock" : "\(d.path)/\(compat)/a\\\"b/flake.lock"
            #expect(r.stderr.hasPrefix("warning: creating lock file \"\(shown)\": \n"), "\(r.stderr)")
        }
    }

    @Test func givenRevCountOfAGitInput() throws {
        let d = TestDirectory.make()
        let env = try Self.environment(d)
        let repo = try GitFixtureRepository(at: d.path + "/dep")
        try repo.write("flake.nix", "{ outputs = { self }: { }; }\n")
        let rev = try repo.commit("init")
        try d.write(
            "top/flake.nix",
            """
            {
              inputs.dep = { type = "git"; url = "file://\(repo.path)"; rev = "\(rev)"; revCount = 999; };
              outputs = { self, dep }: { };
            }

            """)
        let current = try BuiltBinary.runFlakelock(["lock"], environment: env, currentDirectory: d.path + "/top")
        #expect(current.status == 0, "\(current.stderr)")
        let lock = try String(contentsOfFile: d.path + "/top/flake.lock", encoding: .utf8)
        #expect(lock.contains("\"revCount\": 999"), "\(lock)")
        try FileManager.default.removeItem(atPath: d.path + "/top/flake.lock")

        let old = try BuiltBinary.runFlakelock(
            ["lock", "--compat", "nix-2.31"], environment: env, currentDirectory: d.path + "/top")
        #expect(old.status == 1)
        #expect(old.stderr.contains("'revCount' attribute mismatch in input '"), "\(old.stderr)")
        #expect(old.stderr.contains("', expected 999"), "\(old.stderr)")
        #expect(!FileManager.default.fileExists(atPath: d.path + "/top/flake.lock"))
    }

    @Test func pathFormErrorQuote() throws {
        let d = TestDirectory.make()
        let env = try Self.environment(d)
        try d.mkdir("repo/.git")
        try d.mkdir("repo/sub")
        for (compat, q) in [("nix", "\""), ("nix-2.31", "'")] {
            let r = try BuiltBinary.runFlakelock(
                ["metadata", "--compat", compat, "./sub"], environment: env, currentDirectory: d.path + "/repo")
            #expect(r.status == 1)
            #expect(
                r.stderr.contains(
                    "path \(q)\(d.path)/repo\(q) is not part of a flake (neither it nor its parent directories contain a 'flake.nix' file)"
                ),
                "\(r.stderr)")
        }
    }

    @Test func relativeFileTarballIsRefused() throws {
        let d = TestDirectory.make()
        let env = try Self.environment(d)
        try d.write(
            "top/flake.nix",
            #"{ inputs.t = { url = "tarball+file:foo.tar.gz"; flake = false; }; outputs = { self, t }: { }; }"# + "\n")
        let r = try BuiltBinary.runFlakelock(["lock"], environment: env, currentDirectory: d.path + "/top")
        #expect(r.status == 1)
        #expect(
            r.stderr.contains(
                "error: tarball 'file:foo.tar.gz' must use an absolute path. The 'file' scheme does not support relative paths."
            ),
            "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: d.path + "/top/flake.lock"))
    }
}
