package import FlakeLockCore
package import FlakeModel
import Foundation

/// Which Nix version's behaviour to reproduce (the command line's `--compat`).
public enum NixCompatibility: String, Sendable, CaseIterable {
    /// Current Nix (the default).
    case nix
    /// Nix 2.31.
    case nix231 = "nix-2.31"
    /// Nix 2.8.
    case nix28 = "nix-2.8"
    /// Lix.
    case lix
    /// Determinate Nix.
    case determinate

    package var profile: CompatProfile {
        switch self {
        case .nix: .nix
        case .nix231: .nix231
        case .nix28: .nix28
        case .lix: .lix
        case .determinate: .determinate
        }
    }
}

/// How a ``FlakeLocker`` is set up: what the command line reads from its environment and
/// global options.
public struct FlakeLockConfiguration: Sendable {
    /// The Nix version to behave like.
    public var compatibility: NixCompatibility
    /// The environment to read `NIX_CONFIG`, `NIX_CONF_DIR`, `XDG_*`, `HOME`, proxies and
    /// certificates from (default: the process's).
    public var environment: [String: String]
    /// Relative flake paths are resolved against this directory (default: the current one).
    public var currentDirectory: String
    /// Nix settings, like `--option NAME VALUE` (applied after nix.conf and `NIX_CONFIG`).
    public var nixOptions: [(name: String, value: String)]
    /// Use only cached results; fail where the network would be needed.
    public var offline: Bool
    /// The fetch cache (default: `$XDG_CACHE_HOME/flakelock`).
    public var cacheDirectory: String?
    /// Fetch at most this many inputs at once (default: the `http-connections` setting).
    public var maxConcurrentDownloads: Int?
    /// Registry overrides, like `--override-flake FROM TO`.
    public var overrideFlakes: [(from: String, to: String)]
    /// Flakes whose inputs become registry entries, like `--inputs-from`.
    public var inputsFrom: [String]
    /// Receives Nix's warnings (`updating lock file …`, dirty trees, …). Default: written to
    /// stderr as `warning: …`, like the command line.
    public var onWarning: @Sendable (String) -> Void

    public init(
        compatibility: NixCompatibility = .nix,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        nixOptions: [(name: String, value: String)] = [], offline: Bool = false, cacheDirectory: String? = nil,
        maxConcurrentDownloads: Int? = nil, overrideFlakes: [(from: String, to: String)] = [],
        inputsFrom: [String] = [],
        onWarning: @escaping @Sendable (String) -> Void = {
            FileHandle.standardError.write(Data("warning: \($0)\n".utf8))
        }
    ) {
        self.compatibility = compatibility
        self.environment = environment
        self.currentDirectory = currentDirectory
        self.nixOptions = nixOptions
        self.offline = offline
        self.cacheDirectory = cacheDirectory
        self.maxConcurrentDownloads = maxConcurrentDownloads
        self.overrideFlakes = overrideFlakes
        self.inputsFrom = inputsFrom
        self.onWarning = onWarning
    }
}

/// Options of one lock or update, as the command line's flags of the same names.
public struct FlakeLockOptions: Sendable {
    /// Re-resolve every input (`--recreate-lock-file`).
    public var recreateLockFile = false
    /// Allow changes to flake.lock; false fails when changes are needed (`--no-update-lock-file`).
    public var updateLockFile = true
    /// Write flake.lock when it changes; false computes only (`--no-write-lock-file`).
    public var writeLockFile = true
    /// Commit flake.lock in its Git repository, with Nix's message (`--commit-lock-file`).
    public var commitLockFile = false
    /// Look up indirect references (`nixpkgs`) in the registries (false: `--no-registries`).
    public var useRegistries = true
    /// Write lock files with unlocked inputs (`--allow-dirty-locks`).
    public var allowDirtyLocks = false
    /// Input paths to update (`a`, `a/b`), like `update INPUT…`.
    public var updateInputs: [String] = []
    /// Input overrides (`--override-input PATH REF`); with any, flake.lock is not written.
    public var overrideInputs: [(inputPath: String, flakeRef: String)] = []
    /// Read this lock file instead of flake.lock (`--reference-lock-file`).
    public var referenceLockFile: String?
    /// Write the lock file here instead (`--output-lock-file`).
    public var outputLockFile: String?

    /// The defaults of the command line.
    public init() {}

    /// Nix's lock flags for these options (the command line maps its flags through this too);
    /// flake references resolve against the wiring's current directory. `checkPath` vets
    /// each input path with the flag it came from.
    package func lockFlags(
        _ wiring: FlakeLockWiring, checkPath: (InputPath, String) throws -> Void
    ) throws -> LockFlags {
        var f = LockFlags()
        f.recreateLockFile = recreateLockFile
        f.updateLockFile = updateLockFile
        f.writeLockFile = writeLockFile
        f.useRegistries = useRegistries && wiring.settings.useRegistries
        f.commitLockFile = commitLockFile
        f.acceptFlakeConfig = wiring.settings.acceptFlakeConfig
        f.allowDirtyLocks = allowDirtyLocks || (wiring.settings.bool("allow-dirty-locks") ?? false)
        f.lazyLocks =
            wiring.profile.lazyLocks && wiring.settings.bool("lazy-trees") == true
            && wiring.settings.bool("lazy-locks") == true
        f.referenceLockFilePath = referenceLockFile
        f.outputLockFilePath = outputLockFile
        f.topDirectory = wiring.currentDirectory
        for text in updateInputs {
            let path = try InputPath(parsing: text)
            try checkPath(path, "--update-input")
            f.inputUpdates.insert(path)
        }
        for (text, refText) in overrideInputs {
            let path = try InputPath(parsing: text)
            try checkPath(path, "--override-input")
            let ref = try wiring.parseUserFlakeRef(refText)
            f.inputOverrides.append((path, ref))
        }
        if !overrideInputs.isEmpty { f.writeLockFile = false }
        return f
    }
}

extension LockFlags {
    /// `lock`: written even with input overrides, nixConfig applied, and unlocked inputs are
    /// an error where current Nix makes them one.
    package mutating func setLockCommand(profile: CompatProfile) {
        writeLockFile = true
        applyWholeNixConfig = true
        if profile.deprecatesUpdateInputFlag { failOnUnlocked = true }
    }

    /// `update [INPUT…]`: the given input paths, or every input when there are none; with
    /// `dryRun` nothing is written.
    package mutating func setUpdateCommand(_ paths: [InputPath], dryRun: Bool) {
        writeLockFile = true
        applyWholeNixConfig = true
        inputUpdates.formUnion(paths)
        recreateLockFile = inputUpdates.isEmpty
        if dryRun {
            writeLockFile = false
            self.dryRun = true
        }
    }
}
