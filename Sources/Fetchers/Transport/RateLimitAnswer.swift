import Foundation

/// A server's "too many requests" answer, read the same way by every HTTP transport (the
/// libcurl one and the tests' in-memory one): a 429, or a 403 that says GitHub's quota is
/// spent — `X-RateLimit-Remaining: 0`, a `Retry-After`, or a body saying so ("API rate limit
/// exceeded for …", "You have exceeded a secondary rate limit"), as when a proxy drops the
/// headers. Any other 403 is not one (a private repository, a bad token).
public struct RateLimitAnswer: Sendable, Equatable {
    public var status: Int
    /// `X-RateLimit-Limit`.
    public var limit: String?
    /// `X-RateLimit-Reset`: when the quota comes back, in seconds since 1970.
    public var resetsAt: Int64?
    /// `Retry-After` in seconds.
    public var retryAfter: Int?
    /// `X-RateLimit-Remaining: 0`.
    public var exhausted: Bool

    /// nil when the answer is not a rate limit.
    public init?(_ response: HTTPResponse, body: String) {
        func number<T: LosslessStringConvertible>(_ name: String, _: T.Type) -> T? {
            response.header(name).flatMap { T($0.trimmingCharacters(in: .whitespaces)) }
        }
        status = response.status
        retryAfter = number("Retry-After", Int.self)
        resetsAt = number("X-RateLimit-Reset", Int64.self)
        limit = response.header("X-RateLimit-Limit")?.trimmingCharacters(in: .whitespaces)
        exhausted = number("X-RateLimit-Remaining", Int.self) == 0
        let text = body.lowercased()
        let saysRateLimit = text.contains("rate limit exceeded") || text.contains("exceeded a secondary rate limit")
        switch status {
        case 429: break
        case 403 where exhausted || retryAfter != nil || saysRateLimit: break
        default: return nil
        }
    }

    /// The wait the server asks for (`Retry-After`, else the reset of a spent quota), from `now`.
    public func wait(now: Date = Date()) -> Duration? {
        if let retryAfter { return .seconds(retryAfter) }
        if exhausted, let resetsAt { return .seconds(max(0, resetsAt - Int64(now.timeIntervalSince1970))) }
        return nil
    }

    public func error(url: String) -> HTTPTransportError {
        .rateLimited(url: url, status: status, limit: limit, resetsAt: resetsAt, retryAfter: retryAfter)
    }
}
