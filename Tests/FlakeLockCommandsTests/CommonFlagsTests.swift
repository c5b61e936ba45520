import FlakeLockTestSupport
import Foundation
import Testing

@testable import FlakeLockCommands

/// Nix's common flags and setting flags, through the built binary against a loopback
/// HTTP server.
@Suite(.serialized)
struct CommonFlagsTests {
    /// A sandbox with a flake whose one input is a file served on loopback.
    func flakeWithHTTPInput(userInfo: String = "") throws -> (CLISandbox, LoopbackHTTPServer, String) {
        let box = try CLISandbox()
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/f": [.init(body: "hello\n")]])
        let url = server.url("/f").replacingOccurrences(of: "http://", with: "file+http://" + userInfo)
        let flake = try box.flake(
            nix: "{\n  inputs.f = { url = \"\(url)\"; flake = false; };\n  outputs = { self, f }: { };\n}\n")
        return (box, server, flake)
    }

    @Test func verbosityLevelsDriveTheLog() throws {
        let (box, server, flake) = try flakeWithHTTPInput()
        defer { server.stop() }
        let quiet = try box.run(["lock", "--no-update-lock-file"], in: flake)
        #expect(quiet.status == 1)
        #expect(!quiet.stderr.contains("locking input"))

        let v = try box.run(["lock", "-v"], in: flake)
        #expect(v.status == 0, "\(v.stderr)")
        #expect(v.stderr.contains("locking input 'f' from 'http://127.0.0.1:\(server.port)/f'\n"))
        #expect(!v.stderr.contains("downloaded '"))

        try FileManager.default.removeItem(atPath: flake + "/flake.lock")
        let vv = try box.run(["lock", "-vv"], in: flake)
        #expect(vv.status == 0)
        let line = try #require(
            vv.stderr.split(separator: "\n").first { $0.hasPrefix("downloaded 'http://127.0.0.1:\(server.port)/f'") })
        #expect(line.range(of: #": HTTP 200, 6 bytes in [0-9]+ ms$"#, options: .regularExpression) != nil, "\(line)")

        let keep = try box.run(["lock", "--verbose"], in: flake)
        #expect(keep.stderr.contains("keeping locked input 'f'\n"))
        let debug = try box.run(["metadata", "--debug", "--no-write-lock-file", "--quiet"], in: flake)
        #expect(debug.status == 0)
        #expect(debug.stderr.contains("keeping locked input 'f'\n"))
    }

    @Test func passwordsInURLsAreRedacted() throws {
        let (box, server, flake) = try flakeWithHTTPInput(userInfo: "me:sekrit@")
        defer { server.stop() }
        let r = try box.run(["lock", "-vv", "--access-tokens", "github.com=ghp_tokentoken"], in: flake)
        // The lock file diff shows the URL as flake.nix wrote it, as Nix's does; the log redacts.
        let log = r.stderr.split(separator: "\n").filter { $0.hasPrefix("locking") || $0.hasPrefix("download") }
        #expect(log.count == 3)
        #expect(log.allSatisfy { $0.contains("me:***@") && !$0.contains("sekrit") })
        #expect(!r.stderr.contains("ghp_tokentoken"))
    }

    @Test func nixCommonFlagsAreAccepted() throws {
        let box = try CLISandbox()
        let flake = try box.flake(nix: CLISandbox.emptyFlake)
        let r = try box.run(
            [
                "lock", "-L", "--print-build-logs", "--log-format", "raw", "--show-trace", "--refresh", "--impure",
                "--accept-flake-config", "--no-use-registries", "--flake-registry", "", "--store", "/nix/store",
                "--commit-lock-file-summary", "x", "--no-allow-dirty", "--warn-dirty", "--tarball-ttl", "0",
                "--connect-timeout", "5", "--http-connections", "4", "--extra-experimental-features", "flakes",
            ], in: flake)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty || !r.stderr.contains("error"))
        let bad = try box.run(["lock", "--log-format", "fancy"], in: flake)
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("error: option 'log-format' has invalid value 'fancy'\n"))
    }

    @Test func settingFlagsBecomeOptions() throws {
        let sep = "\u{1F}"
        #expect(
            PairArgument.preprocess([
                "lock", "--store", "/s", "--no-warn-dirty", "--allow-dirty", "--show-trace", "--json", "--", "--store",
            ])
                == [
                    "lock", "--option", "store\(sep)/s", "--option", "warn-dirty\(sep)false", "--option",
                    "allow-dirty\(sep)true",
                    "--show-trace", "--json", "--", "--store",
                ])
        let cmd = try FlakeLockCommand.parseAsRoot(
            PairArgument.preprocess(["prefetch", "x", "--tarball-ttl", "7", "-vv"]))
        let prefetch = try #require(cmd as? FlakeLockCommand.Prefetch)
        #expect(prefetch.global.settingPairs.map { "\($0.0)=\($0.1)" } == ["tarball-ttl=7"])
        #expect(prefetch.global.verbosity == 5)
    }

    @Test func unknownAndInvalidSettings() throws {
        let box = try CLISandbox(nixConf: "no-such-setting = 1\nexperimental-features = nix-command flakes\n")
        let flake = try box.flake(nix: CLISandbox.emptyFlake)
        let r = try box.run(["lock"], in: flake)
        #expect(r.status == 0)
        #expect(r.stderr.contains("warning: unknown setting 'no-such-setting'\n"))
        #expect(!r.stderr.contains("experimental-features"))
        let option = try box.run(["prefetch", "path:" + flake, "--option", "bogus-thing", "x"])
        #expect(option.status == 0, "\(option.stderr)")
        #expect(option.stderr.contains("warning: unknown setting 'bogus-thing'\n"))

        let bad = try box.run(["lock", "--option", "connect-timeout", "abc"], in: flake)
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("error: setting 'connect-timeout' has invalid value 'abc'\n"))
        let badBool = try box.run(["lock", "--option", "warn-dirty", "maybe"], in: flake)
        #expect(badBool.stderr.hasPrefix("error: Boolean setting 'warn-dirty' has invalid value 'maybe'\n"))
    }
}

/// `nixConfig` trust, as `src/libflake/config.cc` decides it.
struct FlakeConfigTrustTests {
    static let flake = """
        {
          nixConfig.extra-substituters = [ "https://cache.example" ];
          nixConfig.flake-registry = "";
          outputs = { self }: { };
        }

        """

    @Test func untrustedSettingsWarnUnlessAccepted() throws {
        let box = try CLISandbox()
        let dir = try box.flake(nix: Self.flake)
        let warned = try box.run(["lock"], in: dir)
        #expect(warned.status == 0)
        #expect(
            warned.stderr.contains(
                "warning: ignoring untrusted flake configuration setting 'extra-substituters'.\nPass '--accept-flake-config' to trust it\n"
            ))
        #expect(!warned.stderr.contains("'flake-registry'"))
        let old = try box.run(["update", "--compat", "nix-2.8"], in: dir)
        #expect(old.stderr.contains("warning: ignoring untrusted flake configuration setting 'extra-substituters'\n"))
        for accept in [["--accept-flake-config"], ["--option", "accept-flake-config", "true"]] {
            let r = try box.run(["lock"] + accept, in: dir)
            #expect(r.status == 0)
            #expect(!r.stderr.contains("untrusted"), "\(accept)")
        }
        let metadata = try box.run(["metadata"], in: dir)
        #expect(!metadata.stderr.contains("untrusted"))
    }
}
