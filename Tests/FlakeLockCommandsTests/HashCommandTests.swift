import FlakeLockTestSupport
import Foundation
import Testing

@testable import FlakeLockCommands

struct HashCommandTests {
    @Test func parsesHashPath() throws {
        let cmd = try FlakeLockCommand.parseAsRoot(["hash", "path", "--format", "nix32", "a", "b"])
        let hp = try #require(cmd as? FlakeLockCommand.HashPath)
        #expect(hp.paths == ["a", "b"])
        #expect(hp.format == .nix32)
        #expect(hp.global.compat == .nix)
    }

    @Test(arguments: ["nix", "nix-2.31", "nix-2.8", "lix"])
    func acceptsEveryCompatProfile(_ compat: String) throws {
        let cmd = try FlakeLockCommand.parseAsRoot(["hash", "path", "--compat", compat, "x"])
        #expect((cmd as? FlakeLockCommand.HashPath)?.global.compat.rawValue == compat)
    }

    @Test func rejectsUnknownCompat() {
        #expect(throws: (any Error).self) {
            try FlakeLockCommand.parseAsRoot(["hash", "path", "--compat", "nix-1.0", "x"])
        }
    }

    @Test func builtBinaryHashesLikeNix() throws {
        let d = TestDirectory.make()
        try d.write("a", "hi\n")
        let plain = try BuiltBinary.runFlakelock(["hash", "path", d.path])
        #expect(plain.status == 0)
        #expect(plain.stdout == "sha256-h4gyzSK14DjhF7cBN4VY+Km2ytc4Gg5tV6noZdNPhaY=\n")

        let json = try BuiltBinary.runFlakelock(["hash", "path", "--json", d.path])
        #expect(
            json.stdout
                == #"{"hash":"sha256-h4gyzSK14DjhF7cBN4VY+Km2ytc4Gg5tV6noZdNPhaY=","narSize":288,"storePath":"/nix/store/ms37m6i4z2hfa1lm7a6lch7lw9vcr26l-source"}"#
                + "\n")

        let nix32 = try BuiltBinary.runFlakelock(["hash", "path", "--format", "nix32", d.path])
        #expect(nix32.stdout == "19l59z9nbs59axnhw6iqsz5bdagqb22kf0dp2zhkiq5m4b6k5247\n")
        if try NixOracle.available() {
            #expect(plain.stdout == (try NixOracle.hashPath(d.path)) + "\n")
        }
    }

    @Test func errorsAreNixStyleWithStatus1() throws {
        let r = try BuiltBinary.runFlakelock(["hash", "path", "/nonexistent/x"])
        #expect(r.status == 1)
        #expect(r.stderr == "error: getting status of '/nonexistent/x': No such file or directory\n")
        #expect(r.stdout.isEmpty)
    }

    @Test func versionAndHelp() throws {
        let v = try BuiltBinary.runFlakelock(["--version"])
        #expect(v.stdout == FlakeLockCommand.version + "\n")
        for args in [["--help"], ["hash", "--help"], ["hash", "path", "--help"]] {
            let h = try BuiltBinary.runFlakelock(args)
            #expect(h.status == 0)
            #expect(h.stdout.contains("USAGE:"))
        }
        let help = try BuiltBinary.runFlakelock(["hash", "path", "--help"])
        #expect(help.stdout.contains("--compat <compat>"))
    }
}
