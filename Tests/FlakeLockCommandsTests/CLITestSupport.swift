import FlakeLockTestSupport
import Foundation

/// An isolated environment for running the built binary: its own HOME, caches, config
/// and nix.conf directory, no global registry download, no colours.
struct CLISandbox {
    let dir: TestDirectory
    var path: String { dir.path }

    init(nixConf: String = "") throws {
        dir = TestDirectory.make(prefix: "flakelock-cli")
        try dir.mkdir("home")
        try dir.mkdir("etc")
        try dir.write("etc/nix.conf", "flake-registry = \n" + nixConf)
    }

    /// The environment: PATH kept, everything Nix reads pointed into the sandbox.
    var environment: [String: String] {
        [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": path + "/home", "XDG_CACHE_HOME": path + "/home/.cache", "XDG_CONFIG_HOME": path + "/home/.config",
            "XDG_CONFIG_DIRS": path + "/nonexistent", "NIX_CONF_DIR": path + "/etc", "TZ": "UTC",
        ]
    }

    /// Writes a flake with the given `flake.nix` into `name` and returns its path.
    func flake(_ name: String = "flake", nix: String) throws -> String {
        try dir.mkdir(name)
        try dir.write(name + "/flake.nix", nix)
        return path + "/" + name
    }

    /// Runs the built flakelock in `directory` (default: the sandbox).
    func run(_ arguments: [String], in directory: String? = nil, extraEnvironment: [String: String] = [:]) throws
        -> ProcessRunner.Output
    {
        try BuiltBinary.runFlakelock(
            arguments, environment: environment.merging(extraEnvironment) { $1 }, currentDirectory: directory ?? path)
    }

    /// A flake with no inputs.
    static let emptyFlake = "{\n  outputs = { self }: { };\n}\n"
}
