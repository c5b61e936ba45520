import FlakeLockBasics

/// Turns Nix source into tokens the way Nix's flex lexer does: longest match, ties to the
/// earlier rule, and a stack of start states for strings, indented strings and paths.
///
/// Tokens are made on demand (``TokenStream``), so that the parser stops lexing where it
/// stops parsing; the tokens end with `.endOfFile` or with an `.error` token that the
/// parser raises when it gets there (so a syntax error earlier in the file wins, as in
/// Nix). A NUL byte outside strings and comments ends the input, as it does for Nix's
/// lexer. Every pattern runs in time linear in the input over the whole lexing.
struct Lexer {
    enum State { case initial, normal, string, indented, inPath, inPathSlash }

    let p: LexerPatterns
    let file: String
    let allowPipeOperators: Bool
    var index = 0
    var location = SourceLocation(line: 1, column: 1, offset: 0)
    var state = State.initial
    var stack: [State] = []
    var tokens: [Token] = []

    init(bytes: [UInt8], file: String, allowPipeOperators: Bool) {
        self.p = LexerPatterns(bytes: bytes)
        self.file = file
        self.allowPipeOperators = allowPipeOperators
    }

    var count: Int { p.bytes.count }

    /// Lexes what the current state matches next (zero or more tokens); true once the last
    /// token (`.endOfFile` or `.error`) is made.
    mutating func step() -> Bool {
        switch state {
        case .initial, .normal: lexNormal()
        case .string: lexString()
        case .indented: lexIndented()
        case .inPath, .inPathSlash: lexInPath()
        }
    }

    // MARK: Positions

    /// Moves to byte `target`, keeping line and column (in Unicode scalars) up to date.
    mutating func advance(to target: Int) {
        while index < target {
            let c = p.bytes[index]
            index += 1
            if c == UInt8(ascii: "\n") {
                location.line += 1
                location.column = 1
            } else if c & 0xC0 != 0x80 {
                location.column += 1
            }
        }
        location.offset = index
    }

    mutating func emit(_ kind: TokenKind, length: Int) {
        let start = location
        advance(to: index + length)
        tokens.append(Token(kind: kind, start: start, end: location))
    }

    func text(_ from: Int, _ length: Int) -> String {
        String(decoding: p.bytes[from..<(from + length)], as: UTF8.self)
    }

    func span(from start: SourceLocation, to end: SourceLocation) -> SourceSpan {
        SourceSpan(file: file, start: start, end: end)
    }

    /// Emits an error token covering `length` bytes from here and stops.
    mutating func fail(_ message: String, length: Int) -> Bool {
        let start = location
        advance(to: index + length)
        let error = NixParseError(message, at: span(from: start, to: location))
        tokens.append(Token(kind: .error(error), start: start, end: location))
        return true
    }

    mutating func endOfFile() -> Bool {
        tokens.append(Token(kind: .endOfFile, start: location, end: location))
        return true
    }

    mutating func push(_ next: State) {
        stack.append(state)
        state = next
    }

    mutating func pop() {
        state = stack.popLast() ?? .initial
    }

    // MARK: Default state

    /// Skips whitespace and comments; returns false at end of input.
    mutating func skipTrivia() {
        while let c = p[index] {
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r")
                || c == UInt8(ascii: "\n")
            {
                advance(to: index + 1)
            } else if c == UInt8(ascii: "#") {
                var j = index + 1
                while let d = p[j], d != UInt8(ascii: "\n"), d != UInt8(ascii: "\r") { j += 1 }
                advance(to: j)
            } else {
                let comment = p.longComment(index)
                guard comment > 0 else { return }
                advance(to: index + comment)
            }
        }
    }

    mutating func lexNormal() -> Bool {
        skipTrivia()
        guard let c = p[index] else { return endOfFile() }
        let i = index

        // Fixed tokens first: they win ties against the patterns below.
        if let (kind, length) = fixedToken(at: i) {
            let longest = max(
                p.identifier(i), p.path(i), p.uri(i), p.float(i), p.integer(i), p.searchPath(i), p.homePath(i))
            if length >= longest { return emitFixed(kind, length: length) }
        }

        let id = p.identifier(i)
        let int = p.integer(i)
        let float = p.float(i)
        let segment = p.pathSegment(i)
        let segmentDollar = segment > 0 && p.isDollarCurly(i + segment) ? segment + 2 : 0
        let homeDollar =
            c == UInt8(ascii: "~") && p[i + 1] == UInt8(ascii: "/") && p.isDollarCurly(i + 2) ? 4 : 0
        let path = p.path(i)
        let home = p.homePath(i)
        let search = p.searchPath(i)
        let uri = p.uri(i)
        let best = max(id, int, float, segmentDollar, homeDollar, path, home, search, uri)

        if best == 0 {
            if c == 0 { return endOfFile() }
            let kind: TokenKind = TokenKind.isGrammarCharacter(c) ? .punct(c) : .invalid
            emit(kind, length: 1)
            return false
        }
        switch best {
        case id:
            let word = text(i, id)
            emit(TokenKind.keywords[word] ?? .identifier(word), length: id)
        case int:
            let digits = text(i, int)
            guard let value = Int64(digits) else { return fail("invalid integer '\(digits)'", length: int) }
            emit(.integer(value), length: int)
        case float:
            let literal = text(i, float)
            guard let value = Self.parseFloat(literal) else {
                return fail("invalid float '\(literal)'", length: float)
            }
            emit(.float(value), length: float)
        case segmentDollar:
            emit(.path(text(i, segment)), length: segment)
            push(.inPathSlash)
        case homeDollar:
            emit(.homePath("~/"), length: 2)
            push(.inPathSlash)
        case path:
            let literal = text(i, path)
            emit(.path(literal), length: path)
            push(literal.hasSuffix("/") ? .inPathSlash : .inPath)
        case home:
            let literal = text(i, home)
            emit(.homePath(literal), length: home)
            push(literal.hasSuffix("/") ? .inPathSlash : .inPath)
        case search:
            emit(.searchPath(text(i + 1, search - 2)), length: search)
        default:
            emit(.uri(text(i, uri)), length: uri)
        }
        return false
    }

