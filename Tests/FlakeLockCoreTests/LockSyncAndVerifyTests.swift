import FlakeModel
import NixCompat
import Testing

@testable import FlakeLockCore

struct LockSyncCheckTests {
    typealias F = AuditFixtures

    func findings(_ flakeNix: String, _ lock: LockFile) throws -> [String] {
        try LockSyncCheck.findings(
            flakeNix: flakeNix, file: "/src/flake.nix", flakeDirectory: "/src", lock: lock, profile: .nix
        )
        .map { "\($0.path?.description ?? ""): \($0.details["reason"] ?? "")" }
    }

    @Test func matchingDeclarationsAreInSync() throws {
        let nix = """
            {
              inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
              inputs.home-manager.url = "github:nix-community/home-manager";
              inputs.home-manager.inputs.nixpkgs.follows = "nixpkgs";
              inputs.tool.url = "github:someone/tool";
              outputs = { self, ... }: { };
            }
            """
        #expect(try findings(nix, try F.sharedGraph()) == [])
    }

    @Test func reportsEachKindOfDrift() throws {
        let nix = """
            {
              inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
              inputs.home-manager.url = "github:nix-community/home-manager";
              inputs.tool.url = "github:someone/tool";
              inputs.tool.inputs.nixpkgs.follows = "nixpkgs";
              inputs.extra.url = "github:someone/extra";
              outputs = { self, ... }: { };
            }
            """
        let lock = try F.lock(
            root: ["nixpkgs": "nixpkgs", "home-manager": "home-manager", "tool": "tool", "gone": "gone"],
            nodes: [
                "nixpkgs": F.github("NixOS", "nixpkgs", ref: "nixos-unstable"),
                "home-manager": F.github("nix-community", "home-manager", inputs: ["nixpkgs": #"["nixpkgs"]"#]),
                "tool": F.github("someone", "tool", inputs: ["nixpkgs": "nixpkgs_2"]),
                "nixpkgs_2": F.github("NixOS", "nixpkgs", rev: F.rev2),
                "gone": F.github("someone", "gone"),
            ])
        #expect(
            try findings(nix, lock) == [
                "extra: missing", "nixpkgs: changed", "tool/nixpkgs: follows", "gone: removed",
            ])
        let changed = try LockSyncCheck.findings(
            flakeNix: nix, file: "/src/flake.nix", flakeDirectory: "/src", lock: lock, profile: .nix
        )
        .first { $0.path == ["nixpkgs"] }
        #expect(changed?.details["declared"] == "github:NixOS/nixpkgs/nixos-24.05")
        #expect(changed?.message.hasPrefix("'nixpkgs' is declared as") == true)
    }

    @Test func implicitOutputsArgumentsNeedLocking() throws {
        let nix = "{ outputs = { self, nixpkgs }: { }; }"
        #expect(try findings(nix, LockFile()) == ["nixpkgs: missing"])
    }

    @Test func syntaxErrorsAreThrown() {
        #expect(throws: (any Error).self) { try findings("{ inputs = ", LockFile()) }
    }
}

/// A fake fetcher: hashes by URL, or fails.
struct FakeNarHashes: NarHashSource {
    var hashes: [String: NixHash]
    func narHash(of ref: FlakeRef, parentDirectory: String?) async throws -> NixHash {
        let url = try ref.toURLString(profile: .nix)
        guard let h = hashes[url] else { throw FakeFetchError() }
        return h
    }
    struct FakeFetchError: Error, CustomStringConvertible { var description: String { "offline" } }
}

struct LockVerifierTests {
    typealias F = AuditFixtures

    @Test func comparesRefetchedHashes() async throws {
        let lock = try F.lock(
            root: ["a": "a", "b": "b", "c": "c", "d": "d"],
            nodes: [
                "a": F.github("o", "a"), "b": F.github("o", "b"), "c": F.github("o", "c"),
                "d": F.raw(
                    locked: #"{"type": "github", "owner": "o", "repo": "d", "rev": "\#(F.rev1)"}"#,
                    original: #"{"type": "github", "owner": "o", "repo": "d"}"#),
            ])
        let good = try NixHash.parseNARHash(F.hash)
        let other = try NixHash.parseNARHash("sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=")
        // The verifier fetches without the recorded narHash, so the fake is keyed by the bare URL.
        let source = FakeNarHashes(hashes: ["github:o/a/\(F.rev1)": good, "github:o/b/\(F.rev1)": other])
        let inventory = LockInventory(lock, profile: .nix)
        let findings = await LockVerifier(source: source, profile: .nix).findings(inventory.pins, flakeDirectory: nil)
        #expect(
            findings.map { "\($0.check.rawValue) \($0.path!)" } == [
                "hash-mismatch b", "unverifiable c", "unverifiable d",
            ])
        #expect(findings[0].details == ["expected": F.hash, "got": other.sri])
        #expect(findings[1].details["error"] == "offline")
        #expect(findings[2].details["reason"] == "no narHash")
    }
}
