import FlakeLockBasics
import FlakeModel

/// Locking failures that are not a fetcher's or a parser's own: one case per failure, with
/// what it is about, and every message worded here, as Nix words it (src/libflake/flake.cc
/// unless noted). Where a failure is about a place in a flake.nix, ``span`` says where.
public enum LockError: UserFacingError, Equatable {
    /// A declaration in flake.nix that cannot be read as an input (the parser's message).
    case declaration(String, SourceSpan)
    /// A `follows` path that is not one (the message depends on the profile's wording).
    case invalidFollows(String, SourceSpan)
    case unexpectedInputAttribute(String, SourceSpan)
    /// Current Nix: an input with both `url` and `follows`.
    case bothReferenceAndFollows(SourceSpan)
    case missingFlakeNix(lockedURL: String, subdir: String)
    /// Current Nix: `flake.nix` is in a Git work tree but not in its index.
    case untrackedFile(path: String, repository: String)
    /// `inputs.self` with an attribute other than `submodules` (and `lfs`).
    case unsupportedSelfAttribute(String)
    case selfAttributeNotBoolean(String, SourceSpan)
    /// A relative path that climbs out of the tree's store path (current Nix's pure mode).
    case forbiddenAbsolutePath(String)
    case unlockedInPureMode(InputPath)
    case circularImport(String)
    /// `--reference-lock-file` with `allow-dirty = false` (Nix 2.18).
    case referenceLockFileWithoutAllowDirty
    case cannotWriteLockFile(flake: String)
    /// An unlocked input under `fail-on-unlocked` (current Nix; without it, a warning).
    case unlockedInputRefused(flake: String, input: String)
    case lockChangesNotAllowed(flake: String)
    case followsNonexistentInput(InputPath, target: InputPath)

    public var description: String {
        switch self {
        case .declaration(let m, _), .invalidFollows(let m, _): m
        case .unexpectedInputAttribute(let name, let span): "unexpected flake input attribute '\(name)', at \(span)"
        case .bothReferenceAndFollows(let span):
            "flake input has both a flake reference and a follows attribute, at \(span)"
        case .missingFlakeNix(let url, let subdir):
            "source tree referenced by '\(url)' does not contain a '\(subdir)/flake.nix' file"
        case .untrackedFile(let path, let repository):
            // src/libfetchers/git.cc, makeNotAllowedError (the repository as a quoted path).
            """
            Path '\(path)' in the repository "\(repository)" is not tracked by Git.

            To make it visible to Nix, run:

            git -C "\(repository)" add "\(path)"
            """
        case .unsupportedSelfAttribute(let name): "flake 'self' attribute '\(name)' is not supported"
        case .selfAttributeNotBoolean(let name, let span):
            "flake 'self' attribute '\(name)' must be a Boolean, at \(span)"
        case .forbiddenAbsolutePath(let shown):
            "access to absolute path '\(shown)' is forbidden in pure evaluation mode (use '--impure' to override)"
        case .unlockedInPureMode(let path): "cannot update flake input '\(path)' in pure mode"
        case .circularImport(let url): "found circular import of flake '\(url)'"
        case .referenceLockFileWithoutAllowDirty:
            "reference lock file was provided, but the `allow-dirty` setting is set to false"
        case .cannotWriteLockFile(let flake):
            "cannot write modified lock file of flake '\(flake)' (use '--no-write-lock-file' to ignore)"
        case .unlockedInputRefused(let flake, let input):
            "Not writing lock file of flake '\(flake)' because it has an unlocked input ('\(input)'). Use '--allow-dirty-locks' to allow this anyway."
        case .lockChangesNotAllowed(let flake):
            "flake '\(flake)' requires lock file changes but they're not allowed due to '--no-update-lock-file'"
        case .followsNonexistentInput(let path, let target): "input '\(path)' follows a non-existent input '\(target)'"
        }
    }

    /// Where in a flake.nix the failure is, when it is about a declaration.
    public var span: SourceSpan? {
        switch self {
        case .declaration(_, let s), .invalidFollows(_, let s), .unexpectedInputAttribute(_, let s),
            .bothReferenceAndFollows(let s), .selfAttributeNotBoolean(_, let s):
            s
        default: nil
        }
    }
}
