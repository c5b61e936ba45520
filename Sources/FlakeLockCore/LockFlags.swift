import FlakeModel

/// What a lock operation may do (Nix's `LockFlags`, docs/nix-behaviour.md, "Lock flags and
/// commands").
public struct LockFlags: Sendable {
    /// Ignore the old lock file (`nix flake update` without inputs, `--recreate-lock-file`).
    public var recreateLockFile = false
    /// False: any needed change is an error (`--no-update-lock-file`).
    public var updateLockFile = true
    /// False: compute but don't write (`--no-write-lock-file`).
    public var writeLockFile = true
    /// False: indirect references are errors (`--no-registries`).
    public var useRegistries = true
    /// Apply the top-level flake's `nixConfig` (its `flake-registry`).
    public var applyNixConfig = true
    /// Apply the rest of `nixConfig` as `nix flake lock` and `update` do: each setting Nix
    /// does not always trust is ignored with a warning, unless `acceptFlakeConfig`.
    public var applyWholeNixConfig = false
    /// `accept-flake-config`: trust every `nixConfig` setting.
    public var acceptFlakeConfig = false
    /// Allow inputs that are not locked (the CLI's default).
    public var allowUnlocked = true
    /// `nix flake lock` in current Nix: writing a lock with an unlocked input is an error.
    public var failOnUnlocked = false
    /// `--allow-dirty-locks` (current).
    public var allowDirtyLocks = false
    /// Determinate Nix's `lazy-trees` and `lazy-locks` are both on under a profile with
    /// ``CompatProfile/lazyLocks``: flake inputs locked by `rev` get no `narHash`.
    public var lazyLocks = false
    /// Commit the lock file afterwards (`--commit-lock-file`).
    public var commitLockFile = false
    /// `--override-input PATH REF`, in command-line order (a later one for the same path
    /// wins, as Nix's `insert_or_assign` into a map).
    public var inputOverrides: [(InputPath, FlakeRef)] = []
    /// `--update-input PATH` / `nix flake update PATH…`.
    public var inputUpdates: Set<InputPath> = []
    /// `--reference-lock-file`: read the old lock from here.
    public var referenceLockFilePath: String?
    /// `--output-lock-file`: write the new lock here.
    public var outputLockFilePath: String?
    /// Compute the new lock and report it, writing nothing and warning about nothing
    /// (`update --dry-run`).
    public var dryRun = false
    /// The directory CLI-relative paths resolve against (the current directory).
    public var topDirectory: String?

    public init() {}
}

/// Where the locker's user-facing messages go (`warning: updating lock file …`).
public protocol LockReporter: Sendable {
    func warning(_ message: String)
}
