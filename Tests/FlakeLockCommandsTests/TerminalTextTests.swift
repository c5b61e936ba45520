import FlakeLockTestSupport
import Foundation
import Testing

@testable import FlakeLockCommands

/// Control characters from the input never reach the terminal raw.
struct TerminalTextTests {
    @Test func escapesControlsKeepsOwnColoursOnlyWhenAsked() {
        let text = "a\u{1B}]0;pwned\u{07}b\u{1B}[2Jc\r\u{7F}\u{85}é\n\t\u{1B}[1mbold\u{1B}[0m"
        #expect(TerminalText.escape(text) == "a\\x1b]0;pwned\\x07b\\x1b[2Jc\\x0d\\x7f\\x85é\n\tbold")
        #expect(TerminalText.escape(text, colour: true).hasSuffix("\t\u{1B}[1mbold\u{1B}[0m"))
        #expect(TerminalText.escape("plain") == "plain")
    }

    @Test func nodeNamesWithControlBytesAreEscapedOnStdoutAndStderr() throws {
        let d = TestDirectory.make()
        let evil = #"evil\u001b]0;pwned\u0007"#
        let lock = """
            {"nodes": {
              "\(evil)": \(CommandLocks.github("NixOS", "nixpkgs", rev: CommandLocks.rev1)),
              "root": {"inputs": {"\(evil)": "\(evil)"}}},
             "root": "root", "version": 7}
            """
        try d.write("flake.lock", lock)
        let r = try BuiltBinary.runFlakelock(["why", "nixpkgs", d.path])
        #expect(r.status == 0)
        #expect(r.stdout.contains("root → evil\\x1b]0;pwned\\x07"))
        #expect(!r.stdout.contains("\u{1B}") && !r.stdout.contains("\u{07}"))
        let json = try BuiltBinary.runFlakelock(["why", "nixpkgs", d.path, "--json"])
        #expect(json.stdout.contains(#"evil\u001b]0;pwned\u0007"#))
        let missing = try BuiltBinary.runFlakelock(["why", "no\u{1B}[2Jpe", d.path])
        #expect(missing.stderr.contains("'no\\x1b[2Jpe'"))
        #expect(!missing.stderr.contains("\u{1B}"))
    }
}
