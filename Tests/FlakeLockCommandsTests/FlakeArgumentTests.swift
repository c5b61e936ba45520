import FlakeLockTestSupport
import Foundation
import Testing

/// The FLAKE argument's path form on a real file system, as current Nix's
/// `parsePathFlakeRefWithFragment` treats it (src/libflake/flakeref.cc, 2.31.5): the
/// directory check first, a path to `flake.nix` taken as its directory with a warning,
/// symlinks resolved, the `searching up` notice, a fragment refused, a query parameter
/// without `=` warned about. Nix 2.8 (`--compat nix-2.8`) searches up first and does not
/// resolve symlinks; where it is installed, real Nix 2.8 gives the same first line.
struct FlakeArgumentTests {
    /// `a/flake.nix`, `a/file`, `a/sub/`, and `links/toa` → `../a`.
    func layout() throws -> ParityCLI {
        let cli = ParityCLI()
        let d = cli.scratch.path
        let fm = FileManager.default
        try fm.createDirectory(atPath: d + "/a/sub", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: d + "/links", withIntermediateDirectories: true)
        try "{ outputs = _: {}; }\n".write(toFile: d + "/a/flake.nix", atomically: true, encoding: .utf8)
        try "x\n".write(toFile: d + "/a/file", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: d + "/links/toa", withDestinationPath: "../a")
        return cli
    }

    func resolvedURL(_ r: ProcessRunner.Output) throws -> String? {
        try ParityCLI.json(r.stdout)["resolvedUrl"] as? String
    }

    @Test func currentNixPathForm() throws {
        let cli = try layout()
        let d = cli.scratch.path
        let meta = ["metadata", "--json", "--offline"]

        let file = try cli.run(meta + ["./a/file"], in: d)
        #expect(file.status == 1)
        #expect(file.stderr == "error: path \"\(d)/a/file\" is not a flake (because it's not a directory)\n")

        let flakeNix = try cli.run(meta + ["./a/flake.nix"], in: d)
        #expect(flakeNix.status == 0, "\(flakeNix.stderr)")
        #expect(try resolvedURL(flakeNix) == "path:\(d)/a")
        #expect(
            flakeNix.stderr.contains(
                "warning: Path \"\(d)/a/flake.nix\" should point at the directory containing the 'flake.nix' file, not the file itself. Pretending that you meant \"\(d)/a\""
            ), "\(flakeNix.stderr)")

        let sub = try cli.run(meta + ["./a/sub"], in: d)
        #expect(sub.status == 0, "\(sub.stderr)")
        #expect(try resolvedURL(sub) == "path:\(d)/a")
        #expect(sub.stderr.hasPrefix("path \"\(d)/a/sub\" does not contain a 'flake.nix', searching up\n"))

        // A symlink, also in the middle of the path, names the directory it points to.
        for arg in ["./links/toa", "\(d)/links/toa/sub", "links/../links/toa"] {
            let link = try cli.run(meta + [arg], in: d)
            #expect(link.status == 0, "\(arg): \(link.stderr)")
            #expect(try resolvedURL(link) == "path:\(d)/a", "\(arg)")
        }

        let fragment = try cli.run(["lock", "./a#foo"], in: d)
        #expect(fragment.status == 1)
        #expect(fragment.stderr == "error: unexpected fragment 'foo' in flake reference './a#foo'\n")
        #expect(!FileManager.default.fileExists(atPath: d + "/a/flake.lock"))

        let dubious = try cli.run(meta + ["path:\(d)/a?bar"], in: d)
        #expect(dubious.status == 0, "\(dubious.stderr)")
        #expect(dubious.stderr == "warning: dubious URI query 'bar' is missing equal sign '=', ignoring\n")
        // An empty query or an empty name with `=` is not dubious.
        for arg in ["path:\(d)/a?", "./a?"] {
            let quiet = try cli.run(meta + [arg], in: d)
            #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(arg): \(quiet.stderr)")
        }
        // In `--override-input` too.
        let override = try cli.run(["lock", "./a", "--override-input", "x", "./a/sub?y"], in: d)
        #expect(override.stderr.contains("dubious URI query 'y'"), "\(override.stderr)")
        #expect(override.stderr.contains("path \"\(d)/a/sub\" does not contain a 'flake.nix', searching up"))
    }

    @Test func nix28PathForm() throws {
        let cli = try layout()
        let d = cli.scratch.path
        let cases: [(arg: String, status: Int32, firstLine: String)] = [
            // 2.8 searches up from the file, which has no `flake.nix` inside.
            ("./a/file", 0, "path '\(d)/a/file' does not contain a 'flake.nix', searching up"),
            ("./a/flake.nix", 0, "path '\(d)/a/flake.nix' does not contain a 'flake.nix', searching up"),
            ("./a/sub", 0, "path '\(d)/a/sub' does not contain a 'flake.nix', searching up"),
            ("./links/toa", 1, "error: path '\(d)/links/toa' is not a flake (because it's not a directory)"),
            ("./a#foo", 1, "error: unexpected fragment 'foo' in flake reference './a#foo'"),
        ]
        for c in cases {
            let r = try cli.run(["metadata", "--compat", "nix-2.8", "--offline", c.arg], in: d)
            #expect(r.status == c.status, "\(c.arg): \(r.stderr)")
            let first = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
            #expect(first == c.firstLine, "\(c.arg)")
            if let nix = try cli.runNix(["metadata", c.arg], in: d) {
                #expect(nix.status == c.status, "\(c.arg): \(nix.stderr)")
                #expect(nix.stderr.split(separator: "\n").first.map(String.init) == c.firstLine, "\(nix.stderr)")
            }
        }
        // No dubious-query warning in 2.8.
        let q = try cli.run(["metadata", "--compat", "nix-2.8", "--offline", "./a?bar"], in: d)
        #expect(q.status == 0 && !q.stderr.contains("dubious"), "\(q.stderr)")
    }
}

