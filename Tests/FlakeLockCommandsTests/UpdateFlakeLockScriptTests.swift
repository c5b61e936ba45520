import FlakeLockTestSupport
import Foundation
import Testing

/// Drives Scripts/update-flake-lock.sh (the GitHub Action's logic) with the built flakelock,
/// a flake whose input is a local Git repository, a bare `file://` remote, and the loopback
/// HTTP server standing in for the GitHub REST API.
@Suite(.timeLimit(.minutes(20)))
struct UpdateFlakeLockScriptTests {
    static let token = "ghs_secretTokenThatMustNotBePrinted"

    /// The checkout the action runs in: a flake with one Git input, locked and committed on
    /// `main`, with `origin` a bare repository.
    struct Fixture {
        let dir = TestDirectory.make(prefix: "update-flake-lock")
        let dep: GitFixtureRepository
        let project: GitFixtureRepository
        let remote: String
        let environment: [String: String]

        init() throws {
            dep = try GitFixtureRepository(at: dir.path + "/dep")
            try dep.write("flake.nix", "{ outputs = { self }: { }; }\n")
            try dep.commit("dep: first")
            project = try GitFixtureRepository(at: dir.path + "/project")
            try project.write(
                "flake.nix", "{\n  inputs.dep.url = \"git+file://\(dep.path)\";\n  outputs = { self, dep }: { };\n}\n")
            environment = RepositoryRoot.isolatedEnvironment(under: dir.path)
            try ProcessRunner.check(
                BuiltBinary.flakelock, ["lock"], environment: environment, currentDirectory: project.path)
            try project.git("add", "flake.lock")
            try project.commit("project: first")
            remote = dir.path + "/remote.git"
            try FixtureShell.run(["git", "init", "-q", "--bare", remote])
            try project.git("remote", "add", "origin", "file://" + remote)
            try project.git("push", "-q", "origin", "main")
        }

        /// A new commit upstream, so that updating `dep` changes flake.lock.
        @discardableResult
        func advanceDependency(_ n: Int) throws -> String {
            try dep.write("file\(n).txt", "change \(n)\n")
            return try dep.commit("dep: change \(n)")
        }

        /// Runs the script in the project with the API at `api`.
        func runScript(api: LoopbackHTTPServer, extra: [String: String] = [:]) throws -> ProcessRunner.Output {
            var env = environment
            env["FLAKELOCK"] = BuiltBinary.flakelock
            env["GITHUB_TOKEN"] = UpdateFlakeLockScriptTests.token
            env["GITHUB_API_URL"] = api.url("/api/v3")
            env["GITHUB_REPOSITORY"] = "octo/flake"
            env["GITHUB_OUTPUT"] = dir.path + "/github-output"
            env["INPUTS"] = "dep"
            for key in [
                "BASE", "BRANCH", "COMMIT_MESSAGE", "PR_TITLE", "FLAKE_DIR", "GIT_REMOTE", "NO_PULL_REQUEST",
                "GITHUB_ACTION_REF",
            ] {
                env[key] = nil  // as the script documents them, not as a CI runner may have them
            }
            env.merge(extra) { $1 }
            try? FileManager.default.removeItem(atPath: dir.path + "/github-output")
            return try ProcessRunner.run(
                RepositoryRoot.path + "/Scripts/update-flake-lock.sh", [], environment: env,
                currentDirectory: project.path)
        }

        /// `flakelock diff --format markdown` between `main`'s flake.lock and the pushed branch's.
        func expectedBody() throws -> String {
            try FileManager.default.createDirectory(atPath: dir.path + "/expect", withIntermediateDirectories: true)
            for (name, rev) in [("old", "main"), ("new", "update_flake_lock_action")] {
                let text = try FixtureShell.text(["git", "--git-dir", remote, "show", "\(rev):flake.lock"])
                try (text + "\n").write(toFile: dir.path + "/expect/\(name).lock", atomically: true, encoding: .utf8)
            }
            return try ProcessRunner.check(
                BuiltBinary.flakelock, ["diff", "old.lock", "new.lock", "--format", "markdown"],
                environment: environment, currentDirectory: dir.path + "/expect")
        }

        func outputs() throws -> [String: String] {
            let text = (try? String(contentsOfFile: dir.path + "/github-output", encoding: .utf8)) ?? ""
            var out: [String: String] = [:]
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { out[parts[0]] = parts[1] }
            }
            return out
        }

