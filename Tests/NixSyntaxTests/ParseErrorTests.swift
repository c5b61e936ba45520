import FlakeLockBasics
import Testing

@testable import NixSyntax

struct ParseErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: MarkedText
        var message: String
        var testDescription: String { text.testDescription }
        init(_ text: String, _ message: String) {
            self.text = MarkedText(text)
            self.message = message
        }
    }

    static let cases: [Case] = [
        Case("{ a = 1 1️⃣}", "syntax error, unexpected '}', expecting ';'"),
        Case("{ a = 1; }1️⃣}", "syntax error, unexpected '}'"),
        Case("1️⃣}", "syntax error, unexpected '}'"),
        Case("{ a = 1;\n  b = 2;\n  1️⃣a = 3; }", "attribute 'a' already defined at t.nix:1:3"),
        Case("{ a.b = 1;\n  1️⃣a.b = 2; }", "attribute 'a.b' already defined at t.nix:1:3"),
        Case("{ a = 1; 1️⃣a.b = 2; }", "attribute 'a' already defined at t.nix:1:3"),
        Case("{ a = { b = 1; }; a = { 1️⃣b = 2; }; }", "attribute 'a.b' already defined at t.nix:1:9"),
        Case("{ a = 1; inherit 1️⃣a; }", "attribute 'a' already defined at t.nix:1:3"),
        Case("{ inherit a; 1️⃣a.b = 1; }", "attribute 'a' already defined at t.nix:1:11"),
        Case("{ inherit 1️⃣${a}; }", "dynamic attributes not allowed in inherit"),
        Case("1️⃣let ${a} = 1; in 2", "dynamic attributes not allowed in let"),
        Case("{ a, 1️⃣a }: a", "duplicate formal function argument 'a'"),
        Case("1️⃣{ a }@a: a", "duplicate formal function argument 'a'"),
        Case("{ a }1️⃣", "syntax error, unexpected end of file, expecting ':' or '@'"),
        Case("{ a, b 1️⃣= 1; }", "syntax error, unexpected '=', expecting ',' or '}'"),
        Case("if a 1️⃣else b", "syntax error, unexpected 'else', expecting 'then'"),
        Case("(a 1️⃣", "syntax error, unexpected end of file, expecting ')'"),
        Case("a == b 1️⃣== c", "syntax error, unexpected '=='"),
        Case("a < b 1️⃣> c", "syntax error, unexpected '>'"),
        Case("[ 1️⃣-1 ]", "syntax error, unexpected '-'"),
        Case("a 1️⃣% b", "syntax error, unexpected invalid token"),
        Case("\"abc1️⃣", "syntax error, unexpected end of file"),
        Case("''abc1️⃣", "syntax error, unexpected end of file"),
        Case("./a/1️⃣ ", "path has a trailing slash"),
        Case("1️⃣99999999999999999999", "invalid integer '99999999999999999999'"),
        Case("1️⃣1.0e999", "invalid float '1.0e999'"),
        Case("{ a = 1; } 1️⃣)", "syntax error, unexpected ')'"),
        Case("let a = 1; 1️⃣2", "syntax error, unexpected integer"),
        Case("f let 1️⃣a = 1; in a", "syntax error, unexpected identifier, expecting '{'"),
        Case("a.b or1️⃣", "syntax error, unexpected end of file"),
        Case("{ a.1️⃣; }", "syntax error, unexpected ';'"),
    ]

    @Test(arguments: cases)
    func reportsNixErrorAtMarker(_ c: Case) {
        do {
            let expr = try NixParser.parse(c.text.source, file: "t.nix")
            Issue.record("parsed as \(expr.canonicalDescription)")
        } catch {
            #expect(error.message == c.message)
            #expect("\(error.span.start)" == c.text.markerPosition)
            #expect(error.description == "t.nix:\(c.text.markerPosition): error: \(c.message)")
        }
    }

    @Test func nulByteEndsInputLikeNix() throws {
        let expr = try NixParser.parse("{ a = 1; }\u{0} garbage", file: "t.nix")
        #expect(expr.canonicalDescription == "{ a = 1; }")
    }

    @Test(arguments: ["(", "[", "{ a = ", "-", "!", "x: ", "a.b or ", "\"${", "let a = 1; in ", "a // "])
    func deepNestingIsAnErrorNotACrash(_ opener: String) {
        let source = String(repeating: opener, count: 5000) + "1"
        do {
            _ = try NixParser.parse(source, file: "t.nix")
            Issue.record("expected a nesting error")
        } catch {
            #expect(error.message.contains("nested too deeply") || error.message.hasPrefix("syntax error"))
        }
    }

    @Test func longLeftAssociativeChainIsBounded() {
        let source = Array(repeating: "1", count: 20000).joined(separator: " + ")
        #expect(throws: NixParseError.self) { try NixParser.parse(source, file: "t.nix") }
        let ok = Array(repeating: "1", count: 500).joined(separator: " + ")
        #expect(throws: Never.self) { try NixParser.parse(ok, file: "t.nix") }
    }

    @Test func realisticNestingIsAccepted() throws {
        let source = String(repeating: "{ a = ", count: 200) + "1" + String(repeating: "; }", count: 200)
        _ = try NixParser.parse(source, file: "t.nix")
    }
}
