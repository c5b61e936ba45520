import Fetchers
import FlakeLockTestSupport
import FlakeModel
import NativeTransport
import NixCompat
import Testing

/// Every fetcher scheme driven through ``SourceFetcher`` over fakes (no socket, no Nix):
/// forge and tarball archives are real `tar.gz` bytes from ``TarArchiveBuilder`` hashed by the
/// real libarchive hasher over ``FakeHTTPTransport``; Git inputs come from a ``FakeGitForge``.
/// Expected NAR hashes are computed from the in-memory tree, independently of the fetchers.
@Suite struct SchemeTableTests {
    static let mtime: Int64 = 1_700_000_123
    static let tree: MemoryTree = .dir([
        "flake.nix": .file(LockScenario.flakeNix()),
        "bin": .dir(["run": .file("#!/bin/sh\necho hi\n", executable: true)]),
        "README": .link("bin/run"),
    ])
    static var treeHash: String { try! NAR.hash(tree).hash.sri }

    static func fetcher(_ s: LockScenario, _ profile: CompatProfile, registries: Registries = Registries())
        -> SourceFetcher
    {
        SourceFetcher(
            settings: FetchSettings(profile: profile, cacheDirectory: s.cacheDirectory),
            transports: s.transports(archives: LibArchiveHasher(http: s.http)), registries: registries,
            reporter: SilentFetchReporter(), schemes: .standard)
    }

    static func fetch(_ url: String, _ profile: CompatProfile, _ s: LockScenario, registries: Registries = Registries())
        async throws -> SourceFetcher.FetchResult
    {
        let ref = try FlakeRef.parse(url, profile: profile)
        return try await fetcher(s, profile, registries: registries).fetch(ref, registryScope: .all)
    }

    static func profile(_ name: String) -> CompatProfile { CompatProfile.all.first { $0.name == name }! }

    // MARK: forges

    struct ForgeCase: Sendable, CustomTestStringConvertible {
        var forge: LockScenario.Forge
        var profile: String
        /// The archive URL this Nix downloads (`<rev>` stands for the revision).
        var archiveURL: String
        var testDescription: String { "\(forge) under \(profile)" }
    }

    static let forgeCases: [ForgeCase] = {
        var cases: [ForgeCase] = []
        for p in ["nix", "nix-2.31", "lix", "determinate"] {
            cases.append(
                ForgeCase(forge: .github, profile: p, archiveURL: "https://github.com/o/r/archive/<rev>.tar.gz"))
        }
        // 2.8 downloads GitHub archives from the API (src/libfetchers/github.cc of 2.8).
        cases.append(
            ForgeCase(forge: .github, profile: "nix-2.8", archiveURL: "https://api.github.com/repos/o/r/tarball/<rev>"))
        for p in ["nix", "nix-2.31", "lix", "determinate", "nix-2.8"] {
            cases.append(
                ForgeCase(
                    forge: .gitlab, profile: p,
                    archiveURL: "https://gitlab.com/api/v4/projects/o%2Fr/repository/archive.tar.gz?sha=<rev>"))
            cases.append(
                ForgeCase(forge: .sourcehut, profile: p, archiveURL: "https://git.sr.ht/o/r/archive/<rev>.tar.gz"))
        }
        return cases
    }()

    @Test(arguments: forgeCases)
    func forgeInputIsLockedToTheBranchHead(_ c: ForgeCase) async throws {
        let s = LockScenario()
        let profile = Self.profile(c.profile)
        // sourcehut owners carry a `~` (src/libfetchers/github.cc, SourceHutInputScheme).
        let owner = c.forge == .sourcehut ? "~o" : "o"
        let rev = try s.publishForge(c.forge, owner: owner, repo: "r", tree: Self.tree, mtime: Self.mtime)
        for ref in ["", "/main"] {
            let url = "\(c.forge.rawValue):\(owner)/r\(ref)"
            let r = try await Self.fetch(url, profile, s)
            let attrs = r.locked.input.attrs
            #expect(attrs["rev"] == .string(rev.hex), "\(url)")
            #expect(attrs["ref"] == nil, "\(url): a locked forge input keeps no ref")
            #expect(attrs["narHash"] == .string(Self.treeHash), "\(url)")
            #expect(attrs["lastModified"] == .int(UInt64(Self.mtime)), "\(url)")
            #expect(r.flakeNix == Array(LockScenario.flakeNix().utf8))
            let archive = c.archiveURL.replacingOccurrences(of: "<rev>", with: rev.hex)
                .replacingOccurrences(of: "/o/r/", with: "/\(owner)/r/")
            // GitHub's archive of the ref itself, fetched while the ref resolves, stands in for
            // the revision's when it names the resolved commit (ForgeArchiveByRef.swift).
            // (`/main` is the same commit as HEAD, so its tree then comes from the cache.)
            let urls = s.http.requests.map(\.url)
            let byRef =
                c.forge == .github
                && (urls.contains("https://github.com/o/r/archive/HEAD.tar.gz")
                    || urls.contains("https://api.github.com/repos/o/r/tarball/HEAD"))
            #expect(urls.contains(archive) || byRef, "\(url): \(urls)")
        }
    }

