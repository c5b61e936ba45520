import FlakeLockAPI
import FlakeLockTestSupport
import Foundation
import Testing

@testable import Fetchers

/// The library API on the real transports (libgit2 on real repositories) and on injected
/// fakes; its lock files must be the command line's, byte for byte.
@Suite(.timeLimit(.minutes(10)))
struct FlakeLockerTests {
    /// A flake with a Git input and a path input, in a fresh directory.
    struct Fixture {
        let dir = TestDirectory.make(prefix: "flakelock-api")
        let dep: GitFixtureRepository
        let environment: [String: String]

        init() throws {
            dep = try GitFixtureRepository(at: dir.path + "/dep")
            try dep.write("flake.nix", "{ description = \"dep\"; outputs = { self }: { }; }\n")
            try dep.commit("dep: first")
            try dir.write("data/file.txt", "data\n")
            environment = RepositoryRoot.isolatedEnvironment(under: dir.path)
            for top in ["top", "cli"] {
                try dir.write(
                    "\(top)/flake.nix",
                    """
                    {
                      description = "API test flake";
                      inputs.dep.url = "git+file://\(dep.path)";
                      inputs.data = { url = "path:\(dir.path)/data"; flake = false; };
                      outputs = { self, dep, data }: { };
                    }

                    """)
            }
        }

        func configuration(warnings: WarningLog? = nil) -> FlakeLockConfiguration {
            FlakeLockConfiguration(
                environment: environment, currentDirectory: dir.path, onWarning: { warnings?.append($0) })
        }

        func cli(_ args: [String]) throws {
            try ProcessRunner.check(
                BuiltBinary.flakelock, args, environment: environment, currentDirectory: dir.path + "/cli")
        }

        func text(_ relative: String) throws -> String {
            try String(contentsOfFile: dir.path + "/" + relative, encoding: .utf8)
        }
    }

    final class WarningLog: @unchecked Sendable {
        // @unchecked: guarded by `lock`.
        private let lock = NSLock()
        private var messages: [String] = []
        func append(_ m: String) { lock.withLock { messages.append(m) } }
        var all: [String] { lock.withLock { messages } }
    }

    @Test func locksAndUpdatesLikeTheCommandLine() async throws {
        let f = try Fixture()
        let warnings = WarningLog()
        let locker = FlakeLocker(configuration: f.configuration(warnings: warnings))

        let flake = try await locker.loadFlake("./top")
        #expect(flake.description == "API test flake")
        #expect(flake.inputNames == ["data", "dep"])
        #expect(flake.narHash.hasPrefix("sha256-"))
        #expect(!FileManager.default.fileExists(atPath: f.dir.path + "/top/flake.lock"))

        let first = try await locker.lock("./top")
        #expect(first.written && first.created && first.changed)
        #expect(first.lockFilePath == f.dir.path + "/top/flake.lock")
        try f.cli(["lock"])
        #expect(try f.text("top/flake.lock") == (try f.text("cli/flake.lock")))
        #expect(first.lockFile.text == (try f.text("top/flake.lock")))
        #expect(warnings.all.contains { $0.hasPrefix("creating lock file") })

        let again = try await locker.lock("./top")
        #expect(!again.changed && !again.written)

        try f.dep.write("more.txt", "more\n")
        let newRev = try f.dep.commit("dep: second")
        let dryRun = try await locker.update(
            "./top", inputs: ["dep"],
            options: {
                var o = FlakeLockOptions()
                o.writeLockFile = false
                return o
            }())
        #expect(dryRun.changed && !dryRun.written)
        #expect(dryRun.changes.changedInputPaths == ["dep"])
        #expect(dryRun.changes.markdown().contains(String(newRev.prefix(7))))

        let updated = try await locker.update("./top", inputs: ["dep"])
        #expect(updated.written && !updated.created)
        #expect(updated.nixDiff.contains("Updated input 'dep'"))
        try f.cli(["update", "dep"])
        #expect(try f.text("top/flake.lock") == (try f.text("cli/flake.lock")))
        #expect(updated.lockFile.pins.first { $0.inputPath == "dep" }?.revision == newRev)
    }

