import Fetchers
import FlakeLockBasics
import FlakeLockTestSupport
import Foundation
import NativeTransport
import NixCompat
import Testing

@Suite("LibGit2Transport") struct GitTransportTests {
    static let fileAllow = [GitConfigEntry(key: "protocol.file.allow", value: "always")]

    static func transport(config: [GitConfigEntry] = fileAllow, cli: Bool = false) throws -> LibGit2Transport {
        LibGit2Transport(settings: try TT.gitSettings(config: config, useCLIForRemotes: cli))
    }

    /// A repository with exec bits, symlinks (one dangling), a gitlink, export-ignore and
    /// export-subst attributes, a directory left empty by export-ignore, and two commits.
    static func makeRepo(_ dir: TT.Dir, name: String = "repo") throws -> (
        GitFixtureRepository, first: String, head: String
    ) {
        let repo = try GitFixtureRepository(at: dir.sub(name))
        try repo.write("flake.nix", "{ outputs = _: { }; }\n")
        let first = try repo.commit("first")
        try repo.write("run.sh", "#!/bin/sh\necho hi\n", executable: true)
        try repo.symlink("link", to: "flake.nix")
        try repo.symlink("dangling", to: "no/such/file")
        try repo.write("sub/file", "in sub\n")
        try repo.write("sub/README.md", "docs\n")
        try repo.write("docs/guide.txt", "guide\n")
        try repo.write("ignored.txt", "ignored\n")
        try repo.write("onlyignored/a.tmp", "tmp\n")
        try repo.write("foo.txt", "foo\n")
        try repo.write("foo/bar", "bar\n")
        try repo.write(
            "subst.txt",
            "H=$Format:%H$ h=$Format:%h$ T=$Format:%T$ t=$Format:%t$ P=$Format:%P$ p=$Format:%p$\n"
                + "a=$Format:%an <%ae> %ad|%at|%ai|%aI$\nc=$Format:%cn %ce %cd|%ct|%ci|%cI$\ns=$Format:%s%n%%$ no $Format end\n"
        )
        try repo.write(
            ".gitattributes",
            "ignored.txt export-ignore\ndocs export-ignore\n*.md export-ignore\n*.tmp export-ignore\nsubst.txt export-subst\n"
        )
        try repo.addGitlink("vendor/lib", url: "../lib.git", commit: first)
        let head = try repo.commit("second: add files\n\nwith a body")
        return (repo, first, head)
    }

    @Test func fetchesOverFileAndHashesLikeGitArchive() async throws {
        let dir = try TT.Dir()
        let (repo, first, head) = try Self.makeRepo(dir)
        try repo.tag("v1a", annotated: true)
        try repo.tag("v0", at: first)
        let server = try repo.bareClone()
        let git = try Self.transport()
        let cache = dir.sub("cache/abc")
        try await git.ensureBareRepository(at: cache)
        try await git.ensureBareRepository(at: cache)  // idempotent
        try await git.fetch(
            "file://" + server, into: cache, refspecs: ["refs/heads/main:refs/heads/main"], shallow: false)
        let main = try await git.resolve(ref: "refs/heads/main", in: cache)
        #expect(main.commit.hex == head)
        #expect(!main.isAnnotatedTag)

        let info = try await git.commitInfo(main.commit, in: cache, countRevisions: true)
        #expect(info.revCount == Int(try repo.git("rev-list", "--count", head)))
        #expect(info.committerTime == Int64(try repo.git("log", "-1", "--format=%ct", head)))
        #expect(info.tree.hex == (try repo.git("rev-parse", "\(head)^{tree}")))
        #expect(!info.isShallowRepository)

        // git archive is the oracle (Nix 2.8 hashes its output).
        let unpacked = dir.sub("archive")
        try repo.archive(head, into: unpacked)
        let expected = try TT.expectedHash(ofPath: unpacked)
        let ours = try await git.hashTree(
            of: main.commit, in: cache, options: GitTreeOptions(exportIgnore: true, exportSubst: true))
        #expect(ours.narHash.sri == expected)
        if ours.narHash.sri != expected {
            let subst = try String(contentsOfFile: unpacked + "/subst.txt", encoding: .utf8)
            Issue.record("git archive's subst.txt: \(subst)")
        }
        // Without attributes: every file, the gitlink as an empty directory.
        let plain = try await git.hashTree(of: main.commit, in: cache, options: GitTreeOptions())
        #expect(plain.narHash != ours.narHash)

        #expect(
            try await git.readFile("flake.nix", at: main.commit, in: cache) == Array("{ outputs = _: { }; }\n".utf8))
        #expect(try await git.readFile("nope", at: main.commit, in: cache) == nil)
        #expect(try await git.readFile("sub", at: main.commit, in: cache) == nil)

