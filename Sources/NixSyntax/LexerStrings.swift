import FlakeLockBasics

// MARK: Strings and paths

extension Lexer {
    mutating func lexString() -> Bool {
        let i = index
        guard let c = p[i] else { return endOfFile() }
        if p.isDollarCurly(i) {
            emit(.dollarCurly, length: 2)
            push(.normal)
            return false
        }
        if c == UInt8(ascii: "\"") {
            emit(.quote, length: 1)
            pop()
            return false
        }
        var j = i
        scan: while let d = p[j] {
            switch d {
            case UInt8(ascii: "\""):
                break scan
            case UInt8(ascii: "\\"):
                guard j + 1 < count else { break scan }
                j += 2
            case UInt8(ascii: "$"):
                guard let n = p[j + 1], n != UInt8(ascii: "{") else { break scan }
                if n == UInt8(ascii: "\"") {
                    j += 1
                    break scan
                }
                if n == UInt8(ascii: "\\") {
                    guard j + 2 < count else { break scan }
                    j += 3
                } else {
                    j += 2
                }
            default:
                j += 1
            }
        }
        // `\`, `$` or `$\` just before the end of input: Nix returns end-of-file here.
        guard j > i else { return endOfFile() }
        let raw = p.bytes[i..<j]
        if raw.contains(0) { return nullByteError(raw, length: j - i) }
        emit(.stringPiece(Self.unescape(raw)), length: j - i)
        return false
    }

    mutating func nullByteError(_ raw: ArraySlice<UInt8>, length: Int) -> Bool {
        let shown = String(decoding: raw.filter { $0 != 0 }, as: UTF8.self)
        return fail(
            "input string '\(shown)' cannot be represented as Nix string because it contains null bytes",
            length: length)
    }

    /// Nix's `unescapeStr`: `\n`, `\r`, `\t`, `\x` → x; bare CR and CR LF become LF.
    static func unescape(_ raw: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = raw.startIndex
        while i < raw.endIndex {
            let c = raw[i]
            i += 1
            if c == UInt8(ascii: "\\"), i < raw.endIndex {
                let e = raw[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "r"): out.append(UInt8(ascii: "\r"))
                case UInt8(ascii: "t"): out.append(UInt8(ascii: "\t"))
                default: out.append(e)
                }
            } else if c == UInt8(ascii: "\r") {
                out.append(UInt8(ascii: "\n"))
                if i < raw.endIndex && raw[i] == UInt8(ascii: "\n") { i += 1 }
            } else {
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func lexIndented() -> Bool {
        let i = index
        guard let c = p[i] else { return endOfFile() }
        if c == UInt8(ascii: "'") && p[i + 1] == UInt8(ascii: "'") {
            switch p[i + 2] {
            case UInt8(ascii: "\\") where i + 3 < count:
                // `''\` escapes one character; keep a whole UTF-8 sequence together.
                var end = i + 4
                while let d = p[end], d & 0xC0 == 0x80 { end += 1 }
                emit(.indentedPiece(Self.unescape(p.bytes[(i + 2)..<end]), hasIndentation: false), length: end - i)
            case UInt8(ascii: "'"):
                emit(.indentedPiece("''", hasIndentation: false), length: 3)
            case UInt8(ascii: "$"):
                emit(.indentedPiece("$", hasIndentation: false), length: 3)
            default:
                emit(.indentedClose, length: 2)
                pop()
            }
            return false
        }
        if p.isDollarCurly(i) {
            emit(.dollarCurly, length: 2)
            push(.normal)
            return false
        }
        var j = i
        scan: while let d = p[j] {
            if d == UInt8(ascii: "$") {
                guard let n = p[j + 1], n != UInt8(ascii: "{"), n != UInt8(ascii: "'") else { break scan }
                j += 2
            } else if d == UInt8(ascii: "'") {
                guard let n = p[j + 1], n != UInt8(ascii: "'"), n != UInt8(ascii: "$") else { break scan }
                j += 2
            } else {
                j += 1
            }
        }
        if j > i {
            let raw = p.bytes[i..<j]
            if raw.contains(0) { return nullByteError(raw, length: j - i) }
            emit(.indentedPiece(String(decoding: raw, as: UTF8.self), hasIndentation: true), length: j - i)
        } else {
            // A lone `$` or `'` (before `'`, `$` or the end of input).
            emit(.indentedPiece(c == UInt8(ascii: "$") ? "$" : "'", hasIndentation: false), length: 1)
        }
        return false
    }

    mutating func lexInPath() -> Bool {
        let i = index
        if p.isDollarCurly(i) {
            emit(.dollarCurly, length: 2)
            state = .inPath
            push(.normal)
            return false
        }
        let length = max(p.path(i), p.pathSegment(i), p.pathChars(i))
        if length > 0 {
            let piece = text(i, length)
            emit(.stringPiece(piece), length: length)
            state = piece.hasSuffix("/") ? .inPathSlash : .inPath
            return false
        }
        if state == .inPath {
            tokens.append(Token(kind: .pathEnd, start: location, end: location))
            pop()
            return false
        }
        // Nix reports a trailing slash at the next character, or at end of input at the
        // start of the token that ended with the slash.
        if i < count { return fail("path has a trailing slash", length: 1) }
        let previous = tokens.last ?? Token(kind: .endOfFile, start: location, end: location)
        let error = NixParseError("path has a trailing slash", at: span(from: previous.start, to: previous.end))
        tokens.append(Token(kind: .error(error), start: previous.start, end: previous.end))
        return true
    }
}
