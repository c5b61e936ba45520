import FlakeLockTestSupport
import Foundation
import Testing

/// The progress line and retry warnings, on a real pseudo-terminal (`script` from
/// util-linux) and in a pipe.
@Suite(.serialized)
struct ProgressTests {
    static let erase = "\r\u{1B}[K"

    func setup(_ routes: [LoopbackHTTPServer.Route]) throws -> (CLISandbox, LoopbackHTTPServer, String) {
        let box = try CLISandbox()
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/f": routes])
        let url = "file+" + server.url("/f")
        let flake = try box.flake(
            nix: "{\n  inputs.f = { url = \"\(url)\"; flake = false; };\n  outputs = { self, f }: { };\n}\n")
        return (box, server, flake)
    }

    /// Runs flakelock on a pty; returns what the terminal received.
    func onTerminal(_ box: CLISandbox, _ args: [String], in dir: String, env: [String: String]) throws
        -> ProcessRunner.Output
    {
        let command = ([BuiltBinary.flakelock] + args).map { "'\($0)'" }.joined(separator: " ")
        return try ProcessRunner.run(
            "/usr/bin/script", ["-qec", command, "/dev/null"], environment: box.environment.merging(env) { $1 },
            currentDirectory: dir)
    }

    @Test func terminalShowsARedrawnLineAndErasesIt() throws {
        let (box, server, flake) = try setup([.init(body: "hello\n", delay: 0.3)])
        defer { server.stop() }
        let r = try onTerminal(box, ["lock"], in: flake, env: ["TERM": "xterm"])
        #expect(r.status == 0, "\(r.stdout)")
        let shown = Self.erase + "[0/1 downloads] downloading 'http://127.0.0.1:\(server.port)/f'"
        let at = try #require(r.stdout.range(of: shown), "\(r.stdout.debugDescription)")
        let rest = r.stdout[at.upperBound...]
        // Erased before the warning that follows, and nothing is left drawn at the end.
        let warning = try #require(rest.range(of: "warning: creating lock file"))
        #expect(rest[..<warning.lowerBound].hasSuffix(Self.erase))
        #expect(!rest[warning.lowerBound...].contains("downloading '"))
    }

    @Test(arguments: [["NO_COLOR": "1", "TERM": "xterm"], ["TERM": "dumb"], ["TERM": "xterm", "QUIET": "1"]])
    func noControlCodesWhenNotWanted(env: [String: String]) throws {
        let (box, server, flake) = try setup([.init(body: "hello\n", delay: 0.3)])
        defer { server.stop() }
        let r = try onTerminal(box, ["lock"] + (env["QUIET"] != nil ? ["--quiet"] : []), in: flake, env: env)
        #expect(r.status == 0)
        #expect(!r.stdout.contains("\u{1B}"), "\(r.stdout.debugDescription)")
        #expect(!r.stdout.contains("downloading '"))
    }

    @Test func pipeGetsNoControlCodesAndRetriesAreAnnounced() throws {
        let (box, server, flake) = try setup([.init(status: 503, times: 1), .init(body: "hello\n")])
        defer { server.stop() }
        let r = try box.run(["lock"], in: flake, extraEnvironment: ["TERM": "xterm"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("\u{1B}"))
        let retry = try #require(r.stderr.split(separator: "\n").first { $0.contains("retrying in") })
        #expect(retry.hasPrefix("warning: "))
        #expect(retry.contains("http://127.0.0.1:\(server.port)/f"))
        #expect(
            retry.range(of: #"; retrying in [0-9]+ ms \(attempt 1/5\)$"#, options: .regularExpression) != nil,
            "\(retry)")
    }
}