    @Test(arguments: CompatProfile.all.map(\.name))
    func forgeNarHashMismatchIsRefused(_ name: String) async throws {
        let profile = Self.profile(name)
        let s = LockScenario()
        try s.publishForge(.github, owner: "o", repo: "r", tree: Self.tree)
        let wrong = NixHash.sha256(of: Array("other".utf8)).sri
        let ref = try FlakeRef.fromAttrs(
            ["type": "github", "owner": "o", "repo": "r", "narHash": .string(wrong)], profile: profile)
        let error = await #expect(throws: (any Error).self) {
            _ = try await Self.fetcher(s, profile).fetch(ref, registryScope: .all)
        }
        let text = error.map { String(describing: $0) } ?? ""
        #expect(text.contains("NAR hash mismatch in input 'github:o/r"), "\(text)")
        #expect(text.contains("expected '\(wrong)'") && text.contains("'\(Self.treeHash)'"), "\(text)")
    }

    @Test(arguments: CompatProfile.all.map(\.name))
    func unknownForgeBranchFails(_ name: String) async throws {
        let s = LockScenario()
        try s.publishForge(.github, owner: "o", repo: "r", tree: Self.tree)
        await #expect(throws: (any Error).self) { _ = try await Self.fetch("github:o/r/nosuch", Self.profile(name), s) }
    }

    // MARK: tarballs

    /// `lastModified` of a locked tarball: 2.8 records none (src/libfetchers/tarball.cc of 2.8).
    /// A new profile must say what it expects in every table.
    @Test func tablesCoverEveryProfile() {
        let names = Set(CompatProfile.all.map(\.name))
        for forge in Set(Self.forgeCases.map(\.forge)) {
            #expect(Set(Self.forgeCases.filter { $0.forge == forge }.map(\.profile)) == names, "\(forge)")
        }
        #expect(Set(Self.tarballRecordsLastModified.keys) == names)
        #expect(Set(Self.tarballNeedsOneTopLevelEntry.keys) == names)
        #expect(Set(Self.gitDefaultRef.keys) == names)
    }

    static let tarballRecordsLastModified = [
        "nix": true, "nix-2.31": true, "lix": true, "determinate": true, "nix-2.8": false,
    ]

    @Test(arguments: CompatProfile.all.map(\.name))
    func tarballInputIsLockedByNarHash(_ name: String) async throws {
        let s = LockScenario()
        let url = "https://tarballs.example/src.tar.gz"
        try s.publishTarball(url, tree: Self.tree, mtime: Self.mtime)
        let r = try await Self.fetch(url, Self.profile(name), s)
        let attrs = r.locked.input.attrs
        #expect(attrs["type"] == .string("tarball"))
        #expect(attrs["url"] == .string(url))
        #expect(attrs["narHash"] == .string(Self.treeHash))
        #expect(
            attrs["lastModified"]
                == (try #require(Self.tarballRecordsLastModified[name], "no expectation for profile \(name)")
                    ? .int(UInt64(Self.mtime)) : nil))
        #expect(r.flakeNix != nil)
    }

    /// Whether an archive must have exactly one top-level entry: Nix 2.8 and Lix
    /// (src/libfetchers/tarball.cc); Nix 2.24 onwards keeps a flat archive's root.
    static let tarballNeedsOneTopLevelEntry = [
        "nix": false, "nix-2.31": false, "lix": true, "determinate": false, "nix-2.8": true,
    ]

    /// Two top-level entries.
    @Test(arguments: CompatProfile.all.map(\.name))
    func tarballWithTwoTopLevelEntries(_ name: String) async throws {
        let s = LockScenario()
        let url = "https://tarballs.example/flat.tar.gz"
        try s.publishTarball(url, tree: Self.tree, topDirectory: nil)
        if try #require(Self.tarballNeedsOneTopLevelEntry[name], "no expectation for profile \(name)") {
            let error = await #expect(throws: (any Error).self) { _ = try await Self.fetch(url, Self.profile(name), s) }
            #expect(
                error.map { String(describing: $0) }?.contains(
                    ArchiveError.unexpectedTopLevelCount(source: url).description) == true)
        } else {
            let r = try await Self.fetch(url, Self.profile(name), s)
            #expect(r.locked.input.attrs["narHash"] == .string(Self.treeHash))
        }
    }

    // MARK: git

    /// The ref a Git input without one is locked to: current Nix asks the remote's HEAD and
    /// records its full target; 2.8 takes `master` (src/libfetchers/git.cc of 2.8).
    static let gitDefaultRef = [
        "nix": "refs/heads/main", "nix-2.31": "refs/heads/main", "lix": "refs/heads/main",
        "determinate": "refs/heads/main", "nix-2.8": "master",
    ]

    @Test(arguments: CompatProfile.all.map(\.name))
    func gitInputIsLockedToItsRef(_ name: String) async throws {
        let s = LockScenario()
        let url = "https://git.example/r.git"
        s.gitForge.commit(url, tree: .dir(["flake.nix": .file("{ outputs = _: { }; }\n")]), time: 1_600_000_000)
        let main = s.gitForge.commit(url, tree: Self.tree, time: Self.mtime)
        let master = s.gitForge.commit(url, branch: "master", tree: Self.tree, time: 1_500_000_000)
        let defaultRef = try #require(Self.gitDefaultRef[name], "no expectation for profile \(name)")
        let (defaultRev, defaultCount, defaultTime) =
            defaultRef == "master" ? (master, 1, 1_500_000_000) : (main, 2, Self.mtime)
        let table: [(String, GitObjectID, Int, Int64, String)] = [
            ("", defaultRev, defaultCount, defaultTime, defaultRef),
            ("?ref=main", main, 2, Self.mtime, "main"),
            ("?ref=master", master, 1, 1_500_000_000, "master"),
            ("?rev=\(main.hex)", main, 2, Self.mtime, defaultRef),
        ]
        for (query, rev, count, time, ref) in table {
            let r = try await Self.fetch("git+\(url)\(query)", Self.profile(name), s)
            let attrs = r.locked.input.attrs
            #expect(attrs["rev"] == .string(rev.hex), "\(query)")
            #expect(attrs["revCount"] == .int(UInt64(count)), "\(query)")
            #expect(attrs["lastModified"] == .int(UInt64(time)), "\(query)")
            #expect(attrs["narHash"] == .string(Self.treeHash), "\(query)")
            #expect(attrs["ref"] == .string(ref), "\(query)")
        }
    }

    @Test(arguments: CompatProfile.all.map(\.name))
    func gitRevOutsideTheRefIsRefused(_ name: String) async throws {
        let s = LockScenario()
        let url = "https://git.example/r.git"
        s.gitForge.commit(url, tree: Self.tree, time: Self.mtime)
        let missing = String(repeating: "ab", count: 20)
        await #expect(throws: (any Error).self) {
            _ = try await Self.fetch("git+\(url)?rev=\(missing)", Self.profile(name), s)
        }
    }

    // MARK: path and indirect

    @Test(arguments: CompatProfile.all.map(\.name))
    func pathInputHashesTheDirectory(_ name: String) async throws {
        let s = LockScenario()
        let dir = TestDirectory.make(prefix: "flakelock-scheme-path")
        try dir.write("flake.nix", LockScenario.flakeNix())
        try dir.write("bin/run", "#!/bin/sh\necho hi\n", executable: true)
        try dir.symlink("README", to: "bin/run")
        let r = try await Self.fetch("path:\(dir.path)", Self.profile(name), s)
        #expect(r.locked.input.attrs["type"] == .string("path"))
        #expect(r.locked.input.attrs["narHash"] == .string(Self.treeHash))
        #expect(r.flakeNix == Array(LockScenario.flakeNix().utf8))
        #expect(s.http.requests.isEmpty)
    }

    @Test(arguments: CompatProfile.all.map(\.name))
    func indirectInputResolvesThroughTheRegistry(_ name: String) async throws {
        let profile = Self.profile(name)
        let s = LockScenario()
        let rev = try s.publishForge(.github, owner: "o", repo: "lib", tree: Self.tree)
        let entry = Registry.Entry(
            from: try Input.fromAttrs(["type": "indirect", "id": "lib"], profile: profile),
            to: try FlakeRef.parse("github:o/lib", profile: profile))
        let r = try await Self.fetch("lib", profile, s, registries: Registries(global: Registry(entries: [entry])))
        #expect(r.resolved.input.attrs["owner"] == .string("o"))
        #expect(r.locked.input.attrs["rev"] == .string(rev.hex))
        await #expect(throws: (any Error).self) { _ = try await Self.fetch("nosuch", profile, s) }
    }
}
