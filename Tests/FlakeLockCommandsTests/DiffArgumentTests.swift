import FlakeLockTestSupport
import Foundation
import Testing

/// `diff OLD NEW` hands revisions to `git show`: nothing the user gives may be read by git as
/// an option.
struct DiffArgumentTests {
    typealias L = CommandLocks

    @Test func optionLikeRevisionsAreRefusedAndWriteNothing() throws {
        let d = TestDirectory.make()
        let repo = try GitFixtureRepository(at: d.path + "/flake")
        try repo.write("flake.lock", L.duplicated())
        _ = try repo.commit("first")
        let out = d.path + "/written"
        for bad in ["--output=\(out):flake.lock", "--output=\(out)", "-o\(out)", "--no-index", "-", "--"] {
            for args in [["diff", "--", bad, "HEAD"], ["diff", "--", "HEAD", bad]] {
                let r = try BuiltBinary.runFlakelock(args, currentDirectory: repo.path)
                #expect(r.status == 1, "\(args): \(r.stderr)")
                #expect(
                    r.stderr
                        == "error: '\(bad)' is neither a file nor a Git revision: a revision cannot start with '-'\n")
                #expect(!FileManager.default.fileExists(atPath: out), "\(args)")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: d.path) == ["flake"])
    }

    @Test func filesNamedLikeOptionsAndOddPathsStillWork() throws {
        let d = TestDirectory.make()
        let repo = try GitFixtureRepository(at: d.path + "/flake")
        try repo.write("flake.lock", L.duplicated())
        try repo.write("-sub/flake.lock", L.duplicated(nixpkgsRev: L.rev2))
        _ = try repo.commit("first")
        try d.write("flake/-old.lock", L.duplicated(nixpkgsRev: L.rev2))
        let asFile = try BuiltBinary.runFlakelock(["diff", "--", "-old.lock", "HEAD"], currentDirectory: repo.path)
        #expect(asFile.status == 0, "\(asFile.stderr)")
        #expect(asFile.stdout.contains("1 input changed"))
        let dashPath = try BuiltBinary.runFlakelock(
            ["diff", "HEAD:-sub/flake.lock", "HEAD"], currentDirectory: repo.path)
        #expect(dashPath.status == 0, "\(dashPath.stderr)")
        #expect(dashPath.stdout.contains("1 input changed"))
    }
}
