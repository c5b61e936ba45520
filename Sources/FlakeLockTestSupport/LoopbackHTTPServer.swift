import Foundation

/// Runs a command to completion for fixtures (git, openssl, tar), capturing output.
public enum FixtureShell {
    public struct Failure: Error, CustomStringConvertible {
        public var command: String
        public var status: Int32
        public var output: String
        public var description: String { "\(command) exited with \(status): \(output)" }
    }

    /// Runs `arguments[0]` (looked up on PATH) with the rest; throws unless it exits 0.
    @discardableResult
    public static func run(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:], stdin: Data? = nil
    ) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let input = Pipe()
        p.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try p.run()
        if let stdin {
            input.fileHandleForWriting.write(stdin)
            try? input.fileHandleForWriting.close()
        }
        nonisolated(unsafe) var errData = Data()
        let g = DispatchGroup()
        g.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            g.leave()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        g.wait()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Failure(
                command: arguments.joined(separator: " "), status: p.terminationStatus,
                output: String(decoding: errData, as: UTF8.self))
        }
        return data
    }

    /// Like ``run(_:in:environment:stdin:)`` and returns stdout as text without the trailing newline.
    public static func text(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:])
        throws -> String
    {
        var s = String(decoding: try run(arguments, in: directory, environment: environment), as: UTF8.self)
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }

    /// Creates a fresh directory `$TMPDIR/<prefix>-XXXXXX` (the caller removes it).
    public static func makeTemporaryDirectory(prefix: String) throws -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array("\(base)/\(prefix)-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw Failure(command: "mkdtemp", status: errno, output: "cannot create a directory in \(base)")
        }
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A free TCP port on 127.0.0.1 (bound, read, released).
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
        }
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Starts a server process with its output discarded and waits until it accepts
    /// connections on 127.0.0.1:`port`; kills it and throws `<name> did not start` otherwise.
    public static func startServer(
        _ executable: String, _ arguments: [String], port: Int, environment: [String: String]? = nil, name: String
    ) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let environment { p.environment = environment }
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        guard waitForPort(port) else {
            kill(p.processIdentifier, SIGKILL)
            throw Failure(command: name, status: 1, output: "did not start")
        }
        return p
    }

    /// Waits until something accepts connections on 127.0.0.1:`port`.
    public static func waitForPort(_ port: Int, timeout: TimeInterval = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            let r = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            close(fd)
            if r == 0 { return true }
            usleep(20_000)
        }
        return false
    }
}

/// A loopback HTTP(S) server for transport tests, scripted by routes (see
/// `loopbackServerScript`). Started by the test, stopped on ``stop()`` or deinit.
///
///     let server = try LoopbackHTTPServer()
///     try server.setRoutes(["/a.tar.gz": [.init(bodyFile: tarball)]])
///     let url = server.url("/a.tar.gz")
public final class LoopbackHTTPServer: @unchecked Sendable {
    // @unchecked: `process` is only terminated (thread-safe); the rest is immutable.
    public let stateDirectory: String
    public let port: Int
    public let scheme: String
    private let process: Process

    /// One answer for a path.
    public struct Route: Encodable, Sendable {
        public var status: Int?
        public var headers: [String: String]?
        public var body: String?
        public var bodyFile: String?
        public var redirect: String?
        public var etag: String?
        public var truncate: Int?
        /// With ``truncate``: end the connection with a TCP reset (`Connection reset by peer`).
        public var reset: Bool?
        public var stall: Double?
        public var stallAfter: Int?
        public var delay: Double?
        /// How many requests this rule answers before the next rule takes over (nil: all).
        public var times: Int?

        public init(
            status: Int? = nil, headers: [String: String]? = nil, body: String? = nil, bodyFile: String? = nil,
            redirect: String? = nil, etag: String? = nil, truncate: Int? = nil, reset: Bool? = nil,
            stall: Double? = nil,
            stallAfter: Int? = nil, delay: Double? = nil, times: Int? = nil
        ) {
            self.status = status
            self.headers = headers
            self.body = body
            self.bodyFile = bodyFile
            self.redirect = redirect
            self.etag = etag
            self.truncate = truncate
            self.reset = reset
            self.stall = stall
            self.stallAfter = stallAfter
            self.delay = delay
            self.times = times
        }

        enum CodingKeys: String, CodingKey {
            case status, headers, body, redirect, etag, truncate, reset, stall, delay, times
            case bodyFile = "body_file"
            case stallAfter = "stall_after"
        }
    }

    /// A request as the server saw it.
    public struct LoggedRequest: Decodable, Sendable {
        public var method: String
        public var path: String
        public var query: String
        public var proxied: Bool
        public var headers: [String: String]
        /// The request body as text (nil for `/git/` requests, which the server does not read).
        public var body: String?

        /// A header value, name compared case-insensitively.
        public func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    /// Starts the server.
    /// - Parameters:
    ///   - tls: serve HTTPS with this certificate and key (PEM paths).
    ///   - gitRoot: serve `git http-backend` for `/git/<repo>` from this directory.
    public init(tls: (certificate: String, key: String)? = nil, gitRoot: String? = nil) throws {
        stateDirectory = try FixtureShell.makeTemporaryDirectory(prefix: "flakelock-http")
        let script = stateDirectory + "/server.py"
        try loopbackServerScript.write(toFile: script, atomically: true, encoding: .utf8)
        try "{}".write(toFile: stateDirectory + "/routes.json", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, stateDirectory, tls?.certificate ?? "-", tls?.key ?? "-", gitRoot ?? "-"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        process = p
        scheme = tls == nil ? "http" : "https"
        let portFile = stateDirectory + "/port"
        let deadline = Date().addingTimeInterval(15)
        while !FileManager.default.fileExists(atPath: portFile) {
            guard Date() < deadline, p.isRunning else {
                kill(p.processIdentifier, SIGKILL)
                throw FixtureShell.Failure(
                    command: "python3 server.py", status: p.isRunning ? 0 : p.terminationStatus,
                    output: "server did not start")
            }
            usleep(10_000)
        }
        port = Int(try String(contentsOfFile: portFile, encoding: .utf8)) ?? 0
    }

    deinit { stop() }

    /// Stops the server and removes its state.
    public func stop() {
        if process.isRunning {
            // SIGKILL: the test runner may block SIGTERM, and children inherit the mask.
            // Foundation reaps the child itself; waiting here could spin a run loop.
            kill(process.processIdentifier, SIGKILL)
        }
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    /// `scheme://host:port/path`.
    public func url(_ path: String, host: String = "127.0.0.1") -> String {
        "\(scheme)://\(host):\(port)\(path)"
    }

    /// Replaces the route table (read by the server on every request).
    public func setRoutes(_ routes: [String: [Route]]) throws {
        let data = try JSONEncoder().encode(routes)
        let tmp = stateDirectory + "/routes.json.tmp"
        try data.write(to: URL(fileURLWithPath: tmp))
        _ = rename(tmp, stateDirectory + "/routes.json")
    }

    /// Every request so far, in order.
    public func requests() throws -> [LoggedRequest] {
        guard let text = try? String(contentsOfFile: stateDirectory + "/requests.log", encoding: .utf8) else {
            return []
        }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(LoggedRequest.self, from: Data($0.utf8)) }
    }
}
