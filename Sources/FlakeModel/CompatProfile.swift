/// Every behaviour that differs between the Nix versions flakelock can imitate.
///
/// This is the one place where version differences live (the "Version differences" table of
/// docs/nix-behaviour.md and the parse differences of its "Flake references" part). Parsing, rendering, the locker, the fetchers and the CLI ask a profile instead of
/// testing a version number. The static instances are ``nix`` (current Nix: the newest
/// release, 2.35.2, read from its source; `docs/nix-2.32-2.35.md` lists every change since
/// 2.31.5), ``nix231`` (Nix 2.31.5, the behaviour verified against its goldens),
/// ``nix28`` (Nix 2.8.0, the local oracle), ``lix`` (Lix 2.95.3, read from source only;
/// docs/lix-2.95.md) and ``determinate`` (Determinate Nix 3.22.2, read from source only;
/// docs/determinate-3.22.md).
///
/// Properties are grouped by where they matter. Each names the section of
/// docs/nix-behaviour.md it comes from (a quoted heading) or a row of its
/// "Version differences" table ("row N").
public struct CompatProfile: Sendable, Hashable, CustomStringConvertible {
    /// A short name for messages and test names (`nix`, `nix-2.31`, `nix-2.8`, `lix`, `determinate`).
    public var name: String

    // MARK: - Flake reference parsing ("Flake references")

    /// Syntax of the `<ref>` part of `nixpkgs/<ref>` ("Parsing a flake reference").
    public var flakeIDRefSyntax: RefSyntax
    /// Order in which a URL-like string is tried ("Parsing a flake reference").
    public var parseOrder: ParseOrder
    /// How generic URLs are split and decoded ("Generic URL syntax").
    public var urlParser: URLParserKind
    /// `dir` stays in the query that the scheme sees, so it ends up in the `url` attribute of
    /// `git`, `hg` and `tarball` inputs ("The dir attribute", row 11). False: `dir` is removed first.
    public var dirStaysInGitURL: Bool
    /// The path form keeps its query (`./x?dir=y` → subdir `y`); 2.8 discards it ("Parsing a flake reference").
    public var pathFormKeepsQuery: Bool
    /// `path:` URLs accept `?dir=` (current removes it before the scheme sees it; "Scheme path").
    public var pathURLAcceptsDir: Bool
    /// Which characters a GitHub/GitLab/SourceHut `host` may contain ("Schemes github, gitlab, sourcehut").
    public var forgeHostSyntax: HostSyntax
    /// What happens to unknown query parameters of `github:` etc. URLs (row 10).
    public var forgeUnknownParameters: UnknownParameterPolicy
    /// `?narHash=` is read from forge URLs (current).
    public var forgeURLAcceptsNarHash: Bool
    /// A `rev` given in a forge URL's query is normalised to lowercase hex (2.8) instead of
    /// stored as written ("Schemes github, gitlab, sourcehut").
    public var forgeRevNormalised: Bool
    /// Which `git+<transport>` schemes the git scheme claims ("Scheme git").
    public var gitTransports: GitTransportPolicy
    /// Current normalises the `url` attribute of `git` inputs on every construction
    /// (absolute paths become `file://`, scp-like becomes `ssh://`, re-rendered; "Scheme git").
    public var gitURLNormalised: Bool
    /// Git inputs accept `lfs`, `exportIgnore`, `dirtyRev`, `dirtyShortRev`, `verifyCommit`,
    /// `keytype`, `publicKey`, `publicKeys` (attributes and URL parameters; "Scheme git").
    public var gitAcceptsModernAttributes: Bool
    /// Forge inputs accept `treeHash` (current; "Schemes github, gitlab, sourcehut").
    public var forgeAcceptsTreeHash: Bool
    /// `tarball+…`/`file+…` prefixes, type `file`, extension-less URLs (row 9).
    public var tarballPlusAndFileTypes: Bool
    /// Tarball lock nodes may carry `lastModified`, `rev`, `revCount`, `unpack` (row 28).
    public var tarballAcceptsLockableAttributes: Bool
    /// How error messages for rejected attributes and malformed refs are worded ("Input schemes").
    public var attributeErrorWording: ErrorWording
    /// Negative integers in `flake.nix` attributes are rejected (current, Lix) or wrap (2.8)
    /// ("Attribute values").
    public var rejectsNegativeIntegers: Bool
    /// An attrset without `type` is an error at parse time (current) instead of an input
    /// without a scheme ("Flake reference errors").
    public var requiresTypeAttribute: Bool
    /// Relative `path:` inputs stay relative and get a `parent` in the lock (≥2.26;
    /// "Relative path inputs", row 13).
    public var relativePathInputs: Bool

