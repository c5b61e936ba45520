import Crypto
import Foundation

/// A store path: `<store dir>/<32 nix32 chars>-<name>`.
public struct StorePath: Sendable, Hashable, CustomStringConvertible {
    public let storeDirectory: String
    /// The 20-byte digest part.
    public let digest: [UInt8]
    public let name: String

    public static let defaultStoreDirectory = "/nix/store"

    /// The store path of a source tree added "recursively" (NAR, SHA-256) with no references,
    /// as fetchers produce: fingerprint `source:sha256:<base16 H>:<dir>:<name>`, SHA-256,
    /// XOR-folded to 20 bytes (docs/nix-behaviour.md, "Store paths").
    public static func fixedOutputSource(
        narHash: NixHash, name: String = "source", storeDirectory: String = defaultStoreDirectory
    ) -> StorePath {
        let fingerprint = "source:\(narHash.algorithm.rawValue):\(narHash.base16):\(storeDirectory):\(name)"
        let h = Array(SHA256.hash(data: Array(fingerprint.utf8)))
        return StorePath(storeDirectory: storeDirectory, digest: compress(h, to: 20), name: name)
    }

    /// XOR-folds `bytes` into `size` bytes: `out[i mod size] ^= bytes[i]`.
    public static func compress(_ bytes: [UInt8], to size: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        for (i, b) in bytes.enumerated() { out[i % size] ^= b }
        return out
    }

    public var hashPart: String { NixBase32.encode(digest) }
    public var description: String { "\(storeDirectory)/\(hashPart)-\(name)" }
}
