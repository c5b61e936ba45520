import Crypto
import FlakeLockBasics
import Foundation

/// An ed25519 secret key in Nix's text format, `NAME:BASE64`, as `nix key generate-secret`
/// writes it: the base64 of libsodium's 64-byte secret key (32-byte seed, then the 32-byte
/// public key). Nix's `src/libutil/signature/local-keys.cc` (`SecretKey`).
public struct NixSecretKey: Sendable {
    public let name: String
    /// The 32-byte seed and the public key (kept as bytes: swift-crypto's key types are not
    /// Sendable).
    let seed: [UInt8]
    /// The matching public key.
    public let publicKey: NixPublicKey

    /// Parses `NAME:BASE64`; fails unless the name is non-empty and the key is 64 bytes whose
    /// second half is the public key of the first.
    public init(text: String) throws {
        let (name, bytes) = try NixPublicKey.split(text, what: "secret key")
        guard bytes.count == 64 else {
            throw MessageError("secret key '\(name)' is not valid: it has \(bytes.count) bytes, not 64")
        }
        let key: Curve25519.Signing.PrivateKey
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: bytes[0..<32])
        } catch {
            throw MessageError("secret key '\(name)' is not valid")
        }
        guard Array(key.publicKey.rawRepresentation) == Array(bytes[32..<64]) else {
            throw MessageError("secret key '\(name)' is not valid: its public half does not match")
        }
        self.name = name
        self.seed = Array(bytes[0..<32])
        self.publicKey = NixPublicKey(name: name, bytes: Array(bytes[32..<64]))
    }

    /// `NAME:BASE64(signature)` of `message`.
    public func sign(_ message: [UInt8]) throws -> String {
        let signature = try Curve25519.Signing.PrivateKey(rawRepresentation: seed).signature(for: message)
        return name + ":" + Base64.encode(Array(signature))
    }
}

/// An ed25519 public key in Nix's text format, `NAME:BASE64` (32 bytes), as
/// `nix key convert-secret-to-public` prints it and `trusted-public-keys` lists them.
public struct NixPublicKey: Sendable, Equatable {
    public let name: String
    /// The 32 bytes of the key (swift-crypto's key types are not Sendable).
    let bytes: [UInt8]

    init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    public init(text: String) throws {
        let (name, bytes) = try Self.split(text, what: "public key")
        guard bytes.count == 32, (try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)) != nil else {
            throw MessageError("public key '\(name)' is not valid")
        }
        self.name = name
        self.bytes = bytes
    }

    /// `NAME:BASE64`.
    public var text: String { name + ":" + Base64.encode(bytes) }

    /// Whether `signature` (`NAME:BASE64`) is this key's valid signature of `message`.
    public func verifies(_ signature: String, of message: [UInt8]) -> Bool {
        guard let colon = signature.firstIndex(of: ":"), signature[..<colon] == name,
            let bytes = Base64.decode(String(signature[signature.index(after: colon)...])), bytes.count == 64
        else { return false }
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: self.bytes) else { return false }
        return key.isValidSignature(bytes, for: message)
    }

    public static func == (a: NixPublicKey, b: NixPublicKey) -> Bool { a.text == b.text }

    static func split(_ text: String, what: String) throws -> (String, [UInt8]) {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let colon = t.firstIndex(of: ":"), colon != t.startIndex else {
            throw MessageError("\(what) is corrupt: expected NAME:BASE64")
        }
        let name = String(t[..<colon])
        guard let bytes = Base64.decode(String(t[t.index(after: colon)...])) else {
            throw MessageError("\(what) '\(name)' is corrupt: invalid base64")
        }
        return (name, bytes)
    }
}
