import FlakeLockTestSupport
import Foundation
import Testing

/// The git cache under `XDG_CACHE_HOME` is shared by every process of the user: concurrent
/// runs must not trip over each other, and a damaged cache repository must heal.
@Suite("Shared git cache (CLI)") struct SharedGitCacheCLITests {
    /// Three upstream repositories: two served over `file://` (bare), one over smart HTTP.
    final class Upstreams: @unchecked Sendable {
        // @unchecked: immutable after init except for the fixtures' own locking.
        let repos: [GitFixtureRepository]
        let srv: String
        let server: LoopbackHTTPServer
        let inputs: String

        init(in env: IsolatedCLIEnvironment) throws {
            let srv = env.root.path + "/srv"
            var repos: [GitFixtureRepository] = []
            for name in ["a", "b", "c"] {
                let r = try GitFixtureRepository(at: env.root.path + "/up/" + name)
                try r.write("flake.nix", "{ outputs = _: { }; }\n")
                try r.write("data/\(name).txt", String(repeating: "\(name) data\n", count: 500))
                _ = try r.commit("init \(name)")
                try r.write("more.txt", "second\n")
                _ = try r.commit("second \(name)")
                try r.bareClone(to: srv + "/\(name).git")
                repos.append(r)
            }
            self.repos = repos
            self.srv = srv
            server = try LoopbackHTTPServer(gitRoot: srv)
            inputs = """
                    a = { url = "git+file://\(srv)/a.git"; flake = false; };
                    b = { url = "git+file://\(srv)/b.git?ref=main"; flake = false; };
                    c = { url = "git+\(server.url("/git/c.git"))"; flake = false; };
                """
        }

        /// A new commit in every upstream, pushed to its bare copy.
        func advance(_ round: Int) throws {
            for (r, name) in zip(repos, ["a", "b", "c"]) {
                try r.write("round.txt", "round \(round)\n")
                _ = try r.commit("round \(round)")
                try r.git("push", "-q", "--force", srv + "/\(name).git", "main")
            }
        }
    }

    @Test func concurrentProcessesShareOneCache() async throws {
        let env = try IsolatedCLIEnvironment()
        let up = try await IsolatedCLIEnvironment.offPool { try Upstreams(in: env) }
        let processes = 4
        var flakes: [String] = []
        for p in 0..<processes {
            try env.root.write("flakes/\(p)/flake.nix", "{\n  inputs = {\n\(up.inputs)\n  };\n  outputs = _: { };\n}\n")
            flakes.append(env.root.path + "/flakes/\(p)")
        }
        var failures: [String] = []
        for round in 0..<8 {
            // Even rounds start from an empty cache (every process creates the repositories),
            // odd ones from a warm cache whose upstreams moved (every process fetches).
            if round % 2 == 0 {
                try? FileManager.default.removeItem(atPath: env.cacheHome + "/flakelock")
            } else {
                try await IsolatedCLIEnvironment.offPool { try up.advance(round) }
            }
            for f in flakes { try? FileManager.default.removeItem(atPath: f + "/flake.lock") }
            let dirs = flakes
            let results = await withTaskGroup(of: (Int, Result<ProcessRunner.Output, any Error>).self) { group in
                for p in 0..<processes {
                    group.addTask { (p, await Result(catching: { try await env.run(["lock"], in: dirs[p]) })) }
                }
                var all: [Int: Result<ProcessRunner.Output, any Error>] = [:]
                for await (p, r) in group { all[p] = r }
                return (0..<processes).map { all[$0]! }
            }
            var locks: Set<String> = []
            for (p, r) in results.enumerated() {
                switch r {
                case .success(let out) where out.status == 0:
                    locks.insert(
                        (try? String(contentsOfFile: flakes[p] + "/flake.lock", encoding: .utf8)) ?? "<missing>")
                case .success(let out): failures.append("round \(round) process \(p): \(out.stderr)")
                case .failure(let e): failures.append("round \(round) process \(p): \(e)")
                }
            }
            #expect(locks.count <= 1, "round \(round): the processes wrote different locks")
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// Every cache repository under the environment's cache.
    static func cacheRepositories(_ env: IsolatedCLIEnvironment) throws -> [String] {
        let git = env.cacheHome + "/flakelock/git"
        return try FileManager.default.contentsOfDirectory(atPath: git)
            .filter { !$0.hasSuffix(".lock") && !$0.contains(".damaged-") }.sorted().map { git + "/" + $0 }
    }

    enum Damage: String, CaseIterable, Sendable {
        /// The pack files are deleted (the fetch cache still knows the trees).
        case packsDeleted
        /// The pack files are deleted and so is the fetch cache (the trees must be read).
        case packsAndFetchCacheDeleted
        /// The pack files are cut in half.
        case packsTruncated
    }

    @Test(arguments: Damage.allCases)
    func damagedCacheRepositoriesHeal(damage: Damage) async throws {
        let env = try IsolatedCLIEnvironment()
        let up = try await IsolatedCLIEnvironment.offPool { try Upstreams(in: env) }
        try env.writeFlake(inputs: up.inputs)
        let first = try await env.run(["lock"])
        try #require(first.status == 0, "\(first.stderr)")
        let good = try #require(env.lockText)
        let repos = try Self.cacheRepositories(env)
        #expect(repos.count == 3)
        for repo in repos {
            let packDir = repo + "/objects/pack"
            for f in try FileManager.default.contentsOfDirectory(atPath: packDir)
            where f.hasSuffix(".pack") || f.hasSuffix(".idx") {
                let path = packDir + "/" + f
                if damage == .packsTruncated {
                    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                    try FixtureShell.run(["truncate", "-s", String(size / 2), path])
                } else {
                    try FileManager.default.removeItem(atPath: path)
                }
            }
        }
        if damage == .packsAndFetchCacheDeleted {
            try FileManager.default.removeItem(atPath: env.cacheHome + "/flakelock/v1")
        }
        try FileManager.default.removeItem(atPath: env.flake + "/flake.lock")
        let healed = try await env.run(["lock"])
        #expect(healed.status == 0, "\(healed.stderr)")
        #expect(env.lockText == good)
        for repo in repos {
            #expect(healed.stderr.contains("warning: Git cache repository '\(repo)' is damaged"), "\(healed.stderr)")
            #expect(FileManager.default.fileExists(atPath: repo + ".damaged-1"))
        }
        // Healed for good: the next run neither warns nor fails.
        try FileManager.default.removeItem(atPath: env.flake + "/flake.lock")
        let again = try await env.run(["lock"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stderr.contains("damaged"), "\(again.stderr)")
        #expect(env.lockText == good)
    }
}

extension Result where Failure == any Error {
    /// The result of an async throwing body.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
