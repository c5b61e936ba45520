import Fetchers
import FlakeLockBasics
import FlakeLockTestSupport
import Foundation
import NativeTransport
import Testing

/// A body that breaks off after some bytes have arrived (short body under its
/// Content-Length, connection reset, stall) is downloaded again from the start, within the
/// attempt bound, and hashing starts over: a partial body is never hashed.
@Suite("Partial body retries") struct PartialBodyRetryTests {
    enum Fault: String, CaseIterable, Sendable {
        case truncated, reset, stalled

        /// The first answer: breaks off after `bytes` bytes.
        func route(_ bodyFile: String, bytes: Int, times: Int? = 1) -> LoopbackHTTPServer.Route {
            switch self {
            case .truncated: .init(bodyFile: bodyFile, truncate: bytes, times: times)
            case .reset: .init(bodyFile: bodyFile, truncate: bytes, reset: true, times: times)
            case .stalled: .init(bodyFile: bodyFile, stall: 40, stallAfter: bytes, times: times)
            }
        }
    }

    /// A gzipped tarball of the sample tree, a zip of it, and the tree's NAR hash.
    static func fixtures(_ dir: TT.Dir) throws -> (tarGz: String, zip: String, narHash: String) {
        try TT.writeSampleTree(at: dir.sub("tree/src"))
        // Incompressible bytes, so that half of the archive lies well inside its members.
        try FixtureShell.run(["sh", "-c", "head -c 200000 /dev/urandom > '\(dir.sub("tree/src/random.bin"))'"])
        let tarGz = dir.sub("src.tar.gz")
        try FixtureShell.run(["tar", "-czf", tarGz, "-C", dir.sub("tree"), "src"])
        let zip = dir.sub("src.zip")
        try FixtureShell.run(["zip", "-q", "-r", "-y", zip, "src"], in: dir.sub("tree"))
        return (tarGz, zip, try TT.expectedHash(ofPath: dir.sub("tree/src")))
    }

    static func http(_ fault: Fault, attempts: Int = 3) throws -> CurlHTTPTransport {
        try TT.http(attempts: attempts, stallTimeout: fault == .stalled ? 2 : 300)
    }

    @Test(arguments: Fault.allCases)
    func archiveDownloadsRetryFromTheStart(fault: Fault) async throws {
        let dir = try TT.Dir()
        let f = try await TT.offPool { try Self.fixtures(dir) }
        let server = try LoopbackHTTPServer()
        // 60 bytes, and then half of the body (past the first gzip blocks and tar headers).
        let half = (try FileManager.default.attributesOfItem(atPath: f.tarGz)[.size] as? Int ?? 0) / 2
        try server.setRoutes([
            "/a.tar.gz": [fault.route(f.tarGz, bytes: 60), .init(bodyFile: f.tarGz)],
            "/b.tar.gz": [fault.route(f.tarGz, bytes: half), .init(bodyFile: f.tarGz)],
            "/c.zip": [fault.route(f.zip, bytes: 60), .init(bodyFile: f.zip)],
        ])
        let hasher = LibArchiveHasher(http: try Self.http(fault))
        for path in ["/a.tar.gz", "/b.tar.gz", "/c.zip"] {
            let url = server.url(path)
            let r = try await hasher.download(
                HTTPRequest(url: url), mode: .archive(ArchiveOptions(sourceDescription: url)))
            #expect(r.archive?.narHash.sri == f.narHash, "\(fault) \(path)")
        }
        #expect(half > 50_000)
        #expect(try server.requests().count == 6)
    }

    @Test(arguments: Fault.allCases)
    func fileDownloadsRetryFromTheStart(fault: Fault) async throws {
        let dir = try TT.Dir()
        let f = try await TT.offPool { try Self.fixtures(dir) }
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/f": [fault.route(f.tarGz, bytes: 60), .init(bodyFile: f.tarGz)]])
        let hasher = LibArchiveHasher(http: try Self.http(fault))
        let r = try await hasher.download(HTTPRequest(url: server.url("/f")), mode: .file)
        guard case .file(let narHash, _, let size) = r.content else {
            Issue.record("expected a file result")
            return
        }
        let whole = try FileManager.default.attributesOfItem(atPath: f.tarGz)[.size] as? Int ?? -1
        #expect(size == UInt64(whole))
        let copy = dir.sub("copy")
        let expected = try await TT.offPool {
            try FileManager.default.copyItem(atPath: f.tarGz, toPath: copy)
            return try TT.expectedHash(ofPath: copy)
        }
        #expect(narHash.sri == expected)
        #expect(try server.requests().count == 2)
    }

    @Test func collectedBodiesRetryAfterAReset() async throws {
        let server = try LoopbackHTTPServer()
        let body = String(repeating: "z", count: 5000)
        try server.setRoutes(["/api": [.init(body: body, truncate: 60, reset: true, times: 2), .init(body: body)]])
        let (_, bytes) = try await TT.http(attempts: 3).data(HTTPRequest(url: server.url("/api")))
        #expect(bytes.count == 5000)
        #expect(try server.requests().count == 3)
    }

    @Test(arguments: [Fault.truncated, Fault.reset])
    func aBodyThatAlwaysBreaksFailsAfterTheAttempts(fault: Fault) async throws {
        let dir = try TT.Dir()
        let f = try await TT.offPool { try Self.fixtures(dir) }
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/a.tar.gz": [fault.route(f.tarGz, bytes: 60, times: nil)]])
        let warnings = WarningLog()
        var http = HTTPConfiguration(connectTimeout: 5, attempts: 3, retryBaseDelay: .milliseconds(10))
        http.onRetry = { error, delay, _, _ in warnings.add("\(error); retrying in \(delay)") }
        let hasher = LibArchiveHasher(http: CurlHTTPTransport(configuration: http))
        let url = server.url("/a.tar.gz")
        await #expect {
            _ = try await hasher.download(HTTPRequest(url: url), mode: .archive(ArchiveOptions(sourceDescription: url)))
        } throws: { e in
            guard let e = e as? HTTPTransportError else { return false }
            switch (fault, e) {
            case (.truncated, .truncated(url, 60, _)), (.reset, .transfer(url, _, _)): return true
            default: return false
            }
        }
        #expect(try server.requests().count == 3)
        let lines = warnings.lines
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.hasPrefix("unable to download '\(url)': ") && $0.contains("; retrying in ") })
    }
}

/// Collects retry warnings (from transport threads).
final class WarningLog: @unchecked Sendable {
    // @unchecked: `stored` is guarded by `lock`.
    private let lock = NSLock()
    private var stored: [String] = []
    func add(_ s: String) { lock.withLock { stored.append(s) } }
    var lines: [String] { lock.withLock { stored } }
}
