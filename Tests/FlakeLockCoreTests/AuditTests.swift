import Fetchers
import FlakeModel
import Testing

@testable import FlakeLockCore

struct AuditTests {
    typealias F = AuditFixtures
    let now = Int64(F.jan2024) + 100 * 86_400  // 2024-04-10

    @Test func duplicatesInSyntheticGraphGetFollowsLines() throws {
        let lock = try F.sharedGraph()
        let groups = DuplicateAnalysis.groups(in: lock, inventory: LockInventory(lock, profile: .nix))
        #expect(groups.count == 1)
        let g = try #require(groups.first)
        #expect(g.repository.display == "github:NixOS/nixpkgs")
        #expect(g.pins.map(\.path.description) == ["nixpkgs", "tool/nixpkgs"])
        #expect(g.pins.map(\.key) == ["nixpkgs", "nixpkgs_2"])
        #expect(g.distinctRevisions == 2)
        #expect(g.followsLines == [#"inputs.tool.inputs.nixpkgs.follows = "nixpkgs";"#])
        #expect(g.nodesSaved == 1)
    }

    /// Gerschtli/nix-config (see Vectors/RealFlakes/Gerschtli__nix-config/SOURCE): six
    /// copies of Nixpkgs, two of home-manager.
    @Test func realLockWithSixNixpkgs() throws {
        let lock = try F.realLock("Gerschtli__nix-config")
        let groups = DuplicateAnalysis.groups(in: lock, inventory: LockInventory(lock, profile: .nix))
        let nixpkgs = try #require(groups.first { $0.repository.key == "github:github.com/nixos/nixpkgs" })
        #expect(nixpkgs.pins.count == 6)
        #expect(nixpkgs.distinctRevisions == 6)
        #expect(
            nixpkgs.followsLines == [
                #"inputs.impermanence.inputs.nixpkgs.follows = "nixpkgs";"#,
                #"inputs.nix-on-droid.inputs.nixpkgs-docs.follows = "nixpkgs";"#,
                #"inputs.nix-on-droid.inputs.nixpkgs-for-bootstrap.follows = "nixpkgs";"#,
                #"inputs.sem.inputs.rust-overlay.inputs.nixpkgs.follows = "nixpkgs";"#,
            ])
        #expect(nixpkgs.nodesSaved == 4)
        let hm = try #require(groups.first { $0.repository.display == "github:nix-community/home-manager" })
        #expect(hm.followsLines == [#"inputs.impermanence.inputs.home-manager.follows = "home-manager";"#])
        #expect(groups.map(\.repository.display).contains("github:numtide/flake-utils"))
    }

    /// NixOS/nix (Vectors/RealFlakes/NixOS__nix/SOURCE): two Nixpkgs pinned on purpose by
    /// the root itself, so no follows line; the channel tarball has a Link `rev`.
    @Test func realLockWithRootLevelDuplicatesOnly() throws {
        let lock = try F.realLock("NixOS__nix")
        var report = AuditReport(
            lock: lock, lockFilePath: "flake.lock", profile: .nix, options: AuditOptions(now: 1_795_000_000))
        report.add([], from: [])
        let dup = try #require(report.duplicates.first)
        #expect(report.duplicates.count == 1)
        #expect(dup.pins.map(\.path.description) == ["nixpkgs-23-11", "nixpkgs-regression"])
        #expect(dup.followsLines.isEmpty && dup.nodesSaved == 0)
        #expect(!report.findings.contains { $0.check == .mutableURL })
        // The channel nixos-26.05 is supported until 2026-12-31: no eol finding in Nov 2026.
        #expect(!report.findings.contains { $0.check == .eolBranch })
        let later = AuditReport(
            lock: lock, lockFilePath: "flake.lock", profile: .nix, options: AuditOptions(now: 1_800_000_000))
        #expect(later.findings.filter { $0.check == .eolBranch }.map(\.path?.description) == ["nixpkgs"])
    }

    @Test func pinChecks() throws {
        let lock = try F.lock(
            root: [
                "old": "old", "dirty": "dirty", "bare": "bare", "dl": "dl", "fixed": "fixed", "local": "local",
                "fork": "fork",
            ],
            nodes: [
                "old": F.github("NixOS", "nixpkgs", ref: "nixos-23.05", lastModified: F.jan2024 - 200 * 86_400),
                "dirty": F.raw(
                    locked:
                        #"{"type": "git", "url": "file:///src/x", "dirtyRev": "\#(F.rev1)-dirty", "narHash": "\#(F.hash)"}"#,
                    original: #"{"type": "git", "url": "file:///src/x"}"#),
                "bare": F.raw(
                    locked: #"{"type": "git", "url": "https://example.org/x.git"}"#,
                    original: #"{"type": "git", "url": "https://example.org/x.git"}"#),
                "dl": F.raw(
                    locked:
                        #"{"type": "tarball", "url": "https://example.org/latest.tar.gz", "narHash": "\#(F.hash)"}"#,
                    original: #"{"type": "tarball", "url": "https://example.org/latest.tar.gz"}"#),
                "fixed": F.raw(
                    locked:
                        #"{"type": "tarball", "url": "https://github.com/NixOS/nixpkgs/archive/\#(F.rev2).tar.gz", "narHash": "\#(F.hash)"}"#,
                    original:
                        #"{"type": "tarball", "url": "https://github.com/NixOS/nixpkgs/archive/\#(F.rev2).tar.gz"}"#),
                "local": F.raw(
                    locked: #"{"type": "path", "path": "/src/y", "narHash": "\#(F.hash)"}"#,
                    original: #"{"type": "path", "path": "/src/y"}"#),
                "fork": F.github("someone", "nixpkgs", rev: F.rev3),
            ])
        let report = AuditReport(
            lock: lock, lockFilePath: "flake.lock", profile: .nix, options: AuditOptions(now: now, maxAgeDays: 150))
        func paths(_ c: AuditCheck) -> [String] {
            report.findings.filter { $0.check == c }.compactMap { $0.path?.description }
        }
        #expect(paths(.stale) == ["old"])
        #expect(report.findings.first { $0.check == .stale }?.details["ageDays"] == "300")
        #expect(paths(.unlocked) == ["bare"])
        #expect(paths(.dirty) == ["bare", "dirty"])
        #expect(paths(.mutableURL) == ["dl"])
        #expect(paths(.pathInput) == ["local"])
        #expect(paths(.nonUpstreamNixpkgs) == ["fork"])
        #expect(paths(.eolBranch) == ["old"])
        #expect(report.findings.first { $0.check == .eolBranch }?.details["endOfLife"] == "2023-12-31")
        #expect(!report.passed && report.exitStatus == 3)
        #expect(report.failing.map(\.check).allSatisfy(AuditCheck.defaultFailOn.contains))

        var lenient = report
        lenient.options.failOn = try AuditCheck.parseList("duplicate,path-input")
        #expect(lenient.failing.map(\.check) == [.pathInput])
        lenient.options.failOn = try AuditCheck.parseList("none")
        #expect(lenient.passed && lenient.exitStatus == 0)
    }

    @Test func cleanLockPasses() throws {
        let lock = try F.lock(
            root: ["nixpkgs": "nixpkgs"], nodes: ["nixpkgs": F.github("NixOS", "nixpkgs", ref: "nixos-unstable")])
        let report = AuditReport(
            lock: lock, lockFilePath: "flake.lock", profile: .nix, options: AuditOptions(now: now, maxAgeDays: 365))
        #expect(report.findings.isEmpty && report.passed)
        #expect(report.text().hasSuffix("Result: passed\n"))
    }

    @Test func failOnParsing() throws {
        #expect(try AuditCheck.parseList("all") == Set(AuditCheck.allCases))
        #expect(try AuditCheck.parseList("default,duplicate") == AuditCheck.defaultFailOn.union([.duplicate]))
        #expect(throws: AuditError.unknownCheck("bogus")) { try AuditCheck.parseList("stale,bogus") }
    }

    @Test(arguments: [
        ("nixos-23.11", "2024-06-30", true), ("nixos-24.05-small", "2024-12-31", true),
        ("nixpkgs-25.05-darwin", "2025-12-31", true),
        ("release-26.05", "2026-12-31", false), ("refs/heads/nixos-22.05", "2022-12-31", true),
    ])
    func releaseTable(branch: String, eol: String, past: Bool) throws {
        let s = try #require(NixpkgsReleases.status(ofBranch: branch, today: "2026-11-25"))
        #expect(s.endOfLife == eol)
        #expect(s.isPastEndOfLife == past)
    }

    @Test func releaseTableEdges() {
        #expect(NixpkgsReleases.status(ofBranch: "nixos-unstable", today: "2026-11-25") == nil)
        #expect(NixpkgsReleases.status(ofBranch: "nixos-27.05", today: "2026-11-25") == nil)
        #expect(NixpkgsReleases.status(ofBranch: "nixos-19.09", today: "2026-11-25")?.isPastEndOfLife == true)
        #expect(NixpkgsReleases.status(ofBranch: "nixos-24.05", today: "2024-12-31")?.isPastEndOfLife == false)
        #expect(NixpkgsReleases.release(ofBranch: "nixos-24.05-foo") == nil)
    }

    @Test func repositoryIdentity() throws {
        let a = try #require(RepositoryID(parsing: "github:NixOS/nixpkgs/nixos-unstable", profile: .nix))
        let b = try #require(RepositoryID(parsing: "github:nixos/NIXPKGS", profile: .nix))
        #expect(a == b && a.isUpstreamNixpkgs)
        let enterprise = try #require(
            RepositoryID(parsing: "github:NixOS/nixpkgs?host=git.corp.example", profile: .nix))
        #expect(enterprise != a && !enterprise.isUpstreamNixpkgs)
        let g1 = try #require(
            RepositoryID(parsing: "git+https://GitHub.com/NixOS/nixpkgs.git?ref=master", profile: .nix))
        let g2 = try #require(RepositoryID(parsing: "git+https://github.com/NixOS/nixpkgs/", profile: .nix))
        #expect(g1 == g2 && g1.forge?.repo == "nixpkgs")
    }
}
