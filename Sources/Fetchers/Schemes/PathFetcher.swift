import FlakeLockBasics
import FlakeModel
import Foundation
import NixCompat

/// `path` inputs (docs/nix-behaviour.md, "Fetcher: path"): the directory (or file) as it is on
/// disk, `.git` included.
struct PathFetcher: Sendable {
    let settings: FetchSettings
    let aliases: StorePathAliases

    func fetch(_ input: Input, _ spec: PathInput, parentDirectory: String?, capture: [String]) async throws
        -> FetchedSource
    {
        var path = spec.path
        let isRelative = !path.hasPrefix("/")
        if isRelative {
            guard let parentDirectory else {
                throw FetchError.relativePathWithoutParent(
                    url: (try? input.toURLString(profile: settings.profile)) ?? spec.path)
            }
            let joined = PathSyntax.canonicalize(parentDirectory + "/" + path)
            // Nix 2.8 reads the path from the parent's copy in the store, which is the whole
            // tree the parent was fetched from (a Git work tree, for a sub-flake in it): it may
            // climb up to that tree's root, not further.
            let bound =
                settings.profile.relativePathInputs
                ? parentDirectory : aliases.localTree(containing: parentDirectory) ?? parentDirectory
            guard joined == bound || joined.hasPrefix(bound.hasSuffix("/") ? bound : bound + "/") else {
                throw FetchError.relativePathOutsideParent(path: path, parent: parentDirectory)
            }
            path = joined
        }
        // A path inside the store copy of a local tree (Nix 2.8's `./sub`) is read from the tree.
        let inStore = aliases.resolve(path)
        if let inStore { path = inStore.path }
        let result = try await TreeHasher.hashPath(path)
        var attrs = input.attrs
        if (isRelative && !settings.profile.relativePathInputs) || inStore != nil {
            // Nix 2.8 reads a relative path from the parent's copy in the store, where every
            // modification time is 1.
            attrs["lastModified"] = .int(1)
        } else if attrs["lastModified"] == nil || settings.profile.pathOverwritesLastModified {
            attrs["lastModified"] = .int(UInt64(max(0, result.lastModified)))
        }
        attrs["narHash"] = .string(result.narHash.sri)
        let locked = try Input.fromAttrs(attrs, profile: settings.profile)
        try SchemeChecks.checkNarHash(
            given: input, got: result.narHash, lockedInput: locked, profile: settings.profile,
            storeDirectory: settings.storeDirectory)
        var files: [String: [UInt8]] = [:]
        for p in capture {
            if let data = FileManager.default.contents(atPath: path + "/" + p) { files[p] = Array(data) }
        }
        return FetchedSource(
            locked: locked, narHash: result.narHash, files: files, localPath: path,
            storePath: StorePath.fixedOutputSource(narHash: result.narHash, storeDirectory: settings.storeDirectory))
    }
}
