import FlakeLockBasics
import Foundation
import NixSyntax

/// The position block Nix prints under an error that has a source position
/// (`src/libutil/error.cc`, `printPosMaybe` and `printCodeLines`): `at FILE:LINE:COL:`, then
/// the line before, the line itself with a caret under the column, and the line after.
enum SourceExcerpt {
    /// The block for `span`, unindented, each line ending in a newline; only the `at` line
    /// when the file cannot be read.
    static func block(_ span: SourceSpan, readFile: (String) -> String? = Self.readFile) -> String {
        var out = "at \(span):\n"
        guard let text = readFile(span.file) else { return out }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { lines.removeLast() }
        let n = span.start.line
        guard n >= 1, n <= lines.count else { return out }
        func numbered(_ i: Int) -> String {
            " " + String(repeating: " ", count: max(0, 5 - String(i).count)) + "\(i)| " + lines[i - 1]
        }
        if n > 1 { out += numbered(n - 1) + "\n" }
        out += numbered(n) + "\n"
        if span.start.column > 0 { out += "      |" + String(repeating: " ", count: span.start.column) + "^\n" }
        if n < lines.count { out += numbered(n + 1) + "\n" }
        return out
    }

    static func readFile(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }
}
