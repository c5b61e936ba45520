import FlakeLockTestSupport
import Foundation
import Testing

/// The shared fact cache through its real parts: a real nginx with WebDAV on loopback, the
/// fake forge, the built binary, keys in Nix's format. A writer locks and publishes signed
/// entries; a second "machine" (an empty local cache) locks the same flake without
/// downloading any archive; tampered, unsigned or untrusted entries are ignored with a
/// warning and the origin is used, and the locks stay byte-identical.
@Suite(.serialized)
final class SharedFactCacheTests {
    let fixture: ForgeCLIFixture
    let nginx: LoopbackNginx?
    let keys: String

    // Made once with Nix 2.8's `nix key generate-secret` and `nix key convert-secret-to-public`.
    static let secret =
        "writer-1:TG5BZsqr5ZBJiM4Nd8bHI2epwU9vkuPUUf+rTcxxGUlA5Dh92xB+3fBAKQd0sfxce7zOoGle82EJ91fOXy5aSA=="
    static let publicKey = "writer-1:QOQ4fdsQft3wQCkHdLH8XHu8zqBpXvNhCfdXzl8uWkg="
    // Another key pair's public half, with the same name (`nix key generate-secret --key-name writer-1`).
    static let otherPublicKey = "writer-1:mJj+BMQvvWz8/2DfsYZJBz5pbJoUInzy0BQmlUgLieg="

    init() throws {
        fixture = try ForgeCLIFixture(prefix: "flakelock-facts")
        nginx = try LoopbackNginx.available() ? try LoopbackNginx(root: fixture.root + "/nginx") : nil
        keys = fixture.root + "/keys"
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        try Self.secret.write(toFile: "\(keys)/secret", atomically: true, encoding: .utf8)
    }

    var universe: ForgeUniverse { fixture.universe }

    func setUp() throws {
        try universe.commit("alice/np", id: "n1", files: ["flake.nix": leafFlake, "lib.nix": "{ }\n"])
        try universe.commit("alice/a", id: "a1", files: ["flake.nix": flakeNix("np.url = \"github:alice/np\";")])
        try universe.commit("alice/b", id: "b1", files: ["README": "not a flake\n"])
        try universe.top([
            "flake.nix": flakeNix(
                """
                a.url = "github:alice/a";
                b = { url = "github:alice/b"; flake = false; };
                np.url = "github:alice/np";
                """)
        ])
    }

    /// Archive downloads the forge saw (API calls resolve refs and are not counted).
    func archiveRequests() -> [String] {
        fixture.forge.requestLog().filter { $0.contains("/tarball/") || $0.contains("/archive/") }
    }

    func config(url: String, writer: Bool, trusted: String = publicKey) -> String {
        var c = "fact-cache = \(url)\n"
        if writer {
            c += "fact-cache-secret-key-file = \(keys)/secret\n"
        } else {
            c += "fact-cache-public-keys = \(trusted)\n"
        }
        return c
    }

    /// The cache is on 127.0.0.1: not through the forge's proxy.
    static let direct = ["no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"]

    func lock(_ engine: String, _ config: String) throws -> ForgeCLIFixture.Run {
        try fixture.flakelock(["lock"], engine: engine, config: config, environment: Self.direct, keepLock: false)
    }

    @Test func secondMachineDownloadsNoArchive() throws {
        guard let nginx else { return }
        try setUp()
        let writer = try lock("writer", config(url: nginx.base, writer: true))
        #expect(writer.status == 0, "\(writer.stderr)")
        #expect(archiveRequests().count == 3)
        let puts = nginx.requests().filter { $0.hasPrefix("PUT /v1/") && $0.hasSuffix(" 201") }
        #expect(puts.count == 3, "\(nginx.requests())")

        fixture.forge.clearRequestLog()
        let reader = try lock("reader", config(url: nginx.base, writer: false))
        #expect(reader.status == 0, "\(reader.stderr)")
        #expect(reader.lock == writer.lock)
        #expect(archiveRequests().isEmpty, "\(archiveRequests())")
        #expect(!reader.stderr.contains("fact cache"), "\(reader.stderr)")
        // A reader writes nothing.
        #expect(nginx.requests().filter { $0.hasPrefix("PUT") }.count == 3)
    }

