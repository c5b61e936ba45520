import FlakeLockBasics

/// Parses Nix expressions into ``NixExpr`` trees.
///
/// Follows the grammar of Nix's `parser.y`, including its precedence table, the merging of
/// attribute paths, and its error wording. Usage:
///
/// ```swift
/// let expr = try NixParser.parse("{ a.b = 1; }", file: "flake.nix")
/// print(expr.canonicalDescription)  // { a = { b = 1; }; }
/// ```
public enum NixParser {
    /// Settings that change what the parser accepts.
    public struct Options: Sendable {
        /// Accept the experimental `|>` and `<|` operators (Nix's `pipe-operators` feature).
        public var allowPipeOperators: Bool
        /// Reject `~/…` paths, as Nix does in pure evaluation (flakes are evaluated purely).
        public var pureEvaluation: Bool
        /// How deeply the parser may recurse, and how high the tree may grow, before parsing
        /// stops with an error. Most constructs use one level per nesting (`[`, `-`, `x:`); a
        /// parenthesised expression or an interpolation uses up to three. The limit keeps deep
        /// input from overflowing the stack (parsing runs on a thread with a 64 MiB stack) and
        /// keeps trees small enough to release and print on threads with small stacks.
        public var maximumDepth: Int

        /// Creates options; the defaults match Nix evaluating a flake without extra features.
        public init(allowPipeOperators: Bool = false, pureEvaluation: Bool = true, maximumDepth: Int = 1000) {
            self.allowPipeOperators = allowPipeOperators
            self.pureEvaluation = pureEvaluation
            self.maximumDepth = maximumDepth
        }
    }

    /// Parses one Nix expression.
    /// - Parameters:
    ///   - text: the source text.
    ///   - file: the file name used in spans and error messages.
    ///   - options: what to accept.
    /// - Returns: the expression, with spans.
    /// - Throws: ``NixParseError`` for any syntax error, with Nix's wording and position.
    public static func parse(_ text: String, file: String, options: Options = Options()) throws(NixParseError)
        -> NixExpr
    {
        try parse(bytes: Array(text.utf8), file: file, options: options)
    }

