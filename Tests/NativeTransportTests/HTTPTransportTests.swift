import Fetchers
import FlakeLockBasics
import FlakeLockTestSupport
import Foundation
import NativeTransport
import Testing

@Suite("CurlHTTPTransport") struct HTTPTransportTests {
    @Test func getsBodyAndHeaders() async throws {
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/hello": [.init(headers: ["X-Test": "yes"], body: "hello\n")]])
        let http = try TT.http()
        let (response, body) = try await http.data(HTTPRequest(url: server.url("/hello")))
        #expect(response.status == 200)
        #expect(response.header("x-test") == "yes")
        #expect(String(decoding: body, as: UTF8.self) == "hello\n")
        #expect(response.effectiveURL == server.url("/hello"))
        let ua = try server.requests().first?.header("User-Agent") ?? ""
        #expect(ua.hasPrefix("curl/\(NativeTransport.curlVersion) "))
    }

    @Test func notFoundIsAnErrorWithNixWording() async throws {
        let server = try LoopbackHTTPServer()
        let http = try TT.http()
        let url = server.url("/missing.tar.gz")
        await #expect(throws: HTTPTransportError.self) { _ = try await http.data(HTTPRequest(url: url)) }
        do {
            _ = try await http.data(HTTPRequest(url: url))
        } catch let e as HTTPTransportError {
            #expect(e.description == "unable to download '\(url)': HTTP error 404 ('Not Found')")
        }
        // 404 is not retried.
        #expect(try server.requests().count == 2)
    }

    @Test func retriesServerErrorsThenSucceeds() async throws {
        let server = try LoopbackHTTPServer()
        try server.setRoutes([
            "/flaky": [.init(status: 500, body: "boom", times: 1), .init(status: 503, times: 1), .init(body: "ok")]
        ])
        let http = try TT.http(attempts: 3)
        let (_, body) = try await http.data(HTTPRequest(url: server.url("/flaky")))
        #expect(String(decoding: body, as: UTF8.self) == "ok")
        #expect(try server.requests().count == 3)
    }