    @Test func rejectsABadInputPath() async throws {
        let f = try Fixture()
        let locker = FlakeLocker(configuration: f.configuration())
        await #expect(throws: FlakeLockAPIError.invalidInputPath("")) {
            try await locker.update("./top", inputs: [""])
        }
    }

    /// The command line's setting checks apply: an invalid value is an error worded as Nix's,
    /// an unknown setting a warning through `onWarning`.
    @Test func checksSettingsLikeTheCommandLine() async throws {
        let f = try Fixture()
        var bad = f.configuration()
        bad.nixOptions = [(name: "http-connections", value: "many")]
        await #expect { try await FlakeLocker(configuration: bad).loadFlake("./top") } throws: { error in
            "\(error)" == "setting 'http-connections' has invalid value 'many'"
        }
        let warnings = WarningLog()
        var unknown = f.configuration(warnings: warnings)
        unknown.nixOptions = [(name: "no-such-setting", value: "1")]
        _ = try await FlakeLocker(configuration: unknown).loadFlake("./top")
        #expect(warnings.all.contains("unknown setting 'no-such-setting'"), "\(warnings.all)")
    }

    /// Injected transports see every network operation: a tarball input goes to the fake
    /// archive downloader, whose failure surfaces with the command line's context.
    @Test func usesInjectedTransports() async throws {
        let f = try Fixture()
        try f.dir.write(
            "net/flake.nix", "{ inputs.t.url = \"https://example.invalid/t.tar.gz\"; outputs = { self, t }: { }; }\n")
        let fake = RecordingTransports()
        let locker = FlakeLocker(configuration: f.configuration(), transports: fake.transports)
        await #expect(throws: (any Error).self) { try await locker.lock("./net") }
        #expect(
            !fake.log.all.isEmpty && fake.log.all.allSatisfy { $0.hasSuffix("https://example.invalid/t.tar.gz") },
            "\(fake.log.all)")
        #expect(!FileManager.default.fileExists(atPath: f.dir.path + "/net/flake.lock"))
    }

    @Test func readsDiffsAndAuditsLockFiles() async throws {
        let f = try Fixture()
        let locker = FlakeLocker(configuration: f.configuration())
        _ = try await locker.lock("./top")
        let old = try FlakeLockFile(contentsOf: f.dir.path + "/top/flake.lock")
        #expect(old.rootInputNames == ["data", "dep"])
        #expect(old.pins.map(\.inputPath).sorted() == ["data", "dep"])
        try f.dep.write("x.txt", "x\n")
        try f.dep.commit("dep: x")
        _ = try await locker.update("./top")
        let new = try FlakeLockFile(contentsOf: f.dir.path + "/top/flake.lock")
        let diff = old.diff(to: new)
        #expect(!diff.isEmpty && diff.changedInputPaths == ["dep"])
        try f.dir.write("old.lock", old.text)
        let cliMarkdown = try ProcessRunner.check(
            BuiltBinary.flakelock, ["diff", "old.lock", "top/flake.lock", "--format", "markdown"],
            environment: f.environment, currentDirectory: f.dir.path)
        #expect(diff.markdown() == cliMarkdown)

        // `data` is a path input: the default audit reports it; with nothing failing it passes.
        let audit = try new.audit(AuditSettings(failOn: "path-input"))
        #expect(!audit.passed)
        #expect(audit.findings.contains { $0.check == "path-input" && $0.inputPath == "data" })
        #expect(try new.audit(AuditSettings(failOn: "none")).passed)
        #expect(throws: FlakeLockAPIError.unknownAuditCheck("nonsense")) {
            try new.audit(AuditSettings(failOn: "nonsense"))
        }
        #expect(throws: (any Error).self) { try FlakeLockFile(text: "{ not json", path: "bad.lock") }
    }
}

/// Transports that record each call and fail it.
struct RecordingTransports {
    struct Refused: Error, CustomStringConvertible {
        var what: String
        var description: String { "refused by the test transport: \(what)" }
    }

    let log = FlakeLockerTests.WarningLog()

    var transports: Transports { Transports(http: HTTP(log: log), archives: Archives(log: log), git: Git(log: log)) }

    struct HTTP: HTTPTransport {
        let log: FlakeLockerTests.WarningLog
        func get(_ request: HTTPRequest, into sink: any HTTPBodySink) async throws -> HTTPResponse {
            log.append("get \(request.url)")
            throw Refused(what: request.url)
        }
    }

    struct Archives: ArchiveHasher {
        let log: FlakeLockerTests.WarningLog
        func hashArchive(atPath path: String, options: ArchiveOptions) async throws -> ArchiveHashResult {
            log.append("hash \(path)")
            throw Refused(what: path)
        }
        func download(_ request: HTTPRequest, mode: DownloadHashMode) async throws -> DownloadHashResult {
            log.append("download \(request.url)")
            throw Refused(what: request.url)
        }
    }

    struct Git: GitTransport {
        let log: FlakeLockerTests.WarningLog
        func refuse<T>(_ what: String) throws -> T {
            log.append("git \(what)")
            throw Refused(what: what)
        }
        func ensureBareRepository(at path: String) async throws { try refuse("init") as Void }
        func fetch(_ url: String, into repository: String, refspecs: [String], shallow: Bool) async throws {
            try refuse(url) as Void
        }
        func lsRemoteSymref(_ url: String) async throws -> String? { try refuse(url) }
        func resolve(ref: String, in repository: String) async throws -> GitResolvedRef { try refuse(ref) }
        func contains(_ rev: GitObjectID, in repository: String) async throws -> Bool { try refuse("contains") }
        func isAncestor(_ a: GitObjectID, of d: GitObjectID, in repository: String) async throws -> Bool {
            try refuse("ancestor")
        }
        func commitInfo(_ rev: GitObjectID, in repository: String, countRevisions: Bool) async throws -> GitCommitInfo {
            try refuse("commit")
        }
        func hashTree(of rev: GitObjectID, in repository: String, options: GitTreeOptions) async throws
            -> GitTreeHashResult
        { try refuse("tree") }
        func readFile(_ path: String, at rev: GitObjectID, in repository: String) async throws -> [UInt8]? {
            try refuse(path)
        }
        func workTreeStatus(at path: String, ignoreSubmodules: Bool) async throws -> GitWorkTreeStatus {
            try refuse("status")
        }
        func hashWorkTree(at path: String) async throws -> GitTreeHashResult { try refuse("worktree") }
    }
}
