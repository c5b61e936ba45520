import Foundation
import Testing

@testable import Fetchers

/// What counts as a rate limit, read the same way by the libcurl transport and the tests'
/// in-memory one.
struct RateLimitAnswerTests {
    static func answer(_ status: Int, _ headers: [String: String], body: String = "") -> RateLimitAnswer? {
        RateLimitAnswer(
            HTTPResponse(
                status: status, headers: headers.map { HTTPHeaderField(name: $0.key, value: $0.value) },
                effectiveURL: "https://api.github.com/x"),
            body: body)
    }

    @Test func quotaAnswersAreRateLimits() throws {
        let now = Date(timeIntervalSince1970: 1_000)
        let spent = try #require(
            Self.answer(403, ["X-RateLimit-Remaining": " 0", "X-RateLimit-Reset": "1060", "X-RateLimit-Limit": "60"]))
        #expect(spent.exhausted && spent.limit == "60" && spent.resetsAt == 1060)
        #expect(spent.wait(now: now) == .seconds(60))
        #expect(Self.answer(429, [:])?.wait(now: now) == nil)
        #expect(Self.answer(429, ["Retry-After": "7"])?.wait(now: now) == .seconds(7))
        #expect(Self.answer(403, ["Retry-After": "3"])?.wait(now: now) == .seconds(3))
        // A proxy that dropped the headers: the body says it.
        let secondary = Self.answer(403, [:], body: "You have exceeded a secondary rate limit.")
        #expect(secondary != nil && secondary?.wait(now: now) == nil)
        #expect(Self.answer(403, [:], body: "API rate limit exceeded for 1.2.3.4.") != nil)
    }

    @Test func otherAnswersAreNot() {
        #expect(Self.answer(403, [:], body: "Resource not accessible by integration") == nil)
        #expect(Self.answer(403, ["X-RateLimit-Remaining": "12"]) == nil)
        #expect(Self.answer(404, ["X-RateLimit-Remaining": "0"]) == nil)
        #expect(Self.answer(200, [:]) == nil)
    }
}