    @Test func givesUpAfterAttempts() async throws {
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/down": [.init(status: 502)]])
        let http = try TT.http(attempts: 2)
        await #expect(
            throws: HTTPTransportError.httpStatus(
                url: server.url("/down"), status: 502, reason: "Bad Gateway", body: "")
        ) {
            _ = try await http.data(HTTPRequest(url: server.url("/down")))
        }
        #expect(try server.requests().count == 2)
    }

    @Test func honoursShortRetryAfter() async throws {
        let server = try LoopbackHTTPServer()
        try server.setRoutes([
            "/limited": [.init(status: 429, headers: ["Retry-After": "1"], times: 1), .init(body: "fine")]
        ])
        let http = try TT.http()
        let start = ContinuousClock.now
        let (_, body) = try await http.data(HTTPRequest(url: server.url("/limited")))
        #expect(String(decoding: body, as: UTF8.self) == "fine")
        #expect(ContinuousClock.now - start >= .milliseconds(900))
    }

    @Test func rateLimitBeyondBoundFailsWithResetTime() async throws {
        let server = try LoopbackHTTPServer()
        try server.setRoutes([
            "/gh": [
                .init(
                    status: 403,
                    headers: [
                        "X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "4102444800",
                    ])
            ],
            "/429": [.init(status: 429, headers: ["Retry-After": "3600"])],
        ])
        let http = try TT.http()
        do {
            _ = try await http.data(HTTPRequest(url: server.url("/gh")))
            Issue.record("expected a rate-limit error")
        } catch let e as HTTPTransportError {
            #expect(e.description.contains("rate limit exceeded; limit 60 requests; resets at 2100-01-01T00:00:00Z"))
        }
        do {
            _ = try await http.data(HTTPRequest(url: server.url("/429")))
            Issue.record("expected a rate-limit error")
        } catch let e as HTTPTransportError {
            #expect(e.description.contains("HTTP error 429 (rate limit exceeded; retry after 3600 s)"))
        }
        #expect(try server.requests().count == 2)
    }

    @Test func stalledTransferTimesOut() async throws {
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/stall": [.init(body: String(repeating: "x", count: 1000), stall: 600, stallAfter: 0)]])
        let http = try TT.http(attempts: 1, stallTimeout: 1)
        let start = ContinuousClock.now
        await #expect {
            _ = try await http.data(HTTPRequest(url: server.url("/stall")))
        } throws: { e in
            guard case .timedOut = e as? HTTPTransportError else { return false }
            return true
        }
        // The server stalls for 600 s: the client must have given up long before (the margin
        // is wide so that a loaded machine cannot make this fail; it checks behaviour, not speed).
        #expect(ContinuousClock.now - start < .seconds(300))
    }

    @Test func truncatedBodyIsDetected() async throws {
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/short": [.init(body: String(repeating: "y", count: 1000), truncate: 100)]])
        let http = try TT.http(attempts: 2)
        await #expect {
            _ = try await http.get(HTTPRequest(url: server.url("/short")), into: NonRestartableSink())
        } throws: { e in
            guard case .truncated(_, let received, let expected) = e as? HTTPTransportError else { return false }
            return received == 100 && expected == 1000
        }
        // Bytes reached a sink that cannot restart: no retry.
        #expect(try server.requests().count == 1)
        // A restartable sink is retried (and fails again, having been reset each time).
        let sink = CollectingBodySink()
        await #expect(throws: HTTPTransportError.self) {
            _ = try await http.get(HTTPRequest(url: server.url("/short")), into: sink)
        }
        #expect(try server.requests().count == 3)
        #expect(sink.bytes.count == 100)
    }

    @Test func redirectsDropSensitiveHeadersAcrossOrigins() async throws {
        let server = try LoopbackHTTPServer()
        try server.setRoutes([
            "/same": [.init(redirect: "/final")],
            "/cross": [.init(redirect: server.url("/final", host: "localhost"))],
            "/final": [.init(body: "done")],
        ])
        let http = try TT.http()
        let headers = [
            HTTPHeader("Authorization", "token SECRET1"), HTTPHeader("Private-Token", "SECRET2"),
            HTTPHeader("X-Custom-Token", "SECRET3", sensitive: true), HTTPHeader("Accept", "application/json"),
        ]
        let (r1, _) = try await http.data(HTTPRequest(url: server.url("/same"), headers: headers))
        #expect(r1.effectiveURL == server.url("/final"))
        let (r2, _) = try await http.data(HTTPRequest(url: server.url("/cross"), headers: headers))
        #expect(r2.effectiveURL == server.url("/final", host: "localhost"))
        let log = try server.requests()
        #expect(log.count == 4)
        #expect(log[1].header("Authorization") == "token SECRET1")
        #expect(log[1].header("Private-Token") == "SECRET2")
        #expect(log[1].header("X-Custom-Token") == "SECRET3")
        #expect(log[3].header("Authorization") == nil)
        #expect(log[3].header("Private-Token") == nil)
        #expect(log[3].header("X-Custom-Token") == nil)
        #expect(log[3].header("Accept") == "application/json")
    }

    @Test func secretsNeverAppearInErrors() async throws {
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/echo": [.init(status: 401, body: "bad token SECRET9")]])
        let http = try TT.http()
        do {
            _ = try await http.data(
                HTTPRequest(url: server.url("/echo"), headers: [HTTPHeader("Authorization", "SECRET9")]))
        } catch let e as HTTPTransportError {
            #expect(!String(describing: e).contains("SECRET9"))
            if case .httpStatus(_, _, _, let body) = e { #expect(body == "bad token <redacted>") }
        }
    }

    @Test func etagRevalidation() async throws {
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/e": [.init(body: "v1", etag: "\"abc\"")]])
        let http = try TT.http()
        let (first, _) = try await http.data(HTTPRequest(url: server.url("/e")))
        #expect(first.status == 200)
        #expect(first.etag == "\"abc\"")
        let (second, body) = try await http.data(HTTPRequest(url: server.url("/e"), ifNoneMatch: first.etag))
        #expect(second.status == 304)
        #expect(second.isNotModified)
        #expect(body.isEmpty)
        #expect(try server.requests()[1].header("If-None-Match") == "\"abc\"")
    }

    @Test func httpsWithConfiguredCA() async throws {
        let ca = try TestCertificateAuthority.files()
        let server = try LoopbackHTTPServer(tls: (ca.serverCertificate, ca.serverKey))
        try server.setRoutes(["/s": [.init(body: "secure")]])
        let trusted = try TT.http(caFile: ca.caCertificate)
        let (_, body) = try await trusted.data(HTTPRequest(url: server.url("/s", host: "localhost")))
        #expect(String(decoding: body, as: UTF8.self) == "secure")
        let untrusted = try TT.http(attempts: 1, caFile: "/dev/null")
        await #expect(throws: HTTPTransportError.self) {
            _ = try await untrusted.data(HTTPRequest(url: server.url("/s")))
        }
    }

    @Test func usesConfiguredProxyAndNoProxy() async throws {
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/via": [.init(body: "proxied")]])
        let proxied = try TT.http(proxy: ProxySettings(httpProxy: server.url("")))
        let (_, body) = try await proxied.data(HTTPRequest(url: "http://tarballs.example/via"))
        #expect(String(decoding: body, as: UTF8.self) == "proxied")
        let exempt = try TT.http(proxy: ProxySettings(httpProxy: "http://127.0.0.1:1", noProxy: "localhost,127.0.0.1"))
        _ = try await exempt.data(HTTPRequest(url: server.url("/via")))
        let log = try server.requests()
        #expect(log.map(\.proxied) == [true, false])
        #expect(log[0].header("Host") == "tarballs.example")
    }

    @Test func settingsFromEnvironment() {
        let s = NativeTransportSettings.from(environment: [
            "NIX_SSL_CERT_FILE": "/ca.pem", "https_proxy": "http://p:1", "no_proxy": "x.org",
            "GIT_CONFIG_COUNT": "2", "GIT_CONFIG_KEY_0": "protocol.file.allow", "GIT_CONFIG_VALUE_0": "always",
            "GIT_CONFIG_KEY_1": "url.http://m/.insteadOf", "GIT_CONFIG_VALUE_1": "https://x.org/",
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_SSH_COMMAND": "ssh -i k",
        ])
        #expect(s.http.caFile == "/ca.pem")
        #expect(s.http.proxy.proxy(for: "https://a.example/x") == "http://p:1")
        #expect(s.http.proxy.proxy(for: "https://sub.x.org/x") == nil)
        #expect(s.http.proxy.proxy(for: "http://a.example/x") == nil)
        #expect(s.git.value("Protocol.file.ALLOW") == "always")
        #expect(s.git.value("protocol.File.allow") == nil)
        #expect(s.git.config.count == 2)
        #expect(s.git.noSystemConfig)
        #expect(s.git.sshCommand == "ssh -i k")
        #expect(s.git.caFile == "/ca.pem")
    }

    @Test func cancellationStopsATransfer() async throws {
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/slow": [.init(body: String(repeating: "z", count: 100), stall: 600, stallAfter: 5)]])
        let http = try TT.http(attempts: 1)
        let task = Task { try await http.data(HTTPRequest(url: server.url("/slow"))) }
        try await Task.sleep(for: .milliseconds(300))
        let start = ContinuousClock.now
        task.cancel()
        await #expect(throws: (any Error).self) { _ = try await task.value }
        // The server stalls for 600 s: ending long before shows the cancellation stopped the
        // transfer (a wide margin, so that a loaded machine cannot fail it).
        #expect(ContinuousClock.now - start < .seconds(300))
    }
}

/// A sink that refuses to restart.
final class NonRestartableSink: HTTPBodySink, @unchecked Sendable {
    var count = 0
    func receive(_ bytes: UnsafeRawBufferPointer) throws { count += bytes.count }
}
