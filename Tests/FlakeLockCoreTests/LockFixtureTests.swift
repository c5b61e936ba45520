import Fetchers
import FlakeLockBasics
import FlakeLockCore
import FlakeLockTestSupport
import FlakeModel
import Foundation
import NativeTransport
import NixCompat
import Testing

/// Lock scenarios replayed over the fakes against locks that real Nix 2.8 wrote
/// (`Fixtures/Locks`): the whole locker (FlakeLockSession, LockResolver, GitFetcher) runs
/// with a ``FakeGitTransport``, no Nix and no socket, and must write byte-identical locks.
///
/// Re-record with `FLAKELOCK_RECORD_LOCK_FIXTURES=1 swift test --filter LockFixtureRecording`
/// (needs Nix 2.8 and git): each fake repository is exported to a real bare repository under
/// ``LockFixture/root`` with `git fast-import` (same commit ids) and Nix locks the same flake.
enum LockFixture {
    /// Where the repositories live when Nix records; their `file://` URLs are in the locks.
    static let root = "/tmp/flakelock-lock-fixtures"
    static let fixtures = RepositoryRoot.path + "/Tests/FlakeLockCoreTests/Fixtures/Locks"

    static func url(_ repo: String) -> String { "file://\(root)/\(repo).git" }

    /// One lock command of a scenario: flake.nix as it is then, and the flags.
    struct Step: Sendable {
        var fixture: String
        var flakeNix: String
        var nixArguments: [String] = []
        var updates: [String] = []
        var overrides: [(String, String)] = []
        /// Commits added to repositories before this step (repository, flake.nix text, time).
        var commits: [(String, String, Int64)] = []
    }

    struct Scenario: Sendable, CustomTestStringConvertible {
        var name: String
        var steps: [Step]
        var testDescription: String { name }
    }

    static func gitInput(_ repo: String, _ query: String = "") -> String { "git+\(url(repo))\(query)" }

    static let libFlake = LockScenario.flakeNix()
    static let appFlake = LockScenario.flakeNix(inputs: [("lib", gitInput("lib"))])
    static let followsTop = LockScenario.flakeNix(
        inputs: [("app", gitInput("app")), ("lib", gitInput("lib"))], extra: "inputs.app.inputs.lib.follows = \"lib\";")
    static let plainTop = LockScenario.flakeNix(inputs: [("app", gitInput("app"))])

    static let scenarios: [Scenario] = [
        Scenario(
            name: "follows-then-update-one",
            steps: [
                Step(
                    fixture: "follows", flakeNix: followsTop,
                    commits: [("lib", libFlake, 1_700_000_000), ("app", appFlake, 1_700_000_100)]),
                // A new commit on both; only `lib` is updated, `app` stays where it was.
                Step(
                    fixture: "follows-update-lib", flakeNix: followsTop, nixArguments: ["--update-input", "lib"],
                    updates: ["lib"],
                    commits: [
                        ("lib", libFlake + "# 2\n", 1_700_000_200), ("app", appFlake + "# 2\n", 1_700_000_300),
                    ]),
            ]),
        Scenario(
            name: "transitive-then-override",
            steps: [
                Step(
                    fixture: "transitive", flakeNix: plainTop,
                    commits: [
                        ("lib", libFlake, 1_700_000_000), ("app", appFlake, 1_700_000_100),
                        ("lib", libFlake + "# 2\n", 1_700_000_200),
                    ]),
                // The transitive input pinned from the command line to a branch it has.
                Step(
                    fixture: "transitive-override", flakeNix: plainTop,
                    nixArguments: ["--override-input", "app/lib", gitInput("lib", "?ref=stable")],
                    overrides: [("app/lib", gitInput("lib", "?ref=stable"))]),
            ]),
    ]

    /// Builds the scenario's repositories step by step in `forge`; `stable` of `lib` stays at
    /// its first commit.
    static func applyCommits(_ step: Step, to forge: FakeGitForge) {
        for (repo, text, time) in step.commits {
            let id = forge.commit(url(repo), branch: "master", tree: .dir(["flake.nix": .file(text)]), time: time)
            forge.setHead(url(repo), "refs/heads/master")
            if repo == "lib", forge.commitInfo(id)?.parents.isEmpty == true {
                forge.setRef(url(repo), "refs/heads/stable", to: id)
            }
        }
    }
}

@Suite struct LockFixtureReplayTests {
    struct Reporter: LockReporter {
        func warning(_ message: String) {}
    }

