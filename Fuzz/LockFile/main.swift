// libFuzzer entry point for the lock-file reader. Built by `Scripts/fuzz.sh lockfile` together
// with the FlakeLockBasics, NixCompat and FlakeModel sources as one module.

/// Reads arbitrary bytes as flake.lock under each profile. A thrown error is expected, but
/// it must name the file; a lock that is read must be written back to text that reads as
/// the same graph, and every walk of it must end. Any crash, hang or broken invariant
/// (a `precondition`) is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLockFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let path = "/fuzz/flake.lock"
    for profile in [CompatProfile.nix, .nix28] {
        for allowUnlocked in [false, true] {
            let lock: LockFile
            do {
                lock = try LockFile.parse(bytes, path: path, profile: profile, allowUnlocked: allowUnlocked)
            } catch {
                precondition(error.description.contains("'\(path)'"), "error names no file: \(error.description)")
                continue
            }
            exercise(lock, path: path, profile: profile, allowUnlocked: allowUnlocked)
        }
    }
    return 0
}

func exercise(_ lock: LockFile, path: String, profile: CompatProfile, allowUnlocked: Bool) {
    let text = lock.text
    guard let again = try? LockFile.parse(Array(text.utf8), path: path, profile: profile, allowUnlocked: allowUnlocked)
    else {
        preconditionFailure("written lock does not read back:\n\(text)")
    }
    precondition(again.isEquivalent(to: lock), "written lock reads back as another graph:\n\(text)")
    precondition(again.text == text, "writing is not stable:\n\(text)")
    do { try lock.checkFollowsCycles() } catch {
        precondition(error.kind == .followCycle && error.description.contains("'\(path)'"), error.description)
    }
    for (p, _) in lock.flattened() { _ = try? lock.findInput(p) }
    _ = lock.firstUnlockedInput(profile: profile)
    _ = lock.nodeKeys
    if let diff = try? LockFile.diff(from: lock, to: again, profile: profile) {
        precondition(diff.isEmpty, "a lock differs from itself:\n\(diff)")
    }
}