    // MARK: - Rendering ("URL rendering and percent-encoding")

    /// Percent-encoding of rendered URLs, also of `url` attributes fetchers store (row 12).
    public var urlEncoding: URLEncoding
    /// `github:` URLs get `?narHash=` when the input has one (≥2.21; row 26).
    public var githubRendersNarHash: Bool
    /// `github:` URLs get `?host=` (≥2.29; row 26).
    public var githubRendersHost: Bool
    /// Git URLs render `submodules=1`, `lfs=1`, `exportIgnore=1`, `verifyCommit=1` (row 30).
    public var gitRendersAllFlags: Bool
    /// `flake:` URLs percent-encode each segment (current; "Scheme indirect").
    public var indirectRenderEncodesSegments: Bool

    // MARK: - Locking ("Locked inputs", "The lock file", "Locking")

    /// How "locked" is decided ("Locked inputs").
    public var lockedness: Lockedness
    /// Current removes `__final` from `locked` before writing ("Locked inputs").
    public var dropsFinalAttribute: Bool
    /// Lock nodes carry `parent` (≥2.26; "Lock nodes").
    public var lockNodesHaveParent: Bool
    /// Originals are compared after ``FlakeRef/canonicalized()`` (≥2.29; "Locking changes after 2.8").
    public var canonicalizesOriginals: Bool
    /// Lock files report malformed JSON as `Could not parse '<path>': …` (current; "Lock file versions").
    public var lockParseErrorNamesFile: Bool
    /// follows resolution reports cycles (`follow cycle detected: […]`; "Edges and follows paths").
    public var detectsFollowCycles: Bool
    /// The follows check resolves through follows edges (≥2.18; row 22).
    public var followsCheckResolvesFollows: Bool
    /// Nested overrides: the first registration wins (≥2.26, Lix) instead of the last
    /// ("Locking changes after 2.8", row 16).
    public var overridesKeepFirst: Bool
    /// `original` recorded for a `flake.nix` nested override (row 14).
    public var nestedOverrideOriginal: NestedOverrideOriginal
    /// `--override-input` on a `flake = false` input is sticky (≥2.20; row 15).
    public var cliOverrideStickyForNonFlake: Bool
    /// Deep overrides (`inputs.a.inputs.b.inputs.c…`) work (≥2.30; row 17).
    public var deepOverrides: Bool
    /// A spec with both `url` and `follows` is an error (≥2.30; row 18).
    public var urlWithFollowsIsError: Bool
    /// A re-locked input takes its children from its own lock file (≥2.31; row 19).
    public var reLockUsesOwnLockFile: Bool
    /// Which registries resolve indirect inputs (row 20).
    public var registriesForInputs: RegistryScope
    /// Default value of the `flake-registry` setting (row 21).
    public var globalRegistryDefault: String
    /// Warn about an override naming a non-existent input (≥2.12; row 23).
    public var warnsOverrideForNonexistentInput: Bool
    /// `inputs.self` may carry `submodules`/`lfs` (≥2.27; row 29).
    public var selfAttributes: Bool
    /// Wording of the warning for a lock entry that is unlocked but has a `narHash`
    /// (NixOS/nix#14299, 2.33).
    public var narHashOnlyLockWarning: NarHashOnlyLockWarning
    /// `nix flake update ''` is a usage error (NixOS/nix#14846, 2.34) instead of an update
    /// path that matches no input.
    public var rejectsEmptyUpdatePath: Bool
    /// `file+git:` URLs get the hint `did you mean 'git+file' instead of 'file+git'?`
    /// (NixOS/nix#14326, 2.33).
    public var hintsFilePlusGit: Bool

