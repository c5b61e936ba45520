/// A JSON value as nlohmann::json holds it: objects are maps sorted byte-wise by key
/// (duplicate keys: the last one wins), numbers keep nlohmann's three kinds.
///
/// Parse with ``JSONValue/parse(_:)``; write with ``JSONValue/prettyText`` (`dump(2)`, the
/// flake.lock form, docs/nix-behaviour.md, "Exact JSON text") or ``JSONValue/compactText``
/// (`dump()`).
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The object, if this is an object.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The array, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// nlohmann's `type_name()`, used in error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x.bytesEqual(y)
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x == y
        default: false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .null: h.combine(0)
        case .bool(let b): h.combine(b)
        case .number(let n): h.combine(n)
        case .string(let s): for b in s.utf8 { h.combine(b) }
        case .array(let a): h.combine(a)
        case .object(let o): h.combine(o)
        }
    }
}

/// A JSON number the way nlohmann::json stores it.
public enum JSONNumber: Sendable, Hashable {
    /// A non-negative integer that fits in 64 bits.
    case unsigned(UInt64)
    /// A negative integer that fits in 64 bits.
    case signed(Int64)
    /// Anything else (fraction, exponent, out of range).
    case float(Double)

    /// nlohmann compares numbers of different kinds by value.
    public static func == (a: JSONNumber, b: JSONNumber) -> Bool {
        switch (a, b) {
        case (.unsigned(let x), .unsigned(let y)): x == y
        case (.signed(let x), .signed(let y)): x == y
        case (.float(let x), .float(let y)): x == y
        case (.unsigned(let x), .signed(let y)), (.signed(let y), .unsigned(let x)): y >= 0 && UInt64(y) == x
        case (.unsigned(let x), .float(let y)), (.float(let y), .unsigned(let x)): Double(x) == y
        case (.signed(let x), .float(let y)), (.float(let y), .signed(let x)): Double(x) == y
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .unsigned(let x): h.combine(Double(x))
        case .signed(let x): h.combine(Double(x))
        case .float(let x): h.combine(x)
        }
    }

    /// The text nlohmann writes for this number.
    public var text: String {
        switch self {
        case .unsigned(let x): String(x)
        case .signed(let x): String(x)
        case .float(let d):
            if d.isNaN || d.isInfinite { "null" } else { d.description }
        }
    }
}

/// A JSON object: members sorted byte-wise by key, keys unique.
public struct JSONObject: Sendable, Hashable, Sequence {
    /// The members in byte-wise key order.
    public private(set) var members: [(key: String, value: JSONValue)] = []

    public init() {}

    /// Builds an object; a later member replaces an earlier one with the same key.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, JSONValue) {
        for (k, v) in pairs { self[k] = v }
    }

    private func index(of key: String) -> (found: Bool, at: Int) {
        var lo = 0
        var hi = members.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let k = members[mid].key
            if k.bytesEqual(key) { return (true, mid) }
            if k.byteWiseLess(than: key) { lo = mid + 1 } else { hi = mid }
        }
        return (false, lo)
    }

    /// The member named `key`; assigning `nil` removes it.
    public subscript(key: String) -> JSONValue? {
        get {
            let (found, i) = index(of: key)
            return found ? members[i].value : nil
        }
        set {
            let (found, i) = index(of: key)
            switch (found, newValue) {
            case (true, let v?): members[i].value = v
            case (true, nil): members.remove(at: i)
            case (false, let v?): members.insert((key, v), at: i)
            case (false, nil): break
            }
        }
    }

    public var keys: [String] { members.map(\.key) }
    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        members.makeIterator()
    }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.members.count == b.members.count
            && zip(a.members, b.members).allSatisfy { $0.key.bytesEqual($1.key) && $0.value == $1.value }
    }

    public func hash(into h: inout Hasher) {
        h.combine(members.count)
        for m in members {
            for b in m.key.utf8 { h.combine(b) }
            h.combine(m.value)
        }
    }
}
