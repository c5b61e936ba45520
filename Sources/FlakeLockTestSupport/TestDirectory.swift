import Foundation

/// A fresh temporary directory, removed when the value is deinitialised.
public final class TestDirectory: Sendable {
    public let path: String

    private init(path: String) { self.path = path }

    /// Creates a new empty directory under the system temporary directory.
    public static func make(prefix: String = "flakelock-test") -> TestDirectory {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array("\(base)/\(prefix)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        return TestDirectory(path: String(cString: template))
    }

    deinit {
        // Make everything writable again so chmod-restricted test files can be removed.
        _ = try? ProcessRunner.run("/bin/chmod", ["-R", "u+rwx", path])
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes a file (creating parent directories), optionally executable.
    public func write(_ relative: String, _ contents: String, executable: Bool = false) throws {
        try write(relative, Data(contents.utf8), executable: executable)
    }

    public func write(_ relative: String, _ contents: Data, executable: Bool = false) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: full, contents: contents) else {
            throw CocoaError(.fileWriteUnknown)
        }
        try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: full)
    }

    public func mkdir(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path + "/" + relative, withIntermediateDirectories: true)
    }

    public func symlink(_ relative: String, to target: String) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: target)
    }
}
