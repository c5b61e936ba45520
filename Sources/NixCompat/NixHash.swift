import Crypto
import FlakeLockBasics
import Foundation

/// A hash algorithm Nix knows.
public enum HashAlgorithm: String, Sendable, CaseIterable {
    case md5, sha1, sha256, sha512

    /// Digest size in bytes.
    public var digestSize: Int {
        switch self {
        case .md5: 16
        case .sha1: 20
        case .sha256: 32
        case .sha512: 64
        }
    }
}

/// Errors from parsing a hash string. Messages follow Nix's wording.
public enum NixHashError: UserFacingError, Equatable {
    case unknownAlgorithm(String)
    case wrongLength(hash: String, algorithm: HashAlgorithm)
    case invalidSRI(String)
    case invalidCharacters(hash: String)
    case missingAlgorithm(String)
    case notSHA256(String)

    public var description: String {
        switch self {
        case .unknownAlgorithm(let a): "unknown hash algorithm '\(a)'"
        case .wrongLength(let h, let a): "hash '\(h)' has wrong length for hash type '\(a.rawValue)'"
        case .invalidSRI(let h): "invalid SRI hash '\(h)'"
        case .invalidCharacters(let h): "invalid base-16/nix32/base-64 hash '\(h)'"
        case .missingAlgorithm(let h): "hash '\(h)' does not include a type"
        case .notSHA256(let h): "narHash must use SHA-256: '\(h)'"
        }
    }
}

/// An algorithm plus a digest of exactly that algorithm's size.
///
/// Printing is by named methods, one per format (`base16`, `nix32`, `base64`, `sri`);
/// `description` is SRI, the form Nix writes in lock files.
public struct NixHash: Sendable, Hashable, CustomStringConvertible {
    public let algorithm: HashAlgorithm
    public let digest: [UInt8]

    /// Fails when the digest length does not match the algorithm.
    public init?(algorithm: HashAlgorithm, digest: [UInt8]) {
        guard digest.count == algorithm.digestSize else { return nil }
        self.algorithm = algorithm
        self.digest = digest
    }

    /// SHA-256 of `bytes`.
    public static func sha256<D: DataProtocol>(of bytes: D) -> NixHash {
        NixHash(uncheckedAlgorithm: .sha256, digest: Array(SHA256.hash(data: bytes)))
    }

    init(uncheckedAlgorithm: HashAlgorithm, digest: [UInt8]) {
        self.algorithm = uncheckedAlgorithm
        self.digest = digest
    }

    public var base16: String { Base16.encode(digest) }
    public var nix32: String { NixBase32.encode(digest) }
    public var base64: String { Base64.encode(digest) }
    /// `<algo>-<base64>`, e.g. `sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=`.
    public var sri: String { "\(algorithm.rawValue)-\(base64)" }
    /// `<algo>:<encoded>` in the given encoding.
    public func prefixed(_ encoding: Encoding) -> String { "\(algorithm.rawValue):\(encoded(encoding))" }

    public enum Encoding: String, Sendable, CaseIterable {
        case base16, nix32, base64, sri
    }

    public func encoded(_ encoding: Encoding) -> String {
        switch encoding {
        case .base16: base16
        case .nix32: nix32
        case .base64: base64
        case .sri: sri
        }
    }

    public var description: String { sri }

    // MARK: Parsing

    /// Parses an SRI hash (`sha256-<base64>`); this is what `narHash` attributes must be.
    public static func parseSRI(_ s: String) throws(NixHashError) -> NixHash {
        guard let dash = s.firstIndex(of: "-") else { throw .invalidSRI(s) }
        guard let algo = HashAlgorithm(rawValue: String(s[..<dash])) else {
            throw .unknownAlgorithm(String(s[..<dash]))
        }
        let rest = String(s[s.index(after: dash)...])
        guard rest.utf8.count == Base64.encodedLength(byteCount: algo.digestSize),
            let d = Base64.decode(rest), d.count == algo.digestSize
        else { throw .invalidSRI(s) }
        return NixHash(uncheckedAlgorithm: algo, digest: d)
    }

    /// Parses a hash in any of Nix's forms: SRI, `<algo>:<digest>`, or — when `algorithm` is
    /// given — a bare digest. A bare or `:`-prefixed digest's encoding is decided by its length
    /// (base16, nix32 or base64).
    public static func parse(_ s: String, algorithm: HashAlgorithm? = nil) throws(NixHashError) -> NixHash {
        if let colon = s.firstIndex(of: ":") {
            let name = String(s[..<colon])
            guard let algo = HashAlgorithm(rawValue: name) else { throw .unknownAlgorithm(name) }
            if let expected = algorithm, expected != algo { throw .wrongLength(hash: s, algorithm: expected) }
            return try parseDigest(String(s[s.index(after: colon)...]), algorithm: algo, original: s)
        }
        if let dash = s.firstIndex(of: "-"), HashAlgorithm(rawValue: String(s[..<dash])) != nil {
            let h = try parseSRI(s)
            if let expected = algorithm, expected != h.algorithm { throw .wrongLength(hash: s, algorithm: expected) }
            return h
        }
        guard let algo = algorithm else { throw .missingAlgorithm(s) }
        return try parseDigest(s, algorithm: algo, original: s)
    }

    static func parseDigest(_ d: String, algorithm: HashAlgorithm, original: String) throws(NixHashError) -> NixHash {
        let n = d.utf8.count
        let size = algorithm.digestSize
        let bytes: [UInt8]?
        if n == size * 2 {
            bytes = Base16.decode(d)
        } else if n == NixBase32.encodedLength(byteCount: size) {
            bytes = NixBase32.decode(d, byteCount: size)
        } else if n == Base64.encodedLength(byteCount: size) {
            bytes = Base64.decode(d)
        } else {
            throw .wrongLength(hash: original, algorithm: algorithm)
        }
        guard let b = bytes, b.count == size else { throw .invalidCharacters(hash: original) }
        return NixHash(uncheckedAlgorithm: algorithm, digest: b)
    }

    /// Parses a `narHash` attribute value as Nix does: SRI only; an empty string is the
    /// all-zero SHA-256; any other algorithm is an error.
    public static func parseNARHash(_ s: String) throws(NixHashError) -> NixHash {
        if s.isEmpty { return NixHash(uncheckedAlgorithm: .sha256, digest: [UInt8](repeating: 0, count: 32)) }
        let h = try parseSRI(s)
        guard h.algorithm == .sha256 else { throw .notSHA256(s) }
        return h
    }
}
