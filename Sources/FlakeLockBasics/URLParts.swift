/// A minimal `scheme://[user@]host[:port]/path` splitter for origin comparisons.
public struct URLParts: Sendable, Hashable {
    public var scheme: String
    public var host: String
    public var port: Int?
    public var path: String

    public init?(_ url: String) {
        guard let r = url.range(of: "://") else { return nil }
        scheme = url[..<r.lowerBound].lowercased()
        let rest = url[r.upperBound...]
        let authEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = rest[..<authEnd]
        path = String(rest[authEnd...])
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close]).lowercased()
            let after = authority[authority.index(after: close)...]
            port = after.hasPrefix(":") ? Int(after.dropFirst()) : nil
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon].lowercased()
            port = Int(authority[authority.index(after: colon)...])
        } else {
            host = authority.lowercased()
            port = nil
        }
    }

    /// Scheme, host and effective port.
    public var origin: String {
        let p = port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : 0)
        return "\(scheme)://\(host):\(p)"
    }
}
