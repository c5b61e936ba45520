/// The two generic URL parsers (docs/nix-behaviour.md, "Generic URL syntax").
extension ParsedURL {
    /// Parses `string` with the parser of `profile`.
    ///
    /// - Throws: ``FlakeRefError`` (`badURL`): `'<url>' is not a valid URL`, or
    ///   `file:// URL '<url>' has unexpected authority '<a>'`.
    public static func parse(_ string: String, profile: CompatProfile) throws(FlakeRefError) -> ParsedURL {
        switch profile.urlParser {
        case .nix28Regex: try parseNix28(string)
        case .rfc3986: try parseRFC3986(string)
        }
    }

    /// True if `s` starts with `scheme:` (letters, digits, `+ . -`).
    static func hasScheme(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard let first = b.first, isAlpha(first) else { return false }
        for c in b.dropFirst() {
            if c == UInt8(ascii: ":") { return true }
            guard isAlpha(c) || isDigit(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
            else { return false }
        }
        return false
    }

    // MARK: character classes

    static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") }
    static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    static let subDelims = Set(Array("!$&'\"()*+,;=".utf8))
    static func isUnreserved(_ c: UInt8) -> Bool {
        isAlpha(c) || isDigit(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "_")
            || c == UInt8(ascii: "~")
    }
    static func isPChar(_ c: UInt8) -> Bool {
        isUnreserved(c) || subDelims.contains(c) || c == UInt8(ascii: ":") || c == UInt8(ascii: "@")
    }

    /// Checks that every byte is allowed by `allowed` or is a valid `%XX` escape.
    static func validChars(_ s: Substring.UTF8View, _ allowed: (UInt8) -> Bool) -> Bool {
        let b = Array(s)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%") {
                guard i + 2 < b.count, PercentEncoding.hexValue(b[i + 1]) != nil,
                    PercentEncoding.hexValue(b[i + 2]) != nil
                else { return false }
                i += 3
            } else {
                guard allowed(b[i]) else { return false }
                i += 1
            }
        }
        return true
    }

    static func queryChar(_ c: UInt8) -> Bool {
        isPChar(c) || c == UInt8(ascii: "/") || c == UInt8(ascii: "?") || c == UInt8(ascii: " ")
    }

    /// Splits `s` into (before, query?, fragment?) at the first `?` and the first `#` after it.
    static func splitQueryFragment(_ s: Substring) -> (Substring, Substring?, Substring?) {
        var rest = s
        var fragment: Substring?
        if let h = rest.firstIndex(of: "#") {
            fragment = rest[rest.index(after: h)...]
            rest = rest[..<h]
        }
        var query: Substring?
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        return (rest, query, fragment)
    }

    // MARK: 2.8

    static func parseNix28(_ string: String) throws(FlakeRefError) -> ParsedURL {
        let invalid = FlakeRefError(.badURL, "'\(string)' is not a valid URL")
        guard let colon = string.firstIndex(of: ":") else { throw invalid }
        let scheme = String(string[..<colon])
        let sb = Array(scheme.utf8)
        guard let f = sb.first, f >= UInt8(ascii: "a"), f <= UInt8(ascii: "z"),
            sb.allSatisfy({
                ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || isDigit($0) || $0 == UInt8(ascii: "+")
                    || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
            })
        else { throw invalid }
        let (hier, query, fragment) = splitQueryFragment(string[string.index(after: colon)...])
        if let query, !validChars(query.utf8, queryChar) { throw invalid }
        if let fragment, !validChars(fragment.utf8, queryChar) { throw invalid }
        var authority: String?
        var path = String(hier)
        if hier.hasPrefix("//") {
            let afterSlashes = hier.dropFirst(2)
            let end = afterSlashes.firstIndex(of: "/") ?? afterSlashes.endIndex
            let auth = afterSlashes[..<end]
            let p = afterSlashes[end...]
            if validChars(auth.utf8, { isPChar($0) || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") })
                && validChars(p.utf8, { isPChar($0) || $0 == UInt8(ascii: "/") })
            {
                authority = String(auth)
                path = String(p)
            } else if !validChars(hier.utf8, { isPChar($0) || $0 == UInt8(ascii: "/") }) {
                throw invalid
            }
        } else if !validChars(hier.utf8, { isPChar($0) || $0 == UInt8(ascii: "/") }) {
            throw invalid
        }
        let isFile = scheme.contains("file")
        if let a = authority, !a.isEmpty, isFile {
            throw FlakeRefError(.badURL, "file:// URL '\(string)' has unexpected authority '\(a)'")
        }
        if isFile && path.isEmpty { path = "/" }
        var q = URLQuery()
        for piece in (query ?? "").split(separator: "&") {
            guard let eq = piece.firstIndex(of: "=") else { continue }
            guard let value = PercentEncoding.decode(String(piece[piece.index(after: eq)...])) else {
                throw FlakeRefError(.badURL, "invalid URI parameter '\(piece[piece.index(after: eq)...])'")
            }
            q.insertIfAbsent(String(piece[..<eq]), value)
        }
        var url = ParsedURL(
            scheme: scheme, authority: authority, path: path, query: q,
            fragment: PercentEncoding.decodeLenient(String(fragment ?? "")), original: string)
        url.rawPath = path
        return url
    }

    // MARK: current (RFC 3986, lenient)

    static func parseRFC3986(_ string: String) throws(FlakeRefError) -> ParsedURL {
        let invalid = FlakeRefError(.badURL, "'\(string)' is not a valid URL")
        guard hasScheme(string), let colon = string.firstIndex(of: ":") else { throw invalid }
        let scheme = String(string[..<colon])
        let (hier, query, fragment) = splitQueryFragment(string[string.index(after: colon)...])
        if let query, !validChars(query.utf8, { queryChar($0) || $0 == UInt8(ascii: "\"") }) { throw invalid }
        if let fragment,
            !validChars(fragment.utf8, { queryChar($0) || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "^") })
        {
            throw invalid
        }
        var authority: String?
        var rawPath = hier
        if hier.hasPrefix("//") {
            let afterSlashes = hier.dropFirst(2)
            let end = afterSlashes.firstIndex(of: "/") ?? afterSlashes.endIndex
            let auth = afterSlashes[..<end]
            guard validChars(auth.utf8, { isPChar($0) || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") })
            else { throw invalid }
            authority = String(auth)
            rawPath = afterSlashes[end...]
        }
        guard validChars(rawPath.utf8, { isPChar($0) || $0 == UInt8(ascii: "/") }),
            var path = PercentEncoding.decode(String(rawPath))
        else { throw invalid }
        let transport = scheme.split(separator: "+").last.map(String.init) ?? scheme
        if transport == "file" {
            if let a = authority, !a.isEmpty {
                throw FlakeRefError(.badURL, "file:// URL '\(string)' has unexpected authority '\(a)'")
            }
            if path.isEmpty { path = "/" }
        }
        var q = URLQuery()
        for piece in (query ?? "").split(separator: "&") {
            guard let eq = piece.firstIndex(of: "=") else { continue }
            guard let name = PercentEncoding.decode(String(piece[..<eq])),
                let value = PercentEncoding.decode(String(piece[piece.index(after: eq)...]))
            else { throw invalid }
            q.insertIfAbsent(name, value)
        }
        guard let frag = PercentEncoding.decode(String(fragment ?? "")) else { throw invalid }
        var url = ParsedURL(
            scheme: scheme, authority: authority, path: path, query: q, fragment: frag, original: string)
        url.rawPath = String(rawPath)
        return url
    }
}
