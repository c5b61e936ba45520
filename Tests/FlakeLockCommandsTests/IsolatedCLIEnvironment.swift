import FlakeLockBasics
import FlakeLockTestSupport
import Foundation

/// An isolated environment for running the built `flakelock` against loopback servers: its
/// own HOME, XDG directories, Nix configuration (no global registry) and TMPDIR, git without
/// system or global configuration.
struct IsolatedCLIEnvironment {
    let root: TestDirectory
    /// `XDG_CACHE_HOME` (flakelock's cache is `<this>/flakelock`).
    var cacheHome: String { root.path + "/cache" }
    var variables: [String: String]

    init(extraNixConfig: String = "") throws {
        root = TestDirectory.make(prefix: "flakelock-cli")
        let d = root.path
        for sub in ["home", "cache", "config", "nixconf", "tmp", "flake"] { try root.mkdir(sub) }
        try root.write("nixconf/nix.conf", "")
        variables = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": d + "/home", "XDG_CACHE_HOME": d + "/cache", "XDG_CONFIG_HOME": d + "/config",
            "NIX_CONF_DIR": d + "/nixconf", "NIX_USER_CONF_FILES": d + "/nixconf/nix.conf",
            "NIX_CONFIG": "flake-registry =\nconnect-timeout = 5\n" + extraNixConfig, "TMPDIR": d + "/tmp",
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "protocol.file.allow", "GIT_CONFIG_VALUE_0": "always",
            "TZ": "UTC", "LC_ALL": "C", "NO_COLOR": "1",
        ]
    }

    /// The flake directory (`<root>/flake`).
    var flake: String { root.path + "/flake" }

    /// Writes `flake.nix` with these `inputs = { … };` lines.
    func writeFlake(inputs: String) throws {
        try root.write("flake/flake.nix", "{\n  inputs = {\n\(inputs)\n  };\n  outputs = _: { };\n}\n")
    }

    /// Runs `flakelock ARGS` in the flake directory (or `directory`), waiting on a thread of
    /// its own so that the test never blocks the cooperative pool other tests run on.
    func run(_ args: [String], in directory: String? = nil) async throws -> ProcessRunner.Output {
        let (variables, dir) = (variables, directory ?? flake)
        return try await Self.processes.run {
            try BuiltBinary.runFlakelock(args, environment: variables, currentDirectory: dir)
        }
    }

    /// Runs blocking fixture work (git, tar) off the cooperative pool.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await processes.run(body)
    }

    /// Threads that wait for the binary's processes and fixture commands.
    static let processes = BlockingExecutor(threads: 8)

    /// The flake's lock file text, or nil.
    var lockText: String? { try? String(contentsOfFile: flake + "/flake.lock", encoding: .utf8) }
}
