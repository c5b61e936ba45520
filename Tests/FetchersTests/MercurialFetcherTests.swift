import FlakeLockBasics
import FlakeLockTestSupport
import FlakeModel
import Foundation
import NixCompat
import Testing

@testable import Fetchers

/// The Mercurial fetcher's attribute rules, driven through real `hg` on real repositories
/// (no Nix needed): what `ref`, `rev` and `revCount` each profile records, the tree behind
/// `narHash`, dirty working directories, and which URL hg is given.
@Suite(.serialized)
struct MercurialFetcherTests {
    /// A repository: h1, h2 on `default`; s1 on `stable` (from h2); tag v1 at h1, whose
    /// `.hgtags` commit is the tip of `default`.
    final class Fixture: @unchecked Sendable {
        // @unchecked: used by one test at a time (the suite is serialised).
        let root: String
        let universe: ForgeUniverse
        var url: String { "file://\(universe.hgPath("h"))" }

        init() throws {
            root = try FixtureShell.makeTemporaryDirectory(prefix: "flakelock-hg")
            universe = ForgeUniverse(root: root)
            try universe.reset()
            try universe.hgCommit(
                "h", id: "h1", files: ["flake.nix": "{ outputs = _: { }; }\n", ".hgignore": "^ignored$\n"])
            try universe.hgCommit("h", id: "h2", files: ["x": "2\n"])
            try universe.hgCommit("h", id: "s1", branch: "stable", files: ["stable": "1\n"])
            try universe.hgTag("h", "v1", at: "h1")
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        func node(_ id: String) throws -> String { try universe.rev("hg/h", id) }

        func fetcher(_ profile: CompatProfile, allowDirty: Bool = true, offline: Bool = false) -> MercurialFetcher {
            let settings = FetchSettings(
                profile: profile, cacheDirectory: root + "/cache-\(profile.name)", offline: offline,
                allowDirty: allowDirty,
                warnDirty: false)
            return MercurialFetcher(
                settings: settings, reporter: SilentFetchReporter(),
                cache: FetchCache(directory: settings.cacheDirectory))
        }

        func fetch(_ extra: Attrs, profile: CompatProfile, capture: [String] = []) async throws -> FetchedSource {
            var attrs: Attrs = ["type": "hg", "url": .string(url)]
            for (k, v) in extra { attrs[k] = v }
            let input = try Input.fromAttrs(attrs, profile: profile)
            guard case .hg(let spec) = input.spec else { throw MessageError("not an hg input") }
            return try await fetcher(profile).fetch(input, spec, capture: capture)
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var given: Attrs
        var profile: CompatProfile
        /// Expected `ref`, changeset id (fixture name) and `revCount`.
        var ref: String
        var id: String
        var revCount: UInt64
        var testDescription: String { "\(name) (\(profile.name))" }
    }

    static let cases: [Case] = [
        Case(name: "no ref: tip of default", given: [:], profile: .nix28, ref: "default", id: "tag:v1", revCount: 3),
        Case(name: "no ref: tip of default", given: [:], profile: .nix, ref: "default", id: "tag:v1", revCount: 3),
        Case(name: "branch", given: ["ref": "stable"], profile: .nix28, ref: "stable", id: "s1", revCount: 2),
        Case(name: "branch", given: ["ref": "stable"], profile: .lix, ref: "stable", id: "s1", revCount: 3),
        Case(
            name: "tag: recorded as its branch", given: ["ref": "v1"], profile: .nix28, ref: "default", id: "h1",
            revCount: 0),
        Case(
            name: "tag: recorded as its branch", given: ["ref": "v1"], profile: .lix, ref: "default", id: "h1",
            revCount: 1),
        Case(
            name: "rev without ref: its branch", given: ["rev": "@s1"], profile: .nix28, ref: "stable", id: "s1",
            revCount: 2),
        Case(
            name: "rev with ref", given: ["ref": "default", "rev": "@h2"], profile: .nix, ref: "default", id: "h2",
            revCount: 1),
        Case(
            name: "rev with another branch's ref", given: ["ref": "stable", "rev": "@h1"], profile: .nix28,
            ref: "default", id: "h1", revCount: 0),
    ]

    /// Every row of ``cases`` against one repository (building it takes a while: each hg
    /// call starts Python).
    @Test func lockedAttributes() async throws {
        let f = try Fixture()
        for c in Self.cases {
            var given = Attrs()
            for (k, v) in c.given {
                if let s = v.stringValue, s.hasPrefix("@") {
                    given[k] = .string(try f.node(String(s.dropFirst())))
                } else {
                    given[k] = v
                }
            }
            let source = try await f.fetch(given, profile: c.profile, capture: ["flake.nix"])
            let attrs = source.locked.attrs
            let row = Comment(rawValue: c.testDescription)
            #expect(attrs.keys.sorted() == ["narHash", "ref", "rev", "revCount", "type", "url"], row)
            #expect(attrs.string("ref") == c.ref, row)
            #expect(attrs.string("rev") == (try f.node(c.id)), row)
            #expect(attrs.int("revCount") == c.revCount, row)
            #expect(attrs.string("url") == f.url, row)
            #expect(attrs.string("narHash") == (try Self.archiveHash(f, c.id)), row)
            #expect(source.storePath.name == "source", row)
            #expect(source.files["flake.nix"] == Array("{ outputs = _: { }; }\n".utf8), row)
            #expect(source.locked.isLocked(profile: c.profile), row)
        }
        let named = try await f.fetch(["name": "hgsrc"], profile: .nix28)
        #expect(named.storePath.name == "hgsrc")
        #expect(named.locked.attrs.string("name") == "hgsrc")
        let error = await #expect(throws: MercurialError.self) {
            try await f.fetch(["ref": "nosuchbranch"], profile: .nix28)
        }
        #expect(error?.description.hasPrefix("hg failed with exit code 255") == true)
        #expect(error?.description.contains("nosuchbranch") == true)
    }

