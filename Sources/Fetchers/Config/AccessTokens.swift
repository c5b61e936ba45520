/// Chooses the access token for a forge request (docs/nix-behaviour.md, "Access tokens").
public struct AccessTokens: Sendable, Equatable {
    public var tokens: [String: String]
    /// Nix 2.8 matches only the host; current Nix prefers the longest `host/path` prefix
    /// ending at a `/` boundary, then the host.
    public var matchPathPrefixes: Bool

    public init(tokens: [String: String], matchPathPrefixes: Bool) {
        self.tokens = tokens
        self.matchPathPrefixes = matchPathPrefixes
    }

    /// The token for `host` serving `owner/repo`, if any.
    public func token(host: String, owner: String, repo: String) -> String? {
        if matchPathPrefixes {
            let full = "\(host)/\(owner)/\(repo)"
            var best: (key: String, token: String)?
            for (key, token) in tokens where key.contains("/") {
                guard full == key || full.hasPrefix(key + "/") else { continue }
                if best == nil || key.count > best!.key.count { best = (key, token) }
            }
            if let best { return best.token }
        }
        return tokens[host]
    }
}
