import FlakeLockBasics
import FlakeModel

/// The checks `flakelock audit` runs. The raw values are the names `--fail-on` takes and
/// the `check` field of the JSON output.
public enum AuditCheck: String, Sendable, Hashable, CaseIterable, Comparable {
    /// `lastModified` older than `--max-age` days.
    case stale
    /// The locked input has neither `rev` nor `narHash`.
    case unlocked
    /// A dirty Git tree (`dirtyRev`) or a `git` input without `rev`.
    case dirty
    /// A `tarball`/`file` input whose URL is not an immutable link (no `rev` from the
    /// lockable-tarball protocol and no commit hash in the URL).
    case mutableURL = "mutable-url"
    /// A `path:` input.
    case pathInput = "path-input"
    /// One repository locked at several nodes.
    case duplicate
    /// A repository named `nixpkgs` that is not `github:NixOS/nixpkgs`.
    case nonUpstreamNixpkgs = "non-upstream-nixpkgs"
    /// A Nixpkgs release branch past its end of life.
    case eolBranch = "eol-branch"
    /// flake.lock does not match flake.nix.
    case outOfSync = "out-of-sync"
    /// `--verify`: the refetched tree has another NAR hash than flake.lock records.
    case hashMismatch = "hash-mismatch"
    /// `--verify`: the input could not be fetched or has no NAR hash to compare.
    case unverifiable

    /// The checks that make `audit` fail unless `--fail-on` says otherwise. `stale` only
    /// reports anything with `--max-age`, and the `--verify` checks only with `--verify`.
    public static let defaultFailOn: Set<AuditCheck> = [
        .stale, .unlocked, .dirty, .eolBranch, .outOfSync, .hashMismatch, .unverifiable,
    ]

    /// Parses a `--fail-on` value: check names separated by commas, or `all`, or `none`.
    /// - Throws: ``AuditError/unknownCheck(_:)``.
    public static func parseList(_ text: String) throws(AuditError) -> Set<AuditCheck> {
        var result: Set<AuditCheck> = []
        for raw in text.split(separator: ",") {
            let name = raw.trimmingSpaces()
            switch name {
            case "all": result.formUnion(allCases)
            case "none": continue
            case "default": result.formUnion(defaultFailOn)
            default:
                guard let c = AuditCheck(rawValue: name) else { throw .unknownCheck(name) }
                result.insert(c)
            }
        }
        return result
    }

    public static func < (a: AuditCheck, b: AuditCheck) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One thing the audit found about one node (or, for `out-of-sync`, one input path).
public struct AuditFinding: Sendable, Hashable {
    public var check: AuditCheck
    /// The node's key, when the finding is about a node.
    public var node: String?
    /// The input path the finding is about.
    public var path: InputPath?
    /// One line for people: `input 'x' (git+https://…) has no rev or narHash`.
    public var message: String
    /// Check-specific facts for tools, as strings (see the JSON schema in the README).
    public var details: [String: String]

    public init(
        check: AuditCheck, node: String? = nil, path: InputPath? = nil, message: String, details: [String: String] = [:]
    ) {
        self.check = check
        self.node = node
        self.path = path
        self.message = message
        self.details = details
    }
}

/// Audit failures that stop the audit (as opposed to findings).
public enum AuditError: UserFacingError, Equatable {
    case unknownCheck(String)
    case flakeFile(String)

    public var description: String {
        switch self {
        case .unknownCheck(let name):
            "unknown audit check '\(name)'; known checks: \(AuditCheck.allCases.map(\.rawValue).joined(separator: ", ")), all, none, default"
        case .flakeFile(let message): message
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