    /// `hg archive` of the changeset without `.hg_archival.txt`: the committed files,
    /// `.hgtags` and `.hgignore` included; computed here from what the fixture committed.
    static func archiveHash(_ f: Fixture, _ id: String) throws -> String {
        var files: [String: String] = ["flake.nix": "{ outputs = _: { }; }\n", ".hgignore": "^ignored$\n"]
        if id != "h1" { files["x"] = "2\n" }
        if id == "s1" { files["stable"] = "1\n" }
        if id == "tag:v1" { files[".hgtags"] = "\(try f.node("h1")) v1\n" }
        return try ForgeUniverse.narHash(files.mapValues { ForgeUniverse.Entry($0) })
    }

    @Test func dirtyWorkingDirectory() async throws {
        let f = try Fixture()
        try f.universe.hgUpdate("h", to: "stable")
        try f.universe.hgDirty("h", ["x": "dirty\n", "untracked": "u\n", "ignored": "i\n", "sub/new": nil])
        let source = try await f.fetch([:], profile: .nix28, capture: ["flake.nix", "untracked"])
        let attrs = source.locked.attrs
        #expect(attrs.keys.sorted() == ["narHash", "ref", "type", "url"])
        #expect(attrs.string("ref") == "stable")
        let tracked = [
            "flake.nix": "{ outputs = _: { }; }\n", ".hgignore": "^ignored$\n", "x": "dirty\n", "stable": "1\n",
        ]
        #expect(attrs.string("narHash") == (try ForgeUniverse.narHash(tracked.mapValues { ForgeUniverse.Entry($0) })))
        #expect(source.files.keys.sorted() == ["flake.nix"], "untracked files are not part of the tree")
        #expect(source.localPath == f.universe.hgPath("h"))
        // 2.8 counts a narHash as locked; current Nix needs a rev.
        #expect(source.locked.isLocked(profile: .nix28))
        #expect(!source.locked.isLocked(profile: .nix))
        // With a ref (or rev) the working directory is not looked at.
        let byRef = try await f.fetch(["ref": "stable"], profile: .nix28)
        #expect(byRef.locked.attrs.string("rev") == (try f.node("s1")))
        // allow-dirty = false refuses it.
        let input = try Input.fromAttrs(["type": "hg", "url": .string(f.url)], profile: .nix28)
        guard case .hg(let spec) = input.spec else { return }
        let error = await #expect(throws: MercurialError.self) {
            try await f.fetcher(.nix28, allowDirty: false).fetch(input, spec, capture: [])
        }
        #expect(error?.description == "Mercurial tree '\(f.universe.hgPath("h"))' is unclean")
    }

