import ArgumentParser
import FlakeModel
import Foundation

/// Options every subcommand accepts: `--compat`, and the common options of Nix's commands
/// (`src/libmain/common-args.cc`, `src/libmain/shared.cc`) with Nix's meaning. Every Nix
/// setting is a flag too (`--NAME VALUE`; `--NAME` / `--no-NAME` for Booleans), turned
/// into `--option NAME VALUE` by ``SettingFlags`` before parsing.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "Behave like this Nix version: nix (current Nix, 2.35; the default), nix-2.31, nix-2.8, lix (2.95), or determinate (Determinate Nix 3.22)."
    )
    var compat: CompatOption = .nix

    @Flag(
        name: [.short, .long], help: "Increase the logging verbosity level: -v shows each decision, -vv each request.")
    var verbose: Int

    @Flag(help: "Decrease the logging verbosity level.")
    var quiet: Int

    @Flag(help: "Set the logging verbosity level to 'debug' (each request, with status, size and time).")
    var debug = false

    @Flag(
        name: [.customShort("L"), .customLong("print-build-logs")],
        help: "Accepted as Nix accepts it; flakelock builds nothing.")
    var printBuildLogs = false

    @Option(
        name: .customLong("log-format"),
        help: ArgumentHelp(
            "Format of log output: raw, raw-with-logs, internal-json, bar, bar-with-logs, multiline or multiline-with-logs.",
            valueName: "format"))
    var logFormat: String?

    @Flag(
        name: .customLong("show-trace"), inversion: .prefixedNo, help: "Print the full chain of contexts of an error.")
    var showTrace: Bool?

    @Flag(help: "Consider all previously downloaded files out-of-date (flakelock re-resolves every reference anyway).")
    var refresh = false

    @Flag(help: "Accepted as Nix accepts it; flakelock evaluates nothing, so there is nothing impure to allow.")
    var impure = false

    @Flag(
        name: .customLong("accept-flake-config"), inversion: .prefixedNo,
        help:
            "Trust every nixConfig setting of the top-level flake (else all but flake-registry and a few are ignored, with a warning)."
    )
    var acceptFlakeConfig: Bool?

    @Flag(
        name: .customLong("use-registries"), inversion: .prefixedNo,
        help: "Whether indirect flake references are looked up in the registries.")
    var useRegistries: Bool?

    @Option(
        name: .customLong("option"),
        help: ArgumentHelp(
            "Set the Nix setting NAME to VALUE (also: --NAME VALUE, --NAME / --no-NAME).", valueName: "name> <value"))
    var options: [PairArgument] = []

    static let logFormats: Set<String> = [
        "raw", "raw-with-logs", "internal-json", "bar", "bar-with-logs", "multiline", "multiline-with-logs",
    ]

    func validate() throws {
        if let logFormat, !Self.logFormats.contains(logFormat) {
            throw ValidationError("option 'log-format' has invalid value '\(logFormat)'")
        }
    }

    /// The `--option` pairs with the flags that are settings appended, in Nix's order.
    var settingPairs: [(String, String)] {
        var pairs = options.map { ($0.first, $0.second) }
        if let showTrace { pairs.append(("show-trace", String(showTrace))) }
        if let acceptFlakeConfig { pairs.append(("accept-flake-config", String(acceptFlakeConfig))) }
        if let useRegistries { pairs.append(("use-registries", String(useRegistries))) }
        if refresh { pairs.append(("tarball-ttl", "0")) }
        return pairs
    }

    /// Nix's verbosity (`lvlInfo` = 3 by default; `-v` adds one, `--quiet` removes one,
    /// `--debug` sets `lvlDebug` = 6).
    var verbosity: Int {
        debug ? max(6, 3 + verbose - quiet) : max(0, min(7, 3 + verbose - quiet))
    }

    /// Makes `path` absolute against the current directory (no symlink resolution); an
    /// absolute path is returned as given.
    static func absolutePath(_ path: String) -> String {
        path.hasPrefix("/") ? path : PathSyntax.absolute(path, base: FileManager.default.currentDirectoryPath)
    }
}

/// The `--compat` profiles.
enum CompatOption: String, ExpressibleByArgument, CaseIterable {
    case nix
    case nix231 = "nix-2.31"
    case nix28 = "nix-2.8"
    case lix
    case determinate
}

/// A command with the common options.
protocol HasGlobalOptions {
    var global: GlobalOptions { get }
}
