import Crypto

/// Where ``NARWriter`` puts bytes.
public protocol NARSink: ~Copyable {
    mutating func write(_ bytes: UnsafeRawBufferPointer)
}

/// A sink that SHA-256-hashes the archive as it is written; the archive is never stored.
public struct SHA256Sink: NARSink {
    private var hasher = SHA256()
    public private(set) var count: UInt64 = 0

    public init() {}

    public mutating func write(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
        count += UInt64(bytes.count)
    }

    /// The hash of everything written.
    public func finalize() -> NixHash {
        NixHash(uncheckedAlgorithm: .sha256, digest: Array(hasher.finalize()))
    }
}

/// A sink that keeps the bytes (tests, small archives).
public struct ByteSink: NARSink {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public mutating func write(_ b: UnsafeRawBufferPointer) { bytes.append(contentsOf: b) }
}
