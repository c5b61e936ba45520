import FlakeLockBasics
import FlakeModel
import Foundation
import Testing

@Suite("JSON, diff, atomic write")
struct OutputTests {
    @Test func jsonEscapesAndLayout() throws {
        let v = try JSONValue.parse(
            #"{"b":[1,{}],"a":"\u001f\t\"\\/\u00fc\ud83d\ude00\u007f","c":[],"d":1.9,"e":-2,"Z":true}"#)
        #expect(
            v.compactText
                == "{\"Z\":true,\"a\":\"\\u001f\\t\\\"\\\\/ü😀\u{7f}\",\"b\":[1,{}],\"c\":[],\"d\":1.9,\"e\":-2}")
        let pretty = JSONValue.object(JSONObject([("a", .array([.string("x")])), ("b", .object(JSONObject()))]))
            .lockFileText
        #expect(pretty == "{\n  \"a\": [\n    \"x\"\n  ],\n  \"b\": {}\n}\n")
        #expect(try Attrs(json: JSONValue.parse(#"{"n":1.9}"#)) == ["n": 1])
        #expect(throws: FlakeRefError.self) { _ = try Attrs(json: JSONValue.parse(#"{"n":-1}"#)) }
        #expect(throws: JSONParseError.self) { _ = try JSONValue.parse(#"{"a":"\ud800"}"#) }
        #expect(
            throws: JSONParseError(line: 2, column: 6, detail: "syntax error while parsing value - invalid literal")
        ) {
            _ = try JSONValue.parse("[\n  tru]")
        }
    }

    static func gitLock(_ rev: String, lastModified: UInt64) throws -> LockFile {
        let locked = try FlakeRef.fromAttrs(
            [
                "type": "git", "url": "file:///home/user/a", "ref": "main", "rev": .string(rev),
                "lastModified": .int(lastModified), "narHash": "sha256-/CWK/ATwPAKD5bw+Ojun3yDkdIJXP3STZoDFjP22rYE=",
                "revCount": 1,
            ],
            profile: .nix28)
        let original = try FlakeRef.fromAttrs(["type": "git", "url": "file:///home/user/a"], profile: .nix28)
        return LockFile(
            root: LockNode(inputs: ["a": .node(LockNode(lock: LockedInput(locked: locked, original: original)))]))
    }

    @Test func diffText() throws {
        let old = try Self.gitLock("47a5c8aedc8cdb281957e53ded0c76e956879025", lastModified: 1_640_995_200)
        let new = try Self.gitLock("fb14c8afbb64bed068c21de5e74bba8e6640c27d", lastModified: 1_643_673_600)
        #expect(
            try LockFile.diff(from: old, to: new, profile: .nix28) == """
                • Updated input 'a':
                    'git+file:///home/user/a?ref=main&rev=47a5c8aedc8cdb281957e53ded0c76e956879025' (2022-01-01)
                  → 'git+file:///home/user/a?ref=main&rev=fb14c8afbb64bed068c21de5e74bba8e6640c27d' (2022-02-01)

                """)
        #expect(try LockFile.diff(from: old, to: old, profile: .nix28) == "")
        let added = try LockFile.diff(from: LockFile(), to: new, profile: .nix, ansi: true)
        #expect(
            added.hasPrefix("• \u{1B}[32;1mAdded input 'a':\u{1B}[0m\n    'git+file:///home/user/a?ref=main&rev=fb14"))
        #expect(try LockFile.diff(from: new, to: LockFile(), profile: .nix) == "• Removed input 'a'\n")
    }

    @Test func atomicWrite() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flakemodel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("flake.lock").path
        try AtomicFile.write(Array("one\n".utf8), to: path)
        try AtomicFile.write(Array("two\n".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["flake.lock"])
        #expect(throws: AtomicFileError.self) { try AtomicFile.write([], to: dir.path + "/missing/x") }
    }
}
