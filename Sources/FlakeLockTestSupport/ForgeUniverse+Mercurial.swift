import Foundation

/// Mercurial repositories of the universe: `ROOT/repos/hg/NAME`, each a working directory
/// (hg has no bare repositories), with fixed users and dates, so changeset hashes depend only
/// on what a test writes and in which order. `@REV:hg/NAME:ID@` expands to a changeset.
extension ForgeUniverse {
    /// hg without any user or system configuration, with stable output.
    static let hgEnvironment = ["HGPLAIN": "1", "HGRCPATH": "", "HGENCODING": "utf-8", "TZ": "UTC"]

    public func hgPath(_ name: String) -> String { "\(root)/repos/hg/\(name)" }

    @discardableResult
    public func hg(_ name: String, _ args: [String]) throws -> String {
        let out = try FixtureShell.run(["hg", "-R", hgPath(name)] + args, environment: Self.hgEnvironment)
        return String(decoding: out, as: UTF8.self)
    }

    /// Commits `files` (contents expanded; `nil` removes a file) on `branch` of the hg
    /// repository `name` (created if needed). A new branch starts at the tip of `from`
    /// (default: `default`). The Nth changeset of the repository is dated base date + N days.
    /// Returns the changeset's node.
    @discardableResult
    public func hgCommit(
        _ name: String, id: String, branch: String = "default", from: String = "default", files: [String: String?]
    ) throws -> String {
        let path = hgPath(name)
        if !FileManager.default.fileExists(atPath: path + "/.hg") {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try FixtureShell.run(["hg", "init", path], environment: Self.hgEnvironment)
        }
        let count = try hg(name, ["log", "--template", "x"]).count
        if count > 0 {
            let branches = try hg(name, ["branches", "--closed", "--template", "{branch}\n"]).split(separator: "\n")
            let exists = branches.contains { $0 == branch }
            try hg(name, ["update", "--clean", "--quiet", exists ? branch : from])
            if !exists { try hg(name, ["branch", "--quiet", branch]) }
        } else if branch != "default" {
            try hg(name, ["branch", "--quiet", branch])
        }
        try writeHgFiles(name, files)
        try hg(name, ["addremove", "--quiet"])
        let date = Self.baseDate + 86_400 * Int64(count + 1)
        try hg(name, ["commit", "--quiet", "-u", "Flake Lock <test@flakelock.invalid>", "-d", "\(date) 0", "-m", id])
        let node = try hg(name, ["log", "-r", ".", "--template", "{node}"])
        revs["hg/\(name) \(id)"] = node
        return node
    }

    /// Tags changeset `id` as `tag`: a commit of `.hgtags` on the tip of the tagged
    /// changeset's branch, recorded as id `tag:TAG`.
    public func hgTag(_ name: String, _ tag: String, at id: String) throws {
        let node = try rev("hg/\(name)", id)
        let count = try hg(name, ["log", "--template", "x"]).count
        let date = Self.baseDate + 86_400 * Int64(count + 1)
        let branch = try hg(name, ["log", "-r", node, "--template", "{branch}"])
        try hg(name, ["update", "--clean", "--quiet", branch])
        try hg(name, ["tag", "-u", "Flake Lock <test@flakelock.invalid>", "-d", "\(date) 0", "-r", node, tag])
        revs["hg/\(name) tag:\(tag)"] = try hg(name, ["log", "-r", ".", "--template", "{node}"])
    }

    /// Makes the directory `path` (say the top-level flake) an hg working directory with
    /// everything in it committed, dated like the universe's other changesets.
    public func hgCommitDirectory(_ path: String, message: String) throws {
        if !FileManager.default.fileExists(atPath: path + "/.hg") {
            try FixtureShell.run(["hg", "init", path], environment: Self.hgEnvironment)
        }
        try FixtureShell.run(["hg", "-R", path, "addremove", "--quiet"], environment: Self.hgEnvironment)
        try FixtureShell.run(
            [
                "hg", "-R", path, "commit", "--quiet", "-u", "Flake Lock <test@flakelock.invalid>", "-d",
                "\(Self.baseDate) 0", "-m", message,
            ],
            environment: Self.hgEnvironment)
    }

    /// Writes `files` into the working directory of `name` without committing (a dirty
    /// working directory, on whatever changeset is checked out).
    public func hgDirty(_ name: String, _ files: [String: String?]) throws {
        try writeHgFiles(name, files)
    }

    /// Checks out the tip of `branch`, so that the working directory is clean there.
    public func hgUpdate(_ name: String, to branch: String) throws {
        try hg(name, ["update", "--clean", "--quiet", branch])
    }

    private func writeHgFiles(_ name: String, _ files: [String: String?]) throws {
        let fm = FileManager.default
        for (p, contents) in files {
            let full = "\(hgPath(name))/\(p)"
            guard let contents else {
                try? fm.removeItem(atPath: full)
                continue
            }
            try fm.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(expand(contents).utf8).write(to: URL(fileURLWithPath: full))
        }
    }
}
