import FlakeLockBasics
import FlakeModel
import Foundation
import NixCompat

/// Where a shared fact cache lives and who is trusted (`fact-cache`,
/// `fact-cache-secret-key-file`, `fact-cache-public-keys`).
public struct FactCacheSettings: Sendable {
    /// `http(s)://…` (GET to read, PUT to write: nginx with WebDAV, any object store that
    /// accepts PUT) or `file:///dir` (a shared directory).
    public var url: String
    /// Signs what this machine writes; without it nothing is written.
    public var secretKey: NixSecretKey?
    /// Entries signed by one of these are believed; everything else is ignored.
    public var publicKeys: [NixPublicKey]

    public init(url: String, secretKey: NixSecretKey? = nil, publicKeys: [NixPublicKey] = []) {
        var u = url
        while u.hasSuffix("/") { u.removeLast() }
        self.url = u
        self.secretKey = secretKey
        self.publicKeys = publicKeys
    }
}

/// Writes a request body to a URL (HTTP PUT). Implementations: `CurlUploader`
/// (NativeTransport), fakes in tests.
public protocol HTTPUploader: Sendable {
    /// PUTs `body` to `url`; returns the HTTP status (2xx on success).
    func put(_ url: String, body: [UInt8], headers: [HTTPHeader]) async throws -> Int
}

/// A fact cache shared between machines: the immutable facts of a locked revision (NAR
/// hash, `lastModified`, `revCount`, that revision's `flake.nix` and `flake.lock`), keyed
/// only by keys that name an immutable revision, never by a mutable ref.
///
/// An entry is one JSON document at `URL/v1/NAME.json` (the same `NAME` as the local
/// cache's file): `{"key": KEY, "entry": BASE64(local entry JSON), "signatures": [SIG…]}`,
/// each signature an ed25519 signature in Nix's `NAME:BASE64` form over
/// `flakelock-fact-v1:KEY:` followed by the entry's bytes. Readers believe an entry only
/// when a trusted key signed it; anything unsigned, badly signed or malformed is ignored with
/// a warning naming it, and the input is fetched from its origin. The cache never makes a
/// lock fail: when it cannot be reached, the run says so once and goes on without it.
public final class SharedFactCache: @unchecked Sendable {
    // @unchecked: `unreachable` and `warned` are guarded by `lock`; the rest is immutable.
    public let settings: FactCacheSettings
    let http: any HTTPTransport
    let uploader: (any HTTPUploader)?
    let reporter: any FetchReporter
    private let lock = NSLock()
    private var unreachable = false

    public init(
        settings: FactCacheSettings, http: any HTTPTransport, uploader: (any HTTPUploader)?, reporter: any FetchReporter
    ) {
        self.settings = settings
        self.http = http
        self.uploader = uploader
        self.reporter = reporter
    }

    func entryURL(name: String) -> String { "\(settings.url)/v1/\(name).json" }

    /// `url` without user information (credentials belong in `netrc-file`, but never print them).
    static func shown(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@"),
            !url[scheme.upperBound..<at].contains("/")
        else { return url }
        return String(url[..<scheme.upperBound]) + String(url[url.index(after: at)...])
    }

    static func message(key: String, entry: [UInt8]) -> [UInt8] { Array("flakelock-fact-v1:\(key):".utf8) + entry }

    private var isUnreachable: Bool {
        lock.lock()
        defer { lock.unlock() }
        return unreachable
    }

    /// Says once that the cache cannot be reached, and stops asking it.
    private func giveUp(_ error: any Error) {
        lock.lock()
        let first = !unreachable
        unreachable = true
        lock.unlock()
        if first {
            reporter.warning(
                "the fact cache '\(Self.shown(settings.url))' cannot be used (\(error)); fetching from the origins")
        }
    }

