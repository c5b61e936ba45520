import FlakeLockTestSupport
import Foundation
import Testing

/// Shell completion of input names from flake.lock, through the bash script the built
/// binary generates, run by a real bash as bash's programmable completion calls it.
struct CompletionTests {
    typealias L = CommandLocks

    /// COMPREPLY for the command line `words` (the last one being completed).
    func complete(_ words: [String], in dir: String, script: String) throws -> [String] {
        let quoted = words.map { "'\($0)'" }.joined(separator: " ")
        let line = words.joined(separator: " ")
        let bash = """
            source '\(script)'
            COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}
            _flakelock flakelock '\(words[words.count - 1])' '\(words[words.count - 2])'
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let path =
            BuiltBinary.productsDirectory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let r = try ProcessRunner.run(
            "/bin/bash", ["-c", bash], environment: ["PATH": path, "HOME": dir], currentDirectory: dir)
        return r.stdout.split(separator: "\n").map(String.init).sorted()
    }

    @Test func inputNamesComeFromFlakeLock() throws {
        let box = try CLISandbox()
        let flake = try box.flake(nix: L.flakeNix)
        try box.dir.write("flake/flake.lock", L.duplicated())
        let script = box.path + "/completion.bash"
        let generated = try box.run(["--generate-completion-script", "bash"])
        #expect(generated.status == 0)
        try generated.stdout.write(toFile: script, atomically: true, encoding: .utf8)

        let all = ["nixpkgs", "tool", "tool/nixpkgs"]
        #expect(try complete(["flakelock", "update", ""], in: flake, script: script) == all)
        #expect(try complete(["flakelock", "update", "to"], in: flake, script: script) == ["tool", "tool/nixpkgs"])
        #expect(try complete(["flakelock", "why", ""], in: flake, script: script) == all)
        #expect(try complete(["flakelock", "lock", "--update-input", ""], in: flake, script: script) == all)
        #expect(try complete(["flakelock", "lock", "--override-input", "n"], in: flake, script: script) == ["nixpkgs"])
        #expect(try complete(["flakelock", "update", "--flake", flake, ""], in: box.path, script: script) == all)
        #expect(try complete(["flakelock", "update", ""], in: box.path, script: script).isEmpty)
    }
}

/// The man pages in `man/` (made by `Scripts/make-man.sh`) cover what the help lists.
struct ManualTests {
    @Test(arguments: HelpSnapshotTests.commands.filter { !$0.isEmpty })
    func manualListsEveryFlagOfTheHelp(command: [String]) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let page = root.path + "/man/flakelock." + command.joined(separator: ".") + ".1"
        let manual = try String(contentsOfFile: page, encoding: .utf8)
        let help = try String(contentsOfFile: HelpSnapshotTests.snapshotPath(command), encoding: .utf8)
        let flags = help.matches(of: /(?m)^  (?:-[A-Za-z], )?--([a-z0-9-]+)/).map { String($0.1) }
        #expect(!flags.isEmpty || command == ["hash"])
        for flag in flags where flag != "help" && flag != "version" {
            #expect(manual.contains("Fl -\(flag)"), "\(page) lacks --\(flag); run Scripts/make-man.sh")
        }
    }
}
