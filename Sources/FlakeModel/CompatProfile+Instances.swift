extension CompatProfile {
    /// Current Nix: the newest release, Nix 2.35.2. Its differences from 2.31.5 are read from
    /// Nix's source and listed, each with its Nix PR, in `docs/nix-2.32-2.35.md`; everything
    /// else is the behaviour verified against Nix 2.31.5 (``nix231``).
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
        narHashOnlyLockWarning: .notReproducible,
        rejectsEmptyUpdatePath: true,
        hintsFilePlusGit: true,
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
        hgURLKeepsQuery: true,
        hgRevCountCountsAncestors: false,
        hgLocalLocksWorkingParent: false,
        gitGivenRevCountAndLastModified: .kept,
        rejectsRelativeFileTarballs: true,
        creatingLockFileMessage: .withDiff,
        lockFilePathQuote: "\"",
        lockFilePathEscaped: false,
        flakePathErrorQuote: "\"",
        pathFormChecksDirectoryFirst: true,
        pathFormResolvesSymlinks: true,
        warnsDubiousQuery: true,
        reportsUntrackedGitFiles: true,
        fingerprintMarksComputedRevCount: true,
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
        narHashOnlyLockWarning: .deprecated,
        rejectsEmptyUpdatePath: false,
        hintsFilePlusGit: false,
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
        hgURLKeepsQuery: false,
        hgRevCountCountsAncestors: false,
        hgLocalLocksWorkingParent: false,
        gitGivenRevCountAndLastModified: .replaced,
        rejectsRelativeFileTarballs: false,
        creatingLockFileMessage: .withoutDiff,
        lockFilePathQuote: "'",
        lockFilePathEscaped: false,
        flakePathErrorQuote: "'",
        pathFormChecksDirectoryFirst: false,
        pathFormResolvesSymlinks: false,
        warnsDubiousQuery: false,
        reportsUntrackedGitFiles: false,
        fingerprintMarksComputedRevCount: false,
        metadataShowsDates: false,
        metadataAlwaysShowsInputsHeader: true,
        metadataLockedURLOnlyIfLocked: false,
        updateTakesInputNames: false,
        deprecatesUpdateInputFlag: false,
        errorStyle: .nix28,
        untrustedFlakeConfigNamesFlag: false,
        dirtyGitTreeFingerprint: false)

    /// Lix 2.95.3, the latest Lix release (read from its source at tag 2.95.3, commit
    /// 753944a1720496c0e0c49c3142adfb9634da269d; never run). Each difference names its Lix
    /// source file; docs/lix-2.95.md lists them.
    public static let lix: CompatProfile = {
        // Built on Nix 2.31.5 (the default's base before it moved to Nix 2.35).
        var p = CompatProfile.nix231
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
        p.dirtyGitTreeFingerprint = false
        // lix/libfetchers/mercurial.cc (lix-project/lix): `url.base`, ancestor counts, and
        // the working directory's parent for clean local repositories.
        p.hgURLKeepsQuery = false
        p.hgRevCountCountsAncestors = true
        p.hgLocalLocksWorkingParent = true
        // lix/libfetchers/git.cc: the git scheme claims only `git`, `git+http`, `git+https`,
        // `git+ssh` and `git+file`.
        p.gitTransports = .fixed
        // lix/libexpr/flake/flake.cc, `applySelfAttrs`: `inputs.self` takes only `submodules`.
        p.selfAttributesAllowLFS = false
        // lix/libexpr/flake/flake.cc, `lockFlake`: `creating lock file '<path>':\n<diff>` (no
        // space before the newline) and `… because it has an unlocked input ('<url>')`.
        p.creatingLockFileMessage = .withDiffNoTrailingSpace
        p.mutableInputWarningNamesInput = true
        // lix/libexpr/flake/lockfile.cc, `LockedNode::LockedNode`: `lock file contains mutable lock`.
        p.mutableLockSaysLockFile = true
        // Where 2.31 differs from what flakelock's Lix profile has always done.
        p.forgeRevNormalised = false
        p.narHashOnlyLockWarning = .notReproducible
        p.gitGivenRevCountAndLastModified = .replaced
        p.lockFilePathEscaped = false
        // lix/libutil/url.cc, `decodeQuery`: a parameter without `=` is dropped silently.
        p.warnsDubiousQuery = false
        // lix/libexpr/flake/flakeref.cc: 2.8's order (search up, then the directory check),
        // with the symlinks of the path found resolved before that check.
        p.pathFormChecksDirectoryFirst = false
        p.reportsUntrackedGitFiles = false
        return p
    }()

    /// Nix 2.31.5, the release whose behaviour flakelock's goldens verify. Only the changes
    /// of 2.32–2.35 (`docs/nix-2.32-2.35.md`) are undone here.
    public static let nix231: CompatProfile = {
        var p = CompatProfile.nix
        p.name = "nix-2.31"
        // `src/libfetchers/github.cc` of 2.31.5 ignores unknown URL parameters and stores a
        // `rev` parsed as a hash (lowercase hex); NixOS/nix#15331 (2.35) changed both.
        p.forgeUnknownParameters = .ignore
        p.forgeRevNormalised = true
        p.narHashOnlyLockWarning = .deprecated
        p.rejectsEmptyUpdatePath = false
        p.hintsFilePlusGit = false
        p.gitGivenRevCountAndLastModified = .checked
        p.rejectsRelativeFileTarballs = false
        p.lockFilePathEscaped = true
        p.flakePathErrorQuote = "'"
        p.fingerprintMarksComputedRevCount = false
        return p
    }()

    /// Determinate Nix 3.22.2, the latest release (DeterminateSystems/nix-src tag v3.22.2,
    /// commit c407745c8b9b616bebf7288697699c45794e31ac; read from source, never run). It is
    /// Nix 2.35.2 (its `.version`) plus lazy locks; `docs/determinate-3.22.md` lists what differs.
    public static let determinate: CompatProfile = {
        var p = CompatProfile.nix
        p.name = "determinate"
        p.lazyLocks = true
        p.diffAbbreviatesURLs = true
        p.lockNodesHaveBuildTime = true
        return p
    }()

    /// All built-in profiles.
    public static let all: [CompatProfile] = [.nix, .nix231, .nix28, .lix, .determinate]
}
