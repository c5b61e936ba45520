import FlakeLockBasics

/// What Nix reads from a `flake.nix`, as raw facts: nothing here is version-specific, and
/// URLs are not yet parsed into flake references.
public struct FlakeFile: Sendable {
    /// The `description` string, if present.
    public var description: String?
    /// The declared inputs, sorted byte-wise by name.
    public var inputs: [InputDecl]
    /// The `nixConfig` settings, sorted byte-wise by name.
    public var nixConfig: [ConfigSetting]
    /// The formal argument names of `outputs` in source order, when `outputs` is a function
    /// with a set pattern (`{ self, nixpkgs, ... }: …`); nil for `inputs: …`.
    public var outputsFormals: [String]?
    /// Whether the `outputs` set pattern ends in `...`.
    public var outputsHasEllipsis: Bool
    /// Where `outputs` is defined.
    public var outputsSpan: SourceSpan
}

/// One input spec from `inputs` (or an override from a nested `inputs`).
public struct InputDecl: Sendable, Equatable {
    /// The input name: any attribute name (`nixpkgs`, `"foo.bar"`, `Zed`).
    public var name: String
    /// Where the input's attribute is defined; Nix's `at <pos>` for the spec.
    public var span: SourceSpan
    /// The `url` attribute.
    public var url: URLValue?
    /// The `flake` attribute (`false` for a non-flake input).
    public var flake: Bool?
    /// The `follows` attribute, unsplit; see ``FollowsPath/components(of:)``.
    public var follows: String?
    /// Every other attribute (`type`, `owner`, `ref`, `dir`, …), sorted byte-wise by name.
    public var attributes: [InputAttribute]
    /// Nested `inputs`: overrides for this input's own inputs, sorted by name.
    public var inputs: [InputDecl]
    /// Where `url` is defined, when present.
    public var urlSpan: SourceSpan?
    /// Where `flake` is defined, when present.
    public var flakeSpan: SourceSpan?
    /// Where `follows` is defined, when present.
    public var followsSpan: SourceSpan?
    /// Where the nested `inputs` is defined, when present.
    public var inputsSpan: SourceSpan?

    /// Creates a declaration with only a name and a position.
    public init(name: String, span: SourceSpan) {
        self.name = name
        self.span = span
        self.attributes = []
        self.inputs = []
    }

    /// The other attribute with the given name.
    public func attribute(_ name: String) -> AttrValue? {
        attributes.first { $0.name == name }?.value
    }
}

/// The value of an input's `url` attribute.
public enum URLValue: Sendable, Hashable {
    /// A string such as `"github:NixOS/nixpkgs"` (or a URI literal).
    case string(String)
    /// A path literal such as `./sub` (accepted by Nix ≥ 2.26), as written.
    case path(String)
}

/// An input attribute other than `url`, `flake`, `follows` and `inputs`.
public struct InputAttribute: Sendable, Equatable {
    /// The attribute name.
    public var name: String
    /// Its value.
    public var value: AttrValue
    /// Where it is defined.
    public var span: SourceSpan
}

/// A value of an input attribute: Nix allows strings, Booleans and (non-negative) integers.
public enum AttrValue: Sendable, Hashable {
    /// A string, e.g. `ref = "main";`.
    case string(String)
    /// An integer, e.g. `revCount = 3;` (a literal can't be negative: `-1` is `0 - 1`).
    case int(UInt64)
    /// A Boolean, e.g. `submodules = true;`.
    case bool(Bool)
}

/// One `nixConfig` setting.
public struct ConfigSetting: Sendable, Equatable {
    /// The setting name, e.g. `extra-substituters`.
    public var name: String
    /// Its value.
    public var value: ConfigValue
    /// Where it is defined.
    public var span: SourceSpan
}

