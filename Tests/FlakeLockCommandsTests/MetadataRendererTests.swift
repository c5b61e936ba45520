import FlakeLockTestSupport
import FlakeModel
import Foundation
import Testing

@testable import FlakeLockCommands

/// What `metadata` prints: the tree of inputs (Nix 2.8 and current Nix) and the JSON.
struct MetadataRendererTests {
    static let vector = RepositoryRoot.path + "/Tests/FlakeModelTests/Vectors/ok-spec-4.5.lock"

    @Test func metadataTree() throws {
        let lock = try LockFile.parse(
            Array(try Data(contentsOf: URL(fileURLWithPath: Self.vector))), path: "l", profile: .nix28)
        let top = try FlakeRef.parse("git+file:///home/user/root", profile: .nix28)
        let m = FlakeMetadata(original: top, resolved: top, locked: top, path: "/nix/store/x-source", lockFile: lock)
        let b = "\u{1B}[1m"
        let n = "\u{1B}[0m"
        #expect(
            try MetadataRenderer.text(m, profile: .nix28) == """
                \(b)Resolved URL:\(n)  git+file:///home/user/root
                \(b)Locked URL:\(n)    git+file:///home/user/root
                \(b)Path:\(n)          /nix/store/x-source
                \(b)Inputs:\(n)
                ├───\(b)a\(n): git+file:///home/user/a?ref=main&rev=47a5c8aedc8cdb281957e53ded0c76e956879025
                ├───\(b)b\(n): git+file:///home/user/b?ref=main&rev=4d4425ee1367c54cbcb499fb9e70d07887ff4c41
                │   └───\(b)a\(n) follows input 'a'
                └───\(b)c\(n): path:/home/user/tv1?lastModified=1795587849&narHash=sha256-+JkwdEa0gSqBJwG9WhyCmWWs2TXJ6gxv7sh4KHeZZqs=

                """)
        let current = try MetadataRenderer.text(m, profile: .nix)
        #expect(
            current.contains(
                "├───\(b)a\(n): git+file:///home/user/a?ref=main&rev=47a5c8aedc8cdb281957e53ded0c76e956879025 (2022-01-01 00:00:00)\n"
            ))
        #expect(!current.contains("Locked URL"))  // not locked: no rev
        let json = try MetadataRenderer.json(m, profile: .nix28).compactText
        #expect(
            json.hasPrefix(
                "{\"locked\":{\"type\":\"git\",\"url\":\"file:///home/user/root\"},\"locks\":{\"nodes\":{\"a\":"))
        #expect(Timestamp.dateTime(1_795_587_849) == "2026-11-25 06:24:09")
    }
}
