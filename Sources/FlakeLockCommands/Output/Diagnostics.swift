import FlakeLockBasics
import Foundation

/// Writes user-facing diagnostics to stderr in Nix's form (`error: …`, `warning: …`).
enum Diagnostics {
    static func printError(_ error: any Error) {
        var text = "error: \(error)"
        if let ctx = error as? ErrorWithContext {
            text = "error: \(ctx.message)"
            for c in ctx.contexts.reversed() { text += "\n       … \(c)" }
        }
        writeStderr(text + "\n")
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