    // MARK: - Fetchers ("Fetchers")

    /// Git: `ref` of a local repository given none: full `refs/heads/main` (true) or `main` (row 1).
    public var gitLocalRefIsFull: Bool
    /// Git: a remote without `ref` uses its HEAD target instead of `master` (row 2).
    public var gitDefaultRefIsRemoteHead: Bool
    /// Git trees come from `git archive` (honouring `export-ignore`, expanding `export-subst`) (row 3).
    public var gitExportIgnoreAndSubst: Bool
    /// Git: `shallow = true` fetches with `--depth 1` into a separate `-shallow` cache
    /// (current); 2.8 fetches the full history and only skips `revCount`.
    public var gitShallowFetch: Bool
    /// Git, 2.8: within one run a `rev` already fetched (by any input of the same cache
    /// type) answers from Nix's fetcher cache before `ref` is filled in, so the locked input
    /// keeps no `ref` ("Nix 2.8's revision cache").
    public var gitRevCacheOmitsRef: Bool
    /// Git: with `submodules = true`, 2.8 builds the tree from a checkout, so export-ignore
    /// and export-subst do not apply even where `git archive` would apply them.
    public var gitSubmodulesSkipExportAttributes: Bool
    /// Git: annotated tags are peeled to the commit (row 31).
    public var annotatedTagsPeeled: Bool
    /// Dirty Git trees are written into the lock (2.8, Lix) or unlocked (current) (row 4).
    public var dirtyGitTreesLocked: Bool
    /// `lastModified` of forge archives (row 5).
    public var forgeLastModified: ArchiveTimestamp
    /// `lastModified` of tarballs, if recorded at all (row 6).
    public var tarballRecordsLastModified: ArchiveTimestamp?
    /// GitHub endpoints: 2.8 uses `https://api.<host>` for everything; current uses
    /// `api.github.com`, `github.com/<o>/<r>/archive/<rev>.tar.gz` without a token, and
    /// `https://<host>/api/v3` for other hosts ("Fetcher: github, gitlab, sourcehut").
    public var githubEndpoints: GitHubEndpoints
    /// `access-tokens` keys may be `host/owner[/repo]` prefixes (current) instead of hosts only
    /// ("Access tokens").
    public var accessTokensMatchPaths: Bool
    /// A `path` fetch replaces a given `lastModified` (2.8) instead of keeping it ("Fetcher: path").
    public var pathOverwritesLastModified: Bool
    /// Archives with several top-level entries are unpacked as a whole instead of failing (row 7).
    public var tarballAllowsMultipleTopLevelEntries: Bool
    /// `Link: <…>; rel="immutable"` is honoured (row 8).
    public var honoursImmutableLinkHeader: Bool
    /// Mercurial: hg contacts the input's whole URL, query included (current, since
    /// NixOS/nix 4077aa43 in 2.26), instead of the URL without query and fragment (2.8's
    /// `url.base`). The cache repository is keyed by that URL too.
    public var hgURLKeepsQuery: Bool
    /// Mercurial: `revCount` is the number of ancestors including the changeset (Lix,
    /// `count(revset('::rev'))`), not hg's local revision number (Nix: 0 for a first commit).
    public var hgRevCountCountsAncestors: Bool
    /// Mercurial: a clean local working directory without `ref`/`rev` is locked at its
    /// parent changeset and branch (Lix, `hg identify -r .`), not at the tip of `default`.
    public var hgLocalLocksWorkingParent: Bool
    /// What a Git fetch of a commit does with a `revCount`/`lastModified` the input already
    /// gives: check it against the computed one (≤2.34) or keep it as given (NixOS/nix#14596, 2.35).
    public var gitGivenRevCountAndLastModified: GivenGitAttributes
    /// A `tarball` whose URL is `file:` with a relative path is refused before fetching
    /// (NixOS/nix#14983, 2.34).
    public var rejectsRelativeFileTarballs: Bool

