extension CompatProfile {
    /// Current Nix. Where a source reading of master and the verified behaviour of Nix 2.31.5
    /// differ, this follows 2.31.5 (docs/nix-behaviour.md, "Verified with Nix 2.31.5").
    public static let nix = CompatProfile(
        name: "nix",
        flakeIDRefSyntax: .current,
        parseOrder: .idURLPath,
        urlParser: .rfc3986,
        dirStaysInGitURL: false,
        pathFormKeepsQuery: true,
        pathURLAcceptsDir: true,
        forgeHostSyntax: .withHyphen,
        forgeUnknownParameters: .error,
        forgeURLAcceptsNarHash: true,
        forgeRevNormalised: false,
        gitTransports: .any,
        gitURLNormalised: true,
        gitAcceptsModernAttributes: true,
        forgeAcceptsTreeHash: true,
        tarballPlusAndFileTypes: true,
        tarballAcceptsLockableAttributes: true,
        attributeErrorWording: .current,
        rejectsNegativeIntegers: true,
        requiresTypeAttribute: true,
        relativePathInputs: true,
        urlEncoding: .boost,
        githubRendersNarHash: true,
        githubRendersHost: true,
        gitRendersAllFlags: true,
        indirectRenderEncodesSegments: true,
        lockedness: .perScheme,
        dropsFinalAttribute: true,
        lockNodesHaveParent: true,
        canonicalizesOriginals: true,
        lockParseErrorNamesFile: true,
        detectsFollowCycles: true,
        followsCheckResolvesFollows: true,
        overridesKeepFirst: true,
        nestedOverrideOriginal: .overrideReference,
        cliOverrideStickyForNonFlake: true,
        deepOverrides: true,
        urlWithFollowsIsError: true,
        reLockUsesOwnLockFile: true,
        registriesForInputs: .flagAndGlobal,
        globalRegistryDefault: "https://channels.nixos.org/flake-registry.json",
        warnsOverrideForNonexistentInput: true,
        selfAttributes: true,
        gitLocalRefIsFull: true,
        gitDefaultRefIsRemoteHead: true,
        gitExportIgnoreAndSubst: false,
        gitShallowFetch: true,
        gitRevCacheOmitsRef: false,
        gitSubmodulesSkipExportAttributes: false,
        annotatedTagsPeeled: true,
        dirtyGitTreesLocked: false,
        forgeLastModified: .maxEntry,
        tarballRecordsLastModified: .maxEntry,
        githubEndpoints: .current,
        accessTokensMatchPaths: true,
        pathOverwritesLastModified: false,
        tarballAllowsMultipleTopLevelEntries: true,
        honoursImmutableLinkHeader: true,
        creatingLockFileMessage: .withDiff,
        lockFilePathQuote: "\"",
        metadataShowsDates: true,
        metadataAlwaysShowsInputsHeader: false,
        metadataLockedURLOnlyIfLocked: true,
        updateTakesInputNames: true,
        deprecatesUpdateInputFlag: true,
        errorStyle: .current)

    /// Nix 2.8.0 (Debian's `nix-bin`, the local oracle).
    public static let nix28 = CompatProfile(
        name: "nix-2.8",
        flakeIDRefSyntax: .nix28,
        parseOrder: .idPathURL,
        urlParser: .nix28Regex,
        dirStaysInGitURL: true,
        pathFormKeepsQuery: false,
        pathURLAcceptsDir: false,
        forgeHostSyntax: .noHyphen,
        forgeUnknownParameters: .ignore,
        forgeURLAcceptsNarHash: false,
        forgeRevNormalised: true,
        gitTransports: .fixed,
        gitURLNormalised: false,
        gitAcceptsModernAttributes: false,
        forgeAcceptsTreeHash: false,
        tarballPlusAndFileTypes: false,
        tarballAcceptsLockableAttributes: false,
        attributeErrorWording: .nix28,
        rejectsNegativeIntegers: false,
        requiresTypeAttribute: false,
        relativePathInputs: false,
        urlEncoding: .nix28,
        githubRendersNarHash: false,
        githubRendersHost: false,
        gitRendersAllFlags: false,
        indirectRenderEncodesSegments: false,
        lockedness: .revOrNarHash,
        dropsFinalAttribute: false,
        lockNodesHaveParent: false,
        canonicalizesOriginals: false,
        lockParseErrorNamesFile: false,
        detectsFollowCycles: false,
        followsCheckResolvesFollows: false,
        overridesKeepFirst: false,
        nestedOverrideOriginal: .ownDeclaration,
        cliOverrideStickyForNonFlake: false,
        deepOverrides: false,
        urlWithFollowsIsError: false,
        reLockUsesOwnLockFile: false,
        registriesForInputs: .all,
        globalRegistryDefault: "https://github.com/NixOS/flake-registry/raw/master/flake-registry.json",
        warnsOverrideForNonexistentInput: false,
        selfAttributes: false,
        gitLocalRefIsFull: false,
        gitDefaultRefIsRemoteHead: false,
        gitExportIgnoreAndSubst: true,
        gitShallowFetch: false,
        gitRevCacheOmitsRef: true,
        gitSubmodulesSkipExportAttributes: true,
        annotatedTagsPeeled: false,
        dirtyGitTreesLocked: true,
        forgeLastModified: .topDirectory,
        tarballRecordsLastModified: nil,
        githubEndpoints: .nix28,
        accessTokensMatchPaths: false,
        pathOverwritesLastModified: true,
        tarballAllowsMultipleTopLevelEntries: false,
        honoursImmutableLinkHeader: false,
        creatingLockFileMessage: .withoutDiff,
        lockFilePathQuote: "'",
        metadataShowsDates: false,
        metadataAlwaysShowsInputsHeader: true,
        metadataLockedURLOnlyIfLocked: false,
        updateTakesInputNames: false,
        deprecatesUpdateInputFlag: false,
        errorStyle: .nix28)

    /// Lix `main` (read from source, never run; best effort; docs/nix-behaviour.md).
    public static let lix: CompatProfile = {
        var p = CompatProfile.nix
        p.name = "lix"
        p.dirStaysInGitURL = true
        p.forgeUnknownParameters = .keepAsAttributes
        p.gitURLNormalised = false
        p.gitAcceptsModernAttributes = false
        p.forgeAcceptsTreeHash = false
        p.attributeErrorWording = .nix28
        p.relativePathInputs = false
        p.urlEncoding = .nix214to230
        p.githubRendersNarHash = false
        p.githubRendersHost = false
        p.gitRendersAllFlags = false
        p.lockedness = .revOrNarHash
        p.lockNodesHaveParent = false
        p.canonicalizesOriginals = false
        p.nestedOverrideOriginal = .ownDeclaration
        p.reLockUsesOwnLockFile = false
        p.registriesForInputs = .all
        p.globalRegistryDefault = "vendored"
        p.gitExportIgnoreAndSubst = true
        p.gitSubmodulesSkipExportAttributes = true
        p.dirtyGitTreesLocked = true
        p.forgeLastModified = .topDirectory
        p.tarballRecordsLastModified = .topDirectory
        p.tarballAllowsMultipleTopLevelEntries = false
        p.lockFilePathQuote = "'"
        p.metadataShowsDates = false
        p.deprecatesUpdateInputFlag = false
        return p
    }()

    /// All built-in profiles.
    public static let all: [CompatProfile] = [.nix, .nix28, .lix]
}
