import FlakeLockBasics
package import FlakeLockCore
package import FlakeModel
import Foundation

/// A flake.lock file: read it, list its pins, compare it with another, audit it. Nothing
/// here touches the network.
///
/// ```swift
/// let old = try FlakeLockFile(contentsOf: "old/flake.lock")
/// let new = try FlakeLockFile(contentsOf: "flake.lock")
/// print(old.diff(to: new).markdown())
/// let audit = try new.audit(AuditSettings(maxAgeDays: 30))
/// if !audit.passed { print(audit.text()) }
/// ```
public struct FlakeLockFile: Sendable {
    /// The bytes as read; parsed once to check them, then again on each use, since the
    /// parsed graph (reference types) is not `Sendable`.
    private let bytes: [UInt8]
    package let profile: CompatProfile
    /// The file it was read from (or the name given), used in messages.
    public let path: String

    /// Reads and checks a lock file (unlocked entries are accepted: the audit reports them).
    public init(contentsOf path: String, compatibility: NixCompatibility = .nix) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FlakeLockAPIError.cannotRead(path)
        }
        try self.init(bytes: Array(data), path: path, profile: compatibility.profile)
    }

    /// Parses lock file text; `path` names it in error messages.
    public init(text: String, path: String = "flake.lock", compatibility: NixCompatibility = .nix) throws {
        try self.init(bytes: Array(text.utf8), path: path, profile: compatibility.profile)
    }

    package init(text: String, path: String, profile: CompatProfile) throws {
        try self.init(bytes: Array(text.utf8), path: path, profile: profile)
    }

    init(bytes: [UInt8], path: String, profile: CompatProfile) throws {
        _ = try LockFile.parse(bytes, path: path, profile: profile, allowUnlocked: true)
        self.bytes = bytes
        self.profile = profile
        self.path = path
    }

    /// The parsed lock file (the same bytes parsed successfully in `init`).
    package var lock: LockFile {
        (try? LockFile.parse(bytes, path: path, profile: profile, allowUnlocked: true)) ?? LockFile()
    }

    /// The lock file as Nix writes it (canonical JSON, two-space indent, final newline).
    public var text: String { lock.text }

    /// The names of the root's inputs, sorted.
    public var rootInputNames: [String] { lock.root.sortedInputs.map { $0.name } }

    /// Every locked node, by the shortest input path that reaches it.
    public var pins: [LockedInput] {
        LockInventory(lock, profile: profile).pins.map {
            LockedInput(
                inputPath: $0.path.description, url: $0.url, revision: $0.rev, lastModified: $0.lastModified,
                narHash: $0.narHash, isFlake: $0.isFlake)
        }
    }

    /// The changes from this lock file to `newer`, per input path.
    public func diff(to newer: FlakeLockFile) -> LockDiff {
        LockDiff(report: LockChangeReport(old: lock, new: newer.lock, profile: profile))
    }

    /// Audits the pins offline, like `flakelock audit`. When `flakeNix` is given (or a
    /// flake.nix lies next to the lock file) the `out-of-sync` check compares the two.
    public func audit(_ settings: AuditSettings = AuditSettings(), flakeNix: String? = nil) throws -> AuditResult {
        let directory = (path as NSString).deletingLastPathComponent
        let nixPath = directory.isEmpty ? "flake.nix" : directory + "/flake.nix"
        let nixText =
            flakeNix ?? FileManager.default.contents(atPath: nixPath).map { String(decoding: $0, as: UTF8.self) }
        let lock = self.lock
        let report = AuditRun.report(
            lock: lock, lockFilePath: path, flakeNix: nixText.map { ($0, nixPath) },
            flakeDirectory: directory.isEmpty ? nil : directory, profile: profile, options: try settings.options())
        return AuditResult(report: report)
    }
}

/// One locked node of a lock file.
public struct LockedInput: Sendable, Hashable {
    /// The shortest input path to it (`nixpkgs`, `home-manager/nixpkgs`).
    public var inputPath: String
    /// The locked reference as a URL.
    public var url: String
    public var revision: String?
    /// Seconds since the epoch.
    public var lastModified: UInt64?
    /// SRI.
    public var narHash: String?
    public var isFlake: Bool
}

/// The changes between two lock files (what `flakelock diff` prints).
public struct LockDiff: Sendable {
    let report: LockChangeReport

    /// Whether nothing changed.
    public var isEmpty: Bool { report.isEmpty }
    /// The input paths added, removed or updated.
    public var changedInputPaths: [String] { report.changes.map(\.path.description) }
    /// Plain text, one block per input path.
    public func text() -> String { report.text() }
    /// A pull-request body (`flakelock diff --format markdown`).
    public func markdown() -> String { report.markdown() }
    /// JSON, as `flakelock diff --format json`.
    public func json() -> String { report.json().prettyText + "\n" }
}

/// What an audit checks and which findings fail it.
public struct AuditSettings: Sendable {
    /// The time ages are measured to.
    public var now: Date
    /// Pins last modified more than this many days ago are `stale`; nil disables the check.
    public var maxAgeDays: Int?
    /// The checks whose findings fail the audit (names as in `--fail-on`, or `all`, `none`,
    /// `default`).
    public var failOn: String

    public init(now: Date = Date(), maxAgeDays: Int? = nil, failOn: String = "default") {
        self.now = now
        self.maxAgeDays = maxAgeDays
        self.failOn = failOn
    }

    func options() throws -> AuditOptions {
        let checks: Set<AuditCheck>
        do { checks = try AuditCheck.parseList(failOn) } catch { throw FlakeLockAPIError.unknownAuditCheck(failOn) }
        return AuditOptions(now: Int64(now.timeIntervalSince1970), maxAgeDays: maxAgeDays, failOn: checks)
    }
}

/// The result of ``FlakeLockFile/audit(_:flakeNix:)``.
public struct AuditResult: Sendable {
    let report: AuditReport

    /// One finding of one check.
    public struct Finding: Sendable, Hashable {
        /// The check's name (`stale`, `unlocked`, `out-of-sync`, …).
        public var check: String
        /// The input path it is about, if any.
        public var inputPath: String?
        public var message: String
    }

    /// True when no check selected by ``AuditSettings/failOn`` found anything.
    public var passed: Bool { report.passed }
    /// Every finding, sorted by check, then input path.
    public var findings: [Finding] {
        report.findings.map { Finding(check: $0.check.rawValue, inputPath: $0.path?.description, message: $0.message) }
    }
    public func text() -> String { report.text() }
    /// For a GitHub step summary.
    public func markdown() -> String { report.markdown() }
    public func json() -> String { report.json().prettyText + "\n" }
}

/// The offline part of `flakelock audit`, shared with the command.
package enum AuditRun {
    /// The pin and duplicate checks, plus `out-of-sync` when flake.nix's text and path are given.
    package static func report(
        lock: LockFile, lockFilePath: String, flakeNix: (text: String, path: String)?, flakeDirectory: String?,
        profile: CompatProfile, options: AuditOptions
    ) -> AuditReport {
        var report = AuditReport(lock: lock, lockFilePath: lockFilePath, profile: profile, options: options)
        if let flakeNix {
            let findings = LockSyncCheck.findingsOrUnreadable(
                flakeNix: flakeNix.text, file: flakeNix.path, flakeDirectory: flakeDirectory, lock: lock,
                profile: profile)
            report.add(findings, from: [.outOfSync])
        }
        return report
    }
}
