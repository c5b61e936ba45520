import ArgumentParser
import FlakeLockBasics
import FlakeLockCore
import FlakeModel
import Foundation

extension FlakeLockCommand {
    /// `flakelock diff OLD NEW [--flake DIR] [--format text|markdown|json] [--json]`
    struct Diff: AsyncParsableCommand, HasGlobalOptions {
        static let configuration = CommandConfiguration(
            abstract: "Explain the changes between two versions of flake.lock.",
            discussion: """
                OLD and NEW are each a file, or a Git revision of the flake's flake.lock \
                (HEAD~1, main, or REV:path/flake.lock with a path from the repository root), \
                read with the git CLI in the flake's directory. For every input path added, \
                removed or changed it shows the old and new revision and date (UTC) and, for \
                GitHub, GitLab and SourceHut, a link to the commits in between. \
                --format markdown writes a pull-request body.
                """)

        @Argument(help: "The old lock file: a path or a Git revision.")
        var old: String

        @Argument(help: "The new lock file: a path or a Git revision.")
        var new: String

        @Option(
            help: ArgumentHelp(
                "The flake directory whose Git repository revisions refer to (default: the current directory).",
                valueName: "dir"))
        var flake: String?

        @OptionGroup var output: ReportOptions

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let profile = global.compat.profile
            let dir = GlobalOptions.absolutePath(flake ?? ".")
            let oldLock = try await LockFileRevision.read(old, flakeDirectory: dir, profile: profile)
            let newLock = try await LockFileRevision.read(new, flakeDirectory: dir, profile: profile)
            let report = LockChangeReport(old: oldLock, new: newLock, profile: profile)
            output.write(report)
        }
    }
}

/// Reads a flake.lock named by a file path or a Git revision.
enum LockFileRevision {
    struct GitShowFailed: UserFacingError {
        var spec: String
        var directory: String
        var output: String
        var description: String {
            "cannot read '\(spec)' with 'git show' in '\(directory)': \(output.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
    }

    struct BadRevision: UserFacingError {
        var argument: String
        var description: String {
            "'\(argument)' is neither a file nor a Git revision: a revision cannot start with '-'"
        }
    }

    /// `argument` as a file if one exists, else `git show REV:./flake.lock` (or
    /// `git show REV:PATH` when the argument has a colon) in `flakeDirectory`. A revision
    /// starting with `-` is refused, and git is told where its options end, so that no
    /// argument is taken for an option of `git show` (`--output=FILE` would write a file).
    static func read(_ argument: String, flakeDirectory: String, profile: CompatProfile) async throws -> LockFile {
        var isDir: ObjCBool = false
        let asPath = argument.hasPrefix("/") ? argument : GlobalOptions.absolutePath(argument)
        if FileManager.default.fileExists(atPath: asPath, isDirectory: &isDir), !isDir.boolValue,
            let data = FileManager.default.contents(atPath: asPath)
        {
            return try checked(LockFile.parse(Array(data), path: asPath, profile: profile, allowUnlocked: true))
        }
        if argument.hasPrefix("-") { throw BadRevision(argument: argument) }
        let spec = argument.contains(":") ? argument : argument + ":./flake.lock"
        let bytes = try await gitShow(spec, in: flakeDirectory)
        return try checked(LockFile.parse(bytes, path: spec, profile: profile, allowUnlocked: true))
    }

    private static func checked(_ lock: LockFile) throws(LockFileError) -> LockFile {
        try lock.checkFollowsCycles()
        return lock
    }

    /// The bytes `git show <spec>` prints (run off the cooperative pool).
    static func gitShow(_ spec: String, in directory: String) async throws -> [UInt8] {
        let out: ExternalCommand.Output
        do {
            out = try await ExternalCommand.run("git", ["-C", directory, "show", "--end-of-options", spec, "--"])
        } catch let failure as ExternalCommand.LaunchFailure {
            throw GitShowFailed(spec: spec, directory: directory, output: "cannot run git: \(failure.reason)")
        }
        guard out.succeeded else { throw GitShowFailed(spec: spec, directory: directory, output: out.stderr) }
        return out.stdout
    }
}
