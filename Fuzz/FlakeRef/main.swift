// libFuzzer entry point for the flake-reference parser. Built by `Scripts/fuzz.sh flakeref`
// together with the FlakeLockBasics, NixCompat and FlakeModel sources as one module.

/// A fixed, in-memory file tree for the path form: `/fuzz` is a Git work tree holding a
/// flake, with a subflake in `sub`.
struct FuzzProbe: FileSystemProbe {
    static let directories: Set<String> = ["/", "/fuzz", "/fuzz/.git", "/fuzz/sub", "/fuzz/sub/deeper"]
    static let files: Set<String> = ["/fuzz/flake.nix", "/fuzz/sub/flake.nix", "/fuzz/file.txt"]

    func fileType(atPath path: String) -> FileSystemEntryType? {
        if Self.directories.contains(path) { return .directory }
        if Self.files.contains(path) { return .regularFile }
        return nil
    }

    func deviceID(atPath path: String) -> UInt64? { fileType(atPath: path) == nil ? nil : 1 }
}

/// Parses arbitrary text as a flake reference, under each profile and each way of treating
/// relative paths, and renders what parses (URL and attributes), reading the attributes
/// back. Thrown errors are expected; any crash or hang is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFlakeRef(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let bases: [FlakeRefPathBase] = [.none, .preserveRelative, .directory("/fuzz/sub/deeper", probe: FuzzProbe())]
    for profile in CompatProfile.all {
        for base in bases {
            for isFlake in [true, false] {
                guard
                    let (ref, _) = try? FlakeRef.parseWithFragment(text, profile: profile, base: base, isFlake: isFlake)
                else { continue }
                _ = try? ref.toURLString(profile: profile)
                _ = ref.isLocked(profile: profile)
                _ = ref.canonicalized(profile: profile)
                _ = try? FlakeRef.fromAttrs(ref.toAttrs(), profile: profile)
            }
        }
    }
    return 0
}
