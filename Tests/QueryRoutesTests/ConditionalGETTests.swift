import Testing

@testable import QueryService

/// The ETag and Cache-Control of an answer, without a server: the ETag changes with the projection's progress, the
/// request and (current state only) the minute; history whose range ended over a day ago may be kept an hour.
@Suite struct ConditionalGETTests {
    typealias M = CacheValidators

    static func v(_ token: String = "t/10/2", uri: String = "/v1/parks/p/waits", to: String? = nil, now: Int64 = 1_716_200_000) -> (etag: String, cacheControl: String) {
        CacheValidators.validators(projection: "parks_wait_times", token: token, uri: uri, to: to, now: now)
    }

    @Test func theETagFollowsProgressRequestAndMinute() {
        let base = Self.v()
        #expect(base.etag.hasPrefix("\"parks_wait_times-") && base.etag.hasSuffix("\"") && base.cacheControl == "public, max-age=2")
        #expect(Self.v() == base, "same progress, request and minute: same ETag")
        #expect(Self.v(now: 1_716_200_000 / 60 * 60 + 59).etag == base.etag, "same minute")
        #expect(Self.v("t/11/2").etag != base.etag, "a batch committed")
        #expect(Self.v(uri: "/v1/parks/q/waits").etag != base.etag, "another request")
        #expect(Self.v(now: 1_716_200_000 + 60).etag != base.etag, "current state: the next minute")
    }

    @Test func historyIsKeptLongerOnceItsRangeIsClosed() {
        let now: Int64 = 1_716_200_000  // 2024-05-20T10:13:20Z
        let recent = Self.v(uri: "/h?to=2024-05-20T10:00:00Z", to: "2024-05-20T10:00:00Z", now: now)
        let closed = Self.v(uri: "/h?to=2024-05-18T00:00:00Z", to: "2024-05-18T00:00:00Z", now: now)
        #expect(recent.cacheControl == "public, max-age=10" && closed.cacheControl == "public, max-age=3600")
        #expect(Self.v(uri: "/h?to=2024-05-18T00:00:00Z", to: "2024-05-18T00:00:00Z", now: now + 600).etag == closed.etag, "history: no minute in it")
    }

    @Test func ifNoneMatchTakesListsStarAndWeakTags() {
        let tag = "\"parks-1f\""
        #expect(M.matches(tag, tag, wildcard: false) && M.matches("\"x\", \(tag)", tag, wildcard: false) && M.matches("W/\(tag)", tag, wildcard: false))
        #expect(M.matches("*", tag, wildcard: true) && !M.matches("*", tag, wildcard: false), "* only once an answer is known to exist")
        #expect(!M.matches("\"parks-1e\"", tag, wildcard: true) && !M.matches("", tag, wildcard: true))
    }

    /// A token read is reused for `ProjectionFreshness.reuse`, for its own offsets table only, and a slower read that
    /// began earlier never replaces a newer one.
    @Test func aTokenIsReusedBrieflyAndNeverByAnOlderRead() {
        let cache = ProjectionFreshness.TokenCache()
        let t0 = ContinuousClock.now
        #expect(cache.token(table: "offsets", at: t0) == nil)
        cache.store("offsets/10/1", table: "offsets", readAt: t0)
        #expect(cache.token(table: "offsets", at: t0 + .milliseconds(50)) == "offsets/10/1")
        #expect(cache.token(table: "offsets_v2", at: t0 + .milliseconds(50)) == nil, "a promotion reads the new version's at once")
        #expect(cache.token(table: "offsets", at: t0 + ProjectionFreshness.reuse) == nil)
        cache.store("offsets/9/1", table: "offsets", readAt: t0 - .milliseconds(10))
        #expect(cache.token(table: "offsets", at: t0 + .milliseconds(1)) == "offsets/10/1")
        cache.store("offsets/11/1", table: "offsets", readAt: t0 + .milliseconds(5))
        #expect(cache.token(table: "offsets", at: t0 + .milliseconds(6)) == "offsets/11/1")
    }
}
