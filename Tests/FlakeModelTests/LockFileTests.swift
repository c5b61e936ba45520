import FlakeModel
import Foundation
import Testing

enum Vectors {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors")

    static func files(prefix: String, ext: String, in sub: String? = nil) -> [String] {
        let d = sub.map { dir.appendingPathComponent($0) } ?? dir
        let names = (try? FileManager.default.contentsOfDirectory(atPath: d.path)) ?? []
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix("." + ext) }.sorted()
            .map { (sub.map { "\($0)/" } ?? "") + $0 }
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: dir.appendingPathComponent(name)))
    }

    static func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }
}

@Suite("Lock files")
struct LockFileTests {
    @Test(arguments: Vectors.files(prefix: "ok-", ext: "lock"))
    func goldenRoundTrip(_ name: String) throws {
        for profile in [CompatProfile.nix, .nix28] {
            let bytes = try Vectors.bytes(name)
            let lock = try LockFile.parse(bytes, path: name, profile: profile)
            #expect(lock.text == String(decoding: bytes, as: UTF8.self), "\(profile)")
            #expect(lock.isEquivalent(to: try LockFile.parse(Array(lock.text.utf8), path: name, profile: profile)))
        }
    }

    @Test(arguments: Vectors.files(prefix: "equiv-", ext: "lock"))
    func equivalentNotRewritten(_ name: String) throws {
        let expectedName = name.replacingOccurrences(of: ".lock", with: ".expected")
        for profile in [CompatProfile.nix, .nix28] {
            let lock = try LockFile.parse(try Vectors.bytes(name), path: name, profile: profile)
            let canonical = try LockFile.parse(try Vectors.bytes(expectedName), path: expectedName, profile: profile)
            #expect(lock.isEquivalent(to: canonical))
            #expect(lock.text == (try Vectors.text(expectedName)))
            #expect(lock.text != (try Vectors.text(name)))
        }
    }

    @Test(arguments: Vectors.files(prefix: "fail-", ext: "lock"))
    func badInput(_ name: String) throws {
        let expected = try Vectors.text(name.replacingOccurrences(of: ".lock", with: ".err"))
            .replacingOccurrences(of: "<path>", with: "/p/flake.lock")
        let input = try Vectors.bytes(name)
        do {
            _ = try LockFile.parse(input, path: "/p/flake.lock", profile: .nix)
            Issue.record("\(name) was accepted")
        } catch {
            let got =
                error.kind == .malformed && expected.hasPrefix("[json")
                ? error.message.replacingOccurrences(of: "Could not parse '/p/flake.lock': ", with: "")
                : error.detailedDescription
            #expect(got == expected)
            #expect(error.file == "/p/flake.lock")
        }
    }

