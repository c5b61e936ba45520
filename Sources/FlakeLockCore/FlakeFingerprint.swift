import FlakeModel
import NixCompat

/// Current Nix's evaluation-cache fingerprint of a locked flake, shown by
/// `nix flake metadata` (`Fingerprint:`, JSON `fingerprint`).
///
/// SHA-256 (base16) of: the top-level input's fingerprint (Git: `rev`, plus `;s` with
/// submodules, `;e` with exportIgnore, `;l` with lfs; a dirty Git tree: HEAD's and a hash
/// of the modified files, `inputFingerprint`; Mercurial: `rev`), `;<subdir>;<lock file as
/// JSON, dump(2)>`, then `;revCount=N` and `;lastModified=N` when the locked input has them
/// (Nix's `LockedFlake::getFingerprint`). Only Git and Mercurial top-level flakes have one
/// here: `path:` flakes have none in Nix 2.31.5.
public enum FlakeFingerprint {
    public static func compute(
        locked: FlakeRef, lockFile: LockFile, profile: CompatProfile, inputFingerprint: String? = nil
    ) -> String? {
        guard profile.metadataLockedURLOnlyIfLocked, lockFile.firstUnlockedInput(profile: profile) == nil else { return nil }
        var s: String
        switch locked.input.spec {
        case .git(let git):
            if let rev = locked.input.common.rev?.hex {
                s = rev
                if git.submodules == true { s += ";s" }
                if git.exportIgnore == true { s += ";e" }
                if git.lfs == true { s += ";l" }
            } else if let inputFingerprint {
                s = inputFingerprint
            } else {
                return nil
            }
        case .hg:  // `src/libfetchers/mercurial.cc`: the rev alone
            guard let rev = locked.input.common.rev?.hex else { return nil }
            s = rev
        default:
            return nil
        }
        s += ";\(locked.subdir);\(lockFile.json.prettyText)"
        if let n = locked.input.common.revCount { s += ";revCount=\(n)" }
        if let t = locked.input.common.lastModified { s += ";lastModified=\(t)" }
        return NixHash.sha256(of: Array(s.utf8)).base16
    }
}
