import FlakeLockBasics

/// A set under construction. Nix merges attribute paths while parsing (`addAttr` in
/// `parser-state.hh`), so sets stay mutable until their closing brace.
final class SetBuilder {
    enum Value {
        case expr(NixExpr)
        case set(SetBuilder)
    }

    struct Entry {
        var name: String
        var value: Value
        var kind: BindingKind
        var span: SourceSpan
    }

    struct DynamicEntry {
        var name: NixExpr
        var value: Value
        var span: SourceSpan
    }

    var isRecursive: Bool
    var span: SourceSpan
    var entries: [Entry] = []
    var indexByName: [String: Int] = [:]
    var dynamicEntries: [DynamicEntry] = []

    init(isRecursive: Bool, span: SourceSpan) {
        self.isRecursive = isRecursive
        self.span = span
    }

    /// A builder holding the attributes of an already parsed set literal.
    convenience init(thawing set: AttrSet, span: SourceSpan) {
        self.init(isRecursive: set.isRecursive, span: span)
        for binding in set.attributes {
            insert(Entry(name: binding.name, value: .expr(binding.value), kind: binding.kind, span: binding.span))
        }
        dynamicEntries = set.dynamicAttributes.map {
            DynamicEntry(name: $0.name, value: .expr($0.value), span: $0.span)
        }
    }

    func insert(_ entry: Entry) {
        indexByName[entry.name] = entries.count
        entries.append(entry)
    }

    /// The nested set stored under entry `index`, thawing a set literal if needed; nil if the
    /// entry is not an attribute set.
    func nestedSet(at index: Int) -> SetBuilder? {
        switch entries[index].value {
        case .set(let builder):
            return builder
        case .expr(let expr):
            guard case .attrSet(let set) = expr.kind else { return nil }
            let builder = SetBuilder(thawing: set, span: expr.span)
            entries[index].value = .set(builder)
            return builder
        }
    }

    func freeze(_ parser: Parser) throws(NixParseError) -> AttrSet {
        var attributes: [Binding] = []
        attributes.reserveCapacity(entries.count)
        for entry in entries {
            let value = try Self.freeze(entry.value, parser)
            attributes.append(Binding(name: entry.name, value: value, kind: entry.kind, span: entry.span))
        }
        var dynamics: [DynamicBinding] = []
        for entry in dynamicEntries {
            dynamics.append(
                DynamicBinding(name: entry.name, value: try Self.freeze(entry.value, parser), span: entry.span))
        }
        return AttrSet(isRecursive: isRecursive, attributes: attributes, dynamicAttributes: dynamics)
    }

    static func freeze(_ value: Value, _ parser: Parser) throws(NixParseError) -> NixExpr {
        switch value {
        case .expr(let expr):
            return expr
        case .set(let builder):
            let set = try builder.freeze(parser)
            return try parser.node(.attrSet(set), builder.span.start, builder.span.end)
        }
    }
}

extension Parser {
    // MARK: binds

    /// Parses bindings up to (not including) `terminator`. `opening` is the `{` of a plain set,
    /// whose first attribute path Nix cannot yet tell apart from a formal argument.
    mutating func parseBindings(until terminator: TokenKind, opening: Token?) throws(NixParseError) -> AttrSet {
        let builder = SetBuilder(isRecursive: false, span: span(peek.start, peek.start))
        var first = true
        while peek.kind != terminator {
            if case .kwInherit = peek.kind {
                try parseInherit(into: builder)
            } else {
                let pathStart = peek.start
                let path = try parseAttrPath()
                let pathSpan = span(pathStart, lastEnd)
                let ambiguous = first && opening != nil && path.count == 1
                _ = try expectPunct("=", expecting: ambiguous ? nil : "'.' or '='")
                let value = try parseExpr()
                _ = try expectPunct(";", expecting: "';'")
                try addAttribute(to: builder, path: path, span: pathSpan, value: value)
            }
            first = false
        }
        return try builder.freeze(self)
    }

    private mutating func parseInherit(into builder: SetBuilder) throws(NixParseError) {
        advance()
        var source: NixExpr?
        if peek.isPunct("(") {
            advance()
            source = try parseExpr()
            _ = try expectPunct(")", expecting: "')'")
        }
        while true {
            let token = peek
            let name: String
            switch token.kind {
            case .identifier(let id):
                advance()
                name = id
            case .kwOr:
                advance()
                name = "or"
            case .quote, .dollarCurly:
                let component = try parseStringAttr()
                guard case .static(let text) = component.name else {
                    throw NixParseError("dynamic attributes not allowed in inherit", at: component.span)
                }
                name = text
            default:
                _ = try expectPunct(";")
                return
            }
            let nameSpan = span(token.start, lastEnd)
            if let index = builder.indexByName[name] {
                throw duplicate(name, at: nameSpan, previous: builder.entries[index].span)
            }
            let value: NixExpr
            if let source {
                let component = AttrPathComponent(name: .static(name), span: nameSpan)
                value = try node(.select(source, [component], default: nil), token.start, lastEnd)
            } else {
                value = try node(.variable(name), token.start, lastEnd)
            }
            let kind: BindingKind = source == nil ? .inherited : .inheritedFrom
            builder.insert(SetBuilder.Entry(name: name, value: .expr(value), kind: kind, span: nameSpan))
        }
    }

