import FlakeLockBasics

/// Reads the parts of a `flake.nix` that locking needs, without evaluating Nix.
///
/// Follows Nix's `readFlake`/`getFlake` and `parseFlakeInput` (`src/libflake/flake.cc`):
/// the file must be an attribute set literal; only `description`, `inputs`, `outputs` and
/// `nixConfig` may appear at the top; and values are accepted only if they are trivial
/// (literals, set and list literals, functions), since Nix forces nothing else.
///
/// ```swift
/// let flake = try FlakeFileReader.read(
///     text: #"{ inputs.nixpkgs.url = "github:NixOS/nixpkgs"; outputs = { self, nixpkgs }: { }; }"#,
///     file: "/src/flake.nix", flakeName: "path:/src")
/// flake.inputs[0].url  // .string("github:NixOS/nixpkgs")
/// ```
public enum FlakeFileReader {
    /// Parses `text` and extracts the flake's declarations.
    /// - Parameters:
    ///   - text: the contents of `flake.nix`.
    ///   - file: the path shown in positions and in `file '…' must be an attribute set`.
    ///   - flakeName: how the flake is named in `flake '…' lacks attribute 'outputs'` and
    ///     `flake '…' has an unsupported attribute` (Nix shows the flake reference).
    ///   - options: parser options (pipe operators, pure evaluation, depth limit).
    /// - Returns: the flake's description, inputs, `nixConfig` and `outputs` arguments.
    /// - Throws: ``FlakeFileError``.
    public static func read(
        text: String, file: String, flakeName: String? = nil, options: NixParser.Options = .init()
    ) throws(FlakeFileError) -> FlakeFile {
        let expr: NixExpr
        do {
            expr = try NixParser.parse(text, file: file, options: options)
        } catch {
            throw .syntax(error)
        }
        return try read(expr: expr, file: file, flakeName: flakeName ?? file)
    }

    /// Extracts the flake's declarations from an already parsed `flake.nix`.
    /// See ``read(text:file:flakeName:options:)``.
    public static func read(expr: NixExpr, file: String, flakeName: String) throws(FlakeFileError) -> FlakeFile {
        guard case .attrSet(let top) = expr.kind else { throw .notAnAttributeSet(file: file) }
        if let dynamic = top.dynamicAttributes.first { throw .dynamicTopLevelAttribute(span: dynamic.span) }
        let scope = TrivialValue.Scope().entering(top)
        let outer = TrivialValue.Scope()

        var description: String?
        if let binding = top["description"] {
            guard case .string(let text) = TrivialValue.binding(binding, in: scope, outer: outer, forcing: true)
            else { throw mismatch("a string", binding, scope, outer) }
            description = text
        }

        var inputs: [InputDecl] = []
        if let binding = top["inputs"] {
            inputs = try readInputs(TrivialValue.binding(binding, in: scope, outer: outer, forcing: true), binding.span)
        }

        guard let outputs = top["outputs"] else { throw .missingOutputs(flake: flakeName) }
        guard case .function(let lambda) = TrivialValue.binding(outputs, in: scope, outer: outer, forcing: true) else {
            throw mismatch("a function", outputs, scope, outer)
        }
        var formals: [String]?
        var hasEllipsis = false
        if case .pattern(let set) = lambda.parameter {
            formals = set.formals.map(\.name)
            hasEllipsis = set.hasEllipsis
        }

        var nixConfig: [ConfigSetting] = []
        if let binding = top["nixConfig"] {
            guard
                case .set(let settings, let inner, let around) =
                    TrivialValue.binding(binding, in: scope, outer: outer, forcing: true)
            else { throw mismatch("a set", binding, scope, outer) }
            nixConfig = try readConfig(settings, inner, around)
        }

        let allowed: Set<String> = ["description", "inputs", "outputs", "nixConfig"]
        if let unsupported = top.attributes.first(where: { !allowed.contains($0.name) }) {
            throw .unsupportedAttribute(flake: flakeName, name: unsupported.name, span: unsupported.span)
        }

        return FlakeFile(
            description: description, inputs: inputs, nixConfig: nixConfig, outputsFormals: formals,
            outputsHasEllipsis: hasEllipsis, outputsSpan: outputs.span)
    }

    private static func mismatch(
        _ expected: String, _ binding: Binding, _ scope: TrivialValue.Scope, _ outer: TrivialValue.Scope
    ) -> FlakeFileError {
        let actual = TrivialValue.binding(binding, in: scope, outer: outer, forcing: true).typeName
        return .typeMismatch(expected: expected, actual: actual, span: binding.span)
    }

