import FlakeModel

/// What `flakelock audit` is asked to do.
public struct AuditOptions: Sendable {
    /// The current time in seconds since the epoch. Injected so that ages and end-of-life
    /// decisions are reproducible in tests.
    public var now: Int64
    /// `--max-age`: pins older than this many days are `stale`; nil disables the check.
    public var maxAgeDays: Int?
    /// `--fail-on`: the checks whose findings make the audit fail.
    public var failOn: Set<AuditCheck>

    public init(now: Int64, maxAgeDays: Int? = nil, failOn: Set<AuditCheck> = AuditCheck.defaultFailOn) {
        self.now = now
        self.maxAgeDays = maxAgeDays
        self.failOn = failOn
    }
}

/// The result of an audit: the pins, the duplicate groups and the findings of every check
/// that ran. Render it with ``text()``, ``markdown()`` or ``json()``.
///
/// ```swift
/// var report = AuditReport(lock: lock, lockFilePath: "flake.lock", profile: .nix, options: AuditOptions(now: now))
/// try report.add(LockSyncCheck.findings(flakeNix: text, file: "flake.nix", flakeDirectory: dir, lock: lock, profile: .nix), from: [.outOfSync])
/// if !report.passed { /* exit with AuditReport.failureExitStatus */ }
/// ```
public struct AuditReport: Sendable {
    /// The exit status of `flakelock audit` when a check selected by `--fail-on` failed.
    public static let failureExitStatus: Int32 = 3
    /// The version of the JSON schema ``json()`` writes.
    public static let schemaVersion: UInt64 = 1

    public var lockFilePath: String
    public var options: AuditOptions
    /// The checks that ran (the others could not produce findings).
    public private(set) var checksRun: Set<AuditCheck>
    public let inventory: LockInventory
    public let duplicates: [DuplicateGroup]
    /// Sorted by check, then input path.
    public private(set) var findings: [AuditFinding]

    /// Runs the checks that need only the lock file: pins (`stale` with a max age,
    /// `unlocked`, `dirty`, `mutable-url`, `path-input`, `non-upstream-nixpkgs`,
    /// `eol-branch`) and `duplicate`.
    public init(lock: LockFile, lockFilePath: String, profile: CompatProfile, options: AuditOptions) {
        self.lockFilePath = lockFilePath
        self.options = options
        inventory = LockInventory(lock, profile: profile)
        duplicates = DuplicateAnalysis.groups(in: lock, inventory: inventory)
        var ran: Set<AuditCheck> = [
            .unlocked, .dirty, .mutableURL, .pathInput, .nonUpstreamNixpkgs, .eolBranch, .duplicate,
        ]
        if options.maxAgeDays != nil { ran.insert(.stale) }
        checksRun = ran
        let pinChecks = PinChecks(now: options.now, maxAgeDays: options.maxAgeDays)
        findings = []
        add(inventory.pins.flatMap(pinChecks.findings) + DuplicateAnalysis.findings(duplicates), from: [])
    }

    /// Adds the findings of checks run elsewhere (`out-of-sync`, `--verify`), recording
    /// `checks` as run.
    public mutating func add(_ more: [AuditFinding], from checks: Set<AuditCheck>) {
        checksRun.formUnion(checks)
        findings = (findings + more).sorted { a, b in
            if a.check != b.check { return a.check < b.check }
            return (a.path ?? []) < (b.path ?? [])
        }
    }

    /// The findings of the checks in `--fail-on`.
    public var failing: [AuditFinding] { findings.filter { options.failOn.contains($0.check) } }
    /// True when no check selected by `--fail-on` found anything.
    public var passed: Bool { failing.isEmpty }
    /// 0 when ``passed``, else ``failureExitStatus``.
    public var exitStatus: Int32 { passed ? 0 : Self.failureExitStatus }
}
