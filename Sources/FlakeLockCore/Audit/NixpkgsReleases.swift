import FlakeModel

/// The NixOS release branches and their end-of-life dates, bundled with flakelock.
///
/// NixOS supports a release until about a month after the next one: `YY.05` until
/// 31 December of the same year, `YY.11` until 30 June of the next year (20.09 was the last
/// release off that calendar, supported until 30 June 2021). The table lists the releases
/// from 20.09 to the newest one known on ``tableDate``. A branch older than every entry is
/// past its end of life ("before 2021-06-30"); a branch newer than every entry is treated as
/// supported, since the table cannot know about it.
///
/// Branch names recognised: `nixos-YY.MM`, `nixos-YY.MM-small`, `nixpkgs-YY.MM-darwin`,
/// `release-YY.MM` (and `refs/heads/` in front of any of them).
public enum NixpkgsReleases {
    /// When the table was last brought up to date (UTC).
    public static let tableDate = "2026-11-25"

    /// Release → last day of support (UTC, inclusive).
    public static let endOfLife: [(release: String, date: String)] = [
        ("20.09", "2021-06-30"), ("21.05", "2021-12-31"), ("21.11", "2022-06-30"), ("22.05", "2022-12-31"),
        ("22.11", "2023-06-30"), ("23.05", "2023-12-31"), ("23.11", "2024-06-30"), ("24.05", "2024-12-31"),
        ("24.11", "2025-06-30"), ("25.05", "2025-12-31"), ("25.11", "2026-06-30"), ("26.05", "2026-12-31"),
    ]

    /// What the table says about one branch.
    public struct Status: Sendable, Hashable {
        /// The branch as written (`nixos-23.11`).
        public var branch: String
        /// `23.11`.
        public var release: String
        /// The last day of support, or nil for a release older than the table ("before …").
        public var endOfLife: String?
        /// True when the branch is past its end of life at the time asked about.
        public var isPastEndOfLife: Bool
    }

    /// `YY.MM` of a release branch name, or nil if `branch` is not one.
    public static func release(ofBranch branch: String) -> String? {
        var b = Substring(branch)
        if b.hasPrefix("refs/heads/") { b = b.dropFirst("refs/heads/".count) }
        var rest: Substring?
        for prefix in ["nixos-", "nixpkgs-", "release-"] where b.hasPrefix(prefix) { rest = b.dropFirst(prefix.count) }
        guard let rest, rest.utf8.count >= 5 else { return nil }
        let version = rest.prefix(5)
        let suffix = rest.dropFirst(5)
        let digits = Array(version.utf8)
        let isDigit = { (c: UInt8) in c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
        guard isDigit(digits[0]), isDigit(digits[1]), digits[2] == UInt8(ascii: "."), isDigit(digits[3]),
            isDigit(digits[4])
        else { return nil }
        guard ["", "-small", "-darwin", "-aarch64"].contains(String(suffix)) else { return nil }
        if branch.contains("nixpkgs-") && suffix != "-darwin" { return nil }
        return String(version)
    }

    /// The status of `branch` on the UTC day `today` (`YYYY-MM-DD`), or nil if the branch is
    /// not a release branch.
    public static func status(ofBranch branch: String, today: String) -> Status? {
        guard let release = release(ofBranch: branch) else { return nil }
        if let entry = endOfLife.first(where: { $0.release == release }) {
            return Status(branch: branch, release: release, endOfLife: entry.date, isPastEndOfLife: today > entry.date)
        }
        guard let oldest = endOfLife.first, release < oldest.release else { return nil }
        return Status(branch: branch, release: release, endOfLife: nil, isPastEndOfLife: true)
    }

    /// The branch a Nixpkgs input tracks: the `ref` of its original (forges, git) or a
    /// path component of a channel or archive URL (`…/nixos-24.05/nixexprs.tar.xz`,
    /// `…/archive/nixos-24.05.tar.gz`).
    public static func branch(of original: FlakeRef) -> String? {
        switch original.input.spec {
        case .forge, .git:
            return original.input.common.ref
        case .tarball(let t):
            for component in t.url.split(separator: "/").reversed() {
                var c = String(component)
                for ext in [".tar.gz", ".tar.xz", ".tar.bz2", ".zip"] where c.hasSuffix(ext) { c.removeLast(ext.count) }
                if release(ofBranch: c) != nil { return c }
            }
            return nil
        default:
            return nil
        }
    }
}
