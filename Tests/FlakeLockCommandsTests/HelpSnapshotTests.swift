import FlakeLockTestSupport
import Foundation
import Testing

@testable import FlakeLockCommands

/// Every command's `--help`, through the built binary, against a snapshot in `Snapshots/`
/// (`FLAKELOCK_RECORD=1` rewrites them), and every flag a help text lists must parse.
struct HelpSnapshotTests {
    static let commands: [[String]] = [
        [], ["lock"], ["update"], ["metadata"], ["prefetch"], ["hash"], ["hash", "path"], ["audit"], ["diff"], ["why"],
    ]

    static func snapshotPath(_ command: [String], file: String = #filePath) -> String {
        let dir = (file as NSString).deletingLastPathComponent + "/Snapshots"
        return dir + "/help-" + (command.isEmpty ? "flakelock" : command.joined(separator: "-")) + ".txt"
    }

    @Test(arguments: commands)
    func helpMatchesSnapshot(command: [String]) throws {
        let box = try CLISandbox()
        let r = try box.run(command + ["--help"])
        #expect(r.status == 0)
        let path = Self.snapshotPath(command)
        if ProcessInfo.processInfo.environment["FLAKELOCK_RECORD"] == "1" {
            try r.stdout.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(
            r.stdout == expected,
            "help of '\(command.joined(separator: " "))' changed; rerun with FLAKELOCK_RECORD=1 to accept")
    }

    /// Values that parse for the options that check theirs.
    static let values: [String: String] = [
        "--compat": "nix", "--format": "text", "--log-format": "raw", "--max-age": "1",
        "--max-concurrent-downloads": "1",
        "--fail-on": "none", "--now": "1", "--report": "json", "--max-concurrent-flakes": "1",
    ]

    /// Flags that are usage errors without another one.
    static let companions: [String: [String]] = [
        "--exclude": ["--recursive"], "--report": ["--recursive"], "--report-file": ["--recursive"],
        "--max-concurrent-flakes": ["--recursive"],
    ]

    /// Each `--flag` the help of a command lists is accepted by that command.
    @Test(arguments: commands.filter { !$0.isEmpty && $0 != ["hash"] })
    func everyListedFlagParses(command: [String]) throws {
        let text = try String(contentsOfFile: Self.snapshotPath(command), encoding: .utf8)
        let positional: [String] =
            switch command {
            case ["prefetch"], ["why"], ["hash", "path"]: ["x"]
            case ["diff"]: ["a", "b"]
            default: []
            }
        let regex = try NSRegularExpression(
            pattern: #"(?m)^  (?:-[A-Za-z], )?(--[a-z0-9-]+)(?:/(--[a-z0-9-]+))?( <[^>]+>)?( <[^>]+>)?"#)
        var checked = 0
        for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let group = { (i: Int) in Range(m.range(at: i), in: text).map { String(text[$0]) } }
            guard let flag = group(1), flag != "--help", flag != "--version" else { continue }
            var args = [flag]
            if group(3) != nil {
                args.append(flag == "--format" && command == ["hash", "path"] ? "sri" : Self.values[flag] ?? "x")
            }
            if group(4) != nil { args.append("y") }
            args += Self.companions[flag] ?? []
            for variant in [args] + (group(2).map { [[$0]] } ?? []) {
                let argv = PairArgument.preprocess(command + positional + variant)
                #expect(throws: Never.self, "\(argv)") { _ = try FlakeLockCommand.parseAsRoot(argv) }
                checked += 1
            }
        }
        #expect(checked >= 3)
    }

    @Test func removedFlagsAreRefusedAsNixRefusesThem() throws {
        let box = try CLISandbox()
        for (command, flag) in [
            ("lock", "--no-write-lock-file"), ("update", "--no-write-lock-file"), ("update", "--no-update-lock-file"),
        ] {
            let r = try box.run([command, flag])
            #expect(r.status == 1)
            #expect(r.stderr == "error: unrecognised flag '\(flag)'\nTry 'flakelock --help' for more information.\n")
        }
    }

    /// Current Nix keeps `--recreate-lock-file` and `--update-input` on `flake update`, with
    /// deprecation warnings (`src/libcmd/installables.cc`); Nix 2.8 refuses them.
    @Test func updateTakesTheDeprecatedFlagsWithAWarning() throws {
        let box = try CLISandbox()
        let flake = try box.flake(nix: CLISandbox.emptyFlake)
        let r = try box.run(["update", "--recreate-lock-file"], in: flake)
        #expect(r.status == 0)
        #expect(
            r.stderr.hasPrefix(
                "warning: '--recreate-lock-file' is deprecated and will be removed in a future version; use 'flakelock update' instead.\n"
            ))
        let old = try box.run(["update", "--recreate-lock-file", "--compat", "nix-2.8"], in: flake)
        #expect(old.status == 1)
        #expect(old.stderr.hasPrefix("error: unrecognised flag '--recreate-lock-file'\n"))
    }
}