    func duplicate(_ path: String, at: SourceSpan, previous: SourceSpan) -> NixParseError {
        NixParseError("attribute '\(path)' already defined at \(previous)", at: at)
    }

    /// Nix's `addAttr`: walks (creating or reusing) the sets named by all but the last
    /// component, then adds the value, merging two attribute-set literals.
    private mutating func addAttribute(
        to root: SetBuilder, path: [AttrPathComponent], span pathSpan: SourceSpan, value: NixExpr
    ) throws(NixParseError) {
        guard let last = path.last else { return }
        var current = root
        var shown: [String] = []
        for component in path.dropLast() {
            switch component.name {
            case .static(let name):
                shown.append(name)
                if let index = current.indexByName[name] {
                    guard let nested = current.nestedSet(at: index) else {
                        throw duplicate(
                            shown.joined(separator: "."), at: pathSpan, previous: current.entries[index].span)
                    }
                    current = nested
                } else {
                    let nested = SetBuilder(isRecursive: false, span: pathSpan)
                    current.insert(SetBuilder.Entry(name: name, value: .set(nested), kind: .plain, span: pathSpan))
                    current = nested
                }
            case .dynamic(let nameExpr):
                var shownName = ""
                CanonicalPrinter.write(nameExpr, to: &shownName)
                shown.append("\"${\(shownName)}\"")
                let nested = SetBuilder(isRecursive: false, span: pathSpan)
                current.dynamicEntries.append(
                    SetBuilder.DynamicEntry(name: nameExpr, value: .set(nested), span: pathSpan))
                current = nested
            }
        }
        switch last.name {
        case .static(let name):
            shown.append(name)
            let entry = SetBuilder.Entry(name: name, value: .expr(value), kind: .plain, span: pathSpan)
            try merge(entry, into: current, shownPath: shown)
        case .dynamic(let nameExpr):
            current.dynamicEntries.append(SetBuilder.DynamicEntry(name: nameExpr, value: .expr(value), span: pathSpan))
        }
    }

    /// Adds `entry` to `set`; if the name exists and both values are set literals, merges
    /// the new set's attributes into the old one (the new set's `rec` is dropped, as in Nix).
    private func merge(_ entry: SetBuilder.Entry, into set: SetBuilder, shownPath: [String]) throws(NixParseError) {
        guard let index = set.indexByName[entry.name] else {
            set.insert(entry)
            return
        }
        guard case .expr(let newExpr) = entry.value, case .attrSet(let newSet) = newExpr.kind,
            let existing = set.nestedSet(at: index)
        else {
            throw duplicate(shownPath.joined(separator: "."), at: entry.span, previous: set.entries[index].span)
        }
        for binding in newSet.attributes {
            let nestedEntry = SetBuilder.Entry(
                name: binding.name, value: .expr(binding.value), kind: binding.kind, span: binding.span)
            try merge(nestedEntry, into: existing, shownPath: shownPath + [binding.name])
        }
        existing.dynamicEntries += newSet.dynamicAttributes.map {
            SetBuilder.DynamicEntry(name: $0.name, value: .expr($0.value), span: $0.span)
        }
    }

    // MARK: attrpath

    /// Parses `attr ('.' attr)*` where an attr is an identifier, `or`, `"string"` or `${e}`.
    mutating func parseAttrPath() throws(NixParseError) -> [AttrPathComponent] {
        var components: [AttrPathComponent] = []
        repeat {
            if !components.isEmpty { advance() }
            let token = peek
            switch token.kind {
            case .identifier(let name):
                advance()
                components.append(AttrPathComponent(name: .static(name), span: spanOf(token)))
            case .kwOr:
                advance()
                components.append(AttrPathComponent(name: .static("or"), span: spanOf(token)))
            case .quote, .dollarCurly:
                components.append(try parseStringAttr())
            default:
                throw unexpected(token)
            }
            if components.count > options.maximumDepth { throw tooDeep(token.start) }
        } while peek.isPunct(".")
        return components
    }

    /// `"…"` or `${e}` as an attribute name; static when it is a plain string literal.
    mutating func parseStringAttr() throws(NixParseError) -> AttrPathComponent {
        let start = peek.start
        let expr: NixExpr
        if case .dollarCurly = peek.kind {
            advance()
            expr = try parseExpr()
            _ = try expectPunct("}", expecting: "'}'")
        } else {
            expr = try parseString()
        }
        let nameSpan = span(start, lastEnd)
        if case .string(let text, _) = expr.kind {
            return AttrPathComponent(name: .static(text), span: nameSpan)
        }
        return AttrPathComponent(name: .dynamic(expr), span: nameSpan)
    }
}
