import NixCompat
import Testing

/// ed25519 keys in Nix's `NAME:BASE64` format.
struct SigningKeyTests {
    // `nix key generate-secret --key-name test1` and `nix key convert-secret-to-public` (Nix 2.8).
    static let secret = "test1:TG5BZsqr5ZBJiM4Nd8bHI2epwU9vkuPUUf+rTcxxGUlA5Dh92xB+3fBAKQd0sfxce7zOoGle82EJ91fOXy5aSA=="
    static let publicText = "test1:QOQ4fdsQft3wQCkHdLH8XHu8zqBpXvNhCfdXzl8uWkg="

    @Test func publicKeyAsNixDerivesIt() throws {
        let key = try NixSecretKey(text: Self.secret + "\n")
        #expect(key.name == "test1")
        #expect(key.publicKey.text == Self.publicText)
        #expect(try NixPublicKey(text: Self.publicText) == key.publicKey)
    }

    @Test func signAndVerify() throws {
        let key = try NixSecretKey(text: Self.secret)
        let pub = try NixPublicKey(text: Self.publicText)
        let message = Array("flakelock".utf8)
        let sig = try key.sign(message)
        #expect(sig.hasPrefix("test1:"))
        #expect(pub.verifies(sig, of: message))
        #expect(!pub.verifies(sig, of: Array("flakelocK".utf8)))
        #expect(!pub.verifies("other:" + sig.dropFirst("test1:".count), of: message))
        #expect(!pub.verifies("test1:AAAA", of: message))
        #expect(!pub.verifies("no colon", of: message))
    }

    @Test(arguments: [
        "", "test1", ":QOQ4fdsQft3wQCkHdLH8XHu8zqBpXvNhCfdXzl8uWkg=", "test1:not base64!",
        "test1:QOQ4fdsQft3wQCkHdLH8XHu8zqBpXvNhCfdXzl8uWkg=",  // a public key where a secret one belongs
    ])
    func badSecretKeys(text: String) {
        #expect(throws: (any Error).self) { try NixSecretKey(text: text) }
    }

    @Test func secretKeyWhosePublicHalfDoesNotMatch() {
        // The seed of one key with the public half of another.
        let other = "test1:AVtfWztnV+Ai5U47HN/x/+XJMwgclIByg+J1XdFqABxr/1XhbVcZBLgMGJ54itpzFMEn3/JVHC3WawwQbevz/Q=="
        let mixed = Base64.encode(
            Array(Base64.decode(String(Self.secret.dropFirst(6)))!.prefix(32))
                + Array(Base64.decode(String(other.dropFirst(6)))!.suffix(32)))
        #expect(throws: (any Error).self) { try NixSecretKey(text: "test1:" + mixed) }
    }

    @Test(arguments: ["", "x", "test1:", "test1:AAAA", Self.secret])
    func badPublicKeys(text: String) {
        #expect(throws: (any Error).self) { try NixPublicKey(text: text) }
    }
}
