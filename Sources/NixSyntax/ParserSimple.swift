import FlakeLockBasics

extension Parser {
    // MARK: expr_simple

    /// `expr_simple`; like ``parseFunction()`` a small dispatcher.
    mutating func parseSimple() throws(NixParseError) -> NixExpr {
        switch peek.kind {
        case .quote: return try parseString()
        case .indentedOpen: return try parseIndentedString()
        case .path, .homePath: return try parsePath()
        case .punct(UInt8(ascii: "(")): return try parseParenthesized()
        case .kwLet, .kwRec: return try parseRecursiveSet()
        case .punct(UInt8(ascii: "{")): return try parseSetLiteral()
        case .punct(UInt8(ascii: "[")): return try parseList()
        default: return try parseLeaf()
        }
    }

    @inline(never)
    mutating func parseLeaf() throws(NixParseError) -> NixExpr {
        let token = peek
        let kind: NixExpr.Kind
        switch token.kind {
        case .identifier(let name): kind = name == "__curPos" ? .currentPosition : .variable(name)
        case .integer(let value): kind = .int(value)
        case .float(let value): kind = .float(value)
        case .searchPath(let name): kind = .searchPath(name)
        case .uri(let uri): kind = .string(uri, isURILiteral: true)
        default: throw unexpected(token)
        }
        advance()
        return try node(kind, token.start, token.end)
    }

    @inline(never)
    mutating func parseParenthesized() throws(NixParseError) -> NixExpr {
        advance()
        let inner = try parseExpr()
        _ = try expectPunct(")", expecting: "')'")
        return inner
    }

    /// `rec { … }` or the legacy `let { … }`.
    @inline(never)
    mutating func parseRecursiveSet() throws(NixParseError) -> NixExpr {
        let token = advance()
        _ = try expectPunct("{", expecting: "'{'")
        var set = try parseBindings(until: .punct(UInt8(ascii: "}")), opening: nil)
        set.isRecursive = true
        _ = try expectPunct("}")
        let kind: NixExpr.Kind = token.kind == .kwRec ? .attrSet(set) : .legacyLet(set)
        return try node(kind, token.start, lastEnd)
    }

    @inline(never)
    mutating func parseSetLiteral() throws(NixParseError) -> NixExpr {
        let token = advance()
        if peek.isPunct("}") {
            advance()
            let empty = AttrSet(isRecursive: false, attributes: [], dynamicAttributes: [])
            return try node(.attrSet(empty), token.start, lastEnd)
        }
        let set = try parseBindings(until: .punct(UInt8(ascii: "}")), opening: token)
        _ = try expectPunct("}")
        return try node(.attrSet(set), token.start, lastEnd)
    }

    @inline(never)
    mutating func parseList() throws(NixParseError) -> NixExpr {
        let token = advance()
        var items: [NixExpr] = []
        while Self.startsSelect(peek) {
            items.append(try parseSelect())
        }
        _ = try expectPunct("]")
        return try node(.list(items), token.start, lastEnd)
    }
}
