/// A URL split the way Nix splits it (docs/nix-behaviour.md, "Generic URL syntax"): scheme,
/// optional authority, path, query (a map sorted byte-wise by name; on parsing the first
/// occurrence of a name wins) and fragment.
///
/// What `path` holds depends on the parser that produced it: 2.8 keeps the text exactly as
/// written; the RFC 3986 parser (current Nix) stores it percent-decoded. ``render(_:)``
/// expects the same convention as the profile's parser.
public struct ParsedURL: Sendable, Hashable {
    /// The string that was parsed, for error messages (empty for URLs built in code).
    public var original: String
    public var scheme: String
    /// The authority after `//`, or nil when the URL has no `//`.
    public var authority: String?
    public var path: String
    /// The path exactly as written in the parsed string (before any decoding), so that a
    /// scheme can split it into segments first and decode each one (current Nix).
    public var rawPath: String
    public var query: URLQuery
    public var fragment: String
    /// `path` is already percent-encoded and is rendered as it is (used for segments that
    /// must keep an encoded `/`).
    public var pathIsEncoded = false

    public init(
        scheme: String, authority: String? = nil, path: String, query: URLQuery = URLQuery(), fragment: String = "",
        original: String = ""
    ) {
        self.scheme = scheme
        self.authority = authority
        self.path = path
        self.rawPath = path
        self.query = query
        self.fragment = fragment
        self.original = original
    }

    /// Renders the URL: `scheme:[//authority]path[?query][#fragment]`, with the query sorted by
    /// name and encoded per `encoding` (docs/nix-behaviour.md, "URL rendering and
    /// percent-encoding").
    public func render(_ encoding: CompatProfile.URLEncoding) -> String {
        var s = scheme + ":"
        if let authority { s += "//" + authority }
        s += pathIsEncoded && encoding != .nix28 ? path : PercentEncoding.encodePath(path, encoding)
        if !query.isEmpty {
            s +=
                "?"
                + query.map {
                    PercentEncoding.encodeQueryComponent($0.name, encoding) + "="
                        + PercentEncoding.encodeQueryComponent($0.value, encoding)
                }.joined(separator: "&")
        }
        if !fragment.isEmpty { s += "#" + PercentEncoding.encodeQueryComponent(fragment, encoding) }
        return s
    }

    /// The path's segments (empty ones dropped), each percent-decoded when the profile's
    /// parser decodes (Nix's `tokenizeString(path, "/")` / current's `pathSegments(true)`).
    public func pathSegments(profile: CompatProfile) -> [String] {
        let segs = rawPath.split(separator: "/").map(String.init)
        guard profile.urlParser == .rfc3986 else { return segs }
        return segs.map { PercentEncoding.decode($0) ?? $0 }
    }

    /// Renders the URL with the encoding of `profile`.
    public func render(profile: CompatProfile) -> String { render(profile.urlEncoding) }
}

/// A URL query: names to values, sorted byte-wise by name (a `std::map` in Nix).
public struct URLQuery: Sendable, Hashable, Sequence {
    public private(set) var items: [(name: String, value: String)] = []

    public init() {}

    public init(_ pairs: [(String, String)]) {
        for (k, v) in pairs { self[k] = v }
    }

    private func index(of name: String) -> (found: Bool, at: Int) {
        var lo = 0
        var hi = items.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if items[mid].name.bytesEqual(name) { return (true, mid) }
            if items[mid].name.byteWiseLess(than: name) { lo = mid + 1 } else { hi = mid }
        }
        return (false, lo)
    }

    /// The value of `name`; assigning replaces (`insert_or_assign`), `nil` removes.
    public subscript(name: String) -> String? {
        get {
            let (f, i) = index(of: name)
            return f ? items[i].value : nil
        }
        set {
            let (f, i) = index(of: name)
            switch (f, newValue) {
            case (true, let v?): items[i].value = v
            case (true, nil): items.remove(at: i)
            case (false, let v?): items.insert((name, v), at: i)
            case (false, nil): break
            }
        }
    }

    /// Adds `name` only if it is absent (`std::map::insert`/`emplace`).
    public mutating func insertIfAbsent(_ name: String, _ value: String) {
        if self[name] == nil { self[name] = value }
    }

    public var isEmpty: Bool { items.isEmpty }
    public var count: Int { items.count }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { items.makeIterator() }

    public static func == (a: URLQuery, b: URLQuery) -> Bool {
        a.items.count == b.items.count
            && zip(a.items, b.items).allSatisfy { $0.name.bytesEqual($1.name) && $0.value.bytesEqual($1.value) }
    }

    public func hash(into h: inout Hasher) {
        for i in items {
            h.combine(i.name)
            h.combine(i.value)
        }
    }
}
