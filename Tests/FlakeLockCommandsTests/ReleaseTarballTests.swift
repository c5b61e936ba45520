import FlakeLockTestSupport
import Foundation
import Testing

/// Builds the release tarball with Scripts/release.sh (once per test run: a release build
/// takes minutes) and runs what it contains with the Swift toolchain hidden.
///
/// Set FLAKELOCK_SKIP_RELEASE_TEST=1 to leave it out of a local run; CI does not set it.
@Suite(.enabled(if: ReleaseTarball.enabled, ReleaseTarball.skipReason), .timeLimit(.minutes(90)))
struct ReleaseTarballTests {
    @Test func tarballHoldsBinaryCompletionsAndManPages() throws {
        let dir = try ReleaseTarball.unpacked()
        let files = try FileManager.default.subpathsOfDirectory(atPath: dir)
        for expected in [
            "bin/flakelock", "share/bash-completion/completions/flakelock", "share/zsh/site-functions/_flakelock",
            "share/fish/vendor_completions.d/flakelock.fish", "share/man/man1/flakelock.1",
            "share/man/man1/flakelock.lock.1", "share/man/man1/flakelock.hash.path.1", "RUNTIME-DEPENDENCIES",
        ] {
            #expect(files.contains(expected), "missing \(expected)")
        }
        let bash = try String(contentsOfFile: dir + "/share/bash-completion/completions/flakelock", encoding: .utf8)
        #expect(bash.contains("complete") && bash.contains("audit"))
        let man = try String(contentsOfFile: dir + "/share/man/man1/flakelock.lock.1", encoding: .utf8)
        #expect(man.contains(".Dt FLAKELOCK.LOCK 1") && man.contains("recreate-lock-file"))
        let version = try ProcessRunner.check(dir + "/bin/flakelock", ["--version"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let arch = try ProcessRunner.check("uname", ["-m"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try ReleaseTarball.path().hasSuffix("/flakelock-\(version)-linux-\(arch).tar.gz"))
    }

    @Test func binaryNeedsNoSwiftRuntime() throws {
        let ldd = try ProcessRunner.check("ldd", [try ReleaseTarball.unpacked() + "/bin/flakelock"])
        #expect(!ldd.contains("libswift"), "\(ldd)")
        #expect(ldd.contains("libgit2") && ldd.contains("libcurl") && ldd.contains("libarchive"))
    }

    /// With the toolchain's runtime directory hidden behind an empty tmpfs (a private mount
    /// namespace), the packed binary hashes a path and locks a flake with a path input.
    @Test func packedBinaryRunsWithoutToolchain() throws {
        let bin = try ReleaseTarball.unpacked() + "/bin/flakelock"
        let hidden = try ReleaseTarball.toolchainDirectory()
        let work = TestDirectory.make(prefix: "flakelock-release-run")
        try work.write("dep/flake.nix", "{ outputs = { self }: { }; }\n")
        try work.write("dep/data.txt", "some data\n")
        try work.write(
            "top/flake.nix", "{ inputs.dep.url = \"path:\(work.path)/dep\";\n  outputs = { self, dep }: { };\n}\n")
        let env = RepositoryRoot.isolatedEnvironment(under: work.path)
        let script = """
            mount -t tmpfs none "$HIDE" && test ! -e "$HIDE/usr" && test -z "$(ls -A "$HIDE")" || exit 97
            "$BIN" hash path "$WORK/dep" && cd "$WORK/top" && "$BIN" lock
            """
        var hiddenEnv = env
        hiddenEnv["HIDE"] = hidden
        hiddenEnv["BIN"] = bin
        hiddenEnv["WORK"] = work.path
        let run = try ProcessRunner.run("unshare", ["-m", "sh", "-c", script], environment: hiddenEnv)
        #expect(run.status == 0, "exit \(run.status): \(run.stderr)")
        let hash = run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(hash.hasPrefix("sha256-"))
        let lock = try String(contentsOfFile: work.path + "/top/flake.lock", encoding: .utf8)
        #expect(lock.contains("\"narHash\": \"\(hash)\""), "\(lock)")
        #expect(lock.contains("\"type\": \"path\""))
        // The debug build of the same sources agrees (run normally).
        let debugHash = try BuiltBinary.runFlakelock(["hash", "path", work.path + "/dep"], environment: env)
        #expect(debugHash.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == hash)
    }
}

/// The release tarball, built once per process.
enum ReleaseTarball {
    static var enabled: Bool {
        #if os(Linux)
            ProcessInfo.processInfo.environment["FLAKELOCK_SKIP_RELEASE_TEST"].map { $0.isEmpty || $0 == "0" } ?? true
        #else
            false
        #endif
    }

    static var skipReason: Comment {
        #if os(Linux)
            "FLAKELOCK_SKIP_RELEASE_TEST is set: the release tarball is not built"
        #else
            "release tarballs are built for Linux only (Scripts/release.sh); skipped on this platform"
        #endif
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private static let built: Result<(tarball: String, directory: String), Failure> = {
        let script = RepositoryRoot.path + "/Scripts/release.sh"
        do {
            let out = try ProcessRunner.check(script, [], currentDirectory: RepositoryRoot.path)
            let tarball = out.split(separator: "\n").last.map(String.init) ?? ""
            let dir = NSTemporaryDirectory() + "/flakelock-release-unpacked-\(getpid())"
            try? FileManager.default.removeItem(atPath: dir)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try ProcessRunner.check("tar", ["-xzf", tarball, "-C", dir, "--strip-components=1"])
            return .success((tarball, dir))
        } catch {
            return .failure(Failure(description: "\(script): \(error)"))
        }
    }()

    static func path() throws -> String { try built.get().tarball }
    static func unpacked() throws -> String { try built.get().directory }

    /// The directory to hide: the toolchain root holding the Swift runtime the debug build
    /// links (`/opt/swift` for `/opt/swift/usr/lib/swift/linux/libswiftCore.so`), or the
    /// runtime directory itself when the toolchain lives in `/usr`.
    static func toolchainDirectory() throws -> String {
        let ldd = try ProcessRunner.check("ldd", [BuiltBinary.flakelock])
        guard let line = ldd.split(separator: "\n").first(where: { $0.contains("libswiftCore.so") }),
            let arrow = line.range(of: "=> "), let end = line.range(of: "/libswiftCore.so")
        else { throw Failure(description: "ldd \(BuiltBinary.flakelock) shows no libswiftCore: \(ldd)") }
        let runtime = String(line[arrow.upperBound..<end.lowerBound])  // …/usr/lib/swift/linux
        guard let usr = runtime.range(of: "/usr/lib/swift"), usr.lowerBound != runtime.startIndex else {
            return runtime
        }
        return String(runtime[..<usr.lowerBound])
    }
}
