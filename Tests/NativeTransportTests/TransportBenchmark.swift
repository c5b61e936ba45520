import FlakeLockTestSupport
import Fetchers
import Foundation
import NativeTransport
import Testing

/// Throughput of download → unpack → NAR hash on loopback. Opt-in (`FLAKELOCK_BENCH=1`),
/// prints figures and asserts nothing about time.
@Suite("Transport benchmark", .enabled(if: ProcessInfo.processInfo.environment["FLAKELOCK_BENCH"] == "1"))
struct TransportBenchmark {
    @Test func tarballThroughput() async throws {
        let dir = try TT.Dir()
        let files = Int(ProcessInfo.processInfo.environment["FLAKELOCK_BENCH_FILES"] ?? "") ?? 20000
        try FixtureShell.run([
            "python3", "-c",
            """
            import os, random, sys
            r = random.Random(1); root = sys.argv[1]; n = int(sys.argv[2])
            for i in range(n):
                d = os.path.join(root, "top", "d%03d" % (i % 400), "e%02d" % (i % 7))
                os.makedirs(d, exist_ok=True)
                with open(os.path.join(d, "f%05d.nix" % i), "wb") as f:
                    f.write(bytes(r.getrandbits(8) for _ in range(r.randint(100, 8000))))
            """, dir.path, String(files),
        ])
        try FixtureShell.run(["tar", "-czf", dir.sub("big.tar.gz"), "top"], in: dir.path)
        let size = (try FileManager.default.attributesOfItem(atPath: dir.sub("big.tar.gz"))[.size] as? Int) ?? 0
        let server = try LoopbackHTTPServer()
        try server.setRoutes(["/big.tar.gz": [.init(bodyFile: dir.sub("big.tar.gz"))]])
        let hasher = LibArchiveHasher(http: try TT.http())
        let start = ContinuousClock.now
        let r = try await hasher.download(HTTPRequest(url: server.url("/big.tar.gz")), mode: .archive(ArchiveOptions()))
        let t = ContinuousClock.now - start
        let a = try #require(r.archive)
        let secs = Double(t.components.seconds) + Double(t.components.attoseconds) / 1e18
        print(
            "bench: \(files) files, \(size) bytes compressed, NAR \(a.narSize) bytes: \(String(format: "%.2f", secs)) s, "
                + "\(String(format: "%.1f", Double(a.narSize) / secs / 1e6)) MB/s of NAR")
        let nixStart = ContinuousClock.now
        try FixtureShell.run(["tar", "-xzf", dir.sub("big.tar.gz"), "-C", dir.sub(".")], in: dir.path)
        let expected = try TT.expectedHash(ofPath: dir.sub("top"))
        print("bench: tar -x + nix hash path (or TreeHasher): \(ContinuousClock.now - nixStart)")
        #expect(a.narHash.sri == expected)
    }
}
