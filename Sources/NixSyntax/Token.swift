import FlakeLockBasics

/// A lexical token of the Nix language, mirroring the tokens of Nix's flex lexer.
enum TokenKind: Sendable, Equatable {
    case identifier(String)
    /// A literal piece of a `"…"` string or of an interpolated path, already unescaped.
    case stringPiece(String)
    /// A piece of an indented string; `hasIndentation` is false for escapes (`''$`, `'''`,
    /// `''\x`) and lone `$`/`'`, which end leading whitespace.
    case indentedPiece(String, hasIndentation: Bool)
    case integer(Int64)
    case float(Double)
    case path(String)
    case homePath(String)
    case searchPath(String)
    case pathEnd
    case uri(String)
    case kwIf, kwThen, kwElse, kwAssert, kwWith, kwLet, kwIn, kwRec, kwInherit, kwOr
    case ellipsis
    case equal, notEqual, lessOrEqual, greaterOrEqual, and, or, implication, update, concat
    case pipeFrom, pipeInto
    case dollarCurly
    case quote
    case indentedOpen, indentedClose
    /// A single character that is a token of the grammar (`{`, `;`, `+`, …).
    case punct(UInt8)
    /// A character the grammar has no use for (bison's "invalid token").
    case invalid
    case endOfFile
    /// A lexical error; raised by the parser when it reaches this token.
    indirect case error(NixParseError)

    /// The name Nix's parser uses in "unexpected …" messages.
    var displayName: String {
        switch self {
        case .identifier: return "identifier"
        case .stringPiece: return "string"
        case .indentedPiece: return "indented string"
        case .integer: return "integer"
        case .float: return "floating-point literal"
        case .path: return "path"
        case .homePath: return "'~/…' path"
        case .searchPath: return "'<…>' path"
        case .pathEnd: return "end of path"
        case .uri: return "URI"
        case .kwIf: return "'if'"
        case .kwThen: return "'then'"
        case .kwElse: return "'else'"
        case .kwAssert: return "'assert'"
        case .kwWith: return "'with'"
        case .kwLet: return "'let'"
        case .kwIn: return "'in'"
        case .kwRec: return "'rec'"
        case .kwInherit: return "'inherit'"
        case .kwOr: return "'or'"
        case .ellipsis: return "'...'"
        case .equal: return "'=='"
        case .notEqual: return "'!='"
        case .lessOrEqual: return "'<='"
        case .greaterOrEqual: return "'>='"
        case .and: return "'&&'"
        case .or: return "'||'"
        case .implication: return "'->'"
        case .update: return "'//'"
        case .concat: return "'++'"
        case .pipeFrom: return "'<|'"
        case .pipeInto: return "'|>'"
        case .dollarCurly: return "'${'"
        case .quote: return "'\"'"
        case .indentedOpen: return "start of an indented string"
        case .indentedClose: return "end of an indented string"
        case .punct(let c): return "'\(Character(Unicode.Scalar(c)))'"
        case .invalid: return "invalid token"
        case .endOfFile: return "end of file"
        case .error(let e): return e.message
        }
    }

    static let keywords: [String: TokenKind] = [
        "if": .kwIf, "then": .kwThen, "else": .kwElse, "assert": .kwAssert, "with": .kwWith,
        "let": .kwLet, "in": .kwIn, "rec": .kwRec, "inherit": .kwInherit, "or": .kwOr,
    ]

    /// Characters that appear as single-character tokens in Nix's grammar.
    static func isGrammarCharacter(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: ";"), UInt8(ascii: "!"),
            UInt8(ascii: "-"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "?"),
            UInt8(ascii: "+"), UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "."),
            UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "{"), UInt8(ascii: "}"),
            UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ","), UInt8(ascii: "="),
            UInt8(ascii: "\""):
            return true
        default:
            return false
        }
    }
}

/// A token and its place in the source.
struct Token: Sendable {
    var kind: TokenKind
    var start: SourceLocation
    var end: SourceLocation

    func isPunct(_ c: Character) -> Bool {
        if case .punct(let p) = kind, let a = c.asciiValue { return p == a }
        return false
    }
}
