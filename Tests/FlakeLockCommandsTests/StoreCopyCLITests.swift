import FlakeLockTestSupport
import Foundation
import Testing

/// A kept input that must be read again (it has a follows edge of its own, which the
/// top-level flake does not back) and whose source changed under the same reference since
/// it was locked: Nix reads the copy of the locked tree in its store, and so does flakelock
/// (the `flake.nix` it captured when it fetched that tree). Without that copy the fetch
/// finds the new bytes and fails with Nix's NAR hash mismatch (exit status 102).
@Suite struct StoreCopyCLITests {
    /// The dependency: a flake whose input `b` follows its input `a` (a local directory).
    static func dependency(_ env: IsolatedCLIEnvironment, readme: String) throws {
        try env.root.write("leaf/flake.nix", "{ outputs = _: { }; }\n")
        try env.root.write(
            "src/dep/flake.nix",
            "{\n  inputs.a.url = \"path:\(env.root.path)/leaf\";\n  inputs.b.follows = \"a\";\n"
                + "  outputs = _: { };\n}\n")
        try env.root.write("src/dep/README", readme)
    }

    /// A tarball served by nginx, whose bytes change under the same URL.
    @Test func aChangedTarballIsReadFromItsLockedCopy() async throws {
        guard try LoopbackNginx.available() else { return }
        let env = try IsolatedCLIEnvironment()
        let nginx = try LoopbackNginx(root: env.root.path + "/nginx")
        let (root, www) = (env.root.path, nginx.root + "/www")
        func publish(_ readme: String) async throws {
            try Self.dependency(env, readme: readme)
            _ = try await IsolatedCLIEnvironment.offPool {
                try FixtureShell.run(["tar", "-czf", "\(www)/dep.tar.gz", "-C", "\(root)/src", "dep"])
            }
        }
        try await publish("one\n")
        try env.writeFlake(inputs: "    dep.url = \"\(nginx.base)/dep.tar.gz\";")
        let first = try await env.run(["lock"])
        #expect(first.status == 0, "\(first.stderr)")
        let locked = try #require(env.lockText)

        try await publish("two, and longer\n")  // another size: another ETag
        let again = try await env.run(["lock"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(env.lockText == locked)
        #expect(!again.stderr.contains("mismatch"), "\(again.stderr)")

        // A machine without the copy fetches the new bytes, as Nix without the store path does.
        try FileManager.default.removeItem(atPath: env.cacheHome + "/flakelock")
        let cold = try await env.run(["lock"])
        #expect(cold.status == 102, "\(cold.stderr)")
        #expect(cold.stderr.contains("NAR hash mismatch in input '\(nginx.base)/dep.tar.gz"), "\(cold.stderr)")
        #expect(env.lockText == locked)

        // `update` locks the new bytes.
        let update = try await env.run(["update"])
        #expect(update.status == 0, "\(update.stderr)")
        #expect(env.lockText != locked)
    }

    /// A local directory edited since it was locked.
    @Test func anEditedPathIsReadFromItsLockedCopy() async throws {
        let env = try IsolatedCLIEnvironment()
        try Self.dependency(env, readme: "one\n")
        try env.writeFlake(inputs: "    dep.url = \"path:\(env.root.path)/src/dep\";")
        #expect(try await env.run(["lock"]).status == 0)
        let locked = try #require(env.lockText)
        try env.root.write("src/dep/README", "two\n")
        let again = try await env.run(["lock"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(env.lockText == locked)
        try FileManager.default.removeItem(atPath: env.cacheHome + "/flakelock")
        let cold = try await env.run(["lock"])
        #expect(cold.status == 102, "\(cold.stderr)")
        #expect(env.lockText == locked)
    }
}
