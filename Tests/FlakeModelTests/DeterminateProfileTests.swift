import FlakeModel
import Testing

/// `determinate` is Nix 2.35.2 plus lazy locks (`docs/determinate-3.22.md`).
struct DeterminateProfileTests {
    @Test func differsFromNixOnlyInLazyLocksAndDiffs() {
        #expect(CompatProfile.all.contains(.determinate))
        var differing: Set<String> = []
        let a = Mirror(reflecting: CompatProfile.nix).children
        let b = Mirror(reflecting: CompatProfile.determinate).children
        for (x, y) in zip(a, b) where "\(x.value)" != "\(y.value)" { differing.insert(x.label ?? "?") }
        #expect(differing == ["name", "lazyLocks", "diffAbbreviatesURLs", "lockNodesHaveBuildTime"])
        #expect(CompatProfile.all.filter(\.lazyLocks) == [.determinate])
    }

    @Test func narHashDroppedOnlyWhereARevLocks() throws {
        let p = CompatProfile.determinate
        let sha = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        let rev = String(repeating: "a", count: 40)
        let git = try FlakeRef.fromAttrs(
            ["type": "git", "url": "file:///r", "rev": .string(rev), "narHash": .string(sha)], profile: p)
        #expect(try git.withoutNarHashIfLockedByRev(profile: p).input.attrs["narHash"] == nil)
        let github = try FlakeRef.fromAttrs(
            ["type": "github", "owner": "o", "repo": "r", "rev": .string(rev), "narHash": .string(sha)], profile: p)
        #expect(try github.withoutNarHashIfLockedByRev(profile: p).input.attrs["narHash"] == nil)
        let tarball = try FlakeRef.fromAttrs(
            ["type": "tarball", "url": "https://x/y.tar.gz", "rev": .string(rev), "narHash": .string(sha)], profile: p)
        #expect(try tarball.withoutNarHashIfLockedByRev(profile: p) == tarball)
        let path = try FlakeRef.fromAttrs(["type": "path", "path": "/p", "narHash": .string(sha)], profile: p)
        #expect(try path.withoutNarHashIfLockedByRev(profile: p) == path)
    }
}

extension DeterminateProfileTests {
    static func githubLock(_ rev: String) throws -> LockFile {
        let locked = try FlakeRef.fromAttrs(
            [
                "type": "github", "owner": "NixOS", "repo": "nixpkgs", "rev": .string(rev),
                "lastModified": 1_640_995_200,
                "narHash": "sha256-/CWK/ATwPAKD5bw+Ojun3yDkdIJXP3STZoDFjP22rYE=",
            ],
            profile: .determinate)
        let original = try FlakeRef.fromAttrs(
            ["type": "github", "owner": "NixOS", "repo": "nixpkgs"], profile: .determinate)
        return LockFile(
            root: LockNode(inputs: ["n": .node(LockNode(lock: LockedInput(locked: locked, original: original)))]))
    }

    /// Determinate's diff lines abbreviate URLs (`describe` → `to_string(true)`); Nix 2.35's do not.
    @Test func diffLinesAreAbbreviated() throws {
        let old = try Self.githubLock("47a5c8aedc8cdb281957e53ded0c76e956879025")
        let new = try Self.githubLock("fb14c8afbb64bed068c21de5e74bba8e6640c27d")
        #expect(
            try LockFile.diff(from: old, to: new, profile: .determinate) == """
                • Updated input 'n':
                    'github:NixOS/nixpkgs/47a5c8a' (2022-01-01)
                  → 'github:NixOS/nixpkgs/fb14c8a' (2022-01-01)

                """)
        #expect(
            try LockFile.diff(from: old, to: new, profile: .nix) == """
                • Updated input 'n':
                    'github:NixOS/nixpkgs/47a5c8aedc8cdb281957e53ded0c76e956879025?narHash=sha256-/CWK/ATwPAKD5bw%2BOjun3yDkdIJXP3STZoDFjP22rYE%3D' (2022-01-01)
                  → 'github:NixOS/nixpkgs/fb14c8afbb64bed068c21de5e74bba8e6640c27d?narHash=sha256-/CWK/ATwPAKD5bw%2BOjun3yDkdIJXP3STZoDFjP22rYE%3D' (2022-01-01)

                """)
        let git = try FlakeRef.fromAttrs(
            [
                "type": "git", "url": "https://example.org/r", "ref": "main",
                "rev": "47a5c8aedc8cdb281957e53ded0c76e956879025",
            ],
            profile: .determinate)
        #expect(
            try git.toAbbreviatedURLString(profile: .determinate)
                == "git+https://example.org/r?rev=47a5c8aedc8cdb281957e53ded0c76e956879025")
        let branch = try FlakeRef.fromAttrs(
            ["type": "git", "url": "https://example.org/r", "ref": "dev"], profile: .determinate)
        #expect(try branch.toAbbreviatedURLString(profile: .determinate) == "git+https://example.org/r?ref=dev")
    }
}
