import FlakeLockTestSupport
import Foundation
import Testing

/// Nix 2.8 resolves a relative `path:` input against the store copy of the declaring flake's
/// tree, also when that tree is a tarball or a Git revision rather than a directory on disk:
/// the input is the tree's entry at that path, locked with the entry's NAR hash and
/// `lastModified` 1. flakelock hashes the entry from the archive or the Git objects. Real
/// Nix 2.8 agrees, byte for byte, when it is installed.
struct Nix28RelativeInTreeTests {
    /// `flakelock hash path DIR`: the NAR hash of a directory on disk, the independent
    /// reference for an entry hashed from an archive or from Git objects.
    func diskHash(_ cli: ParityCLI, _ dir: String) throws -> String {
        let r = try cli.run(["hash", "path", dir], in: cli.scratch.path)
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes `top/flake.nix` with the one input declaration `input` and locks it with
    /// `--compat nix-2.8`: the directory, the lock's text and its parsed form.
    func lock28(_ cli: ParityCLI, input: String) throws -> (top: String, text: String, lock: NSDictionary) {
        let top = cli.scratch.path + "/top"
        try FileManager.default.createDirectory(atPath: top, withIntermediateDirectories: true)
        try "{ inputs.\(input) outputs = _: { }; }".write(toFile: top + "/flake.nix", atomically: true, encoding: .utf8)
        let r = try cli.run(["lock", "--compat", "nix-2.8"], in: top)
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: top + "/flake.lock", encoding: .utf8)
        return (top, text, try ParityCLI.json(text))
    }

    func locked(_ lock: NSDictionary, _ node: String) throws -> NSDictionary {
        try #require(((lock["nodes"] as? NSDictionary)?[node] as? NSDictionary)?["locked"] as? NSDictionary)
    }

    @Test func relativeInputsOfATarballFlakeAreItsEntries() throws {
        let cli = ParityCLI()
        let src = cli.scratch.path + "/src"
        try FileManager.default.createDirectory(atPath: src + "/t/sub/deep", withIntermediateDirectories: true)
        try #"{ inputs.s.url = "path:./sub"; inputs.n = { url = "path:sub/deep"; flake = false; }; outputs = _: { }; }"#
            .write(toFile: src + "/t/flake.nix", atomically: true, encoding: .utf8)
        try #"{ inputs.d = { url = "path:./deep"; flake = false; }; outputs = _: { }; }"#.write(
            toFile: src + "/t/sub/flake.nix", atomically: true, encoding: .utf8)
        try "hi\n".write(toFile: src + "/t/sub/deep/f", atomically: true, encoding: .utf8)
        let tarball = cli.scratch.path + "/t.tar.gz"
        _ = try FixtureShell.run(["tar", "-czf", tarball, "-C", src, "t"])
        let (top, text, lock) = try lock28(cli, input: #"t.url = "file://\#(tarball)";"#)
        let s = try locked(lock, "s")
        #expect(s["path"] as? String == "./sub")
        #expect(s["lastModified"] as? Int == 1)
        #expect(s["narHash"] as? String == (try diskHash(cli, src + "/t/sub")))
        let deep = try diskHash(cli, src + "/t/sub/deep")
        #expect(try locked(lock, "n")["narHash"] as? String == deep)
        // The sub-flake's own relative input resolves inside the same tarball.
        #expect(try locked(lock, "d")["narHash"] as? String == deep)
        #expect(try locked(lock, "d")["path"] as? String == "./deep")

        // A no-op lock, and an update of the nested input, keep every byte.
        for args in [["lock"], ["lock", "--update-input", "t/s/d"]] {
            let again = try cli.run(args + ["--compat", "nix-2.8"], in: top)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try String(contentsOfFile: top + "/flake.lock", encoding: .utf8) == text)
        }

        try FileManager.default.removeItem(atPath: top + "/flake.lock")
        guard let nix = try cli.runNix(["lock"], in: top) else { return }
        #expect(nix.status == 0, "\(nix.stderr)")
        #expect(try String(contentsOfFile: top + "/flake.lock", encoding: .utf8) == text)
    }

    @Test func aRelativeInputAboveAGitSubflakeAtABranchIsTheRevisionsTree() throws {
        let cli = ParityCLI()
        let repo = try GitFixtureRepository(at: cli.scratch.path + "/dep")
        try repo.write("flake.nix", "{ outputs = _: { }; }")
        try repo.write("sub/flake.nix", #"{ inputs.c.url = "path:.."; outputs = _: { }; }"#)
        _ = try repo.commit("one")
        _ = try repo.git("checkout", "-q", "-b", "dev")
        try repo.write("f", "two\n")
        _ = try repo.commit("two")
        _ = try repo.git("checkout", "-q", "main")
        let (top, text, lock) = try lock28(cli, input: #"x.url = "git+file://\#(repo.path)?ref=dev&dir=sub";"#)
        let x = try locked(lock, "x")
        let c = try locked(lock, "c")
        // `..` from `sub` is the root of the `dev` revision's tree (with `f`), not the work tree.
        #expect(c["narHash"] as? String == x["narHash"] as? String)
        #expect(c["lastModified"] as? Int == 1)
        #expect(c["path"] as? String == "..")

        // Current Nix keeps the input relative to its parent instead.
        try FileManager.default.removeItem(atPath: top + "/flake.lock")
        let current = try cli.run(["lock"], in: top)
        #expect(current.status == 0, "\(current.stderr)")
        let node = try #require(
            (try ParityCLI.json(file: top + "/flake.lock")["nodes"] as? NSDictionary)?["c"] as? NSDictionary)
        #expect(node["parent"] as? [String] == ["x"])
        #expect((node["locked"] as? NSDictionary)?["narHash"] == nil)

        try FileManager.default.removeItem(atPath: top + "/flake.lock")
        guard let nix = try cli.runNix(["lock"], in: top) else { return }
        #expect(nix.status == 0, "\(nix.stderr)")
        #expect(try String(contentsOfFile: top + "/flake.lock", encoding: .utf8) == text)
    }
}