    @Test(arguments: LockFixture.scenarios)
    func flakelockOverFakesWritesNixLocks(_ scenario: LockFixture.Scenario) async throws {
        let forge = FakeGitForge()
        let git = FakeGitTransport(forge: forge)
        let top = TestDirectory.make(prefix: "flakelock-lockfixture")
        let cache = TestDirectory.make(prefix: "flakelock-lockfixture-cache")
        let profile = CompatProfile.nix28
        for step in scenario.steps {
            LockFixture.applyCommits(step, to: forge)
            try top.write("flake.nix", step.flakeNix)
            let http = FakeHTTPTransport()
            let fetcher = SourceFetcher(
                settings: FetchSettings(profile: profile, cacheDirectory: cache.path),
                transports: Transports(http: http, archives: LibArchiveHasher(http: http), git: git),
                registries: Registries(), reporter: SilentFetchReporter(), schemes: .standard)
            let session = FlakeLockSession(
                profile: profile, fetcher: fetcher, reporter: Reporter(), probe: LocalFileSystemProbe())
            var flags = LockFlags()
            for u in step.updates {
                let path = try InputPath(parsing: u)
                flags.inputUpdates.insert(path)
            }
            for (p, ref) in step.overrides {
                let path = try InputPath(parsing: p)
                flags.inputOverrides.append((path, try FlakeRef.parse(ref, profile: profile)))
            }
            let ref = try FlakeRef.fromAttrs(["type": "path", "path": .string(top.path)], profile: profile)
            _ = try await session.lock(ref, flags: flags)
            let expected = try Data(contentsOf: URL(fileURLWithPath: "\(LockFixture.fixtures)/\(step.fixture).lock"))
            let got = try Data(contentsOf: URL(fileURLWithPath: top.path + "/flake.lock"))
            #expect(
                got == expected,
                "\(step.fixture): flakelock wrote\n\(String(decoding: got, as: UTF8.self))\nNix 2.8 wrote\n\(String(decoding: expected, as: UTF8.self))"
            )
        }
        #expect(git.fetches.allSatisfy { !$0.url.hasPrefix("http") })
    }
}

/// Records `Fixtures/Locks` with real Nix 2.8; runs only with FLAKELOCK_RECORD_LOCK_FIXTURES=1.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["FLAKELOCK_RECORD_LOCK_FIXTURES"] == "1"))
struct LockFixtureRecording {
    @Test(arguments: LockFixture.scenarios)
    func record(_ scenario: LockFixture.Scenario) throws {
        let nix = try #require(NixOracle.executable, "recording lock fixtures needs Nix 2.8")
        let forge = FakeGitForge()
        let scratch = TestDirectory.make(prefix: "flakelock-lockfixture-record")
        let top = TestDirectory.make(prefix: "flakelock-lockfixture-top")
        var env = NixOracle.environment(storeDir: scratch.path + "/store")
        env["HOME"] = scratch.path
        env["XDG_CACHE_HOME"] = scratch.path + "/cache"
        try? FileManager.default.removeItem(atPath: LockFixture.root)
        try FileManager.default.createDirectory(atPath: LockFixture.root, withIntermediateDirectories: true)
        for step in scenario.steps {
            LockFixture.applyCommits(step, to: forge)
            for repo in Set(step.commits.map(\.0)) {
                let dir = "\(LockFixture.root)/\(repo).git"
                try? FileManager.default.removeItem(atPath: dir)
                try ProcessRunner.check("git", ["init", "-q", "--bare", dir])
                let r = try ProcessRunner.run(
                    "git", ["-C", dir, "fast-import", "--quiet"],
                    stdin: Data(forge.fastImportStream(LockFixture.url(repo))))
                #expect(r.status == 0, "\(r.stderr)")
                try ProcessRunner.check("git", ["-C", dir, "symbolic-ref", "HEAD", "refs/heads/master"])
                // The fake's ids are Git's: the exported branch names the same commit.
                let head = try ProcessRunner.check("git", ["-C", dir, "rev-parse", "refs/heads/master"])
                let fake = try #require(forge.repositoryRef(LockFixture.url(repo), "refs/heads/master"))
                try #require(
                    head.trimmingCharacters(in: .whitespacesAndNewlines) == fake.hex,
                    "\(repo): git made \(head), the fake \(fake)")
            }
            try top.write("flake.nix", step.flakeNix)
            let r = try ProcessRunner.run(nix, ["flake", "lock", top.path] + step.nixArguments, environment: env)
            try #require(r.status == 0, "nix flake lock: \(r.stderr)")
            try FileManager.default.copyItem(
                atPath: top.path + "/flake.lock", toPath: "\(LockFixture.fixtures)/\(step.fixture).lock.new")
            let dest = "\(LockFixture.fixtures)/\(step.fixture).lock"
            try? FileManager.default.removeItem(atPath: dest)
            try FileManager.default.moveItem(atPath: dest + ".new", toPath: dest)
        }
    }
}
