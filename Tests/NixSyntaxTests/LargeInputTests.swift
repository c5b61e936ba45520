import FlakeLockBasics
import Testing

@testable import NixSyntax

/// Inputs far larger than real flakes. Lexing is linear, so each of these finishes quickly;
/// a lexer that reads a run of path characters again for every token in it (quadratic)
/// would take minutes here, which is the failure signal — no test measures time.
struct LargeInputTests {
    static let steps = 200_000

    static func dotted(_ name: String, _ count: Int) -> String {
        Array(repeating: name, count: count).joined(separator: ".")
    }

    /// A 200,000-step dotted attribute path passes the nesting limit at step 1,001: the error
    /// names that step, and the rest of the input is never lexed.
    @Test func longDottedPathStopsAtTheLimit() throws {
        let source = "{ " + Self.dotted("a", Self.steps) + " = 1; }"
        let (result, produced) = Self.parseCountingTokens(source)
        guard case .failure(let error) = result else {
            Issue.record("expected a nesting error")
            return
        }
        #expect(error.message == "expression is nested too deeply (more than 1000 levels)")
        #expect("\(error.span.start)" == "1:\(3 + 2 * 1000)")
        #expect(produced < 2 * 1000 + 10)
        #expect(throws: error) { try NixParser.parse(source, file: "t.nix") }
    }

    /// Deep nesting likewise stops at the limit while parsing.
    @Test(arguments: ["[", "{ a = ", "(", "x: "])
    func deepNestingStopsAtTheLimit(_ opener: String) throws {
        let (result, produced) = Self.parseCountingTokens(String(repeating: opener, count: Self.steps / 2) + "1")
        guard case .failure(let error) = result else {
            Issue.record("expected a nesting error")
            return
        }
        #expect(error.message == "expression is nested too deeply (more than 1000 levels)")
        #expect(produced < 4 * 1000 + 10)
    }

    /// Parses `source` as ``NixParser`` does (on a large stack) and says how many tokens
    /// were lexed by the time parsing ended.
    static func parseCountingTokens(_ source: String) -> (Result<Bool, NixParseError>, Int) {
        let bytes = Array(source.utf8)
        return LargeStack.run { () -> (Result<Bool, NixParseError>, Int) in
            let stream = TokenStream(Lexer(bytes: bytes, file: "t.nix", allowPipeOperators: false))
            var parser = Parser(tokens: stream, file: "t.nix", options: NixParser.Options())
            do throws(NixParseError) {
                _ = try parser.parseExpr()
                return (.success(true), stream.produced)
            } catch {
                return (.failure(error), stream.produced)
            }
        }
    }

    /// Many paths within the limit, 100 of 900 steps each (90,000 steps, 180,000 bytes of
    /// path characters): all are read, and each becomes a nested set.
    @Test func manyLongPathsWithinTheLimit() throws {
        let bindings = (0..<100).map { "k\($0)." + Self.dotted("a", 899) + " = \($0);" }
        let expr = try NixParser.parse("{ " + bindings.joined(separator: " ") + " }", file: "t.nix")
        guard case .attrSet(let set) = expr.kind else {
            Issue.record("not a set")
            return
        }
        #expect(set.attributes.map(\.name) == (0..<100).map { "k\($0)" })
        var value = try #require(set.attributes.first { $0.name == "k7" }).value
        var depth = 1
        while case .attrSet(let inner) = value.kind {
            #expect(inner.attributes.map(\.name) == ["a"])
            value = inner.attributes[0].value
            depth += 1
        }
        #expect(depth == 900)
        #expect(value.canonicalDescription == "7")
    }

    /// Every token of `source`, lexed on its own (no parser to stop early).
    static func lexAll(_ source: String) -> [Token] {
        let stream = TokenStream(Lexer(bytes: Array(source.utf8), file: "t.nix", allowPipeOperators: false))
        var i = 0
        while !stream.isLast(i) { i += 1 }
        return (0...i).map { stream[$0] }
    }

    /// One token hundreds of kilobytes long (a path, a URI, a search path), and runs that
    /// every token start used to scan again: a dotted run lexed alone, and `/*` never closed.
    @Test func longTokensAndRuns() throws {
        let run = Self.dotted("a", Self.steps)
        // Compared as Booleans: a failure must not print half a megabyte.
        let path = try NixParser.parse("./" + run + "/b", file: "/d/t.nix").canonicalDescription
        let pathMatches = path == "./" + run + "/b"
        #expect(pathMatches, "\(path.prefix(60))…\(path.suffix(20))")
        let uri = try NixParser.parse("x:" + run, file: "t.nix").canonicalDescription
        let uriMatches = uri == "x:" + run
        #expect(uriMatches, "\(uri.prefix(60))…")
        let search = try NixParser.parse("<" + run + "/b>", file: "t.nix").canonicalDescription
        let searchMatches = search == "<" + run + "/b>"
        #expect(searchMatches, "\(search.prefix(60))…")

        let dots = Self.lexAll(run)
        #expect(dots.count == 2 * Self.steps)
        #expect(dots[0].kind == .identifier("a") && dots[1].kind == .punct(UInt8(ascii: ".")))
        #expect(dots.last?.kind == .endOfFile && dots.last?.start.column == 2 * Self.steps)
        let comments = Self.lexAll(String(repeating: "/* ", count: Self.steps / 2))
        #expect(comments.count == Self.steps + 1)
        #expect(
            comments.dropLast().allSatisfy {
                $0.kind == .punct(UInt8(ascii: "/")) || $0.kind == .punct(UInt8(ascii: "*"))
            })
        let closed = Self.lexAll(String(repeating: "/* ", count: Self.steps / 2) + "*/ x")
        #expect(closed.map(\.kind) == [.identifier("x"), .endOfFile])
    }
}
