import ArgumentParser
import FlakeLockCore
import FlakeModel

/// The options Nix's flake commands share (`MixFlakeOptions` in
/// `src/libcmd/installables.cc`), plus flakelock's own. The flags some commands remove
/// are in ``RecreateOptions``, ``NoUpdateLockFileOption`` and ``NoWriteLockFileOption``.
struct LockOptions: ParsableArguments {
    @Flag(name: .customLong("commit-lock-file"), help: "Commit changes to the flake's lock file.")
    var commitLockFile = false

    @Flag(
        name: .customLong("no-registries"),
        help: "Don't allow lookups in the flake registries (deprecated; use --no-use-registries).")
    var noRegistries = false

    @Flag(name: .customLong("offline"), help: "Use only cached results; fail where the network would be needed.")
    var offline = false

    @Flag(name: .customLong("allow-dirty-locks"), help: "Allow writing lock files with dirty (unlocked) inputs.")
    var allowDirtyLocks = false

    @Option(
        name: .customLong("override-input"),
        help: ArgumentHelp(
            "Override a specific flake input (e.g. 'dwarffs/nixpkgs') with a flake reference; implies not writing the lock file, except for 'lock'.",
            valueName: "input-path> <flake-url"),
        completion: InputCompletion.kind)
    var overrideInputs: [PairArgument] = []

    @Option(
        name: .customLong("override-flake"),
        help: ArgumentHelp(
            "Override the flake registries, redirecting a flake id to a reference.",
            valueName: "original-ref> <resolved-ref"))
    var overrideFlakes: [PairArgument] = []

    @Option(
        name: .customLong("inputs-from"),
        help: ArgumentHelp("Use the inputs of this flake as registry entries.", valueName: "flake-url"))
    var inputsFrom: [String] = []

    @Option(
        name: .customLong("reference-lock-file"),
        help: ArgumentHelp("Read the given lock file instead of flake.lock.", valueName: "flake-lock-path"))
    var referenceLockFile: String?

    @Option(
        name: .customLong("output-lock-file"),
        help: ArgumentHelp("Write the lock file to this path.", valueName: "flake-lock-path"))
    var outputLockFile: String?

    @Option(
        name: .customLong("max-concurrent-downloads"),
        help: "Fetch at most this many inputs at once (default: the http-connections setting).")
    var maxConcurrentDownloads: Int?
}

/// `--recreate-lock-file` and `--update-input`, deprecated in current Nix (a warning) in
/// favour of `update`.
struct RecreateOptions: ParsableArguments {
    @Flag(
        name: .customLong("recreate-lock-file"),
        help: "Recreate the flake's lock file from scratch (deprecated; use 'update').")
    var recreateLockFile = false

    @Option(
        name: .customLong("update-input"),
        help: ArgumentHelp("Update a specific flake input (deprecated; use 'update INPUT').", valueName: "input-path"),
        completion: InputCompletion.kind)
    var updateInputs: [String] = []
}

/// `--timings[=FILE]` on `lock` and `update`. A bare `--timings` is rewritten to
/// `--timings=flakelock-timings.html` before parsing (``PairArgument/preprocess(_:)``), so a
/// file must be given with `=`.
struct TimingsOption: ParsableArguments {
    static let defaultFile = "flakelock-timings.html"

    @Option(
        name: .customLong("timings"),
        help: ArgumentHelp(
            "Record every HTTP request; write a waterfall page to FILE (--timings=FILE; bare --timings: \(defaultFile)) and print the wall time and the critical path of dependent requests on stderr.",
            valueName: "file"))
    var file: String?
}

/// `--no-update-lock-file` (not on `update`).
struct NoUpdateLockFileOption: ParsableArguments {
    @Flag(name: .customLong("no-update-lock-file"), help: "Do not allow any updates to the flake's lock file.")
    var noUpdateLockFile = false
}

/// `--no-write-lock-file` (not on `lock` and `update`).
struct NoWriteLockFileOption: ParsableArguments {
    @Flag(name: .customLong("no-write-lock-file"), help: "Do not write the flake's newly generated lock file.")
    var noWriteLockFile = false
}

/// An option that takes two words (`--override-input A B`). ``FlakeLockCommand/main()``
/// joins the two words with a unit separator before parsing, since ArgumentParser options
/// take one value.
struct PairArgument: ExpressibleByArgument, Sendable {
    var first: String
    var second: String

    static let separator: Character = "\u{1F}"

    init?(argument: String) {
        guard let i = argument.firstIndex(of: Self.separator) else { return nil }
        first = String(argument[..<i])
        second = String(argument[argument.index(after: i)...])
    }

    /// Options that take two words.
    static let twoWordOptions: Set<String> = ["--override-input", "--override-flake", "--option"]

    /// Joins the two words that follow each two-word option, turns every setting flag
    /// into `--option NAME VALUE` (``SettingFlags``) and gives a bare `--timings` its file.
    static func preprocess(_ args: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--" {
                out += args[i...]
                break
            }
            if let setting = SettingFlags.setting(in: args, at: i) {
                out += ["--option", setting.name + String(separator) + setting.value]
                i += setting.words
                continue
            }
            if a == "--timings" {
                out.append("--timings=" + TimingsOption.defaultFile)
                i += 1
                continue
            }
            if twoWordOptions.contains(a), i + 2 < args.count {
                out.append(a)
                out.append(args[i + 1] + String(separator) + args[i + 2])
                i += 3
                continue
            }
            out.append(a)
            i += 1
        }
        return out
    }
}
