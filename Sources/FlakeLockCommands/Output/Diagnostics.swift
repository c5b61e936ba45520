import FlakeLockBasics
import FlakeModel
import Foundation
import NixSyntax

/// Writes user-facing diagnostics to stderr in Nix's form (`error: …`, `warning: …`).
enum Diagnostics {
    /// Prints `error` in `style`, the error style of the command's `--compat` (current Nix's
    /// before the command line is parsed); `showTrace` (`--show-trace`) adds the context
    /// lines Nix 2.8 only shows with it.
    static func printError(_ error: any Error, style: CompatProfile.ErrorStyle, showTrace: Bool = false) {
        writeStderr(format(error, style: style, showTrace: showTrace))
    }

    /// Nix's rendering of an error: 2.8 prints the message and, if it has context lines, a
    /// hint (the context lines with `--show-trace`); current Nix prints the context lines,
    /// outermost first, then the message. An error with a source position ends with the
    /// position and the source lines.
    static func format(_ error: any Error, style: CompatProfile.ErrorStyle, showTrace: Bool = false) -> String {
        if let usage = error as? UsageError {
            return "error: \(usage.message)\nTry 'flakelock --help' for more information.\n"
        }
        let contexts = (error as? ErrorWithContext)?.contexts ?? []
        let underlying = (error as? ErrorWithContext)?.underlying ?? error
        var message = (error as? ErrorWithContext)?.message ?? String(describing: error)
        var position = ""
        if let syntax = syntaxError(underlying) {
            message = syntax.message
            position = indentContinuation("\n" + SourceExcerpt.block(syntax.span).dropLast(), by: 7)
        }
        switch style {
        case .nix28:
            var text = "error: \(indentContinuation(message, by: 7))\n"
            if !position.isEmpty {
                // 2.8 sets the source lines off from the `at` line by a blank line.
                let block = position.dropFirst()
                let atLine = block.prefix { $0 != "\n" }
                text += "\n" + atLine + "\n" + block.dropFirst(atLine.count) + "\n"
            }
            // The hint comes only with a trace to hide (src/libmain/shared.cc, handleExceptions).
            guard showTrace else {
                return contexts.isEmpty ? text : text + "(use '--show-trace' to show detailed location information)\n"
            }
            for c in contexts { text += "       … \(c)\n" }
            return text
        case .current:
            guard !contexts.isEmpty else { return "error: \(indentContinuation(message, by: 7))" + position + "\n" }
            var text = "error:\n"
            for c in contexts.reversed() { text += "       … \(c)\n\n" }
            text += "       error: \(indentContinuation(message, by: 14))" + position + "\n"
            return text
        }
    }

    /// The syntax error inside `error`, if it is one.
    static func syntaxError(_ error: any Error) -> NixParseError? {
        if let parse = error as? NixParseError { return parse }
        if case .syntax(let parse)? = error as? FlakeFileError { return parse }
        return nil
    }

    /// Indents every line after the first, as Nix does for multi-line messages.
    static func indentContinuation(_ s: String, by n: Int) -> String {
        let pad = String(repeating: " ", count: n)
        return s.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { $0.offset == 0 || $0.element.isEmpty ? String($0.element) : pad + $0.element }.joined(
                separator: "\n")
    }

    static func warning(_ message: String) {
        writeStderr("warning: \(message)\n")
    }

    /// Writes text to stderr, control characters from the input escaped (``TerminalText``).
    @Sendable static func writeStderr(_ s: String) {
        FileHandle.standardError.write(Data(TerminalText.escape(s, colour: TerminalText.stderrColour).utf8))
    }

    /// Writes text to stdout, control characters from the input escaped.
    static func writeStdout(_ s: String) {
        FileHandle.standardOutput.write(Data(TerminalText.escape(s, colour: TerminalText.stdoutColour).utf8))
    }

    /// Writes a JSON document (its strings escape control characters themselves).
    static func writeJSON(_ value: JSONValue, pretty: Bool) {
        FileHandle.standardOutput.write(Data(((pretty ? value.prettyText : value.compactText) + "\n").utf8))
    }
}

/// A command-line usage error, printed as Nix prints them (`error: …` + `Try '… --help'`),
/// exit status 1.
struct UsageError: UserFacingError {
    var message: String
    var description: String { message }
}
