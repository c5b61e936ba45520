import FlakeLockBasics
import Foundation

/// `--commit-lock-file` and the `git add --intent-to-add` Nix does after writing a lock
/// file inside a Git work tree (docs/nix-behaviour.md, "Writing and committing").
enum LockFileCommitter {
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

    @discardableResult
    static func git(_ args: [String], in dir: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", dir] + args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: out, as: UTF8.self)
        guard p.terminationStatus == 0 else { throw GitFailed(command: args.joined(separator: " "), output: text) }
        return text
    }

    /// Marks the lock file as intended to be added (Nix 2.8: always, `--force`; current:
    /// unless ignored).
    static func intentToAdd(path: String, forceIgnored: Bool) throws {
        guard let tree = workTree(of: path) else { return }
        let rel = String(path.dropFirst(tree.count + 1))
        if forceIgnored {
            try git(["add", "--force", "--intent-to-add", "--", rel], in: tree)
        } else {
            if (try? git(["check-ignore", "--quiet", "--", rel], in: tree)) != nil { return }
            try git(["add", "--intent-to-add", "--", rel], in: tree)
        }
    }

    /// Commits the lock file with Nix's message; returns the new revision.
    static func commit(path: String, created: Bool, diff: String, summary: String) throws -> String? {
        guard let tree = workTree(of: path) else { return nil }
        let rel = String(path.dropFirst(tree.count + 1))
        let first = summary.isEmpty ? "\(rel): \(created ? "Add" : "Update")" : summary
        let message = "\(first)\n\nFlake lock file updates:\n\n\(diff)"
        try git(["commit", "-m", message, "--", rel], in: tree)
        return try git(["rev-parse", "HEAD"], in: tree).trimmingCharacters(in: .whitespacesAndNewlines)
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
        let first = summary.isEmpty ? "\(rel): \(created ? "Add" : "Update")" : summary
        try await hg(["commit", path, "-m", "\(first)\n\nFlake lock file updates:\n\n\(diff)"])
        return try await hg(["log", "-R", repository, "-r", ".", "--template", "{node}"])
    }

    @discardableResult
    static func hg(_ args: [String]) async throws -> String {
        let out = try await ExternalCommand.run("hg", args, environment: ["HGPLAIN": ""])
        guard out.succeeded else { throw ProgramFailed(program: "hg", command: args.joined(separator: " "), output: out.stderr) }
        return out.stdoutText
    }

    struct ProgramFailed: UserFacingError {
        var program: String
        var command: String
        var output: String
        var description: String { "program '\(program)' failed (\(command)): \(output)" }
    }
}
