import FlakeLockBasics
import FlakeModel
import Foundation

/// Writes user-facing diagnostics to stderr in Nix's form (`error: …`, `warning: …`).
enum Diagnostics {
    /// Set once from the command's `--compat` before any work starts.
    nonisolated(unsafe) static var style: CompatProfile.ErrorStyle = .current

    static func printError(_ error: any Error) {
        writeStderr(format(error, style: style))
    }

    /// Nix's rendering of an error: 2.8 prints the message and a hint; current Nix prints the
    /// context lines, outermost first, then the message.
    static func format(_ error: any Error, style: CompatProfile.ErrorStyle) -> String {
        if let usage = error as? UsageError {
            return "error: \(usage.message)\nTry 'flakelock --help' for more information.\n"
        }
        let contexts = (error as? ErrorWithContext)?.contexts ?? []
        let message = (error as? ErrorWithContext)?.message ?? String(describing: error)
        switch style {
        case .nix28:
            return "error: \(indentContinuation(message, by: 7))\n(use '--show-trace' to show detailed location information)\n"
        case .current:
            guard !contexts.isEmpty else { return "error: \(indentContinuation(message, by: 7))\n" }
            var text = "error:\n"
            for c in contexts.reversed() { text += "       … \(c)\n\n" }
            text += "       error: \(indentContinuation(message, by: 14))\n"
            return text
        }
    }

    /// Indents every line after the first, as Nix does for multi-line messages.
    static func indentContinuation(_ s: String, by n: Int) -> String {
        let pad = String(repeating: " ", count: n)
        return s.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { $0.offset == 0 || $0.element.isEmpty ? String($0.element) : pad + $0.element }.joined(separator: "\n")
    }

    static func warning(_ message: String) {
        writeStderr("warning: \(message)\n")
    }

    static func writeStderr(_ s: String) {
        FileHandle.standardError.write(Data(s.utf8))
    }

    static func writeStdout(_ s: String) {
        FileHandle.standardOutput.write(Data(s.utf8))
    }
}

/// A command-line usage error, printed as Nix prints them (`error: …` + `Try '… --help'`),
/// exit status 1.
struct UsageError: UserFacingError {
    var message: String
    var description: String { message }
}