    /// The bindings of a set in byte-wise name order.
    private static func sorted(_ set: AttrSet) -> [Binding] {
        set.attributes.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    /// `inputs` (or a nested `inputs`): must be a set of specs.
    private static func readInputs(_ value: TrivialValue, _ span: SourceSpan) throws(FlakeFileError) -> [InputDecl] {
        guard case .set(let set, let inner, let outer) = value else {
            throw .typeMismatch(expected: "a set", actual: value.typeName, span: span)
        }
        var inputs: [InputDecl] = []
        for binding in sorted(set) {
            let spec = TrivialValue.binding(binding, in: inner, outer: outer, forcing: true)
            inputs.append(try readInput(name: binding.name, spec, binding.span))
        }
        return inputs
    }

    /// One input spec (`parseFlakeInput`).
    private static func readInput(name: String, _ value: TrivialValue, _ span: SourceSpan) throws(FlakeFileError)
        -> InputDecl
    {
        guard case .set(let set, let inner, let outer) = value else {
            throw .typeMismatch(expected: "a set", actual: value.typeName, span: span)
        }
        var input = InputDecl(name: name, span: span)
        for binding in sorted(set) {
            do {
                try readInputAttribute(binding, into: &input, inner, outer)
            } catch {
                throw .inInputAttribute(name: binding.name, underlying: error)
            }
        }
        return input
    }

    /// One attribute of an input spec.
    private static func readInputAttribute(
        _ binding: Binding, into input: inout InputDecl, _ inner: TrivialValue.Scope, _ outer: TrivialValue.Scope
    ) throws(FlakeFileError) {
        let forced = TrivialValue.binding(binding, in: inner, outer: outer, forcing: true)
        switch binding.name {
        case "url":
            switch forced {
            case .string(let text): input.url = .string(text)
            case .path(let text): input.url = .path(text)
            default:
                throw .typeMismatch(expected: "a string or a path", actual: forced.typeName, span: binding.span)
            }
            input.urlSpan = binding.span
        case "flake":
            guard case .bool(let flag) = forced else {
                throw .typeMismatch(expected: "a Boolean", actual: forced.typeName, span: binding.span)
            }
            input.flake = flag
            input.flakeSpan = binding.span
        case "follows":
            guard case .string(let text) = forced else {
                throw .typeMismatch(expected: "a string", actual: forced.typeName, span: binding.span)
            }
            input.follows = text
            input.followsSpan = binding.span
        case "inputs":
            input.inputs = try readInputs(forced, binding.span)
            input.inputsSpan = binding.span
        default:
            // Nix does not force other attributes: set and list literals stay thunks.
            let value: AttrValue
            switch TrivialValue.binding(binding, in: inner, outer: outer, forcing: false) {
            case .string(let text): value = .string(text)
            case .bool(let flag): value = .bool(flag)
            case .int(let number) where number >= 0: value = .int(UInt64(number))
            case let other:
                throw .invalidInputAttribute(name: binding.name, actual: other.typeName, span: binding.span)
            }
            input.attributes.append(InputAttribute(name: binding.name, value: value, span: binding.span))
        }
    }

    /// The `nixConfig` settings.
    private static func readConfig(_ set: AttrSet, _ inner: TrivialValue.Scope, _ outer: TrivialValue.Scope)
        throws(FlakeFileError) -> [ConfigSetting]
    {
        var settings: [ConfigSetting] = []
        for binding in sorted(set) {
            let value: ConfigValue
            switch TrivialValue.binding(binding, in: inner, outer: outer, forcing: true) {
            case .string(let text): value = .string(text)
            case .path(let text): value = .path(text)
            case .int(let number): value = .int(number)
            case .bool(let flag): value = .bool(flag)
            case .list(let items):
                var strings: [String] = []
                for item in items {
                    guard case .string(let text) = TrivialValue.unforced(item, scope: inner) else {
                        throw .invalidConfigListElement(name: binding.name, span: binding.span)
                    }
                    strings.append(text)
                }
                value = .stringList(strings)
            case let other:
                throw .invalidConfigSetting(name: binding.name, actual: other.typeName, span: binding.span)
            }
            settings.append(ConfigSetting(name: binding.name, value: value, span: binding.span))
        }
        return settings
    }
}