    /// Operators, keywords' punctuation relatives and the openers of strings and sets.
    func fixedToken(at i: Int) -> (TokenKind, Int)? {
        guard let c = p[i] else { return nil }
        let n = p[i + 1]
        func next(_ s: Unicode.Scalar) -> Bool { n == UInt8(ascii: s) }
        switch Unicode.Scalar(c) {
        case ".":
            return next(".") && p[i + 2] == UInt8(ascii: ".") ? (.ellipsis, 3) : nil
        case "=": return next("=") ? (.equal, 2) : nil
        case "!": return next("=") ? (.notEqual, 2) : nil
        case "<":
            if next("=") { return (.lessOrEqual, 2) }
            return next("|") ? (.pipeFrom, 2) : nil
        case ">": return next("=") ? (.greaterOrEqual, 2) : nil
        case "&": return next("&") ? (.and, 2) : nil
        case "|":
            if next("|") { return (.or, 2) }
            return next(">") ? (.pipeInto, 2) : nil
        case "-": return next(">") ? (.implication, 2) : nil
        case "/": return next("/") ? (.update, 2) : nil
        case "+": return next("+") ? (.concat, 2) : nil
        case "$": return next("{") ? (.dollarCurly, 2) : nil
        case "{": return (.punct(c), 1)
        case "}": return (.punct(c), 1)
        case "\"": return (.quote, 1)
        case "'":
            let open = p.indentedOpen(i)
            return open > 0 ? (.indentedOpen, open) : nil
        default: return nil
        }
    }

    mutating func emitFixed(_ kind: TokenKind, length: Int) -> Bool {
        switch kind {
        case .pipeFrom where !allowPipeOperators, .pipeInto where !allowPipeOperators:
            return fail(
                "experimental Nix feature 'pipe-operators' is disabled; add "
                    + "'--extra-experimental-features pipe-operators' to enable it", length: length)
        case .dollarCurly:
            emit(kind, length: length)
            push(.normal)
        case .punct(UInt8(ascii: "{")):
            emit(kind, length: length)
            push(.normal)
        case .punct(UInt8(ascii: "}")):
            emit(kind, length: length)
            if state != .initial { pop() }
        case .quote:
            emit(kind, length: length)
            push(.string)
        case .indentedOpen:
            emit(kind, length: length)
            push(.indented)
        default:
            emit(kind, length: length)
        }
        return false
    }

    /// Parses a float literal like C's `strtod`, failing where Nix reports `ERANGE`.
    static func parseFloat(_ literal: String) -> Double? {
        var text = literal
        if text.hasPrefix(".") { text = "0" + text }
        if let dot = text.firstIndex(of: "."),
            text.index(after: dot) == text.endIndex
                || !(text[text.index(after: dot)].isNumber)
        {
            text.insert("0", at: text.index(after: dot))
        }
        guard let value = Double(text), value.isFinite else { return nil }
        let mantissa = literal.prefix { $0 != "e" && $0 != "E" }
        let hasNonZeroDigit = mantissa.contains { $0 >= "1" && $0 <= "9" }
        if hasNonZeroDigit && (value == 0 || value.isSubnormal) { return nil }
        return value
    }
}

/// The tokens of one input, lexed as the parser asks for them.
final class TokenStream {
    private var lexer: Lexer
    private var finished = false

    init(_ lexer: Lexer) { self.lexer = lexer }

    /// Token `i`, or the last token (`.endOfFile` or `.error`) when `i` is past it.
    subscript(i: Int) -> Token {
        while lexer.tokens.count <= i && !finished { finished = lexer.step() }
        return lexer.tokens[min(i, lexer.tokens.count - 1)]
    }

    /// How many tokens have been lexed so far.
    var produced: Int { lexer.tokens.count }

    /// Whether token `i` is the last one.
    func isLast(_ i: Int) -> Bool {
        _ = self[i + 1]
        return finished && i >= lexer.tokens.count - 1
    }
}