    // MARK: - Output ("User-facing output")

    /// `creating lock file` message style ("Messages when writing", row 25).
    public var creatingLockFileMessage: CreatingLockFileMessage
    /// Quote around lock-file paths in the messages of "Messages when writing": `'` (≤2.29) or
    /// `"` (≥2.30).
    public var lockFilePathQuote: Character
    /// Inside the `"` quotes, `"` and `\` are escaped with `\` (2.30–2.33 print the path with
    /// `std::quoted`; NixOS/nix#15030, 2.34, prints it verbatim).
    public var lockFilePathEscaped: Bool
    /// Quote around the path in the path form's `is not a flake`/`is not part of a flake`/
    /// `filesystem boundary` errors: `'` (≤2.33) or `"` (NixOS/nix#15313, 2.34).
    public var flakePathErrorQuote: Character
    /// The path form checks that the path is a directory before it searches up for
    /// `flake.nix`, and takes a path to a `flake.nix` file as its directory with a warning
    /// (≥2.21, `parsePathFlakeRefWithFragment`); 2.8 searches up first ("Parsing a flake reference").
    public var pathFormChecksDirectoryFirst: Bool
    /// The path form resolves symlinks in the path (`absPath(path, baseDir, true)`, ≥2.27):
    /// a symlink to a flake directory names the directory it points to ("Parsing a flake reference").
    public var pathFormResolvesSymlinks: Bool
    /// A query parameter without `=` warns `dubious URI query '…' is missing equal sign '=',
    /// ignoring` (boost.url's `decodeQuery`, ≥2.28; "Generic URL syntax").
    public var warnsDubiousQuery: Bool
    /// A `flake.nix` that is in a Git work tree but not in its index is reported as `Path
    /// '…' in the repository "…" is not tracked by Git.` (the work tree's filtering accessor,
    /// ≥2.20); 2.8 and Lix copy only the index's files and then miss it ("Fetcher: git").
    public var reportsUntrackedGitFiles: Bool
    /// The metadata fingerprint of a Git flake records a `revCount` the fetcher computed as
    /// `;hasRevCount` instead of `;revCount=N` (lazy `revCount`, NixOS/nix#15772, 2.35).
    public var fingerprintMarksComputedRevCount: Bool
    /// Metadata tree lines end in ` (YYYY-MM-DD HH:MM:SS)` ("Metadata text", row 27).
    public var metadataShowsDates: Bool
    /// `Inputs:` is printed even without inputs (2.8).
    public var metadataAlwaysShowsInputsHeader: Bool
    /// `Locked URL` is printed only for locked refs; `Fingerprint` exists (current).
    public var metadataLockedURLOnlyIfLocked: Bool
    /// `nix flake update` takes input names (≥2.19; row 24).
    public var updateTakesInputNames: Bool
    /// `--update-input` / `--recreate-lock-file` print deprecation warnings (current).
    public var deprecatesUpdateInputFlag: Bool
    /// How errors print: 2.8's `error: <message>` plus the `--show-trace` hint, or current
    /// Nix's `error:` followed by the `… while …` context lines and the message; also the
    /// wording of the NAR hash mismatch ("Every fetch").
    public var errorStyle: ErrorStyle
    /// The warning about an untrusted `nixConfig` setting names `--accept-flake-config`
    /// (current Nix; `src/libflake/config.cc`).
    public var untrustedFlakeConfigNamesFlag = true

    // MARK: - Later additions (the defaults are current Nix's)

