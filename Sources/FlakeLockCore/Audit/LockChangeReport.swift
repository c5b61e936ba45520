import Fetchers
import FlakeModel

/// The changes between two lock files, per input path: what `flakelock diff` prints and
/// what `update --dry-run` can show. Render with ``text()``, ``markdown()`` or ``json()``.
///
/// The input paths and the notion of "changed" are those of Nix's lock file diff
/// (``LockFile/diff(from:to:profile:ansi:)``, docs/nix-behaviour.md, "Diff text"): both graphs
/// are flattened, merged in component-wise path order, and two node edges differ when their
/// `locked` references differ; a follows edge differs from a node edge and from a follows edge
/// to another path.
///
/// ```swift
/// let report = LockChangeReport(old: oldLock, new: newLock, profile: .nix)
/// print(report.text())
/// ```
public struct LockChangeReport: Sendable {
    /// The version of the JSON schema ``json()`` writes.
    public static let schemaVersion: UInt64 = 1

    public enum Kind: String, Sendable, Hashable {
        case added, removed, updated
    }

    /// One side of a change: a locked node or a follows edge.
    public struct Side: Sendable, Hashable {
        /// The locked URL, or nil for a follows edge.
        public var url: String?
        /// The follows target, for a follows edge.
        public var follows: InputPath?
        public var rev: String?
        public var lastModified: UInt64?
        public var repository: RepositoryID?
        /// The attributes of `original` (what flake.nix asked for: type, owner, repo, ref,
        /// url, dir, …), as text.
        public var original: [String: String] = [:]

        /// `lastModified` as a UTC date (`YYYY-MM-DD`).
        public var date: String? { lastModified.map { Timestamp.date(Int64(clamping: $0)) } }

        init(_ edge: LockEdge, profile: CompatProfile) {
            switch edge {
            case .follows(let p):
                follows = p
            case .node(let node):
                guard let l = node.lock else { return }
                url = (try? l.locked.toURLString(profile: profile)) ?? l.locked.description
                rev = l.locked.input.common.rev?.hex ?? l.locked.input.attrs.string("rev")
                lastModified = l.locked.input.common.lastModified
                repository = RepositoryID(locked: l.locked, original: l.original)
                for (name, value) in l.original.toAttrs() { original[name] = value.stringValue ?? value.description }
            }
        }

        /// As Nix's lock file diff shows an edge: `'URL' (YYYY-MM-DD)` or `follows 'a/b'`.
        public var described: String {
            if let follows { return "follows '\(follows)'" }
            return "'\(url ?? "")'" + (date.map { " (\($0))" } ?? "")
        }

        /// `follows 'a/b'`, or the short revision and date, or the URL.
        public var summary: String {
            if let follows { return "follows '\(follows)'" }
            let what = rev.map { String($0.prefix(12)) } ?? url ?? "?"
            return date.map { "\(what) (\($0))" } ?? what
        }
    }

    /// One input path whose edge was added, removed or changed.
    public struct Change: Sendable, Hashable {
        public var path: InputPath
        public var kind: Kind
        public var old: Side?
        public var new: Side?

        /// The attributes of `original` that differ (a branch switch is `ref`), sorted by
        /// name: `(name, old, new)`, nil for a missing side.
        public var originalChanges: [(name: String, old: String?, new: String?)] {
            guard kind == .updated, let o = old, let n = new, o.follows == nil, n.follows == nil else { return [] }
            return Set(o.original.keys).union(n.original.keys).sorted()
                .filter { o.original[$0] != n.original[$0] }
                .map { ($0, o.original[$0], n.original[$0]) }
        }

        /// A web page showing the commits between the two revisions: GitHub and GitLab
        /// compare views (honouring `host=`), the SourceHut log ending at the new revision;
        /// nixos.org channel tarballs link to github:NixOS/nixpkgs. Nil when the repository
        /// changed or a side has no commit hash.
        public var compareURL: String? {
            guard kind == .updated, let o = old, let n = new, let oldRev = o.rev, let newRev = n.rev, oldRev != newRev,
                Revision.isRevisionSyntax(oldRev), Revision.isRevisionSyntax(newRev),
                let repo = n.repository, o.repository == repo
            else { return nil }
            if let forge = repo.forge { return forge.compareURL(old: oldRev, new: newRev) }
            if repo.isNixOSChannel { return RepositoryID.ForgeCoordinates.nixpkgs.compareURL(old: oldRev, new: newRev) }
            return nil
        }
    }

    /// The changes in component-wise order of input path.
    public let changes: [Change]

    /// Compares two lock files.
    public init(old: LockFile, new: LockFile, profile: CompatProfile) {
        let a = old.flattened()
        let b = new.flattened()
        var i = 0
        var j = 0
        var changes: [Change] = []
        while i < a.count || j < b.count {
            if j < b.count && (i == a.count || b[j].path < a[i].path) {
                changes.append(Change(path: b[j].path, kind: .added, old: nil, new: Side(b[j].edge, profile: profile)))
                j += 1
            } else if i < a.count && (j == b.count || a[i].path < b[j].path) {
                changes.append(
                    Change(path: a[i].path, kind: .removed, old: Side(a[i].edge, profile: profile), new: nil))
                i += 1
            } else {
                if !Self.equal(a[i].edge, b[j].edge) {
                    changes.append(
                        Change(
                            path: a[i].path, kind: .updated, old: Side(a[i].edge, profile: profile),
                            new: Side(b[j].edge, profile: profile)))
                }
                i += 1
                j += 1
            }
        }
        self.changes = changes
    }

    static func equal(_ a: LockEdge, _ b: LockEdge) -> Bool {
        switch (a, b) {
        case (.node(let x), .node(let y)): x.lock?.locked == y.lock?.locked && x.lock?.original == y.lock?.original
        case (.follows(let x), .follows(let y)): x == y
        default: false
        }
    }

    /// True when nothing changed.
    public var isEmpty: Bool { changes.isEmpty }

    /// How many changes of `kind`.
    public func count(_ kind: Kind) -> Int { changes.filter { $0.kind == kind }.count }

    /// `3 inputs changed: 1 added, 1 removed, 1 updated` or `No changes.`
    public var summaryLine: String {
        guard !changes.isEmpty else { return "No changes." }
        let n = changes.count
        return
            "\(n) input\(n == 1 ? "" : "s") changed: \(count(.added)) added, \(count(.removed)) removed, \(count(.updated)) updated."
    }
}
