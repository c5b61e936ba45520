import FlakeModel
import Testing

/// The `lix` profile follows Lix 2.95.3 (`docs/lix-2.95.md`).
struct LixProfileTests {
    @Test func lix295Properties() {
        let p = CompatProfile.lix
        #expect(!p.lockNodesHaveParent)
        #expect(!p.relativePathInputs)
        #expect(p.selfAttributes && !p.selfAttributesAllowLFS)
        #expect(p.gitTransports == .fixed)
        #expect(p.creatingLockFileMessage == .withDiffNoTrailingSpace)
        #expect(p.mutableInputWarningNamesInput && p.mutableLockSaysLockFile)
        #expect(p.lockedness == .revOrNarHash)
        #expect(!p.gitRendersAllFlags && !p.gitAcceptsModernAttributes)
    }

    @Test func nixProfilesKeepTheirWording() {
        for p in [CompatProfile.nix, .nix231, .nix28] {
            #expect(p.selfAttributesAllowLFS)
            #expect(!p.mutableInputWarningNamesInput && !p.mutableLockSaysLockFile)
            #expect(p.creatingLockFileMessage != .withDiffNoTrailingSpace)
        }
    }

    /// Lix's git scheme does not claim `git+foo:` (current Nix takes any transport).
    @Test func gitTransports() {
        #expect(throws: FlakeRefError.self) { _ = try FlakeRef.parse("git+foo://example.org/r", profile: .lix) }
        #expect((try? FlakeRef.parse("git+foo://example.org/r", profile: .nix)) != nil)
        #expect((try? FlakeRef.parse("git+https://example.org/r", profile: .lix)) != nil)
    }
}