    /// A dirty Git tree's fingerprint (metadata's `fingerprint`) hashes its modified and
    /// deleted files (≥2.26; src/libfetchers/git.cc, `getFingerprint`).
    public var dirtyGitTreeFingerprint = true
    /// `inputs.self` may carry `lfs` besides `submodules` (Nix ≥2.27); Lix 2.95 allows only
    /// `submodules` (lix/libexpr/flake/flake.cc, `applySelfAttrs`).
    public var selfAttributesAllowLFS = true
    /// Not writing a lock file with a mutable input names the input: `… because it has an
    /// unlocked input ('<url>')` (Lix 2.95, lix/libexpr/flake/flake.cc, `lockFlake`) instead of
    /// 2.8's `… because it has a mutable input`. Only read when ``lockedness`` is `.revOrNarHash`.
    public var mutableInputWarningNamesInput = false
    /// A lock file node that is not locked is reported as `lock file contains mutable lock`
    /// (Lix 2.95, lix/libexpr/flake/lockfile.cc) instead of 2.8's `lockfile contains mutable lock`.
    /// Only read when ``lockedness`` is `.revOrNarHash`.
    public var mutableLockSaysLockFile = false
    /// Determinate Nix's lazy locks: with the settings `lazy-trees` and `lazy-locks` both true,
    /// a flake input locked without its NAR hash (a `rev` of a scheme locked by rev) is written
    /// without `narHash`; `flake = false` inputs keep it (Determinate Nix 3.22.2,
    /// `src/libexpr/paths.cc`, `EvalState::mountInput`; `src/libflake/flake.cc` passes
    /// `forceNarHash` for non-flake inputs). Reading such locks works under every profile.
    public var lazyLocks = false
    /// The lock file diff (`• Added input`, `• Updated input` lines, and so the commit message
    /// of `--commit-lock-file`) shows abbreviated URLs: no `narHash`, a forge `rev` cut to 7
    /// characters, a Git `ref` of `main` or `master` left out (Determinate Nix 3.22.2,
    /// `src/libflake/lockfile.cc` `describe` calls `to_string(true)`; `src/libfetchers/fetchers.cc`
    /// `Input::toURL`, `git.cc` and `github.cc` `toURL(…, abbreviate)`).
    public var diffAbbreviatesURLs = false
    /// Lock nodes may carry `"buildTime": true`, which is read, kept and written (Determinate
    /// Nix 3.22.2, `src/libflake/lockfile.cc`, `LockedNode`, `LockFile::toJSON`). Other
    /// profiles ignore the field, as Nix does, and drop it when they rewrite the node.
    public var lockNodesHaveBuildTime = false

    public var description: String { name }
}

extension CompatProfile {
    /// Syntax of a ref in the flake-id form ("Parsing a flake reference").
    public enum RefSyntax: Sendable, Hashable {
        /// `[a-zA-Z0-9][a-zA-Z0-9_./-]*`
        case nix28
        /// `[a-zA-Z0-9@][a-zA-Z0-9_./@+-]*`
        case current
    }

    /// Which form of a flake reference is tried first ("Parsing a flake reference").
    public enum ParseOrder: Sendable, Hashable {
        /// flake id, then path form (no `:` allowed), then generic URL.
        case idPathURL
        /// flake id, then generic URL (if it has a scheme), then path form.
        case idURLPath
    }

    /// The generic URL parser ("Generic URL syntax").
    public enum URLParserKind: Sendable, Hashable {
        /// 2.8's regular expression; path kept raw; query names not decoded.
        case nix28Regex
        /// RFC 3986 (boost.url, lenient); path segments and query names decoded.
        case rfc3986
    }

    /// Allowed characters in a forge `host` ("Schemes github, gitlab, sourcehut").
    public enum HostSyntax: Sendable, Hashable {
        /// `[a-zA-Z0-9.]*`
        case noHyphen
        /// `[a-zA-Z0-9.-]*`
        case withHyphen
    }

    /// Treatment of unknown query parameters in forge URLs (row 10).
    public enum UnknownParameterPolicy: Sendable, Hashable {
        case ignore
        case error
        /// Kept as attributes, so the attribute check rejects them (Lix).
        case keepAsAttributes
    }

