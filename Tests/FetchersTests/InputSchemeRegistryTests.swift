import FlakeModel
import Testing

@testable import Fetchers

/// The per-scheme answers of ``InputSchemeRegistry/standard``, one row per input type: which
/// scheme handles a reference, whether the in-flight key includes the declaring directory,
/// and whether a lock file may be written into a top-level flake of that reference.
struct InputSchemeRegistryTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var url: String
        var scheme: String?
        var dependsOnParent: Bool
        var writableTop: Bool
        var testDescription: String { url }
    }

    static let rows: [Row] = [
        Row(url: "github:NixOS/nixpkgs", scheme: "ForgeScheme", dependsOnParent: false, writableTop: false),
        Row(url: "gitlab:a/b", scheme: "ForgeScheme", dependsOnParent: false, writableTop: false),
        Row(url: "git+https://example.org/r.git", scheme: "GitScheme", dependsOnParent: true, writableTop: false),
        Row(url: "git+file:///srv/r", scheme: "GitScheme", dependsOnParent: true, writableTop: true),
        Row(url: "git+file:///srv/r?ref=main", scheme: "GitScheme", dependsOnParent: true, writableTop: false),
        Row(
            url: "git+file:///srv/r?rev=0123456789abcdef0123456789abcdef01234567", scheme: "GitScheme",
            dependsOnParent: true, writableTop: false),
        Row(url: "https://example.org/a.tar.gz", scheme: "TarballScheme", dependsOnParent: false, writableTop: false),
        Row(url: "path:/srv/flake", scheme: "PathScheme", dependsOnParent: true, writableTop: true),
        Row(url: "hg+file:///srv/h", scheme: "MercurialScheme", dependsOnParent: true, writableTop: true),
        Row(url: "hg+https://example.org/h", scheme: "MercurialScheme", dependsOnParent: true, writableTop: false),
        Row(url: "nixpkgs", scheme: nil, dependsOnParent: true, writableTop: false),
    ]

    @Test(arguments: rows)
    func standardRegistry(_ row: Row) throws {
        let ref = try FlakeRef.parse(row.url, profile: .nix)
        let scheme = InputSchemeRegistry.standard.scheme(for: ref.input)
        #expect(scheme.map { String(describing: type(of: $0)) } == row.scheme)
        #expect((scheme?.dependsOnParentDirectory ?? true) == row.dependsOnParent)
        #expect((scheme?.isWritableTop(ref.input) ?? false) == row.writableTop)
    }

    @Test func registryRefusalKeepsItsMessage() {
        let error = FetchError.registryLookupsNotAllowed(reference: "flake:nixpkgs")
        #expect(
            error.description == "'flake:nixpkgs' is an indirect flake reference, but registry lookups are not allowed")
        #expect(error.exitStatus == 1)
    }
}
