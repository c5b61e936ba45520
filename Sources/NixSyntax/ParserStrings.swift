import FlakeLockBasics

extension Parser {
    // MARK: Strings

    /// `'"' string_parts '"'`: a literal when there is no interpolation.
    mutating func parseString() throws(NixParseError) -> NixExpr {
        let open = advance()
        var parts: [StringPart] = []
        while true {
            let token = peek
            switch token.kind {
            case .stringPiece(let text):
                advance()
                parts.append(.literal(text))
            case .dollarCurly:
                parts.append(.interpolation(try parseInterpolation()))
            case .quote:
                advance()
                if parts.isEmpty { return try node(.string("", isURILiteral: false), open.start, lastEnd) }
                if parts.count == 1, case .literal(let text) = parts[0] {
                    return try node(.string(text, isURILiteral: false), open.start, lastEnd)
                }
                return try node(.interpolatedString(parts), open.start, lastEnd)
            default:
                throw unexpected(token)
            }
        }
    }

    /// `'${' expr '}'` inside a string or path.
    mutating func parseInterpolation() throws(NixParseError) -> NixExpr {
        advance()
        let expr = try parseExpr()
        _ = try expectPunct("}", expecting: "'}'")
        return expr
    }

    /// An indented string `''…''`, with Nix's indentation stripping.
    mutating func parseIndentedString() throws(NixParseError) -> NixExpr {
        let open = advance()
        var pieces: [IndentedPiece] = []
        while true {
            let token = peek
            switch token.kind {
            case .indentedPiece(let text, let hasIndentation):
                advance()
                pieces.append(.text(Array(text.utf8), hasIndentation: hasIndentation))
            case .dollarCurly:
                pieces.append(.interpolation(try parseInterpolation()))
            case .indentedClose:
                advance()
                let parts = Self.stripIndentation(pieces)
                if parts.isEmpty { return try node(.string("", isURILiteral: false), open.start, lastEnd) }
                if parts.count == 1, case .literal(let text) = parts[0] {
                    return try node(.string(text, isURILiteral: false), open.start, lastEnd)
                }
                return try node(.interpolatedString(parts), open.start, lastEnd)
            default:
                throw unexpected(token)
            }
        }
    }

    enum IndentedPiece {
        case text([UInt8], hasIndentation: Bool)
        case interpolation(NixExpr)
    }

    /// Nix's `stripIndentation`: removes the smallest indentation of the non-blank lines
    /// (interpolations and escapes end a line's leading whitespace), then drops a final
    /// line made only of spaces, and drops empty pieces.
    static func stripIndentation(_ pieces: [IndentedPiece]) -> [StringPart] {
        let space = UInt8(ascii: " ")
        let newline = UInt8(ascii: "\n")
        var atStartOfLine = true
        var minIndent = Int.max
        var currentIndent = 0
        for piece in pieces {
            guard case .text(let bytes, hasIndentation: true) = piece else {
                if atStartOfLine {
                    atStartOfLine = false
                    minIndent = min(minIndent, currentIndent)
                }
                continue
            }
            for c in bytes {
                if atStartOfLine {
                    if c == space {
                        currentIndent += 1
                    } else if c == newline {
                        currentIndent = 0
                    } else {
                        atStartOfLine = false
                        minIndent = min(minIndent, currentIndent)
                    }
                } else if c == newline {
                    atStartOfLine = true
                    currentIndent = 0
                }
            }
        }

        var parts: [StringPart] = []
        atStartOfLine = true
        var dropped = 0
        for (index, piece) in pieces.enumerated() {
            switch piece {
            case .interpolation(let expr):
                atStartOfLine = false
                dropped = 0
                parts.append(.interpolation(expr))
            case .text(let bytes, _):
                var out: [UInt8] = []
                out.reserveCapacity(bytes.count)
                for c in bytes {
                    if atStartOfLine {
                        if c == space {
                            if dropped >= minIndent { out.append(c) }
                            dropped += 1
                        } else if c == newline {
                            dropped = 0
                            out.append(c)
                        } else {
                            atStartOfLine = false
                            dropped = 0
                            out.append(c)
                        }
                    } else {
                        out.append(c)
                        if c == newline { atStartOfLine = true }
                    }
                }
                if index == pieces.count - 1, let lastNewline = out.lastIndex(of: newline),
                    out[(lastNewline + 1)...].allSatisfy({ $0 == space })
                {
                    out.removeSubrange((lastNewline + 1)...)
                }
                if !out.isEmpty { parts.append(.literal(String(decoding: out, as: UTF8.self))) }
            }
        }
        return parts
    }

