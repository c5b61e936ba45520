import FlakeModel
import NixCompat

/// Current Nix's evaluation-cache fingerprint of a locked flake, shown by
/// `nix flake metadata` (`Fingerprint:`, JSON `fingerprint`).
///
/// SHA-256 (base16) of: the top-level input's fingerprint (Git: `rev`, plus `;s` with
/// submodules, `;e` with exportIgnore, `;l` with lfs; a dirty Git tree: HEAD's and a hash
/// of the modified files, `inputFingerprint`; Mercurial: `rev`), `;<subdir>;<lock file as
/// JSON, dump(2)>`, then `;revCount=N` and `;lastModified=N` when the locked input has them
/// (Nix's `LockedFlake::getFingerprint`). Since Nix 2.35 a `revCount` the Git fetcher
/// computed itself is lazy and only its presence is recorded, as `;hasRevCount`; one given in
/// the resolved reference and kept by the fetch stays `;revCount=N` (NixOS/nix#15772). Only
/// Git and Mercurial top-level flakes have one here: `path:` flakes have none in Nix.
public enum FlakeFingerprint {
    /// - Parameters:
    ///   - locked: the top-level flake's locked reference.
    ///   - resolved: the reference that was fetched (after registry resolution); it tells
    ///     whether `revCount` was given or computed.
    ///   - inputFingerprint: the fetcher's fingerprint of a dirty Git tree.
    public static func compute(
        locked: FlakeRef, resolved: FlakeRef? = nil, lockFile: LockFile, profile: CompatProfile,
        inputFingerprint: String? = nil
    ) -> String? {
        guard profile.metadataLockedURLOnlyIfLocked, lockFile.firstUnlockedInput(profile: profile) == nil else {
            return nil
        }
        var s: String
        var isGit = false
        switch locked.input.spec {
        case .git(let git):
            isGit = true
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
        if let n = locked.input.common.revCount {
            s +=
                isGit && profile.fingerprintMarksComputedRevCount && !revCountGiven(resolved)
                ? ";hasRevCount" : ";revCount=\(n)"
        }
        if let t = locked.input.common.lastModified { s += ";lastModified=\(t)" }
        return NixHash.sha256(of: Array(s.utf8)).base16
    }

    /// Whether the fetch kept a `revCount` given in the reference: Nix's Git fetcher keeps it
    /// when fetching a commit (`ref` or `rev` given, or a remote), while a local work tree
    /// always gets the computed, lazy one (`src/libfetchers/git.cc`).
    static func revCountGiven(_ resolved: FlakeRef?) -> Bool {
        guard let input = resolved?.input, input.common.revCount != nil, case .git(let git) = input.spec else {
            return false
        }
        return input.common.ref != nil || input.common.rev != nil || !git.url.hasPrefix("file:")
    }
}
