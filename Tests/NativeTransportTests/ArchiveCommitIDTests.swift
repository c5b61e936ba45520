import Fetchers
import FlakeLockTestSupport
import Foundation
import Testing

@testable import NativeTransport

/// The commit a `git archive` tarball names in its pax global header, read by the real
/// libarchive from a real download (the archive-with-ref check of the forge fetcher).
@Suite struct ArchiveCommitIDTests {
    /// A repository with one commit, its id, and `git archive` of it (tar, then gzip).
    static func gitArchive(_ dir: TT.Dir) throws -> (rev: String, tar: String, gz: String) {
        let repo = dir.sub("repo")
        try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
        try TT.writeSampleTree(at: repo)
        let env = "-c user.name=t -c user.email=t@example.org"
        try FixtureShell.run(
            ["sh", "-c", "git init -q . && git add -A && git \(env) commit -q -m one", "x"], in: repo)
        let rev = String(decoding: try FixtureShell.run(["git", "rev-parse", "HEAD"], in: repo), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let tar = dir.sub("a.tar")
        let gz = dir.sub("a.tar.gz")
        try FixtureShell.run(
            ["sh", "-c", "git archive --format=tar --prefix=o-r-x/ HEAD > \(tar) && gzip -c \(tar) > \(gz)", "x"],
            in: repo)
        return (rev, tar, gz)
    }

    @Test func downloadedGitArchiveNamesItsCommit() async throws {
        let dir = try TT.Dir()
        let (rev, tar, gz) = try Self.gitArchive(dir)
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/gz": [.init(bodyFile: gz)], "/tar": [.init(bodyFile: tar)]])
        let (hasher, _) = try ArchiveHasherTests.hasher()
        for path in ["/gz", "/tar"] {
            let r = try await hasher.download(
                HTTPRequest(url: server.url(path)), mode: .archive(ArchiveOptions(readCommitID: true)))
            #expect(try #require(r.archive).commitID == rev, "\(path)")
            // Not asked for, not read (the stream's start is not decompressed a second time).
            let plain = try await hasher.download(HTTPRequest(url: server.url(path)), mode: .archive(ArchiveOptions()))
            #expect(try #require(plain.archive).commitID == nil, "\(path)")
        }
    }

    @Test func archiveWithoutGlobalHeaderNamesNoCommit() async throws {
        let dir = try TT.Dir()
        let src = dir.sub("src")
        try TT.writeSampleTree(at: src + "/top")
        let gz = dir.sub("plain.tar.gz")
        try FixtureShell.run(["tar", "--format=ustar", "-czf", gz, "top"], in: src)
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/a": [.init(bodyFile: gz)]])
        let (hasher, _) = try ArchiveHasherTests.hasher()
        let r = try await hasher.download(
            HTTPRequest(url: server.url("/a")), mode: .archive(ArchiveOptions(readCommitID: true)))
        #expect(try #require(r.archive).commitID == nil)
    }

    @Test func truncatedOrForgedHeadersNameNoCommit() throws {
        let dir = try TT.Dir()
        let (rev, tar, gz) = try Self.gitArchive(dir)
        let gzBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: gz)))
        #expect(ArchiveCommitID.read(fromPrefix: gzBytes) == rev)
        // Too short to hold the header: nothing, never a partial id.
        #expect(ArchiveCommitID.read(fromPrefix: Array(gzBytes.prefix(20))) == nil)
        var tarBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: tar)))
        #expect(ArchiveCommitID.commitID(inTar: tarBytes) == rev)
        // A comment that is not an object id.
        let comment = Array("comment=".utf8)
        let at = try #require(
            (512..<1024).first { tarBytes[$0..<min($0 + comment.count, tarBytes.count)].elementsEqual(comment) })
        tarBytes[at + comment.count] = UInt8(ascii: "z")
        #expect(ArchiveCommitID.commitID(inTar: tarBytes) == nil)
    }
}
