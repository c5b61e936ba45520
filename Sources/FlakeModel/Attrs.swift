/// One attribute value of an input: a string, an unsigned 64-bit integer or a Boolean
/// (docs/nix-behaviour.md, "Attribute values").
///
/// Equality is exact: strings compare by their UTF-8 bytes (not by Unicode canonical
/// equivalence), and `"1"` is not equal to `1`.
public enum AttrValue: Sendable, CustomStringConvertible {
    case string(String)
    case int(UInt64)
    case bool(Bool)

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer, if this is an integer.
    public var intValue: UInt64? {
        if case .int(let n) = self { return n }
        return nil
    }

    /// The Boolean, if this is a Boolean.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The value as it appears in a URL query: strings as is, integers in decimal, Booleans `1`/`0`.
    public var queryString: String {
        switch self {
        case .string(let s): s
        case .int(let n): String(n)
        case .bool(let b): b ? "1" : "0"
        }
    }

    /// The JSON value of this attribute.
    public var json: JSONValue {
        switch self {
        case .string(let s): .string(s)
        case .int(let n): .number(.unsigned(n))
        case .bool(let b): .bool(b)
        }
    }

    public var description: String { json.compactText }
}

extension AttrValue: Hashable {
    public static func == (a: AttrValue, b: AttrValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): x.utf8.elementsEqual(y.utf8)
        case (.int(let x), .int(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        default: false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .string(let s):
            h.combine(0)
            for b in s.utf8 { h.combine(b) }
        case .int(let n):
            h.combine(1)
            h.combine(n)
        case .bool(let b):
            h.combine(2)
            h.combine(b)
        }
    }
}

extension AttrValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: UInt64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension String {
    /// Byte-wise (unsigned UTF-8) ordering, the order of `std::string` keys in Nix.
    @inlinable
    public func byteWiseLess(than other: String) -> Bool {
        self.utf8.lexicographicallyPrecedes(other.utf8)
    }

    /// Equality of the UTF-8 bytes (Swift's `==` uses canonical equivalence instead).
    @inlinable
    public func bytesEqual(_ other: String) -> Bool {
        self.utf8.elementsEqual(other.utf8)
    }
}

/// An input's attributes: a map from name to ``AttrValue`` kept sorted byte-wise by name
/// (docs/nix-behaviour.md, "Vocabulary"). Iteration is always in that order.
///
/// ```swift
/// var a: Attrs = ["type": "github", "owner": "NixOS", "repo": "nixpkgs"]
/// a["ref"] = "nixos-24.05"
/// a.keys  // ["owner", "ref", "repo", "type"]
/// ```
public struct Attrs: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// The entries in byte-wise order of their names.
    public private(set) var entries: [(name: String, value: AttrValue)]

    /// The empty map.
    public init() { entries = [] }

    /// Builds a map from pairs; a later pair replaces an earlier one with the same name.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, AttrValue) {
        entries = []
        for (k, v) in pairs { self[k] = v }
    }

    public init(dictionaryLiteral elements: (String, AttrValue)...) {
        self.init(elements)
    }

    private func index(of name: String) -> (found: Bool, at: Int) {
        var lo = 0
        var hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let k = entries[mid].name
            if k.bytesEqual(name) { return (true, mid) }
            if k.byteWiseLess(than: name) { lo = mid + 1 } else { hi = mid }
        }
        return (false, lo)
    }

    /// The value of `name`; assigning `nil` removes it.
    public subscript(name: String) -> AttrValue? {
        get {
            let (found, i) = index(of: name)
            return found ? entries[i].value : nil
        }
        set {
            let (found, i) = index(of: name)
            switch (found, newValue) {
            case (true, let v?): entries[i].value = v
            case (true, nil): entries.remove(at: i)
            case (false, let v?): entries.insert((name, v), at: i)
            case (false, nil): break
            }
        }
    }

    /// Removes `name` and returns its value.
    @discardableResult
    public mutating func removeValue(forKey name: String) -> AttrValue? {
        let old = self[name]
        self[name] = nil
        return old
    }

    /// Reads a JSON object into attributes as Nix's `jsonToAttrs` does: strings, Booleans
    /// and numbers (read as unsigned 64-bit; a fraction is truncated).
    /// - Throws: ``FlakeRefError`` `unsupported input attribute type in lock file` for
    ///   anything else (null, arrays, objects, negative numbers) or a non-object.
    public init(json: JSONValue) throws(FlakeRefError) {
        guard let obj = json.objectValue else {
            throw FlakeRefError(.invalidAttribute, "unsupported input attribute type in lock file")
        }
        self.init()
        for (k, v) in obj {
            switch v {
            case .string(let s): self[k] = .string(s)
            case .bool(let b): self[k] = .bool(b)
            case .number(.unsigned(let n)): self[k] = .int(n)
            case .number(.float(let d)) where d >= 0 && d < 18_446_744_073_709_551_616.0: self[k] = .int(UInt64(d))
            case .number:
                throw FlakeRefError(.invalidAttribute, "negative or out-of-range number for input attribute '\(k)'")
            default:
                throw FlakeRefError(.invalidAttribute, "unsupported input attribute type in lock file")
            }
        }
    }

    /// The names, in order.
    public var keys: [String] { entries.map(\.name) }
    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// The string value of `name`, or nil if it is absent or not a string.
    public func string(_ name: String) -> String? { self[name]?.stringValue }
    /// The integer value of `name`, or nil if it is absent or not an integer.
    public func int(_ name: String) -> UInt64? { self[name]?.intValue }
    /// The Boolean value of `name`, or nil if it is absent or not a Boolean.
    public func bool(_ name: String) -> Bool? { self[name]?.boolValue }

    public func makeIterator() -> IndexingIterator<[(name: String, value: AttrValue)]> {
        entries.makeIterator()
    }

    /// The attributes as a JSON object (the form of `locked`/`original` in lock files).
    public var json: JSONValue {
        .object(JSONObject(entries.map { ($0.name, $0.value.json) }))
    }

    /// Compact JSON, as Nix prints attributes in error messages (`attrsToJSON(...).dump()`).
    public var description: String { json.compactText }

    public static func == (a: Attrs, b: Attrs) -> Bool {
        a.entries.count == b.entries.count
            && zip(a.entries, b.entries).allSatisfy { $0.name.bytesEqual($1.name) && $0.value == $1.value }
    }

    public func hash(into h: inout Hasher) {
        h.combine(entries.count)
        for e in entries {
            for b in e.name.utf8 { h.combine(b) }
            h.combine(e.value)
        }
    }
}
