/// The value Nix sees for an attribute of a flake without evaluating anything: Nix forces
/// a value it inspects only if it is *trivial* (`Value::isTrivial`), so anything computed
/// stays a thunk and fails the type check.
enum TrivialValue {
    case string(String)
    case int(Int64)
    case float(Double)
    case bool(Bool)
    case null
    case path(String)
    /// A set, with the scope inside it and the scope around it (for `inherit`).
    case set(AttrSet, inner: Scope, outer: Scope)
    case list([NixExpr])
    case function(Lambda)
    case thunk

    /// Nix's `showType` phrase.
    var typeName: String {
        switch self {
        case .string: return "a string"
        case .int: return "an integer"
        case .float: return "a float"
        case .bool: return "a Boolean"
        case .null: return "null"
        case .path: return "a path"
        case .set: return "a set"
        case .list: return "a list"
        case .function: return "a function"
        case .thunk: return "a thunk"
        }
    }

    /// Built-in constants shadowed by enclosing `rec` sets.
    struct Scope {
        var shadowed: Set<String> = []

        /// The scope inside `set`: a `rec` set's names hide the built-ins.
        func entering(_ set: AttrSet) -> Scope {
            guard set.isRecursive else { return self }
            var inner = self
            for name in ["true", "false", "null"] where set[name] != nil { inner.shadowed.insert(name) }
            return inner
        }
    }

    /// The value as stored in the attribute, before any forcing (Nix's `maybeThunk`):
    /// literals are values; `true`, `false` and `null` resolve to values; sets, lists and
    /// functions are (trivial) thunks, except the empty list.
    static func unforced(_ expr: NixExpr, scope: Scope) -> TrivialValue {
        switch expr.kind {
        case .string(let text, _): return .string(text)
        case .int(let value): return .int(value)
        case .float(let value): return .float(value)
        case .path(let text): return .path(text)
        case .list(let items) where items.isEmpty: return .list([])
        case .variable(let name) where !scope.shadowed.contains(name):
            switch name {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default: return .thunk
            }
        default: return .thunk
        }
    }

    /// The value after Nix's `forceTrivialValue`: trivial thunks (set literals without
    /// dynamic names, lists, functions) are evaluated; other thunks stay thunks.
    static func forced(_ expr: NixExpr, scope: Scope) -> TrivialValue {
        switch expr.kind {
        case .attrSet(let set) where set.dynamicAttributes.isEmpty:
            return .set(set, inner: scope.entering(set), outer: scope)
        case .list(let items): return .list(items)
        case .lambda(let lambda): return .function(lambda)
        default: return unforced(expr, scope: scope)
        }
    }

    /// The value of an attribute of `set` (evaluated in `scope`, the scope inside the set):
    /// `inherit x;` looks `x` up outside the set.
    static func binding(_ binding: Binding, in scope: Scope, outer: Scope, forcing: Bool) -> TrivialValue {
        let bindingScope = binding.kind == .inherited ? outer : scope
        return forcing ? forced(binding.value, scope: bindingScope) : unforced(binding.value, scope: bindingScope)
    }
}
