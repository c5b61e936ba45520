import FlakeLockTestSupport
import Foundation
import Testing

/// A fake forge, a universe of repositories and the built binary, for tests that run
/// `flakelock` as a user would (without Nix): each run gets a fresh engine environment
/// (empty caches) and works in `ROOT/top`.
final class ForgeCLIFixture: @unchecked Sendable {
    // @unchecked: used by one test at a time.
    let root: String
    let forge: FakeForge
    let universe: ForgeUniverse

    init(prefix: String) throws {
        root = try FixtureShell.makeTemporaryDirectory(prefix: prefix)
        forge = try FakeForge(root: root, lifetime: 600)
        universe = ForgeUniverse(root: root, forge: forge)
        try universe.reset()
    }

    deinit {
        forge.stop()
        _ = try? ProcessRunner.run("/bin/chmod", ["-R", "u+rwx", root])
        try? FileManager.default.removeItem(atPath: root)
    }

    struct Run {
        var status: Int32
        var stderr: String
        var lock: Data?
    }

    var lockPath: String { "\(root)/top/flake.lock" }

    /// Runs flakelock with `args` in a fresh environment named `engine` (nix.conf lines in
    /// `config`, extra variables in `environment`); `keepLock: false` removes flake.lock first.
    func flakelock(
        _ args: [String], engine: String, config: String = "", environment: [String: String] = [:],
        keepLock: Bool = true
    ) throws -> Run {
        let env = try ForgeEngineEnvironment(name: engine, universe: universe, forge: forge, extraNixConfig: config)
        if !keepLock { try? FileManager.default.removeItem(atPath: lockPath) }
        var variables = env.variables
        for (k, v) in environment { variables[k] = v }
        let r = try TimedProcess.run(
            BuiltBinary.flakelock, args, environment: variables, currentDirectory: "\(root)/top",
            scratch: env.directory,
            timeout: 120)
        #expect(!r.timedOut)
        return Run(status: r.status, stderr: r.stderr, lock: FileManager.default.contents(atPath: lockPath))
    }
}
