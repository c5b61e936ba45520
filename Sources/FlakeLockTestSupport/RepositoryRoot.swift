import Foundation

/// The checkout this test support module was compiled from, for tests that run the
/// repository's scripts or read its files.
public enum RepositoryRoot {
    /// Absolute path of the repository (the directory holding Package.swift).
    public static let path: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// An environment for running `flakelock` in isolation under `directory`: its own HOME
    /// and caches, no global flake registry (nothing leaves the machine), fixed Git identity.
    public static func isolatedEnvironment(under directory: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = directory + "/home"
        env["XDG_CACHE_HOME"] = directory + "/cache"
        env["XDG_CONFIG_HOME"] = directory + "/config"
        env["NIX_CONFIG"] = "flake-registry ="
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        for role in ["AUTHOR", "COMMITTER"] {
            env["GIT_\(role)_NAME"] = "flakelock test"
            env["GIT_\(role)_EMAIL"] = "test@example.org"
        }
        try? FileManager.default.createDirectory(atPath: directory + "/home", withIntermediateDirectories: true)
        return env
    }
}
