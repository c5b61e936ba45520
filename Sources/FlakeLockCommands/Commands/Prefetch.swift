import ArgumentParser
import FlakeLockBasics
import FlakeLockCore
import FlakeModel
import Foundation

extension FlakeLockCommand {
    /// `flakelock prefetch REF [--json]`, like `nix flake prefetch`.
    struct Prefetch: AsyncParsableCommand, HasGlobalOptions {
        static let configuration = CommandConfiguration(
            abstract: "Fetch a flake reference and print its locked reference and NAR hash, like 'nix flake prefetch'.")

        @Argument(help: "The flake reference to fetch.")
        var ref: String

        @Flag(help: "Print {\"hash\", \"locked\", \"original\", \"storePath\"} as JSON.")
        var json = false

        @Flag(name: .customLong("offline"), help: "Use only cached results.")
        var offline = false

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let ctx = try await CommandContext.make(global: global, lock: nil, offline: offline)
            let flakeRef = try ctx.parseFlakeArgument(ref)
            let r = try await ctx.fetcher.fetch(flakeRef, registryScope: .all, wantFlakeFiles: false)
            let lockedURL = try r.locked.toURLString(profile: ctx.profile)
            if json {
                let obj = JSONValue.object(
                    JSONObject([
                        ("hash", .string(r.source.narHash.sri)),
                        ("locked", r.locked.toAttrs().json),
                        ("original", r.original.toAttrs().json),
                        ("storePath", .string(r.source.storePath.description)),
                    ]))
                Diagnostics.writeJSON(obj, pretty: false)
            } else {
                Diagnostics.writeStdout(
                    "Downloaded '\(lockedURL)' to '\(r.source.storePath)' (hash '\(r.source.narHash.sri)').\n")
            }
        }
    }
}
