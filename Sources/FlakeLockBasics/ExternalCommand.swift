import Foundation

/// Runs an external program (looked up on `PATH`) to completion and captures its output.
/// For tools Nix itself drives through their command line, such as `hg`.
///
/// ``runBlocking(_:_:environment:currentDirectory:)`` blocks its thread: call it from
/// ``BlockingExecutor``, or use ``run(_:_:environment:currentDirectory:executor:)``.
public enum ExternalCommand {
    /// What a finished program left behind.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: String

        public var succeeded: Bool { status == 0 }
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// The program could not be started at all (not installed, not executable).
    public struct LaunchFailure: UserFacingError {
        public var program: String
        public var reason: String
        public var description: String { "executing '\(program)': \(reason)" }
    }

    /// Runs `program` with `arguments` on `executor` and returns its output; a non-zero exit
    /// status is not an error here (callers word their own).
    /// - Parameter environment: variables added to (or replacing those of) this process's
    ///   environment.
    public static func run(
        _ program: String, _ arguments: [String], environment: [String: String] = [:], currentDirectory: String? = nil,
        executor: BlockingExecutor = .shared
    ) async throws -> Output {
        try await executor.run {
            try runBlocking(program, arguments, environment: environment, currentDirectory: currentDirectory)
        }
    }

    /// Runs `program` on the calling thread (blocking).
    /// - Parameter baseEnvironment: the environment `environment` is added to (this
    ///   process's own unless a caller builds the child's environment itself).
    public static func runBlocking(
        _ program: String, _ arguments: [String], environment: [String: String] = [:], currentDirectory: String? = nil,
        baseEnvironment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [program] + arguments
        var env = baseEnvironment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        if let currentDirectory { p.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { throw LaunchFailure(program: program, reason: "\(error)") }
        // Drain stderr on another thread so that neither pipe fills up and stalls the child.
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        // `env` exits 127 when the program is not on PATH.
        if p.terminationStatus == 127, outData.isEmpty,
            errBox.data.isEmpty || String(decoding: errBox.data, as: UTF8.self).contains("No such file")
        {
            throw LaunchFailure(program: program, reason: "No such file or directory")
        }
        return Output(
            status: p.terminationStatus, stdout: Array(outData), stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    /// Holds the stderr bytes read on the helper thread; read only after `group.wait()`.
    private final class DataBox: @unchecked Sendable {
        var data = Data()
    }
}
