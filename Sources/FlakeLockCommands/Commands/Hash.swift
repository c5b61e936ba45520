import ArgumentParser
import Fetchers
import FlakeLockBasics
import FlakeModel
import Foundation
import NixCompat

extension FlakeLockCommand {
    /// `flakelock hash …`
    struct Hash: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compute NAR hashes, as 'nix hash' does.",
            subcommands: [HashPath.self]
        )
    }

    /// `flakelock hash path PATH…`
    struct HashPath: AsyncParsableCommand, HasGlobalOptions {
        static let configuration = CommandConfiguration(
            commandName: "path",
            abstract: "Print the SHA-256 NAR hash of each path, like 'nix hash path'.",
            discussion: """
                The path is serialised as a Nix archive (symlinks are not followed; only the \
                owner-execute bit is kept) and hashed while it is read; nothing is copied.
                """
        )

        @Argument(help: "The files or directories to hash.")
        var paths: [String]

        @Option(help: "Output encoding: sri, base16, nix32 or base64.")
        var format: HashFormat = .sri

        @Flag(help: "Print {\"hash\": …, \"narSize\": …, \"storePath\": …} for each path.")
        var json = false

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            for path in paths {
                // The path as given, like nix: errors name the path the user typed.
                let result = try await TreeHasher.hashPath(path)
                let hash = result.narHash.encoded(format.encoding)
                if json {
                    let store = StorePath.fixedOutputSource(narHash: result.narHash)
                    let obj = JSONValue.object(
                        JSONObject([
                            ("hash", .string(hash)), ("narSize", .number(.unsigned(result.narSize))),
                            ("storePath", .string(store.description)),
                        ]))
                    Diagnostics.writeJSON(obj, pretty: false)
                } else {
                    Diagnostics.writeStdout(hash + "\n")
                }
            }
        }
    }
}

/// Hash encodings accepted by `--format`.
enum HashFormat: String, ExpressibleByArgument, CaseIterable {
    case sri, base16, nix32, base32, base64
    var encoding: NixHash.Encoding {
        switch self {
        case .sri: .sri
        case .base16: .base16
        case .nix32, .base32: .nix32
        case .base64: .base64
        }
    }
}
