import FlakeLockTestSupport
import Foundation
import Testing

/// Builds Examples/ (a separate package that depends on this one by path and uses the
/// `FlakeLock` product) with `swift build` into .build-examples, and runs its program on a
/// local flake. Set FLAKELOCK_SKIP_EXAMPLES_TEST=1 to leave it out of a local run; CI does
/// not set it.
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["FLAKELOCK_SKIP_EXAMPLES_TEST"].map { $0.isEmpty || $0 == "0" } ?? true,
        "FLAKELOCK_SKIP_EXAMPLES_TEST is set: Examples/ is not built"),
    .timeLimit(.minutes(90)))
struct ExamplePackageTests {
    @Test func examplePackageBuildsAndLocksAFlake() throws {
        let root = RepositoryRoot.path
        let build = try ProcessRunner.run(
            "swift", ["build", "--package-path", root + "/Examples", "--scratch-path", root + "/.build-examples"])
        #expect(build.status == 0, "swift build of Examples/ failed:\n\(build.stdout)\n\(build.stderr)")
        guard build.status == 0 else { return }
        let binPath = try ProcessRunner.check(
            "swift",
            [
                "build", "--package-path", root + "/Examples", "--scratch-path", root + "/.build-examples",
                "--show-bin-path",
            ]
        ).trimmingCharacters(in: .whitespacesAndNewlines)

        let d = TestDirectory.make(prefix: "flakelock-example-run")
        try d.write("src/hello.txt", "hello\n")
        try d.write(
            "flake/flake.nix",
            "{\n  description = \"example flake\";\n  inputs.src = { url = \"path:\(d.path)/src\"; flake = false; };\n  outputs = { self, src }: { };\n}\n"
        )
        let env = RepositoryRoot.isolatedEnvironment(under: d.path)
        let run = try ProcessRunner.run(binPath + "/flakelock-example", [d.path + "/flake"], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(run.stderr.hasPrefix("nix says: creating lock file"), "\(run.stderr)")
        #expect(lines.prefix(3) == ["flake: example flake", "inputs: src", "wrote \(d.path)/flake/flake.lock"])
        #expect(lines.contains { $0.hasPrefix("pin src: path:\(d.path)/src?") && $0.contains("narHash=sha256-") })
        #expect(lines.contains("audit: 1 finding(s)"))
        #expect(lines.contains { $0.hasPrefix("  [path-input] src:") })
        // The example wrote what the command line writes.
        let written = try String(contentsOfFile: d.path + "/flake/flake.lock", encoding: .utf8)
        try FileManager.default.removeItem(atPath: d.path + "/flake/flake.lock")
        try ProcessRunner.check(BuiltBinary.flakelock, ["lock"], environment: env, currentDirectory: d.path + "/flake")
        #expect(try String(contentsOfFile: d.path + "/flake/flake.lock", encoding: .utf8) == written)
    }
}
