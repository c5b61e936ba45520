import FlakeModel
import NixCompat

/// Checks every scheme applies after fetching (docs/nix-behaviour.md, "Every fetch", step 4).
enum SchemeChecks {
    static func checkNarHash(
        given: Input, got: NixHash, lockedInput: Input, profile: CompatProfile, storeDirectory: String
    ) throws {
        guard let expected = given.common.narHash, expected != got else { return }
        let url = (try? given.toURLString(profile: profile)) ?? given.description
        throw FetchError.narHashMismatch(
            url: url, storePath: StorePath.fixedOutputSource(narHash: got, storeDirectory: storeDirectory).description,
            expected: expected.sri, got: got.sri, currentWording: profile.errorStyle == .current)
    }

    static func archiveTopLevel(_ profile: CompatProfile) -> ArchiveTopLevel {
        profile.tarballAllowsMultipleTopLevelEntries ? .stripSingleDirectory : .exactlyOneEntry
    }
}
