import FlakeLockBasics
import Testing

@testable import NixSyntax

struct FlakeFileReaderTests {
    static func read(_ text: String) throws(FlakeFileError) -> FlakeFile {
        try FlakeFileReader.read(text: text, file: "f.nix", flakeName: "path:/f")
    }

    @Test func readsBothInputFormsMergedAsNixMergesThem() throws {
        let flake = try Self.read(
            """
            rec {
              description = ''
                A flake
              '';
              inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
              inputs = {
                "foo.bar" = { url = ./sub; flake = false; };
                Zed.follows = "nixpkgs";
                src = { type = "github"; owner = "o"; repo = "r"; revCount = 3; shallow = true; };
                nixpkgs.inputs.lib.inputs.deep.follows = "a//b/";
              };
              nixConfig = { extra-substituters = [ "https://c" ]; max-jobs = 4; sandbox = false; p = ./x; };
              outputs = { self, nixpkgs, extra ? null, ... }@inputs: { };
            }
            """)
        #expect(flake.description == "A flake\n")
        #expect(flake.inputs.map(\.name) == ["Zed", "foo.bar", "nixpkgs", "src"])
        let foo = flake.inputs[1]
        #expect(foo.url == .path("./sub") && foo.flake == false)
        #expect(flake.inputs[0].follows == "nixpkgs")
        let nixpkgs = flake.inputs[2]
        #expect(nixpkgs.url == .string("github:NixOS/nixpkgs/nixos-unstable"))
        #expect("\(nixpkgs.span)" == "f.nix:5:3")
        #expect(nixpkgs.inputs.first?.inputs.first?.follows == "a//b/")
        #expect(try FollowsPath.components(of: "a//b/") == ["a", "b"])
        let src = flake.inputs[3]
        #expect(src.attributes.map(\.name) == ["owner", "repo", "revCount", "shallow", "type"])
        #expect(src.attribute("revCount") == .int(3) && src.attribute("shallow") == .bool(true))
        #expect(flake.nixConfig.map(\.value) == [.stringList(["https://c"]), .int(4), .path("./x"), .bool(false)])
        #expect(flake.outputsFormals == ["self", "nixpkgs", "extra"] && flake.outputsHasEllipsis)
    }

    @Test func plainLambdaDeclaresNoFormals() throws {
        let flake = try Self.read("{ outputs = inputs: { }; }")
        #expect(flake.outputsFormals == nil && flake.inputs.isEmpty)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var text: MarkedText
        var message: String
        var testDescription: String { text.testDescription }
        init(_ text: String, _ message: String) {
            self.text = MarkedText(text)
            self.message = message
        }
    }

    /// `@` in a message stands for the marker's `f.nix:line:column`. As in Nix, an attribute
    /// defined by a dotted path is reported at the start of that path.
    static let failures: [Case] = [
        Case("{ 1️⃣description = \"a\" + \"b\"; outputs = x: x; }", "expected a string but got a thunk at @"),
        Case("{ 1️⃣description = \"a${b}\"; outputs = x: x; }", "expected a string but got a thunk at @"),
        Case("{ 1️⃣description = let x = 1; in \"a\"; outputs = x: x; }", "expected a string but got a thunk at @"),
        Case("{ description = ''a''; 1️⃣outputs = import ./o.nix; }", "expected a function but got a thunk at @"),
        Case("{ 1️⃣outputs = { }; }", "expected a function but got a set at @"),
        Case("{ inputs.a = { 1️⃣flake = !false; }; outputs = x: x; }", "expected a Boolean but got a thunk at @"),
        Case("rec { true = 1; 1️⃣inputs.a.flake = true; outputs = x: x; }", "expected a Boolean but got a thunk at @"),
        Case("{ 1️⃣inputs.a.url = 1; outputs = x: x; }", "expected a string or a path but got an integer at @"),
        Case("{ 1️⃣inputs.a.url = ./a/${b}; outputs = x: x; }", "expected a string or a path but got a thunk at @"),
        Case("{ 1️⃣inputs.a.follows = null; outputs = x: x; }", "expected a string but got null at @"),
        Case("{ 1️⃣inputs.a = \"github:o/r\"; outputs = x: x; }", "expected a set but got a string at @"),
        Case("{ 1️⃣inputs = { ${\"a\" + \"\"} = { }; }; outputs = x: x; }", "expected a set but got a thunk at @"),
        Case("{ 1️⃣inputs.a.inputs.b = -1; outputs = x: x; }", "expected a set but got a thunk at @"),
        Case(
            "{ inputs.a.ref = [ ]; outputs = x: x; }",
            "flake input attribute 'ref' is a list while a string, Boolean, or integer is expected"),
        Case(
            "{ inputs.a.ref = { }; outputs = x: x; }",
            "flake input attribute 'ref' is a thunk while a string, Boolean, or integer is expected"),
        Case(
            "{ inputs.a.ref = 1.5; outputs = x: x; }",
            "flake input attribute 'ref' is a float while a string, Boolean, or integer is expected"),
        Case("{ nixConfig.a = 1.5; outputs = x: x; }", "flake configuration setting 'a' is a float"),
        Case(
            "{ nixConfig.a = [ \"x\" (y) ]; outputs = x: x; }",
            "list element in flake configuration setting 'a' is a list while a string is expected"),
        Case("{ outputs = x: x; 1️⃣foo = 1; }", "flake 'path:/f' has an unsupported attribute 'foo', at @"),
        Case("{ description = \"x\"; }", "flake 'path:/f' lacks attribute 'outputs'"),
        Case("let a = 1; in { outputs = x: x; }", "file 'f.nix' must be an attribute set"),
        Case("let { body = { outputs = x: x; }; }", "file 'f.nix' must be an attribute set"),
        Case("{ outputs = x: x; }1️⃣}", "f.nix:@: error: syntax error, unexpected '}'"),
    ]

    @Test(arguments: failures)
    func reportsNixErrors(_ c: Case) {
        do {
            _ = try Self.read(c.text.source)
            Issue.record("expected an error")
        } catch {
            let position = c.message.hasPrefix("f.nix:@") ? c.text.markerPosition : "f.nix:" + c.text.markerPosition
            #expect(error.description == c.message.replacingOccurrences(of: "@", with: position))
            if c.message.contains("@") { #expect(error.span.map { "\($0.start)" } == c.text.markerPosition) }
        }
    }

    @Test(arguments: [
        ("a/b", ["a", "b"]), ("", []), ("/a//b/", ["a", "b"]), ("nixpkgs", ["nixpkgs"]),
    ])
    func splitsFollows(_ text: String, _ expected: [String]) throws {
        #expect(try FollowsPath.components(of: text) == expected)
    }

    @Test(arguments: ["a/1b", "foo.bar", "a/_x", "é"])
    func rejectsInvalidFollowsElements(_ text: String) {
        #expect(throws: InvalidInputPathElement.self) { try FollowsPath.components(of: text) }
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
