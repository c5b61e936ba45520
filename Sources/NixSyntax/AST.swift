import FlakeLockBasics

/// One Nix expression with the source text it came from.
///
/// The tree keeps the source-level operators (`a - b`, `a < b`, `-x`) instead of Nix's
/// desugaring into `__sub`/`__lessThan` calls, but otherwise has the shape Nix's parser
/// builds: attribute paths in a set are already merged (`{ a.b = 1; a.c = 2; }` is one
/// nested set), parentheses leave no node, and `f a b` is one application with two
/// arguments.
public struct NixExpr: Sendable {
    /// What kind of expression this is, with its children.
    public var kind: Kind
    /// Where the expression is in the source.
    public var span: SourceSpan
    /// Height of the tree below and including this node; bounded by the parser's depth limit.
    let height: Int

    init(_ kind: Kind, span: SourceSpan) {
        self.kind = kind
        self.span = span
        self.height = 1 + kind.childHeight
    }

    /// The kinds of Nix expressions.
    public indirect enum Kind: Sendable {
        /// An integer literal such as `42`. Negative numbers are `.negate` of a literal.
        case int(Int64)
        /// A floating-point literal such as `1.5` or `.5e3`.
        case float(Double)
        /// A string without interpolation: `"…"`, an indented string that strips down to one
        /// literal piece, or a URI literal (`https://x/y`, see `isURILiteral`).
        case string(String, isURILiteral: Bool)
        /// A string that is a concatenation of pieces: `"a${b}"`, or an indented string with
        /// interpolations or with escapes that split it into several literal pieces.
        case interpolatedString([StringPart])
        /// A path literal without interpolation: `./a`, `../a`, `/abs`, `a/b`, `~/a`,
        /// kept as written.
        case path(String)
        /// A path with interpolation, such as `./a/${b}`; the first part is the literal start.
        case interpolatedPath([StringPart])
        /// A search-path lookup such as `<nixpkgs>` (the name without angle brackets).
        case searchPath(String)
        /// A variable reference, including `true`, `false` and `null`.
        case variable(String)
        /// The special variable `__curPos`.
        case currentPosition
        /// `e.a.b` or `e.a.b or default`.
        case select(NixExpr, [AttrPathComponent], default: NixExpr?)
        /// `e ? a.b`.
        case hasAttr(NixExpr, [AttrPathComponent])
        /// A function application `f a b` (the function and its arguments in order).
        case apply(NixExpr, [NixExpr])
        /// A prefix operator: `!e` or `-e`.
        case unary(UnaryOperator, NixExpr)
        /// An infix operator.
        case binary(BinaryOperator, NixExpr, NixExpr)
        /// A list literal `[ a b ]`.
        case list([NixExpr])
        /// An attribute set literal, `{ … }` or `rec { … }`.
        case attrSet(AttrSet)
        /// `let bindings in body`. The bindings never have dynamic names at the top.
        case letIn(AttrSet, body: NixExpr)
        /// The legacy `let { …; body = …; }`, which means `(rec { … }).body`.
        case legacyLet(AttrSet)
        /// `with e; body`.
        case with(NixExpr, body: NixExpr)
        /// `assert e; body`.
        case assert(NixExpr, body: NixExpr)
        /// `if c then a else b`.
        case ifThenElse(NixExpr, then: NixExpr, else: NixExpr)
        /// A function.
        case lambda(Lambda)

        var childHeight: Int {
            switch self {
            case .int, .float, .string, .path, .searchPath, .variable, .currentPosition:
                return 0
            case .interpolatedString(let parts), .interpolatedPath(let parts):
                return parts.map(\.height).max() ?? 0
            case .select(let e, let path, let def):
                return max(e.height, def?.height ?? 0, path.map(\.height).max() ?? 0)
            case .hasAttr(let e, let path):
                return max(e.height, path.map(\.height).max() ?? 0)
            case .apply(let f, let args):
                return max(f.height, args.map(\.height).max() ?? 0)
            case .unary(_, let e):
                return e.height
            case .binary(_, let a, let b), .with(let a, let b), .assert(let a, let b):
                return max(a.height, b.height)
            case .list(let items):
                return items.map(\.height).max() ?? 0
            case .attrSet(let set), .legacyLet(let set):
                return set.height
            case .letIn(let set, let body):
                return max(set.height, body.height)
            case .ifThenElse(let c, let a, let b):
                return max(c.height, a.height, b.height)
            case .lambda(let lambda):
                return max(lambda.body.height, lambda.parameter.height)
            }
        }
    }
}

/// A piece of an interpolated string or path.
public enum StringPart: Sendable {
    /// Literal text, already unescaped (and, for indented strings, with indentation removed).
    case literal(String)
    /// An interpolation `${e}`.
    case interpolation(NixExpr)

