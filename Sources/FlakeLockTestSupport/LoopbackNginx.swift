import Foundation

/// A real nginx on 127.0.0.1 serving `ROOT/www` with WebDAV `PUT` (what a shared fact cache
/// needs), over plain HTTP or, given a certificate, HTTPS offering HTTP/2 (ALPN), started
/// for one test and killed with it. Every request is logged to `ROOT/access.log` as
/// `METHOD PATH STATUS`, and to `ROOT/connections.log` as `CONNECTION PROTOCOL` (nginx's
/// connection serial number and `HTTP/1.1` or `HTTP/2.0`).
///
/// Needs Debian's `nginx-core` (``executable`` is nil without it; with `CI=true` a missing
/// nginx is a test failure, see ``available()``).
public final class LoopbackNginx: @unchecked Sendable {
    // @unchecked: immutable after init; the process is only killed.
    public let root: String
    public let port: Int
    private let process: Process

    public static let executable: String? = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "nginx (Debian's nginx-core) is required when CI=true but is not installed" }
    }

    /// Whether nginx tests can run; throws when CI requires nginx (on Linux) and it is missing.
    public static func available() throws -> Bool {
        if executable != nil { return true }
        if NixOracle.isRequired { throw Missing() }
        return false
    }

    /// The scheme of ``base``: `http`, or `https` when started with a certificate.
    public let scheme: String

    /// - Parameter tls: serve HTTPS with this certificate and key (PEM paths), offering
    ///   HTTP/2 unless `http2` is false.
    public init(root: String, tls: (certificate: String, key: String)? = nil, http2: Bool = true) throws {
        guard let exe = Self.executable else { throw Missing() }
        self.root = root
        let fm = FileManager.default
        for d in ["www", "tmp", "logs"] {
            try fm.createDirectory(atPath: "\(root)/\(d)", withIntermediateDirectories: true)
        }
        let port = FixtureShell.freePort()
        self.port = port
        let user = getuid() == 0 ? "user root;\n" : ""
        scheme = tls == nil ? "http" : "https"
        let listen =
            if let tls {
                """
                listen 127.0.0.1:\(port) ssl\(http2 ? " http2" : "");
                        ssl_certificate \(tls.certificate);
                        ssl_certificate_key \(tls.key);
                """
            } else {
                "listen 127.0.0.1:\(port);"
            }
        let conf = """
            \(user)daemon off;
            master_process off;
            worker_processes 1;
            pid \(root)/nginx.pid;
            error_log \(root)/logs/error.log warn;
            events { worker_connections 64; }
            http {
                log_format simple '$request_method $uri $status';
                access_log \(root)/access.log simple;
                log_format connection '$connection $server_protocol';
                access_log \(root)/connections.log connection;
                client_body_temp_path \(root)/tmp/body;
                proxy_temp_path \(root)/tmp/proxy;
                fastcgi_temp_path \(root)/tmp/fastcgi;
                uwsgi_temp_path \(root)/tmp/uwsgi;
                scgi_temp_path \(root)/tmp/scgi;
                client_max_body_size 64m;
                server {
                    \(listen)
                    root \(root)/www;
                    location / {
                        dav_methods PUT;
                        create_full_put_path on;
                        dav_access user:rw group:r all:r;
                    }
                }
            }

            """
        try conf.write(toFile: "\(root)/nginx.conf", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["-p", root, "-c", "\(root)/nginx.conf", "-e", "\(root)/logs/error.log"]
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        guard FixtureShell.waitForPort(port) else {
            kill(p.processIdentifier, SIGKILL)
            let log = (try? String(contentsOfFile: "\(root)/logs/error.log", encoding: .utf8)) ?? ""
            throw FixtureShell.Failure(command: "nginx", status: 1, output: "nginx did not start: \(log)")
        }
    }

    deinit { stop() }

    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// `http://127.0.0.1:PORT` (`https://` when serving TLS).
    public var base: String { "\(scheme)://127.0.0.1:\(port)" }

    /// Per request, in order: nginx's serial number of its connection and its protocol.
    public func connections() -> [(connection: Int, protocol: String)] {
        guard let t = try? String(contentsOfFile: "\(root)/connections.log", encoding: .utf8) else { return [] }
        return t.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let c = Int(parts[0]) else { return nil }
            return (c, String(parts[1]))
        }
    }

    /// The access log: `METHOD PATH STATUS` per request.
    public func requests() -> [String] {
        guard let t = try? String(contentsOfFile: "\(root)/access.log", encoding: .utf8) else { return [] }
        return t.split(separator: "\n").map(String.init)
    }
}
