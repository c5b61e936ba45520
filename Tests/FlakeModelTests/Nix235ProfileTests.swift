import FlakeModel
import Testing

/// The default profile follows Nix 2.35.2; `nix-2.31` keeps Nix 2.31.5's behaviour
/// (`docs/nix-2.32-2.35.md`). One row per property that the two releases set differently.
struct Nix235ProfileTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var name: String
        var nix: String
        var nix231: String
        var read: @Sendable (CompatProfile) -> String
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "narHashOnlyLockWarning", nix: "notReproducible", nix231: "deprecated") {
            "\($0.narHashOnlyLockWarning)"
        },
        Row(name: "rejectsEmptyUpdatePath", nix: "true", nix231: "false") { "\($0.rejectsEmptyUpdatePath)" },
        Row(name: "hintsFilePlusGit", nix: "true", nix231: "false") { "\($0.hintsFilePlusGit)" },
        Row(name: "gitGivenRevCountAndLastModified", nix: "kept", nix231: "checked") {
            "\($0.gitGivenRevCountAndLastModified)"
        },
        Row(name: "rejectsRelativeFileTarballs", nix: "true", nix231: "false") { "\($0.rejectsRelativeFileTarballs)" },
        Row(name: "lockFilePathEscaped", nix: "false", nix231: "true") { "\($0.lockFilePathEscaped)" },
        Row(name: "flakePathErrorQuote", nix: "\"", nix231: "'") { "\($0.flakePathErrorQuote)" },
        Row(name: "fingerprintMarksComputedRevCount", nix: "true", nix231: "false") {
            "\($0.fingerprintMarksComputedRevCount)"
        },
        Row(name: "forgeUnknownParameters", nix: "error", nix231: "ignore") { "\($0.forgeUnknownParameters)" },
        Row(name: "forgeRevNormalised", nix: "false", nix231: "true") { "\($0.forgeRevNormalised)" },
    ]

    @Test(arguments: rows)
    func profilesDiffer(_ row: Row) {
        #expect(row.read(.nix) == row.nix)
        #expect(row.read(.nix231) == row.nix231)
    }

    /// Every property in which `nix-2.31` differs from `nix` (besides its name) has a row.
    @Test func nix231DiffersOnlyInTheseRows() {
        let current = Mirror(reflecting: CompatProfile.nix).children
        let old = Mirror(reflecting: CompatProfile.nix231).children
        var differing: Set<String> = []
        for (a, b) in zip(current, old) where "\(a.value)" != "\(b.value)" { differing.insert(a.label ?? "?") }
        #expect(differing == Set(Self.rows.map(\.name) + ["name"]))
        #expect(CompatProfile.all.map(\.name) == ["nix", "nix-2.31", "nix-2.8", "lix", "determinate"])
    }

    @Test func forgeURLParametersFollowTheProfile() throws {
        #expect(throws: FlakeRefError.self) { _ = try FlakeRef.parse("github:o/r?tag=v1", profile: .nix) }
        let old = try FlakeRef.parse("github:o/r?tag=v1", profile: .nix231)
        #expect(old.input.attrs == ["type": "github", "owner": "o", "repo": "r"])

        let upper = "0123456789ABCDEF0123456789ABCDEF01234567"
        let kept = try FlakeRef.parse("github:o/r?rev=\(upper)", profile: .nix)
        #expect(kept.input.attrs.string("rev") == upper)
        let normalised = try FlakeRef.parse("github:o/r?rev=\(upper)", profile: .nix231)
        #expect(normalised.input.attrs.string("rev") == upper.lowercased())
    }

    @Test func filePlusGitGetsAHint() {
        let url = "file+git:///tmp/repo"
        #expect(throws: FlakeRefError.self) { _ = try FlakeRef.parse(url, profile: .nix) }
        do {
            _ = try FlakeRef.parse(url, profile: .nix)
        } catch {
            #expect(
                String(describing: error)
                    == "input '\(url)' is unsupported; did you mean 'git+file' instead of 'file+git'?")
        }
        do {
            _ = try FlakeRef.parse(url, profile: .nix231)
            Issue.record("\(url) parsed under nix-2.31")
        } catch {
            #expect(String(describing: error) == "input '\(url)' is unsupported")
        }
    }

    @Test func narHashOnlyLockEntryWarning() throws {
        let text = """
            {
              "nodes": {
                "a": {
                  "locked": {
                    "narHash": "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
                    "type": "git",
                    "url": "https://example.org/r"
                  },
                  "original": {
                    "type": "git",
                    "url": "https://example.org/r"
                  }
                },
                "root": {
                  "inputs": {
                    "a": "a"
                  }
                }
              },
              "root": "root",
              "version": 7
            }
            """
        let current = try LockFile.parse(Array(text.utf8), path: "/p/flake.lock", profile: .nix)
        #expect(current.warnings.count == 1)
        #expect(
            current.warnings.first?.hasSuffix(
                "is unlocked (e.g. lacks a Git revision) but is checked by NAR hash. "
                    + "This is not reproducible and will break after garbage collection or when shared.") == true)
        let old = try LockFile.parse(Array(text.utf8), path: "/p/flake.lock", profile: .nix231)
        #expect(old.warnings.count == 1)
        #expect(
            old.warnings.first?.hasSuffix(
                "is unlocked (e.g. lacks a Git revision) but does have a NAR hash. "
                    + "This is deprecated since such inputs are verifiable but may not be reproducible.") == true)
    }
}
