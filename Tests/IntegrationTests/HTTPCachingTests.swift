import Events
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Processor
import QueryService
import Registry
import Testing
import TestSupport

/// Conditional GETs on the real database, through the service `turnstile serve` builds (as the read-only role):
/// the ETag comes from the projection's offsets, so while no batch commits the answer is a 304 that reads none of
/// its tables (shown by changing a table behind the offsets' back), and a commit gives the new answer.
@Suite("HTTPCachingTests", .enabled(if: TestStack.enabled))
struct HTTPCachingTests {
    @Test func anUnchangedProjectionAnswers304WithoutReadingItsTables() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let admin = try ns.session()
        defer { admin.close() }
        _ = try admin.execute(
            """
            INSERT INTO attraction_current (park_id, attraction_id, attraction_name, time_zone, wait_minutes, status, observed_at, status_changed_at)
            VALUES ('p', 'a', 'A', 'UTC', 10, 'OPERATING', '2024-05-20T10:00:00Z', '2024-05-20T09:00:00Z')
            """)
        _ = try admin.execute(
            "INSERT INTO wait_times (time, park_id, attraction_id, wait_minutes, status) VALUES ('2024-05-20T10:00:00Z', 'p', 'a', 10, 'OPERATING')")
        _ = try admin.execute(
            "INSERT INTO turnstile_offsets (projection, topic, partition, next_offset) VALUES ('parks_wait_times', 'parks.wait-times', 0, 100)")
        let reader = PGPool(url: QueryRole().url(from: ns.databaseURL), maxConnections: 2, logger: TestStack.logger)
        let writer = PGPool(url: ns.databaseURL, maxConnections: 1, logger: TestStack.logger)
        let app = buildQueryApplication(QueryService(pool: reader, readiness: { [:] }, metrics: { "" }), logger: TestStack.logger)
        do {
            try await app.test(.router) { client in
                func get(_ uri: String, ifNoneMatch: String? = nil) async throws -> (HTTPResponse.Status, String?, String?, JSONValue?) {
                    var headers = HTTPFields()
                    if let ifNoneMatch { headers[.ifNoneMatch] = ifNoneMatch }
                    return try await client.execute(uri: uri, method: .get, headers: headers) {
                        let bytes = Array($0.body.readableBytesView)
                        return ($0.status, $0.headers[.eTag], $0.headers[.cacheControl], bytes.isEmpty ? nil : try JSONParser.parse(bytes))
                    }
                }
                // Current state: an ETag and a few seconds of freshness.
                let (status, etag, cache, _) = try await get("/v1/parks/p/waits")
                #expect(status == .ok && etag?.hasPrefix("\"parks_wait_times-") == true && cache == "public, max-age=2")

                // A closed history: its ETag has no clock in it, and it may be kept an hour.
                let history = "/v1/parks/p/attractions/a/history?from=2024-05-20T09:00:00Z&to=2024-05-20T11:00:00Z&interval=1h"
                let (s1, tag, longCache, body) = try await get(history)
                #expect(s1 == .ok && longCache == "public, max-age=3600")
                #expect(body?["buckets"]?.arrayValue?.first?["avg_wait_minutes"]?.doubleValue == 10)
                let first = try #require(tag)
                let (s2, tag2, _, empty) = try await get(history, ifNoneMatch: first)
                #expect(s2 == .notModified && tag2 == first && empty == nil)
                // Another request is another answer.
                let (s3, _, _, _) = try await get(history + "&x=1", ifNoneMatch: first)
                #expect(s3 == .ok)

                // The table changes behind the offsets' back: still 304, so the handler read nothing.
                try await writer.query("UPDATE wait_times SET wait_minutes = 55 WHERE park_id = 'p'")
                let (s4, _, _, _) = try await get(history, ifNoneMatch: first)
                #expect(s4 == .notModified)
                // A batch commits (the offsets move): a new ETag and the answer as the table now is.
                try await writer.query("UPDATE turnstile_offsets SET next_offset = 101 WHERE projection = 'parks_wait_times'")
                // The token read last is reused for `ProjectionFreshness.reuse` (100 ms): a commit shows after it at the latest.
                try await Task.sleep(for: ProjectionFreshness.reuse * 2)
                let (s5, tag5, _, body5) = try await get(history, ifNoneMatch: first)
                #expect(s5 == .ok && tag5 != nil && tag5 != first)
                #expect(body5?["buckets"]?.arrayValue?.first?["avg_wait_minutes"]?.doubleValue == 55)
                // Another projection's offsets are not this one's.
                try await writer.query(
                    "INSERT INTO turnstile_offsets (projection, topic, partition, next_offset) VALUES ('parks_crowd', 'parks.wait-times', 0, 7)")
                let (s6, _, _, _) = try await get(history, ifNoneMatch: tag5)
                #expect(s6 == .notModified)
                // Errors are not cached, and `*` matches only an answer that exists (a refused request has none).
                let (s7, tag7, _, _) = try await get("/v1/parks/nowhere/waits")
                #expect(s7 == .notFound && tag7 == nil)
                let (s8, _, _, _) = try await get("/v1/parks/p/attractions/a/history?from=2024-05-20T09:00:00Z&to=yesterday", ifNoneMatch: "*")
                #expect(s8 == .badRequest)
                let (s9, _, _, _) = try await get(history, ifNoneMatch: "*")
                #expect(s9 == .notModified)
            }
        } catch {
            await reader.close()
            await writer.close()
            throw error
        }
        await reader.close()
        await writer.close()
    }
}