/// `--output-lock-file` as in current Nix's `lockFlake` (src/libflake/flake.cc, 2.31.5): the
/// file is written without the `creating`/`updating lock file` warning, the flake's own
/// lock file is left alone, and `--commit-lock-file` beside it is an error.
struct OutputLockFileTests {
    @Test func writesQuietlyAndRefusesCommitLockFile() throws {
        let cli = ParityCLI()
        let d = cli.scratch.path
        let repo = try GitFixtureRepository(at: d + "/top")
        try repo.write("dep/flake.nix", "{ outputs = _: {}; }\n")
        try repo.write("flake.nix", "{ inputs.dep.url = \"path:\(d)/top/dep\"; outputs = _: {}; }\n")
        try repo.git("add", "-A")
        try repo.commit("init")

        let out = d + "/out.lock"
        let r = try cli.run(["lock", "--output-lock-file", out], in: repo.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("lock file"), "\(r.stderr)")
        let written = try #require(FileManager.default.contents(atPath: out))
        #expect(String(decoding: written, as: UTF8.self).contains("\"dep\""))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/flake.lock"))

        let both = try cli.run(["lock", "--output-lock-file", d + "/other.lock", "--commit-lock-file"], in: repo.path)
        #expect(both.status == 1)
        #expect(both.stderr.contains("error: '--commit-lock-file' and '--output-lock-file' are incompatible"))
        #expect(!FileManager.default.fileExists(atPath: d + "/other.lock"))
    }
}

/// Only the files a Git work tree's index lists are seen (src/libfetchers/git.cc, 2.31.5;
/// tests/functional/flakes/source-paths.sh): an untracked `flake.nix` is Nix's "not tracked
/// by Git" error, and an untracked `flake.lock` is no lock file.
struct UntrackedGitFileTests {
    @Test func untrackedFlakeNixIsAnError() throws {
        let cli = ParityCLI()
        let repo = try GitFixtureRepository(at: cli.scratch.path + "/repo")
        let dep = cli.scratch.path + "/dep"
        try FileManager.default.createDirectory(atPath: dep, withIntermediateDirectories: true)
        try "{ outputs = _: {}; }\n".write(toFile: dep + "/flake.nix", atomically: true, encoding: .utf8)
        try repo.write("flake.nix", "{ inputs.dep.url = \"path:\(dep)\"; outputs = _: {}; }\n", stage: false)
        let r = try cli.run(["metadata"], in: repo.path)
        #expect(r.status == 1)
        #expect(
            r.stderr.contains(
                """
                error: Path 'flake.nix' in the repository "\(repo.path)" is not tracked by Git.

                       To make it visible to Nix, run:

                       git -C "\(repo.path)" add "flake.nix"
                """), "\(r.stderr)")
        let old = try cli.run(["metadata", "--compat", "nix-2.8"], in: repo.path)
        #expect(old.status == 1)
        #expect(old.stderr.contains("does not contain a '/flake.nix' file"), "\(old.stderr)")

        // An untracked lock file beside a tracked flake.nix is not read (this one is not even
        // JSON): the lock starts empty; the file on disk is replaced, so Nix says `updating`.
        try repo.git("add", "-N", "flake.nix")
        try "not json".write(toFile: repo.path + "/flake.lock", atomically: true, encoding: .utf8)
        let lock = try cli.run(["lock"], in: repo.path)
        #expect(lock.status == 0, "\(lock.stderr)")
        #expect(
            lock.stderr.contains("updating lock file") && lock.stderr.contains("Added input 'dep'"), "\(lock.stderr)")
    }
}
