extension NixExpr {
    /// The expression printed in a canonical, fully parenthesised form, e.g.
    /// `((1 + (2 * 3)) == x)`, `(f a b)`, `{ a = { b = 1; }; }`. Meant for tests and
    /// diagnostics; attribute sets list attributes in order of first definition.
    public var canonicalDescription: String {
        let expr = self
        return LargeStack.run {
            var out = ""
            CanonicalPrinter.write(expr, to: &out)
            return out
        }
    }
}

enum CanonicalPrinter {
    static func write(_ e: NixExpr, to out: inout String) {
        switch e.kind {
        case .int(let value): out += String(value)
        case .float(let value): out += String(value)
        case .string(let text, let isURI): out += isURI ? text : quoted(text)
        case .interpolatedString(let parts):
            out += "\""
            for part in parts {
                switch part {
                case .literal(let text): out += escaped(text)
                case .interpolation(let inner): writeInterpolation(inner, to: &out)
                }
            }
            out += "\""
        case .path(let text): out += text
        case .interpolatedPath(let parts):
            for part in parts {
                switch part {
                case .literal(let text): out += text
                case .interpolation(let inner): writeInterpolation(inner, to: &out)
                }
            }
        case .searchPath(let name): out += "<\(name)>"
        case .variable(let name): out += name
        case .currentPosition: out += "__curPos"
        case .select(let base, let path, let fallback):
            out += "("
            write(base, to: &out)
            out += "."
            writePath(path, to: &out)
            if let fallback {
                out += " or "
                write(fallback, to: &out)
            }
            out += ")"
        case .hasAttr(let base, let path):
            out += "("
            write(base, to: &out)
            out += " ? "
            writePath(path, to: &out)
            out += ")"
        case .apply(let function, let arguments):
            out += "("
            write(function, to: &out)
            for argument in arguments {
                out += " "
                write(argument, to: &out)
            }
            out += ")"
        case .unary(let op, let operand):
            out += "(\(op.rawValue)"
            write(operand, to: &out)
            out += ")"
        case .binary(let op, let lhs, let rhs):
            out += "("
            write(lhs, to: &out)
            out += " \(op.rawValue) "
            write(rhs, to: &out)
            out += ")"
        case .list(let items):
            out += "["
            for item in items {
                out += " "
                write(item, to: &out)
            }
            out += " ]"
        case .attrSet(let set):
            if set.isRecursive { out += "rec " }
            writeBindings(set, to: &out)
        case .letIn(let set, let body):
            out += "(let"
            writeBindingList(set, to: &out)
            out += " in "
            write(body, to: &out)
            out += ")"
        case .legacyLet(let set):
            out += "(let "
            writeBindings(set, to: &out)
            out += ")"
        case .with(let scope, let body):
            writeKeyword("with", scope, body, to: &out)
        case .assert(let condition, let body):
            writeKeyword("assert", condition, body, to: &out)
        case .ifThenElse(let condition, let then, let otherwise):
            out += "(if "
            write(condition, to: &out)
            out += " then "
            write(then, to: &out)
            out += " else "
            write(otherwise, to: &out)
            out += ")"
        case .lambda(let lambda):
            out += "("
            writeParameter(lambda.parameter, to: &out)
            out += ": "
            write(lambda.body, to: &out)
            out += ")"
        }
    }

    private static func writeKeyword(_ keyword: String, _ head: NixExpr, _ body: NixExpr, to out: inout String) {
        out += "(\(keyword) "
        write(head, to: &out)
        out += "; "
        write(body, to: &out)
        out += ")"
    }

    private static func writeInterpolation(_ e: NixExpr, to out: inout String) {
        out += "${"
        write(e, to: &out)
        out += "}"
    }

    private static func writeBindings(_ set: AttrSet, to out: inout String) {
        out += "{"
        writeBindingList(set, to: &out)
        out += " }"
    }

    private static func writeBindingList(_ set: AttrSet, to out: inout String) {
        for binding in set.attributes {
            switch binding.kind {
            case .inherited:
                out += " inherit \(attrName(binding.name));"
            case .inheritedFrom:
                out += " inherit ("
                if case .select(let source, _, _) = binding.value.kind { write(source, to: &out) }
                out += ") \(attrName(binding.name));"
            case .plain:
                out += " \(attrName(binding.name)) = "
                write(binding.value, to: &out)
                out += ";"
            }
        }
        for dynamic in set.dynamicAttributes {
            out += " "
            writeInterpolation(dynamic.name, to: &out)
            out += " = "
            write(dynamic.value, to: &out)
            out += ";"
        }
    }

    private static func writePath(_ path: [AttrPathComponent], to out: inout String) {
        for (index, component) in path.enumerated() {
            if index > 0 { out += "." }
            switch component.name {
            case .static(let name): out += attrName(name)
            case .dynamic(let e): writeInterpolation(e, to: &out)
            }
        }
    }

    private static func writeParameter(_ parameter: LambdaParameter, to out: inout String) {
        switch parameter {
        case .identifier(let name):
            out += name
        case .pattern(let set):
            if let binding = set.binding, set.bindingComesFirst { out += "\(binding)@" }
            var items: [String] = []
            for formal in set.formals {
                var item = formal.name
                if let value = formal.defaultValue {
                    item += " ? "
                    write(value, to: &item)
                }
                items.append(item)
            }
            if set.hasEllipsis { items.append("...") }
            out += items.isEmpty ? "{ }" : "{ " + items.joined(separator: ", ") + " }"
            if let binding = set.binding, !set.bindingComesFirst { out += "@\(binding)" }
        }
    }

    /// An attribute name, bare if it is an identifier (or `or`), quoted otherwise.
    static func attrName(_ name: String) -> String {
        let bytes = Array(name.utf8)
        let pattern = LexerPatterns(bytes: bytes)
        let isPlain =
            !bytes.isEmpty && pattern.identifier(0) == bytes.count
            && (TokenKind.keywords[name] == nil || name == "or")
        return isPlain ? name : quoted(name)
    }

    static func quoted(_ text: String) -> String { "\"" + escaped(text) + "\"" }

    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out.replacingDollarCurly()
    }
}

extension String {
    /// Escapes `${` as `\${` so printed strings read back the same.
    fileprivate func replacingDollarCurly() -> String {
        var out = ""
        var iterator = unicodeScalars.makeIterator()
        var pending: Unicode.Scalar?
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if scalar == "$" {
                let next = iterator.next()
                if next == "{" {
                    out += "\\${"
                } else {
                    out += "$"
                    pending = next
                }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
