import FlakeLockTestSupport
import Foundation
import Testing

/// Usage errors and error rendering, as Nix prints them (`src/libutil/args.cc`,
/// `src/nix/flake.cc`, `src/libutil/error.cc`), through the built binary.
struct UsageErrorTests {
    static let tryHelp = "Try 'flakelock --help' for more information.\n"

    @Test(arguments: [
        (["lock", "--x"], "unrecognised flag '--x'"),
        (["metadata", "-Z"], "unrecognised flag '-Z'"),
        (["update", "--flake"], "flag '--flake' requires 1 argument(s), but only 0 were given"),
        (["why"], "more arguments are required"),
        (["why", "a", "b", "c"], "unexpected argument 'c'"),
    ])
    func argumentParserErrorsReadLikeNix(arguments: [String], message: String) throws {
        let box = try CLISandbox()
        let r = try box.run(arguments)
        #expect(r.status == 1)
        #expect(r.stderr == "error: \(message)\n" + Self.tryHelp)
        #expect(r.stdout.isEmpty)
    }

    @Test func helpStillExitsZero() throws {
        let box = try CLISandbox()
        let r = try box.run(["lock", "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("USAGE: flakelock lock"))
    }

    @Test func updateDotFailsAndNamesTheFlakeFlag() throws {
        let box = try CLISandbox()
        let flake = try box.flake(nix: CLISandbox.emptyFlake)
        let r = try box.run(["update", "."], in: flake)
        #expect(r.status == 1)
        #expect(
            r.stderr == """
                warning: Invalid flake input '.'. To update a specific flake, use 'flakelock update --flake .' instead.
                error: invalid flake input attribute path element '.'

                """ + Self.tryHelp)
        #expect(!FileManager.default.fileExists(atPath: flake + "/flake.lock"))
    }

    @Test func updateEmptyInputFails() throws {
        let box = try CLISandbox()
        let flake = try box.flake(nix: CLISandbox.emptyFlake)
        let r = try box.run(["update", ""], in: flake)
        #expect(r.status == 1)
        #expect(
            r.stderr.hasSuffix(
                "error: input path to be updated cannot be zero-length; it would refer to the flake itself, not an input\n"
                    + Self.tryHelp))
        #expect(r.stderr.hasPrefix("warning: Invalid flake input ''."))
    }

    /// `/some/dir` splits into the input path some/dir, as in Nix; Nix only warns that it
    /// matches no input.
    @Test func updateUnknownInputWarnsAsNixDoes() throws {
        let box = try CLISandbox()
        let flake = try box.flake(nix: CLISandbox.emptyFlake)
        let r = try box.run(["update", "/some/dir"], in: flake)
        #expect(r.stderr.contains("warning: 'some/dir' does not match any input of this flake\n"))
        #expect(r.status == 0)
    }

    @Test func syntaxErrorPrintsOnceWithSourceAndCaret() throws {
        let box = try CLISandbox()
        let flake = try box.flake(nix: "{\n  inputs = { };\n  outputs = { self }: { }\n}\n")
        let r = try box.run(["lock"], in: flake)
        #expect(r.status == 1)
        #expect(
            r.stderr == """
                error: syntax error, unexpected '}', expecting ';'
                       at \(flake)/flake.nix:4:1:
                            3|   outputs = { self }: { }
                            4| }
                             | ^

                """)
    }
}

/// `--show-trace` adds the context chain that Nix 2.8 hides behind its hint.
struct ShowTraceTests {
    @Test func showTraceAddsTheContexts() throws {
        let box = try CLISandbox()
        let flake = try box.flake(
            nix:
                "{\n  inputs.x = { url = \"path:/nonexistent/flakelock\"; flake = false; };\n  outputs = { self, x }: { };\n}\n"
        )
        let plain = try box.run(["lock", "--compat", "nix-2.8"], in: flake)
        #expect(plain.status == 1)
        #expect(plain.stderr.hasSuffix("(use '--show-trace' to show detailed location information)\n"))
        #expect(!plain.stderr.contains("… while"))
        for flag in [["--show-trace"], ["--option", "show-trace", "true"]] {
            let traced = try box.run(["lock", "--compat", "nix-2.8"] + flag, in: flake)
            #expect(traced.status == 1)
            #expect(traced.stderr.contains("\n       … while updating the lock file of flake "), "\(traced.stderr)")
            #expect(!traced.stderr.contains("use '--show-trace'"))
        }
        let current = try box.run(["lock"], in: flake)
        #expect(current.stderr.hasPrefix("error:\n       … while"))
    }

    /// An error in a nested input declaration: Nix 2.8 adds `in flake attribute` for each
    /// attribute from the innermost out, and words the `url` of another type `a string`.
    @Test func nestedAttributeTracesComeInnermostFirst() throws {
        let box = try CLISandbox()
        let flake = try box.flake(
            nix: "{ inputs.a = { url = \"path:/tmp\"; inputs.c.url = 1; }; outputs = { self, a }: { }; }\n")
        let r = try box.run(["lock", "--compat", "nix-2.8", "--show-trace"], in: flake)
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("error: expected a string but got an integer at ") == true, "\(r.stderr)")
        #expect(
            Array(lines.dropFirst())
                == ["       … in flake attribute 'url'", "       … in flake attribute 'inputs'"], "\(r.stderr)")
    }
}
