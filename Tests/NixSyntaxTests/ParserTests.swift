import FlakeLockBasics
import Testing

@testable import NixSyntax

/// Parses `source` and returns the canonical form, or the error description.
func canonical(_ source: String, options: NixParser.Options = .init()) -> String {
    do {
        return try NixParser.parse(source, file: "t.nix", options: options).canonicalDescription
    } catch {
        return "error: \(error.message)"
    }
}

struct ParserTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var source: String
        var expected: String
        var testDescription: String { source.debugDescription }
        init(_ source: String, _ expected: String) {
            self.source = source
            self.expected = expected
        }
    }

    static let precedence: [Case] = [
        Case("1 + 2 * 3", "(1 + (2 * 3))"),
        Case("1 - 2 - 3", "((1 - 2) - 3)"),
        Case("a ++ b ++ c", "(a ++ (b ++ c))"),
        Case("a // b // c", "(a // (b // c))"),
        Case("a -> b -> c", "(a -> (b -> c))"),
        Case("a || b && c", "(a || (b && c))"),
        Case("a == b && c != d", "((a == b) && (c != d))"),
        Case("a < b == c", "((a < b) == c)"),
        Case("a == b < c", "(a == (b < c))"),
        Case("!a + b", "(!(a + b))"),
        Case("!a == b", "((!a) == b)"),
        Case("!a // b", "((!a) // b)"),
        Case("a + !b + c", "(a + (!(b + c)))"),
        Case("-a + b", "((-a) + b)"),
        Case("-a * b", "((-a) * b)"),
        Case("- - a", "(-(-a))"),
        Case("-!a + b", "(-(!(a + b)))"),
        Case("f -1", "(f - 1)"),
        Case("-f x", "(-(f x))"),
        Case("a ? b + 1", "((a ? b) + 1)"),
        Case("a + b ? c", "(a + (b ? c))"),
        Case("a ? b ? c", "((a ? b) ? c)"),
        Case("-a ? b", "((-a) ? b)"),
        Case("a ? b.\"c d\".${e}", "(a ? b.\"c d\".${e})"),
        Case("a ++ b * c", "((a ++ b) * c)"),
        Case("a * b ++ c", "(a * (b ++ c))"),
        Case("a // b == c", "((a // b) == c)"),
        Case("a < b // c", "(a < (b // c))"),
        Case("f a b", "(f a b)"),
        Case("(f a) b", "(f a b)"),
        Case("f a.b c", "(f (a.b) c)"),
        Case("a.b.c or d.e", "(a.b.c or (d.e))"),
        Case("a.b or c d", "((a.b or c) d)"),
        Case("a.or", "(a.or)"),
        Case("map or [ ]", "(map or [ ])"),
        Case("a.${\"b\"}", "(a.b)"),
        Case("a.\"${b}\"", "(a.${\"${b}\"})"),
        Case("x: y: x + y", "(x: (y: (x + y)))"),
        Case("{ a, b ? 2, ... }: a", "({ a, b ? 2, ... }: a)"),
        Case("args@{ a }: a", "(args@{ a }: a)"),
        Case("{ a }@args: a", "({ a }@args: a)"),
        Case("{ }: 1", "({ }: 1)"),
        Case("{ a, }: a", "({ a }: a)"),
        Case("{ ... }@x: x", "({ ... }@x: x)"),
        Case("if a then b else c", "(if a then b else c)"),
        Case("assert a; b", "(assert a; b)"),
        Case("with a; b", "(with a; b)"),
        Case("let a = 1; in a", "(let a = 1; in a)"),
        Case("let in 1", "(let in 1)"),
        Case("let { body = 1; }", "(let { body = 1; })"),
        Case("rec { a = 1; b = a; }", "rec { a = 1; b = a; }"),
        Case("{ inherit a \"b\" or; inherit (x) c; }", "{ inherit a; inherit b; inherit or; inherit (x) c; }"),
        Case("[ 1 a.b (f x) ]", "[ 1 (a.b) (f x) ]"),
        Case("[ ]", "[ ]"),
        Case(
            "a |> f |> g",
            "error: experimental Nix feature 'pipe-operators' is disabled; add '--extra-experimental-features pipe-operators' to enable it"
        ),
        Case("__curPos", "__curPos"),
        Case("1.5e3", "1500.0"),
        Case(".5", "0.5"),
        Case("1.", "1.0"),
        Case("01.5", "(1 0.5)"),
    ]

    @Test(arguments: precedence)
    func parsesWithNixPrecedence(_ c: Case) {
        #expect(canonical(c.source) == c.expected)
    }

    @Test func pipeOperatorsWhenEnabled() {
        let options = NixParser.Options(allowPipeOperators: true)
        #expect(canonical("a |> f |> g", options: options) == "((a |> f) |> g)")
        #expect(canonical("g <| f <| a", options: options) == "(g <| (f <| a))")
        #expect(canonical("a |> f <| b", options: options) == "error: syntax error, unexpected '<|'")
    }

    static let literals: [Case] = [
        Case(#""a\nb\t\"\\\$\q""#, #""a\nb\t\"\\$q""#),
        Case(#""a\${b}""#, #""a\${b}""#),
        Case(#""$${b}""#, #""$\${b}""#),
        Case(#""a$""#, #""a$""#),
        Case(#""x${y}z""#, #""x${y}z""#),
        Case(#""${"a"}""#, #""${"a"}""#),
        Case("\"a\r\nb\rc\"", #""a\nb\nc""#),
        Case("''\n  a\n    b\n  ''", #""a\n  b\n""#),
        Case("''  a\n  b''", #""a\nb""#),
        Case("''\n  a\n\n  b\n''", #""a\n\nb\n""#),
        Case("''\n  a ''${b} '''\n  ''$c''\\n''", #""a ${b} ''\n$c\n""#),
        Case("''\n  ${x}\n    a\n  ''", #""${x}\n  a\n""#),
        Case("''\n    a\n  ''\\tb\n''", "\"  a\\n\\tb\\n\""),
        Case("''a'''b''$c''", #""a''b$c""#),
        Case("''a'b''", #""a'b""#),
        Case("''''", #""""#),
        Case("./a/b", "./a/b"),
        Case("../a", "../a"),
        Case("/abs/x", "/abs/x"),
        Case("a/b", "a/b"),
        Case("1/2", "1/2"),
        Case("./a/${b}/c", "./a/${b}/c"),
        Case("./${b}", "./${b}"),
        Case("<nixpkgs/lib>", "<nixpkgs/lib>"),
        Case("~/a", "error: the path '~/a' can not be resolved in pure mode"),
        Case("https://example.org/x?y=1", "https://example.org/x?y=1"),
        Case("github:NixOS/nixpkgs", "github:NixOS/nixpkgs"),
        Case("f x:x", "(f x:x)"),
        Case("a-b", "a-b"),
        Case("a - b", "(a - b)"),
        Case("a'", "a'"),
        Case("# c\n1 /* d */ + /** e */ 2", "(1 + 2)"),
        Case("{ a.b = 1; a.c = 2; }", "{ a = { b = 1; c = 2; }; }"),
        Case("{ a.b = 1; a = { c = 2; }; }", "{ a = { b = 1; c = 2; }; }"),
        Case("{ a = { c = 2; }; a.b = 1; }", "{ a = { c = 2; b = 1; }; }"),
        Case("{ a = rec { c = 2; }; a = { d = 1; }; }", "{ a = rec { c = 2; d = 1; }; }"),
        Case("{ \"a b\".c = 1; ${\"d\"} = 2; ${e} = 3; }", "{ \"a b\" = { c = 1; }; d = 2; ${e} = 3; }"),
        Case("{ x.${y}.z = 1; }", "{ x = { ${y} = { z = 1; }; }; }"),
    ]

    @Test(arguments: literals)
    func parsesLiteralsAndSets(_ c: Case) {
        #expect(canonical(c.source) == c.expected)
    }
}