/// The value of a `nixConfig` setting.
public enum ConfigValue: Sendable, Hashable {
    /// A string setting.
    case string(String)
    /// A path literal, as written (Nix copies it to the store).
    case path(String)
    /// An integer setting.
    case int(Int64)
    /// A Boolean setting.
    case bool(Bool)
    /// A list of strings, e.g. `extra-substituters = [ "…" ];`.
    case stringList([String])
}

/// An error reading a `flake.nix`, worded as Nix words it.
public enum FlakeFileError: UserFacingError, Equatable {
    /// The file does not parse.
    case syntax(NixParseError)
    /// The top level is not syntactically an attribute set.
    case notAnAttributeSet(file: String)
    /// A top-level attribute other than `description`, `inputs`, `outputs`, `nixConfig`.
    case unsupportedAttribute(flake: String, name: String, span: SourceSpan)
    /// A top-level attribute name that is computed (`${…} = …`); flakelock can't evaluate it.
    case dynamicTopLevelAttribute(span: SourceSpan)
    /// There is no `outputs`.
    case missingOutputs(flake: String)
    /// A value has the wrong type, or is not trivial and so stays an unevaluated thunk.
    /// `expected` and `actual` are Nix's type phrases (`a string`, `a thunk`).
    case typeMismatch(expected: String, actual: String, span: SourceSpan)
    /// An input attribute has a type other than string, Boolean or integer.
    case invalidInputAttribute(name: String, actual: String, span: SourceSpan)
    /// A `nixConfig` setting has an unsupported type.
    case invalidConfigSetting(name: String, actual: String, span: SourceSpan)
    /// A `nixConfig` list has an element that is not a string.
    case invalidConfigListElement(name: String, span: SourceSpan)
    /// `underlying` came from the attribute `name` of an input declaration; Nix adds the
    /// trace `in flake attribute '<name>'` (2.8) or `while evaluating flake attribute
    /// '<name>'` (current) to such errors (`parseFlakeInput`).
    indirect case inInputAttribute(name: String, underlying: FlakeFileError)

    /// The error without its input-attribute wrappers, and the attribute names from the
    /// innermost out.
    public var unwrapped: (error: FlakeFileError, attributes: [String]) {
        var error = self
        var names: [String] = []
        while case .inInputAttribute(let name, let inner) = error {
            names.append(name)
            error = inner
        }
        return (error, names.reversed())
    }

    /// Where the error is.
    public var span: SourceSpan? {
        switch self {
        case .syntax(let error): return error.span
        case .inInputAttribute(_, let inner): return inner.span
        case .notAnAttributeSet, .missingOutputs: return nil
        case .unsupportedAttribute(_, _, let span), .dynamicTopLevelAttribute(let span),
            .typeMismatch(_, _, let span), .invalidInputAttribute(_, _, let span),
            .invalidConfigSetting(_, _, let span), .invalidConfigListElement(_, let span):
            return span
        }
    }

    /// Nix's message. Where Nix's message names a position it is `file:line:column`.
    public var description: String {
        switch self {
        case .syntax(let error):
            return error.description
        case .inInputAttribute(_, let inner):
            return inner.description
        case .notAnAttributeSet(let file):
            return "file '\(file)' must be an attribute set"
        case .unsupportedAttribute(let flake, let name, let span):
            return "flake '\(flake)' has an unsupported attribute '\(name)', at \(span)"
        case .dynamicTopLevelAttribute(let span):
            return "flake has a dynamic top-level attribute at \(span), which flakelock cannot evaluate"
        case .missingOutputs(let flake):
            return "flake '\(flake)' lacks attribute 'outputs'"
        case .typeMismatch(let expected, let actual, let span):
            return "expected \(expected) but got \(actual) at \(span)"
        case .invalidInputAttribute(let name, let actual, _):
            return "flake input attribute '\(name)' is \(actual) while a string, Boolean, or integer is expected"
        case .invalidConfigSetting(let name, let actual, _):
            return "flake configuration setting '\(name)' is \(actual)"
        case .invalidConfigListElement(let name, _):
            return "list element in flake configuration setting '\(name)' is a list while a string is expected"
        }
    }
}