    @Test func tamperedUnsignedAndUntrustedEntriesAreIgnored() throws {
        guard let nginx else { return }
        try setUp()
        let writer = try lock("writer", config(url: nginx.base, writer: true))
        #expect(writer.status == 0, "\(writer.stderr)")
        let dir = "\(nginx.root)/www/v1"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files.count == 3)
        // 1: the entry changed after signing (another narHash); 2: signatures removed;
        // 3: left alone but read with a key that did not sign it (below).
        for (i, f) in files.prefix(2).enumerated() {
            let path = "\(dir)/\(f)"
            var doc = try #require(
                JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            if i == 0 {
                let entry = try #require(Data(base64Encoded: doc["entry"] as? String ?? ""))
                var text = String(decoding: entry, as: UTF8.self)
                text = text.replacingOccurrences(of: "sha256-", with: "sha256-AAAA")
                doc["entry"] = Data(text.utf8).base64EncodedString()
            } else {
                doc["signatures"] = [String]()
            }
            try JSONSerialization.data(withJSONObject: doc).write(to: URL(fileURLWithPath: path))
        }
        fixture.forge.clearRequestLog()
        let reader = try lock("reader", config(url: nginx.base, writer: false))
        #expect(reader.status == 0, "\(reader.stderr)")
        #expect(reader.lock == writer.lock)
        #expect(reader.stderr.contains("no valid signature by a trusted key"), "\(reader.stderr)")
        #expect(reader.stderr.contains("it is not signed"), "\(reader.stderr)")
        #expect(reader.stderr.contains("\(nginx.base)/v1/"), "\(reader.stderr)")
        #expect(archiveRequests().count == 2, "\(archiveRequests()) \(reader.stderr)")

        fixture.forge.clearRequestLog()
        let untrusted = try lock("untrusted", config(url: nginx.base, writer: false, trusted: Self.otherPublicKey))
        #expect(untrusted.status == 0, "\(untrusted.stderr)")
        #expect(untrusted.lock == writer.lock)
        #expect(archiveRequests().count == 3, "\(archiveRequests())")
    }

    @Test func unreachableCacheNeverFailsALock() throws {
        try setUp()
        let port = FixtureShell.freePort()  // nothing listens there
        let r = try lock("writer", config(url: "http://127.0.0.1:\(port)", writer: true))
        #expect(r.status == 0, "\(r.stderr)")
        let said = r.stderr.components(separatedBy: "cannot be used").count - 1
        #expect(said == 1, "\(r.stderr)")
        let plain = try lock("plain", "")
        #expect(r.lock == plain.lock)
    }

    @Test func sharedDirectory() throws {
        try setUp()
        let dir = fixture.root + "/shared-facts"
        let writer = try lock("writer", config(url: "file://\(dir)", writer: true))
        #expect(writer.status == 0, "\(writer.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/v1").count == 3)
        fixture.forge.clearRequestLog()
        let reader = try lock("reader", config(url: "file://\(dir)", writer: false))
        #expect(reader.status == 0, "\(reader.stderr)")
        #expect(reader.lock == writer.lock)
        #expect(archiveRequests().isEmpty)
    }

    @Test func badSettingsAreErrors() throws {
        try setUp()
        let r1 = try lock("bad1", "fact-cache = ftp://example/x\n")
        #expect(r1.status == 1)
        #expect(r1.stderr.contains("setting 'fact-cache' has invalid value 'ftp://example/x'"), "\(r1.stderr)")
        let r2 = try lock("bad2", "fact-cache = file:///tmp/x\nfact-cache-public-keys = nonsense\n")
        #expect(r2.status == 1)
        #expect(r2.stderr.contains("public key is corrupt"), "\(r2.stderr)")
        #expect(r2.lock == nil)
    }
}
