import Fetchers
import Foundation
import NixCompat

/// A flake graph for table tests, served by fakes: forge repositories over
/// ``FakeHTTPTransport`` (API answers plus `tar.gz` archives built by ``TarArchiveBuilder``),
/// Git repositories in a ``FakeGitForge``, and the top-level flake in a directory on disk.
///
///     let s = LockScenario()
///     let rev = s.publishForge(.github, owner: "o", repo: "lib", tree: .dir(["flake.nix": .file(flake)]))
///     try s.top.write("flake.nix", "{ inputs.lib.url = \"github:o/lib\"; outputs = _: {}; }")
///     let transports = s.transports(archives: LibArchiveHasher(http: s.http))
public final class LockScenario: Sendable {
    public let http = FakeHTTPTransport()
    public let gitForge = FakeGitForge()
    public let git: FakeGitTransport
    /// The top-level flake's directory (and, under `.cache`, the fetchers' cache).
    public let top: TestDirectory

    public init(prefix: String = "flakelock-scenario") {
        git = FakeGitTransport(forge: gitForge)
        top = TestDirectory.make(prefix: prefix)
    }

    public var cacheDirectory: String { top.path + "/.cache" }

    public func transports(archives: any ArchiveHasher) -> Transports {
        Transports(http: http, archives: archives, git: git)
    }

    /// The forges a repository can be published on, with their default hosts.
    public enum Forge: String, Sendable, CaseIterable {
        case github, gitlab, sourcehut
        public var host: String {
            switch self {
            case .github: "github.com"
            case .gitlab: "gitlab.com"
            case .sourcehut: "git.sr.ht"
            }
        }
    }

    /// A stable fake revision for a tree (the SHA-1 of its Git tree object with a salt):
    /// forges name archives by commit, and a fake forge needs no history for that.
    public static func revision(of tree: MemoryTree, salt: String = "") -> GitObjectID {
        FakeGitForge.objectID("commit", Array("tree \(FakeGitForge.treeID(tree).hex)\n\n\(salt)\n".utf8))
    }

    /// Publishes `tree` as branch `ref` (and HEAD) of `owner/repo` on a forge: the commit
    /// endpoints of every API version Nix has used, and the archive at each of its URLs.
    /// - Returns: the revision the branch points at.
    @discardableResult
    public func publishForge(
        _ forge: Forge, owner: String, repo: String, ref: String = "main", tree: MemoryTree,
        mtime: Int64 = 1_700_000_000,
        salt: String = ""
    ) throws -> GitObjectID {
        let rev = Self.revision(of: tree, salt: salt + owner + repo + ref)
        let host = forge.host
        let archive = try TarArchiveBuilder(tree: tree).tarGz(
            topDirectory: "\(owner)-\(repo)-\(rev.short)", mtime: mtime, commitID: rev.hex)
        switch forge {
        case .github:
            for ref in [ref, "HEAD"] {
                http.serve(
                    "https://api.github.com/repos/\(owner)/\(repo)/commits/\(ref)", json: #"{"sha":"\#(rev.hex)"}"#)
                // GitHub serves the archive of a ref as well as of a revision.
                http.serve("https://api.github.com/repos/\(owner)/\(repo)/tarball/\(ref)", body: archive)
                http.serve("https://github.com/\(owner)/\(repo)/archive/\(ref).tar.gz", body: archive)
            }
            http.serve("https://api.github.com/repos/\(owner)/\(repo)/tarball/\(rev.hex)", body: archive)
            http.serve("https://github.com/\(owner)/\(repo)/archive/\(rev.hex).tar.gz", body: archive)
            // The git smart-HTTP advertisement (refs without the API): HEAD names `ref`.
            http.serve(
                "https://github.com/\(owner)/\(repo).git/info/refs?service=git-upload-pack",
                body: Self.refAdvertisement(head: ref, rev: rev.hex))
        case .gitlab:
            let project = "https://\(host)/api/v4/projects/\(owner)%2F\(repo)"
            for ref in [ref, "HEAD"] {
                http.serve("\(project)/repository/commits?ref_name=\(ref)", json: #"[{"id":"\#(rev.hex)"}]"#)
            }
            http.serve("\(project)/repository/archive.tar.gz?sha=\(rev.hex)", body: archive)
        case .sourcehut:
            let base = "https://\(host)/\(owner)/\(repo)"
            http.serve("\(base)/HEAD", body: Array("ref: refs/heads/\(ref)\n".utf8))
            http.serve("\(base)/info/refs", body: Array("\(rev.hex)\trefs/heads/\(ref)\n".utf8))
            http.serve("\(base)/archive/\(rev.hex).tar.gz", body: archive)
        }
        return rev
    }

    /// A smart-HTTP ref advertisement (pkt-lines) with HEAD a symref to `refs/heads/<head>`.
    static func refAdvertisement(head: String, rev: String) -> [UInt8] {
        func pkt(_ line: String) -> String { String(format: "%04x", line.utf8.count + 4) + line }
        let text =
            pkt("# service=git-upload-pack\n") + "0000"
            + pkt("\(rev) HEAD\u{0}symref=HEAD:refs/heads/\(head) agent=fake\n")
            + pkt("\(rev) refs/heads/\(head)\n") + "0000"
        return Array(text.utf8)
    }

    /// Publishes a tarball at `url` (any scheme the fake HTTP transport is asked for).
    public func publishTarball(
        _ url: String, tree: MemoryTree, topDirectory: String? = "source", mtime: Int64 = 1_700_000_000,
        headers: [HTTPHeaderField] = []
    ) throws {
        http.serve(
            url, body: try TarArchiveBuilder(tree: tree).tarGz(topDirectory: topDirectory, mtime: mtime),
            headers: headers)
    }

    /// A flake whose `flake.nix` declares `inputs` (name to URL) and no outputs.
    public static func flake(inputs: [(String, String)] = [], extra: String = "") -> MemoryTree {
        .dir(["flake.nix": .file(flakeNix(inputs: inputs, extra: extra))])
    }

    /// The text of such a `flake.nix`.
    public static func flakeNix(inputs: [(String, String)] = [], extra: String = "") -> String {
        var s = "{\n"
        for (name, url) in inputs { s += "  inputs.\(name).url = \"\(url)\";\n" }
        if !extra.isEmpty { s += "  \(extra)\n" }
        return s + "  outputs = _: { };\n}\n"
    }
}
