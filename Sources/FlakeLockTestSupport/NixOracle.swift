import Foundation

/// Runs Debian's Nix 2.8 (`nix-bin`) as a test oracle.
///
/// With `CI=true` in the environment on Linux (where CI installs Debian's nix-bin) a missing
/// `nix` is a test failure (``available()`` throws); elsewhere, macOS CI included, callers
/// skip live comparisons and rely on stored vectors.
public enum NixOracle {
    /// The `nix` executable, if installed.
    public static let executable: String? = {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/nix"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }()

    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Whether a missing `nix` fails the tests: under CI, on Linux only.
    static var isRequired: Bool {
        #if os(Linux)
            isCI
        #else
            false
        #endif
    }

    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "nix (Debian's nix-bin) is required when CI=true but is not installed" }
    }

    /// Whether live comparisons should run; throws when CI requires nix and it is missing.
    public static func available() throws -> Bool {
        if executable != nil { return true }
        if isRequired { throw Missing() }
        return false
    }

    /// An isolated configuration: no substituters, no network registry, a private store.
    public static func environment(storeDir: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["NIX_CONFIG"] = """
            experimental-features = nix-command flakes
            sandbox = false
            substituters =
            flake-registry = /dev/null
            store = \(storeDir)
            """
        return env
    }

    /// `nix hash path PATH` (SRI).
    public static func hashPath(_ path: String) throws -> String {
        let scratch = TestDirectory.make(prefix: "nixoracle-store")
        let r = try ProcessRunner.run(
            executable ?? "nix", ["hash", "path", path], environment: environment(storeDir: scratch.path + "/store"))
        guard r.status == 0 else {
            throw ProcessRunner.Failure(command: "nix hash path \(path)", status: r.status, stderr: r.stderr)
        }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Runs a process to completion, capturing its output.
public enum ProcessRunner {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public var command: String
        public var status: Int32
        public var stderr: String
        public var description: String { "\(command) exited with \(status): \(stderr)" }
    }

    /// Runs `executable` (a path, or a name looked up on PATH via /usr/bin/env).
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        currentDirectory: String? = nil, stdin: Data? = nil
    ) throws -> Output {
        let p = Process()
        if executable.hasPrefix("/") {
            p.executableURL = URL(fileURLWithPath: executable)
            p.arguments = arguments
        } else {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = [executable] + arguments
        }
        if let environment { p.environment = environment }
        if let currentDirectory { p.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let outPipe = Pipe()
        let errPipe = Pipe()
        p.standardOutput = outPipe
        p.standardError = errPipe
        let inPipe = Pipe()
        p.standardInput = stdin == nil ? FileHandle.nullDevice : inPipe
        try p.run()
        if let stdin {
            inPipe.fileHandleForWriting.write(stdin)
            try? inPipe.fileHandleForWriting.close()
        }
        // Read both pipes concurrently so neither fills up and blocks the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = errPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Output(
            status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs and throws unless the exit status is 0; returns stdout.
    @discardableResult
    public static func check(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        currentDirectory: String? = nil
    ) throws -> String {
        let r = try run(executable, arguments, environment: environment, currentDirectory: currentDirectory)
        guard r.status == 0 else {
            throw Failure(
                command: ([executable] + arguments).joined(separator: " "), status: r.status, stderr: r.stderr)
        }
        return r.stdout
    }
}