    /// The verified entry for `key`, or nil (absent, untrusted, or the cache is unreachable).
    func lookup(key: String, name: String) async -> [UInt8]? {
        guard !isUnreachable else { return nil }
        let url = entryURL(name: name)
        let body: [UInt8]
        do {
            body = try await http.data(HTTPRequest(url: url), limit: 16 << 20).1
        } catch let e as HTTPTransportError {
            if e.status == 404 || e.status == 410 || Self.isMissingFile(e) { return nil }
            giveUp(e)
            return nil
        } catch {
            giveUp(error)
            return nil
        }
        switch verify(body, key: key) {
        case .success(let entry): return entry
        case .failure(let why):
            reporter.warning("ignoring fact cache entry '\(Self.shown(url))': \(why)")
            return nil
        }
    }

    /// A `file://` entry that does not exist.
    static func isMissingFile(_ e: HTTPTransportError) -> Bool {
        // 37: CURLE_FILE_COULDNT_READ_FILE.
        if case .transfer(let url, let code, _) = e, url.hasPrefix("file://"), code == 37 { return true }
        return false
    }

    struct Rejection: Error, CustomStringConvertible {
        var description: String
    }

    func verify(_ body: [UInt8], key: String) -> Result<[UInt8], Rejection> {
        guard let obj = (try? JSONValue.parse(body))?.objectValue else {
            return .failure(Rejection(description: "it is not a JSON object"))
        }
        guard obj["key"]?.stringValue == key else { return .failure(Rejection(description: "it is for another key")) }
        guard let text = obj["entry"]?.stringValue, let entry = Base64.decode(text) else {
            return .failure(Rejection(description: "it has no entry"))
        }
        let signatures = (obj["signatures"]?.arrayValue ?? []).compactMap(\.stringValue)
        if signatures.isEmpty { return .failure(Rejection(description: "it is not signed")) }
        let message = Self.message(key: key, entry: entry)
        let trusted = settings.publicKeys.contains { k in signatures.contains { k.verifies($0, of: message) } }
        guard trusted else {
            let names = signatures.map { String($0.prefix { $0 != ":" }) }.joined(separator: ", ")
            return .failure(Rejection(description: "no valid signature by a trusted key (signed by: \(names))"))
        }
        return .success(entry)
    }

    /// Signs and writes `entry` (the local cache's JSON bytes); failures are warnings.
    func publish(key: String, name: String, entry: [UInt8]) async {
        guard let secret = settings.secretKey, !isUnreachable else { return }
        let url = entryURL(name: name)
        do {
            let signature = try secret.sign(Self.message(key: key, entry: entry))
            let doc = JSONValue.object(
                JSONObject([
                    ("key", .string(key)), ("entry", .string(Base64.encode(entry))),
                    ("signatures", .array([.string(signature)])),
                ]))
            let bytes = Array(doc.compactText.utf8)
            if url.hasPrefix("file://") {
                let path = String(url.dropFirst("file://".count))
                try await BlockingExecutor.shared.run {
                    try FileManager.default.createDirectory(
                        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try AtomicFile.write(bytes, to: path)
                }
            } else if let uploader {
                let status = try await uploader.put(
                    url, body: bytes, headers: [HTTPHeader("Content-Type", "application/json")])
                guard (200..<300).contains(status) else { throw MessageError("HTTP status \(status)") }
            }
        } catch {
            giveUp(error)
        }
    }
}

extension FetchCache {
    /// ``lookup(_:)``, then the shared fact cache (a verified hit is kept locally too).
    /// Only for keys that name an immutable revision.
    func lookupShared(_ key: String) async -> Entry? {
        if let hit = await lookup(key) { return hit }
        guard let shared, let bytes = await shared.lookup(key: key, name: fileName(for: key)) else { return nil }
        guard let entry = Self.decode(bytes, key: key) else {
            let url = SharedFactCache.shown(shared.entryURL(name: fileName(for: key)))
            shared.reporter.warning("ignoring fact cache entry '\(url)': its entry is malformed")
            return nil
        }
        await store(key, entry)
        return entry
    }

    /// ``store(_:_:)``, then publishes the entry to the shared fact cache (when this machine
    /// has a key to sign with).
    func storeShared(_ key: String, _ entry: Entry) async {
        await store(key, entry)
        guard let shared else { return }
        await shared.publish(key: key, name: fileName(for: key), entry: Self.encode(key, entry))
    }
}
