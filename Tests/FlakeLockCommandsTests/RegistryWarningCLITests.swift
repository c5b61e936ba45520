import FlakeLockTestSupport
import Foundation
import Testing

/// Nix reads its registries only when an indirect reference is looked up, and an empty or
/// invalid registry file is a warning, not an error (src/libfetchers/registry.cc,
/// `Registry::read`): `flake-registry = /dev/null` warns once a lookup needs it, and
/// never in a flake without indirect inputs.
struct RegistryWarningCLITests {
    static let emptyJSON =
        "[json.exception.parse_error.101] parse error at line 1, column 1: syntax error while parsing value"
        + " - unexpected end of input; expected '[', '{', or a literal"

    func environment(registry: String) throws -> IsolatedCLIEnvironment {
        var env = try IsolatedCLIEnvironment()
        env.variables["NIX_CONFIG"] = "flake-registry = \(registry)\n"
        return env
    }

    @Test(arguments: ["/dev/null", "empty"])
    func anEmptyRegistryWarnsOnlyWhenALookupNeedsIt(registry: String) async throws {
        var env = try environment(registry: "")
        let path = registry == "empty" ? env.root.path + "/empty.json" : registry
        if registry == "empty" { try env.root.write("empty.json", "") }
        env.variables["NIX_CONFIG"] = "flake-registry = \(path)\n"
        try env.root.mkdir("dep")
        try env.root.write("dep/flake.nix", "{ outputs = _: { }; }")

        try env.writeFlake(inputs: #"dep.url = "path:\#(env.root.path)/dep";"#)
        let direct = try await env.run(["lock"])
        #expect(direct.status == 0, "\(direct.stderr)")
        #expect(!direct.stderr.contains("flake registry"), "\(direct.stderr)")

        try env.writeFlake(inputs: #"dep.url = "nixpkgs";"#)
        let indirect = try await env.run(["lock"])
        #expect(indirect.status == 1)
        let lines = indirect.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines.first == "warning: cannot parse flake registry '\(path)': \(Self.emptyJSON)", "\(indirect.stderr)")
        #expect(lines.filter { $0.contains("flake registry '") }.count == 1, "\(indirect.stderr)")
        #expect(indirect.stderr.contains("error: cannot find flake 'flake:nixpkgs' in the flake registries"))
    }

    /// The locker looks `nixpkgs` up speculatively while the walk is still at `dep`; the
    /// walk's own lookup, which joins it, still gives the warning.
    @Test func aLookupStartedSpeculativelyStillWarns() async throws {
        let env = try environment(registry: "/dev/null")
        try env.root.mkdir("dep")
        try env.root.write("dep/flake.nix", "{ outputs = _: { }; }")
        try env.writeFlake(
            inputs: #"dep.url = "path:\#(env.root.path)/dep"; nixpkgs.inputs.c.follows = "dep";"#)
        let result = try await env.run(["lock", "--compat", "nix-2.8"])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines.first == "warning: cannot parse flake registry '/dev/null': \(Self.emptyJSON)", "\(result.stderr)")
        #expect(lines.dropFirst().first == "error: cannot find flake 'flake:nixpkgs' in the flake registries")
    }

    /// The user registry is read before the global one, and its warning comes first.
    @Test func userRegistryWarningsComeFirstAndOnlyWithALookup() async throws {
        let env = try environment(registry: "/dev/null")
        try env.root.mkdir("config/nix")
        try env.root.write("config/nix/registry.json", "{ not json")
        try env.root.mkdir("dep")
        try env.root.write("dep/flake.nix", "{ outputs = _: { }; }")
        try env.writeFlake(inputs: #"dep.url = "path:\#(env.root.path)/dep";"#)
        let direct = try await env.run(["lock"])
        #expect(direct.status == 0 && !direct.stderr.contains("flake registry"), "\(direct.stderr)")

        try env.writeFlake(inputs: #"dep.url = "nixpkgs";"#)
        let indirect = try await env.run(["lock"])
        let warnings = indirect.stderr.split(separator: "\n").filter { $0.contains("flake registry '") }
        #expect(warnings.count == 2, "\(indirect.stderr)")
        #expect(
            warnings.first?.hasPrefix(
                "warning: cannot parse flake registry '\(env.root.path)/config/nix/registry.json'") == true)
        #expect(warnings.last == "warning: cannot parse flake registry '/dev/null': \(Self.emptyJSON)")
    }
}
