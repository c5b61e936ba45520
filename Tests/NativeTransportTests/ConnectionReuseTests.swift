import Fetchers
import FlakeLockBasics
import FlakeLockTestSupport
import Foundation
import NativeTransport
import Testing

/// Connection reuse and the per-peer ramp of new connections, against the fake forge's
/// HTTPS server (Python, one accept loop) listening with a backlog of 5: a burst of
/// connects beyond its accept queue loses SYNs, each costing a 1 s retransmit.
@Suite("Connection reuse") struct ConnectionReuseTests {
    static let files = 24

    /// A forge with backlog 5 serving `www/f0` … `www/f23`.
    static func forge(_ dir: TestDirectory) throws -> FakeForge {
        let forge = try FakeForge(root: dir.path, lifetime: 300, backlog: 5)
        for i in 0..<files {
            try "file \(i)\n".write(toFile: "\(dir.path)/www/f\(i)", atomically: true, encoding: .utf8)
        }
        return forge
    }

    static func transport(_ forge: FakeForge, proxy: ProxySettings = ProxySettings()) -> CurlHTTPTransport {
        CurlHTTPTransport(
            configuration: HTTPConfiguration(
                connectTimeout: 10, attempts: 1, caFile: forge.ca.caCertificate, proxy: proxy,
                executor: BlockingExecutor(threads: 32)))
    }

    /// Runs every GET at once; returns each one's duration and what the transport reported.
    static func burst(_ http: CurlHTTPTransport, _ base: String) async throws -> [(
        Duration, [HTTPExchangeLog.Exchange]
    )] {
        try await withThrowingTaskGroup(of: (Duration, [HTTPExchangeLog.Exchange]).self) { group in
            for i in 0..<files {
                group.addTask {
                    let log = HTTPExchangeLog()
                    let start = ContinuousClock.now
                    let (_, body) = try await HTTPExchangeLog.$current.withValue(log) {
                        try await http.data(HTTPRequest(url: "\(base)/f\(i)"))
                    }
                    #expect(String(decoding: body, as: UTF8.self) == "file \(i)\n")
                    return (ContinuousClock.now - start, log.exchanges)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test func aBurstOfRequestsOpensFewConnectionsAndNoneWaitsForASynRetry() async throws {
        let dir = TestDirectory.make()
        let forge = try Self.forge(dir)
        let http = Self.transport(forge)
        let results = try await Self.burst(http, forge.httpsBase)
        let accepted = forge.acceptedConnections()["https"] ?? 0
        let opened = results.flatMap(\.1).filter(\.newConnection).count
        // The ramp starts at 4 transfers and grows by one per connection that answered,
        // so the server never sees more than a few handshakes at once.
        #expect(accepted >= 1 && accepted <= HTTPConfiguration().maxConnectionsPerPeer)
        #expect(accepted < Self.files)
        #expect(opened == accepted)
        #expect(results.flatMap(\.1).count == Self.files)
        let slowest = results.map(\.0).max() ?? .zero
        #expect(slowest < .seconds(1), "a request took \(slowest): a SYN was dropped")
    }

    @Test func sequentialRequestsKeepOneConnection() async throws {
        let dir = TestDirectory.make()
        let forge = try Self.forge(dir)
        let http = Self.transport(forge)
        var exchanges: [HTTPExchangeLog.Exchange] = []
        for i in 0..<12 {
            let log = HTTPExchangeLog()
            _ = try await HTTPExchangeLog.$current.withValue(log) {
                try await http.data(HTTPRequest(url: "\(forge.httpsBase)/f\(i)"))
            }
            exchanges += log.exchanges
        }
        #expect(forge.acceptedConnections()["https"] == 1)
        #expect(exchanges.map(\.newConnection) == [true] + Array(repeating: false, count: 11))
        #expect(exchanges.allSatisfy { $0.httpVersion == "1.1" && $0.totalSeconds >= $0.firstByteSeconds })
        #expect(exchanges[0].connectSeconds > 0 && exchanges[1].connectSeconds == 0)
    }

    @Test func throughAConnectProxyTheTunnelsAreReusedToo() async throws {
        let dir = TestDirectory.make()
        let forge = try Self.forge(dir)
        let proxy = ProxySettings(httpsProxy: "http://127.0.0.1:\(forge.proxyPort)")
        let http = Self.transport(forge, proxy: proxy)
        // The proxy sends CONNECT github.com:443 to the forge's HTTPS server.
        let results = try await Self.burst(http, "https://github.com")
        let accepted = forge.acceptedConnections()
        #expect((accepted["proxy"] ?? 0) >= 1 && (accepted["proxy"] ?? 0) < Self.files)
        #expect(accepted["https"] == accepted["proxy"])
        #expect(results.flatMap(\.1).filter(\.newConnection).count == accepted["proxy"])
        let slowest = results.map(\.0).max() ?? .zero
        #expect(slowest < .seconds(1), "a request took \(slowest): a SYN was dropped")
    }
}