    /// Lix locks a clean local working directory at its parent changeset; Nix at `default`.
    @Test func cleanWorkingDirectoryParent() async throws {
        let f = try Fixture()
        try f.universe.hg("h", ["update", "--clean", "--quiet", try f.node("h1")])
        let lix = try await f.fetch([:], profile: .lix)
        #expect(lix.locked.attrs.string("rev") == (try f.node("h1")))
        #expect(lix.locked.attrs.int("revCount") == 1)
        let nix = try await f.fetch([:], profile: .nix)
        #expect(nix.locked.attrs.string("rev") == (try f.node("tag:v1")))
    }

    /// New changesets are pulled into the cache; offline, the cache answers.
    @Test func pullsNewCommitsAndWorksOfflineFromCache() async throws {
        let f = try Fixture()
        _ = try await f.fetch(["ref": "default"], profile: .nix28)
        try f.universe.hgCommit("h", id: "h3", files: ["x": "3\n"])
        let moved = try await f.fetch(["ref": "default"], profile: .nix28)
        #expect(moved.locked.attrs.string("rev") == (try f.node("h3")))
        let input = try Input.fromAttrs(["type": "hg", "url": .string(f.url), "ref": "default"], profile: .nix28)
        guard case .hg(let spec) = input.spec else { return }
        let offline = try await f.fetcher(.nix28, offline: true).fetch(input, spec, capture: [])
        #expect(offline.locked.attrs.string("rev") == (try f.node("h3")))
        let missing = try Input.fromAttrs(
            ["type": "hg", "url": .string(f.url), "rev": "0123456789abcdef0123456789abcdef01234567"], profile: .nix28)
        guard case .hg(let missingSpec) = missing.spec else { return }
        await #expect(throws: FetchError.self) {
            try await f.fetcher(.nix28, offline: true).fetch(missing, missingSpec, capture: [])
        }
    }

    /// Several fetches of one repository at once share its cache repository safely.
    @Test func concurrentFetchesOfOneRepository() async throws {
        let f = try Fixture()
        async let a = f.fetch(["ref": "stable"], profile: .nix28)
        async let b = f.fetch(["ref": "default"], profile: .nix28)
        async let c = f.fetch(["ref": "v1"], profile: .nix28)
        let revs = try await [a, b, c].map { $0.locked.attrs.string("rev") }
        #expect(revs == [try f.node("s1"), try f.node("tag:v1"), try f.node("h1")])
    }

    struct URLCase: Sendable, CustomTestStringConvertible {
        var url: String
        var profile: CompatProfile
        var actualURL: String
        var local: Bool
        var testDescription: String { "\(url) (\(profile.name))" }
    }

    @Test(arguments: [
        URLCase(url: "https://hg.example/r?x=1#f", profile: .nix28, actualURL: "https://hg.example/r", local: false),
        URLCase(
            url: "https://hg.example/r?x=1#f", profile: .nix, actualURL: "https://hg.example/r?x=1#f", local: false),
        URLCase(url: "https://hg.example/r?x=1", profile: .lix, actualURL: "https://hg.example/r", local: false),
        URLCase(url: "ssh://hg@hg.example/r", profile: .nix, actualURL: "ssh://hg@hg.example/r", local: false),
        URLCase(url: "file:///srv/a%20b", profile: .nix28, actualURL: "/srv/a b", local: true),
        URLCase(url: "file:///srv/r?x=1", profile: .nix, actualURL: "/srv/r", local: true),
    ])
    func contactedURL(_ c: URLCase) {
        let loc = MercurialFetcher.locate(c.url, profile: c.profile)
        #expect(loc.actualURL == c.actualURL)
        #expect((loc.localPath != nil) == c.local)
    }
}
