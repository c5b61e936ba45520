import Foundation

/// Text on its way to the terminal: control characters that came from the input (a URL, a
/// node name, a ref) are escaped, so that a lock file cannot move the cursor, retitle the
/// window or hide text; the colour codes flakelock writes itself (those of Nix's lock file
/// diff) are kept on a colour terminal and removed elsewhere.
enum TerminalText {
    /// The SGR sequences flakelock emits (bold, normal, green, red).
    static let colourCodes = ["\u{1B}[1m", "\u{1B}[0m", "\u{1B}[32;1m", "\u{1B}[31;1m"]

    /// `text` with every control character other than newline and tab written as `\xNN`,
    /// except the colour codes, which are kept if `colour` and dropped otherwise.
    static func escape(_ text: String, colour: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        var rest = Substring(text)
        while let first = rest.unicodeScalars.first {
            if first == "\u{1B}", let code = colourCodes.first(where: { rest.hasPrefix($0) }) {
                if colour { out += code }
                rest = rest.dropFirst(code.count)
                continue
            }
            if isControl(first) {
                out += String(format: "\\x%02x", first.value)
            } else {
                out.unicodeScalars.append(first)
            }
            rest = Substring(rest.unicodeScalars.dropFirst())
        }
        return out
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        (s.value < 0x20 && s != "\n" && s != "\t") || (0x7F...0x9F).contains(s.value)
    }

    /// Whether colours go to file descriptor `fd`, as Nix decides (`src/libutil/terminal.cc`):
    /// a terminal, `TERM` set and not `dumb`, neither `NO_COLOR` nor `NOCOLOR` set.
    static func colourAllowed(fd: Int32, environment: [String: String]) -> Bool {
        isatty(fd) == 1 && (environment["TERM"].map { $0 != "dumb" } ?? false)
            && environment["NO_COLOR"] == nil && environment["NOCOLOR"] == nil
    }

    /// Decided once per process for stderr and stdout.
    static let stderrColour = colourAllowed(fd: 2, environment: ProcessInfo.processInfo.environment)
    static let stdoutColour = colourAllowed(fd: 1, environment: ProcessInfo.processInfo.environment)
}
