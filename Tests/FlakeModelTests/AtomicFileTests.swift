import FlakeLockBasics
import FlakeLockTestSupport
import FlakeModel
import Foundation
import Testing

/// Writing through symbolic links, keeping mode and owner, and tidying the temporary files
/// that killed runs leave behind.
struct AtomicFileTests {
    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    static func isLink(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
    }

    static func listing(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    }

    @Test func writesThroughRelativeAndChainedLinks() throws {
        let d = TestDirectory.make()
        try d.write("real/flake.lock", "old\n")
        chmod(d.path + "/real/flake.lock", 0o600)
        try d.mkdir("flake")
        try d.symlink("flake/flake.lock", to: "../real/flake.lock")
        try d.symlink("flake/second.lock", to: d.path + "/flake/flake.lock")
        try AtomicFile.write(Array("new\n".utf8), to: d.path + "/flake/flake.lock")
        #expect(Self.isLink(d.path + "/flake/flake.lock"))
        #expect(try String(contentsOfFile: d.path + "/real/flake.lock", encoding: .utf8) == "new\n")
        #expect(try Self.mode(d.path + "/real/flake.lock") == 0o600)
        try AtomicFile.write(Array("newer\n".utf8), to: d.path + "/flake/second.lock")
        #expect(Self.isLink(d.path + "/flake/second.lock") && Self.isLink(d.path + "/flake/flake.lock"))
        #expect(try String(contentsOfFile: d.path + "/real/flake.lock", encoding: .utf8) == "newer\n")
        #expect(try Self.listing(d.path + "/real") == ["flake.lock"])
        #expect(try Self.listing(d.path + "/flake") == ["flake.lock", "second.lock"])
    }

    @Test func danglingLinkCreatesItsTargetAndLoopsFail() throws {
        let d = TestDirectory.make()
        try d.symlink("flake.lock", to: "sub/target.lock")
        try d.mkdir("sub")
        try AtomicFile.write(Array("x\n".utf8), to: d.path + "/flake.lock")
        #expect(Self.isLink(d.path + "/flake.lock"))
        #expect(try String(contentsOfFile: d.path + "/sub/target.lock", encoding: .utf8) == "x\n")
        try d.symlink("a", to: "b")
        try d.symlink("b", to: "a")
        do {
            try AtomicFile.write([], to: d.path + "/a")
            Issue.record("a link loop was written through")
        } catch {
            #expect(error.path == d.path + "/a" && error.errno == ELOOP)
            #expect(error.description.hasPrefix("cannot follow the symbolic links of '\(d.path)/a': "))
        }
        #expect(try Self.listing(d.path) == ["a", "b", "flake.lock", "sub"])
    }

    @Test func keepsModeAndOwner() throws {
        let d = TestDirectory.make()
        let path = d.path + "/flake.lock"
        try d.write("flake.lock", "old\n")
        chmod(path, 0o640)
        let asRoot = getuid() == 0
        if asRoot { chown(path, 4321, 4322) }
        try AtomicFile.write(Array("new\n".utf8), to: path)
        #expect(try Self.mode(path) == 0o640)
        var st = stat()
        #expect(stat(path, &st) == 0)
        if asRoot { #expect(st.st_uid == 4321 && st.st_gid == 4322) } else { #expect(st.st_uid == getuid()) }
        chmod(path, 0o755)
        try AtomicFile.write(Array("newer\n".utf8), to: path)
        #expect(try Self.mode(path) == 0o755)
    }

    /// A process id that has exited (that of a finished child).
    static func deadPID() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }

    static func touch(_ path: String, ageSeconds: Double) {
        let t = Date().timeIntervalSince1970 - ageSeconds
        var times = [timeval(tv_sec: Int(t), tv_usec: 0), timeval(tv_sec: Int(t), tv_usec: 0)]
        utimes(path, &times)
    }

    @Test func removesOnlyStaleTemporariesOfEarlierRuns() throws {
        let d = TestDirectory.make()
        let dead = try Self.deadPID()
        let files: [(name: String, age: Double, stale: Bool)] = [
            (".flake.lock.tmp-\(dead)-12345-0", 3600, true),
            // (Not "a second ago": the run's start is when this process first looked, maybe
            // minutes ago in another test.)
            (".flake.lock.tmp-\(dead)-9-99", 7200, true),
            (".flake.lock.tmp-\(dead)-12345-1", -3600, false),  // written after this process started
            (".flake.lock.tmp-1-12345-0", 3600, false),  // process 1 is alive
            (".flake.lock.tmp-\(getpid())-12345-0", 3600, false),  // this process
            (".flake.lock.tmp-\(dead)-x-0", 3600, false),
            (".flake.lock.tmp-\(dead)-1", 3600, false),
            (".other.lock.tmp-\(dead)-12345-0", 3600, false),
            ("flake.lock.tmp-\(dead)-12345-0", 3600, false),
        ]
        try d.write("flake.lock", "lock\n")
        for f in files {
            try d.write(f.name, "partial")
            Self.touch(d.path + "/" + f.name, ageSeconds: f.age)
        }
        let removed = AtomicFile.removeStaleTemporaries(for: d.path + "/flake.lock")
        #expect(Set(removed) == Set(files.filter(\.stale).map { d.path + "/" + $0.name }))
        #expect(try Self.listing(d.path) == (["flake.lock"] + files.filter { !$0.stale }.map(\.name)).sorted())
        // Through a link, the target's directory is tidied.
        try d.mkdir("link")
        try d.symlink("link/flake.lock", to: "../flake.lock")
        try d.write(".flake.lock.tmp-\(dead)-5-0", "partial")
        Self.touch(d.path + "/.flake.lock.tmp-\(dead)-5-0", ageSeconds: 60)
        let viaLink = AtomicFile.removeStaleTemporaries(for: d.path + "/link/flake.lock")
        #expect(viaLink == [d.path + "/link/../.flake.lock.tmp-\(dead)-5-0"])
        #expect(!FileManager.default.fileExists(atPath: d.path + "/.flake.lock.tmp-\(dead)-5-0"))
    }
}