    @Test func nix28Messages() throws {
        func message(_ name: String) throws -> String {
            let input = try Vectors.bytes(name)
            do {
                _ = try LockFile.parse(input, path: "/p/flake.lock", profile: .nix28)
                return ""
            } catch { return error.message }
        }
        #expect(try message("fail-unknownattr.lock") == "unsupported Git input attribute 'unknownAttr'")
        #expect(
            try message("fail-unlocked.lock")
                == "lockfile contains mutable lock '{\"owner\":\"o\",\"repo\":\"r\",\"type\":\"github\"}'")
        #expect(
            try message("fail-malformed.lock").hasPrefix(
                "[json.exception.parse_error.101] parse error at line 7, column 1"))
        #expect(try message("fail-version.lock") == "lock file '/p/flake.lock' has unsupported version 8")
    }

    @Test func currentNamesFileOnParseError() throws {
        #expect(throws: LockFileError.self) {
            _ = try LockFile.parse(Array("{".utf8), path: "/p/flake.lock", profile: .nix)
        }
        do { _ = try LockFile.parse(Array("{".utf8), path: "/p/flake.lock", profile: .nix) } catch {
            #expect(
                error.message.hasPrefix(
                    "Could not parse '/p/flake.lock': [json.exception.parse_error.101] parse error at line 1, column 2")
            )
        }
    }

    static func ghRef(_ repo: String, _ n: Int) throws -> LockedInput {
        let rev = String(repeating: "0", count: 39) + String(n)
        let locked = try FlakeRef.fromAttrs(
            [
                "type": "github", "owner": "o", "repo": .string(repo), "rev": .string(rev),
                "lastModified": 1_700_000_000,
            ], profile: .nix)
        let original = try FlakeRef.fromAttrs(["type": "github", "owner": "o", "repo": .string(repo)], profile: .nix)
        return LockedInput(locked: locked, original: original)
    }

    /// The example of "Node keys" (docs/nix-behaviour.md), run with Nix 2.8.
    @Test func keyAllocation() throws {
        let xNode = LockNode(
            inputs: ["nixpkgs": .node(LockNode(lock: try Self.ghRef("nixpkgs", 2)))], lock: try Self.ghRef("x", 3))
        let yx = LockNode(
            inputs: ["nixpkgs": .node(LockNode(lock: try Self.ghRef("nixpkgs", 4)))], lock: try Self.ghRef("x", 5))
        let y = LockNode(
            inputs: ["nixpkgs": .node(LockNode(lock: try Self.ghRef("nixpkgs", 6))), "x": .node(yx)],
            lock: try Self.ghRef("y", 7))
        let root = LockNode(inputs: [
            "nixpkgs": .node(LockNode(lock: try Self.ghRef("nixpkgs", 1))),
            "root": .node(LockNode(lock: try Self.ghRef("root", 8))),
            "x": .node(xNode), "y": .node(y),
        ])
        let lock = LockFile(root: root)
        let keys = lock.json.objectValue?["nodes"]?.objectValue?.keys ?? []
        #expect(Set(keys) == ["nixpkgs", "root_2", "x", "nixpkgs_2", "y", "nixpkgs_3", "x_2", "nixpkgs_4", "root"])
        #expect(lock.nodeKeys[ObjectIdentifier(yx)] == "x_2")
    }

    @Test func sharedNodeKeepsOneKey() throws {
        let lock = try LockFile.parse(try Vectors.bytes("equiv-v6.lock"), path: "v6", profile: .nix)
        guard case .node(let x1)? = lock.root.inputs["x"], case .node(let y)? = lock.root.inputs["y"],
            case .node(let x2)? = y.inputs["x"]
        else {
            Issue.record("shape")
            return
        }
        #expect(x1 === x2)
    }

    @Test func findInputThroughFollows() throws {
        let lock = try LockFile.parse(try Vectors.bytes("ok-spec-4.5.lock"), path: "l", profile: .nix)
        let a = try lock.findInput(["a"])
        #expect(try lock.findInput(["b", "a"]) === a)
        #expect(try lock.findInput(["b", "zz"]) == nil)
        #expect(try lock.findInput([]) === lock.root)
    }

    @Test func followCycle() throws {
        let root = LockNode(inputs: ["a": .follows(["b"]), "b": .follows(["a"])])
        #expect(throws: LockFileError(.followCycle, "follow cycle detected: [a -> b -> a]")) {
            _ = try LockFile(root: root).findInput(["a"])
        }
    }

    @Test func inputPaths() throws {
        #expect(try InputPath(parsing: "a/b").components == ["a", "b"])
        #expect(try InputPath(parsing: "") == [])
        #expect(throws: InputPathError(element: "a b")) { _ = try InputPath(parsing: "a b") }
        #expect(InputPath(["a", "b"]) < InputPath(["a-c"]))
        #expect(InputPath(["a-c"]) < InputPath(["b"]))
        #expect(throws: InputPathError.self) { _ = try NonEmptyInputPath(parsing: "") }
    }
}

@Suite("Real lock files")
struct RealLockFileTests {
    /// The real flake.lock files kept by the NixSyntax tests (repository, commit and licence
    /// in each folder's SOURCE), all written by Nix: read → write must give the same bytes,
    /// under every profile, and reading must keep every node.
    static let realDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("NixSyntaxTests/Vectors/RealFlakes")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: realDirectory.path)) ?? []).sorted()
    }

    @Test func corpusIsPresent() {
        #expect(Self.names.count >= 30)
    }

    @Test(arguments: names)
    func byteIdentical(_ name: String) throws {
        let path = Self.realDirectory.appendingPathComponent(name).appendingPathComponent("flake.lock").path
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        for profile in [CompatProfile.nix, .nix28] {
            let parsed = Result { () throws(LockFileError) -> LockFile in
                try LockFile.parse(bytes, path: path, profile: profile, allowUnlocked: true)
            }
            if case .failure(let e) = parsed, profile.name == CompatProfile.nix28.name {
                // Nix 2.8 cannot read tarball nodes written by Nix ≥ 2.21
                // (docs/nix-behaviour.md, "Version differences", row 28).
                #expect(e.message == "unsupported tarball input attribute 'lastModified'", "\(name)")
                continue
            }
            let lock = try parsed.get()
            #expect(lock.text == String(decoding: bytes, as: UTF8.self), "\(name) under \(profile)")
            #expect(
                lock.isEquivalent(
                    to: try LockFile.parse(Array(lock.text.utf8), path: path, profile: profile, allowUnlocked: true)))
        }
    }
}
