import Fetchers
import FlakeLockBasics
import FlakeModel
import Foundation

/// `--commit-lock-file` and the `git add --intent-to-add` (or `hg add`) Nix does after
/// writing a lock file inside a Git work tree or Mercurial repository
/// (docs/nix-behaviour.md, "Writing and committing"): the last stage of
/// ``FlakeLockSession/lock(_:flags:)``. Nix runs the `git` and `hg` programs for this too, so
/// hooks, signing and the user's configuration apply as they do for Nix.
package enum LockFileCommitter {
    struct GitFailed: UserFacingError {
        var command: String
        var output: String
        var description: String { "program 'git' failed (\(command)): \(output)" }
    }

    /// The Git work tree containing `path`, if any.
    static func workTree(of path: String) -> String? {
        var dir = (path as NSString).deletingLastPathComponent
        while true {
            if FileManager.default.fileExists(atPath: dir + "/.git") { return dir }
            if dir == "/" || dir.isEmpty { return nil }
            dir = (dir as NSString).deletingLastPathComponent
        }
    }

    /// Runs `git -C dir ARGS` off the cooperative pool; returns its standard output. A
    /// failure reports what git printed on both streams.
    @discardableResult
    static func git(_ args: [String], in dir: String) async throws -> String {
        // Flakes of one work tree locked at once (`--recursive`) share its index lock.
        let out = try await gitSteps.withLock(dir) { try await ExternalCommand.run("git", ["-C", dir] + args) }
        guard out.succeeded else {
            throw GitFailed(command: args.joined(separator: " "), output: out.stderr + out.stdoutText)
        }
        return out.stdoutText
    }

    /// One Git command at a time per work tree.
    static let gitSteps = KeyedLock()

    /// Marks the lock file as intended to be added (Nix 2.8: always, `--force`; current:
    /// unless ignored).
    static func intentToAdd(path: String, forceIgnored: Bool) async throws {
        guard let tree = workTree(of: path) else { return }
        let rel = String(path.dropFirst(tree.count + 1))
        if forceIgnored {
            try await git(["add", "--force", "--intent-to-add", "--", rel], in: tree)
        } else {
            if (try? await git(["check-ignore", "--quiet", "--", rel], in: tree)) != nil { return }
            try await git(["add", "--intent-to-add", "--", rel], in: tree)
        }
    }

    /// Commits the lock file with Nix's message; returns the new revision.
    static func commit(path: String, created: Bool, diff: String, summary: String) async throws -> String? {
        guard let tree = workTree(of: path) else { return nil }
        let rel = String(path.dropFirst(tree.count + 1))
        return try await gitCommit(
            commitMessage(relativePath: rel, created: created, diff: diff, summary: summary), paths: [rel], in: tree)
    }

    /// `git commit` of `paths` only; returns the new revision.
    static func gitCommit(_ message: String, paths: [String], in tree: String) async throws -> String {
        try await git(["commit", "-m", message, "--"] + paths, in: tree)
        return try await git(["rev-parse", "HEAD"], in: tree).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Nix's message for committing one lock file (`src/libflake/flake.cc`, `lockFlake`): the
    /// `commit-lock-file-summary` or "flake.lock: Add"/"…: Update", then the diff.
    static func commitMessage(relativePath: String, created: Bool, diff: String, summary: String) -> String {
        let first = summary.isEmpty ? "\(relativePath): \(created ? "Add" : "Update")" : summary
        return "\(first)\n\nFlake lock file updates:\n\n\(diff)"
    }

    // MARK: - Mercurial

    /// A top-level `hg+file` flake: Nix runs `hg add` on the lock file it wrote, and with
    /// `--commit-lock-file` commits just that file (`markChangedFile` in
    /// `src/libfetchers/mercurial.cc`). Returns the new changeset when it committed.
    static func markChangedInMercurial(
        path: String, repository: String, commit: Bool, created: Bool, diff: String, summary: String
    ) async throws -> String? {
        try await hg(["add", path])
        guard commit else { return nil }
        let rel = String(path.dropFirst(repository.count + 1))
        let message = commitMessage(relativePath: rel, created: created, diff: diff, summary: summary)
        try await hg(["commit", path, "-m", message])
        return try await hg(["log", "-R", repository, "-r", ".", "--template", "{node}"])
    }

    @discardableResult
    static func hg(_ args: [String]) async throws -> String {
        let out = try await ExternalCommand.run("hg", args, environment: ["HGPLAIN": ""])
        guard out.succeeded else {
            throw ProgramFailed(program: "hg", command: args.joined(separator: " "), output: out.stderr)
        }
        return out.stdoutText
    }

    struct ProgramFailed: UserFacingError {
        var program: String
        var command: String
        var output: String
        var description: String { "program '\(program)' failed (\(command)): \(output)" }
    }
}

extension LockFileCommitter {
    /// What Nix does with a lock file it has just written into a local top-level flake
    /// (`markChangedFile`, src/libflake/flake.cc `lockFlake`): in a Git work tree, marks it
    /// intended to be added and, with `commit`, commits it; in a local Mercurial repository,
    /// `hg add` and the commit. Returns the new revision when it committed.
    static func recordWrittenLockFile(
        path: String, versionControl: LockFileVersionControl?, commit: Bool, created: Bool, diff: String,
        summary: String, profile: CompatProfile
    ) async throws -> String? {
        switch versionControl {
        case nil:
            return nil
        case .mercurial(let repository):
            return try await markChangedInMercurial(
                path: path, repository: repository, commit: commit, created: created, diff: diff, summary: summary)
        case .git:
            try await intentToAdd(path: path, forceIgnored: !profile.lockNodesHaveParent)
            guard commit else { return nil }
            return try await Self.commit(path: path, created: created, diff: diff, summary: summary)
        }
    }
}

extension LockFileCommitter {
    /// A lock file written by a recursive run.
    package struct WrittenLock: Sendable {
        package var path: String
        package var created: Bool
        package var diff: String
        package init(path: String, created: Bool, diff: String) {
            self.path = path
            self.created = created
            self.diff = diff
        }
    }

    /// `--commit-lock-file` of a recursive run: one commit per Git work tree with every lock
    /// file written in it, the first line `summary` (or "Update N flake lock files"), then
    /// each file's diff under its path. Returns the new revisions, by work tree.
    package static func commitAll(_ locks: [WrittenLock], summary: String) async throws -> [(String, String)] {
        var byTree: [String: [WrittenLock]] = [:]
        for lock in locks {
            guard let tree = workTree(of: lock.path) else { continue }
            byTree[tree, default: []].append(lock)
        }
        var revisions: [(String, String)] = []
        for (tree, locks) in byTree.sorted(by: { $0.key < $1.key }) {
            let rels = locks.map { String($0.path.dropFirst(tree.count + 1)) }
            var message =
                summary.isEmpty ? "Update \(locks.count) flake lock file\(locks.count == 1 ? "" : "s")" : summary
            message += "\n\nFlake lock file updates:\n"
            for (rel, lock) in zip(rels, locks) {
                message += "\n\(rel): \(lock.created ? "Add" : "Update")\n\n\(lock.diff)"
            }
            revisions.append((tree, try await gitCommit(message, paths: rels, in: tree)))
        }
        return revisions
    }
}
