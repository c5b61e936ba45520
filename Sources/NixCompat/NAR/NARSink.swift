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

/// A sink that SHA-512-hashes what is written (Nix's `HashSink{SHA512}`), with Nix's
/// length-prefixed string framing for the bytes written between archives.
public struct SHA512Sink: NARSink {
    private var hasher = SHA512()

    public init() {}

    public mutating func write(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
    }

    /// Writes `s` as Nix's `writeString` does: its length (64-bit little-endian), its bytes,
    /// then zeros up to a multiple of 8.
    public mutating func writeString(_ s: some Collection<UInt8>) {
        var framed = withUnsafeBytes(of: UInt64(s.count).littleEndian) { Array($0) }
        framed.append(contentsOf: s)
        framed.append(contentsOf: [UInt8](repeating: 0, count: (8 - s.count % 8) % 8))
        framed.withUnsafeBytes { write($0) }
    }

    /// The hash of everything written.
    public func finalize() -> NixHash {
        NixHash(uncheckedAlgorithm: .sha512, digest: Array(hasher.finalize()))
    }
}

/// A sink that keeps the bytes (tests, small archives).
public struct ByteSink: NARSink {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public mutating func write(_ b: UnsafeRawBufferPointer) { bytes.append(contentsOf: b) }
}