        // Tags: an annotated tag resolves to the tag object and its commit.
        try await git.fetch(server, into: cache, refspecs: ["refs/tags/*:refs/tags/*"], shallow: false)
        let tag = try await git.resolve(ref: "refs/tags/v1a", in: cache)
        #expect(tag.isAnnotatedTag)
        #expect(tag.object.hex == (try repo.git("rev-parse", "v1a")))
        #expect(tag.commit.hex == head)
        let light = try await git.resolve(ref: "refs/tags/v0", in: cache)
        #expect(light.object.hex == first && light.commit.hex == first)

        #expect(try await git.isAncestor(GitObjectID(first)!, of: main.commit, in: cache))
        #expect(try await !git.isAncestor(main.commit, of: GitObjectID(first)!, in: cache))
        #expect(try await git.contains(GitObjectID(first)!, in: cache))
        #expect(try await !git.contains(GitObjectID(String(repeating: "1", count: 40))!, in: cache))
        await #expect(throws: GitTransportError.refNotFound(ref: "refs/heads/nope", repository: cache)) {
            _ = try await git.resolve(ref: "refs/heads/nope", in: cache)
        }
        #expect(try await git.lsRemoteSymref("file://" + server) == "refs/heads/main")
    }

    @Test func fetchesOverSmartHTTP() async throws {
        let dir = try TT.Dir()
        let (repo, _, head) = try Self.makeRepo(dir)
        try FileManager.default.createDirectory(atPath: dir.sub("srv"), withIntermediateDirectories: true)
        try repo.bareClone(to: dir.sub("srv/repo.git"))
        let server = try LoopbackHTTPServer(gitRoot: dir.sub("srv"))
        let git = try Self.transport()
        let cache = dir.sub("cache")
        try await git.ensureBareRepository(at: cache)
        let url = server.url("/git/repo.git")
        try await git.fetch(url, into: cache, refspecs: ["refs/heads/main:refs/heads/main"], shallow: false)
        let main = try await git.resolve(ref: "refs/heads/main", in: cache)
        #expect(main.commit.hex == head)
        let unpacked = dir.sub("archive")
        try repo.archive(head, into: unpacked)
        let h = try await git.hashTree(
            of: main.commit, in: cache, options: GitTreeOptions(exportIgnore: true, exportSubst: true))
        #expect(h.narHash.sri == (try TT.expectedHash(ofPath: unpacked)))
        #expect(try await git.lsRemoteSymref(url) == "refs/heads/main")
        // Second fetch is incremental (and a no-op here).
        try await git.fetch(url, into: cache, refspecs: ["refs/heads/main:refs/heads/main"], shallow: false)
        await #expect(throws: GitTransportError.self) {
            try await git.fetch(
                server.url("/git/missing.git"), into: cache, refspecs: ["refs/heads/main:refs/heads/main"],
                shallow: false)
        }
    }

    @Test func fetchesOverHTTPSAndThroughAProxy() async throws {
        let dir = try TT.Dir()
        let (repo, _, head) = try Self.makeRepo(dir)
        try FileManager.default.createDirectory(atPath: dir.sub("srv"), withIntermediateDirectories: true)
        try repo.bareClone(to: dir.sub("srv/repo.git"))
        let ca = try TestCertificateAuthority.files()
        let tls = try LoopbackHTTPServer(tls: (ca.serverCertificate, ca.serverKey), gitRoot: dir.sub("srv"))
        let git = try Self.transport()
        let cache = dir.sub("cache")
        try await git.ensureBareRepository(at: cache)
        try await git.fetch(
            tls.url("/git/repo.git", host: "localhost"), into: cache, refspecs: ["refs/heads/main:refs/heads/main"],
            shallow: false)
        #expect(try await git.resolve(ref: "refs/heads/main", in: cache).commit.hex == head)
        // Plain HTTP through a proxy: the request goes to the proxy with an absolute URI.
        let plain = try LoopbackHTTPServer(gitRoot: dir.sub("srv"))
        let proxied = LibGit2Transport(
            settings: try TT.gitSettings(config: Self.fileAllow, proxy: ProxySettings(httpProxy: plain.url(""))))
        let cache2 = dir.sub("cache2")
        try await proxied.ensureBareRepository(at: cache2)
        try await proxied.fetch(
            "http://git.example/git/repo.git", into: cache2, refspecs: ["refs/heads/main:refs/heads/main"],
            shallow: false)
        #expect(try await proxied.resolve(ref: "refs/heads/main", in: cache2).commit.hex == head)
        #expect(try plain.requests().allSatisfy { $0.proxied && $0.header("Host") == "git.example" })
    }

    @Test func fetchesOverGitDaemonAndCLI() async throws {
        let dir = try TT.Dir()
        let (repo, _, head) = try Self.makeRepo(dir)
        try FileManager.default.createDirectory(atPath: dir.sub("srv"), withIntermediateDirectories: true)
        try repo.bareClone(to: dir.sub("srv/repo.git"))
        let daemon = try GitDaemon(basePath: dir.sub("srv"))
        let git = try Self.transport()
        let cache = dir.sub("cache")
        try await git.ensureBareRepository(at: cache)
        try await git.fetch(daemon.url("repo.git"), into: cache, refspecs: ["refs/*:refs/*"], shallow: false)
        #expect(try await git.resolve(ref: "refs/heads/main", in: cache).commit.hex == head)
        // The CLI path (used for ssh:// and shallow fetches), including a shallow fetch.
        let cli = try Self.transport(cli: true)
        let cache2 = dir.sub("cache2")
        try await cli.ensureBareRepository(at: cache2)
        try await cli.fetch(
            daemon.url("repo.git"), into: cache2, refspecs: ["refs/heads/main:refs/heads/main"], shallow: true)
        let r = try await cli.resolve(ref: "refs/heads/main", in: cache2)
        #expect(r.commit.hex == head)
        #expect(try await cli.commitInfo(r.commit, in: cache2, countRevisions: false).isShallowRepository)
        #expect(try await cli.lsRemoteSymref(daemon.url("repo.git")) == "refs/heads/main")
    }

    @Test func submodulesAreMountedRecursively() async throws {
        let dir = try TT.Dir()
        let leaf = try GitFixtureRepository(at: dir.sub("w/leaf"))
        try leaf.write("leaf.txt", "leaf\n")
        let leafRev = try leaf.commit("leaf")
        try leaf.bareClone(to: dir.sub("srv/leaf.git"))
        let lib = try GitFixtureRepository(at: dir.sub("w/lib"))
        try lib.write("lib.nix", "{ }\n")
        try lib.write("bin/tool", "#!/bin/sh\n", executable: true)
        try lib.addGitlink("deps/leaf", url: "../leaf.git", commit: leafRev)
        let libRev = try lib.commit("lib")
        try lib.bareClone(to: dir.sub("srv/lib.git"))
        let top = try GitFixtureRepository(at: dir.sub("w/top"))
        try top.write("flake.nix", "{ }\n")
        try top.addGitlink("vendor/lib", url: "../lib.git", commit: libRev)
        let topRev = try top.commit("top")
        try top.bareClone(to: dir.sub("srv/top.git"))

        // The oracle: a recursive clone without any .git entries (what Nix 2.8 copies).
        let checkout = dir.sub("checkout")
        try FixtureShell.run(
            ["git", "clone", "-q", "--recurse-submodules", "file://" + dir.sub("srv/top.git"), checkout],
            environment: GitFixtureRepository.environment(date: 0))
        try FixtureShell.run(["sh", "-c", "find . -name .git -prune -exec rm -rf {} +"], in: checkout)
        let expected = try TT.expectedHash(ofPath: checkout)

        let git = try Self.transport()
        let superURL = "file://" + dir.sub("srv/top.git")
        let cache = dir.sub("cache/top")
        try await git.ensureBareRepository(at: cache)
        try await git.fetch(superURL, into: cache, refspecs: ["refs/heads/main:refs/heads/main"], shallow: false)
        let cacheRoot = dir.sub("cache")
        let sub = GitSubmoduleOptions(superprojectURL: superURL) { url in
            cacheRoot + "/" + NixHash.sha256(of: Array(url.utf8)).nix32
        }
        let h = try await git.hashTree(of: GitObjectID(topRev)!, in: cache, options: GitTreeOptions(submodules: sub))
        #expect(h.narHash.sri == expected)

        // file:// submodules need protocol.file.allow=always (git ≥ 2.38.1 semantics).
        let strict = try Self.transport(config: [])
        let cache3 = dir.sub("cache3/top")
        try await strict.ensureBareRepository(at: cache3)
        try await strict.fetch(superURL, into: cache3, refspecs: ["refs/heads/main:refs/heads/main"], shallow: false)
        let sub3 = GitSubmoduleOptions(superprojectURL: superURL) { url in
            dir.sub("cache3/") + NixHash.sha256(of: Array(url.utf8)).nix32
        }
        await #expect {
            _ = try await strict.hashTree(
                of: GitObjectID(topRev)!, in: cache3, options: GitTreeOptions(submodules: sub3))
        } throws: { e in
            guard case .submodule(_, let m) = e as? GitTransportError else { return false }
            return m.contains("transport 'file' not allowed")
        }
    }

    @Test func workingTreeStatusAndDirtyHash() async throws {
        let dir = try TT.Dir()
        let (repo, _, head) = try Self.makeRepo(dir)
        let git = try Self.transport()
        let clean = try await git.workTreeStatus(at: repo.path, ignoreSubmodules: true)
        #expect(
            clean
                == GitWorkTreeStatus(
                    headRef: "refs/heads/main", headCommit: GitObjectID(head), isDirty: false, isShallow: false))
        // An untracked file does not make the tree dirty and is not hashed.
        try repo.write("untracked.txt", "x\n", stage: false)
        #expect(try await !git.workTreeStatus(at: repo.path, ignoreSubmodules: true).isDirty)
        try repo.write("flake.nix", "{ changed = true; }\n", stage: false)
        #expect(try await git.workTreeStatus(at: repo.path, ignoreSubmodules: true).isDirty)
        // The oracle: the files git ls-files lists, with working-tree contents.
        let copy = dir.sub("copy")
        let files = try repo.git("ls-files", "-z").split(separator: "\0").map(String.init)
        for f in files {
            let dest = copy + "/" + f
            if f == "vendor/lib" {
                // An uninitialised submodule whose directory does not exist: nothing to copy.
                #expect(!FileManager.default.fileExists(atPath: repo.path + "/vendor"))
            } else {
                try FileManager.default.createDirectory(
                    atPath: (dest as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try FixtureShell.run(["cp", "-P", "-p", repo.path + "/" + f, dest])
            }
        }
        let h = try await git.hashWorkTree(at: repo.path)
        #expect(h.narHash.sri == (try TT.expectedHash(ofPath: copy)))
        // Detached HEAD, and a repository without commits.
        try repo.git("checkout", "-q", "--detach")
        #expect(try await git.workTreeStatus(at: repo.path, ignoreSubmodules: true).headRef == nil)
        let empty = try GitFixtureRepository(at: dir.sub("empty"))
        let s = try await git.workTreeStatus(at: empty.path, ignoreSubmodules: true)
        #expect(s.headCommit == nil && s.isDirty && s.headRef == "refs/heads/main")
    }

    @Test func errorsAndURLRules() throws {
        let e = GitTransportError.revisionNotInRef(rev: "abc", ref: "dev", url: "file:///r")
        #expect(
            e.description
                == "Cannot find Git revision 'abc' in ref 'dev' of repository 'file:///r'! Please make sure that the rev exists on the ref you've specified or add allRefs = true; to fetchGit."
        )
        #expect(
            GitObjectID("ABCDEF0123456789abcdef0123456789abcdef01")?.hex == "abcdef0123456789abcdef0123456789abcdef01")
        #expect(GitObjectID("xyz") == nil)
    }

    @Test func insteadOfRewritesURLs() async throws {
        let dir = try TT.Dir()
        let (repo, _, head) = try Self.makeRepo(dir)
        let server = try repo.bareClone()
        let git = try Self.transport(
            config: Self.fileAllow + [
                GitConfigEntry(key: "url.file://\(server).insteadOf", value: "https://git.example/r")
            ])
        let cache = dir.sub("cache")
        try await git.ensureBareRepository(at: cache)
        try await git.fetch(
            "https://git.example/r", into: cache, refspecs: ["refs/heads/main:refs/heads/main"], shallow: false)
        #expect(try await git.resolve(ref: "refs/heads/main", in: cache).commit.hex == head)
    }
}
