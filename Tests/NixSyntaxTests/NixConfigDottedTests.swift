import NixSyntax
import Testing

struct NixConfigDottedTests {
    @Test(arguments: [
        #"{ nixConfig.flake-registry = "/r.json"; outputs = _: { }; }"#,
        #"{ nixConfig = { flake-registry = "/r.json"; }; outputs = _: { }; }"#,
        #"{ nixConfig.flake-registry = "/r.json"; nixConfig.extra-substituters = [ "a" ]; outputs = _: { }; }"#,
    ])
    func dottedAndNestedNixConfigAgree(_ text: String) throws {
        let f = try FlakeFileReader.read(text: text, file: "flake.nix")
        #expect(f.nixConfig.first { $0.name == "flake-registry" }?.value == .string("/r.json"))
    }
}