    /// Which `git+…` schemes the git scheme accepts.
    public enum GitTransportPolicy: Sendable, Hashable {
        /// `git`, `git+http`, `git+https`, `git+ssh`, `git+file`.
        case fixed
        /// `git` and any `git+<transport>`.
        case any
    }

    /// Wording of attribute errors ("Input schemes").
    public enum ErrorStyle: Sendable, Hashable {
        /// `error: <message>` + `(use '--show-trace' to show detailed location information)`.
        case nix28
        /// `error:` + indented `… while …` lines (outermost first) + `error: <message>`.
        case current
    }

    public enum ErrorWording: Sendable, Hashable {
        /// `unsupported Git input attribute 'x'` (per scheme).
        case nix28
        /// `input attribute 'x' not supported by scheme 'git'` (central).
        case current
    }

    /// Percent-encoding of rendered URLs ("URL rendering and percent-encoding").
    public enum URLEncoding: Sendable, Hashable {
        /// Path verbatim; query keeps `A-Za-z0-9-._~!$&'()*+,;=:@`; lowercase hex; bytes ≥ 0x80 sign-extended.
        case nix28
        /// Path decoded and re-encoded keeping unreserved, `:@/`; query keeps unreserved, `:@/?`; uppercase hex.
        case nix214to230
        /// As `nix214to230` but per path segment (a `/` inside a segment is `%2F`).
        case boost
    }

    /// How "locked" is decided ("Locked inputs").
    public enum Lockedness: Sendable, Hashable {
        /// Locked when the attributes have `rev` or `narHash`.
        case revOrNarHash
        /// Per scheme (git: non-zero `rev`; forges: `rev`; tarball/path: `narHash`; …).
        case perScheme
    }

    /// `original` of a node created through a `flake.nix` nested override (row 14).
    public enum NestedOverrideOriginal: Sendable, Hashable {
        /// The overridden input's own declaration; re-locked every time (2.8, Lix).
        case ownDeclaration
        /// The override's reference; kept while unchanged (≥2.20).
        case overrideReference
    }

    /// Registries consulted for indirect inputs of the locked flake (row 20).
    public enum RegistryScope: Sendable, Hashable {
        /// flag, user, system, global.
        case all
        /// flag and global only (the top-level flake still uses all).
        case flagAndGlobal
    }

    /// Which mtime becomes `lastModified` of an unpacked archive (rows 5, 6).
    public enum ArchiveTimestamp: Sendable, Hashable {
        case topDirectory
        case maxEntry
    }

    /// GitHub API layout ("Fetcher: github, gitlab, sourcehut").
    public enum GitHubEndpoints: Sendable, Hashable {
        case nix28
        case current
    }

    /// Warning for a lock entry that is unlocked but has a `narHash` (`src/libflake/lockfile.cc`).
    public enum NarHashOnlyLockWarning: Sendable, Hashable {
        /// `… but does have a NAR hash. This is deprecated since …` (≤2.32).
        case deprecated
        /// `… but is checked by NAR hash. This is not reproducible …` (≥2.33).
        case notReproducible
    }

    /// Treatment of `revCount`/`lastModified` given to a Git fetch (`src/libfetchers/fetchers.cc`).
    public enum GivenGitAttributes: Sendable, Hashable {
        /// Replaced by the computed values without a check (2.8, Lix, flakelock's earlier default).
        case replaced
        /// Compared with the computed values; a difference is an `attribute mismatch` error (2.31).
        case checked
        /// Kept as given (≥2.35).
        case kept
    }

    /// Style of the `creating lock file` warning ("Messages when writing").
    public enum CreatingLockFileMessage: Sendable, Hashable {
        /// `creating lock file '<path>'`, no diff.
        case withoutDiff
        /// `creating lock file '<path>': ` + newline + diff.
        case withDiff
        /// `creating lock file '<path>':` + newline + diff, no space before the newline
        /// (Lix 2.95, lix/libexpr/flake/flake.cc, `lockFlake`).
        case withDiffNoTrailingSpace
    }
}
