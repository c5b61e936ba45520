import FlakeLockTestSupport
import Foundation
import Testing

/// `lock --recursive` and `update --recursive` through the built binary: a monorepo in a real
/// Git repository whose sub-flakes share GitHub inputs on the fake forge, one of them used by
/// others through a local path, one ignored by Git, one excluded, one broken.
@Suite(.serialized)
final class RecursiveLockTests {
    let fixture: ForgeCLIFixture
    var universe: ForgeUniverse { fixture.universe }

    init() throws {
        fixture = try ForgeCLIFixture(prefix: "flakelock-recursive")
        try universe.commit("alice/np", id: "n1", files: ["flake.nix": leafFlake, "lib.nix": "{ }\n"])
        try universe.commit("alice/a", id: "a1", files: ["flake.nix": flakeNix("np.url = \"github:alice/np\";")])
        try universe.commit("alice/b", id: "b1", files: ["README": "not a flake\n"])
    }

    /// The sub-flakes, by directory.
    func monorepoFlakes(_ mono: String, broken: Bool) -> [String: String] {
        var flakes = [
            // Used by `app` (absolute path: its narHash covers lib/flake.lock) and `tool` (relative).
            "lib": flakeNix("np.url = \"github:alice/np\";"),
            "app": flakeNix(
                """
                lib.url = "path:\(mono)/lib";
                np.url = "github:alice/np";
                a.url = "github:alice/a";
                """),
            "svc": flakeNix(
                """
                np.url = "github:alice/np";
                b = { url = "github:alice/b"; flake = false; };
                """),
            "tools/tool": flakeNix("lib.url = \"../../lib\";"),
            "ignored": flakeNix("np.url = \"github:alice/nothere\";"),
            "vendor/x": flakeNix("np.url = \"github:alice/nothere\";"),
        ]
        if broken { flakes["broken"] = "{ inputs = {\n" }
        return flakes
    }

    func makeMonorepo(_ name: String, broken: Bool) throws -> GitFixtureRepository {
        let mono = fixture.root + "/" + name
        let repo = try GitFixtureRepository(at: mono)
        try repo.write(".gitignore", "ignored/\n")
        for (dir, text) in monorepoFlakes(mono, broken: broken) where dir != "ignored" {
            try repo.write(dir + "/flake.nix", text)
        }
        try repo.write("README", "monorepo\n")
        _ = try repo.commit("init")
        try FileManager.default.createDirectory(atPath: mono + "/ignored", withIntermediateDirectories: true)
        try monorepoFlakes(mono, broken: broken)["ignored"]!.write(
            toFile: mono + "/ignored/flake.nix", atomically: true, encoding: .utf8)
        return repo
    }

    func run(
        _ args: [String], in dir: String, engine: String, config: String = "", environment: [String: String] = [:]
    ) throws -> TimedProcess.Output {
        let env = try ForgeEngineEnvironment(
            name: engine, universe: universe, forge: fixture.forge, extraNixConfig: config)
        let r = try TimedProcess.run(
            BuiltBinary.flakelock, args, environment: env.variables.merging(environment) { $1 }, currentDirectory: dir,
            scratch: env.directory,
            timeout: 120)
        #expect(!r.timedOut)
        return r
    }

    func lockBytes(_ mono: String, _ dirs: [String]) -> [String: Data] {
        var out: [String: Data] = [:]
        for d in dirs { out[d] = FileManager.default.contents(atPath: "\(mono)/\(d)/flake.lock") }
        return out
    }

    /// The lastModified of the `lib` node of a lock.
    func pathLastModified(_ lock: Data?) throws -> Int {
        let bytes = try #require(lock)
        let doc = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        let lib = try #require((doc["nodes"] as? [String: Any])?["lib"] as? [String: Any])
        return try #require((lib["locked"] as? [String: Any])?["lastModified"] as? Int)
    }

    /// Whether two locks are byte-identical once the `lib` node's lastModified (and, given,
    /// its path) of the first are the second's.
    func sameApartFromLibMTime(_ a: Data?, _ b: Data?, paths: (String, String)? = nil) throws -> Bool {
        var text = String(decoding: a ?? Data(), as: UTF8.self)
        if let paths { text = text.replacingOccurrences(of: paths.0, with: paths.1) }
        text = text.replacingOccurrences(
            of: "\"lastModified\": \(try pathLastModified(a)),", with: "\"lastModified\": \(try pathLastModified(b)),")
        return text == String(decoding: b ?? Data(), as: UTF8.self)
    }

    static let locked = ["app", "lib", "svc", "tools/tool"]