    // MARK: Paths

    /// `path_start PATH_END` or `path_start string_parts_interpolated PATH_END`.
    mutating func parsePath() throws(NixParseError) -> NixExpr {
        let head = advance()
        let literal: String
        switch head.kind {
        case .path(let text):
            literal = text
        case .homePath(let text):
            literal = text
            if options.pureEvaluation {
                throw NixParseError("the path '\(text)' can not be resolved in pure mode", at: spanOf(head))
            }
        default:
            throw unexpected(head)
        }
        var parts: [StringPart] = [.literal(literal)]
        while true {
            let token = peek
            switch token.kind {
            case .pathEnd:
                advance()
                if parts.count == 1 { return try node(.path(literal), head.start, head.end) }
                return try node(.interpolatedPath(parts), head.start, lastEnd)
            case .stringPiece(let text):
                advance()
                parts.append(.literal(text))
            case .dollarCurly:
                parts.append(.interpolation(try parseInterpolation()))
            default:
                throw unexpected(token)
            }
        }
    }

    // MARK: Formals

    /// Whether the `{` at the current token opens a formal argument set rather than an
    /// attribute set. Decides with the same lookahead bison has.
    func isFormalSetStart() -> Bool {
        let next = peek(1)
        switch next.kind {
        case .ellipsis:
            return true
        case .punct(UInt8(ascii: "}")):
            return peek(2).isPunct(":") || peek(2).isPunct("@")
        case .identifier:
            let after = peek(2)
            return after.isPunct(",") || after.isPunct("?") || after.isPunct("}")
        default:
            return false
        }
    }

    /// `'{' formals (',' '...')? ','? '}'` or `'{' '...' '}'`.
    mutating func parseFormalSet() throws(NixParseError) -> FormalSet {
        _ = try expectPunct("{")
        var set = FormalSet(formals: [], hasEllipsis: false, binding: nil, bindingComesFirst: false)
        if peek.isPunct("}") {
            advance()
            return set
        }
        while true {
            let token = peek
            switch token.kind {
            case .ellipsis:
                advance()
                set.hasEllipsis = true
                _ = try expectPunct("}", expecting: "'}'")
                return set
            case .identifier(let name):
                advance()
                var defaultValue: NixExpr?
                if peek.isPunct("?") {
                    advance()
                    defaultValue = try parseExpr()
                }
                set.formals.append(Formal(name: name, defaultValue: defaultValue, span: spanOf(token)))
            case .punct(UInt8(ascii: "}")) where !set.formals.isEmpty:
                advance()
                return set
            default:
                throw unexpected(token, expecting: "identifier or '...' or '}'")
            }
            if peek.isPunct("}") {
                advance()
                return set
            }
            _ = try expectPunct(",", expecting: "',' or '}'")
        }
    }

    /// Nix's `validateFormals`: no formal twice, and the `@` name is not a formal.
    func validateFormals(_ set: FormalSet, lambdaStart: SourceLocation) throws(NixParseError) {
        var firstSeen: [String: Int] = [:]
        var duplicate: (firstIndex: Int, formal: Formal)?
        for (index, formal) in set.formals.enumerated() {
            if let first = firstSeen[formal.name] {
                if let found = duplicate, found.firstIndex <= first { continue }
                duplicate = (first, formal)
            } else {
                firstSeen[formal.name] = index
            }
        }
        if let duplicate {
            throw NixParseError(
                "duplicate formal function argument '\(duplicate.formal.name)'", at: duplicate.formal.span)
        }
        if let binding = set.binding, firstSeen[binding] != nil {
            throw NixParseError("duplicate formal function argument '\(binding)'", at: span(lambdaStart, lambdaStart))
        }
    }
}
