import FlakeLockTestSupport
import Foundation
import Testing

/// The real binary, killed with SIGKILL at random points of `lock` and `update` on a local
/// flake with Git and path inputs: flake.lock must always hold exactly the old or the new
/// bytes, and after a following run no temporary file may be left beside it.
@Suite(.serialized)
struct CrashSafetyTests {
    static let runs = 40

    /// A top-level flake (a plain directory) with a Git input `a`, a path input `b`, and
    /// optionally a second path input `c`.
    final class Fixture {
        let dir = TestDirectory.make(prefix: "flakelock-crash")
        let repo: GitFixtureRepository
        var revision = 0

        init() throws {
            repo = try GitFixtureRepository(at: dir.path + "/a")
            try repo.write("flake.nix", "{ outputs = _: { }; }\n")
            try repo.commit("init")
            try dir.write("b/data", "0\n")
            try dir.write("c/data", "c\n")
            try writeFlakeNix(withC: false)
        }

        var top: String { dir.path + "/top" }
        var lockPath: String { top + "/flake.lock" }

        func writeFlakeNix(withC: Bool) throws {
            let c = withC ? "  inputs.c = { url = \"path:\(dir.path)/c\"; flake = false; };\n" : ""
            try dir.write(
                "top/flake.nix",
                "{\n  inputs.a.url = \"git+file://\(repo.path)\";\n  inputs.b = { url = \"path:\(dir.path)/b\"; flake = false; };\n"
                    + c + "  outputs = _: { };\n}\n")
        }

        /// Changes the inputs so that `update` has something to do.
        func advance() throws {
            revision += 1
            try repo.write("file", "\(revision)\n")
            try repo.commit("r\(revision)")
            try dir.write("b/data", "\(revision)\n")
        }

        /// An environment with a cache of its own (so that a kill cannot leave the next run a
        /// half-written cache to trip over: that is another test's business).
        func environment(_ run: Int) -> [String: String] {
            [
                "NIX_CONFIG": "flake-registry = ", "HOME": dir.path, "XDG_CACHE_HOME": dir.path + "/cache-\(run)",
                "PATH": "/usr/bin:/bin",
            ]
        }

        func lockBytes() -> Data? { FileManager.default.contents(atPath: lockPath) }

        func temporaries() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: top).filter { $0.contains(".tmp-") }
        }
    }

    /// Runs flakelock and kills it after `delay` seconds (if it is still running).
    static func runAndKill(_ arguments: [String], environment: [String: String], after delay: Double) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: BuiltBinary.flakelock)
        p.arguments = arguments
        p.environment = environment
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        usleep(useconds_t(delay * 1_000_000))
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test func killedRunsLeaveOldOrNewBytesAndNoTemporaries() throws {
        let f = try Fixture()
        let first = try BuiltBinary.runFlakelock(["lock", f.top], environment: f.environment(0))
        try #require(first.status == 0, "\(first.stderr)")
        // How long an undisturbed run takes on this machine: kills are spread over 1.5 times that.
        try f.advance()
        let start = Date()  // after the upstream commit: only the run itself is timed
        let timed = try BuiltBinary.runFlakelock(["update", "--flake", f.top], environment: f.environment(1))
        try #require(timed.status == 0, "\(timed.stderr)")
        // The span follows the machine's pace: a run that finished before its kill shortens
        // it, a killed one lengthens it, so a slow first run (or a load spike) does not let
        // most later runs finish untouched.
        var span = max(Date().timeIntervalSince(start), 0.05) * 1.5
        var killed = 0
        var withC = false
        for run in 2..<(2 + Self.runs) {
            let old = try #require(f.lockBytes())
            let args: [String]
            if run.isMultiple(of: 2) {
                try f.advance()
                args = ["update", "--flake", f.top]
            } else {
                withC.toggle()
                try f.writeFlakeNix(withC: withC)
                args = ["lock", f.top]
            }
            let delay = Double.random(in: 0...span)
            if try Self.runAndKill(args, environment: f.environment(run), after: delay) != 0 {
                killed += 1
                span *= 1.05
            } else {
                span = max(span * 0.85, 0.05)
            }
            let during = f.lockBytes()
            let following = try BuiltBinary.runFlakelock(args, environment: f.environment(run))
            #expect(following.status == 0, "run \(run) after a kill at \(delay) s: \(following.stderr)")
            let new = try #require(f.lockBytes())
            #expect(
                during == old || during == new, "run \(run), killed after \(delay) s: flake.lock is neither old nor new"
            )
            #expect(new != old, "run \(run) changed nothing")
            let left = try f.temporaries()
            #expect(left.isEmpty, "run \(run): \(left)")
        }
        // Some runs must have been killed for the test to say anything.
        #expect(killed > Self.runs / 4, "only \(killed) of \(Self.runs) runs were killed")
    }

    /// A temporary file of a killed run (named as flakelock names them, its process gone)
    /// is removed by the next run that may write the lock, even when nothing changes; one
    /// of a process still running, and files merely looking alike, stay.
    @Test func nextRunRemovesStaleTemporaries() throws {
        let f = try Fixture()
        let first = try BuiltBinary.runFlakelock(["lock", f.top], environment: f.environment(0))
        try #require(first.status == 0, "\(first.stderr)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        let dead = p.processIdentifier
        let stale = ".flake.lock.tmp-\(dead)-4242-0"
        let live = ".flake.lock.tmp-1-4242-0"
        let other = ".flake.lock.tmp-notours"
        for name in [stale, live, other] { try f.dir.write("top/" + name, "{\"partial\n") }
        let r = try BuiltBinary.runFlakelock(["lock", f.top], environment: f.environment(1))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("removed '\(f.top)/\(stale)', left behind by an earlier run"))
        #expect(try f.temporaries().sorted() == [live, other].sorted())
    }

    /// A symlinked flake.lock stays a link: the file it points to gets the new lock and
    /// keeps its mode, as Nix writes through the link.
    @Test func symlinkedLockIsWrittenThrough() throws {
        let f = try Fixture()
        try f.dir.write("lockstore/flake.lock", "")
        try FileManager.default.removeItem(atPath: f.dir.path + "/lockstore/flake.lock")
        try f.dir.symlink("top/flake.lock", to: "../lockstore/flake.lock")
        let created = try BuiltBinary.runFlakelock(["lock", f.top], environment: f.environment(0))
        #expect(created.status == 0, "\(created.stderr)")
        chmod(f.dir.path + "/lockstore/flake.lock", 0o640)
        try f.advance()
        let updated = try BuiltBinary.runFlakelock(["update", "--flake", f.top], environment: f.environment(1))
        #expect(updated.status == 0, "\(updated.stderr)")
        let attrs = try FileManager.default.attributesOfItem(atPath: f.lockPath)
        #expect(attrs[.type] as? FileAttributeType == .typeSymbolicLink)
        let target = try FileManager.default.attributesOfItem(atPath: f.dir.path + "/lockstore/flake.lock")
        #expect(target[.posixPermissions] as? Int == 0o640)
        let text = try String(contentsOfFile: f.dir.path + "/lockstore/flake.lock", encoding: .utf8)
        #expect(text.contains("\"rev\": \"\(try f.repo.git("rev-parse", "HEAD"))\""))
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.dir.path + "/lockstore") == ["flake.lock"])
    }
}
