import FlakeModel
import NixCompat

/// Current Nix's evaluation-cache fingerprint of a locked flake, shown by
/// `nix flake metadata` (`Fingerprint:`, JSON `fingerprint`).
///
/// SHA-256 (base16) of: the top-level input's fingerprint (Git: `rev`, plus `;s` with
/// submodules, `;e` with exportIgnore, `;l` with lfs; Mercurial: `rev`), `;<subdir>;<lock file as JSON,
/// dump(2)>`, then `;revCount=N` and `;lastModified=N` when the locked input has them
/// (Nix's `LockedFlake::getFingerprint`). Only locked Git and Mercurial top-level flakes have one here:
/// `path:` flakes have none in Nix 2.31.5, and for dirty Git trees Nix hashes the modified
/// files, which flakelock does not reproduce yet.
public enum FlakeFingerprint {
    public static func compute(locked: FlakeRef, lockFile: LockFile, profile: CompatProfile) -> String? {
        guard profile.metadataLockedURLOnlyIfLocked, let rev = locked.input.common.rev?.hex,
            lockFile.firstUnlockedInput(profile: profile) == nil
        else { return nil }
        var s = rev
        switch locked.input.spec {
        case .git(let git):
            if git.submodules == true { s += ";s" }
            if git.exportIgnore == true { s += ";e" }
            if git.lfs == true { s += ";l" }
        case .hg: break  // `src/libfetchers/mercurial.cc`: the rev alone
        default: return nil
        }
        s += ";\(locked.subdir);\(lockFile.json.prettyText)"
        if let n = locked.input.common.revCount { s += ";revCount=\(n)" }
        if let t = locked.input.common.lastModified { s += ";lastModified=\(t)" }
        return NixHash.sha256(of: Array(s.utf8)).base16
    }
}
