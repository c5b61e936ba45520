import ArgumentParser
import Fetchers
import FlakeLockAPI
import FlakeLockBasics
import FlakeLockCore
import FlakeModel
import Foundation
import NativeTransport

extension FlakeLockCommand {
    /// `flakelock audit [FLAKE] [--json] [--format text|markdown] [--max-age DAYS] [--verify] [--fail-on CHECKS]`
    struct Audit: AsyncParsableCommand, HasGlobalOptions {
        static let configuration = CommandConfiguration(
            abstract: "Audit the pinned revisions in flake.lock.",
            discussion: """
                Looks at every node of flake.lock, not only the root's inputs. Checks: \
                stale (older than --max-age days), unlocked, dirty, mutable-url, path-input, \
                duplicate (one repository locked at several nodes, with the 'follows' lines \
                that would merge them), non-upstream-nixpkgs, eol-branch (Nixpkgs release \
                branches past their end of life, from a table dated \(NixpkgsReleases.tableDate)), \
                out-of-sync (flake.lock against flake.nix, offline) and, with --verify, \
                hash-mismatch and unverifiable.

                Exit status: 0 when no check selected by --fail-on found anything, \
                \(AuditReport.failureExitStatus) when one did, 1 on errors.
                """)

        @Argument(help: "The flake directory, or a flake.lock file (default: the current directory).")
        var flake: String?

        @OptionGroup var output: ReportOptions

        @Option(
            name: .customLong("max-age"),
            help: ArgumentHelp("Report pins last modified more than this many days ago.", valueName: "days"))
        var maxAge: Int?

        @Flag(help: "Fetch every locked input again and compare its NAR hash with flake.lock (uses the network).")
        var verify = false

        @Option(
            name: .customLong("fail-on"),
            help: ArgumentHelp(
                "Checks that make the audit fail, comma-separated, or all, none, default (\(AuditCheck.defaultFailOn.sorted().map(\.rawValue).joined(separator: ","))).",
                valueName: "checks"))
        var failOn = "default"

        @Option(help: .hidden)
        var now: Int64?

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if let maxAge, maxAge < 0 { throw ValidationError("--max-age must not be negative") }
            do { _ = try AuditCheck.parseList(failOn) } catch { throw ValidationError(error.description) }
        }

        func run() async throws {
            let profile = global.compat.profile
            let local = try LocalLockFile.locate(flake)
            let lock = try local.read(profile: profile)
            let options = AuditOptions(
                now: now ?? Int64(Date().timeIntervalSince1970), maxAgeDays: maxAge,
                failOn: try AuditCheck.parseList(failOn))
            let flakeNix = local.flakeNixPath.flatMap { path in
                FileManager.default.contents(atPath: path).map { (String(decoding: $0, as: UTF8.self), path) }
            }
            var report = AuditRun.report(
                lock: lock, lockFilePath: local.lockPath, flakeNix: flakeNix, flakeDirectory: local.directory,
                profile: profile, options: options)
            if verify {
                let cache = try VerifyCache()
                let source = FetcherNarHashSource(fetcher: try await cache.fetcher(global: global))
                let findings = await LockVerifier(source: source, profile: profile)
                    .findings(report.inventory.pins, flakeDirectory: local.directory)
                report.add(findings, from: [.hashMismatch, .unverifiable])
            }
            output.write(report)
            if !report.passed { throw ExitCode(AuditReport.failureExitStatus) }
        }
    }
}

/// `--format` of `audit` and `diff`.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, markdown, json
}

/// A local flake.lock named on the command line: a flake directory or the file itself.
struct LocalLockFile {
    var lockPath: String
    var directory: String
    /// `flake.nix` next to the lock file, if there is one.
    var flakeNixPath: String?

    struct NotLocal: UserFacingError {
        var argument: String
        var description: String { "'\(argument)' is neither a flake directory nor a flake.lock file" }
    }

    struct Missing: UserFacingError {
        var path: String
        var description: String { "flake.lock not found at '\(path)'" }
    }

    /// Resolves the FLAKE argument (default `.`; a `path:` prefix is allowed).
    static func locate(_ argument: String?) throws -> LocalLockFile {
        var arg = argument ?? "."
        if arg.hasPrefix("path:") { arg.removeFirst(5) }
        if arg.contains(":") && !FileManager.default.fileExists(atPath: arg) { throw NotLocal(argument: arg) }
        let abs = GlobalOptions.absolutePath(arg)
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: abs, isDirectory: &isDir)
        let lockPath = exists && !isDir.boolValue ? abs : abs + "/flake.lock"
        guard FileManager.default.fileExists(atPath: lockPath) else { throw Missing(path: lockPath) }
        let dir = (lockPath as NSString).deletingLastPathComponent
        let nix = dir + "/flake.nix"
        return LocalLockFile(
            lockPath: lockPath, directory: dir, flakeNixPath: FileManager.default.fileExists(atPath: nix) ? nix : nil)
    }

    /// Parses the lock file, accepting unlocked entries (the audit reports them).
    func read(profile: CompatProfile) throws -> LockFile {
        guard let data = FileManager.default.contents(atPath: lockPath) else { throw Missing(path: lockPath) }
        let lock = try LockFile.parse(Array(data), path: lockPath, profile: profile, allowUnlocked: true)
        try lock.checkFollowsCycles()
        return lock
    }
}

/// A fetcher for `audit --verify` with its own, empty cache directory (removed on deinit),
/// so that every input is downloaded and hashed again rather than answered from the cache.
final class VerifyCache {
    let directory: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/flakelock-verify-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw MessageError("cannot create a temporary directory for --verify")
        }
        directory = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// A fetcher like ``CommandContext``'s, but on the fresh cache.
    func fetcher(global: GlobalOptions) async throws -> SourceFetcher {
        try await CommandContext.make(global: global, lock: nil, cacheDirectory: directory).fetcher
    }
}