        /// Back to a fresh checkout of `main`, as the next scheduled run would start.
        func resetToMain() throws {
            try project.git("checkout", "-q", "-f", "main")
            try project.git("reset", "-q", "--hard", "origin/main")
        }
    }

    static func requestJSON(_ request: LoopbackHTTPServer.LoggedRequest) throws -> [String: String] {
        let data = Data((request.body ?? "").utf8)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
    }

    @Test func opensPullRequestThenUpdatesIt() throws {
        let f = try Fixture()
        let api = try LoopbackHTTPServer()
        let newRev = try f.advanceDependency(1)
        try api.setRoutes([
            "/api/v3/repos/octo/flake/pulls": [
                .init(headers: ["Content-Type": "application/json"], body: "[]", times: 1),
                .init(status: 201, body: #"{"number": 12, "html_url": "https://github.example/octo/flake/pull/12"}"#),
            ]
        ])
        let first = try f.runScript(api: api)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(!(first.stdout + first.stderr).contains(Self.token))
        let pushed = try FixtureShell.text([
            "git", "--git-dir", f.remote, "show", "update_flake_lock_action:flake.lock",
        ])
        #expect(pushed.contains(newRev))
        let message = try FixtureShell.text([
            "git", "--git-dir", f.remote, "log", "-1", "--format=%B", "update_flake_lock_action",
        ])
        #expect(message.hasPrefix("flake.lock: Update\n\nFlake lock file updates:\n\n") && message.contains("'dep'"))

        let requests = try api.requests()
        #expect(requests.map(\.method) == ["GET", "POST"])
        #expect(requests.first?.query == "state=open&head=octo:update_flake_lock_action&base=main")
        #expect(requests.allSatisfy { $0.header("Authorization") == "Bearer \(Self.token)" })
        let post = try Self.requestJSON(try #require(requests.last))
        let body = try f.expectedBody()
        #expect(body.contains(String(newRev.prefix(7))))
        #expect(
            post == ["title": "flake.lock: Update", "head": "update_flake_lock_action", "base": "main", "body": body])
        #expect(
            try f.outputs() == [
                "changed": "true", "pull-request-number": "12",
                "pull-request-url": "https://github.example/octo/flake/pull/12",
            ])

        // The next run finds the open pull request and updates its body.
        try f.resetToMain()
        let newerRev = try f.advanceDependency(2)
        let api2 = try LoopbackHTTPServer()
        try api2.setRoutes([
            "/api/v3/repos/octo/flake/pulls": [.init(body: #"[{"number": 12}]"#)],
            "/api/v3/repos/octo/flake/pulls/12": [.init(body: #"{"number": 12}"#)],
        ])
        let second = try f.runScript(api: api2, extra: ["PR_TITLE": "Weekly flake update"])
        #expect(second.status == 0, "\(second.stderr)")
        let requests2 = try api2.requests()
        #expect(
            requests2.map { "\($0.method) \($0.path)" } == [
                "GET /api/v3/repos/octo/flake/pulls", "PATCH /api/v3/repos/octo/flake/pulls/12",
            ])
        let patch = try Self.requestJSON(try #require(requests2.last))
        let body2 = try f.expectedBody()
        #expect(body2.contains(String(newerRev.prefix(7))))
        #expect(patch == ["title": "Weekly flake update", "body": body2])
    }

    @Test func upToDateLockOpensNothing() throws {
        let f = try Fixture()
        let api = try LoopbackHTTPServer()
        let run = try f.runScript(api: api)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("flake.lock is up to date"))
        #expect(try api.requests().isEmpty)
        #expect(try f.outputs() == ["changed": "false"])
        #expect(throws: (any Error).self) {
            try FixtureShell.text([
                "git", "--git-dir", f.remote, "rev-parse", "--verify", "-q", "update_flake_lock_action",
            ])
        }
    }

    /// Without FLAKELOCK the script downloads a release tarball (here: one served on
    /// loopback, holding the built binary); a failing API call fails the script.
    @Test func downloadsFlakelockAndReportsApiErrors() throws {
        let f = try Fixture()
        try f.advanceDependency(1)
        let pkg = f.dir.path + "/pkg/flakelock-0.0.0-linux-test/bin"
        try FileManager.default.createDirectory(atPath: pkg, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: BuiltBinary.flakelock, toPath: pkg + "/flakelock")
        try FixtureShell.run([
            "tar", "-czf", f.dir.path + "/flakelock.tar.gz", "-C", f.dir.path + "/pkg", "flakelock-0.0.0-linux-test",
        ])
        let api = try LoopbackHTTPServer()
        try api.setRoutes([
            "/flakelock.tar.gz": [.init(bodyFile: f.dir.path + "/flakelock.tar.gz")],
            "/api/v3/repos/octo/flake/pulls": [
                .init(status: 403, body: #"{"message": "Resource not accessible by integration"}"#)
            ],
        ])
        let run = try f.runScript(api: api, extra: ["FLAKELOCK": "", "FLAKELOCK_URL": api.url("/flakelock.tar.gz")])
        #expect(run.status == 1)
        #expect(
            run.stderr.contains("update-flake-lock: GET \(api.url("/api/v3"))/repos/octo/flake/pulls?"), "\(run.stderr)"
        )
        #expect(!(run.stdout + run.stderr).contains(Self.token))
        #expect(try api.requests().map(\.path) == ["/flakelock.tar.gz", "/api/v3/repos/octo/flake/pulls"])
        // The branch was pushed before the API call failed.
        #expect(
            try FixtureShell.text(["git", "--git-dir", f.remote, "rev-parse", "update_flake_lock_action"]).count == 40)
    }
}