    var height: Int {
        if case .interpolation(let e) = self { return e.height }
        return 0
    }
}

/// A prefix operator.
public enum UnaryOperator: String, Sendable {
    /// Boolean negation `!`.
    case not = "!"
    /// Arithmetic negation `-` (Nix evaluates `-e` as `0 - e`).
    case negate = "-"
}

/// An infix operator, spelled as in Nix source.
public enum BinaryOperator: String, Sendable, CaseIterable {
    // Comparison, logic, set and list operators, arithmetic; the raw value is the spelling.
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case and = "&&"
    case or = "||"
    case implication = "->"
    case update = "//"
    case concatLists = "++"
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    /// `x |> f` (experimental `pipe-operators`): calls `f x`.
    case pipeInto = "|>"
    /// `f <| x` (experimental `pipe-operators`): calls `f x`.
    case pipeFrom = "<|"
}

/// One component of an attribute path such as `a."b c".${x}`.
public struct AttrPathComponent: Sendable {
    /// The name: static text, or an expression evaluated to a name.
    public var name: AttrName
    /// Where the component is written.
    public var span: SourceSpan

    var height: Int {
        if case .dynamic(let e) = name { return e.height }
        return 0
    }
}

/// An attribute name: static (an identifier, `"quoted"`, or `${"literal"}`), or dynamic
/// (`${e}` or `"…${e}…"`).
public enum AttrName: Sendable {
    /// A name known at parse time.
    case `static`(String)
    /// A name computed by evaluating the expression.
    case dynamic(NixExpr)
}

/// An attribute set after Nix's parse-time merging of attribute paths.
public struct AttrSet: Sendable {
    /// Whether the set was written `rec { … }` (for merged sets: whether the first
    /// definition was).
    public var isRecursive: Bool
    /// Statically named attributes, in order of first definition. Names are unique.
    public var attributes: [Binding]
    /// Attributes whose names are computed (`${e} = …;`), in source order.
    public var dynamicAttributes: [DynamicBinding]

    /// The attribute with the given name, if any.
    public subscript(name: String) -> Binding? {
        attributes.first { $0.name == name }
    }

    var height: Int {
        max(
            attributes.map(\.value.height).max() ?? 0,
            dynamicAttributes.map { max($0.name.height, $0.value.height) }.max() ?? 0)
    }
}

/// A statically named attribute of a set or `let`.
public struct Binding: Sendable {
    /// The attribute name.
    public var name: String
    /// The value. For `inherit x;` it is the variable `x`; for `inherit (e) x;` it is `e.x`.
    public var value: NixExpr
    /// How the attribute was defined.
    public var kind: BindingKind
    /// The position Nix reports for the attribute: the attribute path that defined it (for a
    /// set created by a dotted path, the first such path), or the name in an `inherit`.
    public var span: SourceSpan
}

/// How an attribute was defined.
public enum BindingKind: Sendable {
    /// `name = value;` (or created by a dotted attribute path).
    case plain
    /// `inherit name;`: the value is a variable looked up outside the set.
    case inherited
    /// `inherit (source) name;`: the value selects `name` from `source`.
    case inheritedFrom
}

/// An attribute whose name is computed, such as `${x} = 1;`.
public struct DynamicBinding: Sendable {
    /// The name expression.
    public var name: NixExpr
    /// The value.
    public var value: NixExpr
    /// The attribute path that defined it.
    public var span: SourceSpan
}

/// A function `param: body`.
public struct Lambda: Sendable {
    /// How the argument is bound.
    public var parameter: LambdaParameter
    /// The function body.
    public var body: NixExpr
}

/// The argument pattern of a function.
public enum LambdaParameter: Sendable {
    /// `x: …`.
    case identifier(String)
    /// `{ a, b ? d, ... }: …`, optionally with `@name` before or after the set.
    case pattern(FormalSet)

    var height: Int {
        guard case .pattern(let set) = self else { return 0 }
        return set.formals.compactMap { $0.defaultValue?.height }.max() ?? 0
    }
}

/// A set pattern of formal arguments.
public struct FormalSet: Sendable {
    /// The formals in source order.
    public var formals: [Formal]
    /// Whether the pattern ends in `...`.
    public var hasEllipsis: Bool
    /// The name bound to the whole argument by `@`, if any.
    public var binding: String?
    /// Whether the `@` binding was written before the set (`args@{ … }`).
    public var bindingComesFirst: Bool
}

/// One formal argument `name` or `name ? default`.
public struct Formal: Sendable {
    /// The argument name.
    public var name: String
    /// The default value, if any.
    public var defaultValue: NixExpr?
    /// Where the name is written.
    public var span: SourceSpan
}