    /// Parses one Nix expression from UTF-8 bytes. See ``parse(_:file:options:)``.
    public static func parse(bytes: [UInt8], file: String, options: Options = Options()) throws(NixParseError)
        -> NixExpr
    {
        let result = LargeStack.run { () -> Result<NixExpr, NixParseError> in
            let lexer = Lexer(bytes: bytes, file: file, allowPipeOperators: options.allowPipeOperators)
            var parser = Parser(tokens: TokenStream(lexer), file: file, options: options)
            do throws(NixParseError) {
                let expr = try parser.parseExpr()
                try parser.expectEnd()
                return .success(expr)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// The recursive-descent parser. Each `parse…` method corresponds to a nonterminal of
/// Nix's `parser.y`; binary operators use precedence climbing with bison's precedence table.
struct Parser {
    let tokens: TokenStream
    let file: String
    let options: NixParser.Options
    var position = 0
    var depth = 0

    init(tokens: TokenStream, file: String, options: NixParser.Options) {
        self.tokens = tokens
        self.file = file
        self.options = options
    }

    // MARK: Token access

    var peek: Token { tokens[position] }

    func peek(_ ahead: Int) -> Token { tokens[position + ahead] }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[position]
        if !tokens.isLast(position) { position += 1 }
        return token
    }

    /// The end of the last consumed token.
    var lastEnd: SourceLocation { position > 0 ? tokens[position - 1].end : tokens[0].start }

    func span(_ start: SourceLocation, _ end: SourceLocation) -> SourceSpan {
        SourceSpan(file: file, start: start, end: end)
    }

    func spanOf(_ token: Token) -> SourceSpan { span(token.start, token.end) }

    /// The error for an unexpected token, worded like bison's "detailed" errors.
    func unexpected(_ token: Token, expecting: String? = nil) -> NixParseError {
        if case .error(let error) = token.kind { return error }
        var message = "syntax error, unexpected \(token.kind.displayName)"
        if let expecting { message += ", expecting \(expecting)" }
        return NixParseError(message, at: spanOf(token))
    }

    mutating func expectPunct(_ c: Character, expecting: String? = nil) throws(NixParseError) -> Token {
        guard peek.isPunct(c) else { throw unexpected(peek, expecting: expecting) }
        return advance()
    }

    mutating func expect(_ kind: TokenKind, expecting: String? = nil) throws(NixParseError) -> Token {
        guard peek.kind == kind else { throw unexpected(peek, expecting: expecting) }
        return advance()
    }

    mutating func expectEnd() throws(NixParseError) {
        guard case .endOfFile = peek.kind else { throw unexpected(peek) }
    }

    /// Counts one level of recursion; throws once the limit is passed.
    mutating func enter() throws(NixParseError) {
        depth += 1
        if depth > options.maximumDepth { throw tooDeep(peek.start) }
    }

    func tooDeep(_ at: SourceLocation) -> NixParseError {
        NixParseError(
            "expression is nested too deeply (more than \(options.maximumDepth) levels)", at: span(at, at))
    }

    /// Makes a node, enforcing the nesting limit on the tree's height.
    func node(_ kind: NixExpr.Kind, _ start: SourceLocation, _ end: SourceLocation) throws(NixParseError)
        -> NixExpr
    {
        let expr = NixExpr(kind, span: span(start, end))
        if expr.height > options.maximumDepth { throw tooDeep(start) }
        return expr
    }

    // MARK: expr_function

    mutating func parseExpr() throws(NixParseError) -> NixExpr {
        try parseFunction()
    }

    /// `expr_function`. Kept small (each case is its own function) because it recurses once
    /// per nesting level and unoptimised builds give every temporary its own stack slot.
    mutating func parseFunction() throws(NixParseError) -> NixExpr {
        try enter()
        defer { depth -= 1 }
        switch peek.kind {
        case .identifier where peek(1).isPunct(":"): return try parseIdentifierLambda()
        case .identifier where peek(1).isPunct("@"): return try parsePatternLambda()
        case .punct(UInt8(ascii: "{")) where isFormalSetStart(): return try parsePatternLambda()
        case .kwAssert, .kwWith: return try parseAssertOrWith()
        case .kwLet where !peek(1).isPunct("{"): return try parseLetIn()
        case .kwIf: return try parseIfThenElse()
        default: return try parseOperators()
        }
    }

    @inline(never)
    mutating func parseIdentifierLambda() throws(NixParseError) -> NixExpr {
        let start = advance()
        guard case .identifier(let name) = start.kind else { throw unexpected(start) }
        advance()
        let body = try parseFunction()
        return try node(.lambda(Lambda(parameter: .identifier(name), body: body)), start.start, body.span.end)
    }

    /// `{ … }: body`, `{ … }@name: body` or `name@{ … }: body`.
    @inline(never)
    mutating func parsePatternLambda() throws(NixParseError) -> NixExpr {
        let start = peek.start
        var formals: FormalSet
        if case .identifier(let name) = peek.kind {
            advance()
            advance()
            guard peek.isPunct("{"), isFormalSetStart() else { throw unexpected(peek) }
            formals = try parseFormalSet()
            formals.binding = name
            formals.bindingComesFirst = true
            try validateFormals(formals, lambdaStart: start)
            _ = try expectPunct(":", expecting: "':'")
        } else {
            formals = try parseFormalSet()
            if peek.isPunct("@") {
                advance()
                guard case .identifier(let name) = peek.kind else { throw unexpected(peek, expecting: "identifier") }
                advance()
                formals.binding = name
                try validateFormals(formals, lambdaStart: start)
                _ = try expectPunct(":", expecting: "':'")
            } else {
                try validateFormals(formals, lambdaStart: start)
                _ = try expectPunct(":", expecting: "':' or '@'")
            }
        }
        let body = try parseFunction()
        return try node(.lambda(Lambda(parameter: .pattern(formals), body: body)), start, body.span.end)
    }

    @inline(never)
    mutating func parseAssertOrWith() throws(NixParseError) -> NixExpr {
        let start = advance()
        let head = try parseExpr()
        _ = try expectPunct(";", expecting: "';'")
        let body = try parseFunction()
        let kind: NixExpr.Kind = start.kind == .kwAssert ? .assert(head, body: body) : .with(head, body: body)
        return try node(kind, start.start, body.span.end)
    }

    @inline(never)
    mutating func parseLetIn() throws(NixParseError) -> NixExpr {
        let start = advance()
        let bindings = try parseBindings(until: .kwIn, opening: nil)
        _ = try expect(.kwIn)
        if !bindings.dynamicAttributes.isEmpty {
            throw NixParseError("dynamic attributes not allowed in let", at: spanOf(start))
        }
        let body = try parseFunction()
        return try node(.letIn(bindings, body: body), start.start, body.span.end)
    }

    // MARK: expr_if and the pipe operators

    @inline(never)
    mutating func parseIfThenElse() throws(NixParseError) -> NixExpr {
        let start = advance()
        let condition = try parseExpr()
        _ = try expect(.kwThen, expecting: "'then'")
        let then = try parseExpr()
        _ = try expect(.kwElse, expecting: "'else'")
        let otherwise = try parseExpr()
        return try node(.ifThenElse(condition, then: then, else: otherwise), start.start, otherwise.span.end)
    }

    /// `expr_op`, optionally continued by a chain of `|>` or of `<|`.
    mutating func parseOperators() throws(NixParseError) -> NixExpr {
        let first = try parseOp(0)
        switch peek.kind {
        case .pipeInto, .pipeFrom: return try parsePipes(first)
        default: return first
        }
    }

    @inline(never)
    mutating func parsePipes(_ first: NixExpr) throws(NixParseError) -> NixExpr {
        if case .pipeInto = peek.kind {
            var result = first
            while case .pipeInto = peek.kind {
                advance()
                let function = try parseOp(0)
                result = try node(.binary(.pipeInto, result, function), result.span.start, function.span.end)
            }
            if case .pipeFrom = peek.kind { throw unexpected(peek) }
            return result
        }
        var operands = [first]
        while case .pipeFrom = peek.kind {
            advance()
            operands.append(try parseOp(0))
        }
        if case .pipeInto = peek.kind { throw unexpected(peek) }
        var result = operands.removeLast()
        while let function = operands.popLast() {
            result = try node(.binary(.pipeFrom, function, result), function.span.start, result.span.end)
        }
        return result
    }

    // MARK: expr_op

    enum Associativity { case left, right, nonassociative }

    /// Bison's precedence table: higher binds tighter. `!` is 7 and unary `-` is 12.
    static func binaryOperator(_ kind: TokenKind) -> (BinaryOperator?, Int, Associativity)? {
        switch kind {
        case .implication: return (.implication, 1, .right)
        case .or: return (.or, 2, .left)
        case .and: return (.and, 3, .left)
        case .equal: return (.equal, 4, .nonassociative)
        case .notEqual: return (.notEqual, 4, .nonassociative)
        case .punct(UInt8(ascii: "<")): return (.less, 5, .nonassociative)
        case .punct(UInt8(ascii: ">")): return (.greater, 5, .nonassociative)
        case .lessOrEqual: return (.lessOrEqual, 5, .nonassociative)
        case .greaterOrEqual: return (.greaterOrEqual, 5, .nonassociative)
        case .update: return (.update, 6, .right)
        case .punct(UInt8(ascii: "+")): return (.add, 8, .left)
        case .punct(UInt8(ascii: "-")): return (.subtract, 8, .left)
        case .punct(UInt8(ascii: "*")): return (.multiply, 9, .left)
        case .punct(UInt8(ascii: "/")): return (.divide, 9, .left)
        case .concat: return (.concatLists, 10, .right)
        case .punct(UInt8(ascii: "?")): return (nil, 11, .nonassociative)
        default: return nil
        }
    }

    mutating func parseOp(_ minimum: Int) throws(NixParseError) -> NixExpr {
        try enter()
        defer { depth -= 1 }
        var lhs = try parseUnary()
        while let (op, precedence, associativity) = Self.binaryOperator(peek.kind), precedence >= minimum {
            advance()
            guard let op else {
                let path = try parseAttrPath()
                lhs = try node(.hasAttr(lhs, path), lhs.span.start, lastEnd)
                continue
            }
            let rhs = try parseOp(associativity == .right ? precedence : precedence + 1)
            lhs = try node(.binary(op, lhs, rhs), lhs.span.start, rhs.span.end)
            if associativity == .nonassociative, let next = Self.binaryOperator(peek.kind),
                next.1 == precedence
            {
                throw unexpected(peek)
            }
        }
        return lhs
    }

    mutating func parseUnary() throws(NixParseError) -> NixExpr {
        let start = peek
        if start.isPunct("!") {
            advance()
            let operand = try parseOp(8)
            return try node(.unary(.not, operand), start.start, operand.span.end)
        }
        if start.isPunct("-") {
            advance()
            let operand = try parseOp(13)
            return try node(.unary(.negate, operand), start.start, operand.span.end)
        }
        return try parseApplication()
    }

    // MARK: expr_app, expr_select

    /// Whether `token` can start an `expr_select` (an argument or a list element).
    static func startsSelect(_ token: Token) -> Bool {
        switch token.kind {
        case .identifier, .integer, .float, .quote, .indentedOpen, .path, .homePath, .searchPath, .uri,
            .kwLet, .kwRec:
            return true
        case .punct(let c):
            return c == UInt8(ascii: "(") || c == UInt8(ascii: "{") || c == UInt8(ascii: "[")
        default:
            return false
        }
    }

    mutating func parseApplication() throws(NixParseError) -> NixExpr {
        let function = try parseSelect()
        var arguments: [NixExpr] = []
        while Self.startsSelect(peek) {
            arguments.append(try parseSelect())
        }
        if arguments.isEmpty { return function }
        // Like Nix's makeCall, `(f a) b` becomes one call with two arguments.
        if case .apply(let inner, let first) = function.kind {
            return try node(.apply(inner, first + arguments), function.span.start, lastEnd)
        }
        return try node(.apply(function, arguments), function.span.start, lastEnd)
    }

    mutating func parseSelect() throws(NixParseError) -> NixExpr {
        try enter()
        defer { depth -= 1 }
        let base = try parseSimple()
        if peek.isPunct(".") {
            advance()
            let path = try parseAttrPath()
            var fallback: NixExpr?
            if case .kwOr = peek.kind {
                advance()
                fallback = try parseSelect()
            }
            return try node(.select(base, path, default: fallback), base.span.start, lastEnd)
        }
        if case .kwOr = peek.kind {
            // `f or`: Nix's backwards-compatible reading, a call of `f` with the variable `or`.
            let orToken = advance()
            let variable = try node(.variable("or"), orToken.start, orToken.end)
            return try node(.apply(base, [variable]), base.span.start, orToken.end)
        }
        return base
    }
}
