import FlakeLockBasics
import FlakeModel
import Foundation
import NixCompat

/// A persistent cache of fetch results under `<cache dir>/v1/`, one small JSON file per key.
///
/// What is cached is keyed by something immutable (a forge or Git revision, a locked input's
/// attributes) or carries its own validator (a tarball URL's ETag), so entries never go
/// stale; source trees themselves are not kept, only their NAR hash, times, and the few
/// small files the locker reads (`flake.nix`, `flake.lock`).
///
/// Entries are read and written on a ``BlockingExecutor`` (file I/O never runs on Swift's
/// cooperative pool); ``lookupBlocking(_:)`` and ``storeBlocking(_:_:)`` are for code that
/// already runs on a blocking thread.
public struct FetchCache: Sendable {
    public let directory: String
    /// A fact cache shared with other machines (`fact-cache`), consulted on a local miss
    /// for keys that name an immutable revision.
    public let shared: SharedFactCache?
    /// Where the entries' files are read and written.
    let executor: BlockingExecutor

    public init(directory: String, shared: SharedFactCache? = nil, executor: BlockingExecutor = .shared) {
        self.directory = directory
        self.shared = shared
        self.executor = executor
    }

    /// One cached result.
    public struct Entry: Sendable, Equatable {
        public var narHash: NixHash
        /// Extra facts by name (`lastModified`, `topMtime`, `etag`, `lockedURL`, `rev`, …).
        public var facts: [String: String]
        /// Captured files by path; `capturedPaths` lists every path that was asked for, so an
        /// absent key means "the file does not exist", not "not captured".
        public var files: [String: [UInt8]]
        public var capturedPaths: Set<String>

        public init(
            narHash: NixHash, facts: [String: String] = [:], files: [String: [UInt8]] = [:],
            capturedPaths: Set<String> = []
        ) {
            self.narHash = narHash
            self.facts = facts
            self.files = files
            self.capturedPaths = capturedPaths
        }

        /// Whether this entry can answer for `paths`.
        public func covers(_ paths: [String]) -> Bool { paths.allSatisfy(capturedPaths.contains) }
    }

    func file(for key: String) -> String { directory + "/v1/" + fileName(for: key) + ".json" }

    /// The entry's file name (without `.json`): nix-base32 of 20 bytes of the key's SHA-256.
    func fileName(for key: String) -> String {
        NixBase32.encode(NixHash.sha256(of: Array(key.utf8)).digest.prefix(20))
    }

    /// The entry for `key`, or nil (a missing or unreadable entry is simply a miss).
    public func lookup(_ key: String) async -> Entry? {
        (try? await executor.run { [self] in lookupBlocking(key) }) ?? nil
    }

    /// Stores `entry` under `key` atomically. Failures to write the cache are not errors.
    public func store(_ key: String, _ entry: Entry) async {
        _ = try? await executor.run { [self] in storeBlocking(key, entry) }
    }

    /// ``lookup(_:)`` on the calling thread (which must be allowed to block).
    public func lookupBlocking(_ key: String) -> Entry? {
        guard let data = FileManager.default.contents(atPath: file(for: key)) else { return nil }
        return Self.decode(Array(data), key: key)
    }

    /// ``store(_:_:)`` on the calling thread (which must be allowed to block).
    public func storeBlocking(_ key: String, _ entry: Entry) {
        let path = file(for: key)
        try? FileManager.default.createDirectory(atPath: directory + "/v1", withIntermediateDirectories: true)
        try? AtomicFile.write(Self.encode(key, entry), to: path)
    }

    /// An entry's JSON text (also what the shared fact cache signs and stores).
    static func encode(_ key: String, _ entry: Entry) -> [UInt8] {
        let obj = JSONValue.object(
            JSONObject([
                ("key", .string(key)),
                ("narHash", .string(entry.narHash.sri)),
                ("facts", .object(JSONObject(entry.facts.map { ($0.key, JSONValue.string($0.value)) }))),
                ("files", .object(JSONObject(entry.files.map { ($0.key, JSONValue.string(Base64.encode($0.value))) }))),
                ("captured", .array(entry.capturedPaths.sorted().map { .string($0) })),
            ]))
        return Array(obj.compactText.utf8)
    }

    /// The entry in `bytes` if it is well-formed and for `key`.
    static func decode(_ bytes: [UInt8], key: String) -> Entry? {
        guard let value = try? JSONValue.parse(bytes), let obj = value.objectValue,
            obj["key"]?.stringValue == key,
            let hashText = obj["narHash"]?.stringValue, let hash = try? NixHash.parseSRI(hashText)
        else { return nil }
        var facts: [String: String] = [:]
        for (k, v) in obj["facts"]?.objectValue ?? JSONObject() { if let s = v.stringValue { facts[k] = s } }
        var files: [String: [UInt8]] = [:]
        for (k, v) in obj["files"]?.objectValue ?? JSONObject() {
            if let s = v.stringValue, let b = Base64.decode(s) { files[k] = b }
        }
        let captured = Set((obj["captured"]?.arrayValue ?? []).compactMap(\.stringValue))
        return Entry(narHash: hash, facts: facts, files: files, capturedPaths: captured)
    }
}
