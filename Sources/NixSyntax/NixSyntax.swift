// NixSyntax: the Nix language's syntax, and what `nix flake lock` reads from flake.nix.
//
// Entry points: `NixParser.parse(_:file:options:)` gives a `NixExpr` tree with source spans;
// `FlakeFileReader.read(text:file:flakeName:options:)` gives a `FlakeFile`.
//
// The grammar follows NixOS/nix `src/libexpr/lexer.l` and `parser.y`:
//
//   expr_function := ID ':' expr_function | formals ':' expr_function
//                  | formals '@' ID ':' expr_function | ID '@' formals ':' expr_function
//                  | 'assert' expr ';' expr_function | 'with' expr ';' expr_function
//                  | 'let' binds 'in' expr_function | expr_if
//   expr_if       := 'if' expr 'then' expr 'else' expr | expr_op ('|>' expr_op)* | expr_op ('<|' expr_op)*
//   expr_op       := prefix/infix operators, loosest first:
//                    -> (right) · || · && · == != (non-assoc) · < > <= >= (non-assoc) · // (right)
//                    · ! (prefix) · + - · * / · ++ (right) · ? attrpath · - (prefix)
//   expr_app      := expr_select+                  (one call with all arguments)
//   expr_select   := expr_simple '.' attrpath ('or' expr_select)? | expr_simple 'or' | expr_simple
//   expr_simple   := ID | INT | FLOAT | "string" | ''indented'' | path | <spath> | URI | '(' expr ')'
//                  | 'let' '{' binds '}' | 'rec' '{' binds '}' | '{' binds '}' | '[' expr_select* ']'
//   binds         := (attrpath '=' expr ';' | 'inherit' ('(' expr ')')? attr* ';')*
//   attrpath      := attr ('.' attr)*     attr := ID | 'or' | "string" | '${' expr '}'
//
// Lexing is longest-match with ties to the earlier rule, with start states for strings,
// indented strings and paths (`./a/${b}` is a path followed by an interpolation). Notable
// rules kept from Nix: `x:y` is a URI; `a-b` and `a'` are identifiers; `1/2` is a path;
// `$${` in a string is literal; a NUL byte outside strings ends the input; attribute paths
// merge at parse time (`{ a.b = 1; a.c = 2; }`), and so do two set literals for one name.
//
// Limits: nesting is bounded (`NixParser.Options.maximumDepth`, default 1000) so deep input
// gives an error instead of a stack overflow; parsing runs on a thread with a large stack.
// Not implemented: Nix's check for undefined variables (done by Nix after parsing).
