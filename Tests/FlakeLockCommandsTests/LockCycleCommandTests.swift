import FlakeLockTestSupport
import Foundation
import Testing

/// Every command on a lock file with a cycle, run as the real binary with its address space
/// capped (1.5 GiB) and a generous timeout: each must fail at once with exit status 1, naming
/// flake.lock and the cycle, and leave the file as it was.
struct LockCycleCommandTests {
    typealias L = CommandLocks

    static let declaresDep = """
        {
          inputs.dep.url = "github:o/a";
          outputs = { self, ... }: { };
        }
        """

    /// Follows that Nix keeps without fetching anything, and that resolve through each other.
    static let declaresFollows = """
        {
          inputs.x.follows = "y";
          inputs.y.follows = "x";
          outputs = { self, ... }: { };
        }
        """

    static let cyclic: [(name: String, lock: String, flakeNix: String, cycle: String)] = [
        (
            "self",
            #"{"nodes": {"dep": \#(L.github("o", "dep", rev: L.rev1, inputs: #""inputs": {"me": "dep"}, "#)), "root": {"inputs": {"dep": "dep"}}}, "root": "root", "version": 7}"#,
            declaresDep, "dep → dep"
        ),
        (
            "pair",
            #"{"nodes": {"a": \#(L.github("o", "a", rev: L.rev1, inputs: #""inputs": {"b": "b"}, "#)), "b": \#(L.github("o", "b", rev: L.rev1, inputs: #""inputs": {"a": "a"}, "#)), "root": {"inputs": {"dep": "a"}}}, "root": "root", "version": 7}"#,
            declaresDep, "a → b → a"
        ),
        (
            "follows",
            #"{"nodes": {"root": {"inputs": {"x": ["y"], "y": ["x"]}}}, "root": "root", "version": 7}"#,
            declaresFollows, "follow cycle detected: [y -> x -> y]"
        ),
    ]

    /// Runs flakelock under `ulimit -v` (KiB) and `timeout`.
    static func runBounded(_ arguments: [String], in directory: String, env: [String: String]) throws
        -> ProcessRunner.Output
    {
        try ProcessRunner.run(
            "/bin/sh", ["-c", #"ulimit -v 1572864 && exec timeout 300 "$0" "$@""#, BuiltBinary.flakelock] + arguments,
            environment: env, currentDirectory: directory)
    }

    @Test(arguments: cyclic.map(\.name))
    func everyCommandFailsNamingTheCycle(_ name: String) throws {
        let c = try #require(Self.cyclic.first { $0.name == name })
        let d = TestDirectory.make()
        try d.write("flake.nix", c.flakeNix)
        try d.write("flake.lock", c.lock)
        let env = [
            "NIX_CONFIG": "flake-registry = ", "HOME": d.path, "XDG_CACHE_HOME": d.path + "/cache",
            "PATH": "/usr/bin:/bin",
        ]
        // Node cycles are found when the lock is read (so `update`, which would fetch every
        // input again, fails before fetching); a follows cycle when the new lock is checked,
        // as Nix's `LockFile::check` finds it, or when a command that only reads the lock
        // resolves its follows.
        let commands: [[String]] = [
            ["why", name == "follows" ? "x" : "dep", d.path], ["audit", d.path],
            ["diff", d.path + "/flake.lock", d.path + "/flake.lock"], ["lock", d.path], ["update", d.path],
            ["metadata", d.path],
        ]
        for args in commands {
            let r = try Self.runBounded(args, in: d.path, env: env)
            #expect(r.status == 1, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(c.cycle), "\(args): \(r.stderr)")
            #expect(r.stderr.contains("'\(d.path)/flake.lock'"), "\(args): \(r.stderr)")
            #expect(try String(contentsOfFile: d.path + "/flake.lock", encoding: .utf8) == c.lock)
        }
    }

    /// A lock as deep as the reader allows works in every command (each walk recurses once
    /// per level, some on threads with small stacks); a deeper one is refused, not a crash.
    @Test(arguments: [256, 257, 3_000])
    func deepChains(_ count: Int) throws {
        let nodes = (0..<count).map { i in
            let inputs = i + 1 < count ? "\"inputs\": {\"n\": \"n\(i + 1)\"}, " : ""
            return "\"n\(i)\": " + L.github("o", "r\(i)", rev: L.rev1, inputs: inputs)
        }
        let lock =
            "{\"nodes\": {" + nodes.joined(separator: ", ")
            + ", \"root\": {\"inputs\": {\"n0\": \"n0\"}}}, \"root\": \"root\", \"version\": 7}"
        let d = TestDirectory.make()
        try d.write("flake.nix", #"{ inputs.n0.url = "github:o/r0"; outputs = { self, ... }: { }; }"#)
        try d.write("flake.lock", lock)
        let env = [
            "NIX_CONFIG": "flake-registry = ", "HOME": d.path, "XDG_CACHE_HOME": d.path + "/cache",
            "PATH": "/usr/bin:/bin",
        ]
        for args in [
            ["why", "n0", d.path], ["audit", d.path, "--fail-on", "none"],
            ["diff", d.path + "/flake.lock", d.path + "/flake.lock"],
            ["lock", d.path], ["metadata", d.path], ["metadata", "--json", d.path],
        ] {
            let r = try Self.runBounded(args, in: d.path, env: env)
            if count <= 256 {
                #expect(r.status == 0, "\(args): \(r.status) \(r.stderr)")
            } else {
                #expect(r.status == 1, "\(args): \(r.status) \(r.stderr)")
                #expect(r.stderr.contains("lock file graph is deeper than 256 levels"), "\(args): \(r.stderr)")
                #expect(r.stderr.contains("node 'n256' of lock file '\(d.path)/flake.lock'"), "\(args): \(r.stderr)")
            }
            #expect(try String(contentsOfFile: d.path + "/flake.lock", encoding: .utf8) == lock)
        }
    }
}
