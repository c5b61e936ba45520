import FlakeModel
import Testing

@testable import Fetchers

/// The per-scheme answers of ``InputSchemeRegistry/standard``, one row per input type: which
/// scheme handles a reference, whether the in-flight key includes the declaring directory,
/// whether a lock file may be written into a top-level flake of that reference, and which
/// repository its lock nodes come from.
struct InputSchemeRegistryTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var url: String
        var scheme: String?
        var dependsOnParent: Bool
        var writableTop: Bool
        /// The repository identity's key (``RepositoryID``), or nil for none.
        var repository: String?
        var testDescription: String { url }
    }

    static let rows: [Row] = [
        Row(
            url: "github:NixOS/nixpkgs", scheme: "ForgeScheme", dependsOnParent: false, writableTop: false,
            repository: "github:github.com/nixos/nixpkgs"),
        Row(
            url: "gitlab:a/b?host=GitLab.Example.org", scheme: "ForgeScheme", dependsOnParent: false,
            writableTop: false, repository: "gitlab:gitlab.example.org/a/b"),
        Row(
            url: "git+https://Example.org/r.git/", scheme: "GitScheme", dependsOnParent: true, writableTop: false,
            repository: "git:https://example.org/r"),
        Row(
            url: "git+file:///srv/r", scheme: "GitScheme", dependsOnParent: true, writableTop: true,
            repository: "git:file:///srv/r"),
        Row(
            url: "git+file:///srv/r?ref=main", scheme: "GitScheme", dependsOnParent: true, writableTop: false,
            repository: "git:file:///srv/r"),
        Row(
            url: "git+file:///srv/r?rev=0123456789abcdef0123456789abcdef01234567", scheme: "GitScheme",
            dependsOnParent: true, writableTop: false, repository: "git:file:///srv/r"),
        Row(
            url: "https://example.org/a.tar.gz", scheme: "TarballScheme", dependsOnParent: false, writableTop: false,
            repository: "tarball:https://example.org/a.tar.gz"),
        Row(
            url: "path:/srv/flake", scheme: "PathScheme", dependsOnParent: true, writableTop: true,
            repository: "path:/srv/flake"),
        Row(
            url: "hg+file:///srv/h", scheme: "MercurialScheme", dependsOnParent: true, writableTop: true,
            repository: "hg:file:///srv/h"),
        Row(
            url: "hg+https://example.org/h", scheme: "MercurialScheme", dependsOnParent: true, writableTop: false,
            repository: "hg:https://example.org/h"),
        Row(url: "nixpkgs", scheme: nil, dependsOnParent: true, writableTop: false, repository: nil),
    ]

    @Test(arguments: rows)
    func standardRegistry(_ row: Row) throws {
        let ref = try FlakeRef.parse(row.url, profile: .nix)
        let scheme = InputSchemeRegistry.standard.scheme(for: ref.input)
        #expect(scheme.map { String(describing: type(of: $0)) } == row.scheme)
        #expect((scheme?.dependsOnParentDirectory ?? true) == row.dependsOnParent)
        #expect((scheme?.isWritableTop(ref.input) ?? false) == row.writableTop)
        #expect(RepositoryID(locked: ref, original: ref)?.key == row.repository)
    }

    @Test func registryRefusalKeepsItsMessage() {
        let error = FetchError.registryLookupsNotAllowed(reference: "flake:nixpkgs")
        #expect(
            error.description == "'flake:nixpkgs' is an indirect flake reference, but registry lookups are not allowed")
        #expect(error.exitStatus == 1)
    }
}
