import Fetchers

/// Nix turns every setting into flags (`src/libutil/config.cc`, `convertToArg`):
/// `--NAME VALUE` (also `--extra-NAME VALUE`), and `--NAME` / `--no-NAME` for Booleans.
/// flakelock rewrites them to `--option NAME VALUE` before parsing, so that they reach the
/// settings like `--option` does.
enum SettingFlags {
    /// Settings flakelock declares as flags of its own (listed in `--help`).
    static let declared: Set<String> = ["show-trace", "accept-flake-config", "use-registries", "allow-dirty-locks"]

    /// The `(name, value)` setting of the flag at `args[i]` and how many words it takes, or
    /// nil when the word is no setting flag.
    static func setting(in args: [String], at i: Int) -> (name: String, value: String, words: Int)? {
        let a = args[i]
        guard a.hasPrefix("--"), !a.contains("=") else { return nil }
        let name = String(a.dropFirst(2))
        let base = name.hasPrefix("extra-") ? String(name.dropFirst("extra-".count)) : name
        let negated = name.hasPrefix("no-") ? String(name.dropFirst(3)) : nil
        if NixSettingNames.boolean.contains(name), !declared.contains(name) { return (name, "true", 1) }
        if let negated, NixSettingNames.boolean.contains(negated), !declared.contains(negated) {
            return (negated, "false", 1)
        }
        if NixSettingNames.valued.contains(base), !declared.contains(base), i + 1 < args.count {
            return (name, args[i + 1], 2)
        }
        return nil
    }
}