    @Test func monorepoLocksEveryFlakeOnceWithSharedFetches() throws {
        let repo = try makeMonorepo("mono", broken: true)
        let mono = repo.path
        fixture.forge.clearRequestLog()
        let r = try run(
            ["lock", "--recursive", "--exclude", "vendor/*", "--report", "json", "--report-file", "report.json"],
            in: mono, engine: "recursive")
        #expect(r.status == 1, "\(r.stderr)")
        let log = fixture.forge.requestLog().filter { !$0.contains("CONNECT") }
        // Three distinct archives (np, a, b), each downloaded once, although np is an input
        // of lib, app, svc and a; and each ref resolved once.
        let archives = log.filter { $0.contains("/tarball/") || $0.contains("/archive/") }
        #expect(archives.count == 3, "\(archives)")
        #expect(Set(log).count == log.count, "\(log)")
        #expect(!log.contains { $0.contains("nothere") }, "ignored or excluded flake locked: \(log)")

        let recursive = lockBytes(mono, Self.locked)
        for d in Self.locked { #expect(recursive[d] != nil, "\(d) has no lock: \(r.stderr)") }
        #expect(!FileManager.default.fileExists(atPath: mono + "/broken/flake.lock"))
        #expect(r.stderr.contains("broken: error: syntax error"), "\(r.stderr)")
        #expect(r.stderr.contains("app: warning: creating lock file"), "\(r.stderr)")

        let report = try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: mono + "/report.json")))
                as? [String: Any])
        let flakes = try #require(report["flakes"] as? [[String: Any]])
        #expect(flakes.map { $0["path"] as? String } == ["app", "broken", "lib", "svc", "tools/tool"])
        #expect(flakes.map { $0["status"] as? String } == ["changed", "failed", "changed", "changed", "changed"])
        #expect((flakes[1]["error"] as? String)?.contains("syntax error") == true)
        let appChanges = (flakes[0]["changes"] as? [String: Any])?["changes"] as? [[String: Any]]
        #expect(appChanges?.compactMap { $0["path"] as? String } == ["a", "a/np", "lib", "lib/np", "np"])
        #expect((report["summary"] as? [String: Int]) == ["changed": 4, "unchanged": 0, "failed": 1])

        // The same flakes locked one at a time (dependency first), each in a fresh
        // environment, give the same bytes.
        let single = try makeMonorepo("single", broken: false)
        for d in ["lib", "app", "svc", "tools/tool"] {
            let s = try run(["lock"], in: single.path + "/" + d, engine: "single")
            #expect(s.status == 0, "\(d): \(s.stderr)")
        }
        let one = lockBytes(single.path, Self.locked)
        for d in Self.locked where d != "app" { #expect(one[d] == recursive[d], "\(d)") }
        // app's lock names the path of its monorepo, and the lastModified of a path: input
        // is the newest mtime in it (lib/flake.lock, written by each run); otherwise the
        // same, with the same narHash of lib: its flake.lock was written before app was locked.
        #expect(
            try sameApartFromLibMTime(recursive["app"], one["app"], paths: (mono + "/lib", single.path + "/lib")))

        // Nothing changed: a second run fetches nothing new and reports the flakes unchanged.
        try FileManager.default.removeItem(atPath: mono + "/broken/flake.nix")
        let again = try run(["lock", "--recursive", "--exclude", "vendor/*"], in: mono, engine: "recursive")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.hasSuffix("4 flakes: 0 changed, 4 unchanged, 0 failed\n"), "\(again.stderr)")
        #expect(lockBytes(mono, Self.locked) == recursive)
    }

    @Test func updateRecursiveDryRunWritesNothingAndReportsMarkdown() throws {
        let repo = try makeMonorepo("mono", broken: false)
        let first = try run(["lock", "--recursive", "--exclude", "vendor/*"], in: repo.path, engine: "recursive")
        #expect(first.status == 0, "\(first.stderr)")
        let locks = lockBytes(repo.path, Self.locked)
        try universe.commit("alice/np", id: "n2", files: ["lib.nix": "{ v = 2; }\n"])
        let dry = try run(
            ["update", "--recursive", "np", "--dry-run", "--exclude", "vendor/*", "--report", "markdown"],
            in: repo.path, engine: "recursive")
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(lockBytes(repo.path, Self.locked) == locks)
        #expect(dry.stdout.contains("### `lib`"), "\(dry.stdout)")
        #expect(dry.stdout.contains("### `svc`"), "\(dry.stdout)")
        #expect(!dry.stdout.contains("### `tools/tool`"), "\(dry.stdout)")
        #expect(dry.stdout.contains(try universe.rev("alice/np", "n2").prefix(12)), "\(dry.stdout)")
        #expect(dry.stderr.contains("tools/tool: warning: 'np' does not match any input"), "\(dry.stderr)")

        let update = try run(
            ["update", "--recursive", "np", "--commit-lock-file", "--exclude", "vendor/*"], in: repo.path,
            engine: "recursive")
        #expect(update.status == 0, "\(update.stderr)")
        let status = try repo.git("status", "--porcelain", "--untracked-files=no")
        for d in ["app", "lib", "svc"] { #expect(!status.contains("\(d)/flake.lock"), "\(status)") }
        let message = try repo.git("log", "-1", "--format=%B")
        #expect(message.hasPrefix("Update 3 flake lock files"), "\(message)")
        #expect(message.contains("lib/flake.lock: Update"), "\(message)")
        #expect(try repo.git("rev-list", "--count", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines) == "2")
    }

    /// Two machines share the fact cache (nginx WebDAV on loopback): the second, with an
    /// empty local cache, locks every flake of the monorepo without downloading an archive.
    @Test func secondMachineWithTheFactCacheDownloadsNoArchive() throws {
        guard try LoopbackNginx.available() else { return }
        let nginx = try LoopbackNginx(root: fixture.root + "/nginx")
        let keys = fixture.root + "/keys"
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        try SharedFactCacheTests.secret.write(toFile: "\(keys)/secret", atomically: true, encoding: .utf8)
        let repo = try makeMonorepo("mono", broken: false)
        let args = ["lock", "--recursive", "--exclude", "vendor/*"]
        let direct = SharedFactCacheTests.direct
        fixture.forge.clearRequestLog()
        let writer = try run(
            args, in: repo.path, engine: "writer",
            config: "fact-cache = \(nginx.base)\nfact-cache-secret-key-file = \(keys)/secret\n", environment: direct)
        #expect(writer.status == 0, "\(writer.stderr)")
        let archives = {
            self.fixture.forge.requestLog().filter { $0.contains("/tarball/") || $0.contains("/archive/") }
        }
        #expect(archives().count == 3, "\(archives())")
        let written = lockBytes(repo.path, Self.locked)
        for d in Self.locked { try FileManager.default.removeItem(atPath: "\(repo.path)/\(d)/flake.lock") }

        fixture.forge.clearRequestLog()
        let reader = try run(
            args, in: repo.path, engine: "reader",
            config: "fact-cache = \(nginx.base)\nfact-cache-public-keys = \(SharedFactCacheTests.publicKey)\n",
            environment: direct)
        #expect(reader.status == 0, "\(reader.stderr)")
        #expect(archives().isEmpty, "\(archives())")
        let read = lockBytes(repo.path, Self.locked)
        for d in Self.locked where d != "app" { #expect(read[d] == written[d], "\(d)") }
        #expect(try sameApartFromLibMTime(read["app"], written["app"]))
    }

    /// Outside Git: a directory walk that skips hidden and symlinked directories; a cycle
    /// of local paths fails its members only.
    @Test func cycleFailsItsMembersOnly() throws {
        let top = fixture.root + "/plain"
        let fm = FileManager.default
        for (dir, text) in [
            "x": flakeNix("y.url = \"path:\(top)/y\";"),
            "y": flakeNix("x.url = \"path:\(top)/x\";"),
            "z": flakeNix("np.url = \"github:alice/np\";"),
            ".hidden/h": flakeNix("np.url = \"github:alice/nothere\";"),
        ] {
            try fm.createDirectory(atPath: top + "/" + dir, withIntermediateDirectories: true)
            try text.write(toFile: top + "/" + dir + "/flake.nix", atomically: true, encoding: .utf8)
        }
        try fm.createSymbolicLink(atPath: top + "/link", withDestinationPath: top + "/z")
        let r = try run(["lock", "--recursive", top], in: fixture.root, engine: "plain")
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("x: error: the flakes 'x', 'y' depend on each other"), "\(r.stderr)")
        #expect(r.stderr.hasSuffix("3 flakes: 1 changed, 0 unchanged, 2 failed\n"), "\(r.stderr)")
        #expect(fm.fileExists(atPath: top + "/z/flake.lock"))
        #expect(!fm.fileExists(atPath: top + "/x/flake.lock"))
    }

    @Test func singleFlakeOptionsAreUsageErrors() throws {
        for args in [
            ["lock", "--recursive", "--output-lock-file", "x.lock"],
            ["lock", "--recursive", "--reference-lock-file", "x.lock"],
            ["lock", "--recursive", "github:alice/np"],
            ["lock", "--exclude", "a"],
            ["update", "--recursive", "--dry-run", "--json"],
        ] {
            let r = try run(args, in: fixture.root, engine: "usage")
            #expect(r.status == 1, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("Try 'flakelock --help'"), "\(args): \(r.stderr)")
        }
    }
}
